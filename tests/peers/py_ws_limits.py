#!/usr/bin/python3
"""Raw WebSocket client that breaks the protocol's limits on purpose and
prints the close code the server answers with.
Usage: py_ws_limits.py HOST PORT (too-big|bad-utf8|stall|flood)
`stall` sends one text frame "stalled", prints `sent`, then never reads
(a slow client) until killed. `flood` sends 2,000 messages of 64 KiB
(128 MiB of echoes to come), prints `sent 2000`, and never reads either."""
import base64
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rawws  # noqa: E402


def frame(opcode, payload_len, payload):
    mask = os.urandom(4)
    head = bytes([0x80 | opcode])
    if payload_len < 126:
        head += bytes([0x80 | payload_len])
    elif payload_len < 65536:
        head += bytes([0x80 | 126]) + struct.pack("!H", payload_len)
    else:
        head += bytes([0x80 | 127]) + struct.pack("!Q", payload_len)
    return head + mask + rawws.apply_mask(mask, payload)


def read_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise EOFError("connection closed before the close frame")
        data += chunk
    return data


def main():
    host, port, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    sock = socket.create_connection((host, port), timeout=10)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET / HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
                  f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                  "Sec-WebSocket-Version: 13\r\n\r\n").encode())
    response = b""
    while b"\r\n\r\n" not in response:
        response += sock.recv(4096)
    if b" 101 " not in response.split(b"\r\n")[0]:
        print("handshake failed", file=sys.stderr)
        return 1
    if mode == "flood":
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        payload = b"x" * 65536
        for _ in range(2000):
            sock.sendall(frame(0x2, len(payload), payload))
        print("sent 2000", flush=True)
        time.sleep(600)
        return 0
    if mode == "stall":
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.sendall(frame(0x1, 7, b"stalled"))
        print("sent", flush=True)
        time.sleep(60)
        return 0
    if mode == "too-big":
        # Announce one byte more than 64 MiB; the server must refuse it from
        # the header alone, so only a little payload is sent.
        sock.sendall(frame(0x2, 64 * 1024 * 1024 + 1, b"x" * 1024)[: 14 + 1024])
    else:
        sock.sendall(frame(0x1, 4, b"\xff\xfe\xfd\xfc"))
    while True:
        b0, b1 = read_exact(sock, 2)
        length = b1 & 0x7F
        if length == 126:
            length = struct.unpack("!H", read_exact(sock, 2))[0]
        elif length == 127:
            length = struct.unpack("!Q", read_exact(sock, 8))[0]
        payload = read_exact(sock, length)
        if b0 & 0x0F == 0x8:
            code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
            print(f"close {code}")
            return 0


sys.exit(main())
