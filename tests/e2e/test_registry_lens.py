"""The "Check registry" code lens, end to end: a real client, a real server, a real registry.

The command runs ``eksa-mirror check`` logic in the server and shows failed steps as
diagnostics with source ``eksa-mirror-check`` on the mirror keys, next to (not instead
of) the regular diagnostics, until they are cleared.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from registry_fixtures import RegistryServer
from registry_pki import Pki

from support import Cert

pytestmark = pytest.mark.e2e

CONFIG = ClientServerConfig(server_command=[sys.executable, "-m", "eksa_mirror", "serve"])


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory, pki: Pki) -> Iterator[RegistryServer]:
    server = RegistryServer(tmp_path_factory.mktemp("lens"), tls=pki.server)
    with server:
        for project in ("bottlerocket", "eks-anywhere", "eks-distro", "eks", "cilium-chart"):
            server.push_tiny_image(f"{project}/image")
        yield server


@pytest_lsp.fixture(config=CONFIG)
async def client(lsp_client: LanguageClient) -> AsyncIterator[LanguageClient]:
    lsp_client.lens_refreshes = 0  # type: ignore[attr-defined]

    @lsp_client.feature(types.WORKSPACE_CODE_LENS_REFRESH)
    def lens_refresh(params: None) -> None:  # what VS Code does: ask for the lenses again
        lsp_client.lens_refreshes += 1  # type: ignore[attr-defined]

    await lsp_client.initialize_session(
        types.InitializeParams(capabilities=client_capabilities("visual-studio-code"))
    )
    yield lsp_client
    await lsp_client.shutdown_session()


def spec(port: int, ca_pem: str = "") -> str:
    ca_block = ""
    if ca_pem:
        body = "\n".join("      " + line for line in ca_pem.strip().splitlines())
        ca_block = f"    caCertContent: |\n{body}\n"
    return (
        "apiVersion: anywhere.eks.amazonaws.com/v1alpha1\n"
        "kind: Cluster\n"
        "metadata:\n  name: lens\n"
        "spec:\n"
        "  datacenterRef:\n    kind: DockerDatacenterConfig\n    name: lens\n"
        "  registryMirrorConfiguration:\n"
        "    endpoint: 127.0.0.1\n"
        f'    port: "{port}"\n'
        f"{ca_block}"
    )


async def open_and_wait(client: LanguageClient, tmp_path: Path, text: str) -> str:
    uri = (tmp_path / "cluster.yaml").as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "yaml", 1, text))
    )
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return uri


async def run_command(client: LanguageClient, command: types.Command) -> object:
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=command.command, arguments=command.arguments)
    )


async def check_diagnostics(client: LanguageClient, uri: str) -> list[types.Diagnostic]:
    for _ in range(50):
        found = [d for d in client.diagnostics.get(uri, []) if d.source == "eksa-mirror-check"]
        if found:
            return found
        await asyncio.sleep(0.1)
    return []


async def test_lens_sits_on_the_mirror_key(client: LanguageClient, tmp_path: Path) -> None:
    uri = await open_and_wait(client, tmp_path, spec(443))
    lenses = await client.text_document_code_lens_async(
        types.CodeLensParams(types.TextDocumentIdentifier(uri))
    )
    assert [(lens.range.start.line, lens.command.title, lens.command.command)
            for lens in lenses if lens.command] == [
        (8, "Check registry 127.0.0.1:443", "eksaMirror.checkRegistry")
    ]  # fmt: skip


async def test_unknown_ca_becomes_a_diagnostic_and_can_be_cleared(
    client: LanguageClient, tmp_path: Path, registry: RegistryServer
) -> None:
    uri = await open_and_wait(client, tmp_path, spec(registry.port))
    lenses = await client.text_document_code_lens_async(
        types.CodeLensParams(types.TextDocumentIdentifier(uri))
    )
    assert lenses[0].command is not None
    result = await run_command(client, lenses[0].command)
    assert isinstance(result, dict) and result["verdict"] == "fail"
    found = await check_diagnostics(client, uri)
    assert found, "no eksa-mirror-check diagnostics were published"
    # No caCertContent key: the finding sits on the registryMirrorConfiguration key (line 8).
    assert [(d.range.start.line, d.code, d.severity, d.message) for d in found] == [
        (
            8,
            "certificate",
            types.DiagnosticSeverity.Error,
            "registry 127.0.0.1 is using self-signed certs, please provide the certificate "
            "using caCertContent field. Or use insecureSkipVerify field to skip registry "
            "certificate verification",
        )
    ]
    regular = [d.code for d in client.diagnostics[uri] if d.source == "eksa-mirror"]
    assert regular == ["RM020"]  # the analysis' own findings stay beside the check's
    # The client was asked to refresh its lenses, and the refreshed ones offer to clear.
    assert client.lens_refreshes == 1  # type: ignore[attr-defined]
    lenses = await client.text_document_code_lens_async(
        types.CodeLensParams(types.TextDocumentIdentifier(uri))
    )
    assert [lens.command.title for lens in lenses if lens.command] == [
        f"Check registry 127.0.0.1:{registry.port}",
        "Clear check results",
    ]
    clear = next(lens.command for lens in lenses if lens.command and "Clear" in lens.command.title)
    await run_command(client, clear)
    for _ in range(50):  # and again when the results are cleared
        if client.lens_refreshes == 2:  # type: ignore[attr-defined]
            break
        await asyncio.sleep(0.1)
    assert client.lens_refreshes == 2  # type: ignore[attr-defined]
    for _ in range(50):
        if not any(d.source == "eksa-mirror-check" for d in client.diagnostics.get(uri, [])):
            break
        await asyncio.sleep(0.1)
    assert not any(d.source == "eksa-mirror-check" for d in client.diagnostics.get(uri, []))


async def test_good_registry_gives_no_check_problem(
    client: LanguageClient, tmp_path: Path, registry: RegistryServer, ca: Cert
) -> None:
    uri = await open_and_wait(client, tmp_path, spec(registry.port, ca.pem))
    result = await run_command(
        client, types.Command("Check registry", "eksaMirror.checkRegistry", arguments=[uri, 0])
    )
    assert isinstance(result, dict)
    assert result["verdict"] == "ok"
    await asyncio.sleep(0.3)
    assert not [d for d in client.diagnostics.get(uri, []) if d.source == "eksa-mirror-check"]
