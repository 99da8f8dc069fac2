#!/usr/bin/python3
"""Clients that misbehave against a WebSocket server, one mode per run;
each prints one result line.
Usage: py_ws_hostile_clients.py HOST PORT MODE [ARGS]
  silent-tcp N [WATCH]         N TCP connections that send nothing
  silent-tls N CAFILE [WATCH]  N connections that complete TLS, then send nothing
  silent-ws N [WATCH]          N connections that upgrade, then never read or write
      -> `closed K/N max T`: K closed by the server within WATCH s (60),
         the last after T s
  pong-ws N SECONDS        N upgraded connections that answer pings, watched for SECONDS
      -> `open K/N`
  burst N                  N connections at once, each echoes one message
      -> `echoed K/N`
  partial N ANNOUNCED SENT [WAIT [hold]]  N connections each announcing a binary
                           frame of ANNOUNCED bytes and sending SENT of them
      -> `codes c1 c2 ...` (close code per connection, `none` if still open
         after WAIT s (30)); with `hold`, keeps the open ones until killed
  refused N                N upgrades in a row -> `upgraded K refused R`
"""
import os
import selectors
import socket
import ssl
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rawws  # noqa: E402


def watch_closed(socks, timeout):
    """Waits until the server closed each socket; returns (closed, last)."""
    sel = selectors.DefaultSelector()
    start = time.monotonic()
    for s in socks:
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ)
    closed = 0
    last = 0.0
    deadline = start + timeout
    while closed < len(socks) and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=max(0.0, deadline - time.monotonic())):
            s = key.fileobj
            try:
                data = s.recv(65536)
            except ssl.SSLWantReadError:
                continue
            except (ConnectionResetError, ssl.SSLError, OSError):
                data = b""
            if not data:
                sel.unregister(s)
                closed += 1
                last = time.monotonic() - start
    return closed, last


def main():
    host, port, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    args = sys.argv[4:]
    if mode == "silent-tcp":
        n = int(args[0])
        socks = [socket.create_connection((host, port)) for _ in range(n)]
        closed, last = watch_closed(socks, float(args[1]) if len(args) > 1 else 60)
        print("closed %d/%d max %.2f" % (closed, n, last), flush=True)
    elif mode == "silent-tls":
        n, cafile = int(args[0]), args[1]
        ctx = ssl.create_default_context(cafile=cafile)
        socks = [ctx.wrap_socket(socket.create_connection((host, port)),
                                 server_hostname="localhost") for _ in range(n)]
        closed, last = watch_closed(socks, float(args[2]) if len(args) > 2 else 60)
        print("closed %d/%d max %.2f" % (closed, n, last), flush=True)
    elif mode == "silent-ws":
        n = int(args[0])
        conns = [rawws.open_ws(host, port) for _ in range(n)]
        # Never reading means never answering the server's pings.
        closed, last = watch_closed([c.sock for c in conns],
                                    float(args[1]) if len(args) > 1 else 60)
        print("closed %d/%d max %.2f" % (closed, n, last), flush=True)
    elif mode == "pong-ws":
        n, seconds = int(args[0]), float(args[1])
        conns = [rawws.open_ws(host, port) for _ in range(n)]
        deadline = time.monotonic() + seconds
        alive = set(range(n))
        while time.monotonic() < deadline and alive:
            for i in list(alive):
                try:
                    # read_message answers pings; nothing else comes.
                    conns[i].read_message(timeout=0.05)
                    alive.discard(i)  # a close or data: not what an idle peer expects
                except TimeoutError:
                    pass
                except (rawws.Closed, OSError):
                    alive.discard(i)
        print("open %d/%d" % (len(alive), n), flush=True)
    elif mode == "burst":
        n = int(args[0])
        conns = [rawws.open_ws(host, port, timeout=30) for _ in range(n)]
        for i, c in enumerate(conns):
            c.send(rawws.encode_frame(rawws.TEXT, b'{"n": %d}' % i))
        echoed = 0
        for i, c in enumerate(conns):
            op, payload = c.read_message(timeout=30)
            if op == rawws.TEXT and payload == b'{"n": %d}' % i:
                echoed += 1
        print("echoed %d/%d" % (echoed, n), flush=True)
    elif mode == "partial":
        n, announced, sent = int(args[0]), int(args[1]), int(args[2])
        conns = [rawws.open_ws(host, port) for _ in range(n)]
        chunk = b"x" * (1 << 20)
        for c in conns:
            # A binary frame announcing `announced` bytes (a zero mask key
            # leaves the payload as sent); the payload follows in chunks.
            c.send(bytes([0x82, 0x80 | 127]) + announced.to_bytes(8, "big") + b"\0\0\0\0")
        for _ in range(0, sent, len(chunk)):
            for c in conns:
                try:
                    c.send(chunk)
                except OSError:
                    pass
        wait = float(args[3]) if len(args) > 3 else 30
        deadline = time.monotonic() + wait
        codes = []
        for c in conns:
            try:
                code = c.wait_closed(timeout=max(0.01, deadline - time.monotonic()))
                codes.append(str(code))
            except TimeoutError:
                codes.append("none")
        print("codes " + " ".join(codes), flush=True)
        if len(args) > 4 and args[4] == "hold":
            time.sleep(600)
    elif mode == "refused":
        n = int(args[0])
        upgraded = refused = 0
        keep = []
        for _ in range(n):
            try:
                keep.append(rawws.open_ws(host, port, timeout=5))
                upgraded += 1
            except (rawws.Closed, ConnectionResetError, BrokenPipeError, ValueError,
                    TimeoutError, OSError):
                refused += 1
        print("upgraded %d refused %d" % (upgraded, refused), flush=True)
        time.sleep(float(args[1]) if len(args) > 1 else 0)
    else:
        print("unknown mode " + mode, file=sys.stderr)
        return 2
    return 0


sys.exit(main())
