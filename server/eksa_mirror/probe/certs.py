"""Certificate facts for ``check``: parse ``caCertContent`` the way EKS-A does (the first
PEM block, as the only root), describe the server certificate (``core.pki.CertSummary``),
and name verification failures precisely: OpenSSL's verification code says which check
failed, ``cryptography`` gives the names, dates and signature algorithm for the message.
EKS-A's source followed: docs/check.md ("How check is built").
"""

from __future__ import annotations

import datetime as dt
import ipaddress

from cryptography import x509

from eksa_mirror.core import pki

# OpenSSL X509_V_ERR_* codes (ssl.SSLCertVerificationError.verify_code).
UNKNOWN_AUTHORITY_CODES = frozenset({2, 18, 19, 20, 21, 27})
NOT_YET_VALID = 9
EXPIRED = 10
HOSTNAME_MISMATCH = 62
IP_ADDRESS_MISMATCH = 64
CA_MD_TOO_WEAK = 68


def pem_of(cert: x509.Certificate) -> str:
    from cryptography.hazmat.primitives.serialization import Encoding

    return cert.public_bytes(Encoding.PEM).decode("ascii")


def names(cert: pki.CertSummary) -> str:
    """The names the certificate is valid for, as a reader wants them."""
    found = [*cert.dns_names, *cert.ip_addresses]
    if not found:
        return f"no subjectAltName ({cert.short_subject}; the common name is ignored)"
    return ", ".join(found)


def matches(cert: pki.CertSummary, host: str) -> bool:
    """Go-style name check: IP SANs for IPs, DNS SANs (one-label wildcards) for names."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is not None:
        return any(ipaddress.ip_address(ip) == address for ip in cert.ip_addresses)
    wanted = host.rstrip(".").lower()
    for pattern in cert.dns_names:
        pattern = pattern.rstrip(".").lower()
        if pattern == wanted:
            return True
        if pattern.startswith("*.") and "." in wanted and wanted.split(".", 1)[1] == pattern[2:]:
            return True
    return False


def when(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def own_findings(
    leaf: pki.CertSummary, endpoint: str, now: dt.datetime | None = None, *, trusted: bool = False
) -> list[tuple[str, str]]:
    """Problems visible on the server certificate alone, as ``(key, message)``.

    ``trusted``: the certificate is itself in the root pool, so its signature is never
    checked (as in Go).
    """
    now = now or dt.datetime.now(dt.timezone.utc)
    found: list[tuple[str, str]] = []
    if now > leaf.not_after:
        found.append(("endpoint", f"the server certificate expired on {when(leaf.not_after)}"))
    if now < leaf.not_before:
        found.append(
            ("endpoint", f"the server certificate is not valid before {when(leaf.not_before)}")
        )
    if leaf.signature_hash in ("sha1", "md5") and not trusted:
        found.append(("endpoint", sha1_message(leaf)))
    if not matches(leaf, endpoint):
        found.append(("endpoint", mismatch_message(leaf, endpoint)))
    return found


#: Go's names of the signature algorithms its verifier refuses (``x509.SignatureAlgorithm``).
GO_ALGORITHM_NAMES = {
    "sha1WithRSAEncryption": "SHA1-RSA",
    "ecdsa-with-SHA1": "ECDSA-SHA1",
    "dsa-with-sha1": "DSA-SHA1",
    "md5WithRSAEncryption": "MD5-RSA",
    "md2WithRSAEncryption": "MD2-RSA",
}


def sha1_message(cert: pki.CertSummary, who: str = "the server certificate") -> str:
    """Why Go refuses ``cert``, with Go's own wording."""
    digest = cert.signature_hash.upper().replace("SHA", "SHA-")
    go_name = GO_ALGORITHM_NAMES.get(cert.signature_algorithm, cert.signature_algorithm)
    return (
        f"{who} is signed with {digest} ({cert.signature_algorithm}): x509: cannot verify"
        f" signature: insecure algorithm {go_name} (EKS Anywhere rejects SHA-1 certificates"
        " since v0.12.0)"
    )


def mismatch_message(leaf: pki.CertSummary, endpoint: str) -> str:
    return f"the server certificate is for {names(leaf)}, not {endpoint}"
