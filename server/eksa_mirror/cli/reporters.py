"""One reporter per ``validate --format``: each turns the findings (and the files checked,
which the CI reports also list) into the text written to stdout. The formats themselves are
``formatters`` (text, JSON, SARIF, GitHub) and ``ci_formats`` (GitLab, JUnit, Markdown).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from eksa_mirror.cli import ci_formats, formatters
from eksa_mirror.cli.formatters import FileFinding

#: ``(findings, files checked) -> output``.
Reporter = Callable[[list[FileFinding], Sequence[str]], str]


def _findings_only(format_: Callable[[list[FileFinding]], str]) -> Reporter:
    """A format that shows only the findings (a clean file adds nothing to it)."""

    def report(results: list[FileFinding], checked: Sequence[str]) -> str:
        return format_(results)

    return report


REPORTERS: dict[str, Reporter] = {
    "text": _findings_only(formatters.text),
    "json": _findings_only(formatters.json_format),
    "sarif": _findings_only(formatters.sarif),
    "github": _findings_only(formatters.github),
    "gitlab": ci_formats.gitlab,
    "junit": ci_formats.junit,
    "markdown": ci_formats.markdown_report,
}
