"""Pure parsing of ``endpoint`` and ``registry`` strings into a bare host and what is wrong.

EKS-A never checks the endpoint format: it builds the mirror base with
``net.JoinHostPort(endpoint, port)``, so ``https://reg.local`` becomes
``[https://reg.local]:443`` and ``reg.local:5000`` becomes ``[reg.local:5000]:443``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
_HOST_PORT = re.compile(r"^([^:\[\]]+):(\d*)$")
_BRACKETED = re.compile(r"^\[([^\]]*)\](?::(\d*))?$")


@dataclass
class HostParts:
    """A host string taken apart: the bare host, an embedded port, and the problems seen."""

    host: str
    port: str = ""
    scheme: str = ""
    path: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def parse_host(value: str, *, allow_port: bool = False) -> HostParts:
    """Take a host apart. ``allow_port``: ``host:port`` is fine (``ociNamespaces[].registry``)."""
    parts = HostParts(value)
    text = value
    if text != text.strip():
        parts.problems.append("surrounding whitespace")
        text = text.strip()
    scheme = _SCHEME.match(text)
    if scheme:
        parts.scheme = scheme.group(1)
        parts.problems.append(f'the scheme "{scheme.group(0)}"')
        text = text[scheme.end() :]
    if "/" in text:
        text, _, path = text.partition("/")
        parts.path = path
        parts.problems.append(f'the path "/{path}"' if path.strip("/") else 'a trailing "/"')
    bracketed = _BRACKETED.match(text)
    host_port = _HOST_PORT.match(text)
    if bracketed:
        text, port = bracketed.group(1), bracketed.group(2) or ""
        if not allow_port or not port:
            parts.problems.append("square brackets")
        if port and not allow_port:
            parts.port = port
            parts.problems.append(f'the port ":{port}"')
        elif port:
            text = f"[{text}]:{port}"
    elif host_port and not allow_port:
        text, parts.port = host_port.group(1), host_port.group(2)
        parts.problems.append(f'the port ":{parts.port}"')
    if re.search(r"\s", text):
        parts.problems.append("whitespace inside the host")
    parts.host = text
    return parts


def describe(problems: list[str]) -> str:
    if len(problems) == 1:
        return problems[0]
    return ", ".join(problems[:-1]) + " and " + problems[-1]
