"""The attacker's spec in the editor: "Check registry" with credentials in the environment.

The language server runs for real (pytest-lsp, stdio) with REGISTRY_USERNAME/REGISTRY_PASSWORD
in its environment; the spec's mirror is ``Attacker``, a loopback HTTPS registry that asks
for a login and records what it receives (``attacker.py``). The test client answers
``window/showMessageRequest`` as the user would. Counted: the requests that carried the
credentials. A fake ``git`` first on the server's ``PATH`` records every run of git.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from attacker import CREDS, Attacker, attacker_spec
from lsprotocol import types
from test_check_images import downloads, spec_text

from lsp.support import RecordingClient, started, wait_for
from support import Cert

pytestmark = pytest.mark.e2e

SEND, WITHOUT, CANCEL = "Send credentials", "Check without credentials", "Cancel"


@pytest.fixture
def git_log(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A ``git`` that records its arguments, then runs the real one; the server's env."""
    real = next(
        os.path.join(d, "git")
        for d in os.environ["PATH"].split(os.pathsep)
        if os.path.isabs(d) and os.access(os.path.join(d, "git"), os.X_OK)
    )
    folder, log = tmp_path / "fakebin", tmp_path / "git.log"
    folder.mkdir()
    (folder / "git").write_text(f'#!/bin/sh\necho "$*" >> "{log}"\nexec "{real}" "$@"\n')
    (folder / "git").chmod(0o755)
    env = {**os.environ, **CREDS, "PATH": f"{folder}{os.pathsep}{os.environ['PATH']}"}
    return log, env


class User:
    """Answers the server's questions with the next of ``answers``; keeps the questions."""

    def __init__(self, client: RecordingClient, answers: list[str | None]) -> None:
        self.answers = answers
        self.questions: list[types.ShowMessageRequestParams] = []

        @client.feature(types.WINDOW_SHOW_MESSAGE_REQUEST)
        def answer(params: types.ShowMessageRequestParams) -> types.MessageActionItem | None:
            self.questions.append(params)
            title = self.answers.pop(0)
            return None if title is None else types.MessageActionItem(title)


@pytest.fixture
async def session(
    git_log: tuple[Path, dict[str, str]], request: pytest.FixtureRequest
) -> AsyncIterator[RecordingClient]:
    options: dict[str, Any] = getattr(request, "param", {})
    async with started("visual-studio-code", options=options, env=git_log[1]) as client:
        answer_refreshes(client)
        yield client


def answer_refreshes(client: RecordingClient) -> None:
    @client.feature(types.WORKSPACE_CODE_LENS_REFRESH)
    def lens_refresh(params: None) -> None:  # what VS Code does: ask for the lenses again
        pass


async def open_spec(client: RecordingClient, folder: Path, text: str) -> str:
    path = folder / "cluster.yaml"
    path.write_text(text)
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "yaml", 1, text))
    )
    await wait_for(lambda: uri in client.diagnostics, what="the first diagnostics")
    return uri


async def lens_titles(client: RecordingClient, uri: str) -> list[str]:
    lenses = await client.text_document_code_lens_async(
        types.CodeLensParams(types.TextDocumentIdentifier(uri))
    )
    return [lens.command.title for lens in lenses if lens.command]


async def click(client: RecordingClient, uri: str) -> Any:
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams("eksaMirror.checkRegistry", [uri, 0])
    )


def check_messages(client: RecordingClient, uri: str) -> list[tuple[str, str]]:
    return [
        (str(d.code), d.message)
        for d in client.diagnostics.get(uri, [])
        if d.source == "eksa-mirror-check"
    ]


