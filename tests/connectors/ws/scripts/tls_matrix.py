#!/usr/bin/python3
"""TLS matrix of ws_server and ws_client in a running temblor: good,
expired, wrong host, unknown CA, missing/garbage/mismatched key, plain to
TLS and TLS to plain, a stalled handshake, TLS below 1.2. Every failure
must be clean: temblor keeps running, and its log names the connector
(`[flow::alias]`) and the reason.
Usage: tls_matrix.py TEMBLOR"""
import os
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from wslib import PEERS, PYTHON, Temblor, check, fail, free_ports, wait_until  # noqa: E402

sys.path.insert(0, PEERS)
import rawws  # noqa: E402

HANDSHAKE_MS = 1000
# TLS 1.0/1.1 are deprecated: that is the point of the cases that use them.
warnings.filterwarnings("ignore", category=DeprecationWarning)


def cert(work, name, *args):
    subprocess.run([PYTHON, os.path.join(PEERS, "make_cert.py"), os.path.join(work, name)] +
                   list(args), check=True)
    return os.path.join(work, name + ".cert.pem"), os.path.join(work, name + ".key.pem")


class Server(threading.Thread):
    """A WebSocket server for ws_client to meet: TLS (with `tls_max` as the
    highest version) or plain, or `stalled` (accepts TCP, says nothing)."""

    def __init__(self, cert_key=None, tls_max=None, stalled=False):
        super().__init__(daemon=True)
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.ctx = None
        self.stalled = stalled
        self.held = []
        if cert_key:
            self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self.ctx.load_cert_chain(*cert_key)
            if tls_max:
                self.ctx.set_ciphers("DEFAULT@SECLEVEL=0")
                self.ctx.minimum_version = ssl.TLSVersion.TLSv1
                self.ctx.maximum_version = tls_max
        self.start()

    def run(self):
        while True:
            try:
                sock, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(sock)
            if self.stalled:
                continue
            threading.Thread(target=self.serve, args=(sock,), daemon=True).start()

    def serve(self, sock):
        try:
            if self.ctx:
                sock = self.ctx.wrap_socket(sock, server_side=True)
            else:
                # Like any HTTP server: something that is not a request gets a 400.
                sock.settimeout(30)
                first = sock.recv(3, socket.MSG_PEEK)
                if first != b"GET":
                    sock.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
                    sock.close()
                    return
            conn = rawws.Conn(sock)
            rawws.accept_upgrade(conn, timeout=30)
            while True:
                conn.read_frame(timeout=600)
        except Exception:  # noqa: BLE001 - the client's failure is what we test
            pass


def server_flow(name, port, config):
    return """define flow %s
flow
  use tremor::pipelines;
  define connector server from ws_server
  with codec = "binary", config = {"url": "127.0.0.1:%d", "handshake_timeout_ms": %d%s} end;
  create connector server;
  create pipeline echo from pipelines::passthrough;
  connect /connector/server to /pipeline/echo;
  connect /pipeline/echo to /connector/server;
end;
deploy flow %s;
""" % (name, port, HANDSHAKE_MS, config, name)


def client_flow(name, url, config):
    return """define flow %s
flow
  use tremor::pipelines;
  define connector client from ws_client
  with codec = "binary", config = {"url": "%s", "handshake_timeout_ms": %d%s} end;
  create connector client;
  create pipeline echo from pipelines::passthrough;
  connect /connector/client to /pipeline/echo;
  connect /pipeline/echo to /connector/client;
end;
deploy flow %s;
""" % (name, url, HANDSHAKE_MS, config, name)


def tls_config(c, k):
    return ', "tls": {"cert": "%s", "key": "%s"}' % (c, k)


def python_client(port, cafile=None, tls_max=None, tls_min=None):
    """Returns 'upgraded' or the reason the handshake failed."""
    try:
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        if cafile is not None:
            ctx = ssl.create_default_context(cafile=cafile)
            if tls_max or tls_min:
                ctx.set_ciphers("DEFAULT@SECLEVEL=0")
                ctx.minimum_version = tls_min or ssl.TLSVersion.TLSv1
                ctx.maximum_version = tls_max or ssl.TLSVersion.TLSv1_3
            sock = ctx.wrap_socket(sock, server_hostname="localhost")
        conn = rawws.Conn(sock)
        status, _ = rawws.handshake(conn)
        conn.close()
        return "upgraded" if status == 101 else "status %d" % status
    except (ssl.SSLError, OSError, rawws.Closed, ValueError) as e:
        return "%s: %s" % (type(e).__name__, e)


