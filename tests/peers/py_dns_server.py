#!/usr/bin/python3
"""A DNS server on 127.0.0.1 (UDP, port 0) answering fixed records, for the
dns_client tests. Prints `port N` once listening, logs each question as
`query NAME TYPE` and serves until killed (or for 120 s).

Zone (answers point back at the question name with compression):
  a.test        A 10.0.0.1 ttl 300, A 10.0.0.2 ttl 300
  v6only.test   AAAA 2001:db8::1 ttl 120 (A: no data)
  alias.test    CNAME a.test. ttl 60, then a.test's A records
  mx.test       MX 10 mail.test. ttl 3600
  txt.test      TXT "hello " "world" ttl 30
  srv.test      SRV 1 2 5060 sip.test. ttl 40
  silent.test   never answered
  anything else NXDOMAIN
"""
import ipaddress
import select
import socket
import struct
import time

A, NS, CNAME, MX, TXT, AAAA, SRV = 1, 2, 5, 15, 16, 28, 33
TYPE_NAMES = {A: "A", CNAME: "CNAME", MX: "MX", TXT: "TXT", AAAA: "AAAA", SRV: "SRV"}


def encode_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def rr(rtype, ttl, rdata, owner=None):
    # The owner is the question name (a pointer to offset 12) unless given.
    name = struct.pack("!H", 0xC00C) if owner is None else encode_name(owner)
    return name + struct.pack("!HHIH", rtype, 1, ttl, len(rdata)) + rdata


def a_records(owner=None):
    return [rr(A, 300, ipaddress.IPv4Address(ip).packed, owner) for ip in ("10.0.0.1", "10.0.0.2")]


def answers(name, qtype):
    """Returns (rcode, [records]) or None to stay silent."""
    name = name.lower().rstrip(".")
    if name == "silent.test":
        return None
    if name == "a.test":
        return 0, a_records() if qtype == A else []
    if name == "v6only.test":
        if qtype == AAAA:
            return 0, [rr(AAAA, 120, ipaddress.IPv6Address("2001:db8::1").packed)]
        return 0, []
    if name == "alias.test":
        records = [rr(CNAME, 60, encode_name("a.test"))]
        if qtype == A:
            records += a_records("a.test")
        return 0, records
    if name == "mx.test":
        return 0, [rr(MX, 3600, struct.pack("!H", 10) + encode_name("mail.test"))] if qtype == MX else []
    if name == "txt.test":
        return 0, [rr(TXT, 30, b"\x06hello \x05world")] if qtype == TXT else []
    if name == "srv.test":
        return 0, [rr(SRV, 40, struct.pack("!HHH", 1, 2, 5060) + encode_name("sip.test"))] if qtype == SRV else []
    return 3, []


def parse_question(msg):
    at, labels = 12, []
    while msg[at] != 0:
        n = msg[at]
        labels.append(msg[at + 1:at + 1 + n].decode())
        at += 1 + n
    qtype, _ = struct.unpack("!HH", msg[at + 1:at + 5])
    return ".".join(labels), qtype, at + 5


def main():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    print(f"port {sock.getsockname()[1]}", flush=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([sock], [], [], 1.0)
        if not ready:
            continue
        msg, peer = sock.recvfrom(4096)
        if len(msg) < 12:
            continue
        qid, flags, qdcount = struct.unpack("!HHH", msg[:6])
        name, qtype, end = parse_question(msg)
        print(f"query {name} {TYPE_NAMES.get(qtype, qtype)}", flush=True)
        found = answers(name, qtype)
        if found is None:
            continue
        rcode, records = found
        # QR, opcode 0, AA, RD copied, RA; then the rcode.
        reply_flags = 0x8000 | 0x0400 | (flags & 0x0100) | 0x0080 | rcode
        header = struct.pack("!HHHHHH", qid, reply_flags, 1, len(records), 0, 0)
        sock.sendto(header + msg[12:end] + b"".join(records), peer)


if __name__ == "__main__":
    main()
