"""The suite's one raw LSP client over stdio, for where pytest-lsp cannot be used (stdlib only).

It drives any language server (``eksa-mirror serve``, yaml-language-server, the standalone
program): frames JSON-RPC with ``Content-Length`` headers, records every message the server
sends (``messages``, and the bytes in ``raw_out``) and all it writes to stderr, answers the
server's own requests (``workspace/configuration`` from ``settings``, anything else with
``null``), and keeps its copy of each open document in step with the edits it sends (LSP
line model, UTF-16 columns). Framing and message parsing are ``benchmarks/lspwire.py``,
the wire the benchmark client reads with too. Unlike a real client it can also send anything:
broken JSON, wrong headers, unknown methods, out-of-range positions (``write``, ``send``).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from support import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
from lspwire import MessageParser, frame, lookup_section, norm_uri, rss_kib

#: ``eksa-mirror serve`` with the interpreter running the tests.
SERVE = (sys.executable, "-m", "eksa_mirror", "serve")
PUBLISH = "textDocument/publishDiagnostics"
_BREAK = re.compile(r"\r\n|\r|\n")


class LspError(RuntimeError):
    """The server answered a request with an error object."""

    def __init__(self, method: str, error: dict[str, Any]) -> None:
        self.method = method
        self.error = error
        super().__init__(f"{method}: {error.get('code')} {error.get('message')}")


def path_to_uri(path: Path) -> str:
    return path.resolve().as_uri()


def utf16_offset(text: str, line: int, character: int) -> int:
    """The index in ``text`` of an LSP position (UTF-16 columns), clamped like LSP."""
    starts = [0, *(m.end() for m in _BREAK.finditer(text))]
    if line >= len(starts):
        return len(text)
    found = _BREAK.search(text, starts[line])
    end = found.start() if found else len(text)
    units = 0
    for index in range(starts[line], end):
        if units >= character:
            return index
        units += 2 if ord(text[index]) > 0xFFFF else 1
    return end


def default_capabilities() -> dict[str, Any]:
    """Editor-like client capabilities: pull configuration, Markdown hover, snippets."""
    item = {"snippetSupport": True, "documentationFormat": ["markdown", "plaintext"]}
    return {
        "workspace": {
            "configuration": True,
            "didChangeConfiguration": {"dynamicRegistration": True},
        },
        "textDocument": {
            "synchronization": {"dynamicRegistration": False, "didSave": True},
            "publishDiagnostics": {"relatedInformation": True},
            "hover": {"contentFormat": ["markdown", "plaintext"]},
            "completion": {"completionItem": item},
        },
    }


def _range(start: tuple[int, int], end: tuple[int, int]) -> dict[str, Any]:
    return {
        "start": {"line": start[0], "character": start[1]},
        "end": {"line": end[0], "character": end[1]},
    }


class _Wire:
    """The process and its transport: one reader thread, one stderr-draining thread."""

    def __init__(
        self,
        argv: Sequence[str],
        env: dict[str, str] | None,
        cwd: Path | None,
        settings: dict[str, Any] | None,
    ) -> None:
        self.proc = subprocess.Popen(
            list(argv),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd,
            env={**os.environ, **(env or {})},
        )
        self.settings: dict[str, Any] = settings or {}
        self.raw_out = bytearray()
        self.stderr = bytearray()
        self.messages: list[dict[str, Any]] = []
        self.config_requests: list[list[str | None]] = []
        self._responses: dict[Any, dict[str, Any]] = {}
        self._cond = threading.Condition()
        self._lock = threading.Lock()
        self._closed = False
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._drain, daemon=True).start()

    def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        parser = MessageParser()
        while chunk := out.read1(1 << 16):
            self.raw_out += chunk
            for message in parser.feed(chunk):
                self._receive(message)
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def _receive(self, message: dict[str, Any]) -> None:
        with self._cond:
            self.messages.append(message)
            if "id" in message and "method" not in message:
                self._responses[message["id"]] = message
            self._cond.notify_all()
        if "method" in message and "id" in message:
            self._answer(message)

    def _drain(self) -> None:
        err = self.proc.stderr
        assert err is not None
        for line in iter(err.readline, b""):
            self.stderr += line

    def _answer(self, request: dict[str, Any]) -> None:
        result: Any = None
        if request["method"] == "workspace/configuration":
            sections = [item.get("section") for item in request["params"]["items"]]
            self.config_requests.append(sections)
            result = [lookup_section(self.settings, s) for s in sections]
        self.send({"jsonrpc": "2.0", "id": request["id"], "result": result})

    def write(self, data: bytes) -> None:
        """Bytes as they are, framed or not."""
        stdin = self.proc.stdin
        assert stdin is not None
        with self._lock:
            stdin.write(data)
            stdin.flush()

    def send(self, message: dict[str, Any]) -> None:
        self.write(frame(message))

    def wait(self, ready: Callable[[], Any], timeout: float, what: str) -> Any:
        """The first true value of ``ready()`` (under the lock), or an AssertionError."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not (found := ready()):
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._closed or self.proc.poll() is not None:
                    raise AssertionError(
                        f"{what} (server exit code {self.proc.poll()}); stderr:\n"
                        + self.stderr.decode(errors="replace")[-4000:]
                    )
                self._cond.wait(min(remaining, 0.5))
            return found


