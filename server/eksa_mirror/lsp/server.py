"""The pygls language server: handlers that fetch the document, gate, delegate, return.

All analysis lives below (``rules.analysis``, ``editor.completion``, ``editor.hover``);
this module only moves data between LSP and them and decides when to analyse (debounced
push diagnostics, or pull diagnostics when the client supports them). The server's state
is ``lsp.state``; ``registry_lens.register`` adds the code lens.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import replace
from typing import Any

from lsprotocol import types

from eksa_mirror.core.fixes import safe_edits
from eksa_mirror.lsp import images_lens, registry_lens
from eksa_mirror.lsp.convert import (
    SOURCE,
    completion_item,
    edits_from_data,
)
from eksa_mirror.lsp.credentials import TRUST_NOTIFICATION
from eksa_mirror.lsp.documents import use_lsp_lines
from eksa_mirror.lsp.project import is_config
from eksa_mirror.lsp.state import EksaMirrorServer
from eksa_mirror.rules.suppress import CODE as UNUSED_SUPPRESSION
from eksa_mirror.rules.suppress import ignore_edit

log = logging.getLogger(__name__)

FIX_ALL_KIND = f"{types.CodeActionKind.SourceFixAll.value}.{SOURCE}"
#: How long diagnostics wait for the client to answer workspace/configuration.
CONFIGURATION_TIMEOUT_S = 5.0


server = EksaMirrorServer()


@server.feature(types.INITIALIZE)
def initialize(ls: EksaMirrorServer, params: types.InitializeParams) -> None:
    use_lsp_lines(ls.workspace)
    ls.pull_diagnostics = bool(
        params.capabilities.text_document and params.capabilities.text_document.diagnostic
    )
    if params.initialization_options is not None:
        ls.apply_settings(params.initialization_options)
        ls.apply_trust(params.initialization_options)


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


@server.feature(TRUST_NOTIFICATION)
def did_change_trust(ls: EksaMirrorServer, params: Any) -> None:
    """The client's news: the workspace is now trusted, or the user's approved hosts changed
    (VS Code; docs/security.md). Never read from workspace/configuration."""
    if ls.apply_trust(_plain(params)):
        registry_lens.refresh_code_lenses(ls)


def _plain(params: Any) -> Any:
    """pygls hands an unknown notification's params over as a namedtuple-like object."""
    if isinstance(params, dict):
        return params
    as_dict = getattr(params, "_asdict", None)
    return {k: _plain(v) for k, v in as_dict().items()} if as_dict else params


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
    # The configuration file's stamp and the committed text (git mode, read off the loop):
    # an edit of .eksa-mirror.toml or a new commit changes the result.
    old_text = await ls.read_baseline(uri)
    stamp = hash((ls.options_for(uri)[1], old_text)) & 0xFFFFFFFF
    result_id = f"{version}:{ls.settings_generation}:{stamp:x}"
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
    origin = result.source.origin  # the core reads the text without its byte-order mark
    pos = origin.read(lines.to_core(params.position))
    from eksa_mirror.editor.completion import complete  # loaded on the first request

    candidates = complete(result.source.lines, pos.line, pos.column)
    if candidates is None:
        return None
    if shift := origin.columns(pos.line):
        candidates = [
            replace(c, replace_start=c.replace_start + shift, replace_end=c.replace_end + shift)
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
    pos = result.source.origin.read(lines.to_core(params.position))
    from eksa_mirror.editor.hover import hover  # loaded on the first request

    text = hover(
        result.source,
        result.clusters,
        pos.line,
        pos.column,
        eksa_version=ls.options_for(params.text_document.uri)[0].eksa_version,
    )
    if text is None:
        return None
    return types.Hover(
        contents=types.MarkupContent(types.MarkupKind.Markdown, text.markdown),
        range=lines.range(result.source.origin.shown(text.span)),
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
registry_lens.register(server)
images_lens.register(server)
