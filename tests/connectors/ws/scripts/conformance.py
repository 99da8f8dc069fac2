#!/usr/bin/python3
"""WebSocket conformance of Temblor's ws_server and ws_client, frame by
frame over raw sockets, in the spirit of Autobahn's test suite sections 1-7
and 9 (framing, pings and pongs, reserved bits, opcodes, fragmentation,
UTF-8, close handling, limits). Autobahn itself is not installable here;
these cases are our own.

  conformance.py TEMBLOR server [--full]   we are the client of an echo flow
                                           (ws_server -> passthrough -> ws_server)
  conformance.py TEMBLOR client [--full]   we are a (hostile) server for an echo
                                           flow (ws_client -> passthrough -> ws_client)

Each case is PASS (exactly as RFC 6455 says), NON-STRICT (acceptable, not
exact: e.g. a violation answered by dropping TCP instead of closing with
1002) or FAIL (wrong: invalid data echoed, a violation ignored, a wrong
close code echoed). Exits 1 when any case fails. --full adds the large
messages of section 9 (up to 16 MiB); the default short form is for CI."""
import os
import socket
import struct
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "peers"))
import rawws  # noqa: E402
from rawws import BINARY, CLOSE, CONT, PING, PONG, TEXT  # noqa: E402
from wslib import Temblor, free_ports  # noqa: E402

PASS, NON_STRICT, FAIL = "PASS", "NON-STRICT", "FAIL"
GROUPS = {"1": "framing", "2": "pings/pongs", "3": "reserved bits", "4": "opcodes",
          "5": "fragmentation", "6": "UTF-8", "7": "close handling", "9": "limits"}


class Verdict(Exception):
    def __init__(self, result, detail=""):
        super().__init__(detail)
        self.result = result
        self.detail = detail


class Side:
    """What differs between testing the server (we mask our frames) and
    testing the client (we must not, and its frames must be masked)."""

    def __init__(self, mode):
        self.mode = mode
        self.masks = []
        self.listener = None

    @property
    def we_mask(self):
        return self.mode == "server"

    def frame(self, op, payload=b"", **kw):
        kw.setdefault("mask", self.we_mask)
        return rawws.encode_frame(op, payload, **kw)

    def check_frame(self, masked, key):
        if self.mode == "client":
            if not masked:
                raise Verdict(FAIL, "the client sent an unmasked frame")
            self.masks.append(key)
        elif masked:
            raise Verdict(FAIL, "the server sent a masked frame")


# -- expectations ---------------------------------------------------------------

def read_frame(side, conn, timeout):
    fin, rsv, op, masked, key, payload = conn.read_frame(timeout)
    side.check_frame(masked, key)
    if rsv:
        raise Verdict(FAIL, "reserved bits set in a frame we received")
    return fin, op, payload


def expect_message(side, conn, op, payload, timeout=15):
    """The next data message (pongs skipped) must be `op` with `payload`."""
    parts, first = [], None
    while True:
        try:
            fin, got_op, data = read_frame(side, conn, timeout)
        except TimeoutError:
            raise Verdict(FAIL, "no echo within %d s" % timeout)
        except rawws.Closed:
            raise Verdict(FAIL, "connection closed instead of an echo")
        if got_op == PONG:
            continue
        if got_op == PING:
            conn.send(side.frame(PONG, data))
            continue
        if got_op == CLOSE:
            raise Verdict(FAIL, "close frame instead of an echo")
        if first is None:
            first = got_op
        parts.append(data)
        if fin:
            break
    message = b"".join(parts)
    if first != op:
        raise Verdict(FAIL, "echo has opcode %d, sent %d" % (first, op))
    if message != payload:
        raise Verdict(FAIL, "echo differs (%d bytes back, %d sent)" % (len(message), len(payload)))


def expect_pong(side, conn, payload, timeout=10):
    while True:
        try:
            _, op, data = read_frame(side, conn, timeout)
        except (TimeoutError, rawws.Closed):
            raise Verdict(FAIL, "no pong")
        if op == PONG:
            if data != payload:
                raise Verdict(FAIL, "pong payload differs from the ping's")
            return


