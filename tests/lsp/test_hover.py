"""Hover: the schema's documentation word for word, the effective mirror mapping on an
ociNamespaces entry, and a certificate summary that never shows a private key."""

from __future__ import annotations

import json

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import NameOID
from lsprotocol import types

from support import issue, schema_docs

from .support import EXAMPLES, SCHEMA, RecordingClient, opened

pytestmark = pytest.mark.asyncio(loop_scope="module")

VALID = (EXAMPLES / "valid-mirror.yaml").read_text()
SCHEMA_JSON = json.loads(SCHEMA.read_text())


def markdown(result: types.Hover | None) -> str:
    assert result is not None
    assert isinstance(result.contents, types.MarkupContent)
    assert result.contents.kind == types.MarkupKind.Markdown
    return result.contents.value


# (line text to find, key, schema path)
KEYS = [
    ("  registryMirrorConfiguration:", "registryMirrorConfiguration", ()),
    ("    endpoint: 10.0.0.5", "endpoint", ("endpoint",)),
    ('    port: "443"', "port", ("port",)),
    ("    ociNamespaces:", "ociNamespaces", ("ociNamespaces",)),
    ("      - registry: 7837", "registry", ("ociNamespaces", "registry")),
    ("        namespace: eks-anywhere", "namespace", ("ociNamespaces", "namespace")),
    ("    authenticate: false", "authenticate", ("authenticate",)),
    ("    insecureSkipVerify: false", "insecureSkipVerify", ("insecureSkipVerify",)),
]


@pytest.mark.parametrize(("line", "key", "path"), KEYS, ids=[k[1] for k in KEYS])
async def test_every_key_shows_the_schema_text(
    client: RecordingClient, line: str, key: str, path: tuple[str, ...]
) -> None:
    async with opened(client, "hover.yaml", VALID) as doc:
        start = doc.text.index(line) + line.index(key)
        on_key = await doc.hover(doc.pos(line, delta=line.index(key) + 2))
        on_value = await doc.hover(doc.pos(line, delta=len(line) - 1))
    text = markdown(on_key)
    assert schema_docs(*path) in text
    assert text.startswith(f"**`{'.'.join(['registryMirrorConfiguration', *path])}`**")
    assert on_key is not None and on_key.range is not None
    assert on_key.range.start == doc.pos(line, delta=line.index(key))
    assert on_key.range.end == doc.pos(line, delta=line.index(key) + len(key))
    assert doc.text[start : start + len(key)] == key
    assert markdown(on_value) == text


async def test_an_entry_shows_where_its_images_come_from(client: RecordingClient) -> None:
    async with opened(client, "mapping.yaml", VALID) as doc:
        curated = markdown(await doc.hover(doc.pos("      - registry: 7837", delta=10)))
        public = markdown(await doc.hover(doc.pos('        namespace: ""', delta=10)))
    assert (
        "- `783794618700.dkr.ecr.us-west-2.amazonaws.com/x` pulls from "
        "`https://10.0.0.5:443/v2/eks-anywhere/x`"
    ) in curated
    assert (
        "- `public.ecr.aws/eks-anywhere/x` pulls from `https://10.0.0.5:443/v2/eks-anywhere/x`"
    ) in public
    assert "`/etc/containerd/certs.d/public.ecr.aws/hosts.toml`" in public
    assert "public.ecr.aws" not in curated.split("**Mirror**", 1)[1].split("---", 1)[0]


_SUBJECT = x509.Name(
    [
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Example"),
        x509.NameAttribute(NameOID.COMMON_NAME, "mirror-ca"),
    ]
)
_MADE = issue(_SUBJECT, ca=True, key="p256")
CERT, CERT_PEM, KEY_PEM = _MADE.cert, _MADE.pem, _MADE.key_pem


def with_ca(content: str) -> str:
    block = "".join(f"      {line}\n" for line in content.strip().split("\n"))
    return VALID.replace(
        "    insecureSkipVerify: false\n",
        f"    insecureSkipVerify: false\n    caCertContent: |\n{block}",
    )


async def test_the_certificate_summary(client: RecordingClient) -> None:
    async with opened(client, "ca.yaml", with_ca(CERT_PEM)) as doc:
        text = markdown(await doc.hover(doc.pos("    caCertContent", delta=6)))
    assert schema_docs("caCertContent") in text
    valid = (
        f"{CERT.not_valid_before_utc:%Y-%m-%d %H:%M} UTC to "
        f"{CERT.not_valid_after_utc:%Y-%m-%d %H:%M} UTC"
    )
    for expected in (
        "- **Subject:** `CN=mirror-ca,O=Example`",
        "- **Issuer:** `CN=mirror-ca,O=Example`",
        f"- **Valid:** {valid}",
        f"- **SHA-256:** `{CERT.fingerprint(hashes.SHA256()).hex(':').upper()}`",
        "- **CA:** yes",
        "- **Signature:** ecdsa-with-SHA256",
    ):
        assert expected in text


@pytest.mark.parametrize(
    "content",
    [CERT_PEM + KEY_PEM, KEY_PEM + CERT_PEM, KEY_PEM],
    ids=["cert then key", "key then cert", "key only"],
)
async def test_a_pasted_private_key_never_shows(client: RecordingClient, content: str) -> None:
    async with opened(client, "key.yaml", with_ca(content)) as doc:
        hovers = [
            await doc.hover(doc.pos("    caCertContent", delta=6)),
            await doc.hover(doc.pos("      -----BEGIN PRIVATE KEY-----", delta=10)),
        ]
        diagnostics = await doc.diagnostics()
    text = markdown(hovers[0])
    assert "PRIVATE KEY" not in text
    for line in KEY_PEM.strip().split("\n")[1:-1]:
        assert line not in text
        assert all(line not in d.message for d in diagnostics)
    assert hovers[1] is None  # inside the block scalar: no key there
    assert "RM027" in {str(d.code) for d in diagnostics}


@pytest.mark.parametrize(
    ("text", "needle", "delta"),
    [
        (VALID, '  kubernetesVersion: "1.31"', 4),
        (VALID, "  datacenter: dc1", 4),
        (VALID.replace("anywhere.eks.amazonaws.com/v1alpha1\nkind: Cluster", "v1\nkind: Cluster"),
         "    endpoint: 10.0.0.5", 6),
        (VALID, "# A vSphere cluster", 4),
    ],
    ids=["other cluster key", "datacenter config", "not EKS-A", "comment"],
)  # fmt: skip
async def test_nothing_outside_the_mirror_section(
    client: RecordingClient, text: str, needle: str, delta: int
) -> None:
    async with opened(client, "other.yaml", text) as doc:
        assert await doc.hover(doc.pos(needle, delta=delta)) is None
