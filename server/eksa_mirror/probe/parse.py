"""Parsers for what a registry sends back: every byte of it is untrusted.

``parse_challenge`` (``WWW-Authenticate``), ``next_link`` (``Link``), ``catalog_names``,
``bearer_token`` and ``clean`` (a server-sent string made safe to print). Each runs in time
linear in its input, caps what it reads, and returns the expected shape or raises
``Broken`` with a sentence, never anything else (``tests/probe/test_parse.py`` fuzzes them).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

#: Longest header value looked at (a real challenge or Link header is far shorter).
MAX_HEADER = 8192
#: Longest bearer token accepted (JWTs from Harbor or ECR are a few KiB).
MAX_TOKEN = 16384
#: Longest repository name kept (distribution allows 255 per path component).
MAX_NAME = 4096


class Broken(Exception):
    """A response that no registry should send; ``str()`` says what was wrong."""


def clean(text: str, limit: int = 200) -> str:
    """``text`` on one line, control characters shown as ``?``, at most ``limit`` characters."""
    shown = "".join(ch if ch.isprintable() else "?" for ch in text[: limit + 1])
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


@dataclass(frozen=True)
class Challenge:
    """A parsed ``WWW-Authenticate`` header."""

    scheme: str
    params: dict[str, str]

    @property
    def realm(self) -> str:
        return self.params.get("realm", "")

    def describe(self) -> str:
        if self.scheme == "bearer":
            return f"Bearer token from {clean(self.realm)}" if self.realm else "Bearer token"
        return clean(self.scheme.capitalize(), 40)


def _skip(text: str, at: int, chars: str) -> int:
    while at < len(text) and text[at] in chars:
        at += 1
    return at


def _quoted(text: str, at: int) -> tuple[str, int]:
    """The content of the quoted string starting at ``text[at] == '"'``, and the end."""
    out: list[str] = []
    at += 1
    while at < len(text):
        ch = text[at]
        if ch == "\\" and at + 1 < len(text):
            out.append(text[at + 1])
            at += 2
            continue
        if ch == '"':
            return "".join(out), at + 1
        out.append(ch)
        at += 1
    return "".join(out), at


def _params(text: str) -> dict[str, str]:
    """``name=value`` pairs separated by commas (values bare or quoted); linear."""
    params: dict[str, str] = {}
    at = 0
    while at < len(text):
        at = _skip(text, at, " \t,")
        start = at
        while at < len(text) and text[at] not in "=, \t":
            at += 1
        name = text[start:at].lower()
        at = _skip(text, at, " \t")
        if at >= len(text) or text[at] != "=":
            at += 1  # a token68 or junk: skip it
            continue
        at = _skip(text, at + 1, " \t")
        if at < len(text) and text[at] == '"':
            value, at = _quoted(text, at)
        else:
            start = at
            while at < len(text) and text[at] not in ", \t":
                at += 1
            value = text[start:at]
        if name and name not in params:
            params[name] = value
    return params


def parse_challenge(header: str) -> Challenge | None:
    """The first challenge of a ``WWW-Authenticate`` value (``None`` when empty)."""
    header = header.strip()
    if not header:
        return None
    if len(header) > MAX_HEADER:
        raise Broken(f"the WWW-Authenticate header is {len(header)} characters long")
    scheme, _, rest = header.partition(" ")
    return Challenge(scheme.lower(), _params(rest))


def _link_is_next(params: str) -> bool:
    for part in params.split(";"):
        name, _, value = part.partition("=")
        if name.strip().lower() == "rel":
            rels = value.strip().strip('"').lower().split()
            if "next" in rels:
                return True
    return False


def next_link(values: list[str]) -> str:
    """The target of the first ``rel="next"`` link in ``Link`` headers ("" when none)."""
    total = sum(len(value) for value in values)
    if total > MAX_HEADER:
        raise Broken(f"the Link header is {total} characters long")
    for value in values:
        at = 0
        while True:
            start = value.find("<", at)
            if start < 0:
                break
            end = value.find(">", start + 1)
            if end < 0:
                raise Broken("a Link header has a '<' without its '>'")
            stop = value.find(",", end)
            params = value[end + 1 : stop if stop >= 0 else len(value)]
            if _link_is_next(params):
                return value[start + 1 : end].strip()
            if stop < 0:
                break
            at = stop + 1
    return ""


def _json(body: bytes, what: str) -> object:
    try:
        return json.loads(body)
    except RecursionError:  # the C decoder stops at the interpreter's recursion limit
        raise Broken(f"{what} is JSON nested too deeply") from None
    except ValueError:
        raise Broken(f"{what} is not JSON") from None


def catalog_names(body: bytes) -> list[str]:
    """The ``repositories`` of one ``/v2/_catalog`` page; raises ``Broken``."""
    data = _json(body, "the /v2/_catalog answer")
    if not isinstance(data, dict):
        raise Broken(f"the /v2/_catalog answer is a JSON {_kind(data)}, not an object")
    names = data.get("repositories")
    if names is None:
        return []
    if not isinstance(names, list):
        raise Broken(f'"repositories" in the /v2/_catalog answer is a JSON {_kind(names)}')
    if not all(isinstance(name, str) and len(name) <= MAX_NAME for name in names):
        raise Broken('"repositories" in the /v2/_catalog answer holds something else than names')
    return names


def bearer_token(body: bytes, realm: str) -> str:
    """The token of a token-service answer (``token`` or ``access_token``)."""
    data = _json(body, f"the answer of the token service {clean(realm)}")
    token = None
    if isinstance(data, dict):
        token = data.get("token") or data.get("access_token")
    if not isinstance(token, str) or not token:
        raise Broken(f"the token service {clean(realm)} returned no token")
    # Printable ASCII without spaces: RFC 6750 tokens and every opaque token seen in
    # practice; what would break the header (CR, LF, non-ASCII) is refused.
    if len(token) > MAX_TOKEN or not all("!" <= ch <= "~" for ch in token):
        raise Broken(
            f"the token service {clean(realm)} returned a token that cannot be sent in an"
            " HTTP header (not printable ASCII, or longer than 16 KiB)"
        )
    return token


def _kind(value: object) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), "number")
