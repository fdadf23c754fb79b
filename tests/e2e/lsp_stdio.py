"""A small, standard-library-only LSP client over stdio for end-to-end tests.

It starts a language server process, frames JSON-RPC messages with ``Content-Length``
headers, answers the server's own requests (``workspace/configuration`` from a settings
dictionary, capability registration and progress creation with ``null``) and records every
``textDocument/publishDiagnostics`` notification, so a test can wait for the diagnostics of
one document.

It is written for yaml-language-server but assumes nothing specific to it.
"""

from __future__ import annotations

import json
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote

JSON = Any


class LspError(RuntimeError):
    """The server answered a request with an error object."""

    def __init__(self, method: str, error: dict[str, Any]) -> None:
        self.method = method
        self.error = error
        super().__init__(f"{method}: {error.get('code')} {error.get('message')}")


def path_to_uri(path: Path) -> str:
    return path.resolve().as_uri()


def _norm_uri(uri: str) -> str:
    return unquote(uri).rstrip("/")


def lookup_section(settings: dict[str, Any], section: str | None) -> JSON:
    """Resolve a dotted configuration section (``"yaml"``, ``"[yaml]"``, ``"yaml.format"``)."""
    if not section:
        return settings
    if section in settings:
        # Whole sections, and language-specific ones such as "[yaml]".
        return settings[section]
    node: JSON = settings
    for part in section.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


class LspClient:
    """A synchronous client: one reader thread, one stderr-draining thread."""

    def __init__(
        self,
        argv: Sequence[str],
        settings: dict[str, Any] | None = None,
        cwd: Path | None = None,
    ) -> None:
        self.settings: dict[str, Any] = settings or {}
        self.proc = subprocess.Popen(
            list(argv),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd,
        )
        self._next_id = 0
        self._lock = threading.Lock()
        self._cond = threading.Condition()
        self._responses: dict[int, dict[str, Any]] = {}
        self._diagnostics: dict[str, list[list[dict[str, Any]]]] = {}
        self.config_requests: list[list[str | None]] = []
        self.stderr_lines: list[str] = []
        self._closed = False
        self._reader = threading.Thread(target=self._read_loop, daemon=True)
        self._reader.start()
        self._stderr = threading.Thread(target=self._drain_stderr, daemon=True)
        self._stderr.start()

    # ---- wire --------------------------------------------------------------------------

    def _write(self, message: dict[str, Any]) -> None:
        body = json.dumps(message).encode("utf-8")
        header = f"Content-Length: {len(body)}\r\n\r\n".encode("ascii")
        assert self.proc.stdin is not None
        with self._lock:
            self.proc.stdin.write(header + body)
            self.proc.stdin.flush()

    def _read_message(self) -> dict[str, Any] | None:
        stream = self.proc.stdout
        assert stream is not None
        length = None
        while True:
            line = stream.readline()
            if not line:
                return None
            line = line.strip()
            if not line:
                break
            name, _, value = line.decode("ascii").partition(":")
            if name.lower() == "content-length":
                length = int(value.strip())
        if length is None:
            return None
        data = stream.read(length)
        return json.loads(data.decode("utf-8"))

    def _read_loop(self) -> None:
        while True:
            try:
                msg = self._read_message()
            except (OSError, ValueError):
                msg = None
            if msg is None:
                with self._cond:
                    self._closed = True
                    self._cond.notify_all()
                return
            if "id" in msg and "method" in msg:
                self._answer(msg)
            elif "id" in msg:
                with self._cond:
                    self._responses[int(msg["id"])] = msg
                    self._cond.notify_all()
            elif msg.get("method") == "textDocument/publishDiagnostics":
                params = msg["params"]
                with self._cond:
                    key = _norm_uri(params["uri"])
                    self._diagnostics.setdefault(key, []).append(params["diagnostics"])
                    self._cond.notify_all()

    def _drain_stderr(self) -> None:
        assert self.proc.stderr is not None
        for raw in self.proc.stderr:
            self.stderr_lines.append(raw.decode("utf-8", "replace").rstrip())

    def _answer(self, msg: dict[str, Any]) -> None:
        method = msg["method"]
        result: JSON = None
        if method == "workspace/configuration":
            sections = [item.get("section") for item in msg["params"].get("items", [])]
            self.config_requests.append(sections)
            result = [lookup_section(self.settings, s) for s in sections]
        self._write({"jsonrpc": "2.0", "id": msg["id"], "result": result})

    # ---- requests and notifications ----------------------------------------------------

    def notify(self, method: str, params: JSON = None) -> None:
        self._write({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method: str, params: JSON, timeout: float = 20.0) -> JSON:
        with self._lock:
            self._next_id += 1
            msg_id = self._next_id
        self._write({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})
        deadline = time.monotonic() + timeout
        with self._cond:
            while msg_id not in self._responses:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._closed:
                    raise TimeoutError(f"{method}: no response within {timeout}s")
                self._cond.wait(remaining)
            response = self._responses.pop(msg_id)
        if "error" in response:
            raise LspError(method, response["error"])
        return response.get("result")

    # ---- lifecycle ---------------------------------------------------------------------

    def initialize(self, root: Path, capabilities: dict[str, Any] | None = None) -> JSON:
        caps = capabilities or default_capabilities()
        result = self.request(
            "initialize",
            {
                "processId": None,
                "rootUri": path_to_uri(root),
                "workspaceFolders": [{"uri": path_to_uri(root), "name": root.name}],
                "capabilities": caps,
            },
        )
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": self.settings})
        return result

    def open(self, uri: str, text: str, language_id: str = "yaml", version: int = 1) -> None:
        self.notify(
            "textDocument/didOpen",
            {
                "textDocument": {
                    "uri": uri,
                    "languageId": language_id,
                    "version": version,
                    "text": text,
                }
            },
        )

    def close_document(self, uri: str) -> None:
        self.notify("textDocument/didClose", {"textDocument": {"uri": uri}})

    def publications(self, uri: str) -> int:
        with self._cond:
            return len(self._diagnostics.get(_norm_uri(uri), []))

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
        key = _norm_uri(uri)
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                pubs = self._diagnostics.get(key, [])
                if len(pubs) > after and (accept is None or accept(pubs[-1])):
                    break
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._closed:
                    raise TimeoutError(f"no diagnostics for {uri} within {timeout}s")
                self._cond.wait(remaining)
            seen = len(pubs)
            end = time.monotonic() + settle
            while time.monotonic() < end:
                self._cond.wait(max(0.0, end - time.monotonic()))
                pubs = self._diagnostics.get(key, [])
                if len(pubs) > seen:
                    seen = len(pubs)
                    end = time.monotonic() + settle
            return list(self._diagnostics[key][-1])

    def shutdown(self, timeout: float = 5.0) -> None:
        try:
            if self.proc.poll() is None and not self._closed:
                self.request("shutdown", None, timeout=timeout)
                self.notify("exit", None)
        except (TimeoutError, OSError, LspError):
            pass
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=timeout)
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()


def default_capabilities() -> dict[str, Any]:
    """Editor-like client capabilities: pull configuration, Markdown hover, snippets."""
    return {
        "workspace": {
            "configuration": True,
            "didChangeConfiguration": {"dynamicRegistration": True},
        },
        "textDocument": {
            "synchronization": {"dynamicRegistration": False, "didSave": True},
            "publishDiagnostics": {"relatedInformation": True},
            "hover": {"contentFormat": ["markdown", "plaintext"]},
            "completion": {
                "completionItem": {
                    "snippetSupport": True,
                    "documentationFormat": ["markdown", "plaintext"],
                }
            },
        },
    }
