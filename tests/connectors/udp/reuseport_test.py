#!/usr/bin/python3
"""Two temblor processes share one UDP port through SO_REUSEPORT: datagrams
from many senders reach both, and together every one of them. A third
process without the option cannot bind the port.

    reuseport_test.py TEMBLOR_BINARY"""
import os
import socket
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "peers"))
from temblor_process import TemblorProcess, free_udp_port  # noqa: E402

SENDERS = 200

FLOW = """
define flow receiver
flow
  define connector datagrams from udp_server
  with
    codec = "string",
    config = {{"url": "127.0.0.1:{port}", "socket_options": {options}}}
  end;
  define connector received from file
  with codec = "string", postprocessors = ["separate"],
       config = {{"path": "{out}", "mode": "truncate"}}
  end;
  define pipeline pass
  pipeline
    select event from in into out;
  end;
  create connector datagrams;
  create connector received;
  create pipeline pass;
  connect /connector/datagrams to /pipeline/pass;
  connect /pipeline/pass to /connector/received;
end;
deploy flow receiver;
"""


def lines(path):
    try:
        with open(path) as f:
            return [l for l in f.read().split("\n") if l]
    except FileNotFoundError:
        return []


def main():
    binary = sys.argv[1]
    port = free_udp_port()
    shared = '{"SO_REUSEPORT": true}'
    with tempfile.TemporaryDirectory() as work:
        outs = [os.path.join(work, f"out_{n}.log") for n in ("a", "b")]
        procs = []
        failures = []
        try:
            for n, out in zip(("a", "b"), outs):
                p = TemblorProcess(binary, work, n, FLOW.format(port=port, options=shared, out=out))
                procs.append(p)
                if not p.wait_log(f"listening on 127.0.0.1:{port}"):
                    failures.append(f"process {n} did not bind: {p.stderr}")
            if not failures:
                # Each datagram from its own socket: the kernel spreads senders
                # (by address and port) over the sockets sharing the port.
                for i in range(SENDERS):
                    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                        s.sendto(f"m{i}".encode(), ("127.0.0.1", port))
                # Wait until both files together hold every datagram.
                procs[0].wait_for(lambda: sum(len(lines(o)) for o in outs) >= SENDERS, 20)
            for p in procs:
                p.stop()
            got = [lines(o) for o in outs]
            everything = sorted(got[0] + got[1])
            if everything != sorted(f"m{i}" for i in range(SENDERS)):
                failures.append(f"expected m0..m{SENDERS - 1} once each, got {len(everything)} lines")
            if not got[0] or not got[1]:
                failures.append(f"one process got nothing: {len(got[0])} vs {len(got[1])}")
            # Without SO_REUSEPORT (and SO_REUSEADDR, which Linux would let
            # two UDP sockets share a port with) the bind fails.
            lone = TemblorProcess(binary, work, "c", FLOW.format(
                port=port, options='{"SO_REUSEADDR": false}', out=os.path.join(work, "c.log")))
            procs.append(lone)
            holder = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            holder.bind(("127.0.0.1", port))
            if not lone.wait_log("Address already in use"):
                failures.append(f"the third process did not report the taken port: {lone.stderr}")
            lone.stop()
            holder.close()
        finally:
            for p in procs:
                p.stop()
        print(f"split {len(got[0])} / {len(got[1])} of {SENDERS}")
        for f in failures:
            print("FAIL:", f)
        return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
