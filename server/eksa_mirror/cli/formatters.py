"""Output formats of ``validate``: text, JSON, SARIF 2.1.0 and GitHub workflow annotations.

Lines and columns are 1-based everywhere here (end exclusive), as editors show them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from eksa_mirror import __version__
from eksa_mirror.core.findings import Finding, Severity
from eksa_mirror.rules.catalogue import RULES, rule


@dataclass(frozen=True)
class FileFinding:
    """A finding in a named file."""

    file: str
    finding: Finding

    def as_dict(self) -> dict[str, Any]:
        f = self.finding
        return {
            "file": self.file,
            "line": f.span.start.line + 1,
            "column": f.span.start.column + 1,
            "endLine": f.span.end.line + 1,
            "endColumn": f.span.end.column + 1,
            "severity": f.severity.value,
            "code": f.code,
            "message": f.message,
            "pointer": f.pointer,
        }


def text(results: list[FileFinding]) -> str:
    return "".join(
        f"{r.file}:{r.finding.span.start.line + 1}:{r.finding.span.start.column + 1}: "
        f"{r.finding.severity.value} {r.finding.code} {r.finding.message}\n"
        for r in results
    )


def json_format(results: list[FileFinding]) -> str:
    return json.dumps([r.as_dict() for r in results], indent=2, ensure_ascii=False) + "\n"


_GITHUB = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFORMATION: "notice",
           Severity.HINT: "notice"}  # fmt: skip
_SARIF = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFORMATION: "note",
          Severity.HINT: "note"}  # fmt: skip


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def github(results: list[FileFinding]) -> str:
    lines = []
    for r in results:
        d = r.as_dict()
        props = ",".join(
            [
                f"file={_escape_property(r.file)}",
                f"line={d['line']}",
                f"col={d['column']}",
                f"endLine={d['endLine']}",
                f"endColumn={d['endColumn']}",
                f"title={_escape_property(r.finding.code + ' ' + rule(r.finding.code).name)}",
            ]
        )
        lines.append(
            f"::{_GITHUB[r.finding.severity]} {props}::{_escape_data(r.finding.message)}\n"
        )
    return "".join(lines)


def _uri(file: str) -> str:
    """A file name as a SARIF URI reference: forward slashes, other characters escaped."""
    return quote(file.replace("\\", "/"), safe="/")


def _sarif_rules() -> list[dict[str, Any]]:
    return [
        {
            "id": code,
            "name": r.name,
            "shortDescription": {"text": r.summary.replace("`", "")},
            "helpUri": r.url,
            "defaultConfiguration": {"level": _SARIF[r.severity]},
        }
        for code, r in sorted(RULES.items())
    ]


def _sarif_result(r: FileFinding, index: dict[str, int]) -> dict[str, Any]:
    d = r.as_dict()
    region = {
        "startLine": d["line"],
        "startColumn": d["column"],
        "endLine": d["endLine"],
        "endColumn": d["endColumn"],
    }
    location = {"artifactLocation": {"uri": _uri(r.file)}, "region": region}
    return {
        "ruleId": r.finding.code,
        "ruleIndex": index[r.finding.code],
        "level": _SARIF[r.finding.severity],
        "message": {"text": r.finding.message},
        "locations": [{"physicalLocation": location}],
    }


def sarif(results: list[FileFinding]) -> str:
    index = {code: i for i, code in enumerate(sorted(RULES))}
    driver = {
        "name": "eksa-mirror",
        "version": __version__,
        "informationUri": "https://github.com/eksa-mirror/eksa-mirror",
        "rules": _sarif_rules(),
    }
    run = {
        "tool": {"driver": driver},
        # Columns count code points, not the SARIF default of UTF-16 code units.
        "columnKind": "unicodeCodePoints",
        "results": [_sarif_result(r, index) for r in results],
    }
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
