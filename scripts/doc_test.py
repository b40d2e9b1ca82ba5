"""Runs the documentation's console sessions against the stack `make run` starts, and checks them.

Every ```console block of README.md (then docs/*.md) is a session: `$ COMMAND` lines (a trailing
backslash continues one), each followed by what it printed. The commands run in order, in one
bash (variables carry over), in a scratch directory whose `bin/` holds the binaries under test,
against `scripts/run-local` (fresh for the first block, and again wherever a doc says
`<!-- doc-test: stack FLEET=N ANALYSIS=1 -->`, as `make run` takes them). Each command must exit
as its output says (`(exit N)`, else 0), and print what its output shows, in shape: the same table
headers, the same JSON fields, an `Error:` line where one is shown. `...` marks output left out. IDs shown in a line that the real
output matches but for them stand for the real ones in later commands. The addresses `make run`
uses (127.0.0.1:8075, :8076, :8077, and :9090 and :9100 for Prometheus and the metrics exporter)
are rewritten to the ports this run picked.

A block after `<!-- doc-test: skip REASON -->` is not run (say why).
"""
import argparse
import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
ID = re.compile(r"\b[0-9a-z]{26}\b")
HEADER = re.compile(r"^[A-Z][A-Z]*(?: [A-Z]+)*(?:  +[A-Z][A-Z]*(?: [A-Z]+)*)+$")
DIRECTIVE = re.compile(r"<!--\s*doc-test:\s*(\w+)\s*(.*?)\s*-->")
COMMAND_SECONDS = 300


class Failure(Exception):
    pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sessions(path):
    """(line number, directives before it, [(command, expected lines)]) for each console block."""
    lines = open(path, encoding="utf-8").read().splitlines()
    found, directives, index = [], [], 0
    while index < len(lines):
        line = lines[index]
        directive = DIRECTIVE.search(line)
        if directive:
            directives.append((directive.group(1), directive.group(2)))
        if line.strip() == "```console":
            start, steps, index = index + 1, [], index + 1
            while index < len(lines) and lines[index].strip() != "```":
                text = lines[index]
                if text.startswith("$ "):
                    number, command = index + 1, text[2:]
                    while command.endswith("\\") and index + 1 < len(lines):
                        index += 1
                        command = command[:-1] + "\n" + lines[index]
                    # A here-document's lines are the command's, to its delimiter.
                    heredoc = re.search(r"<<-?\s*'?\"?(\w+)", command)
                    while heredoc and index + 1 < len(lines):
                        index += 1
                        command += "\n" + lines[index]
                        if lines[index].strip() == heredoc.group(1):
                            break
                    steps.append((number, command, []))
                elif steps:
                    steps[-1][2].append(text)
                index += 1
            found.append((start, directives, steps))
            directives = []
        index += 1
    return found


class Stack:
    """`scripts/run-local` on the binaries under test, on ports of its own."""

    def __init__(self, bin_dir, settings, scratch):
        """`settings` are the directive's NAME=VALUE pairs (FLEET, ANALYSIS) for run-local."""
        self.ports = {port: free_port() for port in (8075, 8076, 8077, 9090, 9100)}
        environment = dict(os.environ, BIN=bin_dir, CLOUD_PORT=str(self.ports[8075]), TMPDIR=scratch, **settings)
        environment["PROVISIONER_PORTS"] = f"{self.ports[8076]} {self.ports[8077]}"
        environment["PROMETHEUS_PORT"], environment["EXPORTER_PORT"] = str(self.ports[9090]), str(self.ports[9100])
        fleet = settings.get("FLEET", "0")
        self.log = open(os.path.join(scratch, f"run-local-{time.time_ns()}.log"), "w")
        self.process = subprocess.Popen(
            [os.path.join(ROOT, "scripts", "run-local")], cwd=ROOT, env=environment, stdout=subprocess.PIPE,
            stderr=self.log, start_new_session=True,
        )
        # Raw reads: select() cannot see what a buffered reader has already taken in.
        text, deadline = "", time.monotonic() + 180
        while "Ctrl-C stops everything" not in text and time.monotonic() < deadline:
            ready, _, _ = select.select([self.process.stdout], [], [], 1)
            if ready:
                chunk = os.read(self.process.stdout.fileno(), 65536)
                if not chunk:
                    break
                text += chunk.decode("utf-8", "replace")
        exported = re.search(r"export (CLOUD_SERVER=\S+) (KUBECONFIG=\S+)", text)
        if not exported:
            self.stop()
            raise Failure(f"scripts/run-local did not come up (FLEET={fleet}); its log: {self.log.name}")
        self.environment = dict(pair.split("=", 1) for pair in exported.groups())

    def rewrite(self, command):
        for documented, real in self.ports.items():
            command = command.replace(f"127.0.0.1:{documented}", f"127.0.0.1:{real}").replace(f"localhost:{documented}", f"localhost:{real}")
        return command

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


