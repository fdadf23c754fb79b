"""``explain NEW --against OLD`` as text, Markdown (a review comment or job summary) and
JSON (shape in docs/check.md). A ``Report`` holds the node changes, the upgrade findings
(RM023, positions in NEW) and the follow-up steps; credentials are placeholders as in
``explain`` and a CA is named by its certificates, never shown."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from eksa_mirror.core import markdown as md
from eksa_mirror.core.findings import Finding
from eksa_mirror.explain.changes import ADDED, REMOVED, Change, ViewDiff
from eksa_mirror.explain.follow_ups import FollowUp
from eksa_mirror.explain.model import PROVIDER_NAMES, SECRET, Explanation, Rewrite

_MARK = {"error": "❌", "warning": "⚠️", "information": "ℹ️", "hint": "💡"}


@dataclass(frozen=True)
class Report:
    file: str
    #: How OLD is named: a file, or ``Git revision REV``.
    against: str
    diff: ViewDiff
    upgrade: tuple[Finding, ...]
    follow_ups: tuple[FollowUp, ...]


def diff_lines(change: Change) -> list[str]:
    """The item's text with a ``-``/``+``/space marker per line (the whole text shown)."""
    old = (change.old or "").splitlines()
    new = (change.new or "").splitlines()
    if change.change == ADDED:
        return [f"+{line}" for line in new]
    if change.change == REMOVED:
        return [f"-{line}" for line in old]
    body = list(difflib.unified_diff(old, new, n=max(len(old), len(new)), lineterm=""))[3:]
    return body or [" (whitespace only)"]


def _mirror(view: Explanation | None) -> str:
    return view.base_registry if view is not None else "(no registry mirror)"


def _where(view: Explanation | None) -> str:
    if view is None:
        return ""
    provider = PROVIDER_NAMES.get(view.provider, view.provider or "provider unknown")
    families = ", ".join(view.os_families) or "not known"
    return f" ({provider}; OS families: {families})"


def _release(diff: ViewDiff) -> str:
    old, new = diff.old, diff.new
    if old is not None and new is not None and old.release_source != new.release_source:
        return f"rendered for {old.release_source} before, {new.release_source} after"
    shown = new or old
    return f"rendered for {shown.release_source}" if shown is not None else ""


def header(report: Report) -> list[str]:
    diff = report.diff
    mirror = f"{_mirror(diff.old)} → {_mirror(diff.new)}"
    if (
        diff.old is not None
        and diff.new is not None
        and diff.old.base_registry == diff.new.base_registry
    ):
        mirror = diff.new.base_registry
    lines = [f"Registry mirror {mirror}{_where(diff.new or diff.old)}", _release(diff)]
    return [line for line in lines if line]


def _capital(line: str) -> str:
    return line[:1].upper() + line[1:]


def _finding_line(file: str, f: Finding) -> str:
    where = f"{file}:{f.span.start.line + 1}:{f.span.start.column + 1}"
    return f"{where}: {f.severity.value} {f.code} {f.message}"


def render_text(report: Report) -> str:
    """The readable comparison (``explain --against --format text``)."""
    diff = report.diff
    out = [f"Changes on the nodes from {report.against} to {report.file}"]
    out += [_capital(line) for line in header(report)]
    if diff.empty:
        out += ["", "No change on the nodes."]
    for kind in diff.nodes:
        out += ["", kind.title]
        for change in kind.changes:
            out.append(f"  {change.change} {change.item}")
            out += [f"    {line}".rstrip() for line in diff_lines(change)]
    if diff.rewrites:
        out += ["", "Image rewrites"]
        for row in diff.rewrites:
            out.append(f"  {row.change} {(row.new or row.old).image}")  # type: ignore[union-attr]
            if row.old is not None:
                out.append(f"    -→ {row.old.rewritten} (nodes pull {row.old.pull_url})")
            if row.new is not None:
                out.append(f"    +→ {row.new.rewritten} (nodes pull {row.new.pull_url})")
    if diff.secret:
        out += ["", f"Credentials {SECRET}: {diff.secret}"]
    out += _text_tail(report)
    return "\n".join(out) + "\n"


