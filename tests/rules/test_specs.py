"""The project's own EKS Anywhere specs (``tests/data/specs/``): the ground of the real corpus.

Each file stands for one row of the real EKS-A test-data corpus (``test_corpus.py``, which
runs only where that corpus lies beside the repository): the same provider, the same mirror
mistakes and the same certificate kinds, written for this repository so that a fresh clone
tests all of it. Items are ``(code, 1-based line)``; they must equal the findings exactly.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from eksa_mirror.rules.analysis import Options, analyze
from support import DATA

SPECS = DATA / "specs"
#: The CAs of these files are valid from 2024 to 2034.
OPTIONS = Options(now=datetime(2026, 8, 18, tzinfo=timezone.utc))

EXPECTED: dict[str, list[tuple[str, int]]] = {
    # EKS-A rejects the empty registry; RM010 waits: the entry may be the public.ecr.aws one
    "empty-oci-registry.yaml": [("RM003", 26)],
    # port integer; authenticate; insecureSkipVerify with a CA: one RM019 says both things
    "nutanix-insecure-auth.yaml": [("RM008", 25), ("RM016", 29), ("RM019", 30)],
    "vsphere-port-integer.yaml": [("RM008", 25)],
    # a SHA-1-signed CA is a root: Go never verifies its signature, so it is clean
    "vsphere-sha1-ca.yaml": [],
    "vsphere-auth-sha1-ca.yaml": [("RM016", 26)],
    # several ociNamespaces on Bottlerocket (EKS-A v0.20+): nothing to say
    "vsphere-bottlerocket-namespaces.yaml": [],
    # Docker is outside the mirror support table
    "docker-auth-sha1-ca.yaml": [("RM016", 26), ("RM020", 23)],
    # a double-quoted CA with \n escapes parses; no hookImagesURLPath for air-gapped bare metal
    "tinkerbell-quoted-ca.yaml": [("RM008", 25), ("RM022", 23)],
    # CloudStack is deprecated and outside the table; the port defaults to 443
    "cloudstack-sha1-ca.yaml": [("RM020", 23)],
}


def test_spec_files_match_the_table() -> None:
    assert sorted(p.name for p in SPECS.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_spec_file(name: str) -> None:
    text = (SPECS / name).read_text(encoding="utf-8")
    found = analyze(text, OPTIONS).findings
    assert sorted((f.code, f.span.start.line + 1) for f in found) == sorted(EXPECTED[name])


def test_empty_registry_message_is_eksas() -> None:
    text = (SPECS / "empty-oci-registry.yaml").read_text(encoding="utf-8")
    messages = [f.message for f in analyze(text, OPTIONS).findings if f.code == "RM003"]
    assert messages == ["registry can't be set to empty in OCINamespaces"]


def test_sha1_signed_cas_are_sha1_and_clean() -> None:
    """The SHA-1 files really carry a SHA-1-signed CA, and no finding is about it."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    for name in sorted(n for n in EXPECTED if "sha1" in n):
        text = (SPECS / name).read_text(encoding="utf-8")
        begin = text.index("-----BEGIN CERTIFICATE-----")
        end = text.index("-----END CERTIFICATE-----") + len("-----END CERTIFICATE-----")
        pem = "\n".join(line.strip() for line in text[begin:end].splitlines())
        cert = x509.load_pem_x509_certificate(pem.encode())
        assert isinstance(cert.signature_hash_algorithm, hashes.SHA1), name
        codes = {f.code for f in analyze(text, OPTIONS).findings}
        assert not codes & {"RM014", "RM015"}, (name, codes)
