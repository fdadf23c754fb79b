"""Where the editor may send REGISTRY_USERNAME/REGISTRY_PASSWORD (docs/security.md).

``Trust`` (is the workspace trusted, which hosts the user approved for good) is read from
``initializationOptions`` and the ``eksaMirror/didChangeTrust`` notification only, never
from ``workspace/configuration``, which a workspace's own settings feed. ``decide`` sends the
credentials, withholds them, or first asks the user (``window/showMessageRequest``).
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

import attrs
from lsprotocol import types

from eksa_mirror.core.mirror import PASSWORD_ENV, USERNAME_ENV, MirrorConfig, join_host_port

log = logging.getLogger(__name__)

#: ``window/showMessageRequest`` of the server: the user's answer, or ``None``.
Ask = Callable[[types.ShowMessageRequestParams], Awaitable[types.MessageActionItem | None]]

TRUST_NOTIFICATION = "eksaMirror/didChangeTrust"
SEND = "Send credentials"
WITHOUT = "Check without credentials"
CANCEL = "Cancel"
#: How long the question waits for an answer before it counts as "Cancel".
ANSWER_TIMEOUT_S = 600.0
UNTRUSTED = "this workspace is not trusted"
DECLINED = "you chose to check without credentials"
_PORT = re.compile(r"\+?[0-9]{1,5}")
_HOST_PORT = re.compile(r"(?P<host>\[[^\]]*\]|[^:\[\]]+)(?::(?P<port>\d{1,5}))?")


@attrs.frozen
class Trust:
    """Whether credentials may leave at all, and the hosts that need no question."""

    workspace_trusted: bool = True
    #: ``host:port`` as the code lens names it (lower case, IPv6 in brackets).
    hosts: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Decision:
    """Send the credentials (``withheld`` empty), or check without them and say why."""

    withheld: str = ""


def host_key(endpoint: str, port: str | int) -> str:
    """``10.0.0.5:443``: where the check connects, as the lens shows it and the setting lists
    it. A name that is not ASCII is shown as the resolver asks for it (IDNA: ``xn--…``, or
    full-width letters folded), so a look-alike of a known host never looks like it."""
    host = endpoint.strip().strip("[]")
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            host = ascii(host)[1:-1]  # control or direction characters: escaped
    return join_host_port(host.lower(), int(port))


def normalize_host(entry: str) -> str | None:
    """A ``credentialHosts`` entry as ``host:port`` (a bare host means port 443, EKS-A's
    default); ``None`` when it is no host."""
    text = entry.strip().lower()
    if text.count(":") > 1 and not text.startswith("["):
        text = f"[{text}]"  # a bare IPv6 literal
    found = _HOST_PORT.fullmatch(text)
    if found is None or not found["host"].strip("[]"):
        return None
    port = int(found["port"]) if found["port"] else 443
    return host_key(found["host"], port) if 0 < port < 65536 else None


def _section(raw: Any) -> Mapping[str, Any]:
    if not isinstance(raw, dict):
        return {}
    inner = raw.get("eksaMirror")
    return {**raw, **inner} if isinstance(inner, dict) else raw


def parse_trust(raw: Any, current: Trust) -> tuple[Trust, list[str]]:
    """``workspaceTrusted`` and ``credentialHosts`` from ``raw`` (flat, or under
    ``eksaMirror``) over ``current``; a wrong value is named and leaves its part unchanged."""
    section, errors = _section(raw), []
    trusted, hosts = current.workspace_trusted, current.hosts
    if "workspaceTrusted" in section:
        value = section["workspaceTrusted"]
        if isinstance(value, bool):
            trusted = value
        else:
            errors.append("must be true or false @ eksaMirror.workspaceTrusted")
    if "credentialHosts" in section:
        value = section["credentialHosts"]
        entries = value if isinstance(value, list) else None
        found = [normalize_host(e) if isinstance(e, str) else None for e in entries or []]
        if entries is None or None in found:
            errors.append(
                'must be a list of hosts like ["10.0.0.5:443"] @ eksaMirror.credentialHosts'
            )
        hosts = frozenset(h for h in found if h is not None)
    return Trust(trusted, hosts), errors


def has_credentials(env: Mapping[str, str]) -> bool:
    return USERNAME_ENV in env and PASSWORD_ENV in env


def standing(
    trust: Trust, approved: set[str], cfg: MirrorConfig, env: Mapping[str, str]
) -> Decision | None:
    """The decision that needs no question, or ``None``: the user must be asked."""
    if not cfg.authenticate or not has_credentials(env):
        return Decision()  # nothing would be sent (the check says which variable is unset)
    if not trust.workspace_trusted:
        return Decision(UNTRUSTED)
    host = host_key(cfg.endpoint, cfg.port)
    return Decision() if host in trust.hosts or host in approved else None


def question(host: str, uri: str, insecure: bool = False) -> types.ShowMessageRequestParams:
    name = PurePosixPath(unquote(urlsplit(uri).path)).name or uri
    message = (
        f"eksa-mirror: send {USERNAME_ENV} and {PASSWORD_ENV} to {host}? {name} names"
        f" {host} as its registry mirror with authenticate: true. Send them only to a registry"
        " you know; eksaMirror.credentialHosts (user settings) lists hosts that need no question."
    )
    if insecure:
        message += (
            " insecureSkipVerify is set: the server's certificate is not verified, so anyone"
            " on the way can read them."
        )
    actions = [types.MessageActionItem(title) for title in (SEND, WITHOUT, CANCEL)]
    return types.ShowMessageRequestParams(types.MessageType.Warning, message, actions)


async def decide(
    trust: Trust, approved: set[str], cfg: MirrorConfig, uri: str, ask: Ask
) -> Decision | None:
    """Whether this check sends the credentials; ``None`` when the user cancelled it. A host
    the user lets have them is added to ``approved`` (for the session)."""
    known = standing(trust, approved, cfg, os.environ)
    if known is not None:
        return known
    host = host_key(cfg.endpoint, cfg.port)
    try:
        asked = question(host, uri, cfg.insecure_skip_verify)
        answer = await asyncio.wait_for(ask(asked), ANSWER_TIMEOUT_S)
    except Exception as exc:  # no answer (or the client cannot ask): nothing is sent
        log.warning("window/showMessageRequest failed: %s", type(exc).__name__)
        return None
    title = answer.title if isinstance(answer, types.MessageActionItem) else None
    if title == SEND:
        approved.add(host)
        return Decision()
    return Decision(DECLINED) if title == WITHOUT else None


def lens_title(verb: str, cfg: MirrorConfig | None, trust: Trust) -> str:
    """``Check registry 10.0.0.5:443``, saying why when no credentials will be sent."""
    if cfg is None or not cfg.endpoint or "/" in cfg.endpoint or not _PORT.fullmatch(cfg.port):
        return verb  # no host to name (a URL is RM009): the check cannot connect either
    title = f"{verb} {host_key(cfg.endpoint, cfg.port)}"
    if cfg.authenticate and not trust.workspace_trusted:
        title += " without credentials (workspace not trusted)"
    return title
