"""The one certificate summary (core.pki.CertSummary): what the hover and the live check read."""

from __future__ import annotations

import ipaddress
from datetime import datetime, timedelta, timezone

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from eksa_mirror.core import pki
from eksa_mirror.probe import certs

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


def _summary(names: list[x509.GeneralName], subject: list[x509.NameAttribute]) -> pki.CertSummary:
    key = ec.generate_private_key(ec.SECP256R1())
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name(subject))
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mirror-ca")]))
        .public_key(key.public_key())
        .serial_number(7)
        .not_valid_before(NOW - timedelta(days=1))
        .not_valid_after(NOW + timedelta(days=30))
    )
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName(names), False)
    return pki.summarize(builder.sign(key, hashes.SHA256()))


SERVED = _summary(
    [x509.DNSName("*.mirror.example"), x509.IPAddress(ipaddress.ip_address("10.0.0.5"))],
    [
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Example"),
        x509.NameAttribute(NameOID.COMMON_NAME, "registry"),
    ],
)


def test_the_summary_holds_both_names_sans_and_the_signature_hash() -> None:
    assert SERVED.subject == "CN=registry,O=Example"
    assert SERVED.short_subject == "CN=registry"
    assert SERVED.issuer == "CN=mirror-ca"
    assert SERVED.dns_names == ("*.mirror.example",)
    assert SERVED.ip_addresses == ("10.0.0.5",)
    assert (SERVED.signature_hash, SERVED.signature_algorithm) == ("sha256", "ecdsa-with-SHA256")
    assert SERVED.is_ca is None


@pytest.mark.parametrize(
    ("host", "matched"),
    [
        ("harbor.mirror.example", True),
        ("HARBOR.mirror.example.", True),
        ("mirror.example", False),
        ("a.b.mirror.example", False),
        ("10.0.0.5", True),
        ("10.0.0.6", False),
    ],
)
def test_the_live_check_matches_hosts_against_the_summary(host: str, matched: bool) -> None:
    assert certs.matches(SERVED, host) is matched


def test_mismatch_messages_name_the_sans_or_the_short_subject() -> None:
    assert certs.mismatch_message(SERVED, "other.example") == (
        "the server certificate is for *.mirror.example, 10.0.0.5, not other.example"
    )
    bare = _summary([], [x509.NameAttribute(NameOID.COMMON_NAME, "registry")])
    assert certs.mismatch_message(bare, "registry") == (
        "the server certificate is for no subjectAltName (CN=registry; the common name is "
        "ignored), not registry"
    )
