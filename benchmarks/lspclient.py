"""A minimal LSP client over stdio for benchmarks (standard library only).

It reads and writes JSON-RPC through ``lspwire`` (the framing the tests' raw client
uses too; no typed deserialisation, so a server that sends something unexpected is
recorded in ``protocol_errors``, not crashed on), drains the server's stderr so a
chatty server cannot block on a full pipe, answers the few requests a server makes
of its client (``workspace/configuration`` from a settings dict, capability
registration, progress creation), and timestamps every message on arrival with
``time.perf_counter`` so latencies are wire to wire.

    client = LspClient(["node", "yaml-language-server", "--stdio"], settings={...})
    await client.start()
    init, spawn_to_init_s = await client.initialize(root_uri)
    await client.open(uri, text)
    pub = await client.wait_publish(uri, index=0, timeout=30)
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lspwire import MessageParser, frame, lookup_section, norm_uri, rss_kib

__all__ = ["LspClient", "LspError", "LspTimeout", "Publish", "lookup_section", "norm_uri", "now"]

now = time.perf_counter


class LspError(Exception):
    pass


class LspTimeout(LspError):
    pass


@dataclass
class Publish:
    t: float
    version: int | None
    diagnostics: list[dict]


def client_capabilities() -> dict:
    """Editor-like capabilities. Push diagnostics only: no ``textDocument.diagnostic``."""
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
            "publishDiagnostics": {
                "relatedInformation": True,
                "versionSupport": True,
                "codeDescriptionSupport": True,
                "dataSupport": True,
                "tagSupport": {"valueSet": [1, 2]},
            },
            "completion": {
                "dynamicRegistration": False,
                "contextSupport": True,
                "completionItem": {
                    "snippetSupport": True,
                    "documentationFormat": ["markdown", "plaintext"],
                    "deprecatedSupport": True,
                    "labelDetailsSupport": True,
                },
                "completionItemKind": {"valueSet": list(range(1, 26))},
            },
            "hover": {"dynamicRegistration": False, "contentFormat": ["markdown", "plaintext"]},
            "codeAction": {
                "dynamicRegistration": False,
                "isPreferredSupport": True,
                "codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["", "quickfix"]}},
            },
        },
    }


# ----------------------------------------------------------------------------- /proc
def _children_map() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = collections.defaultdict(list)
    for entry in os.listdir("/proc"):
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
    kids = _children_map()
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, ()))
    return out


def tree_rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants, in KiB."""
    return sum(rss_kib(p) for p in process_tree(pid))


