"""Settings (section ``eksaMirror``): initializationOptions, workspace/configuration,
didChangeConfiguration, and one clear message for a bad value without losing the server."""

from __future__ import annotations

import asyncio
import os
import time

import pytest
from lsprotocol import types

from .support import CLIENTS, EXAMPLES, capabilities, opened, started, wait_for

pytestmark = pytest.mark.asyncio(loop_scope="function")

INVALID = (EXAMPLES / "invalid-mirror.yaml").read_text()
#: RM019 is not among them: RM005 already tells to remove insecureSkipVerify (one cause, one
#: finding); ignoring RM005 brings it back.
ALL_CODES = ["RM005", "RM006", "RM007", "RM008", "RM009", "RM010", "RM013"]


def codes(diagnostics: list[types.Diagnostic]) -> list[str]:
    return sorted(str(d.code) for d in diagnostics)


@pytest.mark.parametrize("name", CLIENTS)
async def test_initialization_options_ignore(name: str) -> None:
    async with started(name, options={"ignore": ["RM013"]}) as client:
        async with opened(client, "ignore.yaml", INVALID) as doc:
            assert codes(await doc.diagnostics()) == [c for c in ALL_CODES if c != "RM013"]
        assert client.messages == []


@pytest.mark.parametrize("name", CLIENTS)
async def test_workspace_configuration_severity_and_select(name: str) -> None:
    settings = {"eksaMirror": {"severity": {"RM008": "error"}, "select": ["RM008", "RM009"]}}
    async with started(name, configuration=settings) as client:
        async with opened(client, "severity.yaml", INVALID) as doc:
            diagnostics = await doc.diagnostics()
        assert client.configuration_requests >= 1
        assert codes(diagnostics) == ["RM008", "RM009"]
        rm008 = next(d for d in diagnostics if d.code == "RM008")
        assert rm008.severity == types.DiagnosticSeverity.Error
        if not client.pull:
            # The first publish already has the client's settings: no flash of defaults.
            assert all(codes(list(p.diagnostics)) == ["RM008", "RM009"] for p in doc.published())


@pytest.mark.parametrize("name", CLIENTS)
async def test_did_change_configuration_updates_the_diagnostics(name: str) -> None:
    async with started(name) as client:
        async with opened(client, "change.yaml", INVALID) as doc:
            assert codes(await doc.diagnostics()) == ALL_CODES
            before = len(doc.published())

            # Pulled from the client (the usual way: the notification carries nothing).
            client.set_configuration({"eksaMirror": {"ignore": ["RM013", "RM005"]}})
            client.workspace_did_change_configuration(
                types.DidChangeConfigurationParams(settings=None)
            )
            expected = sorted([c for c in ALL_CODES if c not in ("RM013", "RM005")] + ["RM019"])
            if client.pull:
                await wait_for(lambda: client.configuration_requests >= 2, what="a config pull")
                assert codes(await doc.diagnostics()) == expected
            else:
                await wait_for(
                    lambda: (
                        len(doc.published()) > before
                        and codes(list(doc.published()[-1].diagnostics)) == expected
                    ),
                    what="a re-publish with the new settings",
                )

            # Pushed in the notification (older clients).
            client.workspace_did_change_configuration(
                types.DidChangeConfigurationParams(settings={"eksaMirror": {"ignore": []}})
            )
            if client.pull:
                await asyncio.sleep(0.05)
                assert codes(await doc.diagnostics()) == ALL_CODES
            else:
                await wait_for(
                    lambda: codes(list(doc.published()[-1].diagnostics)) == ALL_CODES,
                    what="a re-publish with the pushed settings",
                )
        assert client.messages == []


async def test_pull_clients_are_asked_to_refresh() -> None:
    caps = capabilities("neovim")
    assert caps.workspace is not None
    caps.workspace.diagnostics = types.DiagnosticWorkspaceClientCapabilities(refresh_support=True)
    async with started(caps) as client, opened(client, "refresh.yaml", INVALID) as doc:
        await doc.diagnostics()
        count = client.diagnostic_refresh_count
        client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(settings={"eksaMirror": {"ignore": ["RM013"]}})
        )
        await wait_for(lambda: client.diagnostic_refresh_count > count, what="a refresh")
        assert "RM013" not in codes(await doc.diagnostics())


