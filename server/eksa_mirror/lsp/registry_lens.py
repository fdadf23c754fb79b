"""The "Check registry" code lens and the ``eksaMirror.checkRegistry`` command.

The check runs in a worker thread (the network code is imported then, not at start-up); its
failed steps become diagnostics (source ``eksa-mirror-check``) on the keys they are about,
until the next check or ``eksaMirror.clearRegistryCheck``. How it behaves in the editor:
docs/check.md ("From an editor").
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from lsprotocol import types
from yaml.nodes import Node

from eksa_mirror.core.model import mirror_config
from eksa_mirror.core.source import get_item
from eksa_mirror.lsp.credentials import decide, lens_title
from eksa_mirror.lsp.state import EksaMirrorServer
from eksa_mirror.probe.report import CheckReport, Status

log = logging.getLogger(__name__)

CHECK_COMMAND = "eksaMirror.checkRegistry"
CLEAR_COMMAND = "eksaMirror.clearRegistryCheck"
CHECK_SOURCE = "eksa-mirror-check"

_SEVERITY = {
    Status.FAIL: types.DiagnosticSeverity.Error,
    Status.WARN: types.DiagnosticSeverity.Warning,
}


def code_lens(ls: EksaMirrorServer, params: types.CodeLensParams) -> list[types.CodeLens]:
    found = ls.analysis(params.text_document.uri)
    if found is None:
        return []
    result, lines = found
    lenses = []
    for model in result.clusters:
        key = model.mirror_key
        if key is None:
            continue
        where = lines.range(model.doc.span(key))
        args = [params.text_document.uri, model.doc.index]
        title = lens_title("Check registry", mirror_config(model), ls.trust)
        check = types.Command(title, CHECK_COMMAND, arguments=args)
        lenses.append(types.CodeLens(where, check))
        if ls.check_results.get(params.text_document.uri):
            clear = types.Command("Clear check results", CLEAR_COMMAND, arguments=args[:1])
            lenses.append(types.CodeLens(where, clear))
    return lenses


async def check_registry(ls: EksaMirrorServer, uri: str, document: int = 0) -> dict[str, Any]:
    """Check the mirror of the Cluster in ``document`` and show the result as diagnostics."""
    found = ls.analysis(uri)
    if found is None:
        return {"verdict": "error", "message": "document not open"}
    result, lines = found
    model = next((m for m in result.clusters if m.doc.index == document and m.mirror_key), None)
    config = mirror_config(model) if model is not None else None
    if model is None or config is None:
        return {"verdict": "error", "message": "no registryMirrorConfiguration here"}
    ask = ls.window_show_message_request_async
    decision = await decide(ls.trust, ls.approved_hosts, config, uri, ask)
    if decision is None:
        return {"verdict": "cancelled"}
    from eksa_mirror.probe.check import run_check  # the network code, on first use

    report: CheckReport = await asyncio.to_thread(run_check, config, withhold=decision.withheld)
    diagnostics = []
    for step in report.steps:
        if step.status not in _SEVERITY:
            continue
        pair = get_item(model.mirror, step.key, fold_case=True)
        node: Node = pair[0] if pair is not None else model.mirror_key  # type: ignore[assignment]
        diagnostics.append(
            types.Diagnostic(
                range=lines.range(model.doc.span(node)),
                message=step.message,
                severity=_SEVERITY[step.status],
                source=CHECK_SOURCE,
                code=step.name,
            )
        )
    ls.check_results[uri] = diagnostics
    ls.refresh_uri(uri)
    refresh_code_lenses(ls)
    failed = any(s.status is Status.FAIL for s in report.steps)
    return {"verdict": "fail" if failed else "ok", "problems": len(diagnostics)}


def clear_check(ls: EksaMirrorServer, uri: str) -> None:
    if ls.check_results.pop(uri, None) is not None:
        ls.refresh_uri(uri)
        refresh_code_lenses(ls)


def refresh_code_lenses(ls: EksaMirrorServer) -> None:
    """Ask the client to request the code lenses again, when it supports that (LSP 3.16)."""
    workspace = ls.client_capabilities.workspace
    lens = workspace.code_lens if workspace else None
    if lens is not None and lens.refresh_support:
        ls.workspace_code_lens_refresh(None)


def register(server: EksaMirrorServer) -> None:
    """Add the code lens and its two commands to ``server`` (called by ``lsp.server``)."""
    server.feature(types.TEXT_DOCUMENT_CODE_LENS)(code_lens)
    server.command(CHECK_COMMAND)(check_registry)
    server.command(CLEAR_COMMAND)(clear_check)
