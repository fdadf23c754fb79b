"""TLS client settings that reach Go's verdict, since EKS Anywhere and containerd are Go.

``check`` uses the context built here instead of Python's default one: Go 1.25's client
defaults (versions, cipher suites, key sizes, SHA-1, a pool certificate as its own anchor),
and the names of a handshake Go would refuse. Which defaults, and why each OpenSSL setting
matches them: docs/check.md ("How TLS is judged", "How check is built").
"""

from __future__ import annotations

import ssl

#: Go 1.25's default TLS 1.2 cipher suites, in its order (OpenSSL names).
GO_TLS12_CIPHERS = (
    "ECDHE-ECDSA-AES128-GCM-SHA256",
    "ECDHE-RSA-AES128-GCM-SHA256",
    "ECDHE-ECDSA-AES256-GCM-SHA384",
    "ECDHE-RSA-AES256-GCM-SHA384",
    "ECDHE-ECDSA-CHACHA20-POLY1305",
    "ECDHE-RSA-CHACHA20-POLY1305",
    "ECDHE-ECDSA-AES128-SHA",
    "ECDHE-RSA-AES128-SHA",
    "ECDHE-ECDSA-AES256-SHA",
    "ECDHE-RSA-AES256-SHA",
)


def _base() -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.set_ciphers(":".join(GO_TLS12_CIPHERS) + ":@SECLEVEL=1")
    return context


def unverified_context() -> ssl.SSLContext:
    """Go's handshake without certificate verification (``InsecureSkipVerify``)."""
    context = _base()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def verifying_context(ca_pem: str, *, system_roots: bool = False) -> ssl.SSLContext:
    """Go's handshake and verification with ``ca_pem`` as the only root ("": system roots).

    ``system_roots``: trust the system roots as well (containerd's view of a host).
    """
    context = _base()
    if ca_pem:
        context.load_verify_locations(cadata=ca_pem)
    if system_roots or not ca_pem:
        context.load_default_certs()
    context.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN
    context.verify_flags &= ~ssl.VERIFY_X509_STRICT
    context.hostname_checks_common_name = False
    return context


def anything_context() -> ssl.SSLContext:
    """Every protocol version and cipher OpenSSL has: to learn what a server *does* speak."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.set_ciphers("ALL:@SECLEVEL=0")
    context.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
    return context


def refusal(version: str, cipher: str) -> str:
    """Why Go's client fails with a server that negotiates ``version``/``cipher`` elsewhere."""
    if version in ("SSLv3", "TLSv1", "TLSv1.1"):
        return (
            f"the registry speaks {version} at most; Go's TLS client (EKS Anywhere,"
            " containerd) needs TLS 1.2 or 1.3"
        )
    if version == "TLSv1.3" or cipher in GO_TLS12_CIPHERS:
        return (
            f"the handshake fails with Go's client settings but not with the laxest ones"
            f" ({version}, {cipher}): the server's key or handshake signature is one Go"
            " refuses (an RSA key under 1024 bits, a SHA-1 signature)"
        )
    return (
        f"the registry accepts none of the TLS 1.2 cipher suites Go's client (EKS Anywhere,"
        f" containerd) offers: offered every suite, it chose {cipher}; Go offers ECDHE suites"
        " only (no DHE, no RSA key exchange, no 3DES)"
    )