def expect_nothing(side, conn, wait=0.5):
    """Nothing but pongs may come (absence, checked for `wait` seconds)."""
    deadline = time.monotonic() + wait
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return
        try:
            _, op, data = read_frame(side, conn, left)
        except TimeoutError:
            return
        except rawws.Closed:
            raise Verdict(FAIL, "connection closed unexpectedly")
        if op != PONG:
            raise Verdict(FAIL, "unexpected frame (opcode %d)" % op)


def expect_failed(side, conn, codes=(1002,), timeout=10):
    """The peer must fail the connection: a close frame with one of `codes`
    is PASS, another code or a bare TCP close NON-STRICT; data or nothing FAIL."""
    deadline = time.monotonic() + timeout
    code = None
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            try:
                _, op, data = read_frame(side, conn, left)
            except TimeoutError:
                break
            if op == CLOSE:
                conn.done = True
                code = struct.unpack("!H", data[:2])[0] if len(data) >= 2 else 1005
                try:
                    conn.send(side.frame(CLOSE, data[:2]))
                except OSError:
                    pass
                break
            if op in (TEXT, BINARY, CONT):
                raise Verdict(FAIL, "a message came back instead of a failure")
    except (rawws.Closed, ConnectionResetError, BrokenPipeError):
        conn.done = True
        raise Verdict(NON_STRICT, "TCP dropped without a close frame")
    if code is None:
        raise Verdict(FAIL, "connection still open after %d s" % timeout)
    if code not in codes:
        raise Verdict(NON_STRICT, "closed with %d, expected %s" % (code, "/".join(map(str, codes))))


def expect_close_echo(side, conn, code, timeout=10):
    """After our close frame: the peer's close must carry `code` (None: any
    or none) and the TCP connection must end."""
    got = None
    deadline = time.monotonic() + timeout
    try:
        while True:
            _, op, data = read_frame(side, conn, max(0.01, deadline - time.monotonic()))
            if op == CLOSE:
                conn.done = True
                got = struct.unpack("!H", data[:2])[0] if len(data) >= 2 else 1005
                break
            if op in (TEXT, BINARY, CONT):
                raise Verdict(FAIL, "data after our close frame")
    except TimeoutError:
        raise Verdict(FAIL, "no close frame in answer")
    except rawws.Closed:
        raise Verdict(NON_STRICT, "TCP closed without a close frame")
    if code is not None and got != code:
        raise Verdict(FAIL, "close answered with %s, expected %d" % (got, code))
    if side.mode == "client":
        return  # the server (us) closes TCP first (RFC 6455 §7.1.1)
    try:
        conn.wait_closed(timeout=max(0.5, deadline - time.monotonic()))
    except TimeoutError:
        raise Verdict(NON_STRICT, "the server did not close TCP after the close handshake")


def send_chunked(conn, data, chunk=1, pause=0.0005):
    for i in range(0, len(data), chunk):
        conn.send(data[i:i + chunk])
        if pause:
            time.sleep(pause)


# -- the cases ------------------------------------------------------------------

CASES = []


def case(cid, title, full_only=False):
    def register(fn):
        CASES.append((cid, title, fn, full_only))
        return fn
    return register


def echo_case(cid, title, op, payload, full_only=False, chunk=None):
    def fn(side, conn):
        data = side.frame(op, payload)
        if chunk:
            send_chunked(conn, data, chunk)
        else:
            conn.send(data)
        expect_message(side, conn, op, payload, timeout=60)
    case(cid, title, full_only)(fn)


def fail_case(cid, title, frames, codes=(1002,), echo_first=None):
    """Sends `frames` (a function of side -> bytes); expects a failure."""
    def fn(side, conn):
        if echo_first is not None:
            conn.send(side.frame(TEXT, echo_first))
            expect_message(side, conn, TEXT, echo_first)
        conn.send(frames(side))
        expect_failed(side, conn, codes)
    case(cid, title)(fn)


