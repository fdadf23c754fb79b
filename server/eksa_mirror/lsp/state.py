"""The language server's state: per-document analyses (cached per version, settings,
``.eksa-mirror.toml`` and committed text), the settings, the debounce timers, the git
baseline (read off the event loop: ``baseline``) and the registry check results.

Handlers live in ``server`` and ``registry_lens``; both work on this class.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import unquote

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from eksa_mirror import __version__
from eksa_mirror.core.source import normalize
from eksa_mirror.lsp.baseline import GitBaseline, document_path
from eksa_mirror.lsp.convert import Lines, diagnostic
from eksa_mirror.lsp.credentials import Trust, parse_trust
from eksa_mirror.lsp.project import ProjectConfigs
from eksa_mirror.lsp.protocol import Protocol, report_protocol_error
from eksa_mirror.lsp.settings import Settings, parse_settings
from eksa_mirror.rules.analysis import Analysis, Options
from eksa_mirror.rules.lint import lint

log = logging.getLogger(__name__)


class _Cached(NamedTuple):
    """One document's analysis, and what it was made from: the document's version, the
    settings' generation, the configuration file's stamp and the committed text."""

    key: tuple[int | None, int, str, str | None]
    analysis: Analysis
    lines: Lines


class EksaMirrorServer(LanguageServer):
    """Holds per-document analyses, the settings and the debounce timers."""

    def __init__(self) -> None:
        super().__init__("eksa-mirror", __version__, protocol_cls=Protocol)
        self.settings = Settings()
        self.settings_generation = 0
        self.pull_diagnostics = False
        self._analyses: dict[str, _Cached] = {}
        #: The committed texts of the git mode (RM023), read in a worker thread.
        self.baseline = GitBaseline()
        #: ``.eksa-mirror.toml`` files by document (docs/configuration.md).
        self.configs = ProjectConfigs()
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._tasks: set[asyncio.Future[None]] = set()
        #: Clear while the client's settings are being fetched after ``initialized``:
        #: diagnostics wait for them instead of flashing results of the defaults.
        self.settings_ready = asyncio.Event()
        self.settings_ready.set()
        self._settings_errors = ""
        #: Diagnostics from the last "Check registry" run, per document.
        self.check_results: dict[str, list[types.Diagnostic]] = {}
        #: Whether credentials may leave and git may run (``lsp.credentials``), and the
        #: hosts the user let have the credentials in this session.
        self.trust = Trust()
        self.approved_hosts: set[str] = set()

    def report_server_error(self, error: Exception, source: Any) -> None:
        """A frame whose body is not JSON gets a Parse error response, not a pop-up."""
        if not report_protocol_error(self.protocol, error):
            super().report_server_error(error, source)

    # --- analysis ---------------------------------------------------------------------

    def analysis(self, uri: str) -> tuple[Analysis, Lines] | None:
        """The analysis of the document's current version (cached per version, settings,
        configuration and committed text), with RM023 against the committed text known so
        far (``read_baseline`` reads it first where it can wait)."""
        try:
            # Never read a document the client did not open (pygls would read the path
            # from disk: a request naming /dev/zero would never end).
            doc = self.workspace.text_documents[unquote(uri)]
            text = doc.source
        except Exception:  # a document the client never opened
            return None
        options, config_key = self.options_for(uri)
        path = self.git_path(uri)
        old_text = None if path is None else self.baseline.known(path)
        key = (doc.version, self.settings_generation, config_key, old_text)
        cached = self._analyses.get(uri)
        if cached and cached.key == key:
            return cached.analysis, cached.lines
        try:
            result = lint(text, options, old_text)
        except Exception as exc:  # never let a document take the server down
            log.error("analysis failed for %s: %s", uri, type(exc).__name__)
            return None
        # The client's lines: a lone CR ends a line too (as in the core), the BOM stays.
        lines = Lines(normalize(text), self.workspace.position_encoding or "utf-16")
        self._analyses[uri] = _Cached(key, result, lines)
        return result, lines

    def git_path(self, uri: str) -> Path | None:
        """The document's file when RM023 runs against git (``upgradeDiff: "git"``); git
        never runs in an untrusted workspace."""
        if self.settings.upgrade_diff != "git" or not self.trust.workspace_trusted:
            return None
        return document_path(uri)

    async def read_baseline(self, uri: str) -> str | None:
        """Read the document's committed text off the event loop (git mode only)."""
        path = self.git_path(uri)
        if path is None:
            return None
        try:
            return await self.baseline.read(path)
        except Exception as exc:  # RM023 is left out; the rest is still shown
            log.error("git baseline failed for %s: %s", uri, type(exc).__name__)
            return None

    def options_for(self, uri: str) -> tuple[Options, str]:
        """The settings over the document's ``.eksa-mirror.toml``, and the file's stamp.

        A bad configuration file is shown once and left out."""
        options, key, error = self.configs.options(uri, self.settings.options)
        if error is not None:
            self.window_show_message(
                types.ShowMessageParams(
                    types.MessageType.Error,
                    f"eksa-mirror: {error} (the configuration file is ignored until it is fixed)",
                )
            )
        return options, key

    def config_changed(self) -> None:
        """A ``.eksa-mirror.toml`` changed: analyse the open documents again."""
        self.configs.forget()
        self.settings_generation += 1
        self.refresh()

    def diagnostics(self, uri: str) -> list[types.Diagnostic]:
        found = self.analysis(uri)
        if found is None:
            return []
        result, lines = found
        version = self._analyses[uri].key[0] if uri in self._analyses else None
        found_here = [diagnostic(lines, finding, version) for finding in result.findings]
        return found_here + self.check_results.get(uri, [])

    def schedule(self, uri: str) -> None:
        """Publish diagnostics for the latest version after the debounce delay."""
        if self.pull_diagnostics:
            return
        timer = self._timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        loop = asyncio.get_event_loop()
        delay = self.settings.debounce_ms / 1000
        self._timers[uri] = loop.call_later(delay, self._publish_soon, uri)

    def _publish_soon(self, uri: str) -> None:
        self._timers.pop(uri, None)
        task = asyncio.ensure_future(self.publish(uri))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def publish(self, uri: str) -> None:
        """Publish the current version's diagnostics, once git (if used) has answered."""
        if not self.settings_ready.is_set():
            return  # published when the settings are in (``initialized``)
        await self.read_baseline(uri)
        if unquote(uri) not in self.workspace.text_documents:
            return  # closed while git ran
        try:
            version = self.workspace.get_text_document(uri).version
        except Exception:
            return
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=uri, diagnostics=self.diagnostics(uri), version=version
            )
        )

    def forget(self, uri: str) -> None:
        timer = self._timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        self._analyses.pop(uri, None)
        if not self.pull_diagnostics:
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
            )

    def apply_settings(self, raw: Any) -> None:
        settings, errors = parse_settings(raw)
        message = "; ".join(errors)
        if message and message != self._settings_errors:
            # Once per distinct problem: initializationOptions and workspace/configuration
            # usually carry the same values.
            self.window_show_message(
                types.ShowMessageParams(
                    types.MessageType.Error,
                    f"eksa-mirror: invalid settings (their defaults apply): {message}",
                )
            )
        self._settings_errors = message
        if settings != self.settings:
            self.settings = settings
            self.settings_generation += 1
            self.refresh()

    def apply_trust(self, raw: Any) -> bool:
        """Take ``workspaceTrusted``/``credentialHosts`` from ``raw`` (initializationOptions
        or ``eksaMirror/didChangeTrust``); whether anything changed."""
        trust, errors = parse_trust(raw, self.trust)
        if errors:
            self.window_show_message(
                types.ShowMessageParams(
                    types.MessageType.Error, f"eksa-mirror: invalid trust: {'; '.join(errors)}"
                )
            )
        if trust == self.trust:
            return False
        self.trust = trust
        self.settings_generation += 1  # RM023 (git) follows the workspace's trust
        self.refresh()
        return True

    def refresh_uri(self, uri: str) -> None:
        """Show new diagnostics for one document (push: publish; pull: ask for a refresh)."""
        if self.pull_diagnostics:
            self.settings_generation += 1
            self.refresh()
        else:
            self.schedule(uri)

    def refresh(self) -> None:
        if self.pull_diagnostics:
            workspace = self.client_capabilities.workspace
            refresh = workspace.diagnostics if workspace else None
            if refresh is not None and refresh.refresh_support:
                self.workspace_diagnostic_refresh(None)
            return
        for uri in list(self.workspace.text_documents):
            self.schedule(uri)
