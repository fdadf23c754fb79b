"""The one place where core positions (code points) become LSP positions (UTF-16) and back.

Also turns core objects (findings, fixes, completion candidates) into lsprotocol types.
"""

from __future__ import annotations

from typing import Any

from lsprotocol import types

from eksa_mirror.completion import Candidate, plain_text
from eksa_mirror.findings import Finding, Fix, Severity, TextEdit
from eksa_mirror.positions import Position, Span
from eksa_mirror.rules import rule

SOURCE = "eksa-mirror"

_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFORMATION: types.DiagnosticSeverity.Information,
    Severity.HINT: types.DiagnosticSeverity.Hint,
}


class Lines:
    """The lines of a text, as LSP counts them (``\\n`` separated, ``\\r`` trimmed)."""

    def __init__(self, text: str) -> None:
        self.lines = [line.removesuffix("\r") for line in text.split("\n")]

    def _line(self, index: int) -> str:
        return self.lines[index] if 0 <= index < len(self.lines) else ""

    def to_lsp(self, pos: Position) -> types.Position:
        line = self._line(pos.line)
        prefix = line[: pos.column]
        return types.Position(pos.line, len(prefix.encode("utf-16-le")) // 2)

    def to_core(self, pos: types.Position) -> Position:
        """A client position in UTF-16 units, clamped to the text, as a code-point position."""
        line_no = min(max(pos.line, 0), max(len(self.lines) - 1, 0))
        line = self._line(line_no)
        units = 0
        for index, char in enumerate(line):
            if units >= pos.character:
                return Position(line_no, index)
            units += 2 if ord(char) > 0xFFFF else 1
        return Position(line_no, len(line))

    def range(self, span: Span) -> types.Range:
        return types.Range(self.to_lsp(span.start), self.to_lsp(span.end))

    def edit(self, edit: TextEdit) -> types.TextEdit:
        return types.TextEdit(self.range(edit.span), edit.new_text)


def diagnostic(lines: Lines, finding: Finding) -> types.Diagnostic:
    info = rule(finding.code)
    data: dict[str, Any] = {"pointer": finding.pointer}
    if finding.fix is not None:
        data["fix"] = fix_data(lines, finding.fix)
    return types.Diagnostic(
        range=lines.range(finding.span),
        message=finding.message,
        severity=_SEVERITY[finding.severity],
        code=finding.code,
        code_description=types.CodeDescription(href=info.url),
        source=SOURCE,
        data=data,
    )


def fix_data(lines: Lines, fix: Fix) -> dict[str, Any]:
    """What a diagnostic carries so that a code action can rebuild its fix."""
    return {
        "title": fix.title,
        "safe": fix.safe,
        "preferred": fix.preferred,
        "edits": [
            {
                "range": {
                    "start": {"line": r.start.line, "character": r.start.character},
                    "end": {"line": r.end.line, "character": r.end.character},
                },
                "newText": edit.new_text,
            }
            for edit in fix.edits
            for r in [lines.range(edit.span)]
        ],
    }


def edits_from_data(data: Any) -> tuple[str, bool, list[types.TextEdit]] | None:
    """(title, preferred, edits) stored in a diagnostic's ``data`` by ``diagnostic``."""
    if not isinstance(data, dict) or not isinstance(data.get("fix"), dict):
        return None
    fix = data["fix"]
    try:
        edits = [
            types.TextEdit(
                types.Range(
                    types.Position(e["range"]["start"]["line"], e["range"]["start"]["character"]),
                    types.Position(e["range"]["end"]["line"], e["range"]["end"]["character"]),
                ),
                str(e["newText"]),
            )
            for e in fix["edits"]
        ]
    except (KeyError, TypeError):
        return None
    return str(fix.get("title", "Fix")), bool(fix.get("preferred", True)), edits


_KINDS = {
    "property": types.CompletionItemKind.Property,
    "value": types.CompletionItemKind.Value,
    "snippet": types.CompletionItemKind.Snippet,
}


def completion_item(
    lines: Lines, line: int, candidate: Candidate, *, snippets: bool, markdown: bool
) -> types.CompletionItem:
    start = lines.to_lsp(Position(line, candidate.replace_start))
    end = lines.to_lsp(Position(line, candidate.replace_end))
    snippet = candidate.snippet and snippets
    text = candidate.insert_text if snippet else plain_text(candidate.insert_text)
    documentation: types.MarkupContent | str | None = None
    if candidate.documentation:
        documentation = (
            types.MarkupContent(types.MarkupKind.Markdown, candidate.documentation)
            if markdown
            else candidate.documentation
        )
    return types.CompletionItem(
        label=candidate.label,
        kind=_KINDS[candidate.kind],
        detail=candidate.detail or None,
        documentation=documentation,
        sort_text=candidate.sort_text or None,
        filter_text=candidate.label,
        insert_text_format=(
            types.InsertTextFormat.Snippet if snippet else types.InsertTextFormat.PlainText
        ),
        text_edit=types.TextEdit(types.Range(start, end), text),
    )
