"""The one raw LSP client over stdio: the benchmarks', and the tests' where pytest-lsp cannot go.

It drives any language server (``eksa-mirror serve``, yaml-language-server, the standalone
program) in a subprocess, synchronously: a reader thread parses the server's stdout with
``lspwire.py`` and stamps every chunk on arrival with ``time.perf_counter`` (``now``), so
latencies are wire to wire; a second thread drains stderr so a chatty server cannot block on a
full pipe. It records every message the server sends (``messages``, the bytes in ``raw_out``,
``stderr``), answers the server's own requests (``workspace/configuration`` from ``settings``,
registrations and progress with ``null``, anything else with "method not found"), and keeps its
copy of each open document in step with the edits it sends (LSP line model, UTF-16 columns).
Unlike a real client it can also send anything: broken JSON, wrong headers, unknown methods,
out-of-range positions (``write``, ``send``).

    client = LspClient(["node", "yaml-language-server", "--stdio"], settings={...})
    client.initialize(editor_capabilities(), root=workspace)
    client.open(uri, text)
    diagnostics = client.diagnostics(uri, version=1)
    client.close()

Waits end with ``LspTimeout`` (the server's exit code and the tail of its stderr in the
message); an error answer to ``result``/``timed`` raises ``LspError``.
"""

from __future__ import annotations

import collections
import contextlib
import io
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lspwire import MessageParser, frame, lookup_section, norm_uri, tree_rss_kib

REPO = Path(__file__).resolve().parents[1]
#: ``eksa-mirror serve`` with the running interpreter.
SERVE = (sys.executable, "-m", "eksa_mirror", "serve")
PUBLISH = "textDocument/publishDiagnostics"
#: Server requests answered with ``null``; any other but ``workspace/configuration`` is refused.
_NULL_ANSWERED = frozenset(
    {
        "client/registerCapability",
        "client/unregisterCapability",
        "window/workDoneProgress/create",
        "workspace/workspaceFolders",
        "workspace/diagnostic/refresh",
        "workspace/semanticTokens/refresh",
        "workspace/codeLens/refresh",
    }
)
_BREAK = re.compile(r"\r\n|\r|\n")
now = time.perf_counter


class LspError(RuntimeError):
    """The server answered a request with an error object."""

    def __init__(self, method: str, error: dict[str, Any]) -> None:
        self.method = method
        self.error = error
        super().__init__(f"{method}: {error.get('code')} {error.get('message')}")


class LspTimeout(Exception):
    """What a wait was for did not come in time, or the server exited first."""


@dataclass(frozen=True)
class Publish:
    """One ``publishDiagnostics`` of a document: arrival time, version, position in its list."""

    t: float
    version: int | None
    diagnostics: list[dict[str, Any]]
    n: int


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


def editor_capabilities() -> dict[str, Any]:
    """An editor's capabilities: pulled configuration, Markdown, snippets, push diagnostics only."""
    completion_item = {
        "snippetSupport": True,
        "documentationFormat": ["markdown", "plaintext"],
        "deprecatedSupport": True,
        "labelDetailsSupport": True,
    }
    diagnostics = {"relatedInformation": True, "versionSupport": True,
                   "codeDescriptionSupport": True, "dataSupport": True,
                   "tagSupport": {"valueSet": [1, 2]}}  # fmt: skip
    actions = {"codeActionKind": {"valueSet": ["", "quickfix"]}}
    return {
        "general": {"positionEncodings": ["utf-16"]},
        "workspace": {
            "configuration": True,
            "didChangeConfiguration": {"dynamicRegistration": True},
            "workspaceFolders": True,
            "applyEdit": False,
            "workspaceEdit": {"documentChanges": True},
        },
        "window": {"workDoneProgress": True, "showMessage": {}},
        "textDocument": {
            "synchronization": {"dynamicRegistration": False, "didSave": True},
            "publishDiagnostics": diagnostics,
            "completion": {
                "dynamicRegistration": False,
                "contextSupport": True,
                "completionItem": completion_item,
                "completionItemKind": {"valueSet": list(range(1, 26))},
            },
            "hover": {"dynamicRegistration": False, "contentFormat": ["markdown", "plaintext"]},
            "codeAction": {
                "dynamicRegistration": False,
                "isPreferredSupport": True,
                "codeActionLiteralSupport": actions,
            },
        },
    }