def _text_tail(report: Report) -> list[str]:
    out: list[str] = []
    if report.upgrade:
        out += ["", "Not supported on upgrade (RM023)"]
        out += [f"  {_finding_line(report.file, f)}" for f in report.upgrade]
    if report.follow_ups:
        out += ["", "Follow-up steps"]
        for step in report.follow_ups:
            out.append(f"  - {step.text}")
            if step.command:
                out.append(f"    $ {step.command}")
    for title, notes in (
        ("Notes that appear", report.diff.notes_added),
        ("Notes that no longer apply", report.diff.notes_removed),
    ):
        if notes:
            out += ["", title, *[f"  - {note}" for note in notes]]
    return out


def _md_change(change: Change) -> list[str]:
    lines = [f"- {change.change} {md.code(change.item)}"]
    lines += [
        f"  {line}" if line else "" for line in md.block("\n".join(diff_lines(change)), "diff")
    ]
    return lines


def render_markdown(report: Report) -> str:
    """A review comment or job summary section (``explain --against --format markdown``)."""
    diff = report.diff
    title = f"#### {md.code(report.file)}: changes on the nodes from {md.escape(report.against)}"
    out = [title, "", md.escape("; ".join(header(report)))]
    if diff.empty:
        out += ["", "No change on the nodes."]
    for kind in diff.nodes:
        out += ["", f"**{kind.title}**", ""]
        for change in kind.changes:
            out += _md_change(change)
    if diff.rewrites:
        out += ["", "**Image rewrites**", "", "| image | before | after |", "|---|---|---|"]
        for row in diff.rewrites:
            image = (row.new or row.old).image  # type: ignore[union-attr]
            before = md.code(row.old.rewritten, cell=True) if row.old else "(not mirrored)"
            after = md.code(row.new.rewritten, cell=True) if row.new else "(not mirrored)"
            out.append(f"| {md.code(image, cell=True)} | {before} | {after} |")
    if diff.secret:
        out += ["", f"**Credentials {SECRET}**: {diff.secret}"]
    return "\n".join(out + _md_tail(report)) + "\n"


def _md_tail(report: Report) -> list[str]:
    out: list[str] = []
    if report.upgrade:
        out += ["", "**Not supported on upgrade (RM023)**", ""]
        for f in report.upgrade:
            where = f"line {f.span.start.line + 1}"
            out.append(f"- {_MARK[f.severity.value]} {where}: {md.escape(f.message)}")
    if report.follow_ups:
        out += ["", "**Follow-up steps**", ""]
        for step in report.follow_ups:
            out.append(f"- {md.escape(step.text)}")
            if step.command:
                out += [f"  {line}" for line in md.block(step.command, "sh")]
    for title, notes in (
        ("Notes that appear", report.diff.notes_added),
        ("Notes that no longer apply", report.diff.notes_removed),
    ):
        if notes:
            out += ["", f"**{title}**", "", *[f"- {md.escape(note)}" for note in notes]]
    return out


def _side(view: Explanation | None) -> dict[str, Any] | None:
    if view is None:
        return None
    return {
        "base_registry": view.base_registry,
        "provider": view.provider,
        "os_families": list(view.os_families),
        "release": view.release,
        "node_format": view.node_format,
    }


def _row(r: Rewrite | None) -> dict[str, str] | None:
    if r is None:
        return None
    return {"image": r.image, "rewritten": r.rewritten, "pull_url": r.pull_url}


def _finding(f: Finding) -> dict[str, Any]:
    return {"line": f.span.start.line + 1, "column": f.span.start.column + 1,
            "severity": f.severity.value, "code": f.code, "message": f.message}  # fmt: skip


def to_dict(report: Report) -> dict[str, Any]:
    """A JSON-ready view (``explain --against --format json``)."""
    diff = report.diff
    nodes = [
        {"kind": k.kind, "title": k.title, "changes": [
            {"item": c.item, "change": c.change, "old": c.old, "new": c.new} for c in k.changes
        ]}
        for k in diff.nodes
    ]  # fmt: skip
    return {
        "file": report.file,
        "against": report.against,
        "old": _side(diff.old),
        "new": _side(diff.new),
        "changed": not diff.empty,
        "nodes": nodes,
        "image_rewrites": [
            {"registry": r.registry, "change": r.change, "old": _row(r.old), "new": _row(r.new)}
            for r in diff.rewrites
        ],
        "credentials_secret": diff.secret,
        "notes": {"added": list(diff.notes_added), "removed": list(diff.notes_removed)},
        "upgrade": [_finding(f) for f in report.upgrade],
        "follow_ups": [
            {"id": s.id, "text": s.text, "command": s.command} for s in report.follow_ups
        ],
    }
