"""Output formats of ``check``: text, JSON, SARIF 2.1.0 and GitHub workflow annotations.

SARIF and GitHub point at the spec: a failed step at the mirror key it is about, an image
finding at ``registryMirrorConfiguration`` (an unmapped registry at ``ociNamespaces``).
SARIF has one result per reference; GitHub one annotation per group of missing
references (GitHub shows only the first few annotations of a step).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from eksa_mirror import __version__
from eksa_mirror.probe.images_report import FAILING, ImagesReport, ImageStatus
from eksa_mirror.probe.report import CheckReport, Status, render_text

#: 1-based ``(line, column, end line, end column)`` of a place in the spec.
Region = tuple[int, int, int, int]
_LEVEL = {Status.FAIL: "error", Status.WARN: "warning"}
#: At most this many references are named in one GitHub annotation.
SHOWN = 5


@dataclass(frozen=True)
class Spot:
    """One finding of the check, placed in the spec."""

    rule: str
    level: str
    message: str
    key: str


def regions(path: str) -> dict[str, Region]:
    """Where each mirror key of the spec's first mirror section is (``mirror``: the section)."""
    from eksa_mirror.core.model import clusters, load_source
    from eksa_mirror.core.source import get_item
    from eksa_mirror.probe.report import MIRROR_KEYS

    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    found: dict[str, Region] = {}
    for model in clusters(load_source(text)):
        if model.mirror_key is None:
            continue
        found["mirror"] = _region(model.doc.span(model.mirror_key))
        for key in MIRROR_KEYS:
            pair = get_item(model.mirror, key, fold_case=True)
            if pair is not None:
                found[key] = _region(model.doc.span(pair[0]))
        break
    return found


def _region(span: Any) -> Region:
    start, end = span.start, span.end
    return (start.line + 1, start.column + 1, end.line + 1, end.column + 1)


def spots(report: CheckReport, *, per_reference: bool) -> list[Spot]:
    """The failed and warning steps, then the image findings."""
    found = [
        Spot(f"check/{s.name}", _LEVEL[s.status], s.message, s.key)
        for s in report.steps
        if s.status in _LEVEL and not (s.name == "images" and report.images is not None)
    ]
    if report.images is not None:
        found += _image_spots(report.images, per_reference)
    return found


def _image_spots(images: ImagesReport, per_reference: bool) -> list[Spot]:
    found = [
        Spot("images/eksd-not-read", "error",
             f"EKS-D images of Kubernetes {s.kube_version} not checked: {s.error}", "mirror")
        for s in images.unread_eksd
    ]  # fmt: skip
    if images.not_checked:
        found.append(Spot("images/error", "error", images.summary(), "mirror"))
        return found
    grouped = {ref for group in images.groups for ref in group.references}
    for result in images.results:
        status = result.status
        if status is ImageStatus.PRESENT or (
            not per_reference and result.reference.mirror in grouped
        ):
            continue
        level = "error" if status in FAILING else "note"
        key = "ociNamespaces" if status is ImageStatus.UNMAPPED else "mirror"
        shown = result.reference.mirror or result.reference.image
        found.append(Spot(f"images/{status.value}", level, f"{shown}: {result.message}", key))
    if not per_reference:
        for group in images.groups:
            names = ", ".join(group.references[:SHOWN])
            more = (
                f" and {len(group.references) - SHOWN} more"
                if len(group.references) > SHOWN
                else ""
            )
            fix = f"; import them: {group.command}" if group.command else ""
            message = f"{len(group.references)} missing under {group.target}: {names}{more}{fix}"
            found.append(Spot("images/missing", "error", message, "mirror"))
    return found


def text(report: CheckReport, file: str, ascii_only: bool) -> str:
    return render_text(report, ascii_only=ascii_only)


def json_format(report: CheckReport, file: str, ascii_only: bool) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=ascii_only) + "\n"


def _escape(value: str, *, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return value.replace(":", "%3A").replace(",", "%2C") if prop else value


def github(report: CheckReport, file: str, ascii_only: bool) -> str:
    where = regions(file)
    lines = []
    for spot in spots(report, per_reference=False):
        line, col, end_line, end_col = where.get(spot.key) or where.get("mirror") or (1, 1, 1, 1)
        kind = {"error": "error", "warning": "warning"}.get(spot.level, "notice")
        props = (f"file={_escape(file, prop=True)},line={line},col={col},endLine={end_line},"
                 f"endColumn={end_col},title={_escape(spot.rule, prop=True)}")  # fmt: skip
        lines.append(f"::{kind} {props}::{_escape(spot.message)}\n")
    return "".join(lines)


_RULES = {
    "check/config": "the mirror settings cannot be used",
    **{f"check/{n}": f"the {n} step of eksa-mirror check failed"
       for n in ("ca", "connect", "tls", "certificate", "api", "auth", "projects")},
    **{f"images/{s.value}": f"an image reference is {s.value} in the mirror" for s in ImageStatus},
    "images/eksd-not-read": "the EKS-D images of a Kubernetes version were not checked",
}  # fmt: skip


def sarif(report: CheckReport, file: str, ascii_only: bool) -> str:
    where = regions(file)
    ids = sorted(_RULES)
    results = []
    for spot in spots(report, per_reference=True):
        line, col, end_line, end_col = where.get(spot.key) or where.get("mirror") or (1, 1, 1, 1)
        region = {"startLine": line, "startColumn": col, "endLine": end_line,
                  "endColumn": end_col}  # fmt: skip
        location = {"artifactLocation": {"uri": quote(file.replace("\\", "/"), safe="/")},
                    "region": region}  # fmt: skip
        results.append({
            "ruleId": spot.rule, "ruleIndex": ids.index(spot.rule), "level": spot.level,
            "message": {"text": spot.message}, "locations": [{"physicalLocation": location}],
        })  # fmt: skip
    driver = {
        "name": "eksa-mirror check", "version": __version__,
        "informationUri": "https://github.com/eksa-mirror/eksa-mirror",
        "rules": [{"id": rule, "shortDescription": {"text": _RULES[rule]}} for rule in ids],
    }  # fmt: skip
    run = {"tool": {"driver": driver}, "columnKind": "unicodeCodePoints", "results": results}
    log = {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0",
           "runs": [run]}  # fmt: skip
    return json.dumps(log, indent=2, ensure_ascii=ascii_only) + "\n"


FORMATTERS: dict[str, Callable[[CheckReport, str, bool], str]] = {
    "text": text,
    "json": json_format,
    "sarif": sarif,
    "github": github,
}