# ----------------------------------------------------------------------------- client
class LspClient:
    def __init__(
        self,
        cmd: list[str],
        *,
        cwd: str | None = None,
        settings: Any = None,
        env: dict[str, str] | None = None,
    ) -> None:
        self.cmd = cmd
        self.cwd = cwd
        self.settings = settings if settings is not None else {}
        self.env = env
        self.next_id = 1
        self.pending: dict[int, asyncio.Future] = {}
        self.publishes: dict[str, list[Publish]] = collections.defaultdict(list)
        self._pub_event = asyncio.Event()
        self.server_requests: collections.Counter[str] = collections.Counter()
        self.notifications: collections.Counter[str] = collections.Counter()
        self.protocol_errors: list[str] = []
        self.stderr_tail: collections.deque[str] = collections.deque(maxlen=40)
        self.versions: dict[str, int] = {}
        self.proc: asyncio.subprocess.Process | None = None
        self.t_spawn = 0.0
        self._tasks: set[asyncio.Future] = set()

    # -- lifecycle
    async def start(self) -> None:
        self.t_spawn = now()
        self.proc = await asyncio.create_subprocess_exec(
            *self.cmd,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            limit=1 << 26,
            start_new_session=True,
            cwd=self.cwd,
            env=self.env,
        )
        self._reader = asyncio.ensure_future(self._read())
        self._stderr = asyncio.ensure_future(self._drain_stderr())

    async def initialize(
        self,
        root: Path,
        init_options: Any = None,
        capabilities: dict | None = None,
        timeout: float = 60,
    ) -> tuple[dict, float]:
        """Send initialize + initialized; return (result, seconds from spawn to the result)."""
        params = {
            "processId": os.getpid(),
            "clientInfo": {"name": "eksa-mirror-bench", "version": "1"},
            "rootUri": root.as_uri(),
            "rootPath": str(root),
            "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
            "capabilities": capabilities or client_capabilities(),
            "trace": "off",
        }
        if init_options is not None:
            params["initializationOptions"] = init_options
        result, _ = await self.request("initialize", params, timeout)
        t = now() - self.t_spawn
        await self.notify("initialized", {})
        if self.settings:
            await self.notify("workspace/didChangeConfiguration", {"settings": self.settings})
        return result or {}, t

    async def shutdown(self, timeout: float = 5) -> bool:
        """shutdown + exit; kill the process group if it does not go. True if clean."""
        assert self.proc is not None
        clean = False
        if self.proc.returncode is None:
            try:
                await self.request("shutdown", None, timeout)
                await self.notify("exit")
                await asyncio.wait_for(self.proc.wait(), timeout)
                clean = self.proc.returncode == 0
            except (LspError, asyncio.TimeoutError, ConnectionError, RuntimeError):
                pass
        await self.kill()
        for task in (self._reader, self._stderr):
            try:
                await asyncio.wait_for(task, 2)
            except (asyncio.TimeoutError, Exception):
                task.cancel()
        return clean

    async def kill(self) -> None:
        if self.proc is None or self.proc.returncode is not None:
            return
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self.proc.pid, sig)
            except (ProcessLookupError, PermissionError):
                return
            try:
                await asyncio.wait_for(self.proc.wait(), 2)
                return
            except asyncio.TimeoutError:
                continue

    def rss_kib(self) -> int:
        assert self.proc is not None
        return tree_rss_kib(self.proc.pid)

    # -- messages
    async def _send(self, msg: dict) -> None:
        assert self.proc is not None and self.proc.stdin is not None
        self.proc.stdin.write(frame(msg))
        await self.proc.stdin.drain()

    async def notify(self, method: str, params: Any = None) -> None:
        msg: dict = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            msg["params"] = params
        await self._send(msg)

    async def request(self, method: str, params: Any, timeout: float = 30) -> tuple[Any, float]:
        """Return (result, seconds from send to the response's arrival)."""
        rid = self.next_id
        self.next_id += 1
        fut = asyncio.get_running_loop().create_future()
        self.pending[rid] = fut
        msg: dict = {"jsonrpc": "2.0", "id": rid, "method": method}
        if params is not None:
            msg["params"] = params
        t0 = now()
        await self._send(msg)
        try:
            reply, t1 = await asyncio.wait_for(asyncio.shield(fut), timeout)
        except asyncio.TimeoutError:
            self.pending.pop(rid, None)
            raise LspTimeout(f"{method}: no response within {timeout}s") from None
        if "error" in reply:
            raise LspError(f"{method}: {reply['error']}")
        return reply.get("result"), t1 - t0

    async def _read(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        parser = MessageParser()
        self.protocol_errors = parser.errors
        try:
            while chunk := await self.proc.stdout.read(1 << 16):
                t = now()  # every message in a chunk arrived with it
                for msg in parser.feed(chunk):
                    self._dispatch(msg, t)
        except (asyncio.IncompleteReadError, ConnectionError):
            return
        finally:
            for fut in self.pending.values():
                if not fut.done():
                    fut.set_exception(LspError("server closed its stdout"))
            self._pub_event.set()

    async def _drain_stderr(self) -> None:
        assert self.proc is not None and self.proc.stderr is not None
        while True:
            line = await self.proc.stderr.readline()
            if not line:
                return
            self.stderr_tail.append(line.decode("utf-8", "replace").rstrip()[:400])

    def _dispatch(self, msg: dict, t: float) -> None:
        method = msg.get("method")
        if method is None:
            fut = self.pending.pop(msg.get("id"), None)  # type: ignore[arg-type]
            if fut is not None and not fut.done():
                fut.set_result((msg, t))
            return
        if "id" in msg:
            self.server_requests[method] += 1
            task = asyncio.ensure_future(self._answer(msg))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            return
        self.notifications[method] += 1
        if method == "textDocument/publishDiagnostics":
            p = msg.get("params") or {}
            self.publishes[norm_uri(p.get("uri", ""))].append(
                Publish(t, p.get("version"), p.get("diagnostics") or [])
            )
            self._pub_event.set()

    async def _answer(self, msg: dict) -> None:
        method, params = msg["method"], msg.get("params") or {}
        reply: dict = {"jsonrpc": "2.0", "id": msg["id"]}
        if method == "workspace/configuration":
            reply["result"] = [
                lookup_section(self.settings, i.get("section")) for i in params.get("items", [])
            ]
        elif method == "workspace/workspaceFolders" or method in (
            "client/registerCapability",
            "client/unregisterCapability",
            "window/workDoneProgress/create",
            "workspace/diagnostic/refresh",
            "workspace/semanticTokens/refresh",
            "workspace/codeLens/refresh",
        ):
            reply["result"] = None
        else:
            reply["error"] = {"code": -32601, "message": f"not supported: {method}"}
        with contextlib.suppress(ConnectionError, RuntimeError):
            await self._send(reply)

    # -- documents
    async def open(self, uri: str, text: str, language_id: str = "yaml") -> None:
        self.versions[uri] = 1
        await self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": language_id, "version": 1, "text": text}},
        )

    async def change(self, uri: str, changes: list[dict]) -> int:
        v = self.versions[uri] = self.versions[uri] + 1
        await self.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": v}, "contentChanges": changes},
        )
        return v

    async def wait_publish(
        self, uri: str, index: int, timeout: float, min_version: int | None = None
    ) -> tuple[Publish | None, int]:
        """First publish for ``uri`` at list position >= ``index`` that is not stale
        (version >= ``min_version`` when the server sends versions).
        Returns (publish or None on timeout, position after it)."""
        key = norm_uri(uri)
        deadline = now() + timeout
        while True:
            pubs = self.publishes[key]
            while index < len(pubs):
                p = pubs[index]
                index += 1
                if min_version is None or p.version is None or p.version >= min_version:
                    return p, index
            remaining = deadline - now()
            if remaining <= 0 or (self._reader.done()):
                return None, index
            self._pub_event.clear()
            try:
                await asyncio.wait_for(self._pub_event.wait(), remaining)
            except asyncio.TimeoutError:
                return None, index
