"""What the checks share while they run: scratch space, binaries, kubectl and the emulator."""
import os
import shutil
import subprocess
import time

from deliverables.common import Failed, last_line, read


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
