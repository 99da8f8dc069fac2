#!/usr/bin/python3
"""Raw WebSocket server recording what clients send on the wire: the
Sec-WebSocket-Key of each connection and the masking key of each frame.
Usage: py_ws_capture_server.py CONNECTIONS
Prints `port N`, then for each connection `key <Sec-WebSocket-Key>`, for
each data frame `mask <8 hex digits> <payload>`, and `closed` when the
client leaves; exits after CONNECTIONS connections."""
import os
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rawws  # noqa: E402


def main():
    connections = int(sys.argv[1])
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(60)
    print("port %d" % listener.getsockname()[1], flush=True)
    for _ in range(connections):
        sock, _ = listener.accept()
        conn = rawws.Conn(sock)
        headers = rawws.accept_upgrade(conn)
        print("key " + headers.get("sec-websocket-key", ""), flush=True)
        try:
            while True:
                _, _, op, masked, key, payload = conn.read_frame(timeout=60)
                if op == rawws.CLOSE:
                    conn.send(rawws.encode_frame(rawws.CLOSE, payload[:2], mask=False))
                    break
                if op in (rawws.TEXT, rawws.BINARY):
                    print("mask %s %s" % (key.hex() if masked else "none",
                                          payload.decode("utf-8", "replace")), flush=True)
        except rawws.Closed:
            pass
        print("closed", flush=True)
        conn.close()
    return 0


sys.exit(main())
