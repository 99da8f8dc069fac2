#!/usr/bin/env python3
"""HTTP/1.1 test server for http_client (Python's http.server, keep-alive).

usage: py_http_server.py MODE [--tls CERT KEY]
Prints "port N" once listening on 127.0.0.1 (a free port), then serves until
killed. Every answer is JSON describing what arrived:
  {"method", "path", "headers": {lower-case name: values joined by ", "}, "body": text,
   "connection": n (1-based index of the TCP connection), "chunked": bool,
   "max_active": most requests in progress at once so far}
MODE:
  echo   200 with the description
  slow   waits 0.5 s, then as echo (concurrency tests)
  hang   never answers (timeout tests)
  error  500 with the description
  close  sends headers announcing 100 bytes, 5 of them, then closes
  idle_close  as echo (keep-alive announced), then closes the connection
         0.2 s after answering, as a server's idle timeout does
  linger prints "request PATH" when a request arrived, waits 2 s, then prints
         "client gone" if the client closed the connection meanwhile, else
         answers as echo and prints "answered" (graceful-stop tests)
"""
import json
import select
import socket
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

mode = sys.argv[1]
lock = threading.Lock()
state = {"connections": 0, "active": 0, "max_active": 0}
say_lock = threading.Lock()


def say(line):
    """Prints one whole line: print() writes its arguments, separators and
    the newline one by one, so lines of concurrent handlers interleaved
    ("requestrequest /slow /slow") and a test counting lines missed them."""
    with say_lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def client_closed(sock):
    """Whether the peer closed its side: readable with nothing to read."""
    readable, _, _ = select.select([sock], [], [], 0)
    if not readable:
        return False
    try:
        return sock.recv(1, socket.MSG_PEEK) == b""
    except OSError:
        return True


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        with lock:
            state["connections"] += 1
            self.connection_index = state["connections"]

    def log_message(self, *args):
        pass

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = b""
            while True:
                size = int(self.rfile.readline().strip().split(b";")[0], 16)
                if size == 0:
                    self.rfile.readline()
                    return data, True
                data += self.rfile.read(size)
                self.rfile.readline()
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n), False

    def answer(self):
        with lock:
            state["active"] += 1
            state["max_active"] = max(state["max_active"], state["active"])
        try:
            body, chunked = self.read_body()
            if mode == "slow":
                time.sleep(0.5)
            if mode == "linger":
                say("request " + self.path)
                time.sleep(2)
                if client_closed(self.connection):
                    say("client gone")
                    self.close_connection = True
                    return
            if mode == "hang":
                time.sleep(3600)
            if mode == "close":
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", "100")
                self.end_headers()
                self.wfile.write(b"short")
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(2)
                return
            with lock:
                max_active = state["max_active"]
            headers = {}
            for k, v in self.headers.items():
                k = k.lower()
                headers[k] = headers[k] + ", " + v if k in headers else v
            out = json.dumps({
                "method": self.command,
                "path": self.path,
                "headers": headers,
                "body": body.decode("utf-8", "replace"),
                "connection": self.connection_index,
                "chunked": chunked,
                "max_active": max_active,
            }).encode()
            self.send_response(500 if mode == "error" else 200)
            self.send_header("Content-Type", "application/json")
            self.send_header("X-Test", "one")
            self.send_header("X-Test", "two")
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)
            self.wfile.flush()
            if mode == "idle_close":
                time.sleep(0.2)
                self.close_connection = True
                return
            if mode == "linger":
                say("answered")
        finally:
            with lock:
                state["active"] -= 1

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = answer


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
if len(sys.argv) >= 5 and sys.argv[2] == "--tls":
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(sys.argv[3], sys.argv[4])
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
print("port", server.server_address[1], flush=True)
server.serve_forever()
