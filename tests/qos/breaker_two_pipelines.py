#!/usr/bin/python3
"""A sink that loses its connection pauses its source through two chained
pipelines (pipeline -> pipeline link): while the ws_client's server is gone
the source reads nothing (a file sink tapping the first pipeline stops
growing) and no event fails; once the server is back, reading resumes.
The source is `bench` with an interval: paced and pull-based like `file`,
so there is a stream to interrupt.
Usage: breaker_two_pipelines.py TEMBLOR_BINARY"""
import os
import re
import shutil
import sys
import time

from qos_lib import (check, count_matches, free_port, line_count, read_field, recording_server,
                     temblor_process, wait_until, work_dir, write_events)

FLOW = """
define flow chain
flow
  define connector input from bench
  with codec = "json", config = {"path": "in.json", "interval": 1000000} end;
  define connector tap from file
  with codec = "json", postprocessors = ["separate"], config = {"path": "tap.json", "mode": "truncate"} end;
  define connector client from ws_client
  with
    codec = "json",
    config = {"url": "ws://127.0.0.1:%d"},
    reconnect = {"retry": {"interval_ms": 200, "growth_rate": 1, "randomized": false}}
  end;
  define pipeline first
  pipeline
    select event from in into out;
  end;
  define pipeline second
  pipeline
    select event from in into out;
  end;
  create connector input;
  create connector tap;
  create connector client;
  create pipeline first;
  create pipeline second;
  connect /connector/input to /pipeline/first;
  connect /pipeline/first to /connector/tap;
  connect /pipeline/first to /pipeline/second;
  connect /pipeline/second to /connector/client;
end;
deploy flow chain;
"""


def failures(log):
    counts = [int(m) for m in re.findall(r"(\d+) event\(s\) failed to be written", log)]
    return max(counts) if counts else 0


def main():
    binary = os.path.realpath(sys.argv[1])
    work = work_dir()
    port = free_port()
    write_events(os.path.join(work, "in.json"), 100000)
    with open(os.path.join(work, "flow.troy"), "w") as f:
        f.write(FLOW % port)
    tap = os.path.join(work, "tap.json")
    before = os.path.join(work, "before.json")
    after = os.path.join(work, "after.json")
    server_log = os.path.join(work, "server.log")
    server = recording_server(port, before, server_log)
    temblor = temblor_process(binary, work, "flow.troy")
    try:
        wait_until(lambda: line_count(before) >= 300, 15, "300 events at the server")
        server.kill()
        wait_until(lambda: "connection lost" in temblor.log(), 5, "the lost connection")
        # What was already read when the breaker tripped still reaches the
        # tap; wait until the count holds still, then watch it for 2 s.
        last, deadline = -1, time.monotonic() + 5
        while line_count(tap) != last and time.monotonic() < deadline:
            last = line_count(tap)
            time.sleep(0.3)
        tap_paused, failed_paused = line_count(tap), failures(temblor.log())
        time.sleep(2.0)
        tap_later, log = line_count(tap), temblor.log()
        check(count_matches(r"connect failed", log) >= 5, "no reconnect attempts:\n" + log)
        check(tap_later == tap_paused,
              "the source kept reading while the sink was down: %d -> %d events in 2 s"
              % (tap_paused, tap_later))
        check(failures(log) == failed_paused, "events failed while the source was paused:\n" + log)

        server = recording_server(port, after, server_log)
        wait_until(lambda: line_count(after) >= 300, 15, "300 events after the restart")
        check(line_count(tap) > tap_later + 200, "the source did not resume")
        status = temblor.terminate()
        check(status == 0, "temblor exited with %d:\n%s" % (status, temblor.log()))
        got = read_field(before) + read_field(after)
        tapped = read_field(tap)
        check(all(a < b for a, b in zip(got, got[1:])), "events duplicated or reordered")
        lost = sorted(set(tapped) - set(got))
        print("ok: source paused at %d events for 2 s while the sink was down; "
              "%d events read in total, %d delivered, %d lost in flight at the kill "
              "(failures logged: %d)" % (tap_paused, len(tapped), len(got), len(lost),
                                         failures(temblor.log())))
    finally:
        temblor.kill()
        server.stop()
    shutil.rmtree(work, ignore_errors=True)


main()
