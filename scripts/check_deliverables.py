"""Checks the deliverables that need no Docker engine (part of `make test`, after check-linkage).

  dockerfile-sources  every COPY/ADD source of build/Dockerfile exists and is not in .dockerignore
  helm-version        HELM_VERSION in build/Dockerfile (the source of truth) is the Helm version the
                      docs name; HELM_SHA256 is a sha256
  entrypoints         each image's ENTRYPOINT is a binary the build stage's `swift build --product`
                      makes, copied from where that stage puts it; the provisioner's helm is the pinned one
  dist                `make -n dist` packs both binaries, every shipped values file and the docs
  manifests-apply     deploy/kubernetes/ passes `kubectl apply --dry-run=server` on the testbed's
                      Kubernetes API emulator
  manifests           probes, the headless provisioner Service, the PDB, terminationGracePeriodSeconds
                      > --drain-timeout + --helm-grace-period, secrets, non-root, resources
  flags               every --flag and CLOUD_*/PROVISIONER_* variable the manifests and the Dockerfile
                      pass is one the binaries declare (their `--experimental-dump-help`: the options,
                      and the variables each option's help names)

One line per check: "ok" with a summary, or "FAIL" naming what failed (then exit 1).
Needs kubectl (KUBECTL), PyYAML (the testbed venv's python, TESTBED_HOME, made by `make testbed`)
and the debug binaries (`swift build`; --bin DIR to use others).
"""
import argparse
import fnmatch
import glob
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

DOCKERFILE = "build/Dockerfile"
MANIFESTS = "deploy/kubernetes"
# Where the image's Helm version is written down for users.
HELM_DOCS = ("docs/deploying.md", "go-compat-notes.md")
# Which command each Deployment's container runs: (binary, subcommand path).
COMMANDS = {
    "provisioner": ("provisioner", []),
    "cloud-server": ("cloud", ["server"]),
}
ENV_VARIABLE = re.compile(r"\b((?:CLOUD|PROVISIONER)_[A-Z_]+)\b")


class Failed(Exception):
    """A check's problems, joined into its one line."""

    def __init__(self, problems):
        super().__init__("; ".join(problems) if isinstance(problems, list) else problems)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def finish(problems, summary):
    if problems:
        raise Failed(problems)
    return summary


# --- Dockerfile -------------------------------------------------------------------------------
def dockerfile():
    """[(stage, instruction, text)] with continuation lines joined and comments dropped."""
    instructions, stage, current = [], None, ""
    for line in read(DOCKERFILE).splitlines():
        if line.lstrip().startswith("#"):
            continue
        if line.rstrip().endswith("\\"):
            current += line.rstrip()[:-1] + " "
            continue
        current += line
        if current.strip():
            keyword, _, rest = current.strip().partition(" ")
            keyword = keyword.upper()
            if keyword == "FROM":
                m = re.search(r"\s+AS\s+(\S+)\s*$", rest, re.I)
                stage = m.group(1) if m else rest.split()[0]
            instructions.append((stage, keyword, rest.strip()))
        current = ""
    return instructions


def global_args():
    args = {}
    for stage, keyword, rest in dockerfile():
        if stage is None and keyword == "ARG" and "=" in rest:
            name, _, value = rest.partition("=")
            args[name.strip()] = value.strip()
    return args


def copy_parts(rest):
    """(flags, sources, destination) of a COPY/ADD."""
    words = json.loads(rest) if rest.startswith("[") else shlex.split(rest)
    flags = [w for w in words if w.startswith("--")]
    paths = [w for w in words if not w.startswith("--")]
    return flags, paths[:-1], paths[-1]


def dockerignore_patterns():
    if not os.path.exists(".dockerignore"):
        return []
    lines = [line.strip() for line in read(".dockerignore").splitlines()]
    return [line.rstrip("/") for line in lines if line and not line.startswith("#") and not line.startswith("!")]


def ignored(path, patterns):
    parts = os.path.normpath(path).split(os.sep)
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    return any(fnmatch.fnmatchcase(p, pat) for p in prefixes for pat in patterns)


