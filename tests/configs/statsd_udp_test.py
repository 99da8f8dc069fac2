#!/usr/bin/python3
"""Runs configs/statsd-udp/flow.troy (on a free port instead of 8125) and
sends it statsd datagrams the way clients do: one metric, a batch of lines
without a final newline, a sampled timer, a signed gauge, and a line that is
not statsd. Checks the JSON on stdout and the reason on stderr.

    statsd_udp_test.py TEMBLOR_BINARY CONFIG_DIR"""
import json
import os
import socket
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "peers"))
from temblor_process import TemblorProcess, free_udp_port  # noqa: E402

SENT = [b"hits:1|c", b"a:1|c\nb:2|c\nc:3|c", b"latency:320|ms|@0.5", b"temp:-5|g", b"garbage"]
EXPECTED = [
    {"type": "c", "metric": "hits", "value": 1},
    {"type": "c", "metric": "a", "value": 1},
    {"type": "c", "metric": "b", "value": 2},
    {"type": "c", "metric": "c", "value": 3},
    {"type": "ms", "metric": "latency", "value": 320, "sample_rate": 0.5},
    {"type": "g", "metric": "temp", "value": 5, "action": "sub"},
]


def main():
    binary, config_dir = sys.argv[1], sys.argv[2]
    with open(os.path.join(config_dir, "flow.troy")) as f:
        troy = f.read()
    if '"url": "127.0.0.1:8125"' not in troy:
        print("FAIL: the config no longer listens on 127.0.0.1:8125 as its README says")
        return 1
    port = free_udp_port()
    troy = troy.replace("127.0.0.1:8125", f"127.0.0.1:{port}")
    failures = []
    with tempfile.TemporaryDirectory() as work:
        p = TemblorProcess(binary, work, "statsd", troy)
        try:
            if not p.wait_log(f"listening on 127.0.0.1:{port}"):
                failures.append(f"did not bind: {p.stderr}")
            else:
                with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                    for datagram in SENT:
                        s.sendto(datagram, ("127.0.0.1", port))
                p.wait_for(lambda: len(p.stdout) >= len(EXPECTED) and
                           any("not statsd" in l for l in p.stderr))
        finally:
            status = p.stop()
        got = [json.loads(l) for l in p.stdout]
        if got != EXPECTED:
            failures.append(f"stdout {got}")
        if not any("not statsd: statsd: expected `metric:value|type`" in l for l in p.stderr):
            failures.append(f"no reason for the bad line on stderr: {p.stderr}")
        if status != 0:
            failures.append(f"exit status {status} after SIGTERM")
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
