"""RFC 6455 over raw sockets, for peers that must break the protocol on
purpose: frames with any opcode, reserved bits, masking and length encoding,
handshakes with any headers, and the server side of the opening handshake.
Nothing here is clever: every byte on the wire is spelled out."""
import base64
import hashlib
import os
import socket
import ssl
import struct
import time

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

TEXT, BINARY, CLOSE, PING, PONG, CONT = 0x1, 0x2, 0x8, 0x9, 0xA, 0x0


def accept_key(key):
    return base64.b64encode(hashlib.sha1(key.encode() + GUID).digest()).decode()


def encode_frame(opcode, payload=b"", fin=True, rsv=0, mask=True, mask_key=None,
                 length_code=None):
    """One frame. `rsv` is the 3 reserved bits (0-7); `length_code` forces
    the length encoding (125, 126 or 127) even when a shorter one fits."""
    head = bytes([(0x80 if fin else 0) | (rsv & 7) << 4 | (opcode & 0xF)])
    n = len(payload)
    code = length_code
    if code is None:
        code = n if n < 126 else (126 if n < 65536 else 127)
    mbit = 0x80 if mask else 0
    if code < 126:
        head += bytes([mbit | n])
    elif code == 126:
        head += bytes([mbit | 126]) + struct.pack("!H", n)
    else:
        head += bytes([mbit | 127]) + struct.pack("!Q", n)
    if not mask:
        return head + payload
    key = mask_key if mask_key is not None else os.urandom(4)
    return head + key + apply_mask(key, payload)


def apply_mask(key, payload):
    """XORs `payload` with the 4-byte `key` (masking and unmasking alike);
    one big-integer XOR instead of a Python loop, for large messages."""
    n = len(payload)
    if n == 0:
        return b""
    stream = (key * (n // 4 + 1))[:n]
    return (int.from_bytes(payload, "big") ^ int.from_bytes(stream, "big")).to_bytes(n, "big")


def close_payload(code=None, reason=b""):
    return b"" if code is None else struct.pack("!H", code) + reason


class Closed(Exception):
    """The peer closed the TCP connection."""


class Conn:
    """A connected socket with buffered reads and a deadline per call."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def send(self, data):
        self.sock.sendall(data)

    def recv_exact(self, n, timeout=10):
        deadline = time.monotonic() + timeout
        while len(self.buf) < n:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no data within %.1f s" % timeout)
            self.sock.settimeout(left)
            chunk = self.sock.recv(65536)
            if not chunk:
                raise Closed()
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def recv_until(self, marker, timeout=10, limit=65536):
        deadline = time.monotonic() + timeout
        while marker not in self.buf:
            if len(self.buf) > limit:
                raise ValueError("no %r in the first %d bytes" % (marker, limit))
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no %r within %.1f s" % (marker, timeout))
            self.sock.settimeout(left)
            chunk = self.sock.recv(65536)
            if not chunk:
                raise Closed()
            self.buf += chunk
        at = self.buf.index(marker) + len(marker)
        out, self.buf = self.buf[:at], self.buf[at:]
        return out

    def read_frame(self, timeout=10):
        """Returns (fin, rsv, opcode, masked, mask_key, payload) of the next frame."""
        b0, b1 = self.recv_exact(2, timeout)
        n = b1 & 0x7F
        if n == 126:
            n = struct.unpack("!H", self.recv_exact(2, timeout))[0]
        elif n == 127:
            n = struct.unpack("!Q", self.recv_exact(8, timeout))[0]
        key = self.recv_exact(4, timeout) if b1 & 0x80 else None
        payload = self.recv_exact(n, timeout) if n else b""
        if key:
            payload = apply_mask(key, payload)
        return bool(b0 & 0x80), (b0 >> 4) & 7, b0 & 0xF, key is not None, key, payload

    def read_message(self, timeout=10, answer_pings=True):
        """Returns (opcode, payload) of the next data message (fragments
        joined) or of a close frame; answers pings on the way."""
        parts = []
        first = None
        while True:
            fin, _, op, _, _, payload = self.read_frame(timeout)
            if op == PING and answer_pings:
                self.send(encode_frame(PONG, payload, mask=self.is_client))
                continue
            if op in (CLOSE, PING, PONG):
                return op, payload
            if first is None:
                first = op
            parts.append(payload)
            if fin:
                return first, b"".join(parts)

    def wait_closed(self, timeout=10):
        """Reads until the peer closes TCP; returns the close code it sent
        (1005 for an empty close frame, None when no close frame came).
        Raises TimeoutError when neither a close frame nor the end of the
        connection came in time."""
        code = None
        deadline = time.monotonic() + timeout
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    if code is not None:
                        return code  # closed on the wire, TCP still draining
                    raise TimeoutError("still open after %.1f s" % timeout)
                try:
                    fin, _, op, _, _, payload = self.read_frame(left)
                except TimeoutError:
                    if code is not None:
                        return code
                    raise
                if op == CLOSE and code is None:
                    code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
                    try:
                        self.send(encode_frame(CLOSE, payload[:2], mask=self.is_client))
                    except OSError:
                        pass
        except (Closed, ConnectionResetError, BrokenPipeError, ssl.SSLError, OSError) as e:
            if isinstance(e, TimeoutError):
                raise
            return code

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    is_client = True


def connect(host, port, tls_ca=None, server_name="localhost", timeout=10):
    sock = socket.create_connection((host, port), timeout=timeout)
    if tls_ca is not None:
        ctx = ssl.create_default_context(cafile=tls_ca)
        sock = ctx.wrap_socket(sock, server_hostname=server_name)
    return Conn(sock)


def handshake(conn, host="127.0.0.1", path="/", key=None, version="13", extra=None,
              raw_headers=None):
    """Sends an upgrade request and returns (status, headers dict lower-case).
    `raw_headers` replaces every header line after the request line."""
    key = key if key is not None else base64.b64encode(os.urandom(16)).decode()
    if raw_headers is None:
        lines = ["Host: " + host, "Upgrade: websocket", "Connection: Upgrade",
                 "Sec-WebSocket-Key: " + key]
        if version is not None:
            lines.append("Sec-WebSocket-Version: " + version)
        lines += extra or []
        head = ("GET %s HTTP/1.1\r\n" % path + "\r\n".join(lines) + "\r\n\r\n").encode()
    else:
        head = b"GET " + path.encode() + b" HTTP/1.1\r\n" + raw_headers + b"\r\n\r\n"
    conn.send(head)
    response = conn.recv_until(b"\r\n\r\n").decode("latin-1")
    status_line, *header_lines = response.split("\r\n")
    status = int(status_line.split()[1])
    headers = {}
    for line in header_lines:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    if status == 101 and headers.get("sec-websocket-accept") != accept_key(key):
        raise ValueError("wrong Sec-WebSocket-Accept")
    return status, headers


def open_ws(host, port, tls_ca=None, timeout=10):
    conn = connect(host, port, tls_ca=tls_ca, timeout=timeout)
    status, _ = handshake(conn, host)
    if status != 101:
        raise ValueError("handshake answered %d" % status)
    return conn


def accept_upgrade(conn, timeout=10):
    """Server side: reads an upgrade request, answers 101; returns the
    request's headers (lower-case names)."""
    request = conn.recv_until(b"\r\n\r\n", timeout).decode("latin-1")
    headers = {}
    for line in request.split("\r\n")[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    key = headers.get("sec-websocket-key", "")
    conn.send(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
               "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n"
               % accept_key(key)).encode())
    conn.is_client = False
    return headers