async def test_nothing_is_sent_until_the_user_approves_the_host(
    session: RecordingClient, attacker: Attacker, attacker_pki: tuple[Cert, Cert], tmp_path: Path
) -> None:
    host = f"127.0.0.1:{attacker.port}"
    uri = await open_spec(session, tmp_path, attacker_spec(attacker.port, attacker_pki[0].pem))
    assert await lens_titles(session, uri) == [f"Check registry {host}"]
    user = User(session, [CANCEL, WITHOUT, SEND])

    # Cancel: the question names the host and the variables; nothing is contacted.
    assert await click(session, uri) == {"verdict": "cancelled"}
    question = user.questions[0]
    assert question.type == types.MessageType.Warning
    assert question.message.startswith(
        f"eksa-mirror: send REGISTRY_USERNAME and REGISTRY_PASSWORD to {host}? cluster.yaml"
        f" names {host} as its registry mirror with authenticate: true."
    )
    assert [a.title for a in question.actions or []] == [SEND, WITHOUT, CANCEL]
    assert (attacker.requests, attacker.credentials) == (0, 0)

    # Without credentials: every step that can run runs; the login is named as not checked.
    assert await click(session, uri) == {"verdict": "ok", "problems": 1}
    await wait_for(lambda: bool(check_messages(session, uri)), what="the check's diagnostics")
    assert check_messages(session, uri) == [
        (
            "auth",
            f"REGISTRY_USERNAME/REGISTRY_PASSWORD not sent to {host}: you chose to check"
            " without credentials; the login and the projects were not checked",
        )
    ]
    assert attacker.requests > 0 and attacker.credentials == 0

    # Send: now, and only now, the attacker has them; a second click asks no more.
    assert (await click(session, uri))["verdict"] == "fail"
    assert attacker.credentials == 1
    await click(session, uri)
    assert len(user.questions) == 3
    assert attacker.credentials == 2


async def test_a_dismissed_question_sends_nothing(
    session: RecordingClient, attacker: Attacker, attacker_pki: tuple[Cert, Cert], tmp_path: Path
) -> None:
    uri = await open_spec(session, tmp_path, attacker_spec(attacker.port, attacker_pki[0].pem))
    user = User(session, [None])  # the notification closed without an answer
    assert await click(session, uri) == {"verdict": "cancelled"}
    assert (len(user.questions), attacker.requests, attacker.credentials) == (1, 0, 0)


@pytest.mark.parametrize(
    "session",
    [{"eksaMirror": {"credentialHosts": ["127.0.0.1:1", "other.example"]}}],
    indirect=True,
)
async def test_a_host_approved_for_good_needs_no_question(
    session: RecordingClient, attacker: Attacker, attacker_pki: tuple[Cert, Cert], tmp_path: Path
) -> None:
    """Hosts come from initializationOptions (the user's), then eksaMirror/didChangeTrust."""
    uri = await open_spec(session, tmp_path, attacker_spec(attacker.port, attacker_pki[0].pem))
    user = User(session, [WITHOUT])
    await click(session, uri)  # 127.0.0.1 on another port is another host
    assert (len(user.questions), attacker.credentials) == (1, 0)
    hosts = [f"127.0.0.1:{attacker.port}"]
    session.protocol.notify("eksaMirror/didChangeTrust", {"credentialHosts": hosts})
    await asyncio.sleep(0.2)
    await click(session, uri)
    assert (len(user.questions), attacker.credentials) == (1, 1)


async def test_the_workspace_settings_cannot_approve_a_host(
    git_log: tuple[Path, dict[str, str]],
    attacker: Attacker,
    attacker_pki: tuple[Cert, Cert],
    tmp_path: Path,
) -> None:
    """workspace/configuration (a workspace's .vscode/settings.json, Emacs' .dir-locals.el)
    carries ``credentialHosts`` and ``workspaceTrusted``: both are ignored."""
    planted = {"credentialHosts": [f"127.0.0.1:{attacker.port}"], "workspaceTrusted": True}
    async with started(
        "visual-studio-code",
        options={"workspaceTrusted": True},
        configuration={"eksaMirror": planted},
        env=git_log[1],
    ) as client:
        answer_refreshes(client)
        uri = await open_spec(client, tmp_path, attacker_spec(attacker.port, attacker_pki[0].pem))
        await wait_for(lambda: client.configuration_requests > 0, what="workspace/configuration")
        user = User(client, [CANCEL])
        client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(settings={"eksaMirror": planted})
        )
        assert await click(client, uri) == {"verdict": "cancelled"}
        assert (len(user.questions), attacker.requests, attacker.credentials) == (1, 0, 0)


UNTRUSTED = {
    "eksaMirror": {"upgradeDiff": "git", "credentialHosts": ["127.0.0.1"]},
    "workspaceTrusted": False,
}


def committed_repo(folder: Path, text: str) -> Path:
    """A repository whose HEAD has ``text`` without ``authenticate`` (RM023 when it is on)."""
    folder.mkdir()
    (folder / "cluster.yaml").write_text(text.replace("    authenticate: true\n", ""))
    for args in (["init", "-q"], ["add", "."], ["commit", "-qm", "one"]):
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
                       cwd=folder, check=True, capture_output=True)  # fmt: skip
    return folder


