"""Certificate facts: PEM blocks, parse errors, quality, and ``CertSummary``, the one
description of a certificate (the hover shows it, the live check's messages read it).

Pure functions over a string; no finding or YAML knowledge here. EKS-A decodes only
the first PEM block and parses it as one x509 certificate; that is mirrored exactly.
Private keys are detected by their PEM label and never returned or echoed.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # cryptography is imported on first use: most files carry no certificate
    from cryptography import x509

_BLOCK = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----\s*(.*?)\s*-----END \1-----", re.DOTALL)


@dataclass(frozen=True)
class PemBlock:
    label: str
    text: str
    #: 0-based line range of the block inside the value text.
    first_line: int
    last_line: int
    #: The base64 text between the BEGIN and END lines.
    body: str = ""

    @property
    def is_private_key(self) -> bool:
        return "PRIVATE KEY" in self.label


@dataclass(frozen=True)
class CertSummary:
    """What the hover and the live check's messages show of one certificate."""

    #: The full RFC 4514 names.
    subject: str
    issuer: str
    #: ``CN=…`` when the subject has a common name, else the full name (see ``short_name``).
    short_subject: str
    not_before: datetime
    not_after: datetime
    sha256: str
    is_ca: bool | None
    signature_algorithm: str
    #: ``sha256``, ``sha1``, … (``""`` when the algorithm has no separate hash, e.g. Ed25519).
    signature_hash: str
    #: The subjectAltName entries (empty without the extension).
    dns_names: tuple[str, ...]
    ip_addresses: tuple[str, ...]

    def markdown(self) -> str:
        ca = {True: "yes", False: "no", None: "not stated (no basicConstraints)"}[self.is_ca]
        return "\n".join(
            [
                f"- **Subject:** `{self.subject}`",
                f"- **Issuer:** `{self.issuer}`",
                f"- **Valid:** {self.not_before:%Y-%m-%d %H:%M} UTC to "
                f"{self.not_after:%Y-%m-%d %H:%M} UTC",
                f"- **SHA-256:** `{self.sha256}`",
                f"- **CA:** {ca}",
                f"- **Signature:** {self.signature_algorithm}",
            ]
        )


def pem_blocks(value: str) -> list[PemBlock]:
    blocks = []
    for match in _BLOCK.finditer(value):
        first = value.count("\n", 0, match.start())
        last = value.count("\n", 0, match.end())
        blocks.append(PemBlock(match.group(1), match.group(0), first, last, match.group(2)))
    return blocks


def has_private_key(text: str) -> bool:
    """Whether a private key was pasted into the text (never echo such text back)."""
    return "PRIVATE KEY-----" in text or any(block.is_private_key for block in pem_blocks(text))


class CertificateError(ValueError):
    """The content is not usable by EKS-A; the message is EKS-A's wording."""


def first_certificate(value: str) -> x509.Certificate:
    """What EKS-A's ``ValidateCert`` does: decode the first PEM block, parse it as x509."""
    from cryptography import x509

    blocks = pem_blocks(value)
    if not blocks:
        raise CertificateError("invalid registry certificate: failed to parse certificate PEM")
    first = blocks[0]
    if first.is_private_key:
        raise CertificateError(
            "invalid registry certificate: failed to parse certificate: x509: the first PEM "
            f"block is a {first.label.lower()}, not a certificate"
        )
    if not _own_lines(value, first):
        # Go's pem.Decode wants the BEGIN and END lines on lines of their own: a folded YAML
        # block (``>``) or a one-line value joins them with the body, and nothing decodes.
        raise CertificateError("invalid registry certificate: failed to parse certificate PEM")
    body = "".join(first.body.split())
    try:
        # Go's pem.Decode: the body must be valid base64, else there is no PEM block at all.
        der = base64.b64decode(body, validate=True)
    except (ValueError, binascii.Error):
        raise CertificateError(
            "invalid registry certificate: failed to parse certificate PEM"
        ) from None
    try:
        return x509.load_der_x509_certificate(der)
    except ValueError:
        # cryptography's parser errors are Rust debug text; Go says this.
        raise CertificateError(
            "invalid registry certificate: failed to parse certificate: x509: malformed certificate"
        ) from None


