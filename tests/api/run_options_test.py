#!/usr/bin/python3
"""`temblor run`'s --interactive, --pretty and --port (Tremor's run flags):
a query run with --interactive echoes every input event to stderr, and only
the outputs reach stdout; --pretty indents the echo; a flow run with --port
serves the REST API on loopback while it runs, and without it nothing does.
Usage: run_options_test.py TEMBLOR_BINARY"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from api_process import expect, free_port, metronome_flow, wait_for  # noqa: E402


def get_json(port, path):
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=5) as r:
            return json.loads(r.read())
    except OSError:
        return None


def main():
    binary = os.path.realpath(sys.argv[1])
    work = tempfile.mkdtemp(prefix="temblor-run-")
    query = os.path.join(work, "double.trickle")
    with open(query, "w") as f:
        f.write('select {"n": event.n * 2} from in into out;\n')
    events = '{"n": 1, "tags": ["a"]}\n{"n": 2}\n'

    p = subprocess.run([binary, "run", query, "--interactive"], input=events, capture_output=True,
                       text=True, timeout=30)
    expect(p.returncode == 0, "interactive: exit %d %s" % (p.returncode, p.stderr))
    expect(p.stdout.splitlines() == ['{"n":2}', '{"n":4}'], "stdout holds the outputs only: %r" % p.stdout)
    expect(p.stderr.splitlines() == ['in: {"n":1,"tags":["a"]}', 'in: {"n":2}'], "echo: %r" % p.stderr)

    p = subprocess.run([binary, "run", query, "--interactive", "--pretty"], input=events,
                       capture_output=True, text=True, timeout=30)
    expect(p.stdout.splitlines() == ['{"n":2}', '{"n":4}'], "pretty stdout: %r" % p.stdout)
    expect(p.stderr == 'in: {\n  "n": 1,\n  "tags": [\n    "a"\n  ]\n}\nin: {\n  "n": 2\n}\n',
           "pretty echo: %r" % p.stderr)

    p = subprocess.run([binary, "run", query], input=events, capture_output=True, text=True, timeout=30)
    expect(p.stderr == "" and p.stdout.splitlines() == ['{"n":2}', '{"n":4}'], "no echo without --interactive")

    flow = os.path.join(work, "flow.troy")
    with open(flow, "w") as f:
        f.write(metronome_flow("main", 20))
    port = free_port()
    proc = subprocess.Popen([binary, "run", flow, "--port", str(port)], cwd=work,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        flows = wait_for(lambda: get_json(port, "/v1/flows"), 15, "the API of `run --port`")
        expect([f["alias"] for f in flows] == ["main"], "flows: %r" % flows)
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=15)
    expect(proc.returncode == 0, "run --port: exit %d %s" % (proc.returncode, err.decode()))
    expect(b"REST API listening on http://127.0.0.1:%d" % port in err, err.decode())

    proc = subprocess.Popen([binary, "run", flow], cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wait_for(lambda: os.path.exists(os.path.join(work, "main.json")) and
             os.path.getsize(os.path.join(work, "main.json")) > 0, 15, "events from `run`")
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=15)
    expect(b"REST API" not in err, "run without --port started the API:\n" + err.decode())
    print("ok")


main()
