#!/usr/bin/python3
"""A datagram flood into a flow much slower than the flood: the runtime
pauses udp_server (backpressure), the server stops reading once its own
read-ahead queue (4 MiB) is full, and the kernel
drops what does not fit in the socket buffer. Temblor's memory stays bounded
and every datagram is accounted for: written by the flow or counted as
dropped by the kernel (the graceful stop logs the total).

    flood_backpressure_test.py TEMBLOR_BINARY"""
import os
import socket
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "peers"))
from temblor_process import TemblorProcess, free_udp_port  # noqa: E402

FLOOD = 100_000        # datagrams…
SIZE = 1000            # …of this many bytes: 100 MB offered…
RATE = 25_000          # …per second: a rate the server reads with ease, so
                       # only its pausing makes the kernel drop
# What the flow may hold beyond its idle size. Reading the flood whole would
# take more than FLOOD * SIZE; backpressure keeps a few MiB queued, plus
# udp_server's read-ahead queue (4 MiB of datagrams and their overhead).
RSS_GROWTH_LIMIT_KB = 30 * 1024
if "ASAN_OPTIONS" in os.environ:
    # tools/test.sh --sanitize: ASan's quarantine keeps freed memory for a
    # while and its allocator pads every block; the Release run holds the line.
    os.environ["ASAN_OPTIONS"] += ":quarantine_size_mb=16"
    RSS_GROWTH_LIMIT_KB *= 4

# About 2,000 events/s on a loaded 2-core machine, far below the flood.
FLOW = """
define flow flood
flow
  use std::range;
  define connector datagrams from udp_server
  with codec = "string", config = {{"url": "127.0.0.1:{port}"}}
  end;
  define connector written from file
  with codec = "string", postprocessors = ["separate"],
       config = {{"path": "{out}", "mode": "truncate"}}
  end;
  define pipeline slow
  pipeline
    define script work
    script
      let busy = for (range::range(0, 1000)) of case (i, e) => e end;
      event
    end;
    create script work;
    select event from in into work;
    select event from work into out;
  end;
  create connector datagrams;
  create connector written;
  create pipeline slow;
  connect /connector/datagrams to /pipeline/slow;
  connect /pipeline/slow to /connector/written;
end;
deploy flow flood;
"""


def status_kb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def lines(path):
    try:
        with open(path, "rb") as f:
            return f.read().split(b"\n")[:-1]
    except FileNotFoundError:
        return []


def main():
    binary = sys.argv[1]
    port = free_udp_port()
    failures = []
    with tempfile.TemporaryDirectory() as work:
        out = os.path.join(work, "written.log")
        p = TemblorProcess(binary, work, "flood", FLOW.format(port=port, out=out))
        try:
            if not p.wait_log(f"listening on 127.0.0.1:{port}"):
                print("FAIL: did not bind:", "\n".join(p.stderr))
                return 1
            # One datagram through the whole flow first: the idle size is
            # taken once everything is set up.
            sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            sender.sendto(b"first", ("127.0.0.1", port))
            if not p.wait_for(lambda: lines(out)[:1] == [b"first"], 20):
                print("FAIL: the first datagram was not written:", "\n".join(p.stderr))
                return 1
            idle_kb = status_kb(p.proc.pid, "VmRSS")
            payload = b"f" * SIZE
            start = time.monotonic()
            for i in range(FLOOD):
                sender.sendto(payload, ("127.0.0.1", port))
                if i % 250 == 249:  # paced in bursts (load shaping, not waiting on state)
                    ahead = start + (i + 1) / RATE - time.monotonic()
                    if ahead > 0:
                        time.sleep(ahead)
            growth_kb = status_kb(p.proc.pid, "VmHWM") - idle_kb
            print(f"idle RSS {idle_kb} kB, peak growth during the flood {growth_kb} kB")
            if growth_kb > RSS_GROWTH_LIMIT_KB:
                failures.append(f"RSS grew by {growth_kb} kB (limit {RSS_GROWTH_LIMIT_KB} kB): "
                                "the server read on beyond its queue while the flow fell behind")
            else:
                # A marker sent last and seen written means the socket was
                # read (or dropped) up to it; resent while the kernel drops it.
                markers = 0
                while markers < 30:
                    markers += 1
                    marker = f"marker {markers}".encode()
                    sender.sendto(marker, ("127.0.0.1", port))
                    if p.wait_for(lambda: marker in lines(out)[-5:], 2):
                        break
                else:
                    failures.append("no marker came through after the flood")
            status = p.stop()
            if status != 0:
                failures.append(f"exit status {status}")
            if not failures:
                written = len(lines(out))
                totals = [l for l in p.stderr if "dropped by the kernel in all" in l]
                if not totals:
                    failures.append("no 'dropped by the kernel in all' line at the stop")
                else:
                    dropped = int(totals[-1].split("] ")[-1].split()[0])
                    sent = 1 + FLOOD + markers
                    print(f"sent {sent}, written {written}, dropped by the kernel {dropped}")
                    if dropped == 0:
                        failures.append("the flood lost nothing: the flow was not slower than it")
                    if written + dropped != sent:
                        failures.append(f"written {written} + dropped {dropped} != sent {sent}")
        finally:
            p.stop()
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
