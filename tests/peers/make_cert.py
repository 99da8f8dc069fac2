#!/usr/bin/python3
"""Writes a test certificate and key (ECDSA P-256) as PREFIX.cert.pem and
PREFIX.key.pem, with any validity period, subject alternative names and
issuer (Debian's python3-cryptography; the openssl CLI cannot backdate).
Usage: make_cert.py PREFIX [--cn NAME] [--san DNS:x|IP:y ...] [--valid-from DAYS]
                    [--valid-to DAYS] [--ca CA_PREFIX] [--is-ca]
Days are relative to now (negative: in the past); the default is -1 .. 2."""
import argparse
import datetime
import ipaddress

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def load(prefix):
    with open(prefix + ".cert.pem", "rb") as f:
        cert = x509.load_pem_x509_certificate(f.read())
    with open(prefix + ".key.pem", "rb") as f:
        key = serialization.load_pem_private_key(f.read(), password=None)
    return cert, key


def main():
    p = argparse.ArgumentParser()
    p.add_argument("prefix")
    p.add_argument("--cn", default="localhost")
    p.add_argument("--san", action="append", default=[])
    p.add_argument("--valid-from", type=float, default=-1)
    p.add_argument("--valid-to", type=float, default=2)
    p.add_argument("--ca")
    p.add_argument("--is-ca", action="store_true")
    a = p.parse_args()

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, a.cn)])
    if a.ca:
        issuer_cert, issuer_key = load(a.ca)
        issuer = issuer_cert.subject
    else:
        issuer_key, issuer = key, subject
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (x509.CertificateBuilder()
               .subject_name(subject).issuer_name(issuer)
               .public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(now + datetime.timedelta(days=a.valid_from))
               .not_valid_after(now + datetime.timedelta(days=a.valid_to))
               .add_extension(x509.BasicConstraints(ca=a.is_ca, path_length=None), critical=True))
    sans = []
    for san in a.san:
        kind, _, value = san.partition(":")
        sans.append(x509.IPAddress(ipaddress.ip_address(value)) if kind == "IP"
                    else x509.DNSName(value))
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    cert = builder.sign(issuer_key, hashes.SHA256())
    with open(a.prefix + ".cert.pem", "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(a.prefix + ".key.pem", "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM,
                                  serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))


main()
