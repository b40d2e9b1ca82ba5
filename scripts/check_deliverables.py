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
  docs                every command line in README.md and docs/ names options its command has, every
                      CLOUD_*/PROVISIONER_* variable is in a command's help, every endpoint is in an
                      OpenAPI document; docs/api.md names every endpoint and field of both, and no
                      field they lack

The checks live in scripts/deliverables/, one module per deliverable.
One line per check: "ok" with a summary, or "FAIL" naming what failed (then exit 1).
Needs kubectl (KUBECTL), PyYAML (the testbed venv's python, TESTBED_HOME, made by `make testbed`)
and the debug binaries (`swift build`; --bin DIR to use others).
"""
import argparse
import os
import subprocess
import sys
import tempfile

from deliverables.common import Failed
from deliverables.context import Context
from deliverables.dist import check_dist
from deliverables.docs import check_docs
from deliverables.dockerfile import check_dockerfile_sources, check_entrypoints, check_helm_version
from deliverables.flags import check_flags
from deliverables.manifests import check_manifests, check_manifests_apply

CHECKS = [
    ("dockerfile-sources", check_dockerfile_sources),
    ("helm-version", check_helm_version),
    ("entrypoints", check_entrypoints),
    ("dist", check_dist),
    ("manifests-apply", check_manifests_apply),
    ("manifests", check_manifests),
    ("flags", check_flags),
    ("docs", check_docs),
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
