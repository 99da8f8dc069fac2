"""Helpers shared by the end-to-end QoS tests: free ports, the recording
WebSocket server, a temblor process and polling with deadlines."""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = "/usr/bin/python3"


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    fail("timed out after %.1f s waiting for %s" % (timeout, what))


def line_count(path):
    try:
        with open(path, "rb") as f:
            return sum(1 for _ in f)
    except FileNotFoundError:
        return 0


def read_field(path, field="n"):
    """Returns the `field` of every complete JSON line in `path`."""
    out = []
    try:
        with open(path) as f:
            for line in f:
                if line.endswith("\n"):
                    out.append(json.loads(line)[field])
    except FileNotFoundError:
        pass
    return out


def write_events(path, count):
    with open(path, "w") as f:
        for i in range(1, count + 1):
            f.write('{"n": %d}\n' % i)


class recording_server:
    """A record_server.py process on `port` appending messages to `out`."""

    def __init__(self, port, out, log):
        self.proc = subprocess.Popen(
            [PYTHON, os.path.join(HERE, "record_server.py"), str(port), out],
            stdout=subprocess.PIPE, stderr=open(log, "ab"), text=True)
        line = self.proc.stdout.readline()
        check(line.strip() == "ready", "record server did not start: %r" % line)

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait()


class temblor_process:
    """`temblor server run -n --debug-connectors FLOW` in `cwd`, stderr to err.log."""

    def __init__(self, binary, cwd, flow):
        self.err_path = os.path.join(cwd, "err.log")
        self.proc = subprocess.Popen(
            [binary, "server", "run", "-n", "--debug-connectors", flow], cwd=cwd,
            stdout=open(os.path.join(cwd, "out.log"), "wb"), stderr=open(self.err_path, "wb"))

    def log(self):
        with open(self.err_path, errors="replace") as f:
            return f.read()

    def alive(self):
        return self.proc.poll() is None

    def terminate(self, timeout=10):
        """SIGTERM (graceful drain); returns the exit status."""
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            fail("temblor did not stop within %d s of SIGTERM" % timeout)

    def kill(self):
        if self.alive():
            self.proc.kill()
            self.proc.wait()


def count_matches(pattern, text):
    return len(re.findall(pattern, text))


def write_forwarding_flow(path, flow, source, port, retry_interval_ms):
    """Writes a flow `flow` that sends what `source` (a connector body after
    `define connector input from`) reads through a passthrough pipeline to a
    ws_client for 127.0.0.1:`port`, which retries every `retry_interval_ms`
    ms, growing 1.5x."""
    with open(path, "w") as f:
        f.write("""
define flow %(flow)s
flow
  use tremor::pipelines;
  define connector input from %(source)s end;
  define connector client from ws_client
  with
    codec = "json",
    config = {"url": "ws://127.0.0.1:%(port)d"},
    reconnect = {"retry": {"interval_ms": %(retry)d, "growth_rate": 1.5, "randomized": false}}
  end;
  create connector input;
  create connector client;
  create pipeline pass from pipelines::passthrough;
  connect /connector/input to /pipeline/pass;
  connect /pipeline/pass to /connector/client;
end;
deploy flow %(flow)s;
""" % {"flow": flow, "source": source, "port": port, "retry": retry_interval_ms})


def work_dir():
    return tempfile.mkdtemp(prefix="temblor-qos-")
