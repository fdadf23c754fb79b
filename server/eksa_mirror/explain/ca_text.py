"""A CA as the node changes show it: the certificates it holds by name, expiry and
fingerprint, never its PEM text (a rotation reads as one changed line)."""

from __future__ import annotations

import base64
import binascii
import hashlib

from eksa_mirror.core.pki import has_private_key, pem_blocks, short_name


def _certificate(body: str) -> str | None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    try:
        cert = x509.load_der_x509_certificate(base64.b64decode("".join(body.split())))
    except (ValueError, binascii.Error):
        return None
    digest = cert.fingerprint(hashes.SHA256()).hex(":").upper()
    return (
        f"{short_name(cert.subject)}, valid until {cert.not_valid_after_utc:%Y-%m-%d},"
        f" SHA-256 {digest[:23]}…"
    )


def ca_summary(content: str) -> str:
    """One line naming the certificates of ``content`` (a ``caCertContent`` or ``ca.crt``)."""
    if not content.strip():
        return "(empty)"
    if has_private_key(content):
        return "<contains a private key: not shown>"
    found = [_certificate(b.body) for b in pem_blocks(content) if b.label == "CERTIFICATE"]
    named = [text for text in found if text is not None]
    if named:
        return "; ".join(named)
    digest = hashlib.sha256(content.encode("utf-8")).hexdigest()
    return f"not a PEM certificate (SHA-256 of the text {digest[:16]}…)"
