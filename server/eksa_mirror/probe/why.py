"""Why a server certificate did not verify, named the way a registry admin can act on it.

The verdict itself comes from OpenSSL configured as Go (``gotls``); this module only
turns it into one message: which certificate (the server's, an intermediate the
registry sends, or the CA of ``caCertContent``) is expired, signed with SHA-1, not a CA,
or missing. It reads the chain the registry serves when it can (``chain``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID

from eksa_mirror.core import pki
from eksa_mirror.probe import certs

#: The verify codes OpenSSL reports as "invalid CA certificate" (it has used two numbers).
INVALID_CA = frozenset({24, 79})
INVALID_PURPOSE = 26
#: X509_V_ERR_EE_KEY_TOO_SMALL, X509_V_ERR_CA_KEY_TOO_SMALL.
KEY_TOO_SMALL = frozenset({66, 67})
ANY_EKU = x509.ObjectIdentifier("2.5.29.37.0")


@dataclass(frozen=True)
class Context:
    """What is known about one failed verification."""

    endpoint: str
    code: int | None
    detail: str
    leaf: x509.Certificate | None
    #: Certificates the registry sends after its own (``None``: not known).
    intermediates: tuple[x509.Certificate, ...] | None
    ca: x509.Certificate | None
    ca_label: str
    now: dt.datetime


def explain(ctx: Context) -> tuple[str, str]:
    """``(mirror key, message)`` for a certificate that does not verify."""
    for rule in (_name, _time, _weak, _purpose, _key_size, _not_a_ca, _unknown_authority):
        found = rule(ctx)
        if found is not None:
            return found
    if ctx.leaf is not None:
        leaf = pki.summarize(ctx.leaf)
        findings = certs.own_findings(leaf, ctx.endpoint, ctx.now, trusted=_trusted(ctx))
        if findings:
            return findings[0]
    return "endpoint", f"the server certificate does not verify: {ctx.detail}"


def _trusted(ctx: Context) -> bool:
    return ctx.ca is not None and ctx.leaf == ctx.ca


def _chain(ctx: Context) -> list[tuple[str, str, x509.Certificate]]:
    """``(key, who, cert)`` from the server certificate up to the CA."""
    found: list[tuple[str, str, x509.Certificate]] = []
    if ctx.leaf is not None:
        found.append(("endpoint", "the server certificate", ctx.leaf))
    for cert in ctx.intermediates or ():
        name = pki.short_name(cert.subject)
        who = f"the intermediate certificate {name} sent by the registry"
        found.append(("endpoint", who, cert))
    if ctx.ca is not None and ctx.ca != ctx.leaf:
        found.append(("caCertContent", ctx.ca_label, ctx.ca))
    return found


def _name(ctx: Context) -> tuple[str, str] | None:
    if ctx.code not in (certs.HOSTNAME_MISMATCH, certs.IP_ADDRESS_MISMATCH) or ctx.leaf is None:
        return None
    return "endpoint", certs.mismatch_message(pki.summarize(ctx.leaf), ctx.endpoint)


def _time(ctx: Context) -> tuple[str, str] | None:
    if ctx.code not in (certs.EXPIRED, certs.NOT_YET_VALID):
        return None
    for key, who, cert in _chain(ctx):
        if ctx.now > cert.not_valid_after_utc:
            return key, f"{who} expired on {certs.when(cert.not_valid_after_utc)}"
        if ctx.now < cert.not_valid_before_utc:
            return key, f"{who} is not valid before {certs.when(cert.not_valid_before_utc)}"
    return None


def _weak(ctx: Context) -> tuple[str, str] | None:
    if ctx.code != certs.CA_MD_TOO_WEAK:
        return None
    # A root's own signature is never checked: only certificates below it count.
    for key, who, cert in _chain(ctx):
        if cert == ctx.ca or cert.issuer == cert.subject:
            continue
        info = pki.summarize(cert)
        if info.signature_hash in ("sha1", "md5"):
            return key, certs.sha1_message(info, who)
    return None


def _purpose(ctx: Context) -> tuple[str, str] | None:
    if ctx.code != INVALID_PURPOSE:
        return None
    for key, who, cert in _chain(ctx):
        try:
            usage = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        except x509.ExtensionNotFound:
            continue
        oids = list(usage)
        if ExtendedKeyUsageOID.SERVER_AUTH in oids or ANY_EKU in oids:
            continue
        names = ", ".join(getattr(oid, "_name", oid.dotted_string) for oid in oids) or "none"
        return key, (
            f"{who} is not for TLS servers (extended key usage: {names}): x509: certificate"
            " specifies an incompatible key usage"
        )
    return None


def _key_size(ctx: Context) -> tuple[str, str] | None:
    if ctx.code not in KEY_TOO_SMALL:
        return None
    for key, who, cert in _chain(ctx):
        public = cert.public_key()
        if isinstance(public, rsa.RSAPublicKey) and public.key_size < 1024:
            return key, (
                f"{who} has a {public.key_size}-bit RSA key: Go refuses RSA keys under 1024 bits"
            )
    return None


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return cert.version is x509.Version.v1


def _not_a_ca(ctx: Context) -> tuple[str, str] | None:
    if ctx.code not in INVALID_CA:
        return None
    for key, who, cert in _chain(ctx)[1:]:
        if not _is_ca(cert):
            return key, (
                f"{who} is not a CA certificate (no basicConstraints CA:TRUE), so it cannot"
                " sign the server certificate: x509: parent certificate cannot sign this kind"
                " of certificate"
            )
    return None


def _unknown_authority(ctx: Context) -> tuple[str, str] | None:
    if ctx.code not in certs.UNKNOWN_AUTHORITY_CODES:
        return None
    if ctx.ca is None:
        return "caCertContent", (
            f"registry {ctx.endpoint} is using self-signed certs, please provide the"
            " certificate using caCertContent field. Or use insecureSkipVerify field to skip"
            " registry certificate verification"
        )
    issuer = pki.short_name(ctx.leaf.issuer) if ctx.leaf else ""
    message = f"{ctx.ca_label} did not sign the server certificate"
    if ctx.intermediates:
        top = ctx.intermediates[-1]
        return "caCertContent", (
            f"{message} (issued by {issuer}; the chain the registry sends ends with"
            f" {pki.short_name(top.subject)}, issued by {pki.short_name(top.issuer)})"
        )
    leaf = ctx.leaf
    if ctx.intermediates is not None and leaf is not None and leaf.issuer != leaf.subject:
        return "caCertContent", (
            f"{message} (issued by {issuer}), and the registry sends no intermediate"
            f" certificate: if {issuer} is an intermediate of that CA, serve the chain"
            " (the server certificate followed by its intermediates)"
        )
    return "caCertContent", f"{message} (issued by {issuer})" if issuer else message
