"""The pygls language server: handlers that fetch the document, gate, delegate, return.

All analysis lives in the core (``analysis``, ``completion``, ``hover``); this module
only moves data between LSP and the core and decides when to analyse (debounced push
diagnostics, or pull diagnostics when the client supports them).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import replace
from typing import Any
from urllib.parse import unquote

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from eksa_mirror import __version__
from eksa_mirror.analysis import Analysis, Options, analyze
from eksa_mirror.completion import complete
from eksa_mirror.fixes import safe_edits
from eksa_mirror.hover import hover
from eksa_mirror.lsp.convert import (
    SOURCE,
    Lines,
    completion_item,
    diagnostic,
    edits_from_data,
)
from eksa_mirror.lsp.documents import use_lsp_lines
from eksa_mirror.lsp.project import ProjectConfigs, is_config
from eksa_mirror.lsp.protocol import Protocol, report_protocol_error
from eksa_mirror.lsp.settings import Settings, parse_settings
from eksa_mirror.source import normalize
from eksa_mirror.suppress import CODE as UNUSED_SUPPRESSION
from eksa_mirror.suppress import ignore_edit, suppress_in
from eksa_mirror.upgrade import add_editor_findings

log = logging.getLogger(__name__)

FIX_ALL_KIND = f"{types.CodeActionKind.SourceFixAll.value}.{SOURCE}"
#: How long diagnostics wait for the client to answer workspace/configuration.
CONFIGURATION_TIMEOUT_S = 5.0


class EksaMirrorServer(LanguageServer):
    """Holds per-document analyses, the settings and the debounce timers."""

    def __init__(self) -> None:
        super().__init__("eksa-mirror", __version__, protocol_cls=Protocol)
        self.settings = Settings()
        self.settings_generation = 0
        self.pull_diagnostics = False
        self._analyses: dict[str, tuple[int | None, int, Analysis, Lines, str]] = {}
        #: ``.eksa-mirror.toml`` files by document (docs/configuration.md).
        self.configs = ProjectConfigs()
        self._timers: dict[str, asyncio.TimerHandle] = {}
        #: Clear while the client's settings are being fetched after ``initialized``:
        #: diagnostics wait for them instead of flashing results of the defaults.
        self.settings_ready = asyncio.Event()
        self.settings_ready.set()
        self._settings_errors = ""
        #: Diagnostics from the last "Check registry" run, per document.
        self.check_results: dict[str, list[types.Diagnostic]] = {}

    def report_server_error(self, error: Exception, source: Any) -> None:
        """A frame whose body is not JSON gets a Parse error response, not a pop-up."""
        if not report_protocol_error(self.protocol, error):
            super().report_server_error(error, source)

    # --- analysis ---------------------------------------------------------------------

    def analysis(self, uri: str) -> tuple[Analysis, Lines] | None:
        """The analysis of the document's current version (cached per version and settings)."""
        try:
            # Never read a document the client did not open (pygls would read the path
            # from disk: a request naming /dev/zero would never end).
            doc = self.workspace.text_documents[unquote(uri)]
            text = doc.source
        except Exception:  # a document the client never opened
            return None
        options, config_key = self.options_for(uri)
        cached = self._analyses.get(uri)
        if (
            cached
            and cached[0] == doc.version
            and cached[1] == self.settings_generation
            and cached[4] == config_key
        ):
            return cached[2], cached[3]
        try:
            result = analyze(text, options)
            mode = self.settings.upgrade_diff  # RM023 against git HEAD when "git"
            add_editor_findings(result.findings, uri, text, options, mode)
            suppress_in(result, options)
        except Exception as exc:  # never let a document take the server down
            log.error("analysis failed for %s: %s", uri, type(exc).__name__)
            return None
        # The client's lines: a lone CR ends a line too (as in the core), the BOM stays.
        lines = Lines(normalize(text), self.workspace.position_encoding or "utf-16")
        self._analyses[uri] = (doc.version, self.settings_generation, result, lines, config_key)
        return result, lines

    def options_for(self, uri: str) -> tuple[Options, str]:
        """The settings over the document's ``.eksa-mirror.toml``, and the file's stamp.

        A bad configuration file is shown once and left out."""
        options, key, error = self.configs.options(uri, self.settings.options())
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
        version = self._analyses[uri][0] if uri in self._analyses else None
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
        self._timers[uri] = loop.call_later(delay, self.publish, uri)

    def publish(self, uri: str) -> None:
        self._timers.pop(uri, None)
        if not self.settings_ready.is_set():
            return  # published when the settings are in (``initialized``)
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


server = EksaMirrorServer()