class RawLspClient(_Wire):
    """A language server in a subprocess, spoken to over its stdin and stdout."""

    def __init__(
        self,
        argv: Sequence[str] = SERVE,
        *,
        env: dict[str, str] | None = None,
        cwd: Path | None = REPO,
        settings: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(argv, env, cwd, settings)
        self._next_id = 0
        self.texts: dict[str, str] = {}
        self.versions: dict[str, int] = {}

    # --- requests and notifications ---------------------------------------------------------

    def request_async(self, method: str, params: Any = None) -> int:
        with self._lock:
            self._next_id += 1
            msg_id = self._next_id
        message: dict[str, Any] = {"jsonrpc": "2.0", "id": msg_id, "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)
        return msg_id

    def response(self, msg_id: Any, timeout: float = 20) -> dict[str, Any]:
        """The whole response message (``result`` or ``error``) to request ``msg_id``."""
        answer = self.wait(lambda: self._responses.get(msg_id), timeout, f"no answer to {msg_id!r}")
        return dict(answer)

    def request(self, method: str, params: Any = None, timeout: float = 20) -> dict[str, Any]:
        """Send a request; the whole response message."""
        return self.response(self.request_async(method, params), timeout)

    def result(self, method: str, params: Any = None, timeout: float = 20) -> Any:
        """Send a request; its result, or ``LspError`` for an error answer."""
        answer = self.request(method, params, timeout)
        if "error" in answer:
            raise LspError(method, answer["error"])
        return answer.get("result")

    def notify(self, method: str, params: Any = None) -> None:
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)

    # --- session ----------------------------------------------------------------------------

    def initialize(
        self,
        capabilities: dict[str, Any] | None = None,
        *,
        root: Path | None = None,
        **options: Any,
    ) -> Any:
        """initialize + initialized; with ``settings``, pushes them as an editor does."""
        params: dict[str, Any] = {
            "processId": os.getpid(),
            "rootUri": path_to_uri(root) if root else None,
            "capabilities": capabilities if capabilities is not None else {},
            "initializationOptions": options or None,
        }
        if root is not None:
            params["workspaceFolders"] = [{"uri": path_to_uri(root), "name": root.name}]
        result = self.result("initialize", params)
        self.notify("initialized", {})
        if self.settings:
            self.notify("workspace/didChangeConfiguration", {"settings": self.settings})
        return result

    def open(self, uri: str, text: str, language_id: str = "yaml") -> None:
        self.texts[uri] = text
        self.versions[uri] = 1
        document = {"uri": uri, "languageId": language_id, "version": 1, "text": text}
        self.notify("textDocument/didOpen", {"textDocument": document})

    def change(self, uri: str, start: tuple[int, int], end: tuple[int, int], text: str) -> None:
        """An incremental change; the client's copy is updated the LSP way."""
        current = self.texts[uri]
        a, b = sorted((utf16_offset(current, *start), utf16_offset(current, *end)))
        self.texts[uri] = current[:a] + text + current[b:]
        self.versions[uri] += 1
        change = {"range": _range(start, end), "text": text}
        document = {"uri": uri, "version": self.versions[uri]}
        self.notify(
            "textDocument/didChange", {"textDocument": document, "contentChanges": [change]}
        )

    def close_document(self, uri: str) -> None:
        self.notify("textDocument/didClose", {"textDocument": {"uri": uri}})

    def hover(self, uri: str, line: int, character: int) -> Any:
        position = {"line": line, "character": character}
        return self.result(
            "textDocument/hover", {"textDocument": {"uri": uri}, "position": position}
        )

    # --- published diagnostics --------------------------------------------------------------

    def _published(self, uri: str) -> list[dict[str, Any]]:
        key = norm_uri(uri)
        return [
            m["params"]
            for m in self.messages
            if m.get("method") == PUBLISH and norm_uri(m["params"]["uri"]) == key
        ]

    def publications(self, uri: str) -> int:
        with self._cond:
            return len(self._published(uri))

    def diagnostics(self, uri: str, version: int | None = None, timeout: float = 20) -> list[Any]:
        """The latest published diagnostics of ``uri`` (for ``version``, if given)."""

        def latest() -> list[Any] | None:
            for params in reversed(self._published(uri)):
                if version is None or params.get("version") == version:
                    return [list(params["diagnostics"])]
            return None

        found: list[list[Any]] = self.wait(latest, timeout, f"no diagnostics for {uri} {version}")
        return found[0]

    def wait_diagnostics(
        self,
        uri: str,
        after: int = 0,
        timeout: float = 20.0,
        settle: float = 0.4,
        accept: Callable[[list[dict[str, Any]]], bool] | None = None,
    ) -> list[dict[str, Any]]:
        """Wait for publication number ``after + 1`` (or later) for ``uri``.

        After the first publication the client waits ``settle`` seconds more and returns the
        latest one, so a server that publishes twice (an empty list, then the result) is
        read correctly. ``accept`` can reject a publication and keep waiting.
        """

        def arrived() -> bool:
            pubs = self._published(uri)
            return len(pubs) > after and (accept is None or accept(pubs[-1]["diagnostics"]))

        self.wait(arrived, timeout, f"no diagnostics for {uri} within {timeout}s")
        with self._cond:
            seen, end = self._count(uri), time.monotonic() + settle
            while time.monotonic() < end:
                self._cond.wait(max(0.0, end - time.monotonic()))
                if (count := self._count(uri)) > seen:
                    seen, end = count, time.monotonic() + settle
            return list(self._published(uri)[-1]["diagnostics"])

    def _count(self, uri: str) -> int:
        return len(self._published(uri))

    # --- the process --------------------------------------------------------------------------

    def rss_kib(self) -> int:
        """Resident memory of the server process (VmRSS), in KiB."""
        return rss_kib(self.proc.pid)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self, timeout: float = 10) -> int:
        """shutdown + exit; the exit code of the server."""
        if self.alive():
            try:
                self.request("shutdown", timeout=timeout)
                self.notify("exit")
            except (AssertionError, OSError):
                pass
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait(timeout=timeout)
        finally:
            for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
                if stream is not None:
                    stream.close()
