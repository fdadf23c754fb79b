"""The report formats of ``validate`` for other CI systems: GitLab Code Quality
(``--format gitlab``), JUnit XML (``--format junit``) and Markdown for job summaries and
review comments (``--format markdown``). Each is given the findings and the files checked
(a clean file is a passing JUnit test case). Shapes and examples: docs/ci.md.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from eksa_mirror.cli.formatters import FileFinding
from eksa_mirror.core import markdown
from eksa_mirror.core.findings import Severity
from eksa_mirror.rules.catalogue import rule

#: GitLab's severities (blocker, critical, major, minor, info): an error is what EKS-A
#: rejects or what breaks the nodes' pulls, as linters report their errors.
GITLAB_SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor",
                   Severity.INFORMATION: "info", Severity.HINT: "info"}  # fmt: skip
#: GitLab's categories of the Code Climate spec.
GITLAB_CATEGORY = {Severity.ERROR: "Bug Risk", Severity.WARNING: "Bug Risk",
                   Severity.INFORMATION: "Style", Severity.HINT: "Style"}  # fmt: skip
_MARK = {Severity.ERROR: "❌ error", Severity.WARNING: "⚠️ warning",
         Severity.INFORMATION: "ℹ️ information", Severity.HINT: "hint"}  # fmt: skip


def repo_path(name: str) -> str:
    """A file name as GitLab links it: relative to the current folder (the repository's
    root in a CI job), forward slashes, no leading ``./``."""
    if os.path.isabs(name):
        relative = os.path.relpath(name)
        name = name if relative.startswith("..") else relative
    name = name.replace("\\", "/")
    while name.startswith("./"):
        name = name[2:]
    return name


def _fingerprint(path: str, r: FileFinding, seen: Counter[tuple[str, ...]]) -> str:
    """Stable across edits elsewhere in the file (no line numbers); repeats are numbered."""
    import hashlib  # only for this format: its import costs a plain validate run

    key = (path, r.finding.code, r.finding.pointer, r.finding.message)
    seen[key] += 1
    data = "\0".join((*key, str(seen[key])))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def gitlab(results: list[FileFinding], checked: Sequence[str] = ()) -> str:
    """GitLab Code Quality: a JSON array of Code Climate issues (the merge request widget)."""
    seen: Counter[tuple[str, ...]] = Counter()
    issues: list[dict[str, Any]] = []
    for r in results:
        f, path, found = r.finding, repo_path(r.file), rule(r.finding.code)
        issues.append(
            {
                "type": "issue",
                "check_name": f"{f.code} {found.name}",
                "description": f"{f.code} {f.message}",
                "content": {"body": f"{found.summary.replace('`', '')}: {found.url}"},
                "categories": [GITLAB_CATEGORY[f.severity]],
                "severity": GITLAB_SEVERITY[f.severity],
                "fingerprint": _fingerprint(path, r, seen),
                "location": {
                    "path": path,
                    "lines": {"begin": f.span.start.line + 1, "end": f.span.end.line + 1},
                },
            }
        )
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"


#: Characters XML 1.0 does not allow, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ATTRIBUTE = {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}


def xml_escape(text: str) -> str:
    """Element text: the markup characters as entities, what XML cannot hold as U+FFFD."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _NOT_XML.sub("\ufffd", text)


def quoteattr(text: str) -> str:
    """A double-quoted attribute value (new lines and tabs kept as character references)."""
    return '"' + "".join(_ATTRIBUTE.get(char, char) for char in xml_escape(text)) + '"'


def _failure(r: FileFinding) -> str:
    d, f = r.as_dict(), r.finding
    line = f"{r.file}:{d['line']}:{d['column']}: {f.severity.value} {f.code} {f.message}"
    body = xml_escape(f"{line}\n{rule(f.code).url}")
    if f.severity in (Severity.ERROR, Severity.WARNING):
        kind = quoteattr(f.severity.value)
        return f"      <failure type={kind} message={quoteattr(f.message)}>{body}</failure>\n"
    return f"      <system-out>{body}</system-out>\n"


def _suite(name: str, findings: list[FileFinding]) -> tuple[str, int]:
    failures = sum(r.finding.severity in (Severity.ERROR, Severity.WARNING) for r in findings)
    cases = [
        f"    <testcase name={quoteattr(_case_name(r))} classname={quoteattr(name)}>\n"
        f"{_failure(r)}    </testcase>\n"
        for r in findings
    ] or [f"    <testcase name={quoteattr('registryMirrorConfiguration')}"
          f" classname={quoteattr(name)}/>\n"]  # fmt: skip
    head = (
        f'  <testsuite name={quoteattr(name)} tests="{len(cases)}" failures="{failures}"'
        f' errors="0" skipped="0">\n'
    )
    return head + "".join(cases) + "  </testsuite>\n", failures


def _case_name(r: FileFinding) -> str:
    d = r.as_dict()
    return f"{r.finding.code} {rule(r.finding.code).name} at {d['line']}:{d['column']}"


def junit(results: list[FileFinding], checked: Sequence[str] = ()) -> str:
    """JUnit XML: a test suite per file, a test case per finding (errors and warnings are
    failures; information is the case's output) and one passing case per clean file."""
    by_file: dict[str, list[FileFinding]] = defaultdict(list)
    for r in results:
        by_file[r.file].append(r)
    names = list(dict.fromkeys([*checked, *by_file]))
    suites, tests, failures = [], 0, 0
    for name in names:
        text, failed = _suite(name, by_file.get(name, []))
        suites.append(text)
        tests += max(1, len(by_file.get(name, [])))
        failures += failed
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<testsuites name="eksa-mirror" tests="{tests}" failures="{failures}" errors="0">\n'
        + "".join(suites)
        + "</testsuites>\n"
    )


def markdown_report(results: list[FileFinding], checked: Sequence[str] = ()) -> str:
    """A Markdown table of the findings, for a job summary or a review comment."""
    counts = Counter(r.finding.severity for r in results)
    files = len(set(checked) | {r.file for r in results})
    parts = [f"{counts[s]} {s.value}{'s' * (counts[s] != 1 and s is not Severity.INFORMATION)}"
             for s in (Severity.ERROR, Severity.WARNING, Severity.INFORMATION)]  # fmt: skip
    head = f"**eksa-mirror validate**: {files} file{'s' * (files != 1)} checked, {', '.join(parts)}"
    if not results:
        return head + "\n"
    out = [head, "", "| severity | file | line | rule | message |", "|---|---|---|---|---|"]
    for r in results:
        d, found = r.as_dict(), rule(r.finding.code)
        out.append(
            f"| {_MARK[r.finding.severity]} | {markdown.code(r.file, cell=True)}"
            f" | {d['line']}:{d['column']} | [{r.finding.code}]({found.url})"
            f" {markdown.code(found.name, cell=True)} | {markdown.escape(r.finding.message)} |"
        )
    return "\n".join(out) + "\n"
