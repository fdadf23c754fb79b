"""The "Check images" code lens, end to end: pytest-lsp's client, the server over stdio, a
real registry, a downloads folder named by the ``eksaMirror.imagesBundle`` setting.

The lens appears next to "Check registry" only when the setting is set; the command's
findings become diagnostics (source ``eksa-mirror-check``) on the mirror section: how many
references are missing, the first few, and the ``import images`` command.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_lsp
from images_fixtures import Plan, fill
from lsprotocol import types
from oci_push import Pusher
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from registry_fixtures import RegistryServer
from registry_pki import Pki
from test_check_images import downloads, everything, spec_text

from support import Cert

pytestmark = pytest.mark.e2e

CONFIG = ClientServerConfig(server_command=[sys.executable, "-m", "eksa_mirror", "serve"])
FOLDER: dict[str, Path] = {}
GONE = "public.ecr.aws/eks-anywhere/fluxcd/helm-controller:v1.6.0-eks-a-97"


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory, pki: Pki) -> Iterator[RegistryServer]:
    work = tmp_path_factory.mktemp("images-lens")
    server = pki.server
    with RegistryServer(work / "registry", tls=server) as registry:
        images = everything(registry.port, ("1.31",), namespace="")
        pusher = Pusher("127.0.0.1", registry.port)
        digests = fill(pusher, images, Plan(leave_out={GONE}), f"127.0.0.1:{registry.port}")
        pusher.close()
        FOLDER["bundle"] = downloads(work / "eks-anywhere-downloads", ("1.31",), digests)
        yield registry


async def start(lsp_client: LanguageClient, bundle: str) -> LanguageClient:
    settings = {"eksaMirror": {"imagesBundle": bundle}}
    lsp_client.set_configuration(settings)
    lsp_client.lens_refreshes = 0  # type: ignore[attr-defined]

    @lsp_client.feature(types.WORKSPACE_CODE_LENS_REFRESH)
    def lens_refresh(params: None) -> None:
        lsp_client.lens_refreshes += 1  # type: ignore[attr-defined]

    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            initialization_options=settings,
        )
    )
    return lsp_client


@pytest_lsp.fixture(config=CONFIG)
async def client(lsp_client: LanguageClient) -> AsyncIterator[LanguageClient]:
    yield await start(lsp_client, "eks-anywhere-downloads")
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=CONFIG)
async def plain_client(lsp_client: LanguageClient) -> AsyncIterator[LanguageClient]:
    yield await start(lsp_client, "")
    await lsp_client.shutdown_session()


async def open_spec(client: LanguageClient, folder: Path, text: str) -> str:
    uri = (folder / "cluster.yaml").as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "yaml", 1, text))
    )
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return uri


async def lens_titles(client: LanguageClient, uri: str) -> list[str]:
    lenses = await client.text_document_code_lens_async(
        types.CodeLensParams(types.TextDocumentIdentifier(uri))
    )
    return [lens.command.title for lens in lenses if lens.command]


async def test_no_lens_without_the_setting(
    plain_client: LanguageClient, registry: RegistryServer, ca: Cert
) -> None:
    uri = await open_spec(plain_client, FOLDER["bundle"].parent, spec_text(registry.port, ca))
    assert await lens_titles(plain_client, uri) == [f"Check registry 127.0.0.1:{registry.port}"]


async def test_check_images_lens_gives_diagnostics_on_the_mirror_section(
    client: LanguageClient, registry: RegistryServer, ca: Cert
) -> None:
    # The setting is relative: taken from the document's folder (no workspace folder here).
    text = spec_text(registry.port, ca, versions=("1.31", "1.31"), namespaces="",
                     authenticate=False)  # fmt: skip
    uri = await open_spec(client, FOLDER["bundle"].parent, text)
    host = f"127.0.0.1:{registry.port}"  # both lenses name the host they connect to
    assert await lens_titles(client, uri) == [f"Check registry {host}", f"Check images {host}"]
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="eksaMirror.checkImages", arguments=[uri, 0])
    )
    assert result == {"verdict": "fail", "problems": 1}
    for _ in range(100):
        found = [d for d in client.diagnostics.get(uri, []) if d.source == "eksa-mirror-check"]
        if found:
            break
        await asyncio.sleep(0.1)
    base = f"127.0.0.1:{registry.port}"
    bundle = FOLDER["bundle"] / "bundle-release.yaml"
    mirror_line = text.splitlines().index("  registryMirrorConfiguration:")
    # 66 references: 50 distinct images, 5 charts, 11 EKS-D images (3 more are unused).
    assert [(d.range.start.line, d.code, d.severity, d.message) for d in found] == [
        (
            mirror_line,
            "images/missing",
            types.DiagnosticSeverity.Error,
            f"1 of 66 images and charts missing in the mirror: {base}/eks-anywhere/fluxcd/"
            "helm-controller:v1.6.0-eks-a-97; import them: eksctl anywhere import images -i"
            f" images.tar -r {base} --bundles {bundle}",
        )
    ]
    assert await lens_titles(client, uri) == [
        f"Check registry {host}",
        f"Check images {host}",
        "Clear check results",
    ]
