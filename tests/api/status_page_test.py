#!/usr/bin/python3
"""The status page (GET /) in headless Chromium: a running server with a
metronome flow; the page shows the flow, its connectors and pipeline, the
graph with every stage, and the ticks' read count and rate move while
events flow. The page loads nothing from anywhere but the API. The
screenshot is kept (SCREENSHOT) as the test's artifact.
Usage: status_page_test.py TEMBLOR_BINARY SCREENSHOT"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from api_process import ApiProcess, expect, fail, metronome_flow  # noqa: E402


def main():
    binary = os.path.realpath(sys.argv[1])
    screenshot = os.path.abspath(sys.argv[2])
    if os.path.exists(screenshot):
        os.unlink(screenshot)
    peer = os.path.join(os.path.dirname(os.path.abspath(__file__)), "status_page_peer.js")
    api = ApiProcess(binary, metronome_flow("main", 20), extra_args=("-i", "paged"))
    try:
        r = api.get("/")
        expect(r.status == 200 and r.headers["content-type"].startswith("text/html"),
               "GET /: %d %s" % (r.status, r.headers["content-type"]))
        try:
            run = subprocess.run(["node", peer, api.base + "/", "main", "ticks", screenshot],
                                 capture_output=True, text=True, timeout=90)
        except subprocess.TimeoutExpired:
            fail("the Chromium peer did not finish")
        expect(run.returncode == 0, "chromium peer: %s%s" % (run.stdout, run.stderr))
        shown = json.loads(run.stdout.strip().splitlines()[-1])
    finally:
        api.stop()

    expect(shown["instance"] == "paged", "instance shown: %r" % shown["instance"])
    expect(shown["overall"] == "1 (1 running)", "flows shown: %r" % shown["overall"])
    expect(shown["flowStatus"] == "running", "flow status shown: %r" % shown["flowStatus"])
    expect(shown["connectors"] == ["ticks", "sink"], "connectors shown: %r" % shown["connectors"])
    expect(shown["pipelines"] == ["pass"], "pipelines shown: %r" % shown["pipelines"])
    expect(sorted(shown["graphNodes"]) == ["pass", "sink", "ticks"], "graph nodes: %r" % shown["graphNodes"])
    expect(any(t.endswith("ev/s") for t in shown["graphRates"]), "no rate on the graph: %r" % shown["graphRates"])
    row = shown["row"]
    expect(row["type"] == "metronome" and row["status"] == "running" and row["connectivity"] == "connected",
           "ticks row: %r" % row)
    expect(int(row["read"]) > shown["firstRead"], "read count did not move: %r" % row)
    # 20 ms ticks: 50/s; a loaded machine may lag, but a rate near zero or far above is wrong.
    expect(10 <= float(row["read-rate"]) <= 100, "ticks rate shown: %r" % row["read-rate"])
    own = [u for u in shown["requested"] if not u.startswith(api.base + "/")]
    expect(not own, "the page loaded external assets: %r" % own)
    expect(not shown["consoleErrors"], "console errors: %r" % shown["consoleErrors"])
    expect(os.path.getsize(screenshot) > 1000, "no screenshot")
    print("ok (screenshot %s)" % screenshot)


main()
