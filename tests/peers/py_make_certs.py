#!/usr/bin/env python3
"""Makes the certificates of the TLS matrix tests into DIR (python3-cryptography).

usage: py_make_certs.py DIR
  ca.cert.pem / ca.key.pem            a CA
  good.cert.pem / good.key.pem        localhost + 127.0.0.1, signed by the CA
  expired.cert.pem / expired.key.pem  the same names, valid only in 2020
  wronghost.cert.pem / .key.pem       other.example only, signed by the CA
  otherca.cert.pem                    an unrelated CA
  other.key.pem                       a key that matches no certificate
  garbage.key.pem                     not a key at all
"""
import datetime
import ipaddress
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

out = sys.argv[1]
now = datetime.datetime.utcnow()


def key():
    return ec.generate_private_key(ec.SECP256R1())


def write_key(name, k):
    with open(f"{out}/{name}.key.pem", "wb") as f:
        f.write(k.private_bytes(serialization.Encoding.PEM,
                                serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()))


def write_cert(name, c):
    with open(f"{out}/{name}.cert.pem", "wb") as f:
        f.write(c.public_bytes(serialization.Encoding.PEM))


def ca(cn):
    k = key()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    c = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
         .public_key(k.public_key()).serial_number(x509.random_serial_number())
         .not_valid_before(now - datetime.timedelta(days=1))
         .not_valid_after(now + datetime.timedelta(days=2))
         .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
         .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                      content_commitment=False, key_encipherment=False,
                                      data_encipherment=False, key_agreement=False,
                                      encipher_only=False, decipher_only=False), critical=True)
         .sign(k, hashes.SHA256()))
    return k, c


def leaf(ca_key, ca_cert, names, ips, before, after):
    k = key()
    sans = [x509.DNSName(n) for n in names] + [x509.IPAddress(ipaddress.ip_address(i)) for i in ips]
    c = (x509.CertificateBuilder()
         .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
         .issuer_name(ca_cert.subject).public_key(k.public_key())
         .serial_number(x509.random_serial_number())
         .not_valid_before(before).not_valid_after(after)
         .add_extension(x509.SubjectAlternativeName(sans), critical=False)
         .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
         .sign(ca_key, hashes.SHA256()))
    return k, c


ca_key, ca_cert = ca("Temblor test CA")
write_key("ca", ca_key)
write_cert("ca", ca_cert)
day = datetime.timedelta(days=1)
for name, names, ips, before, after in [
        ("good", ["localhost"], ["127.0.0.1"], now - day, now + 2 * day),
        ("expired", ["localhost"], ["127.0.0.1"], datetime.datetime(2020, 1, 1),
         datetime.datetime(2020, 1, 2)),
        ("wronghost", ["other.example"], [], now - day, now + 2 * day)]:
    k, c = leaf(ca_key, ca_cert, names, ips, before, after)
    write_key(name, k)
    write_cert(name, c)
_, other_ca = ca("Some other CA")
write_cert("otherca", other_ca)
write_key("other", key())
with open(f"{out}/garbage.key.pem", "w") as f:
    f.write("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n")
print("ok", flush=True)
