"""Certificates and keys for the caCertContent rules, generated once per session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from support import issue

from .helpers import NOW


def make_cert(
    cn: str = "mirror-ca",
    *,
    ca: bool | None = True,
    days_before: int = 1,
    days_after: int = 365,
    sha1: bool = False,
) -> tuple[str, str]:
    """(certificate PEM, private key PEM) of a self-signed certificate valid around ``NOW``:
    P-256 (RSA for a SHA-1 one); ``ca=None`` leaves out basicConstraints."""
    made = issue(
        cn,
        ca=bool(ca),
        key="rsa2048" if sha1 else "p256",
        not_before=NOW - timedelta(days=days_before),
        not_after=NOW + timedelta(days=days_after),
        sha1=sha1,
        basic_constraints=ca is not None,
    )
    return made.pem, made.key_pem


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
