"""lsp/credentials.py as pure functions: hosts, the trust read from initializationOptions,
the decision that needs no question, the question and the lens title."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from lsprotocol import types

from eksa_mirror.core.mirror import MirrorConfig
from eksa_mirror.lsp.credentials import (
    CANCEL,
    DECLINED,
    SEND,
    UNTRUSTED,
    WITHOUT,
    Decision,
    Trust,
    decide,
    lens_title,
    normalize_host,
    parse_trust,
    question,
    standing,
)

CREDS = {"REGISTRY_USERNAME": "u", "REGISTRY_PASSWORD": "p"}
AUTH = MirrorConfig("Reg.Example", "5000", authenticate=True)


@pytest.mark.parametrize(
    ("entry", "host"),
    [
        ("10.0.0.5:443", "10.0.0.5:443"),
        ("10.0.0.5", "10.0.0.5:443"),  # EKS-A's default port
        (" Registry.Example.com:5000 ", "registry.example.com:5000"),
        ("[FE80::1]:5000", "[fe80::1]:5000"),
        ("fe80::1", "[fe80::1]:443"),
        ("[fe80::1]", "[fe80::1]:443"),
        ("", None),
        (":443", None),
        ("host:0", None),
        ("host:65536", None),
        ("host:port", None),
        ("https://host", None),
        ("regіstry.example.com", "xn--regstry-tog.example.com:443"),  # a Cyrillic і
        ("ｒｅｇｉｓｔｒｙ.example.com:5000", "registry.example.com:5000"),  # full width
    ],
)
def test_normalize_host(entry: str, host: str | None) -> None:
    assert normalize_host(entry) == host


@pytest.mark.parametrize(
    ("raw", "trust", "errors"),
    [
        (None, Trust(), []),
        ({"ignore": []}, Trust(), []),
        ({"workspaceTrusted": False}, Trust(False), []),
        ({"eksaMirror": {"credentialHosts": ["a:1"]}, "workspaceTrusted": False},
         Trust(False, frozenset({"a:1"})), []),
        ({"workspaceTrusted": "no"}, Trust(),
         ["must be true or false @ eksaMirror.workspaceTrusted"]),
        ({"credentialHosts": "a"}, Trust(hosts=frozenset()),
         ['must be a list of hosts like ["10.0.0.5:443"] @ eksaMirror.credentialHosts']),
        ({"credentialHosts": ["a", 3, "b:2"]}, Trust(hosts=frozenset({"a:443", "b:2"})),
         ['must be a list of hosts like ["10.0.0.5:443"] @ eksaMirror.credentialHosts']),
    ],
)  # fmt: skip
def test_parse_trust(raw: Any, trust: Trust, errors: list[str]) -> None:
    assert parse_trust(raw, Trust()) == (trust, errors)


def test_parse_trust_keeps_what_is_not_named() -> None:
    before = Trust(False, frozenset({"a:1"}))
    assert parse_trust({"credentialHosts": []}, before) == (Trust(False, frozenset()), [])
    assert parse_trust({"workspaceTrusted": True}, before) == (Trust(True, before.hosts), [])


@pytest.mark.parametrize(
    ("trust", "approved", "cfg", "env", "decision"),
    [
        (Trust(), set(), AUTH, CREDS, None),  # ask
        (Trust(), {"reg.example:5000"}, AUTH, CREDS, Decision()),
        (Trust(hosts=frozenset({"reg.example:5000"})), set(), AUTH, CREDS, Decision()),
        (Trust(hosts=frozenset({"reg.example:443"})), set(), AUTH, CREDS, None),
        (Trust(False, frozenset({"reg.example:5000"})), set(), AUTH, CREDS, Decision(UNTRUSTED)),
        (Trust(), set(), MirrorConfig("reg.example"), CREDS, Decision()),  # no login
        (Trust(), set(), AUTH, {"REGISTRY_USERNAME": "u"}, Decision()),  # nothing to send
    ],
)  # fmt: skip
def test_standing(
    trust: Trust, approved: set[str], cfg: MirrorConfig, env: dict[str, str], decision: Any
) -> None:
    assert standing(trust, approved, cfg, env) == decision


@pytest.mark.parametrize(
    ("answer", "decision", "approved"),
    [
        (SEND, Decision(), {"reg.example:5000"}),
        (WITHOUT, Decision(DECLINED), set()),
        (CANCEL, None, set()),
        (None, None, set()),
        (RuntimeError("no window"), None, set()),
    ],
)
def test_decide_asks_once_per_host(
    answer: Any, decision: Any, approved: set[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in CREDS.items():
        monkeypatch.setenv(name, value)
    asked: list[types.ShowMessageRequestParams] = []

    async def ask(params: types.ShowMessageRequestParams) -> types.MessageActionItem | None:
        asked.append(params)
        if isinstance(answer, Exception):
            raise answer
        return None if answer is None else types.MessageActionItem(answer)

    session: set[str] = set()
    assert asyncio.run(decide(Trust(), session, AUTH, "file:///w/c.yaml", ask)) == decision
    assert (len(asked), session) == (1, approved)


def test_question_names_host_file_and_variables() -> None:
    params = question("10.0.0.5:443", "file:///clusters/my%20cluster.yaml")
    assert params.message == (
        "eksa-mirror: send REGISTRY_USERNAME and REGISTRY_PASSWORD to 10.0.0.5:443? my"
        " cluster.yaml names 10.0.0.5:443 as its registry mirror with authenticate: true."
        " Send them only to a registry you know; eksaMirror.credentialHosts (user settings)"
        " lists hosts that need no question."
    )
    assert [a.title for a in params.actions or []] == [SEND, WITHOUT, CANCEL]
    assert params.type == types.MessageType.Warning
    insecure = question("10.0.0.5:443", "file:///c.yaml", insecure=True)
    assert insecure.message.endswith(
        " insecureSkipVerify is set: the server's certificate is not verified, so anyone on the"
        " way can read them."
    )


@pytest.mark.parametrize(
    ("cfg", "trust", "title"),
    [
        (AUTH, Trust(), "Check registry reg.example:5000"),
        (AUTH, Trust(False), "Check registry reg.example:5000 without credentials"
         " (workspace not trusted)"),
        (MirrorConfig("10.0.0.5"), Trust(False), "Check registry 10.0.0.5:443"),
        (MirrorConfig("fe80::1", "5000"), Trust(), "Check registry [fe80::1]:5000"),
        (MirrorConfig("https://r:5000"), Trust(), "Check registry"),
        (MirrorConfig("regіstry.example.com"), Trust(),
         "Check registry xn--regstry-tog.example.com:443"),
        (MirrorConfig("a\u202eb.com"), Trust(), "Check registry a\\u202eb.com:443"),
        (MirrorConfig("r", "port"), Trust(), "Check registry"),
        (MirrorConfig(""), Trust(), "Check registry"),
        (None, Trust(), "Check registry"),
    ],
)  # fmt: skip
def test_lens_title(cfg: MirrorConfig | None, trust: Trust, title: str) -> None:
    assert lens_title("Check registry", cfg, trust) == title
