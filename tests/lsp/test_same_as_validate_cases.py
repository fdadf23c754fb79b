"""The editor shows what ``validate`` prints for the cases a person trips on: credential keys
by meaning (RM026 vs RM006), suppressions written in capitals, a ``.eksa-mirror.toml`` saved
with a byte-order mark, a release newer than the tool knows, and the double /v2 of v0.24.0
(RM033 on Ubuntu/RHEL nodes only, on the entry that counts). Push (VS Code) and pull
(Neovim) clients alike, as in test_project_config."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types

from support import MIRROR_HEAD, cluster

from .support import CLIENTS, open_file, started, summary, validate_json

pytestmark = pytest.mark.asyncio(loop_scope="function")

CASES = {
    "credential-words": cluster(
        'endpoint: r.local\nauthenticate: true\nAuthorization: "Basic dXNlcjpwYXNz"\n'
        "basicAuth: robot:pw\nuserAgent: crictl\npassThrough: true\n"
        'header:\n  authorization: "Bearer abc"\n'
    ),
    "capital-markers": MIRROR_HEAD
    + "    endpoint: registry.example.com\n"
    + "    port: 443  # EKSA-MIRROR: IGNORE[RM008]\n"
    + "    insecureSkipVerify: true  # Eksa-Mirror: ignore[RM019, RM009]\n"
    + "# EKSA-MIRROR: IGNOR[RM010]\n",
}


@pytest.mark.parametrize("name", CLIENTS)
async def test_same_findings_as_validate(name: str, tmp_path: Path) -> None:
    expected_codes = {
        "credential-words": ["RM006", "RM006", "RM016", "RM026", "RM026", "RM026"],
        "capital-markers": ["RM031", "RM031"],
    }
    async with started(name) as client:
        for case, text in CASES.items():
            path = tmp_path / f"{case}.yaml"
            path.write_text(text, encoding="utf-8")
            expected = validate_json(path)
            assert sorted(code for code, _ in expected) == expected_codes[case], case
            diagnostics = await open_file(client, path).diagnostics()
            assert summary(diagnostics) == expected, case


@pytest.mark.parametrize("name", CLIENTS)
async def test_a_configuration_with_a_byte_order_mark_applies(name: str, tmp_path: Path) -> None:
    (tmp_path / ".eksa-mirror.toml").write_bytes(b'\xef\xbb\xbfignore = ["RM008"]\n')
    path = tmp_path / "c.yaml"
    path.write_text(MIRROR_HEAD + "    endpoint: registry.local\n    port: 443\n")
    assert validate_json(path) == []
    async with started(name) as client:
        assert await open_file(client, path).diagnostics() == []
        assert client.messages == []


@pytest.mark.parametrize("name", CLIENTS)
async def test_a_release_newer_than_known(name: str, tmp_path: Path) -> None:
    """The setting is accepted, the findings are those of the newest release known, and the
    hover says which release that is and why."""
    path = tmp_path / "c.yaml"
    path.write_text(MIRROR_HEAD + "    endpoint: registry.local\n    port: 443\n")
    expected = validate_json(path, "--eksa-version", "v0.99.0")
    async with started(name, options={"eksaVersion": "v0.99.0"}) as client:
        doc = open_file(client, path)
        assert summary(await doc.diagnostics()) == expected
        hover = await doc.hover(doc.pos("    port: 443", delta=5))
        assert client.messages == []
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert (
        "Target release: EKS Anywhere v0.26.1, the newest release eksa-mirror knows (v0.99.0 "
        "from --eksa-version / eksaMirror.eksaVersion is newer)." in hover.contents.value
    )


NAMESPACED = (
    "endpoint: r.local\nociNamespaces:\n  - registry: public.ecr.aws\n    namespace: old\n"
    "  - registry: public.ecr.aws\n    namespace: eks-anywhere\n"
)
#: At v0.24.0: (spec, RM033 expected) for Bottlerocket, Ubuntu and mixed machines.
V024 = {
    "bottlerocket": (cluster(NAMESPACED, cp="bottlerocket", md="bottlerocket"), 0),
    "ubuntu": (cluster(NAMESPACED), 1),
    "mixed": (cluster(NAMESPACED, md="bottlerocket"), 1),
}


@pytest.mark.parametrize("name", CLIENTS)
async def test_the_double_v2_release(name: str, tmp_path: Path) -> None:
    async with started(name, options={"eksaVersion": "v0.24.0"}) as client:
        for case, (text, rm033) in V024.items():
            path = tmp_path / f"{case}.yaml"
            path.write_text(text, encoding="utf-8")
            expected = validate_json(path, "--eksa-version", "v0.24.0")
            assert [code for code, _ in expected].count("RM033") == rm033, case
            diagnostics = await open_file(client, path).diagnostics()
            assert summary(diagnostics) == expected, case