class Shell:
    """One bash for a whole run, so what a command sets is there for the next."""

    def __init__(self, directory, environment):
        self.directory = directory
        self.process = subprocess.Popen(
            ["bash", "--noprofile", "--norc"], cwd=directory, env=environment, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True,
        )

    def run(self, command, timeout=COMMAND_SECONDS):
        marker = uuid.uuid4().hex
        out, err = os.path.join(self.directory, ".out"), os.path.join(self.directory, ".err")
        # `:` first, so a command that is only a comment is still a group bash can run.
        self.process.stdin.write(f"{{\n:\n{command}\n}} > {out} 2> {err} < /dev/null\necho \"{marker} $?\"\n")
        self.process.stdin.flush()
        deadline, seen = time.monotonic() + timeout, ""
        while True:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self.process.stdout], [], [], max(left, 0))
            if not ready:
                os.killpg(self.process.pid, signal.SIGKILL)
                raise Failure(f"still running after {timeout} s")
            chunk = os.read(self.process.stdout.fileno(), 4096)
            if not chunk:
                raise Failure("the shell ended")
            seen += chunk.decode("utf-8", "replace")
            found = re.search(marker + r" (\d+)\n", seen)
            if found:
                status = int(found.group(1))
                with open(out, encoding="utf-8", errors="replace") as o, open(err, encoding="utf-8", errors="replace") as e:
                    return status, o.read(), e.read()

    def close(self):
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


def expected_status(expected):
    for line in expected:
        found = re.fullmatch(r"\(exit (\d+)\)", line.strip())
        if found:
            return int(found.group(1))
    return 0


def headers(lines):
    return [re.split(r"  +", line.strip()) for line in lines if HEADER.match(line.strip())]


def json_document(lines):
    text = "\n".join(line for line in lines if not re.fullmatch(r"\(exit \d+\)", line.strip()))
    stripped = text.strip()
    if not stripped.startswith(("{", "[")):
        return None
    try:
        return json.loads(stripped)
    except ValueError:
        return None


def fields(document):
    if isinstance(document, list):
        return set().union(*(set(item) for item in document if isinstance(item, dict))) if document else set()
    return set(document) if isinstance(document, dict) else set()


