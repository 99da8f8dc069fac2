#!/usr/bin/python3
"""UDP peer for the udp connector tests, on loopback.

  py_udp_peer.py recv --v4|--v6 P [READY]
                                    binds port P (0: any), prints `port N` (and
                                    creates the file READY), then one line
                                    `from HOST PORT LEN HEX` per datagram
                                    (for 60 s)
  py_udp_peer.py send PORT HEX...   sends each HEX payload as one datagram
                                    from one socket, then prints `sent N`
  py_udp_peer.py flood PORT N SIZE  sends N datagrams of SIZE bytes as fast
                                    as it can, then prints `sent N`
  py_udp_peer.py paced PORT N SIZE RATE
                                    sends N datagrams of SIZE bytes, numbered
                                    (`#k` then padding), RATE a second, then
                                    prints `sent N`
"""
import socket
import sys
import time


def recv(v6, port, ready=None):
    family, host = (socket.AF_INET6, "::1") if v6 else (socket.AF_INET, "127.0.0.1")
    sock = socket.socket(family, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    sock.bind((host, port))
    print(f"port {sock.getsockname()[1]}", flush=True)
    if ready:
        open(ready, "w").close()
    sock.settimeout(1.0)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            data, peer = sock.recvfrom(70000)
        except socket.timeout:
            continue
        print(f"from {peer[0]} {peer[1]} {len(data)} {data.hex()}", flush=True)


def send(port, payloads):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for p in payloads:
        sock.sendto(bytes.fromhex(p), ("127.0.0.1", port))
    print(f"sent {len(payloads)}", flush=True)


def flood(port, n, size):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    data = b"x" * size
    for _ in range(n):
        sock.sendto(data, ("127.0.0.1", port))
    print(f"sent {n}", flush=True)


def paced(port, n, size, rate):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    start = time.monotonic()
    for k in range(n):
        due = start + k / rate
        while time.monotonic() < due:
            time.sleep(0.0005)
        head = f"#{k} ".encode()
        sock.sendto(head + b"x" * max(0, size - len(head)), ("127.0.0.1", port))
    print(f"sent {n}", flush=True)


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "recv":
        recv(sys.argv[2] == "--v6", int(sys.argv[3]), sys.argv[4] if len(sys.argv) > 4 else None)
    elif mode == "send":
        send(int(sys.argv[2]), sys.argv[3:])
    elif mode == "flood":
        flood(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
    elif mode == "paced":
        paced(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]))