# 1: framing
for i, n in enumerate([0, 125, 126, 127, 128, 65535, 65536], 1):
    echo_case("1.1.%d" % i, "text, %d bytes" % n, TEXT, b"*" * n)
    echo_case("1.2.%d" % i, "binary, %d bytes" % n, BINARY, bytes(range(256)) * (n // 256) + bytes(n % 256))
echo_case("1.1.8", "text, 65536 bytes, written in 997-byte pieces", TEXT, b"*" * 65536, chunk=997)
echo_case("1.2.8", "binary, 65536 bytes, written in 997-byte pieces", BINARY, b"\xfe" * 65536, chunk=997)
fail_case("1.3.1", "length 5 in the 16-bit encoding (not minimal)",
          lambda s: s.frame(TEXT, b"Hello", length_code=126))
fail_case("1.3.2", "length 200 in the 64-bit encoding (not minimal)",
          lambda s: s.frame(BINARY, b"\xfe" * 200, length_code=127))


# 2: pings and pongs
def ping_case(cid, title, payload, chunk=None):
    def fn(side, conn):
        data = side.frame(PING, payload)
        if chunk:
            send_chunked(conn, data, chunk)
        else:
            conn.send(data)
        expect_pong(side, conn, payload)
    case(cid, title)(fn)


ping_case("2.1", "ping without payload", b"")
ping_case("2.2", "ping with text payload", b"Hello, world!")
ping_case("2.3", "ping with binary payload", b"\x00\xff\xfe\xfd\xfc\xfb\x00\xff")
ping_case("2.4", "ping with 125-byte payload", b"\xfe" * 125)
fail_case("2.5", "ping with 126-byte payload", lambda s: s.frame(PING, b"\xfe" * 126))
ping_case("2.6", "ping with 125-byte payload, written byte by byte", b"\xfe" * 125, chunk=1)


@case("2.7", "unsolicited pong without payload is ignored")
def _(side, conn):
    conn.send(side.frame(PONG))
    expect_nothing(side, conn)
    conn.send(side.frame(TEXT, b"after"))
    expect_message(side, conn, TEXT, b"after")


@case("2.8", "unsolicited pong with payload is ignored")
def _(side, conn):
    conn.send(side.frame(PONG, b"unsolicited pong payload"))
    expect_nothing(side, conn)


@case("2.9", "unsolicited pong, then a ping")
def _(side, conn):
    conn.send(side.frame(PONG, b"unsolicited") + side.frame(PING, b"solicited"))
    expect_pong(side, conn, b"solicited")


@case("2.10", "10 pings in one write get 10 pongs")
def _(side, conn):
    conn.send(b"".join(side.frame(PING, b"ping %d" % i) for i in range(10)))
    for i in range(10):
        expect_pong(side, conn, b"ping %d" % i)


@case("2.11", "10 pings written byte by byte get 10 pongs")
def _(side, conn):
    send_chunked(conn, b"".join(side.frame(PING, b"ping %d" % i) for i in range(10)), 1)
    for i in range(10):
        expect_pong(side, conn, b"ping %d" % i)


# 3: reserved bits
fail_case("3.1", "RSV1 on a text frame", lambda s: s.frame(TEXT, b"Hello", rsv=4))
fail_case("3.2", "RSV2 on a text frame after a good one", lambda s: s.frame(TEXT, b"Hello", rsv=2),
          echo_first=b"first")
fail_case("3.3", "RSV1+RSV2 on a text frame", lambda s: s.frame(TEXT, b"Hello", rsv=6))
fail_case("3.4", "RSV3 on a text frame",
          lambda s: s.frame(TEXT, b"Hello", rsv=1))
fail_case("3.5", "RSV1+RSV3 on a binary frame", lambda s: s.frame(BINARY, b"\xff" * 8, rsv=5))
fail_case("3.6", "RSV2+RSV3 on a ping", lambda s: s.frame(PING, b"Hello", rsv=3))
fail_case("3.7", "all reserved bits on a close", lambda s: s.frame(CLOSE, struct.pack("!H", 1000), rsv=7))

# 4: opcodes
for i, op in enumerate([3, 4, 5, 6, 7], 1):
    fail_case("4.1.%d" % i, "reserved data opcode %d" % op, lambda s, op=op: s.frame(op, b"payload"))
for i, op in enumerate([11, 12, 13, 14, 15], 1):
    fail_case("4.2.%d" % i, "reserved control opcode %d" % op, lambda s, op=op: s.frame(op, b"payload"))
fail_case("4.3.1", "reserved opcode after a good message", lambda s: s.frame(5, b""),
          echo_first=b"first")


# 5: fragmentation
fail_case("5.1", "fragmented ping", lambda s: s.frame(PING, b"frag1", fin=False) + s.frame(CONT, b"frag2"))
fail_case("5.2", "fragmented pong", lambda s: s.frame(PONG, b"frag1", fin=False) + s.frame(CONT, b"frag2"))


@case("5.3", "text in two fragments")
def _(side, conn):
    conn.send(side.frame(TEXT, b"frag1", fin=False) + side.frame(CONT, b"frag2"))
    expect_message(side, conn, TEXT, b"frag1frag2")


@case("5.4", "text in two fragments, written byte by byte")
def _(side, conn):
    send_chunked(conn, side.frame(TEXT, b"frag1", fin=False) + side.frame(CONT, b"frag2"), 1)
    expect_message(side, conn, TEXT, b"frag1frag2")


@case("5.6", "text in two fragments with a ping between them")
def _(side, conn):
    conn.send(side.frame(TEXT, b"frag1", fin=False) + side.frame(PING, b"ping") +
              side.frame(CONT, b"frag2"))
    expect_pong(side, conn, b"ping")
    expect_message(side, conn, TEXT, b"frag1frag2")


@case("5.8", "same, written byte by byte")
def _(side, conn):
    send_chunked(conn, side.frame(TEXT, b"frag1", fin=False) + side.frame(PING, b"ping") +
                 side.frame(CONT, b"frag2"), 1)
    expect_pong(side, conn, b"ping")
    expect_message(side, conn, TEXT, b"frag1frag2")


fail_case("5.9", "continuation without a start (fin)", lambda s: s.frame(CONT, b"fragment", fin=True))
fail_case("5.12", "continuation without a start (no fin)", lambda s: s.frame(CONT, b"fragment", fin=False))
fail_case("5.15", "a new text frame while a fragmented one is open",
          lambda s: s.frame(TEXT, b"frag1", fin=False) + s.frame(CONT, b"frag2", fin=False) +
          s.frame(TEXT, b"frag3", fin=True))
fail_case("5.18", "text (no fin) followed by text (fin)",
          lambda s: s.frame(TEXT, b"frag1", fin=False) + s.frame(TEXT, b"frag2"))


@case("5.19", "text in 5 fragments with pings between them")
def _(side, conn):
    data = side.frame(TEXT, b"f1", fin=False)
    for i in range(2, 6):
        data += side.frame(PING, b"p%d" % i) + side.frame(CONT, b"f%d" % i, fin=i == 5)
    conn.send(data)
    for i in range(2, 6):
        expect_pong(side, conn, b"p%d" % i)
    expect_message(side, conn, TEXT, b"f1f2f3f4f5")


@case("5.20", "same, each frame written after a pause")
def _(side, conn):
    conn.send(side.frame(TEXT, b"f1", fin=False))
    for i in range(2, 6):
        time.sleep(0.05)
        conn.send(side.frame(PING, b"p%d" % i))
        expect_pong(side, conn, b"p%d" % i)
        conn.send(side.frame(CONT, b"f%d" % i, fin=i == 5))
    expect_message(side, conn, TEXT, b"f1f2f3f4f5")


# 6: UTF-8
@case("6.1.1", "empty text message")
def _(side, conn):
    conn.send(side.frame(TEXT, b""))
    expect_message(side, conn, TEXT, b"")


@case("6.1.2", "text of three empty fragments")
def _(side, conn):
    conn.send(side.frame(TEXT, b"", fin=False) + side.frame(CONT, b"", fin=False) + side.frame(CONT, b""))
    expect_message(side, conn, TEXT, b"")


HELLO = "Hello-µ@ßöäüàá-UTF-8!!".encode()
echo_case("6.2.1", "valid UTF-8 in one frame", TEXT, HELLO)


@case("6.2.2", "valid UTF-8 split between two fragments at a code point")
def _(side, conn):
    conn.send(side.frame(TEXT, HELLO[:7], fin=False) + side.frame(CONT, HELLO[7:]))
    expect_message(side, conn, TEXT, HELLO)


@case("6.2.3", "valid UTF-8, one fragment per byte")
def _(side, conn):
    data = b"".join(side.frame(TEXT if i == 0 else CONT, HELLO[i:i + 1], fin=i == len(HELLO) - 1)
                    for i in range(len(HELLO)))
    conn.send(data)
    expect_message(side, conn, TEXT, HELLO)


@case("6.2.4", "valid UTF-8 split inside a code point (\\xce|\\xba)")
def _(side, conn):
    text = "κόσμε".encode()
    conn.send(side.frame(TEXT, text[:1], fin=False) + side.frame(CONT, text[1:]))
    expect_message(side, conn, TEXT, text)


VALID = [("U+0000", "\x00"), ("U+007F", "\x7f"), ("U+0080", "\x80"), ("U+07FF", "\u07ff"),
         ("U+0800", "\u0800"), ("U+FFFF", "\uffff"), ("U+10000", "\U00010000"),
         ("U+10FFFF", "\U0010ffff"), ("U+D7FF", "\ud7ff"), ("U+E000", "\ue000")]
for i, (name, text) in enumerate(VALID, 1):
    echo_case("6.3.%d" % i, "boundary code point %s" % name, TEXT, text.encode("utf-8"))

INVALID = [("lone continuation byte", b"\x80"), ("0xFE", b"\xfe"), ("0xFF", b"\xff"),
           ("overlong '/' (C0 AF)", b"\xc0\xaf"), ("overlong NUL (E0 80 80)", b"\xe0\x80\x80"),
           ("surrogate U+D800", b"\xed\xa0\x80"), ("surrogate U+DFFF", b"\xed\xbf\xbf"),
           ("above U+10FFFF", b"\xf4\x90\x80\x80"), ("truncated 3-byte sequence at the end", b"ab\xe2\x82"),
           ("5-byte sequence", b"\xf8\x88\x80\x80\x80"), ("invalid then valid", b"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80edited")]
for i, (name, data) in enumerate(INVALID, 1):
    fail_case("6.4.%d" % i, "invalid UTF-8: %s" % name, lambda s, d=data: s.frame(TEXT, d), codes=(1007,))

fail_case("6.5.1", "invalid UTF-8 in the second fragment",
          lambda s: s.frame(TEXT, b"valid", fin=False) + s.frame(CONT, b"\xed\xa0\x80"), codes=(1007,))
fail_case("6.5.2", "message ending inside a code point (split \\xe2\\x82 | end)",
          lambda s: s.frame(TEXT, b"\xe2", fin=False) + s.frame(CONT, b"\x82"), codes=(1007,))


@case("6.6.1", "fail fast: invalid UTF-8 in the first fragment closes before the message ends")
def _(side, conn):
    conn.send(side.frame(TEXT, b"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80", fin=False))
    try:
        expect_failed(side, conn, codes=(1007,), timeout=3)
    except Verdict as v:
        if v.result == FAIL:
            raise Verdict(NON_STRICT, "not failed before the message's end (validated at the end)")
        raise


# 7: close handling
@case("7.1.1", "close 1000 is answered with 1000")
def _(side, conn):
    conn.send(side.frame(CLOSE, struct.pack("!H", 1000)))
    expect_close_echo(side, conn, 1000)


@case("7.1.2", "a second close frame is ignored")
def _(side, conn):
    conn.send(side.frame(CLOSE, struct.pack("!H", 1000)) + side.frame(CLOSE, struct.pack("!H", 1000)))
    expect_close_echo(side, conn, 1000)


@case("7.1.3", "a ping after our close gets no pong")
def _(side, conn):
    conn.send(side.frame(CLOSE, struct.pack("!H", 1000)) + side.frame(PING, b"late"))
    expect_close_echo(side, conn, 1000)


@case("7.1.4", "text after our close is not echoed")
def _(side, conn):
    conn.send(side.frame(CLOSE, struct.pack("!H", 1000)) + side.frame(TEXT, b"late"))
    expect_close_echo(side, conn, 1000)


@case("7.1.5", "close in the middle of a fragmented message")
def _(side, conn):
    conn.send(side.frame(TEXT, b"frag1", fin=False) + side.frame(CLOSE, struct.pack("!H", 1000)))
    expect_close_echo(side, conn, 1000)


@case("7.1.6", "a 256 KiB message then close: echo (or not), then close")
def _(side, conn):
    conn.send(side.frame(TEXT, b"x" * 262144) + side.frame(CLOSE, struct.pack("!H", 1000)))
    expect_close_echo_allowing_data(side, conn)


def expect_close_echo_allowing_data(side, conn, timeout=15):
    deadline = time.monotonic() + timeout
    while True:
        try:
            _, op, data = read_frame(side, conn, max(0.01, deadline - time.monotonic()))
        except TimeoutError:
            raise Verdict(FAIL, "no close frame in answer")
        except rawws.Closed:
            raise Verdict(NON_STRICT, "TCP closed without a close frame")
        if op == CLOSE:
            conn.done = True
            return


@case("7.3.1", "close without payload is answered")
def _(side, conn):
    conn.send(side.frame(CLOSE))
    expect_close_echo(side, conn, None)


fail_case("7.3.2", "close with a 1-byte payload", lambda s: s.frame(CLOSE, b"\x03"))


@case("7.3.3", "close 1000 without reason")
def _(side, conn):
    conn.send(side.frame(CLOSE, struct.pack("!H", 1000)))
    expect_close_echo(side, conn, 1000)


@case("7.3.4", "close 1000 with a reason")
def _(side, conn):
    conn.send(side.frame(CLOSE, struct.pack("!H", 1000) + b"Hello World!"))
    expect_close_echo(side, conn, 1000)


@case("7.3.5", "close 1000 with a 123-byte reason")
def _(side, conn):
    conn.send(side.frame(CLOSE, struct.pack("!H", 1000) + b"*" * 123))
    expect_close_echo(side, conn, 1000)


fail_case("7.3.6", "close with a 124-byte reason (frame over 125)",
          lambda s: s.frame(CLOSE, struct.pack("!H", 1000) + b"*" * 124))
fail_case("7.5.1", "close reason that is not UTF-8",
          lambda s: s.frame(CLOSE, struct.pack("!H", 1000) + b"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80edited"),
          codes=(1007,))

for i, code in enumerate([1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999], 1):
    def valid_code(side, conn, code=code):
        conn.send(side.frame(CLOSE, struct.pack("!H", code)))
        expect_close_echo(side, conn, code)
    case("7.7.%d" % i, "valid close code %d is echoed" % code)(valid_code)

for i, code in enumerate([0, 999, 1004, 1005, 1006, 1016, 1100, 2000, 2999, 5000, 65535], 1):
    fail_case("7.9.%d" % i, "invalid close code %d" % code,
              lambda s, code=code: s.frame(CLOSE, struct.pack("!H", code)))


# 9: limits
SIZES = [(65536, False), (262144, False), (1 << 20, False), (4 << 20, True), (16 << 20, True)]
for i, (n, full) in enumerate(SIZES, 1):
    echo_case("9.1.%d" % i, "text, %d bytes" % n, TEXT, b"*" * n, full_only=full)
    echo_case("9.2.%d" % i, "binary, %d bytes" % n, BINARY, b"\xfe" * n, full_only=full)


def fragmented_case(cid, op, total, fragment, full_only):
    def fn(side, conn):
        payload = (b"*" if op == TEXT else b"\xfe") * total
        frames = []
        for at in range(0, total, fragment):
            frames.append(side.frame(op if at == 0 else CONT, payload[at:at + fragment],
                                     fin=at + fragment >= total))
        conn.send(b"".join(frames))
        expect_message(side, conn, op, payload, timeout=120)
    case(cid, "%s of %d bytes in fragments of %d" % ("text" if op == TEXT else "binary", total, fragment),
         full_only)(fn)


for i, frag in enumerate([64, 256, 1024, 4096, 16384, 65536, 262144, 1 << 20], 1):
    fragmented_case("9.3.%d" % i, TEXT, 4 << 20, frag, full_only=frag < 4096)
    fragmented_case("9.4.%d" % i, BINARY, 4 << 20, frag, full_only=frag < 4096)


@case("9.9.1", "a message over 64 MiB is refused with 1009 from its header")
def _(side, conn):
    n = 64 * 1024 * 1024 + 1
    head = bytes([0x82, (0x80 if side.we_mask else 0) | 127]) + n.to_bytes(8, "big")
    conn.send(head + (b"\0\0\0\0" if side.we_mask else b"") + b"x" * 1024)
    expect_failed(side, conn, codes=(1009,))


# -- running -------------------------------------------------------------------------

def echo_flow(mode, port):
    if mode == "server":
        endpoint = ('define connector ws from ws_server with codec = "binary", '
                    'config = {"url": "127.0.0.1:%d"} end;' % port)
    else:
        endpoint = ('define connector ws from ws_client with codec = "binary", '
                    'config = {"url": "ws://127.0.0.1:%d"}, reconnect = {"retry": '
                    '{"interval_ms": 20, "growth_rate": 1, "randomized": false}} end;' % port)
    return "\n".join([
        "define flow conformance", "flow", "  use tremor::pipelines;", "  " + endpoint,
        "  create connector ws;", "  create pipeline echo from pipelines::passthrough;",
        "  connect /connector/ws to /pipeline/echo;", "  connect /pipeline/echo to /connector/ws;",
        "end;", "deploy flow conformance;", ""])


def open_connection(side, port):
    if side.mode == "server":
        deadline = time.monotonic() + 30
        while True:
            try:
                return rawws.open_ws("127.0.0.1", port)
            except (ConnectionRefusedError, rawws.Closed):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
    side.listener.settimeout(30)
    sock, _ = side.listener.accept()
    conn = rawws.Conn(sock)
    rawws.accept_upgrade(conn)
    return conn


def finish(side, conn):
    """Ends a case's connection: a close handshake if it is still open."""
    if getattr(conn, "done", False):
        conn.close()
        return
    try:
        conn.send(side.frame(CLOSE, struct.pack("!H", 1000)))
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline:
            if conn.read_frame(max(0.01, deadline - time.monotonic()))[2] == CLOSE:
                break
    except (OSError, TimeoutError, rawws.Closed):
        pass
    conn.close()


def main():
    binary, mode = os.path.abspath(sys.argv[1]), sys.argv[2]
    full = "--full" in sys.argv[3:]
    only = [a for a in sys.argv[3:] if not a.startswith("--")]
    side = Side(mode)
    if mode == "client":
        side.listener = socket.socket()
        side.listener.bind(("127.0.0.1", 0))
        side.listener.listen(16)
        port = side.listener.getsockname()[1]
    else:
        port = free_ports(1)[0]
    temblor = Temblor(binary, echo_flow(mode, port), log_level="warn")
    results = []
    try:
        for cid, title, fn, full_only in CASES:
            if (full_only and not full) or (only and not any(cid.startswith(o) for o in only)):
                continue
            conn = open_connection(side, port)
            try:
                fn(side, conn)
                verdict, detail = PASS, ""
            except Verdict as v:
                verdict, detail = v.result, v.detail
            except (OSError, rawws.Closed, TimeoutError) as e:
                verdict, detail = FAIL, "%s: %s" % (type(e).__name__, e)
            finish(side, conn)
            results.append((cid, verdict, title, detail))
            print("%-8s %-10s %s%s" % (cid, verdict, title, " (" + detail + ")" if detail else ""),
                  flush=True)
    finally:
        if not temblor.alive():
            print(temblor.stderr(), file=sys.stderr)
        temblor.stop()
    print("\n%s side, %s form" % ("ws_server" if mode == "server" else "ws_client",
                                  "full" if full else "short"))
    print("%-22s %5s %10s %5s" % ("group", "pass", "non-strict", "fail"))
    for g, name in GROUPS.items():
        rows = [r for r in results if r[0].split(".")[0] == g]
        if rows:
            print("%-22s %5d %10d %5d" % ("%s %s" % (g, name), sum(r[1] == PASS for r in rows),
                                          sum(r[1] == NON_STRICT for r in rows),
                                          sum(r[1] == FAIL for r in rows)))
    if side.masks:
        distinct = len(set(side.masks))
        print("client masking keys: %d frames, %d distinct, %d zero" %
              (len(side.masks), distinct, side.masks.count(b"\0\0\0\0")))
        if distinct < len(side.masks) * 0.99 or b"\0\0\0\0" in side.masks:
            print("FAIL: masking keys repeat")
            return 1
    failed = [r for r in results if r[1] == FAIL]
    return 1 if failed or not results else 0


sys.exit(main())
