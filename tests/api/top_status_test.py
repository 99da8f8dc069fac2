#!/usr/bin/python3
"""`temblor status` and `temblor top` against a running server: the table
names the flow, its connectors and pipeline with counts and rates (50
ticks/s), shows a paused connector as paused with its rate at zero, top
redraws in place on a terminal (a pty) and prints plain one-shot output
into a pipe; exit 1 and UNHEALTHY when a flow failed, exit 2 naming the
URL when nothing answers.
Usage: top_status_test.py TEMBLOR_BINARY"""
import os
import pty
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from api_process import ApiProcess, expect, fail, failing_flow, free_port, metronome_flow, wait_for  # noqa: E402


def run(binary, *args):
    p = subprocess.run([binary, *args], capture_output=True, text=True, timeout=30)
    return p.returncode, p.stdout, p.stderr


def row(text, name):
    """The cells of the table row whose first cell is `name`."""
    for line in text.splitlines():
        cells = line.split()
        if cells and cells[0] == name:
            return cells
    fail("no row %s in:\n%s" % (name, text))


def top_on_a_terminal(binary, api, frames):
    """Runs top under a pseudo-terminal; returns everything it drew."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(binary, [binary, "top", "-a", api, "--interval", "0.3", "-n", str(frames)])
    out = b""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), out.decode(errors="replace")


def main():
    binary = os.path.realpath(sys.argv[1])
    api = ApiProcess(binary, metronome_flow("main", 20))
    address = "127.0.0.1:%d" % api.port
    try:
        wait_for(lambda: api.get("/v1/flows/main").json()["status"] == "running", 10, "the flow to run")
        rc, out, err = run(binary, "status", "-a", address)
        expect(rc == 0, "status: exit %d %s" % (rc, err))
        expect(out.startswith("instance tremor  api %s  flows 1 (1 running)\n" % address), "header:\n" + out)
        expect("\nflow main  running\n" in out, "flow line:\n" + out)
        ticks = row(out, "ticks")  # connector type status connectivity read/s written/s read written …
        expect(ticks[1:4] == ["metronome", "running", "connected"], "ticks row %r" % ticks)
        expect(25 <= float(ticks[4]) <= 80, "ticks rate %r (50/s expected)" % ticks[4])
        expect(int(ticks[6]) > 0, "ticks read count %r" % ticks)
        sink = row(out, "sink")
        expect(sink[1] == "file" and float(sink[5]) > 0, "sink row %r" % sink)
        expect(int(row(out, "pass")[3]) > 0, "pipeline row")

        # --interval 0: counts only, no rates.
        rc, out, _ = run(binary, "status", "-a", address, "--interval", "0")
        expect(rc == 0 and row(out, "ticks")[4] == "-", "counts-only status:\n" + out)

        # A paused source shows as paused, and its rate falls to zero.
        r = api.request("PATCH", "/v1/flows/main/connectors/ticks", body='{"status": "paused"}')
        expect(r.status == 200, "pause: " + r.body)
        wait_for(lambda: row(run(binary, "status", "-a", address, "--interval", "0.5")[1], "ticks")[4] == "0.0",
                 10, "the paused source's rate to reach 0.0")
        rc, out, _ = run(binary, "status", "-a", address)
        expect(row(out, "ticks")[2] == "paused" and "\nflow main  paused\n" in out, "paused:\n" + out)
        api.request("PATCH", "/v1/flows/main/connectors/ticks", body='{"status": "running"}')

        # top into a pipe: the same one-shot table, no terminal control codes.
        rc, out, _ = run(binary, "top", "-a", address)
        expect(rc == 0 and "\x1b" not in out and out.count("instance tremor") == 1, "top into a pipe:\n" + out)
        expect(float(row(out, "ticks")[4]) > 0, "top's rate after resume:\n" + out)

        # top on a terminal: three frames, each drawn from the top-left corner.
        rc, drawn = top_on_a_terminal(binary, address, 3)
        expect(rc == 0, "top on a terminal: exit %d\n%s" % (rc, drawn))
        expect(drawn.count("\x1b[H") == 4 and drawn.count("instance tremor") == 3, "frames: %r" % drawn)
        last = drawn.rsplit("\x1b[H", 1)[1]
        last = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", last).replace("\r", "")
        expect(float(row(last, "ticks")[4]) > 0, "the last frame has no rate:\n" + last)
    finally:
        api.stop()

    rc, out, err = run(binary, "status", "-a", "127.0.0.1:%d" % free_port(), "--interval", "0")
    expect(rc == 2 and "cannot reach the REST API at http://127.0.0.1:" in err, "no API: %d %s" % (rc, err))

    failing = metronome_flow("main", 20) + failing_flow()
    api = ApiProcess(binary, failing)
    try:
        wait_for(lambda: api.get("/v1/flows/broken").json()["status"] == "failed", 15, "the broken flow to fail")
        rc, out, err = run(binary, "status", "-a", "127.0.0.1:%d" % api.port, "--interval", "0")
        expect(rc == 1, "status with a failed flow: exit %d %s" % (rc, err))
        expect("UNHEALTHY" in out and "\nflow broken  failed\n" in out, "failed flow:\n" + out)
        expect(row(out, "out")[2:4] == ["failed", "disconnected"], "failed connector row:\n" + out)
    finally:
        api.stop()
    print("ok")


main()