_BEGIN_LINE = re.compile(r"-----BEGIN [A-Z0-9 ]+-----[ \t]*\r?\n")
_END_LINE = re.compile(r"\n-----END [A-Z0-9 ]+-----$")


def _own_lines(value: str, block: PemBlock) -> bool:
    """Whether the block's BEGIN and END markers each sit alone on their line, as Go's
    ``pem.Decode`` requires (trailing spaces and tabs allowed)."""
    if not _BEGIN_LINE.match(block.text) or not _END_LINE.search(block.text):
        return False
    at = value.find(block.text) + len(block.text)
    return not value[at:].split("\n", 1)[0].strip(" \t\r")


def short_name(name: x509.Name) -> str:
    """``CN=…`` when there is a common name, else the full RFC 4514 string."""
    from cryptography.x509.oid import NameOID

    common = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    if common:
        return f"CN={common[0].value!s}"
    return name.rfc4514_string() or "(empty name)"


def summarize(cert: x509.Certificate) -> CertSummary:
    from cryptography.hazmat.primitives import hashes

    dns, ips = _alt_names(cert)
    return CertSummary(
        subject=cert.subject.rfc4514_string(),
        issuer=cert.issuer.rfc4514_string(),
        short_subject=short_name(cert.subject),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        sha256=cert.fingerprint(hashes.SHA256()).hex(":").upper(),
        is_ca=_is_ca(cert),
        signature_algorithm=_algorithm_name(cert),
        signature_hash=_hash_name(cert),
        dns_names=dns,
        ip_addresses=ips,
    )


def _is_ca(cert: x509.Certificate) -> bool | None:
    """basicConstraints CA, ``None`` when the extension is absent or unreadable."""
    from cryptography import x509

    try:
        return cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except (x509.ExtensionNotFound, ValueError):
        return None


def _alt_names(cert: x509.Certificate) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(DNS names, IP addresses) of the subjectAltName, empty when absent or unreadable."""
    from cryptography import x509

    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except (x509.ExtensionNotFound, ValueError):
        return (), ()
    dns = tuple(san.get_values_for_type(x509.DNSName))
    return dns, tuple(str(ip) for ip in san.get_values_for_type(x509.IPAddress))


def _hash_name(cert: x509.Certificate) -> str:
    try:
        algorithm = cert.signature_hash_algorithm
    except Exception:  # an unsupported algorithm: it is named by its OID instead
        return ""
    return algorithm.name if algorithm is not None else ""


def _algorithm_name(cert: x509.Certificate) -> str:
    """The algorithm's name, or its dotted OID when ``cryptography`` does not know it (it
    names every unknown OID ``Unknown OID``)."""
    oid = cert.signature_algorithm_oid
    name = str(getattr(oid, "_name", ""))
    return oid.dotted_string if name in ("", "Unknown OID") else name


def quality_problems(cert: x509.Certificate, now: datetime | None = None) -> list[str]:
    """Why a parsed CA certificate will fail or mislead on the nodes (empty when fine)."""
    now = now or datetime.now(timezone.utc)
    summary = summarize(cert)
    # No SHA-1 check: this certificate is a root (EKS-A's preflight and containerd put it in
    # the root pool) and Go never verifies a root's own signature. A SHA-1 signature on the
    # served certificate is the live check's business (docs/rules.md, RM015).
    problems = []
    if summary.not_after < now:
        problems.append(
            f"the CA certificate ({summary.subject}) expired on {summary.not_after:%Y-%m-%d}"
        )
    if summary.not_before > now:
        problems.append(
            f"the CA certificate ({summary.subject}) is not valid before "
            f"{summary.not_before:%Y-%m-%d}"
        )
    if summary.is_ca is False:
        problems.append(
            f"the certificate ({summary.subject}) is not a CA (basicConstraints CA:FALSE); "
            "caCertContent must be the CA that signed the registry certificate"
        )
    return problems
