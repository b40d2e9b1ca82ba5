"""`make dist`: the tarball's recipe, listed without building."""
import glob
import os
import re
import subprocess

from deliverables.common import Failed, finish, last_line, read


def check_dist(context):
    # `-o build`: list the packing recipe without building (nor asking swift where it builds).
    environment = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    listing = subprocess.run(["make", "--no-print-directory", "-n", "-o", "build", "dist"],
                             capture_output=True, text=True, env=environment)
    if listing.returncode != 0:
        raise Failed(f"make -n dist failed: {last_line(listing.stdout + listing.stderr)}")
    commands = listing.stdout
    values = shipped_values()
    expected = ["bin/provisioner", "bin/cloud", "README.md", "go-compat-notes.md", "docs"] + values
    problems = [f"make -n dist does not pack {f}" for f in expected
                if not re.search(r"(^|\s)" + re.escape(f) + r"(\s|$)", commands, re.M)]
    if not values:
        problems.append("Package.swift embeds no Services/values/*.yaml")
    tarball = re.search(r"-czf (dist/cloud-provisioner-\S+-linux-\S+\.tar\.gz)", commands)
    if not tarball:
        problems.append("make -n dist writes no dist/cloud-provisioner-VERSION-linux-ARCH.tar.gz")
    return finish(problems, f"{tarball.group(1) if tarball else ''} with {len(expected)} files")


def shipped_values():
    """The values files the provisioner embeds: each one Package.swift names, or every YAML file in
    a directory it names (Services/values, embedded by one rule)."""
    values = []
    for embedded in re.findall(r'\.embedInCode\("(Services/values(?:/[^"]+)?)"\)', read("Package.swift")):
        path = f"Sources/provisioner/{embedded}"
        values += sorted(glob.glob(f"{path}/*.yaml")) if os.path.isdir(path) else [path]
    return values
