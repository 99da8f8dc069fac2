#!/usr/bin/python3
"""A ws_client started 2 s before its server exists delivers every event
once the server appears: the reconnect policy retries, and the circuit
breaker keeps the file source paused until the sink is connected, so no
event is read early and none is lost.
Usage: ws_late_server.py TEMBLOR_BINARY"""
import os
import shutil
import sys
import time

from qos_lib import (check, count_matches, free_port, line_count, read_field, recording_server,
                     temblor_process, wait_until, work_dir, write_events,
                     write_forwarding_flow)

COUNT = 5000
# The connector the flow reads from (`define connector input from …`).
SOURCE = 'file with codec = "json", preprocessors = ["separate"], config = {"path": "in.json", "mode": "read"}'



def main():
    binary = os.path.realpath(sys.argv[1])
    work = work_dir()
    port = free_port()
    write_events(os.path.join(work, "in.json"), COUNT)
    write_forwarding_flow(os.path.join(work, "flow.troy"), "late", SOURCE, port, 100)
    received = os.path.join(work, "received.json")
    temblor = temblor_process(binary, work, "flow.troy")
    server = None
    try:
        time.sleep(2.0)
        check(temblor.alive(), "temblor exited while its server was missing:\n" + temblor.log())
        log = temblor.log()
        # The client kept trying, and failed no event: nothing was sent yet.
        check(count_matches(r"connect failed: .*reconnecting in", log) >= 3,
              "expected at least 3 failed connects retried in 2 s:\n" + log)
        check("failed to be written" not in log, "events failed before the server existed:\n" + log)
        server = recording_server(port, received, os.path.join(work, "server.log"))
        wait_until(lambda: line_count(received) >= COUNT, 20, "%d events at the server" % COUNT)
        time.sleep(0.3)  # anything beyond COUNT would be a duplicate
        got = read_field(received)
        check(got == list(range(1, COUNT + 1)),
              "the server got %d events, not 1..%d in order" % (len(got), COUNT))
        status = temblor.terminate()
        log = temblor.log()
        check(status == 0, "temblor exited with %d:\n%s" % (status, log))
        check("reconnected" in log, "no reconnect logged:\n" + log)
        check("failed to be written" not in log, "events failed:\n" + log)
        print("ok: %d of %d events delivered after %d failed connects" %
              (len(got), COUNT, count_matches(r"connect failed", log)))
    finally:
        temblor.kill()
        if server:
            server.stop()
    shutil.rmtree(work, ignore_errors=True)


main()