def _range(start: tuple[int, int], end: tuple[int, int]) -> dict[str, Any]:
    return {
        "start": {"line": start[0], "character": start[1]},
        "end": {"line": end[0], "character": end[1]},
    }


def _sections(request: dict[str, Any]) -> list[str | None]:
    """The sections a ``workspace/configuration`` request asks for."""
    return [item.get("section") for item in (request.get("params") or {}).get("items", [])]


class LspClient:
    """A language server in a subprocess (its own process group), spoken to over stdin/stdout."""

    def __init__(
        self,
        argv: Sequence[str] = SERVE,
        *,
        env: dict[str, str] | None = None,
        cwd: Path | str | None = REPO,
        settings: dict[str, Any] | None = None,
    ) -> None:
        self.settings: dict[str, Any] = settings or {}
        self.raw_out = bytearray()
        self.stderr = bytearray()
        self.messages: list[dict[str, Any]] = []
        self.publishes: dict[str, list[Publish]] = collections.defaultdict(list)
        self.server_requests: collections.Counter[str] = collections.Counter()
        self.config_requests: list[list[str | None]] = []
        self.sent_at: dict[int, float] = {}
        self.answered_at: dict[Any, float] = {}
        self.texts: dict[str, str] = {}
        self.versions: dict[str, int] = {}
        self.initialize_s: float | None = None  # spawn -> initialize result, in seconds
        self._responses: dict[Any, dict[str, Any]] = {}
        self._next_id = 0
        self._cond = threading.Condition()
        self._lock = threading.Lock()
        self._closed = False
        self._parser = MessageParser()
        self.protocol_errors = self._parser.errors
        self.t_spawn = now()
        self.proc = self._spawn(argv, env, cwd)
        self._threads = [
            threading.Thread(target=self._read, daemon=True),
            threading.Thread(target=self._drain, daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    @staticmethod
    def _spawn(
        argv: Sequence[str], env: dict[str, str] | None, cwd: Path | str | None
    ) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            list(argv),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd,
            env={**os.environ, **(env or {})},
            start_new_session=True,  # its whole tree is stopped (and measured) together
        )

    # --- the reader and the stderr drain (their own threads) --------------------------------

    def _read(self) -> None:
        out = self.proc.stdout
        assert isinstance(out, io.BufferedReader)
        while chunk := out.read1(1 << 16):
            t = now()  # every message in a chunk arrived with it
            self.raw_out += chunk
            for message in self._parser.feed(chunk):
                self._receive(message, t)
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def _receive(self, message: dict[str, Any], t: float) -> None:
        method = message.get("method")
        with self._cond:
            self.messages.append(message)
            if method is None and "id" in message:
                self._responses[message["id"]] = message
                self.answered_at[message["id"]] = t
            elif method == PUBLISH and "id" not in message:
                self._record_publish(message.get("params") or {}, t)
            elif method is not None and "id" in message:
                self.server_requests[method] += 1
                if method == "workspace/configuration":
                    self.config_requests.append(_sections(message))
                # Answered from another thread: this one must keep reading while the
                # answer waits for a write of the main thread to go through.
                threading.Thread(target=self._answer, args=(message,), daemon=True).start()
            self._cond.notify_all()

    def _record_publish(self, params: dict[str, Any], t: float) -> None:
        pubs = self.publishes[norm_uri(params.get("uri", ""))]
        pubs.append(Publish(t, params.get("version"), params.get("diagnostics") or [], len(pubs)))

    def _drain(self) -> None:
        err = self.proc.stderr
        assert err is not None
        for line in iter(err.readline, b""):
            self.stderr += line

    def _answer(self, request: dict[str, Any]) -> None:
        method = request["method"]
        reply: dict[str, Any] = {"jsonrpc": "2.0", "id": request["id"]}
        if method == "workspace/configuration":
            reply["result"] = [lookup_section(self.settings, s) for s in _sections(request)]
        elif method in _NULL_ANSWERED:
            reply["result"] = None
        else:
            reply["error"] = {"code": -32601, "message": f"not supported: {method}"}
        with contextlib.suppress(OSError):  # the server is gone: its exit is what callers see
            self.send(reply)

    # --- writing ----------------------------------------------------------------------------

    def write(self, data: bytes) -> None:
        """Bytes as they are, framed or not."""
        stdin = self.proc.stdin
        assert stdin is not None
        with self._lock:
            stdin.write(data)
            stdin.flush()

    def send(self, message: dict[str, Any]) -> None:
        self.write(frame(message))

    def notify(self, method: str, params: Any = None) -> None:
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)

    def request_async(self, method: str, params: Any = None) -> int:
        """Send a request; its id (``sent_at[id]`` is when it went)."""
        with self._lock:
            self._next_id += 1
            msg_id = self._next_id
        message: dict[str, Any] = {"jsonrpc": "2.0", "id": msg_id, "method": method}
        if params is not None:
            message["params"] = params
        self.sent_at[msg_id] = now()
        self.send(message)
        return msg_id

    # --- waiting and answers ----------------------------------------------------------------

    def wait(self, ready: Callable[[], Any], timeout: float, what: str) -> Any:
        """The first true value of ``ready()`` (under the lock), or ``LspTimeout``."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not (found := ready()):
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._closed or self.proc.poll() is not None:
                    raise LspTimeout(
                        f"{what} (server exit code {self.proc.poll()}); stderr:\n"
                        + self.stderr.decode(errors="replace")[-4000:]
                    )
                self._cond.wait(min(remaining, 0.5))
            return found

    def response(self, msg_id: Any, timeout: float = 20) -> dict[str, Any]:
        """The whole response message (``result`` or ``error``) to request ``msg_id``."""
        answer = self.wait(lambda: self._responses.get(msg_id), timeout, f"no answer to {msg_id!r}")
        return dict(answer)

    def request(self, method: str, params: Any = None, timeout: float = 20) -> dict[str, Any]:
        """Send a request; the whole response message."""
        return self.response(self.request_async(method, params), timeout)

    def result(self, method: str, params: Any = None, timeout: float = 20) -> Any:
        """Send a request; its result, or ``LspError`` for an error answer."""
        return self.timed(method, params, timeout)[0]

    def timed(self, method: str, params: Any = None, timeout: float = 20) -> tuple[Any, float]:
        """Send a request; its result and the seconds from sending to the answer's arrival."""
        msg_id = self.request_async(method, params)
        answer = self.response(msg_id, timeout)
        if "error" in answer:
            raise LspError(method, answer["error"])
        return answer.get("result"), self.answered_at[msg_id] - self.sent_at[msg_id]

    # --- session ----------------------------------------------------------------------------

    def initialize(
        self,
        capabilities: dict[str, Any] | None = None,
        *,
        root: Path | None = None,
        timeout: float = 60,
        **options: Any,
    ) -> Any:
        """initialize + initialized; with ``settings``, pushes them as an editor does.

        ``options`` are the ``initializationOptions``; ``initialize_s`` is then the seconds
        from spawning the server to the arrival of the initialize result.
        """
        params: dict[str, Any] = {
            "processId": os.getpid(),
            "clientInfo": {"name": "eksa-mirror-lspclient", "version": "1"},
            "rootUri": path_to_uri(root) if root else None,
            "capabilities": capabilities if capabilities is not None else {},
            "trace": "off",
        }
        if root is not None:
            params["rootPath"] = str(root)
            params["workspaceFolders"] = [{"uri": path_to_uri(root), "name": root.name}]
        if options:
            params["initializationOptions"] = options
        msg_id = self.request_async("initialize", params)
        answer = self.response(msg_id, timeout)
        if "error" in answer:
            raise LspError("initialize", answer["error"])
        self.initialize_s = self.answered_at[msg_id] - self.t_spawn
        self.notify("initialized", {})
        if self.settings:
            self.notify("workspace/didChangeConfiguration", {"settings": self.settings})
        return answer.get("result")

    def hover(self, uri: str, line: int, character: int) -> Any:
        position = {"line": line, "character": character}
        return self.result(
            "textDocument/hover", {"textDocument": {"uri": uri}, "position": position}
        )

    # --- documents: the client's copy follows every edit it sends ----------------------------

    def open(self, uri: str, text: str, language_id: str = "yaml") -> None:
        self.texts[uri] = text
        self.versions[uri] = 1
        document = {"uri": uri, "languageId": language_id, "version": 1, "text": text}
        self.notify("textDocument/didOpen", {"textDocument": document})

    def change(self, uri: str, start: tuple[int, int], end: tuple[int, int], text: str) -> int:
        """An incremental change, applied to the client's copy the LSP way; the new version."""
        current = self.texts[uri]
        a, b = sorted((utf16_offset(current, *start), utf16_offset(current, *end)))
        self.texts[uri] = current[:a] + text + current[b:]
        return self._did_change(uri, {"range": _range(start, end), "text": text})

    def replace(self, uri: str, text: str) -> int:
        """A full-text change (full sync); the new version."""
        self.texts[uri] = text
        return self._did_change(uri, {"text": text})

    def _did_change(self, uri: str, change: dict[str, Any]) -> int:
        self.versions[uri] += 1
        document = {"uri": uri, "version": self.versions[uri]}
        self.notify(
            "textDocument/didChange", {"textDocument": document, "contentChanges": [change]}
        )
        return self.versions[uri]

    def close_document(self, uri: str) -> None:
        self.notify("textDocument/didClose", {"textDocument": {"uri": uri}})

    # --- published diagnostics --------------------------------------------------------------

    def publications(self, uri: str) -> int:
        """How many times diagnostics of ``uri`` were published so far."""
        with self._cond:
            return len(self.publishes[norm_uri(uri)])

    def diagnostics(self, uri: str, version: int | None = None, timeout: float = 20) -> list[Any]:
        """The latest published diagnostics of ``uri`` (for ``version``, if given)."""
        pubs = self.publishes[norm_uri(uri)]

        def latest() -> list[Publish]:
            return [p for p in pubs[::-1] if version is None or p.version == version][:1]

        found: list[Publish] = self.wait(latest, timeout, f"no diagnostics for {uri} {version}")
        return list(found[0].diagnostics)

    def next_publish(
        self, uri: str, after: int, timeout: float, min_version: int | None = None
    ) -> Publish:
        """The first publication of ``uri`` at list position ``after`` or later that is not
        stale (version at least ``min_version``, where the server sends versions)."""
        pubs = self.publishes[norm_uri(uri)]

        def fresh(p: Publish) -> bool:
            return min_version is None or p.version is None or p.version >= min_version

        def first() -> Publish | None:
            return next((p for p in pubs[after:] if fresh(p)), None)

        found: Publish = self.wait(first, timeout, f"no diagnostics for {uri} within {timeout}s")
        return found

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
        pubs = self.publishes[norm_uri(uri)]

        def arrived() -> bool:
            return len(pubs) > after and (accept is None or accept(pubs[-1].diagnostics))

        self.wait(arrived, timeout, f"no diagnostics for {uri} within {timeout}s")
        with self._cond:
            seen, end = len(pubs), time.monotonic() + settle
            while time.monotonic() < end:
                self._cond.wait(max(0.0, end - time.monotonic()))
                if len(pubs) > seen:
                    seen, end = len(pubs), time.monotonic() + settle
            return list(pubs[-1].diagnostics)

    # --- the process --------------------------------------------------------------------------

    def rss_kib(self) -> int:
        """Resident memory of the server's process tree (VmRSS), in KiB."""
        return tree_rss_kib(self.proc.pid)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self, timeout: float = 10) -> int:
        """shutdown + exit, then the process group stopped if it lingers; the exit code."""
        if self.alive():
            try:
                self.request("shutdown", timeout=timeout)
                self.notify("exit")
            except (LspTimeout, OSError):
                pass
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            code = self.kill()
        self._signal_group(getattr(signal, "SIGKILL", signal.SIGTERM))  # what it left behind
        for thread in self._threads:  # all the output read: raw_out, messages, stderr
            thread.join(timeout=5)
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if stream is not None:
                with contextlib.suppress(OSError):  # unflushed bytes for a server that is gone
                    stream.close()
        return code

    def kill(self) -> int:
        """SIGTERM, then SIGKILL, to the server's process group; the exit code."""
        for sig in (signal.SIGTERM, getattr(signal, "SIGKILL", signal.SIGTERM)):
            self._signal_group(sig)
            try:
                return self.proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                continue
        return self.proc.wait()

    def _signal_group(self, sig: int) -> None:
        try:
            if hasattr(os, "killpg"):
                os.killpg(self.proc.pid, sig)
            elif self.proc.poll() is None:
                self.proc.kill()
        except (ProcessLookupError, PermissionError):
            pass  # the group is gone already