def check_dockerfile_sources(context):
    problems, checked, optional = [], 0, []
    patterns = dockerignore_patterns()
    for stage, keyword, rest in dockerfile():
        if keyword not in ("COPY", "ADD"):
            continue
        flags, sources, _ = copy_parts(rest)
        if any(f.startswith("--from=") for f in flags):
            continue  # between stages
        for source in sources:
            if re.search(r"[*?\[]", source):
                optional.append(source)  # a pattern may match nothing (Package.resolve[d])
                matches = glob.glob(source)
            else:
                checked += 1
                if not os.path.exists(source):
                    problems.append(f"{DOCKERFILE} stage {stage}: {keyword} source {source} does not exist")
                    continue
                matches = [source]
            for match in matches:
                if ignored(match, patterns):
                    problems.append(f"{DOCKERFILE} stage {stage}: {keyword} source {match} is excluded by .dockerignore")
    return finish(problems, f"{checked} COPY/ADD sources exist and are in the build context"
                  + (f" (optional: {', '.join(optional)})" if optional else ""))


def check_helm_version(context):
    args = global_args()
    version, sha = args.get("HELM_VERSION"), args.get("HELM_SHA256", "")
    if not version:
        raise Failed(f"{DOCKERFILE} has no global ARG HELM_VERSION")
    problems = []
    if not re.fullmatch(r"v\d+\.\d+\.\d+", version):
        problems.append(f"{DOCKERFILE}: HELM_VERSION={version} is not vX.Y.Z")
    if not re.fullmatch(r"[0-9a-f]{64}", sha):
        problems.append(f"{DOCKERFILE}: HELM_SHA256 is not 64 hex digits")
    if "${HELM_VERSION}" not in read(DOCKERFILE).split("AS helm", 1)[-1]:
        problems.append(f"{DOCKERFILE}: the helm stage does not download ${{HELM_VERSION}}")
    for doc in HELM_DOCS:
        if not os.path.exists(doc):
            problems.append(f"{doc} does not exist")
            continue
        named = re.findall(r"Helm `(v[^`]+)` \(`HELM_VERSION`", read(doc))
        if not named:
            problems.append(f"{doc} does not name the image's Helm as: Helm `{version}` (`HELM_VERSION` ...)")
        problems += [f"{doc} names Helm {v}, {DOCKERFILE} pins {version}" for v in sorted(set(named)) if v != version]
    return finish(problems, f"Helm {version} in {DOCKERFILE}, {' and '.join(HELM_DOCS)}")


def entrypoint_problems(stage, own, build_stage, build_run, products):
    """(problems, binary) for one stage's ENTRYPOINT."""
    entrypoints = [r for k, r in own if k == "ENTRYPOINT"]
    try:
        binary = json.loads(entrypoints[-1])[0]
    except (ValueError, IndexError):
        return [f"{DOCKERFILE} stage {stage}: ENTRYPOINT is not an exec-form JSON array"], None
    copied = None
    for k, r in own:
        if k != "COPY":
            continue
        flags, sources, dest = copy_parts(r)
        if f"--from={build_stage}" not in flags:
            continue
        for source in sources:
            target = dest + os.path.basename(source) if dest.endswith("/") else dest
            if target == binary:
                copied = source
    if copied is None:
        return [f"{DOCKERFILE} stage {stage}: ENTRYPOINT {binary} is not copied from the {build_stage} stage"], None
    problems = []
    product = os.path.basename(copied)
    if product not in products:
        problems.append(f"{DOCKERFILE} stage {stage}: ENTRYPOINT {binary} comes from {copied}, not a swift build product")
    elif copied not in build_run or not re.search(r'\$bin"?/' + re.escape(product) + r"\b", build_run):
        problems.append(f"{DOCKERFILE}: the {build_stage} stage does not put the {product} product at {copied}")
    if stage != product:
        problems.append(f"{DOCKERFILE}: stage {stage} runs {product}")
    if product == "provisioner":
        helm = [copy_parts(r)[2] for k, r in own if k == "COPY" and "--from=helm" in r]
        env = " ".join(r for k, r in own if k == "ENV")
        m = re.search(r"PROVISIONER_HELM=(\S+)", env)
        if not helm or not m or m.group(1) != helm[0]:
            problems.append(f"{DOCKERFILE} stage {stage}: PROVISIONER_HELM is not the helm copied from the helm stage")
    return problems, binary