BAD = [
    ({"ignore": "RM019"}, "eksaMirror.ignore"),
    ({"severity": {"RM008": "loud"}}, "RM008: 'loud' is not one of error, warning"),
    ({"select": ["RM999"]}, "RM999"),
    ({"debounceMs": "fast"}, "eksaMirror.debounceMs"),
    ({"checkEnvironment": "yes"}, "eksaMirror.checkEnvironment"),
    ({"eksaVersion": 20}, "eksaMirror.eksaVersion"),
    ("RM019", "must be an object"),
]


@pytest.mark.parametrize(("bad", "mentions"), BAD[:2], ids=[m for _, m in BAD[:2]])
@pytest.mark.parametrize("how", ["initializationOptions", "workspace/configuration", "both"])
async def test_a_bad_setting_gives_one_clear_message(bad: object, mentions: str, how: str) -> None:
    options = bad if how != "workspace/configuration" else None
    configuration = {"eksaMirror": bad} if how != "initializationOptions" else None
    async with started("visual-studio-code", options=options, configuration=configuration) as c:
        async with opened(c, "bad.yaml", INVALID) as doc:
            found = codes(await doc.diagnostics())
            hover = await doc.hover(doc.pos("    port: 443", delta=5))
            await asyncio.sleep(0.05)
        assert len(c.messages) == 1, c.messages
        message = c.messages[0]
        assert message.type == types.MessageType.Error
        assert mentions in message.message
        # The server keeps working, with defaults in place of the bad values.
        assert found == ALL_CODES
        assert hover is not None


async def test_every_bad_setting_is_named_once() -> None:
    async with (
        started("visual-studio-code") as client,
        opened(client, "bad-change.yaml", INVALID) as doc,
    ):
        await doc.diagnostics()
        for bad, mentions in BAD:
            before = len(client.messages)
            for _ in range(2):  # the same bad value twice: still one message
                client.workspace_did_change_configuration(
                    types.DidChangeConfigurationParams(settings={"eksaMirror": bad})
                )
            await wait_for(lambda: len(client.messages) > before, what=mentions)  # noqa: B023
            client.workspace_did_change_configuration(
                types.DidChangeConfigurationParams(settings={"eksaMirror": {}})
            )
            doc.replace("443", "443")
            assert codes(await doc.diagnostics()) == ALL_CODES
            assert len(client.messages) == before + 1
            message = client.messages[-1]
            assert message.type == types.MessageType.Error
            assert mentions in message.message


async def test_a_bad_setting_keeps_the_good_ones() -> None:
    options = {"ignore": ["RM013"], "severity": {"RM008": "loud", "RM009": "hint"}}
    async with started("visual-studio-code", options=options) as client:
        async with opened(client, "partly.yaml", INVALID) as doc:
            diagnostics = await doc.diagnostics()
        assert len(client.messages) == 1
        assert "RM013" not in codes(diagnostics)
        rm009 = next(d for d in diagnostics if d.code == "RM009")
        assert rm009.severity == types.DiagnosticSeverity.Hint


async def test_check_environment() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGISTRY_")}
    text = INVALID.replace('authenticate: "true"', "authenticate: true")
    options = {"checkEnvironment": True}
    async with (
        started("visual-studio-code", options=options, env=env) as client,
        opened(client, "env.yaml", text) as doc,
    ):
        rm016 = [d for d in await doc.diagnostics() if d.code == "RM016"]
    assert [d.message for d in rm016] == [
        "please set REGISTRY_USERNAME env var (authenticate: true)",
        "please set REGISTRY_PASSWORD env var (authenticate: true)",
    ]
    assert all(d.severity == types.DiagnosticSeverity.Error for d in rm016)


async def test_eksa_version_reaches_the_hover() -> None:
    options = {"eksaVersion": "v0.20.0"}
    async with (
        started("visual-studio-code", options=options) as client,
        opened(client, "version.yaml", INVALID) as doc,
    ):
        hover = await doc.hover(doc.pos("    port: 443", delta=5))
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert "Target release: EKS Anywhere v0.20.0" in hover.contents.value


async def test_debounce_ms() -> None:
    async with started("visual-studio-code", options={"debounceMs": 300}) as client:
        start = time.monotonic()
        async with opened(client, "debounce.yaml", INVALID) as doc:
            await doc.diagnostics()
            assert time.monotonic() - start >= 0.28
            # A burst within the delay: one publish, for the last version.
            count = len(doc.published())
            for _ in range(5):
                doc.replace("443", "444")
                doc.replace("444", "443")
            await doc.diagnostics()
            await asyncio.sleep(0.05)
            assert len(doc.published()) == count + 1
