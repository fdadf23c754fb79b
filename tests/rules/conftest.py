"""Certificates and keys for the caCertContent rules, generated once per session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from .helpers import NOW

_SHA256_RSA = bytes.fromhex("2a864886f70d01010b")  # OID 1.2.840.113549.1.1.11
_SHA1_RSA = bytes.fromhex("2a864886f70d010105")  # OID 1.2.840.113549.1.1.5


def make_cert(
    cn: str = "mirror-ca",
    *,
    ca: bool | None = True,
    days_before: int = 1,
    days_after: int = 365,
    sha1: bool = False,
) -> tuple[str, str]:
    """(certificate PEM, private key PEM) of a self-signed certificate valid around ``NOW``.

    cryptography no longer signs with SHA-1, so a SHA-1 certificate is a SHA-256 RSA one
    whose two signature-algorithm identifiers are rewritten to sha1WithRSAEncryption (same
    length): it parses like a real one, only its signature does not verify, which no rule
    checks.
    """
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
    key = rsa.generate_private_key(65537, 2048) if sha1 else ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - timedelta(days=days_before))
        .not_valid_after(NOW + timedelta(days=days_after))
    )
    if ca is not None:
        builder = builder.add_extension(x509.BasicConstraints(ca=ca, path_length=None), True)
    cert = builder.sign(key, hashes.SHA256())
    if sha1:
        der = cert.public_bytes(serialization.Encoding.DER)
        assert der.count(_SHA256_RSA) == 2
        cert = x509.load_der_x509_certificate(der.replace(_SHA256_RSA, _SHA1_RSA))
        assert isinstance(cert.signature_hash_algorithm, hashes.SHA1)
    pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return pem, key_pem


@dataclass(frozen=True)
class Pems:
    good: str
    key: str
    sha1: str
    expired: str
    not_yet_valid: str
    not_ca: str
    other: str


@pytest.fixture(scope="session")
def pems() -> Pems:
    good, key = make_cert()
    return Pems(
        good=good,
        key=key,
        sha1=make_cert("sha1-ca", sha1=True)[0],
        expired=make_cert("old-ca", days_before=400, days_after=-1)[0],
        not_yet_valid=make_cert("future-ca", days_before=-3, days_after=30)[0],
        not_ca=make_cert("leaf", ca=False)[0],
        other=make_cert("second-ca")[0],
    )
