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
"""
import json
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

mode = sys.argv[1]
lock = threading.Lock()
state = {"connections": 0, "active": 0, "max_active": 0}


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
