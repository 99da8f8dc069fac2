"""Runs `temblor server run` on a flow written at run time, for the script
tests that need whole processes (tests/connectors/udp/reuseport_test.py,
tests/configs/statsd_udp_test.py)."""
import os
import signal
import socket
import subprocess
import threading
import time


def free_udp_port():
    """Returns a UDP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TemblorProcess:
    """`temblor server run -n FLOW` in `workdir`; stderr and stdout lines are
    collected as they come."""

    def __init__(self, binary, workdir, name, troy):
        path = os.path.join(workdir, name + ".troy")
        with open(path, "w") as f:
            f.write(troy)
        self.proc = subprocess.Popen([os.path.abspath(binary), "server", "run", "-n", path], cwd=workdir,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        self.stdout, self.stderr = [], []
        self.cond = threading.Condition()
        for stream, lines in ((self.proc.stdout, self.stdout), (self.proc.stderr, self.stderr)):
            threading.Thread(target=self._collect, args=(stream, lines), daemon=True).start()

    def _collect(self, stream, lines):
        for line in stream:
            with self.cond:
                lines.append(line.rstrip("\n"))
                self.cond.notify_all()

    def wait_for(self, predicate, timeout=20):
        """Waits until predicate() holds (checked as lines come); False at the deadline."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while not predicate():
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.cond.wait(min(left, 0.2))
        return True

    def wait_log(self, text, timeout=20):
        return self.wait_for(lambda: any(text in l for l in self.stderr), timeout)

    def stop(self, timeout=20):
        """SIGTERM (a graceful stop), then the exit status; killed at the deadline."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()