def main():
    binary = os.path.abspath(sys.argv[1])
    work = tempfile.mkdtemp(prefix="temblor-tls-")
    ca = cert(work, "ca", "--cn", "Temblor test CA", "--is-ca")
    ca_prefix = os.path.join(work, "ca")
    good = cert(work, "good", "--ca", ca_prefix, "--san", "DNS:localhost", "--san", "IP:127.0.0.1")
    expired = cert(work, "expired", "--ca", ca_prefix, "--san", "DNS:localhost", "--valid-from",
                   "-10", "--valid-to", "-1")
    elsewhere = cert(work, "elsewhere", "--ca", ca_prefix, "--cn", "elsewhere.example", "--san",
                     "DNS:elsewhere.example")
    stranger = cert(work, "stranger", "--san", "DNS:localhost")
    other = cert(work, "other", "--san", "DNS:localhost")
    garbage = os.path.join(work, "garbage.pem")
    with open(garbage, "w") as f:
        f.write("not PEM at all\n")
    missing = os.path.join(work, "missing.pem")

    ports = free_ports(8)
    servers = {  # ws_server cases: flow name -> (port, config)
        "s_good": (ports[0], tls_config(*good)),
        "s_expired": (ports[1], tls_config(*expired)),
        "s_missing_key": (ports[2], tls_config(good[0], missing)),
        "s_garbage_key": (ports[3], tls_config(good[0], garbage)),
        "s_mismatched_key": (ports[4], tls_config(good[0], other[1])),
        "s_garbage_cert": (ports[5], tls_config(garbage, good[1])),
        "s_plain": (ports[6], ""),
    }
    peers = {
        "good": Server(good), "expired": Server(expired), "elsewhere": Server(elsewhere),
        "stranger": Server(stranger), "plain": Server(), "stalled": Server(stalled=True),
        "tls11": Server(good, tls_max=ssl.TLSVersion.TLSv1_1),
    }
    ca_only = ', "tls": {"cafile": "%s"}' % ca[0]
    clients = {  # ws_client cases: flow name -> (url, config)
        "c_good": ("wss://localhost:%d" % peers["good"].port, ca_only),
        "c_expired": ("wss://localhost:%d" % peers["expired"].port, ca_only),
        "c_wrong_host": ("wss://localhost:%d" % peers["elsewhere"].port, ca_only),
        "c_unknown_ca": ("wss://localhost:%d" % peers["stranger"].port, ca_only),
        "c_missing_key": ("wss://localhost:%d" % peers["good"].port,
                          ', "tls": {"cafile": "%s", "cert": "%s", "key": "%s"}' % (ca[0], good[0], missing)),
        "c_garbage_key": ("wss://localhost:%d" % peers["good"].port,
                          ', "tls": {"cafile": "%s", "cert": "%s", "key": "%s"}' % (ca[0], good[0], garbage)),
        "c_mismatched_key": ("wss://localhost:%d" % peers["good"].port,
                             ', "tls": {"cafile": "%s", "cert": "%s", "key": "%s"}' % (ca[0], good[0], other[1])),
        "c_tls_to_plain": ("wss://localhost:%d" % peers["plain"].port, ca_only),
        "c_plain_to_tls": ("ws://localhost:%d" % peers["good"].port, ""),
        "c_stalled": ("wss://localhost:%d" % peers["stalled"].port, ca_only),
        "c_tls_1_1": ("wss://localhost:%d" % peers["tls11"].port, ca_only),
    }
    troy = "".join(server_flow(n, p, c) for n, (p, c) in servers.items())
    troy += "".join(client_flow(n, u, c) for n, (u, c) in clients.items())
    # Debug: ws_server says why a client's handshake failed at debug level
    # (hostile clients must not flood the log).
    t = Temblor(binary, troy, log_level="debug", workdir=work)
    rows = []

    def expect_log(case, *needles, flow=None):
        flow = flow or case
        alias = "[%s::%s]" % (flow, "server" if flow.startswith("s_") else "client")
        def found():
            return any(alias in line and all(n in line for n in needles)
                       for line in t.stderr().splitlines())
        wait_until(lambda: found() or not t.alive(), 20, "%s: a log line with %s" % (alias, needles))
        check(t.alive(), "temblor exited:\n" + t.stderr())
        line = next(line for line in t.stderr().splitlines()
                    if alias in line and all(n in line for n in needles))
        rows.append((case, line.split("] ", 1)[1][:150]))

    try:
        wait_until(lambda: not t.alive() or t.count("listening on") >= 3, 30, "the servers")
        # ws_server
        expect_log("s_good", "listening on wss://")
        check(python_client(ports[0], ca[0]) == "upgraded", "s_good: a TLS client is refused")
        expect_log("s_expired", "tls: certificate file", "expired on")
        why = python_client(ports[1], ca[0])
        check("certificate has expired" in why, "s_expired: the client said " + why)
        expect_log("s_missing_key", "connect failed", "`tls.key`: cannot read file", missing)
        expect_log("s_garbage_key", "connect failed", "`tls.key`: cannot load private key file")
        expect_log("s_mismatched_key", "connect failed", "does not match certificate file")
        expect_log("s_garbage_cert", "connect failed", "`tls.cert`: cannot load certificate file")
        why = python_client(ports[0])  # plain to TLS
        check(why != "upgraded", "plain client upgraded on the TLS server")
        expect_log("s_plain_to_tls", "handshake failed", "http request", flow="s_good")
        why = python_client(ports[6], ca[0])  # TLS to plain
        check(why != "upgraded", "TLS client upgraded on the plain server")
        expect_log("s_tls_to_plain", "handshake took longer than %d ms" % HANDSHAKE_MS, flow="s_plain")
        stalled = socket.create_connection(("127.0.0.1", ports[0]))
        stalled.settimeout(HANDSHAKE_MS / 1000 + 3)
        start = time.monotonic()
        check(stalled.recv(1) == b"", "a stalled handshake was not closed")
        check(time.monotonic() - start < HANDSHAKE_MS / 1000 + 2, "s_stalled: closed late")
        expect_log("s_stalled", "handshake took longer than %d ms" % HANDSHAKE_MS, flow="s_good")
        why = python_client(ports[0], ca[0], tls_max=ssl.TLSVersion.TLSv1_1)
        check(why != "upgraded", "s_tls_1_1: a TLS 1.1 client was accepted")
        expect_log("s_tls_1_1", "handshake failed", "sent TLS alert `protocol version`", flow="s_good")
        check(python_client(ports[0], ca[0], tls_min=ssl.TLSVersion.TLSv1_2,
                            tls_max=ssl.TLSVersion.TLSv1_2) == "upgraded", "TLS 1.2 refused")
        check(python_client(ports[0], ca[0]) == "upgraded", "s_good stopped serving")
        # ws_client
        expect_log("c_good", "connected to wss://localhost")
        expect_log("c_expired", "connect failed", "certificate has expired")
        expect_log("c_wrong_host", "connect failed", "hostname mismatch", "`localhost`")
        expect_log("c_unknown_ca", "connect failed", "unknown CA", ca[0])
        expect_log("c_missing_key", "connect failed", "`tls.key`: cannot read file", missing)
        expect_log("c_garbage_key", "connect failed", "`tls.key`: cannot load private key file")
        expect_log("c_mismatched_key", "connect failed", "does not match certificate file")
        expect_log("c_tls_to_plain", "connect failed", "cannot connect to wss://",
                   "the peer does not speak TLS")
        expect_log("c_plain_to_tls", "connect failed", "cannot connect to ws://")
        expect_log("c_stalled", "connect failed", "timed out after %d ms" % HANDSHAKE_MS)
        expect_log("c_tls_1_1", "connect failed", "cannot connect to wss://",
                   "received TLS alert `protocol version`")
        check(t.alive(), "temblor exited")
    finally:
        t.stop()
    width = max(len(r[0]) for r in rows)
    for case, what in rows:
        print("%-*s  %s" % (width, case, what))
    print("ok")


main()
