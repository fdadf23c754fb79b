"""A raw JSON-RPC client over stdio for the hostile language-server tests (stdlib only).

Unlike a real client it can send anything: broken JSON, wrong ``Content-Length`` headers,
unknown methods, out-of-range positions. It records every message the server sends and
everything it writes to stderr, answers the server's own requests, and keeps its copy of
each open document in step with the edits it sends (LSP line model, UTF-16 columns).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
SERVER = [sys.executable, "-m", "eksa_mirror", "serve"]
_BREAK = re.compile(r"\r\n|\r|\n")


def frame(message: dict[str, Any] | bytes) -> bytes:
    body = message if isinstance(message, bytes) else json.dumps(message).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


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


class Server:
    """``eksa-mirror serve`` in a subprocess, spoken to over its stdin and stdout."""

    def __init__(
        self, *args: str, env: dict[str, str] | None = None, argv: list[str] | None = None
    ) -> None:
        self.proc = subprocess.Popen(
            argv or [*SERVER, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=REPO,
            env={**os.environ, **(env or {})},
        )
        assert self.proc.stdin and self.proc.stdout and self.proc.stderr
        self.raw_out = bytearray()
        self.stderr = bytearray()
        self.messages: list[dict[str, Any]] = []
        self._responses: dict[Any, dict[str, Any]] = {}
        self._cond = threading.Condition()
        self._next_id = 0
        self.texts: dict[str, str] = {}
        self.versions: dict[str, int] = {}
        self.settings: dict[str, Any] = {}
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._drain, daemon=True).start()

    # --- transport ------------------------------------------------------------------------

    def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        while True:
            headers: dict[str, str] = {}
            while True:
                line = out.readline()
                if not line:
                    with self._cond:
                        self._cond.notify_all()
                    return
                self.raw_out += line
                if line in (b"\r\n", b"\n"):
                    break
                name, _, value = line.decode("ascii").partition(":")
                headers[name.strip().lower()] = value.strip()
            body = out.read(int(headers["content-length"]))
            self.raw_out += body
            message = json.loads(body)
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
            items = request["params"]["items"]
            result = [self.settings.get(item.get("section", "")) for item in items]
        self.send({"jsonrpc": "2.0", "id": request["id"], "result": result})

    def write(self, data: bytes) -> None:
        stdin = self.proc.stdin
        assert stdin is not None
        stdin.write(data)
        stdin.flush()

    def send(self, message: dict[str, Any]) -> None:
        self.write(frame(message))

    # --- requests and notifications ---------------------------------------------------------

    def request_async(self, method: str, params: Any = None) -> int:
        self._next_id += 1
        message: dict[str, Any] = {"jsonrpc": "2.0", "id": self._next_id, "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)
        return self._next_id

    def response(self, msg_id: Any, timeout: float = 20) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while msg_id not in self._responses:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self.proc.poll() is not None:
                    raise AssertionError(
                        f"no answer to request {msg_id!r} (server exit code "
                        f"{self.proc.poll()}); stderr:\n{self.stderr.decode(errors='replace')}"
                    )
                self._cond.wait(min(remaining, 0.5))
            return self._responses[msg_id]

    def request(self, method: str, params: Any = None, timeout: float = 20) -> dict[str, Any]:
        return self.response(self.request_async(method, params), timeout)

    def result(self, method: str, params: Any = None) -> Any:
        answer = self.request(method, params)
        assert "error" not in answer, answer
        return answer["result"]

    def notify(self, method: str, params: Any = None) -> None:
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)

    def initialize(self, capabilities: dict[str, Any] | None = None, **options: Any) -> Any:
        result = self.result(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": None,
                "capabilities": capabilities or {},
                "initializationOptions": options or None,
            },
        )
        self.notify("initialized", {})
        return result

    def open(self, uri: str, text: str) -> None:
        self.texts[uri] = text
        self.versions[uri] = 1
        self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}},
        )

    def change(self, uri: str, start: tuple[int, int], end: tuple[int, int], text: str) -> None:
        """An incremental change; the client's copy is updated the LSP way."""
        current = self.texts[uri]
        a, b = utf16_offset(current, *start), utf16_offset(current, *end)
        a, b = min(a, b), max(a, b)
        self.texts[uri] = current[:a] + text + current[b:]
        self.versions[uri] += 1
        self.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uri, "version": self.versions[uri]},
                "contentChanges": [
                    {
                        "range": {
                            "start": {"line": start[0], "character": start[1]},
                            "end": {"line": end[0], "character": end[1]},
                        },
                        "text": text,
                    }
                ],
            },
        )

    def diagnostics(self, uri: str, version: int | None = None, timeout: float = 20) -> list[Any]:
        """The latest published diagnostics of ``uri`` (for ``version``, if given)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for message in reversed(self.messages):
                    if message.get("method") != "textDocument/publishDiagnostics":
                        continue
                    params = message["params"]
                    if params["uri"] != uri:
                        continue
                    if version is None or params.get("version") == version:
                        return list(params["diagnostics"])
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self.proc.poll() is not None:
                    raise AssertionError(f"no diagnostics for {uri} version {version}")
                self._cond.wait(min(remaining, 0.5))

    def hover(self, uri: str, line: int, character: int) -> Any:
        return self.result(
            "textDocument/hover",
            {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}},
        )

    def rss_kib(self) -> int:
        """Resident memory of the server process (VmRSS), in KiB."""
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise AssertionError("no VmRSS")

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self) -> int:
        """shutdown + exit; the exit code of the server."""
        if self.alive():
            try:
                self.request("shutdown", timeout=10)
                self.notify("exit")
            except (AssertionError, BrokenPipeError, OSError):
                pass
        try:
            return self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait(timeout=10)
