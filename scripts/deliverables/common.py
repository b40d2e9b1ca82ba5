"""What every check shares: its failure, and reading files."""


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
