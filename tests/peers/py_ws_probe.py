#!/usr/bin/python3
"""Sends one malformed opening handshake or frame to a WebSocket server and
prints how it answered.
Usage: py_ws_probe.py HOST PORT KIND
  key-short | key-long | key-not-base64 | version-8 | no-version | nul-header
      -> `status N` (plus ` version V` when Sec-WebSocket-Version came back)
  non-minimal-16 | non-minimal-64 -> `close N` (the close code the server sent)
  good -> `status 101`"""
import base64
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rawws  # noqa: E402


def main():
    host, port, kind = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    conn = rawws.connect(host, port)
    keys = {
        "key-short": base64.b64encode(os.urandom(15)).decode(),
        "key-long": base64.b64encode(os.urandom(17)).decode(),
        "key-not-base64": "!!!!!!!!!!!!!!!!!!!!!!==",
    }
    if kind in keys:
        status, headers = rawws.handshake(conn, host, key=keys[kind])
    elif kind == "version-8":
        status, headers = rawws.handshake(conn, host, version="8")
    elif kind == "no-version":
        status, headers = rawws.handshake(conn, host, version=None)
    elif kind == "nul-header":
        key = base64.b64encode(os.urandom(16))
        raw = (b"Host: " + host.encode() + b"\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               b"Sec-WebSocket-Key: " + key + b"\r\nSec-WebSocket-Version: 13\r\n"
               b"X-Probe: a\0b")
        status, headers = rawws.handshake(conn, host, raw_headers=raw)
    elif kind in ("good", "non-minimal-16", "non-minimal-64"):
        status, headers = rawws.handshake(conn, host)
        if kind != "good":
            code = 126 if kind == "non-minimal-16" else 127
            conn.send(rawws.encode_frame(rawws.TEXT, b"hello", length_code=code))
            print("close %s" % conn.wait_closed(timeout=10), flush=True)
            return 0
    else:
        print("unknown kind " + kind, file=sys.stderr)
        return 2
    line = "status %d" % status
    if "sec-websocket-version" in headers:
        line += " version " + headers["sec-websocket-version"]
    print(line, flush=True)
    return 0


sys.exit(main())