@server.feature(types.INITIALIZE)
def initialize(ls: EksaMirrorServer, params: types.InitializeParams) -> None:
    use_lsp_lines(ls.workspace)
    ls.pull_diagnostics = bool(
        params.capabilities.text_document and params.capabilities.text_document.diagnostic
    )
    if params.initialization_options is not None:
        ls.apply_settings(params.initialization_options)


@server.feature(types.INITIALIZED)
async def initialized(ls: EksaMirrorServer, params: types.InitializedParams) -> None:
    ls.settings_ready.clear()
    try:
        await _pull_configuration(ls)
    finally:
        ls.settings_ready.set()
        if ls.workspace.text_documents:
            ls.refresh()


async def _pull_configuration(ls: EksaMirrorServer) -> None:
    workspace = ls.client_capabilities.workspace
    if not (workspace and workspace.configuration):
        return
    try:
        result = await asyncio.wait_for(
            ls.workspace_configuration_async(
                types.ConfigurationParams(items=[types.ConfigurationItem(section="eksaMirror")])
            ),
            CONFIGURATION_TIMEOUT_S,
        )
    except Exception as exc:
        log.warning("workspace/configuration failed: %s", type(exc).__name__)
        return
    if result and result[0] is not None:
        ls.apply_settings(result[0])


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
async def did_change_configuration(
    ls: EksaMirrorServer, params: types.DidChangeConfigurationParams
) -> None:
    pushed = params.settings.get("eksaMirror") if isinstance(params.settings, dict) else None
    if pushed is not None:  # pushed by the client (a wrong type is reported, not skipped)
        ls.apply_settings(pushed)
    else:
        await _pull_configuration(ls)


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: EksaMirrorServer, params: types.DidOpenTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: EksaMirrorServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: EksaMirrorServer, params: types.DidSaveTextDocumentParams) -> None:
    if is_config(params.text_document.uri):
        ls.config_changed()
    else:
        ls.schedule(params.text_document.uri)


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def did_change_watched_files(
    ls: EksaMirrorServer, params: types.DidChangeWatchedFilesParams
) -> None:
    if any(is_config(change.uri) for change in params.changes):
        ls.config_changed()


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: EksaMirrorServer, params: types.DidCloseTextDocumentParams) -> None:
    ls.forget(params.text_document.uri)


@server.feature(
    types.TEXT_DOCUMENT_DIAGNOSTIC,
    types.DiagnosticOptions(
        identifier=SOURCE, inter_file_dependencies=False, workspace_diagnostics=False
    ),
)
async def pull_diagnostics(
    ls: EksaMirrorServer, params: types.DocumentDiagnosticParams
) -> types.DocumentDiagnosticReport:
    uri = params.text_document.uri
    if not ls.settings_ready.is_set():
        # The client's settings are on their way: answer with them.
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(ls.settings_ready.wait(), CONFIGURATION_TIMEOUT_S)
    try:
        version = ls.workspace.get_text_document(uri).version
    except Exception:
        version = None
    # The configuration file's stamp: an edit of .eksa-mirror.toml changes the result.
    config_key = ls.options_for(uri)[1]
    result_id = f"{version}:{ls.settings_generation}:{hash(config_key) & 0xFFFFFFFF:x}"
    if params.previous_result_id == result_id:
        return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
    return types.RelatedFullDocumentDiagnosticReport(items=ls.diagnostics(uri), result_id=result_id)


@server.feature(
    types.TEXT_DOCUMENT_COMPLETION,
    types.CompletionOptions(trigger_characters=[":", " ", "-"]),
)
def completion(ls: EksaMirrorServer, params: types.CompletionParams) -> types.CompletionList | None:
    found = ls.analysis(params.text_document.uri)
    if found is None:
        return None
    result, lines = found
    pos = lines.to_core(params.position)
    # The core reads the text without its byte-order mark.
    shift = 1 if result.bom and pos.line == 0 else 0
    candidates = complete(result.source.lines, pos.line, pos.column - shift)
    if candidates is None:
        return None
    if shift:
        candidates = [
            replace(c, replace_start=c.replace_start + 1, replace_end=c.replace_end + 1)
            for c in candidates
        ]
    caps = ls.client_capabilities.text_document
    item_caps = caps.completion.completion_item if caps and caps.completion else None
    snippets = bool(item_caps and item_caps.snippet_support)
    markdown = bool(
        item_caps
        and item_caps.documentation_format
        and types.MarkupKind.Markdown in item_caps.documentation_format
    )
    items = [
        completion_item(lines, pos.line, c, snippets=snippets, markdown=markdown)
        for c in candidates
    ]
    return types.CompletionList(is_incomplete=False, items=items)


