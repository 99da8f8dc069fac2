#!/usr/bin/python3
"""The REST API against a real client (Python's urllib) and a real process:
Tremor's /v1 bodies and status codes, JSON or YAML by Accept, pause and
resume that really stop and restart the events, 404/400/405 errors as
JSON, 503 from /v1/status once a flow failed, -n, and a taken port.
Usage: rest_api_test.py TEMBLOR_BINARY"""
import os
import socket
import subprocess
import sys
import time

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from api_process import ApiProcess, expect, fail, failing_flow, metronome_flow, wait_for  # noqa: E402


def ticks_read(api):
    for stage in api.get("/v1/stats").json()["stages"]:
        if stage["flow"] == "main" and stage["alias"] == "ticks":
            return stage["out"]["out"]
    fail("no ticks connector in /v1/stats")


def check_reads(api):
    r = api.get("/v1/version")
    expect(r.status == 200 and set(r.json()) == {"version", "debug"}, "version: %d %s" % (r.status, r.body))
    expect(r.headers["content-type"] == "application/json", "version content type")

    r = api.get("/v1/status")
    expect(r.status == 200, "status: %d %s" % (r.status, r.body))
    expect(r.json() == {"all_running": True, "num_flows": 1, "flows": {"running": 1}}, "status body " + r.body)

    r = api.get("/v1/flows")
    expect(r.json() == [{"alias": "main", "status": "running", "connectors": ["ticks", "sink"]}],
           "flows body " + r.body)
    r = api.get("/v1/flows/main")
    expect(r.json() == {"alias": "main", "status": "running", "connectors": ["ticks", "sink"]},
           "flow body " + r.body)

    r = api.get("/v1/flows/main/connectors")
    body = r.json()
    expect([c["alias"] for c in body] == ["ticks", "sink"], "connectors " + r.body)
    for c in body:
        expect(set(c) == {"alias", "status", "connectivity", "pipelines"}, "connector keys " + r.body)
    r = api.get("/v1/flows/main/connectors/ticks")
    expect(r.json() == {"alias": "ticks", "status": "running", "connectivity": "connected",
                        "pipelines": {"out": [{"alias": "pass", "port": "in"}]}}, "connector " + r.body)

    # YAML by Accept, the same document.
    r = api.get("/v1/flows/main/connectors/ticks", headers={"Accept": "application/yaml"})
    expect(r.headers["content-type"] == "application/yaml", "yaml content type")
    expect(yaml.safe_load(r.body) == api.get("/v1/flows/main/connectors/ticks").json(), "yaml " + r.body)
    r = api.get("/v1/status", headers={"Accept": "application/x-yaml"})
    expect(yaml.safe_load(r.body)["num_flows"] == 1, "status yaml " + r.body)


def check_errors(api):
    for path, needle in [("/v1/flows/nope", "Flow \"nope\" not found"),
                         ("/v1/flows/nope/connectors", "nope"),
                         ("/v1/flows/main/connectors/nope", "Connector \"nope\" not found"),
                         ("/v1/nothing", "Not found")]:
        r = api.get(path)
        expect(r.status == 404 and r.headers["content-type"] == "application/json",
               "%s: %d %s" % (path, r.status, r.body))
        expect(needle in r.json()["error"], "%s error: %s" % (path, r.body))
    r = api.get("/v1/flows/nope", headers={"Accept": "application/yaml"})
    expect(r.status == 404 and yaml.safe_load(r.body) == {"error": "Flow \"nope\" not found"}, "yaml 404")

    for method, path in [("DELETE", "/v1/flows/main"), ("POST", "/v1/flows"), ("PUT", "/v1/status"),
                         ("PATCH", "/v1/flows/main/connectors")]:
        r = api.request(method, path, body="{}")
        expect(r.status == 405, "%s %s: %d" % (method, path, r.status))
        expect("GET" in r.headers["allow"], "%s %s: Allow %s" % (method, path, r.headers["allow"]))
        expect("error" in r.json(), "%s %s body %s" % (method, path, r.body))

    for body, ctype in [("not json", "application/json"), ('{"status": "stopped"}', "application/json"),
                        ('{"state": "paused"}', "application/json"), ("", "application/json"),
                        ("status: [", "application/yaml")]:
        r = api.request("PATCH", "/v1/flows/main", body=body, headers={"Content-Type": ctype})
        expect(r.status == 400 and "error" in r.json(), "PATCH %r: %d %s" % (body, r.status, r.body))
    r = api.request("PATCH", "/v1/flows/nope", body='{"status": "paused"}')
    expect(r.status == 404, "PATCH unknown flow: %d" % r.status)
    # None of the bad requests paused anything.
    expect(api.get("/v1/flows/main").json()["status"] == "running", "a bad PATCH changed the flow")


