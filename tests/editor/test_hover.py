"""Hover text (pure): which keys answer, with which title and span, the mirror mapping of
an entry, and certificate summaries that never show a private key."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import hashes

from eksa_mirror.core import schema_store
from eksa_mirror.core.positions import Position, Span
from eksa_mirror.editor.hover import HoverText, certificate_markdown, hover
from eksa_mirror.rules.analysis import analyze
from support import EXAMPLES, issue

VALID = (EXAMPLES / "valid-mirror.yaml").read_text()


def hover_at(text: str, needle: str, delta: int = 0, version: str = "") -> HoverText | None:
    result = analyze(text)
    offset = text.index(needle) + delta
    line = text.count("\n", 0, offset)
    column = offset - (text.rfind("\n", 0, offset) + 1)
    return hover(result.source, result.clusters, line, column, version)


# (needle, characters into it, field path, key span on that line)
KEYS = [
    ("  registryMirrorConfiguration:", 5, (), (2, 29)),
    ("    endpoint: 10.0.0.5", 6, ("endpoint",), (4, 12)),
    ("    endpoint: 10.0.0.5", 18, ("endpoint",), (4, 12)),  # on the value
    ('    port: "443"', 4, ("port",), (4, 8)),  # first character of the key
    ("    ociNamespaces:", 17, ("ociNamespaces",), (4, 17)),  # last character
    ("      - registry: 7837", 10, ("ociNamespaces", "registry"), (8, 16)),
    ('        namespace: ""', 9, ("ociNamespaces", "namespace"), (8, 17)),
    ("    authenticate: false", 5, ("authenticate",), (4, 16)),
    ("    insecureSkipVerify: false", 5, ("insecureSkipVerify",), (4, 22)),
]


@pytest.mark.parametrize(("needle", "delta", "field", "span"), KEYS)
def test_keys(needle: str, delta: int, field: tuple[str, ...], span: tuple[int, int]) -> None:
    found = hover_at(VALID, needle, delta)
    assert found is not None
    title = ".".join(["registryMirrorConfiguration", *field])
    assert found.markdown.startswith(f"**`{title}`**\n\n---\n\n")
    assert schema_store.documentation(field) in found.markdown
    line = VALID.count("\n", 0, VALID.index(needle))
    assert found.span == Span(Position(line, span[0]), Position(line, span[1]))


SPELLINGS = (
    "apiVersion: anywhere.eks.amazonaws.com/v1alpha1\nkind: Cluster\nspec:\n"
    "  registryMirrorConfiguration:\n"
    '    "endpoint": 10.0.0.5\n'
    "    'port': \"443\"\n"
    '    CACertContent: ""\n'
)


@pytest.mark.parametrize(
    ("needle", "field", "span"),
    [
        ('"endpoint"', ("endpoint",), (5, 13)),  # a double-quoted key
        ("'port'", ("port",), (5, 9)),  # a single-quoted key
        ("CACertContent", ("caCertContent",), (4, 17)),  # eksctl's case-insensitive match
    ],
)
def test_quoted_and_miscased_keys(
    needle: str, field: tuple[str, ...], span: tuple[int, int]
) -> None:
    found = hover_at(SPELLINGS, needle, 2)
    assert found is not None
    assert schema_store.documentation(field) in found.markdown
    line = SPELLINGS.count("\n", 0, SPELLINGS.index(needle))
    assert found.span == Span(Position(line, span[0]), Position(line, span[1]))


@pytest.mark.parametrize(
    ("needle", "delta"),
    [
        ('  kubernetesVersion: "1.31"', 4),  # another key of the Cluster
        ("    endpoint:\n      host", 6),  # controlPlaneConfiguration.endpoint
        ("  datacenter: dc1", 4),  # another document
        ("# A vSphere", 3),  # a comment
        ("    endpoint: 10.0.0.5", 2),  # the indentation before a key
    ],
)
def test_nothing_outside_the_mirror_keys(needle: str, delta: int) -> None:
    assert hover_at(VALID, needle, delta) is None


def test_nothing_on_a_key_under_a_field_that_takes_a_string() -> None:
    text = VALID.replace("    endpoint: 10.0.0.5", "    endpoint:\n      host: 10.0.0.5")
    assert hover_at(text, "      host: 10.0.0.5", 7) is None


def test_half_typed_yaml_still_gets_documentation() -> None:
    text = VALID.replace("    endpoint: 10.0.0.5\n", "    endpoint: 10.0.0.5\n    endp\n")
    found = hover_at(text, '    port: "443"', 5)
    assert found is not None and schema_store.documentation(("port",)) in found.markdown


def test_not_an_eksa_document() -> None:
    text = VALID.replace("anywhere.eks.amazonaws.com/v1alpha1\nkind: Cluster", "v1\nkind: Cluster")
    assert hover_at(text, '    port: "443"', 5) is None


def test_mapping_of_each_entry() -> None:
    curated = hover_at(VALID, "      - registry: 7837", 10)
    public = hover_at(VALID, "      - registry: public.ecr.aws", 10)
    assert curated is not None and public is not None
    assert "**Mirror**" in curated.markdown and "**Mirror**" in public.markdown
    assert (
        "`783794618700.dkr.ecr.us-west-2.amazonaws.com/x` pulls from "
        "`https://10.0.0.5:443/v2/eks-anywhere/x`" in curated.markdown
    )
    assert "`/etc/containerd/certs.d/public.ecr.aws/hosts.toml`" in public.markdown


def test_target_release() -> None:
    found = hover_at(VALID, '    port: "443"', 5, version="v0.20.0")
    assert found is not None
    assert "Target release: EKS Anywhere v0.20.0" in found.markdown


def test_a_target_release_newer_than_known_says_so() -> None:
    found = hover_at(VALID, '    port: "443"', 5, version="v0.99.0")
    assert found is not None
    assert (
        "Target release: EKS Anywhere v0.26.1, the newest release eksa-mirror knows "
        "(v0.99.0 from --eksa-version / eksaMirror.eksaVersion is newer)." in found.markdown
    )


_MADE = issue("mirror-ca", ca=True, key="p256")
#: The key in OpenSSL's traditional form (``BEGIN EC PRIVATE KEY``), beside PKCS#8 elsewhere.
CERT, CERT_PEM, KEY_PEM = _MADE.cert, _MADE.pem, _MADE.traditional_key_pem


@pytest.mark.parametrize(
    "content",
    [CERT_PEM, CERT_PEM + KEY_PEM, CERT_PEM + CERT_PEM, KEY_PEM + CERT_PEM, KEY_PEM, "garbage"],
    ids=["cert", "cert+key", "two certs", "key+cert", "key", "garbage"],
)
def test_certificate_markdown(content: str) -> None:
    text = certificate_markdown(content)
    for line in KEY_PEM.strip().split("\n"):
        assert line not in text
    if content.startswith("-----BEGIN CERTIFICATE"):
        assert "- **Subject:** `CN=mirror-ca`" in text
        assert f"`{CERT.fingerprint(hashes.SHA256()).hex(':').upper()}`" in text
        assert "- **CA:** yes" in text
        assert "- **Signature:** ecdsa-with-SHA256" in text
        assert ("2 certificates: EKS-A uses the first." in text) == (content.count("CERT") == 4)
    else:
        assert text.startswith("**Certificate:** ")


def test_no_mapping_while_a_mirror_line_is_broken() -> None:
    """The port's quote left open: where the entry pulls from is unknown (not port 443)."""
    text = VALID.replace('    port: "443"', '    port: "5000')
    found = hover_at(text, "      - registry: 7837", 10)
    assert found is not None
    assert "**Mirror**" not in found.markdown
    assert schema_store.documentation(("ociNamespaces", "registry")) in found.markdown
