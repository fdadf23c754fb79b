"""``pki``: what EKS-A's ``ValidateCert`` accepts of ``caCertContent``, the summary a hover
and the live check show of a certificate, and the private-key guard of ``explain``."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.x509.oid import NameOID

from eksa_mirror.core.pki import CertificateError, first_certificate, has_private_key, summarize
from support import issue

NO_PEM = "invalid registry certificate: failed to parse certificate PEM"


def _ed25519_ca() -> x509.Certificate:
    """An Ed25519 certificate: its signature has no separate hash algorithm."""
    key = ed25519.Ed25519PrivateKey.generate()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ed")])
    now = dt.datetime.now(dt.timezone.utc)
    builder = x509.CertificateBuilder().subject_name(name).issuer_name(name)
    builder = builder.public_key(key.public_key()).serial_number(1)
    builder = builder.not_valid_before(now).not_valid_after(now + dt.timedelta(days=1))
    return builder.sign(key, None)


def test_the_summary_names_the_signature_hash() -> None:
    summary = summarize(issue("ca.lab", ca=True).cert)
    assert (summary.signature_algorithm, summary.signature_hash) == (
        "sha256WithRSAEncryption",
        "sha256",
    )


def test_a_signature_without_a_separate_hash_has_an_empty_hash_name() -> None:
    summary = summarize(_ed25519_ca())
    assert (summary.signature_algorithm, summary.signature_hash) == ("ed25519", "")


@pytest.mark.parametrize(
    ("after_end", "parses"),
    [
        pytest.param(" \t", True, id="trailing-blanks"),
        pytest.param("X", False, id="text-after-the-end-marker"),
        pytest.param(" X", False, id="word-after-the-end-marker"),
    ],
)
def test_the_end_marker_must_end_its_line(after_end: str, parses: bool) -> None:
    """Go's ``pem.Decode`` allows only spaces and tabs after ``-----END ...-----``."""
    pem = issue("ca.lab", ca=True).pem
    content = pem.rstrip("\n") + after_end + "\n"
    if parses:
        assert first_certificate(content).subject.rfc4514_string() == "CN=ca.lab"
    else:
        with pytest.raises(CertificateError, match=f"^{NO_PEM}$"):
            first_certificate(content)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----\n",
                     True, id="whole-key"),
        pytest.param("-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg", True, id="key-cut-short"),
        pytest.param("-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE", True, id="ec-key-cut-short"),
        pytest.param("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", False,
                     id="certificate"),
    ],
)  # fmt: skip
def test_a_pasted_private_key_is_recognised_even_when_cut_short(text: str, expected: bool) -> None:
    assert has_private_key(text) is expected


def test_an_unknown_signature_algorithm_is_named_by_its_oid() -> None:
    """sha256WithRSAEncryption (1.2.840.113549.1.1.11) swapped for an OID no library names,
    in the TBS and in the outer algorithm (same length: the DER stays valid)."""
    der = issue("ca.lab", ca=True).cert.public_bytes(serialization.Encoding.DER)
    known, unknown = (
        bytes.fromhex("06092a864886f70d01010b"),
        bytes.fromhex("06092a864886f70d01017f"),
    )
    assert der.count(known) == 2
    summary = summarize(x509.load_der_x509_certificate(der.replace(known, unknown)))
    assert (summary.signature_algorithm, summary.signature_hash) == ("1.2.840.113549.1.1.127", "")
    assert "- **Signature:** 1.2.840.113549.1.1.127" in summary.markdown()
