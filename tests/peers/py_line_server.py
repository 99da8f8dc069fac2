#!/usr/bin/python3
"""A TCP line server for the tcp_client tests. Prints `port N` once it
listens, then `line <text>` for every line it reads (bytes that are not
UTF-8 as \\x escapes; over 4 KiB only its length) and `closed` when a connection ends.

  py_line_server.py [--port P] [--echo] [--tls CERT KEY] [--stall]

--echo      writes every line back
--tls       speaks TLS with CERT/KEY (any TLS version >= --min-tls)
--stall     accepts and then neither reads nor answers (a stalled handshake)
SIGTERM (or the line RESTART) restarts gracefully: no new connections, each open one gets a FIN
and is read to its end, so everything a client sent before it saw the FIN
is printed; then `bye` and exit 0."""
import argparse
import signal
import socket
import ssl
import sys
import threading


def show(line):
    # Long lines would fill the pipe of a test that does not read them.
    if len(line) > 4096:
        return f"line <{len(line)} bytes>"
    return "line " + line.decode("utf-8", "backslashreplace")


def say(text):
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def serve(conn, args, stopping):
    buf = b""
    fin_sent = False
    conn.settimeout(0.2)
    while True:
        try:
            chunk = conn.recv(65536)
        except socket.timeout:
            if stopping.is_set() and not fin_sent:
                fin_sent = True
                try:
                    if isinstance(conn, ssl.SSLSocket):
                        conn.unwrap()
                    else:
                        conn.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
            continue
        except (OSError, ssl.SSLError):
            break
        if not chunk:
            break
        buf += chunk
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            say(show(line))
            if line == b"RESTART":
                stopping.set()
            if args.echo:
                conn.sendall(line + b"\n")
    if buf:
        say(show(buf))
    say("closed")
    conn.close()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--echo", action="store_true")
    p.add_argument("--tls", nargs=2)
    p.add_argument("--stall", action="store_true")
    args = p.parse_args()
    ctx = None
    if args.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.tls[0], args.tls[1])
    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", args.port))
    lsock.listen(64)
    lsock.settimeout(0.2)
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    say(f"port {lsock.getsockname()[1]}")
    workers, stalled = [], []
    while not stopping.is_set():
        try:
            conn, _ = lsock.accept()
        except socket.timeout:
            continue
        if args.stall:
            stalled.append(conn)
            continue
        if ctx:
            try:
                conn.settimeout(5)
                conn = ctx.wrap_socket(conn, server_side=True)
            except (OSError, ssl.SSLError) as e:
                say(f"handshake failed {e}")
                conn.close()
                continue
        t = threading.Thread(target=serve, args=(conn, args, stopping))
        t.start()
        workers.append(t)
    lsock.close()
    for t in workers:
        t.join(10)
    say("bye")


main()
