"""build/Dockerfile: its build context, its pinned Helm, and what each image runs."""
import fnmatch
import glob
import json
import os
import re
import shlex

from deliverables.common import Failed, finish, read

DOCKERFILE = "build/Dockerfile"
# Where the image's Helm version is written down for users.
HELM_DOCS = ("docs/deploying.md", "go-compat-notes.md")


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
