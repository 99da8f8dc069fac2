"""Helpers shared by the ws connectors' script tests: free ports, deadlines,
a temblor process running a generated flow, certificates."""
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PEERS = os.path.abspath(os.path.join(HERE, "..", "..", "..", "peers"))
PYTHON = "/usr/bin/python3"


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)


def free_ports(n):
    """Returns `n` distinct ports free on 127.0.0.1 right now."""
    socks = []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def wait_until(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    fail("timed out after %.1f s waiting for %s" % (timeout, what))


class Temblor:
    """`temblor server run` on a flow file written from `troy`, with stderr
    captured to a file so tests can wait for log lines."""

    def __init__(self, binary, troy, log_level="info", extra_env=None, workdir=None):
        self.dir = workdir or tempfile.mkdtemp(prefix="temblor-ws-")
        self.flow = os.path.join(self.dir, "flow.troy")
        with open(self.flow, "w") as f:
            f.write(troy)
        self.log_path = os.path.join(self.dir, "temblor.err")
        env = dict(os.environ, RUST_LOG=log_level)
        env.update(extra_env or {})
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen([binary, "server", "run", "-n", self.flow],
                                     stdout=subprocess.DEVNULL, stderr=self.log,
                                     env=env, cwd=self.dir, start_new_session=True)

    def pid(self):
        return self.proc.pid

    def stderr(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def count(self, text):
        return self.stderr().count(text)

    def alive(self):
        return self.proc.poll() is None

    def stop(self, timeout=10):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return self.proc.returncode


def thread_names(pid):
    names = []
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/comm" % (pid, tid)) as f:
                names.append(f.read().strip())
        except FileNotFoundError:
            pass  # a thread that just ended
    return sorted(names)


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def fd_count(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def make_cert(directory, name, cn="localhost", san="DNS:localhost,IP:127.0.0.1", days=2,
              ca=None):
    """Writes `name`.cert.pem / `name`.key.pem (ECDSA P-256), self-signed or
    signed by `ca` (a name made earlier); returns the two paths."""
    cert = os.path.join(directory, name + ".cert.pem")
    key = os.path.join(directory, name + ".key.pem")
    if ca is None:
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:prime256v1", "-nodes", "-days", str(days),
                        "-subj", "/CN=" + cn, "-addext", "subjectAltName=" + san,
                        "-keyout", key, "-out", cert],
                       check=True, capture_output=True)
    else:
        csr = os.path.join(directory, name + ".csr")
        ext = os.path.join(directory, name + ".ext")
        with open(ext, "w") as f:
            f.write("subjectAltName=" + san + "\n")
        subprocess.run(["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=" + cn,
                        "-keyout", key, "-out", csr], check=True, capture_output=True)
        subprocess.run(["openssl", "x509", "-req", "-in", csr, "-days", str(days),
                        "-CA", os.path.join(directory, ca + ".cert.pem"),
                        "-CAkey", os.path.join(directory, ca + ".key.pem"),
                        "-CAcreateserial", "-extfile", ext, "-out", cert],
                       check=True, capture_output=True)
    return cert, key


def tcp_states(pid):
    """Counts the process's TCP sockets by state: {"ESTABLISHED": n, "LISTEN": m, ...}."""
    inodes = set()
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            target = os.readlink("/proc/%d/fd/%s" % (pid, fd))
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    names = {"01": "ESTABLISHED", "0A": "LISTEN", "06": "TIME_WAIT", "08": "CLOSE_WAIT"}
    counts = {}
    for table in ("/proc/%d/net/tcp" % pid, "/proc/%d/net/tcp6" % pid):
        try:
            with open(table) as f:
                next(f)
                for line in f:
                    cols = line.split()
                    if cols[9] in inodes:
                        state = names.get(cols[3], cols[3])
                        counts[state] = counts.get(state, 0) + 1
        except FileNotFoundError:
            pass
    return counts
