#!/usr/bin/python3
"""A WebSocket server that breaks the protocol towards its one client.
Usage: py_ws_hostile_server.py MODE
Prints `port N`, accepts one connection, upgrades it, then:
  rsv-then-drop  sends a text frame with RSV1 set, reads the client's close
                 frame, prints `client closed CODE`, and drops TCP without
                 answering it."""
import os
import socket
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rawws  # noqa: E402


def main():
    mode = sys.argv[1]
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(60)
    print("port %d" % listener.getsockname()[1], flush=True)
    sock, _ = listener.accept()
    conn = rawws.Conn(sock)
    rawws.accept_upgrade(conn)
    if mode == "rsv-then-drop":
        conn.send(rawws.encode_frame(rawws.TEXT, b"reserved", rsv=4, mask=False))
        while True:
            _, _, op, _, _, payload = conn.read_frame(timeout=20)
            if op == rawws.CLOSE:
                code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
                print("client closed %d" % code, flush=True)
                break
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.close()  # an RST, no close frame back
    else:
        print("unknown mode " + mode, file=sys.stderr)
        return 2
    return 0


sys.exit(main())
