"""What every check shares: its failure, reading files, and the binaries' own description of their commands."""
import json
import os
import subprocess


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


def last_line(text):
    lines = text.strip().splitlines()
    return lines[-1] if lines else ""


def help_dump(context, binary):
    """The root command of `binary`'s `--experimental-dump-help`: its options and subcommands, as
    argument-parser describes them."""
    executable = os.path.join(context.bin, binary)
    if not os.access(executable, os.X_OK):
        raise Failed(f"no {executable}: build the binaries first (swift build), or pass --bin")
    dump = subprocess.run([executable, "--experimental-dump-help"], capture_output=True, text=True)
    if dump.returncode != 0:
        raise Failed(f"{executable} --experimental-dump-help failed: {last_line(dump.stderr)}")
    return json.loads(dump.stdout)["command"]