def count_stays(api, seconds):
    """True when the ticks count does not move for `seconds` (checked often)."""
    first = ticks_read(api)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if ticks_read(api) != first:
            return False
        time.sleep(0.05)
    return True


def check_pause_resume(api):
    wait_for(lambda: ticks_read(api) > 5, 10, "ticks to flow")
    r = api.request("PATCH", "/v1/flows/main", body='{"status": "paused"}',
                    headers={"Content-Type": "application/json"})
    expect(r.status == 200 and r.json()["status"] == "paused", "pause: %d %s" % (r.status, r.body))
    expect(api.get("/v1/status").json() == {"all_running": False, "num_flows": 1, "flows": {"paused": 1}},
           "status while paused")
    expect(api.get("/v1/status").status == 200, "a paused flow is healthy (200)")
    # Ticks already on their way may still land; then nothing moves.
    wait_for(lambda: count_stays(api, 0.5), 5, "the ticks to stop while paused")

    before = ticks_read(api)
    r = api.request("PATCH", "/v1/flows/main", body="status: running\n",
                    headers={"Content-Type": "application/yaml"})
    expect(r.status == 200 and r.json()["status"] == "running", "resume: %d %s" % (r.status, r.body))
    wait_for(lambda: ticks_read(api) > before + 5, 10, "ticks after resume")

    # One connector: the flow shows paused while its source is.
    r = api.request("PATCH", "/v1/flows/main/connectors/ticks", body='{"status": "paused"}')
    expect(r.status == 200 and r.json()["status"] == "paused", "pause connector: " + r.body)
    expect(api.get("/v1/flows/main/connectors/sink").json()["status"] == "running", "the sink kept running")
    expect(api.get("/v1/flows/main").json()["status"] == "paused", "flow with a paused source")
    wait_for(lambda: count_stays(api, 0.5), 5, "the source to stop")
    r = api.request("PATCH", "/v1/flows/main/connectors/ticks", body='{"status": "paused"}')
    expect(r.status == 200, "pausing again is a no-op: %d" % r.status)
    r = api.request("PATCH", "/v1/flows/main/connectors/ticks", body='{"status": "running"}')
    expect(r.status == 200 and r.json()["status"] == "running", "resume connector: " + r.body)
    before = ticks_read(api)
    wait_for(lambda: ticks_read(api) > before + 5, 10, "ticks after the connector resumed")


def check_failed_flow(binary):
    flow = metronome_flow("main", 20) + failing_flow()
    api = ApiProcess(binary, flow)
    try:
        wait_for(lambda: api.get("/v1/flows/broken").json()["status"] == "failed", 15, "the broken flow to fail")
        r = api.get("/v1/status")
        expect(r.status == 503, "status with a failed flow: %d %s" % (r.status, r.body))
        expect(r.json() == {"all_running": False, "num_flows": 2, "flows": {"failed": 1, "running": 1}},
               "status body " + r.body)
        r = api.get("/v1/flows/broken/connectors/out")
        expect(r.json()["status"] == "failed" and r.json()["connectivity"] == "disconnected", r.body)
        r = api.request("PATCH", "/v1/flows/broken", body='{"status": "running"}')
        expect(r.status == 400 and "from failed to running" in r.json()["error"], "resume failed: " + r.body)
    finally:
        api.stop()


def check_no_api_and_taken_port(binary, work):
    flow = os.path.join(work, "flow.troy")
    # -n: nothing listens, and the log says nothing about an API.
    proc = subprocess.Popen([binary, "server", "run", "-n", "-a", "127.0.0.1:0", flow], cwd=work,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wait_for(lambda: os.path.exists(os.path.join(work, "main.json")) and
             os.path.getsize(os.path.join(work, "main.json")) > 0, 10, "events with -n")
    proc.terminate()
    _, err = proc.communicate(timeout=10)
    expect(b"REST API" not in err, "-n still started the API:\n" + err.decode())

    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    port = taken.getsockname()[1]
    proc = subprocess.run([binary, "server", "run", "-a", "127.0.0.1:%d" % port, flow], cwd=work,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=20)
    taken.close()
    expect(proc.returncode == 2, "a taken API port: exit %d" % proc.returncode)
    expect(b"cannot start the REST API on 127.0.0.1:%d" % port in proc.stderr, proc.stderr.decode())

    proc = subprocess.run([binary, "server", "run", "-a", "nonsense", flow], cwd=work,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=20)
    expect(proc.returncode == 2 and b"is not host:port" in proc.stderr, proc.stderr.decode())


def main():
    binary = os.path.realpath(sys.argv[1])
    api = ApiProcess(binary, metronome_flow())
    try:
        check_reads(api)
        check_errors(api)
        check_pause_resume(api)
    finally:
        status = api.stop()
    expect(status == 0, "exit %d after SIGTERM:\n%s" % (status, api.log()))
    check_failed_flow(binary)
    check_no_api_and_taken_port(binary, api.work)
    print("ok")


main()
