#!/usr/bin/python3
"""A peer for tools/soak/mixed.sh, one process per run; the soak kills it
with SIGKILL, stops it with SIGSTOP and starts it again. Every message it
receives (or, as a sender, sends) is appended as one line to LOG with an
unbuffered write, so the count survives a kill -9 (the page cache keeps it).
  mixed_peer.py ws-server PORT LOG    WebSocket server, logs each message
  mixed_peer.py ws-client URL LOG     WebSocket client, sends numbered
                                      messages, logs each one before sending it
  mixed_peer.py tcp-server PORT LOG   TCP server, logs each line
  mixed_peer.py http-server PORT LOG  HTTP server, logs each request body
Prints "ready" once listening (or connected)."""
import asyncio
import http.server
import json
import os
import socketserver
import sys
import threading
import time

import websockets


def open_log(path):
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)


def log_line(fd, data):
    line = data.replace(b"\n", b" ") + b"\n"
    os.write(fd, line)


def ready():
    print("ready", flush=True)


async def ws_server(port, fd):
    async def handle(ws, path=None):
        try:
            async for msg in ws:
                log_line(fd, msg.encode() if isinstance(msg, str) else msg)
        except websockets.ConnectionClosed:
            pass

    async with websockets.serve(handle, "127.0.0.1", port, max_size=None):
        ready()
        await asyncio.Future()


async def ws_client(url, fd):
    incarnation = "%d-%d" % (os.getpid(), time.time_ns())
    seq = 0
    announced = False
    while True:
        try:
            async with websockets.connect(url, max_size=None) as ws:
                if not announced:
                    ready()
                    announced = True
                while True:
                    msg = json.dumps({"peer": incarnation, "seq": seq})
                    # Logged before it is sent: a kill -9 between the two
                    # must leave the log an upper bound of what was sent.
                    log_line(fd, msg.encode())
                    await ws.send(msg)
                    seq += 1
                    if seq % 20 == 0:
                        await asyncio.sleep(0.01)  # ~2,000 messages/s at most
        except (OSError, websockets.WebSocketException):
            await asyncio.sleep(0.1)


def tcp_server(port, fd):
    class handler(socketserver.StreamRequestHandler):
        def handle(self):
            for line in self.rfile:
                log_line(fd, line.rstrip(b"\n"))

    class server(socketserver.ThreadingTCPServer):
        allow_reuse_address = True
        daemon_threads = True

    with server(("127.0.0.1", port), handler) as s:
        ready()
        s.serve_forever()


def http_server(port, fd):
    class handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            for line in body.splitlines() or [b""]:
                log_line(fd, line)
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_PUT = do_POST

        def log_message(self, *args):
            pass

    class server(http.server.ThreadingHTTPServer):
        allow_reuse_address = True
        daemon_threads = True

    with server(("127.0.0.1", port), handler) as s:
        ready()
        s.serve_forever()


def main():
    kind, where, log = sys.argv[1], sys.argv[2], sys.argv[3]
    fd = open_log(log)
    if kind == "ws-server":
        asyncio.run(ws_server(int(where), fd))
    elif kind == "ws-client":
        asyncio.run(ws_client(where, fd))
    elif kind == "tcp-server":
        tcp_server(int(where), fd)
    elif kind == "http-server":
        http_server(int(where), fd)
    else:
        sys.exit("unknown peer kind " + kind)


if __name__ == "__main__":
    main()
