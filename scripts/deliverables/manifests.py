"""deploy/kubernetes: applied to the testbed's emulator, and the invariants that matter."""
import glob
import os
import re
import subprocess

from deliverables.common import Failed, finish, read

MANIFESTS = "deploy/kubernetes"
# The Deployments, and which command each one's container runs: (binary, subcommand path).
COMMANDS = {
    "provisioner": ("provisioner", []),
    "cloud-server": ("cloud", ["server"]),
}


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
