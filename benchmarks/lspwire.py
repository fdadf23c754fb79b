"""The LSP wire under ``lspclient.py``, the raw client of the benchmarks and tests (stdlib only).

It holds what a client speaks and measures, apart from the session: ``Content-Length`` framing
(``frame``), a parser that is fed the bytes read from a server's stdout and returns whole
JSON-RPC messages (``MessageParser``; it does no I/O and stamps nothing: the client stamps each
chunk on arrival), URI normalisation, dotted ``workspace/configuration`` section lookup, and the
resident memory of a process and of a process tree (Linux ``/proc``; 0 elsewhere).
"""

from __future__ import annotations

import collections
import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import unquote

_SEPARATOR = b"\r\n\r\n"


def frame(message: dict[str, Any] | bytes) -> bytes:
    """A JSON-RPC message (or raw bytes as they are) with its ``Content-Length`` header."""
    if isinstance(message, bytes):
        body = message
    else:
        body = json.dumps(message, ensure_ascii=False).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


class MessageParser:
    """Whole messages out of a stream of stdout bytes, fed in chunks of any size.

    A header other than ``Content-Length``/``Content-Type``, a header block without a length,
    or a body that is not JSON is recorded in ``errors`` and skipped, never raised.
    """

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._length: int | None = None
        self.errors: list[str] = []

    def feed(self, data: bytes) -> list[dict[str, Any]]:
        self._buffer += data
        messages: list[dict[str, Any]] = []
        while (message := self._next()) is not None:
            if isinstance(message, dict):
                messages.append(message)
        return messages

    def _next(self) -> dict[str, Any] | bool | None:
        """One message; False for a skipped one; None when more bytes are needed."""
        if self._length is None:
            end = self._buffer.find(_SEPARATOR)
            if end < 0:
                return None
            header = bytes(self._buffer[:end])
            del self._buffer[: end + len(_SEPARATOR)]
            self._length = self._content_length(header)
            if self._length is None:
                return False
        if len(self._buffer) < self._length:
            return None
        body = bytes(self._buffer[: self._length])
        del self._buffer[: self._length]
        self._length = None
        try:
            message = json.loads(body)
        except ValueError as exc:
            self.errors.append(f"invalid JSON: {exc}")
            return False
        return message if isinstance(message, dict) else False

    def _content_length(self, header: bytes) -> int | None:
        length = None
        for line in header.split(b"\r\n"):
            name, _, value = line.decode("ascii", "replace").partition(":")
            key = name.strip().lower()
            if key == "content-length" and value.strip().isdigit():
                length = int(value)
            elif key != "content-type" and line.strip():
                self.errors.append(f"non-LSP output on stdout: {line[:200]!r}")
        if length is None:
            self.errors.append(f"no Content-Length in header {header[:200]!r}")
        return length


def norm_uri(uri: str) -> str:
    """A URI compared as servers echo it back: percent-decoded, no trailing slash."""
    return unquote(uri or "").rstrip("/")


def lookup_section(settings: Any, section: str | None) -> Any:
    """Resolve a dotted configuration section (``"yaml"``, ``"[yaml]"``, ``"yaml.format"``)."""
    if not section:
        return settings
    if not isinstance(settings, dict):
        return None
    if section in settings:  # whole sections, and language-specific ones such as "[yaml]"
        return settings[section]
    node: Any = settings
    for part in section.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def rss_kib(pid: int) -> int:
    """Resident memory (VmRSS) of process ``pid`` in KiB; 0 when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children() -> dict[int, list[int]]:
    """Every process's children, from ``/proc/*/stat`` (empty where there is no ``/proc``)."""
    kids: dict[int, list[int]] = collections.defaultdict(list)
    entries = os.listdir("/proc") if os.path.isdir("/proc") else []
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...; comm may contain spaces and parentheses
        rest = stat[stat.rfind(")") + 2 :].split()
        kids[int(rest[1])].append(int(entry))
    return kids


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants."""
    kids = _children()
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, ()))
    return out


def tree_rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants, in KiB."""
    return sum(rss_kib(p) for p in process_tree(pid))