def check_entrypoints(context):
    instructions = dockerfile()
    executables = set(re.findall(r'\.executable\(\s*name:\s*"([^"]+)"', read("Package.swift")))
    build_runs = {}
    for stage, keyword, rest in instructions:
        if keyword == "RUN" and "swift build" in rest:
            build_runs[stage] = build_runs.get(stage, "") + rest + "\n"
    if len(build_runs) != 1:
        raise Failed(f"{DOCKERFILE}: expected one stage that runs swift build, found {len(build_runs)}")
    build_stage, build_run = next(iter(build_runs.items()))
    products = re.findall(r"swift build\s+[^&;|]*?--product[= ](\S+)", build_run)
    problems = []
    if not re.search(r"swift build\s+-c release", build_run):
        problems.append(f"{DOCKERFILE}: the {build_stage} stage does not build -c release")
    problems += [f"{DOCKERFILE}: --product {p} is not an executable product in Package.swift"
                 for p in products if p not in executables]
    problems += [f"{DOCKERFILE}: Package.swift's executable {e} is not built" for e in sorted(executables - set(products))]
    entry = {}
    for stage in dict.fromkeys(s for s, _, _ in instructions):
        own = [(k, r) for s, k, r in instructions if s == stage]
        if not any(k == "ENTRYPOINT" for k, _ in own):
            continue
        stage_problems, binary = entrypoint_problems(stage, own, build_stage, build_run, products)
        problems += stage_problems
        if binary is not None:
            entry[stage] = binary
    problems += [f"{DOCKERFILE}: no image runs {p}" for p in products if p not in entry]
    return finish(problems, ", ".join(f"--target {s}: {b}" for s, b in entry.items()) + f" (products of the {build_stage} stage)")


def check_dist(context):
    # `-o build`: list the packing recipe without building (nor asking swift where it builds).
    environment = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    listing = subprocess.run(["make", "--no-print-directory", "-n", "-o", "build", "dist"],
                             capture_output=True, text=True, env=environment)
    if listing.returncode != 0:
        raise Failed(f"make -n dist failed: {last_line(listing.stdout + listing.stderr)}")
    commands = listing.stdout
    values = re.findall(r'\.embedInCode\("(Services/values/[^"]+)"\)', read("Package.swift"))
    expected = ["bin/provisioner", "bin/cloud", "README.md", "go-compat-notes.md", "docs"]
    expected += [f"Sources/provisioner/{v}" for v in values]
    problems = [f"make -n dist does not pack {f}" for f in expected
                if not re.search(r"(^|\s)" + re.escape(f) + r"(\s|$)", commands, re.M)]
    if not values:
        problems.append("Package.swift embeds no Services/values/*.yaml")
    tarball = re.search(r"-czf (dist/cloud-provisioner-\S+-linux-\S+\.tar\.gz)", commands)
    if not tarball:
        problems.append("make -n dist writes no dist/cloud-provisioner-VERSION-linux-ARCH.tar.gz")
    return finish(problems, f"{tarball.group(1) if tarball else ''} with {len(expected)} files")


# --- manifests ------------------------------------------------------------------------------
def documents():
    try:
        import yaml
    except ImportError:
        raise Failed(f"no PyYAML: run with the testbed venv's python ({os.environ.get('TESTBED_HOME')}/bin/python; make testbed)")
    docs = []
    for path in sorted(glob.glob(f"{MANIFESTS}/*.yaml")):
        for doc in yaml.safe_load_all(read(path)):
            if doc:
                docs.append(doc)
    return docs