@server.feature(types.TEXT_DOCUMENT_HOVER)
def on_hover(ls: EksaMirrorServer, params: types.HoverParams) -> types.Hover | None:
    found = ls.analysis(params.text_document.uri)
    if found is None:
        return None
    result, lines = found
    pos = lines.to_core(params.position)
    text = hover(
        result.source,
        result.clusters,
        pos.line,
        pos.column - (1 if result.bom and pos.line == 0 else 0),
        eksa_version=ls.options_for(params.text_document.uri)[0].eksa_version,
    )
    if text is None:
        return None
    return types.Hover(
        contents=types.MarkupContent(types.MarkupKind.Markdown, text.markdown),
        range=lines.range(text.span),
    )


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL_KIND],
    ),
)
def code_action(ls: EksaMirrorServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    uri = params.text_document.uri
    only = params.context.only
    actions: list[types.CodeAction] = []
    if only is None or any(_matches(kind, types.CodeActionKind.QuickFix) for kind in only):
        for diag in params.context.diagnostics:
            if diag.source != SOURCE:
                continue
            rebuilt = edits_from_data(diag.data, _version(ls, uri)) or _rebuild(ls, uri, diag)
            if rebuilt is not None:
                title, preferred, edits = rebuilt
                actions.append(
                    types.CodeAction(
                        title=title,
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[diag],
                        is_preferred=preferred,
                        edit=types.WorkspaceEdit(changes={uri: edits}),
                    )
                )
            ignore = _ignore_action(ls, uri, diag)
            if ignore is not None:
                actions.append(ignore)
    if only is not None and any(_matches(FIX_ALL_KIND, kind) for kind in only):
        fix_all = _fix_all(ls, uri)
        if fix_all is not None:
            actions.append(fix_all)
    return actions


def _matches(kind: str, wanted: str) -> bool:
    """Whether ``kind`` falls under ``wanted`` (``source`` covers ``source.fixAll.x``)."""
    kind, wanted = str(getattr(kind, "value", kind)), str(getattr(wanted, "value", wanted))
    return kind == wanted or kind.startswith(wanted + ".")


def _version(ls: EksaMirrorServer, uri: str) -> int | None:
    try:
        return ls.workspace.get_text_document(uri).version
    except Exception:
        return None


def _rebuild(
    ls: EksaMirrorServer, uri: str, diag: types.Diagnostic
) -> tuple[str, bool, list[types.TextEdit]] | None:
    """The fix from the current analysis: when the client dropped the diagnostic's ``data``,
    or the diagnostic is older than the text (matched by its pointer, never by old edits)."""
    found = ls.analysis(uri)
    if found is None:
        return None
    result, lines = found
    pointer = diag.data.get("pointer") if isinstance(diag.data, dict) else None
    fixable = [f for f in result.findings if f.fix is not None and f.code == diag.code]
    same = [f for f in fixable if lines.range(f.span) == diag.range]
    if not same and pointer is not None:
        same = [f for f in fixable if f.pointer == pointer]
    if len(same) != 1:
        return None
    fix = same[0].fix
    assert fix is not None
    return fix.title, fix.preferred, [lines.edit(e) for e in fix.edits]


def _ignore_action(
    ls: EksaMirrorServer, uri: str, diag: types.Diagnostic
) -> types.CodeAction | None:
    """ "Ignore RMxxx on this line": a ``# eksa-mirror: ignore[RMxxx]`` comment at the end of
    the diagnostic's first line (merged into one already there)."""
    code = str(diag.code) if diag.code is not None else ""
    if not code.startswith("RM") or code == UNUSED_SUPPRESSION:
        return None
    found = ls.analysis(uri)
    if found is None:
        return None
    result, lines = found
    edit = ignore_edit(result, diag.range.start.line, code)
    if edit is None:
        return None
    return types.CodeAction(
        title=f"Ignore {code} on this line",
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diag],
        is_preferred=False,
        edit=types.WorkspaceEdit(changes={uri: [lines.edit(edit)]}),
    )


def _fix_all(ls: EksaMirrorServer, uri: str) -> types.CodeAction | None:
    found = ls.analysis(uri)
    if found is None:
        return None
    result, lines = found
    edits = safe_edits(result.findings)
    if not edits:
        return None
    return types.CodeAction(
        title="eksa-mirror: fix all safe problems",
        kind=FIX_ALL_KIND,
        edit=types.WorkspaceEdit(changes={uri: [lines.edit(e) for e in edits]}),
    )


# The "Check registry" code lens and commands register themselves on ``server``.
from eksa_mirror.lsp import registry_lens  # noqa: E402,F401  (import for its handlers)
