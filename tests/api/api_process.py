"""A temblor process serving the REST API, for the API's script tests:
starts `temblor server run -a 127.0.0.1:0 …` on a flow file, learns the
port from its log line, and answers requests through urllib."""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def expect(cond, message):
    if not cond:
        fail(message)


def free_port():
    """A loopback port nobody listens on (bound once, then released)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_for(predicate, seconds, what):
    """Polls predicate until it returns something true; fails after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        got = predicate()
        if got:
            return got
        time.sleep(0.02)
    fail("timed out waiting for " + what)


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body)


class ApiProcess:
    def __init__(self, binary, flow_text, extra_args=(), work=None):
        self.work = work or tempfile.mkdtemp(prefix="temblor-api-")
        self.flow = os.path.join(self.work, "flow.troy")
        with open(self.flow, "w") as f:
            f.write(flow_text)
        self.err_path = os.path.join(self.work, "err.log")
        self.err = open(self.err_path, "wb")
        self.proc = subprocess.Popen(
            [binary, "server", "run", *extra_args, "-a", "127.0.0.1:0", self.flow],
            cwd=self.work, stdout=subprocess.DEVNULL, stderr=self.err)
        line = wait_for(self._listening_line, 15, "the REST API's listening line")
        self.port = int(line)
        self.base = "http://127.0.0.1:%d" % self.port

    def _listening_line(self):
        if self.proc.poll() is not None:
            fail("temblor exited with %d:\n%s" % (self.proc.returncode, self.log()))
        m = re.search(r"REST API listening on http://127\.0\.0\.1:(\d+)", self.log())
        return m.group(1) if m else None

    def log(self):
        with open(self.err_path, errors="replace") as f:
            return f.read()

    def request(self, method, path, body=None, headers=None):
        data = body.encode() if isinstance(body, str) else body
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return Response(r.status, r.headers, r.read().decode())
        except urllib.error.HTTPError as e:
            return Response(e.code, e.headers, e.read().decode())

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                fail("temblor did not stop on SIGTERM")
        self.err.close()
        return self.proc.returncode


def metronome_flow(name="main", interval_ms=5):
    """A flow of ticks through a passthrough into a file (ticks.json)."""
    return """
define flow %(name)s
flow
  use tremor::pipelines;
  use std::time::nanos;
  define connector ticks from metronome with config = {"interval": nanos::from_millis(%(ms)d)} end;
  define connector sink from file
  with codec = "json", postprocessors = ["separate"], config = {"path": "%(name)s.json", "mode": "truncate"} end;
  create connector ticks;
  create connector sink;
  create pipeline pass from pipelines::passthrough;
  connect /connector/ticks to /pipeline/pass;
  connect /pipeline/pass to /connector/sink;
end;
deploy flow %(name)s;
""" % {"name": name, "ms": interval_ms}


def failing_flow():
    """A flow `broken` whose ws_client connects once to a port nobody
    listens on, without reconnecting: it fails."""
    return """
define flow broken
flow
  use tremor::pipelines;
  define connector ticks from metronome with config = {"interval": 100000000} end;
  define connector out from ws_client
  with codec = "json", config = {"url": "ws://127.0.0.1:%d"}, reconnect = {"none": null} end;
  create connector ticks;
  create connector out;
  create pipeline pass from pipelines::passthrough;
  connect /connector/ticks to /pipeline/pass;
  connect /pipeline/pass to /connector/out;
end;
deploy flow broken;
""" % free_port()