def check(expected, status, stdout, stderr, ids):
    problems = []
    want = expected_status(expected)
    if status != want:
        problems.append(f"exit {status}, the doc says {want}")
    actual_lines = stdout.splitlines()
    actual_headers = headers(actual_lines)
    for header in headers(expected):
        if header not in actual_headers:
            problems.append(f"no table with columns {'  '.join(header)}; got {['  '.join(h) for h in actual_headers] or 'none'}")
    document = json_document(expected)
    if document is not None:
        try:
            actual = json.loads(stdout)
        except ValueError:
            problems.append("the doc shows JSON; the command printed something else")
        else:
            missing = fields(document) - fields(actual)
            if missing:
                problems.append(f"the JSON lacks the fields {', '.join(sorted(missing))}")
    if any(line.startswith("Error: ") for line in expected) and not any(line.startswith("Error: ") for line in (stdout + stderr).splitlines()):
        problems.append("the doc shows an error line; the command printed none")
    # IDs the doc shows, in lines the real output matches but for them, stand for the real ones.
    for line in expected:
        if not ID.search(line):
            continue
        pattern = "^" + ID.sub("([0-9a-z]{26})", re.escape(line).replace(r"\ ", " ")) + "$"
        for actual_line in actual_lines:
            matched = re.match(pattern, actual_line)
            if matched:
                for documented, real in zip(ID.findall(line), matched.groups()):
                    ids.setdefault(documented, real)
                break
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", help="directory of the cloud and provisioner binaries (default: swift build --show-bin-path)")
    parser.add_argument("--record", metavar="FILE", help="also write each command with what it really printed to FILE, for updating the docs")
    parser.add_argument("files", nargs="*", help="the documents to run (default: README.md, then docs/*.md)")
    arguments = parser.parse_args()
    os.chdir(ROOT)
    bin_dir = arguments.bin or subprocess.run(["swift", "build", "--show-bin-path"], capture_output=True, text=True).stdout.strip()
    bin_dir = os.path.abspath(bin_dir)
    for binary in ("cloud", "provisioner"):
        if not os.access(os.path.join(bin_dir, binary), os.X_OK):
            print(f"doc-test: no {bin_dir}/{binary}: build first (swift build)", file=sys.stderr)
            return 1
    files = arguments.files or ["README.md"] + sorted(os.path.join("docs", f) for f in os.listdir("docs") if f.endswith(".md"))
    os.environ.setdefault("TESTBED_HOME", os.path.join(ROOT, ".testbed"))
    scratch = tempfile.mkdtemp(prefix="doc-test.")
    work = os.path.join(scratch, "work")
    os.makedirs(work)
    os.symlink(bin_dir, os.path.join(work, "bin"))
    stack, shell, failures, commands, started = None, None, [], 0, time.monotonic()
    record = open(arguments.record, "w") if arguments.record else None
    try:
        for path in files:
            for line, directives, steps in sessions(path):
                skip = next((value for name, value in directives if name == "skip"), None)
                if skip is not None:
                    print(f"doc-test: {path}:{line}: skipped ({skip or 'no reason given'})", flush=True)
                    continue
                fleet = next((value for name, value in directives if name == "stack"), None)
                if stack is None or fleet is not None:
                    if shell:
                        shell.close()
                    if stack:
                        stack.stop()
                    settings = dict(re.findall(r"\b(FLEET|ANALYSIS)=(\d+)", fleet or ""))
                    stack = Stack(bin_dir, settings, scratch)
                    environment = dict(os.environ, **stack.environment, PATH=f"{work}/bin:{os.environ['PATH']}")
                    shell = Shell(work, environment)
                    ids = {}
                for number, command, expected in steps:
                    commands += 1
                    real = stack.rewrite(command)
                    for documented, actual in ids.items():
                        real = real.replace(documented, actual)
                    begun = time.monotonic()
                    try:
                        status, stdout, stderr = shell.run(real)
                    except Failure as failure:
                        # The shell is gone with the command: nothing after it can run.
                        failures.append(f"{path}:{number}")
                        raise Failure(f"{path}:{number}: $ {command}: {failure}")
                    problems = check(expected, status, stdout, stderr, ids)
                    took = time.monotonic() - begun
                    if record:
                        record.write(f"--- {path}:{number}\n$ {command}\n{stdout}{stderr}" + (f"(exit {status})\n" if status else ""))
                        record.flush()
                    if problems:
                        failures.append(f"{path}:{number}")
                        print(f"doc-test: FAIL {path}:{number} ({took:.1f}s): $ {command}", flush=True)
                        for problem in problems:
                            print(f"    {problem}", flush=True)
                        shown = (stdout + stderr).strip().splitlines()
                        for text in shown[:15]:
                            print(f"    | {text}", flush=True)
                    else:
                        print(f"doc-test: ok   {path}:{number} ({took:.1f}s)", flush=True)
    except Failure as failure:
        failures.append(str(failure))
        print(f"doc-test: FAIL {failure}", flush=True)
    finally:
        if record:
            record.close()
        if shell:
            shell.close()
        if stack:
            stack.stop()
        if not failures:
            shutil.rmtree(scratch, ignore_errors=True)
    seconds = time.monotonic() - started
    if failures:
        print(f"doc-test: {len(failures)} of {commands} commands failed ({seconds:.0f}s): {', '.join(failures)}; the stack's logs are in {scratch}", file=sys.stderr)
        return 1
    print(f"doc-test: all {commands} commands of the docs' sessions ran as shown ({seconds:.0f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
