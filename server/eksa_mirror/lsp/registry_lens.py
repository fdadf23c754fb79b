"""The "Check registry" code lens and the ``eksaMirror.checkRegistry`` command (and the
"Check images" lens beside it when ``eksaMirror.imagesBundle`` is set: ``images_lens``).

The check runs in a worker thread (the network code is imported then, not at start-up); its
failed steps become diagnostics (source ``eksa-mirror-check``) on the keys they are about,
until the next check or ``eksaMirror.clearRegistryCheck``. How it behaves in the editor:
docs/check.md ("From an editor").
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from yaml.nodes import Node

from eksa_mirror.core.mirror import MirrorConfig
from eksa_mirror.core.model import ClusterModel, mirror_config
from eksa_mirror.core.source import get_item
from eksa_mirror.lsp.convert import Lines
from eksa_mirror.lsp.credentials import Decision, decide, lens_title
from eksa_mirror.lsp.state import EksaMirrorServer

if TYPE_CHECKING:  # probe loads when a check runs, not at start-up
    from eksa_mirror.probe.report import CheckReport

log = logging.getLogger(__name__)

CHECK_COMMAND = "eksaMirror.checkRegistry"
CHECK_IMAGES_COMMAND = "eksaMirror.checkImages"
CLEAR_COMMAND = "eksaMirror.clearRegistryCheck"
CHECK_SOURCE = "eksa-mirror-check"
#: (key the finding sits on, severity, message, code): a diagnostic before it is placed.
Finding = tuple[str, types.DiagnosticSeverity, str, str]

#: By ``probe.report.Status`` (a ``str`` enum: its values are its keys here).
_SEVERITY = {
    "fail": types.DiagnosticSeverity.Error,
    "warn": types.DiagnosticSeverity.Warning,
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
        cfg = settings(model)
        title = lens_title("Check registry", cfg, ls.trust)
        check = types.Command(title, CHECK_COMMAND, arguments=args)
        lenses.append(types.CodeLens(where, check))
        if ls.settings.images_bundle:
            title = lens_title("Check images", cfg, ls.trust)
            images = types.Command(title, CHECK_IMAGES_COMMAND, arguments=args)
            lenses.append(types.CodeLens(where, images))
        if ls.check_results.get(params.text_document.uri):
            clear = types.Command("Clear check results", CLEAR_COMMAND, arguments=args[:1])
            lenses.append(types.CodeLens(where, clear))
    return lenses


def settings(model: ClusterModel) -> MirrorConfig | None:
    """The mirror settings to check; none while a line of the section (or ``eksaVersion``,
    which names the projects to look for) is broken: what it held is unknown, and a port
    left open is not port 443 (``core.known``)."""
    if not model.mirror_whole or model.eksa_version is None:
        return None
    return mirror_config(model)


def cluster_at(
    ls: EksaMirrorServer, uri: str, document: int
) -> tuple[ClusterModel, MirrorConfig, Lines] | dict[str, Any]:
    """The Cluster of ``document`` with its mirror settings, or the command's error answer."""
    found = ls.analysis(uri)
    if found is None:
        return {"verdict": "error", "message": "document not open"}
    result, lines = found
    model = next((m for m in result.clusters if m.doc.index == document and m.mirror_key), None)
    config = mirror_config(model) if model is not None else None
    if model is None or config is None:
        return {"verdict": "error", "message": "no registryMirrorConfiguration here"}
    config = settings(model)
    if config is None:
        return {
            "verdict": "error",
            "message": "a line of the mirror section or eksaVersion is not valid YAML (RM024): "
            "fix it first",
        }
    return model, config, lines


def step_findings(report: CheckReport, skip: tuple[str, ...] = ()) -> list[Finding]:
    """The failed and warning steps, on the keys they are about."""
    return [
        (step.key, _SEVERITY[step.status], step.message, step.name)
        for step in report.steps
        if step.status in _SEVERITY and step.name not in skip
    ]


def place(model: ClusterModel, lines: Lines, findings: list[Finding]) -> list[types.Diagnostic]:
    """Diagnostics on the mirror keys (a key not written: the ``registryMirrorConfiguration``
    key itself)."""
    diagnostics = []
    for key, severity, message, code in findings:
        pair = get_item(model.mirror, key, fold_case=True) if key != "mirror" else None
        node: Node = pair[0] if pair is not None else model.mirror_key  # type: ignore[assignment]
        diagnostics.append(
            types.Diagnostic(
                range=lines.range(model.doc.span(node)),
                message=message,
                severity=severity,
                source=CHECK_SOURCE,
                code=code,
            )
        )
    return diagnostics


def show(ls: EksaMirrorServer, uri: str, diagnostics: list[types.Diagnostic]) -> None:
    """Keep ``diagnostics`` as the document's check results and show them."""
    ls.check_results[uri] = diagnostics
    ls.refresh_uri(uri)
    refresh_code_lenses(ls)


async def check_registry(ls: EksaMirrorServer, uri: str, document: int = 0) -> dict[str, Any]:
    """Check the mirror of the Cluster in ``document`` and show the result as diagnostics."""
    found = cluster_at(ls, uri, document)
    if isinstance(found, dict):
        return found
    model, config, lines = found
    decision = await credentials_for(ls, config, uri)
    if decision is None:
        return {"verdict": "cancelled"}
    from eksa_mirror.probe.check import run_check  # the network code, on first use

    report: CheckReport = await asyncio.to_thread(run_check, config, withhold=decision.withheld)
    diagnostics = place(model, lines, step_findings(report))
    show(ls, uri, diagnostics)
    failed = any(s.status == "fail" for s in report.steps)
    return {"verdict": "fail" if failed else "ok", "problems": len(diagnostics)}


async def credentials_for(ls: EksaMirrorServer, config: MirrorConfig, uri: str) -> Decision | None:
    """Whether a check of ``config`` may send the credentials (asking the user first when
    ``lsp.credentials`` says so); ``None`` when the user cancelled it. Both lenses ask here."""
    ask = ls.window_show_message_request_async
    return await decide(ls.trust, ls.approved_hosts, config, uri, ask)


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