def go_duration(text):
    """Seconds in a Go duration such as 5m, 1m30s, 90s, 1h."""
    units = {"h": 3600, "m": 60, "s": 1, "ms": 0.001}
    parts = re.findall(r"(\d+(?:\.\d+)?)(h|ms|m|s)", text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise ValueError(f"not a duration: {text}")
    return sum(float(n) * units[u] for n, u in parts)


def option(args, name, default=None):
    """The value of --name in a container's args (--name=value or --name value)."""
    for i, arg in enumerate(args):
        if arg.startswith(f"--{name}="):
            return arg.split("=", 1)[1]
        if arg == f"--{name}" and i + 1 < len(args):
            return args[i + 1]
    return default


def find(docs, kind, name):
    return next((d for d in docs if d.get("kind") == kind and d["metadata"].get("name") == name), None)


def selects(selector, labels):
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def container_of(dep):
    return dep["spec"]["template"]["spec"]["containers"][0]


def port_of(container, ref):
    for p in container.get("ports", []):
        if ref in (p.get("name"), p.get("containerPort")):
            return p["containerPort"]
    return None


class Manifests:
    """The invariants of deploy/kubernetes, collecting problems and summary parts."""

    def __init__(self, docs):
        self.docs = docs
        self.problems = []
        self.summary = []
        self.services = [d for d in docs if d.get("kind") == "Service"]
        self.accounts = {d["metadata"]["name"] for d in docs if d.get("kind") == "ServiceAccount"}

    def common(self, name, dep, port):
        """What both servers' Deployments need: selector, probes, port, resources, non-root, account."""
        pod = dep["spec"]["template"]["spec"]
        c = container_of(dep)
        if dep["spec"].get("selector", {}).get("matchLabels") != {
                k: v for k, v in dep["spec"]["template"]["metadata"]["labels"].items()
                if k in dep["spec"]["selector"]["matchLabels"]}:
            self.problems.append(f"Deployment {name}: selector does not match its pod labels")
        for probe, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
            get = c.get(probe, {}).get("httpGet", {})
            if get.get("path") != path or port_of(c, get.get("port")) != port:
                self.problems.append(f"Deployment {name}: {probe} is not GET {path} on port {port}")
        if port_of(c, port) != port:
            self.problems.append(f"Deployment {name}: container port {port} is not declared")
        res = c.get("resources", {})
        for kind in ("requests", "limits"):
            if not {"cpu", "memory"} <= set(res.get(kind, {})):
                self.problems.append(f"Deployment {name}: resources.{kind} lack cpu or memory")
        nonroot = pod.get("securityContext", {}).get("runAsNonRoot") or c.get("securityContext", {}).get("runAsNonRoot")
        if nonroot is not True:
            self.problems.append(f"Deployment {name}: runAsNonRoot is not true")
        if pod.get("serviceAccountName") not in self.accounts:
            self.problems.append(f"Deployment {name}: ServiceAccount {pod.get('serviceAccountName')} is not defined")
        return c

    def secret_file(self, name, dep, flag):
        """--flag names a file in a mounted Secret."""
        pod = dep["spec"]["template"]["spec"]
        c = container_of(dep)
        mounts = {m["mountPath"].rstrip("/"): m["name"] for m in c.get("volumeMounts", [])}
        secrets = {v["name"]: v["secret"]["secretName"] for v in pod.get("volumes", []) if "secret" in v}
        path = option(c.get("args", []), flag)
        if path is None:
            self.problems.append(f"Deployment {name}: no --{flag}")
        elif mounts.get(os.path.dirname(path)) not in secrets:
            self.problems.append(f"Deployment {name}: --{flag} {path} is not in a mounted Secret")

    def provisioner(self, dep):
        """Returns the headless Service in front of the provisioners, if there is exactly one."""
        c = self.common("provisioner", dep, 8076)
        args = c.get("args", [])
        self.secret_file("provisioner", dep, "auth-token-file")
        replicas = dep["spec"].get("replicas", 1)
        if replicas != 3:
            self.problems.append(f"Deployment provisioner: replicas {replicas}, expected 3")
        try:
            drain = go_duration(option(args, "drain-timeout", "5m"))
            grace = go_duration(option(args, "helm-grace-period", "10s"))
            period = dep["spec"]["template"]["spec"].get("terminationGracePeriodSeconds", 30)
            if period <= drain + grace:
                self.problems.append(f"Deployment provisioner: terminationGracePeriodSeconds {period} is not above "
                                     f"--drain-timeout {drain:g}s + --helm-grace-period {grace:g}s")
            else:
                self.summary.append(f"grace {period}s > drain {drain:g}s + {grace:g}s")
        except ValueError as e:
            self.problems.append(f"Deployment provisioner: {e}")
        labels = dep["spec"]["template"]["metadata"]["labels"]
        headless = [s for s in self.services if selects(s["spec"].get("selector"), labels)]
        svc = headless[0] if len(headless) == 1 else None
        if svc is None:
            self.problems.append(f"expected one Service selecting the provisioner pods, found {len(headless)}")
        else:
            if svc["spec"].get("clusterIP") != "None":
                self.problems.append(f"Service {svc['metadata']['name']}: clusterIP is not None (headless)")
            ports = svc["spec"].get("ports", [])
            if not any(p.get("port") == 8076 and port_of(c, p.get("targetPort", p.get("port"))) == 8076 for p in ports):
                self.problems.append(f"Service {svc['metadata']['name']}: no port 8076 to the container's 8076")
            self.summary.append(f"headless Service {svc['metadata']['name']}")
        pdbs = [d for d in self.docs if d.get("kind") == "PodDisruptionBudget"
                and selects(d["spec"].get("selector", {}).get("matchLabels"), labels)]
        if len(pdbs) != 1:
            self.problems.append(f"expected one PodDisruptionBudget for the provisioners, found {len(pdbs)}")
        else:
            spec = pdbs[0]["spec"]
            available = spec["minAvailable"] if "minAvailable" in spec else replicas - spec.get("maxUnavailable", replicas)
            if not isinstance(available, int) or not 2 <= available < replicas:
                self.problems.append(f"PodDisruptionBudget {pdbs[0]['metadata']['name']}: keeps {available} of {replicas}; expected 2")
            else:
                self.summary.append(f"PDB keeps {available}/{replicas}")
        return svc

    def cloud_server(self, dep, ns, svc):
        c = self.common("cloud-server", dep, 8075)
        args = c.get("args", [])
        if args[:1] != ["server"]:
            self.problems.append("Deployment cloud-server: args do not start with `server`")
        self.secret_file("cloud-server", dep, "auth-token-file")
        self.secret_file("cloud-server", dep, "api-token-file")
        database = [e for e in c.get("env", []) if e.get("name") == "CLOUD_DATABASE"]
        if not database or "secretKeyRef" not in database[0].get("valueFrom", {}):
            self.problems.append("Deployment cloud-server: CLOUD_DATABASE does not come from a Secret")
        url = option(args, "provisioner", "")
        m = re.fullmatch(r"http://([^:/]+):(\d+)", url)
        if svc is not None and (not m or m.group(1) != f"{svc['metadata']['name']}.{ns}.svc.cluster.local"
                                or int(m.group(2)) != 8076):
            self.problems.append(f"Deployment cloud-server: --provisioner {url} is not the headless Service "
                                 f"http://{svc['metadata']['name']}.{ns}.svc.cluster.local:8076")
        labels = dep["spec"]["template"]["metadata"]["labels"]
        front = [s for s in self.services if selects(s["spec"].get("selector"), labels)]
        if len(front) != 1 or front[0]["spec"].get("clusterIP") == "None" or not any(
                p.get("port") == 8075 for p in front[0]["spec"].get("ports", [])):
            self.problems.append("expected one ClusterIP Service on port 8075 for the cloud server")


def check_manifests(context):
    docs = documents()
    namespaces = [d["metadata"]["name"] for d in docs if d.get("kind") == "Namespace"]
    if len(namespaces) != 1:
        raise Failed(f"{MANIFESTS}: expected one Namespace, found {len(namespaces)}")
    ns = namespaces[0]
    problems = [f"{d.get('kind')}/{d['metadata'].get('name')} is not in namespace {ns}"
                for d in docs if d.get("kind") != "Namespace" and d["metadata"].get("namespace") != ns]
    deployments = {n: find(docs, "Deployment", n) for n in COMMANDS}
    problems += [f"no Deployment {name}" for name, dep in deployments.items() if dep is None]
    if problems:
        raise Failed(problems)
    manifests = Manifests(docs)
    svc = manifests.provisioner(deployments["provisioner"])
    manifests.cloud_server(deployments["cloud-server"], ns, svc)
    return finish(manifests.problems, f"{len(docs)} objects in namespace {ns}; probes /healthz /readyz; "
                  + "; ".join(manifests.summary))


def check_manifests_apply(context):
    """Server-side dry run on the emulator. It serves every kind used here (Namespace, ServiceAccount,
    Service, Deployment, policy/v1 PodDisruptionBudget) and honours dry run for all of them, so no
    kind falls back to --dry-run=client. It does no schema validation: the `manifests` check covers
    the fields that matter. Namespaces are created for real first (the emulator is thrown away), since
    a dry run of a namespaced object needs its namespace to exist."""
    docs = documents()
    import yaml  # documents() has said so if there is none
    kubeconfig = context.emulator()
    namespaces = os.path.join(context.tmp, "namespaces.yaml")
    with open(namespaces, "w") as f:
        yaml.safe_dump_all([d for d in docs if d.get("kind") == "Namespace"], f)
    kubectl = [context.kubectl, "--kubeconfig", kubeconfig]
    created = subprocess.run(kubectl + ["create", "-f", namespaces], capture_output=True, text=True)
    if created.returncode != 0:
        lines = [line for line in (created.stdout + created.stderr).splitlines() if not line.startswith("WARNING")]
        raise Failed(f"creating the namespaces failed: {lines[-1] if lines else created.returncode}")
    directory = MANIFESTS + "/"
    applied = subprocess.run(kubectl + ["apply", "--dry-run=server", "-f", directory], capture_output=True, text=True)
    output = (applied.stdout + applied.stderr).splitlines()
    if applied.returncode != 0:
        errors = [line for line in output if not re.match(r"WARNING|Warning", line) and "(server dry run)" not in line]
        raise Failed(f"kubectl apply --dry-run=server -f {directory}: {errors[0] if errors else applied.returncode}")
    accepted = sum("(server dry run)" in line for line in output)
    return f"kubectl apply --dry-run=server -f {directory}: {accepted} objects accepted by the testbed emulator"


# --- flags ----------------------------------------------------------------------------------
def command_help(context, binary, path):
    """(long option names, environment variables) of `binary path...`, from its
    `--experimental-dump-help`: the options it parses and the variables their help names."""
    executable = os.path.join(context.bin, binary)
    if not os.access(executable, os.X_OK):
        raise Failed(f"no {executable}: build the binaries first (swift build), or pass --bin")
    dump = subprocess.run([executable, "--experimental-dump-help"], capture_output=True, text=True)
    if dump.returncode != 0:
        raise Failed(f"{executable} --experimental-dump-help failed: {last_line(dump.stderr)}")
    command = json.loads(dump.stdout)["command"]
    for name in path:
        command = next((c for c in command.get("subcommands", []) if c["commandName"] == name), None)
        if command is None:
            raise Failed(f"{binary} has no subcommand {' '.join(path)}")
    options, variables = set(), set()
    for argument in command.get("arguments", []):
        options.update(n["name"] for n in argument.get("names", []) if n["kind"] == "long")
        variables.update(ENV_VARIABLE.findall(f"{argument.get('abstract', '')} {argument.get('discussion', '')}"))
    return options, variables


def check_flags(context):
    problems, count = [], 0
    docs = documents()
    for name, (binary, path) in COMMANDS.items():
        dep = find(docs, "Deployment", name)
        if dep is None:
            continue
        command = " ".join([binary] + path)
        options, variables = command_help(context, binary, path)
        for c in dep["spec"]["template"]["spec"]["containers"]:
            for arg in c.get("args", []) + c.get("command", []):
                if arg.startswith("--"):
                    count += 1
                    flag = arg[2:].split("=", 1)[0]
                    if flag not in options:
                        problems.append(f"Deployment {name}: --{flag} is not an option of {command}")
            for e in c.get("env", []):
                if re.match(r"(CLOUD|PROVISIONER)_", e["name"]):
                    count += 1
                    if e["name"] not in variables:
                        problems.append(f"Deployment {name}: {e['name']} is not named in the help of {command}")
    _, variables = command_help(context, "provisioner", [])
    for stage, keyword, rest in dockerfile():
        if keyword == "ENV":
            for var in re.findall(r"\b((?:CLOUD|PROVISIONER)_[A-Z_]+)=", rest):
                count += 1
                if var not in variables:
                    problems.append(f"{DOCKERFILE} stage {stage}: ENV {var} is not named in the provisioner's help")
    return finish(problems, f"{count} options and variables are the binaries' own")


# --- running the checks ---------------------------------------------------------------------
def last_line(text):
    lines = text.strip().splitlines()
    return lines[-1] if lines else ""


class Context:
    """What the checks share: a scratch directory, the binaries, kubectl and (started on first
    use, stopped at the end) the testbed's Kubernetes API emulator."""

    def __init__(self, tmp, binaries, kubectl, testbed):
        self.tmp, self.bin, self.kubectl, self.testbed = tmp, binaries, kubectl, testbed
        self.process = None

    def emulator(self):
        """The emulator's kubeconfig."""
        if shutil.which(self.kubectl) is None:
            raise Failed("kubectl not found (set KUBECTL)")
        kubeconfig = os.path.join(self.tmp, "kubeconfig")
        out, log = os.path.join(self.tmp, "emulator.out"), os.path.join(self.tmp, "emulator.log")
        with open(out, "w") as stdout, open(log, "w") as stderr:
            self.process = subprocess.Popen(["testbed/kube-emulator", "--port", "0", "--kubeconfig", kubeconfig],
                                            stdout=stdout, stderr=stderr)
        for line in follow(out, self.process, seconds=15):
            if line.startswith("READY"):
                return kubeconfig
        raise Failed(f"the testbed emulator did not start: {last_line(read(log))}")

    def close(self):
        if self.process is not None:
            self.process.kill()
            self.process.wait()


def follow(path, process, seconds):
    """The lines of a file another process writes, until it exits or `seconds` pass."""
    deadline = time.monotonic() + seconds
    seen = 0
    while time.monotonic() < deadline:
        lines = read(path).splitlines()
        yield from lines[seen:]
        seen = len(lines)
        if process.poll() is not None:
            return
        time.sleep(0.1)


CHECKS = [
    ("dockerfile-sources", check_dockerfile_sources),
    ("helm-version", check_helm_version),
    ("entrypoints", check_entrypoints),
    ("dist", check_dist),
    ("manifests-apply", check_manifests_apply),
    ("manifests", check_manifests),
    ("flags", check_flags),
]


def default_bin():
    built = subprocess.run(["swift", "build", "--show-bin-path"], capture_output=True, text=True)
    return built.stdout.strip() if built.returncode == 0 else ".build/debug"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", help="directory of the provisioner and cloud binaries (default: swift build --show-bin-path)")
    parser.add_argument("checks", nargs="*", metavar="CHECK", help="run only these checks")
    arguments = parser.parse_args()
    os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    testbed = os.environ.setdefault("TESTBED_HOME", os.path.abspath(".testbed"))
    unknown = set(arguments.checks) - {name for name, _ in CHECKS}
    if unknown:
        parser.error(f"no check {', '.join(sorted(unknown))}")
    passed = failed = 0
    with tempfile.TemporaryDirectory(prefix="check-deliverables.") as tmp:
        context = Context(tmp, arguments.bin or default_bin(), os.environ.get("KUBECTL", "kubectl"), testbed)
        try:
            for name, check in CHECKS:
                if arguments.checks and name not in arguments.checks:
                    continue
                try:
                    summary = check(context)
                except Failed as problem:
                    print(f"check-deliverables: FAIL {name}: {problem}", file=sys.stderr, flush=True)
                    failed += 1
                except (OSError, ValueError, LookupError, TypeError, AttributeError) as error:
                    # A file or document not shaped as the check expects: one line too, not a traceback.
                    print(f"check-deliverables: FAIL {name}: {type(error).__name__}: {error}", file=sys.stderr, flush=True)
                    failed += 1
                else:
                    print(f"check-deliverables: ok   {name}: {summary}", flush=True)
                    passed += 1
        finally:
            context.close()
    if failed:
        print(f"check-deliverables: {failed} of {passed + failed} checks failed", file=sys.stderr)
        return 1
    print(f"check-deliverables: all {passed} checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