def codes(client: RecordingClient, uri: str) -> list[str]:
    return [str(d.code) for d in client.diagnostics.get(uri, []) if d.source == "eksa-mirror"]


@pytest.mark.parametrize("session", [UNTRUSTED], indirect=True)
async def test_an_untrusted_workspace_never_sends_them_and_never_runs_git(
    session: RecordingClient,
    attacker: Attacker,
    attacker_pki: tuple[Cert, Cert],
    git_log: tuple[Path, dict[str, str]],
    tmp_path: Path,
) -> None:
    """Not even to a host the user approved, and with upgradeDiff "git" from the user; when
    the client says the workspace is trusted after all, git runs and the question comes."""
    text = attacker_spec(attacker.port, attacker_pki[0].pem)
    repo = committed_repo(tmp_path / "repo", text)
    host = f"127.0.0.1:{attacker.port}"
    uri = await open_spec(session, repo, text)
    assert await lens_titles(session, uri) == [
        f"Check registry {host} without credentials (workspace not trusted)"
    ]
    user = User(session, [CANCEL])
    assert (await click(session, uri))["verdict"] == "ok"
    await wait_for(lambda: bool(check_messages(session, uri)), what="the check's diagnostics")
    assert check_messages(session, uri) == [
        (
            "auth",
            f"REGISTRY_USERNAME/REGISTRY_PASSWORD not sent to {host}: this workspace is not"
            " trusted; the login and the projects were not checked",
        )
    ]
    assert (user.questions, attacker.credentials) == ([], 0)
    assert "RM023" not in codes(session, uri)
    assert not git_log[0].exists(), git_log[0].read_text()

    # Trust granted (VS Code: onDidGrantWorkspaceTrust): git runs, and the host is asked for.
    session.protocol.notify("eksaMirror/didChangeTrust", {"workspaceTrusted": True})
    await wait_for(lambda: "RM023" in codes(session, uri), what="RM023 against git HEAD")
    assert "cat-file blob --end-of-options HEAD:./cluster.yaml" in git_log[0].read_text()
    assert (await lens_titles(session, uri))[0] == f"Check registry {host}"
    assert await click(session, uri) == {"verdict": "cancelled"}
    assert (len(user.questions), attacker.credentials) == (1, 0)


# --- "Check images" (eksaMirror.imagesBundle) follows the same rules ----------------------------


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    return downloads(tmp_path / "eks-anywhere-downloads", ("1.31",), {})


async def test_check_images_asks_the_same_question_once_for_both_lenses(
    git_log: tuple[Path, dict[str, str]],
    attacker: Attacker,
    attacker_pki: tuple[Cert, Cert],
    bundle: Path,
    tmp_path: Path,
) -> None:
    host = f"127.0.0.1:{attacker.port}"
    text = spec_text(attacker.port, attacker_pki[0], versions=("1.31", "1.31"), namespaces="")
    options = {"eksaMirror": {"imagesBundle": str(bundle)}}
    async with started("visual-studio-code", options=options, env=git_log[1]) as client:
        answer_refreshes(client)
        uri = await open_spec(client, tmp_path, text)
        assert await lens_titles(client, uri) == [f"Check registry {host}", f"Check images {host}"]
        user = User(client, [CANCEL, WITHOUT, SEND])
        images = types.ExecuteCommandParams("eksaMirror.checkImages", [uri, 0])
        assert await client.workspace_execute_command_async(images) == {"verdict": "cancelled"}
        assert (attacker.requests, attacker.credentials) == (0, 0)
        await client.workspace_execute_command_async(images)
        assert attacker.requests > 0 and attacker.credentials == 0
        await wait_for(lambda: bool(check_messages(client, uri)), what="the check's diagnostics")
        assert (
            "auth",
            f"REGISTRY_USERNAME/REGISTRY_PASSWORD not sent to {host}: you chose to check"
            " without credentials; the login and the projects were not checked",
        ) in check_messages(client, uri)
        await client.workspace_execute_command_async(images)
        assert attacker.credentials == 1
        await click(client, uri)  # "Check registry": approved for the session already
        assert (len(user.questions), attacker.credentials) == (3, 2)
