#!/usr/bin/env python3
"""Clients for http_server tests that curl cannot play (Python's
http.client and raw sockets). usage: py_http_probe.py SCENARIO PORT [ARGS]
Prints one result line per finding; see each scenario.
"""
import http.client
import socket
import ssl
import sys
import threading
import time

scenario, port = sys.argv[1], int(sys.argv[2])
args = sys.argv[3:]


def raw(timeout=10):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    return s


def read_all(s):
    data = b""
    while True:
        try:
            chunk = s.recv(65536)
        except (ConnectionResetError, socket.timeout):
            break
        if not chunk:
            break
        data += chunk
    return data


if scenario == "keepalive":
    # N sequential JSON POSTs on one connection; prints "ok K local_ports P".
    n = int(args[0])
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    ok, ports = 0, set()
    for i in range(n):
        c.request("POST", "/k", body=('{"i": %d}' % i).encode(),
                  headers={"Content-Type": "application/json"})
        r = c.getresponse()
        body = r.read()
        ports.add(c.sock.getsockname()[1])
        if r.status == 201 and body == ('{"i":%d}' % i).encode():
            ok += 1
    print("ok", ok, "local_ports", len(ports), flush=True)

elif scenario == "concurrent":
    # N clients at once, each its own connection and a text POST; prints "ok K".
    n = int(args[0])
    results = [False] * n
    barrier = threading.Barrier(n)

    def one(i):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            c.connect()
            barrier.wait(timeout=30)
            text = "client %d" % i
            c.request("PUT", "/c/%d" % i, body=text.encode(),
                      headers={"Content-Type": "text/plain"})
            r = c.getresponse()
            results[i] = r.status == 200 and r.read() == text.encode()
        except Exception as e:  # noqa: BLE001 - any failure is a failed client
            print("client", i, "failed:", e, file=sys.stderr)
    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("ok", sum(results), flush=True)

elif scenario == "pipeline":
    # N GETs in one write; prints the response paths in the order they came.
    n = int(args[0])
    s = raw()
    reqs = b"".join(b"GET /p/%d HTTP/1.1\r\nHost: x\r\n\r\n" % i for i in range(n))
    s.sendall(reqs)
    f = s.makefile("rb")
    order = []
    for _ in range(n):
        status = f.readline()
        length = 0
        while True:
            line = f.readline()
            if line in (b"\r\n", b""):
                break
            k, _, v = line.decode().partition(":")
            if k.lower() == "content-length":
                length = int(v)
        order.append(f.read(length).decode())
    print("order", " ".join(order), flush=True)

elif scenario == "slowloris":
    # Sends a request line and one header, then trickles a byte a second;
    # prints "status S after T" (what the server answered and when).
    s = raw(timeout=30)
    start = time.time()
    s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
    s.settimeout(1.0)
    data = b""
    while time.time() - start < 25:
        try:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        except socket.timeout:
            try:
                s.sendall(b"X")
            except OSError:
                break
    status = data.split(b" ")[1].decode() if data.startswith(b"HTTP/1.1") else "none"
    print("status", status, "after", round(time.time() - start, 1), flush=True)

elif scenario == "partial-body":
    # Announces 100000 bytes, sends 10 and goes away; prints "sent".
    s = raw()
    s.sendall(b"POST /x HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
              b"Content-Length: 100000\r\n\r\n0123456789")
    time.sleep(0.2)
    s.close()
    print("sent", flush=True)

elif scenario == "hold-partial":
    # Opens N connections that each announce a body of B bytes and send half
    # of it, then waits for stdin to close; prints each answer's status.
    n, b = int(args[0]), int(args[1])
    socks = []
    for _ in range(n):
        s = raw()
        s.sendall(b"POST /x HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
                  b"Content-Length: %d\r\n\r\n" % b + b"x" * (b // 2))
        socks.append(s)
    for s in socks:
        s.settimeout(2)
        try:
            data = s.recv(4096)
            print("status", data.split(b" ")[1].decode() if data else "closed", flush=True)
        except socket.timeout:
            print("status waiting", flush=True)
    sys.stdin.read()

elif scenario == "noread":
    # Sends N requests without reading answers, then waits until the server
    # closes the connection; prints "closed after T".
    n = int(args[0])
    s = raw(timeout=60)
    start = time.time()
    try:
        for i in range(n):
            s.sendall(b"GET /big/%d HTTP/1.1\r\nHost: x\r\n\r\n" % i)
    except OSError:
        pass
    s.settimeout(60)
    try:
        time.sleep(1)  # let the responses pile up unread
        while s.recv(65536):
            pass
    except OSError:
        pass
    print("closed after", round(time.time() - start, 1), flush=True)

elif scenario == "idle":
    # Opens a connection and sends nothing (no request, no TLS handshake);
    # prints "closed after T".
    s = raw(timeout=60)
    start = time.time()
    read_all(s)
    print("closed after", round(time.time() - start, 1), flush=True)

elif scenario == "chunked-response":
    # One GET; prints the transfer-encoding and the body.
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    c.request("GET", "/stream")
    r = c.getresponse()
    print("te", r.getheader("Transfer-Encoding"), "body", r.read().decode(), flush=True)

elif scenario == "urllib":
    # urllib: a JSON POST; prints status and body.
    import urllib.request
    req = urllib.request.Request("http://127.0.0.1:%d/u" % port, data=b'{"via": "urllib"}',
                                 headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(req, timeout=10) as r:
        print("status", r.status, "body", r.read().decode(), flush=True)

elif scenario == "tls-version":
    # Tries a TLS handshake capped at version ARG (1.1 or 1.2); prints "ok" or "refused".
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
    ctx.maximum_version = ssl.TLSVersion.TLSv1_1 if args[0] == "1.1" else ssl.TLSVersion.TLSv1_2
    try:
        ctx.set_ciphers("ALL:@SECLEVEL=0")
        with ctx.wrap_socket(raw(), server_hostname="localhost") as t:
            print("ok", t.version(), flush=True)
    except (ssl.SSLError, OSError) as e:
        print("refused", type(e).__name__, flush=True)

else:
    sys.exit("unknown scenario " + scenario)
