#!/usr/bin/python3
"""A wss client checks the name in the server's certificate, not just the
CA's signature. A Python TLS peer (raw ssl + a minimal WebSocket upgrade)
serves certificates that one CA signed, for different names; temblor's
ws_client connects with that CA as its only trust anchor:
  ip-match       wss://127.0.0.1, SAN IP:127.0.0.1          -> a message arrives
  ip-mismatch    wss://127.0.0.1, SAN DNS:localhost, IP:127.0.0.2
                                                            -> rejected (IP SAN check)
  host-match     wss://localhost, SAN DNS:localhost         -> a message arrives
  host-mismatch  wss://localhost, SAN DNS:other.test        -> rejected (host name check)
A rejection must show on both sides: the peer sees its handshake refused
and no message, temblor's log names the alias and the reason.
Usage: tls_peer_names.py TEMBLOR_BINARY [CASE...]"""
import base64
import hashlib
import os
import socket
import ssl
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "qos"))
from qos_lib import check, fail, temblor_process, wait_until, work_dir  # noqa: E402

CASES = {
    "ip-match": ("127.0.0.1", "IP:127.0.0.1", None),
    "ip-mismatch": ("127.0.0.1", "DNS:localhost,IP:127.0.0.2", "IP address mismatch"),
    "host-match": ("localhost", "DNS:localhost", None),
    "host-mismatch": ("localhost", "DNS:other.test", "hostname mismatch"),
}

FLOW = """
define flow names
flow
  use tremor::pipelines;
  use std::time::nanos;
  define connector ticks from metronome with config = {"interval": nanos::from_millis(50)} end;
  define connector client from ws_client
  with
    codec = "json",
    config = {"url": "wss://%(host)s:%(port)d", "tls": {"cafile": "%(ca)s"}},
    reconnect = {"retry": {"interval_ms": 200, "growth_rate": 1, "randomized": false}}
  end;
  create connector ticks;
  create connector client;
  create pipeline pass from pipelines::passthrough;
  connect /connector/ticks to /pipeline/pass;
  connect /pipeline/pass to /connector/client;
end;
deploy flow names;
"""


def openssl(*args, cwd):
    subprocess.run(["openssl"] + list(args), cwd=cwd, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def make_ca(cwd):
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
            "-days", "2", "-subj", "/CN=temblor test CA", cwd=cwd)


def make_server_cert(cwd, name, san):
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr",
            "-subj", "/CN=temblor test server", cwd=cwd)
    with open(os.path.join(cwd, name + ".ext"), "w") as f:
        f.write("subjectAltName=%s\nbasicConstraints=CA:FALSE\n" % san)
    openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-days", "2", "-extfile", name + ".ext", "-out", name + ".pem",
            cwd=cwd)


class tls_ws_peer:
    """Accepts TLS connections on 127.0.0.1 (free port); records refused
    handshakes and the payload of the first text frame of each upgraded
    connection."""

    def __init__(self, cert, key):
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(cert, key)
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.listener.settimeout(0.2)
        self.port = self.listener.getsockname()[1]
        self.refused = []
        self.messages = []
        self.stopping = False
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while not self.stopping:
            try:
                raw, _ = self.listener.accept()
            except socket.timeout:
                continue
            raw.settimeout(5)
            try:
                conn = self.ctx.wrap_socket(raw, server_side=True)
            except (ssl.SSLError, OSError) as e:
                self.refused.append(str(e))
                raw.close()
                continue
            try:
                self.upgrade_and_read(conn)
            except (OSError, ValueError):
                pass
            finally:
                conn.close()

    def upgrade_and_read(self, conn):
        request = b""
        while b"\r\n\r\n" not in request:
            chunk = conn.recv(4096)
            if not chunk:
                return
            request += chunk
        key = ""
        for line in request.decode("latin-1").split("\r\n"):
            if line.lower().startswith("sec-websocket-key:"):
                key = line.split(":", 1)[1].strip()
        accept = base64.b64encode(hashlib.sha1(
            (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()).decode()
        conn.sendall(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                      "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n" % accept).encode())
        head = self.read_exactly(conn, 2)
        length = head[1] & 0x7F
        if length == 126:
            length = int.from_bytes(self.read_exactly(conn, 2), "big")
        elif length == 127:
            length = int.from_bytes(self.read_exactly(conn, 8), "big")
        mask = self.read_exactly(conn, 4) if head[1] & 0x80 else b"\0\0\0\0"
        payload = bytes(b ^ mask[i % 4] for i, b in enumerate(self.read_exactly(conn, length)))
        self.messages.append(payload.decode("utf-8", "replace"))

    @staticmethod
    def read_exactly(conn, n):
        data = b""
        while len(data) < n:
            chunk = conn.recv(n - len(data))
            if not chunk:
                raise ValueError("connection closed")
            data += chunk
        return data

    def stop(self):
        self.stopping = True
        self.thread.join()
        self.listener.close()


def run_case(binary, work, name):
    host, san, reason = CASES[name]
    cwd = os.path.join(work, name)
    os.mkdir(cwd)
    make_server_cert(work, name, san)
    peer = tls_ws_peer(os.path.join(work, name + ".pem"), os.path.join(work, name + ".key"))
    with open(os.path.join(cwd, "flow.troy"), "w") as f:
        f.write(FLOW % {"host": host, "port": peer.port, "ca": os.path.join(work, "ca.pem")})
    temblor = temblor_process(binary, cwd, "flow.troy")
    try:
        if reason is None:
            wait_until(lambda: peer.messages, 20, "a message over wss://%s (%s)" % (host, san))
            check(not peer.refused, "%s: handshakes refused: %s" % (name, peer.refused))
            print("%s: wss://%s with SAN %s accepted, got %s" % (name, host, san, peer.messages[0]))
        else:
            # Two refused handshakes: the first attempt and a retry, both rejected.
            wait_until(lambda: len(peer.refused) >= 2, 20,
                       "the client to refuse the certificate twice (wss://%s, SAN %s)" % (host, san))
            wait_until(lambda: reason in temblor.log(), 10, "'%s' in temblor's log" % reason)
            check(not peer.messages, "%s: the client accepted a certificate for %s and sent %s"
                  % (name, san, peer.messages))
            failure = [line for line in temblor.log().splitlines() if reason in line][0]
            check("client" in failure, "the failure does not name the alias: " + failure)
            print("%s: wss://%s with SAN %s refused: %s" % (name, host, san, failure.strip()))
    finally:
        temblor.kill()
        peer.stop()


def main():
    binary = os.path.realpath(sys.argv[1])
    names = sys.argv[2:] or list(CASES)
    work = work_dir()
    make_ca(work)
    for name in names:
        if name not in CASES:
            fail("unknown case %s (known: %s)" % (name, ", ".join(CASES)))
        run_case(binary, work, name)


if __name__ == "__main__":
    main()
