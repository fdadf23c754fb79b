"""Core positions (code points) as LSP positions (``codec``: UTF-16 by default) and back.

Also turns core objects (findings, fixes, completion candidates) into lsprotocol types.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lsprotocol import types

from eksa_mirror.core.findings import Finding, Fix, Severity, TextEdit
from eksa_mirror.core.positions import Position, Span
from eksa_mirror.lsp import codec
from eksa_mirror.rules.catalogue import rule

if TYPE_CHECKING:  # the editor features load on their first request, not at start-up
    from eksa_mirror.editor.completion import Candidate

SOURCE = "eksa-mirror"

_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFORMATION: types.DiagnosticSeverity.Information,
    Severity.HINT: types.DiagnosticSeverity.Hint,
}


class Lines:
    """The lines of a text, as LSP counts them (``\\n`` separated, ``\\r`` trimmed).

    Columns are counted in the position encoding negotiated with the client: UTF-16
    code units unless the client offered ``utf-8`` or ``utf-32`` first (Neovim 0.11).
    """

    def __init__(self, text: str, encoding: str = "utf-16") -> None:
        self.lines = [line.removesuffix("\r") for line in text.split("\n")]
        self.encoding = str(getattr(encoding, "value", encoding) or "utf-16")

    def _line(self, index: int) -> str:
        return self.lines[index] if 0 <= index < len(self.lines) else ""

    def _units(self, text: str) -> int:
        return codec.units(text, self.encoding)

    def to_lsp(self, pos: Position) -> types.Position:
        line = self._line(pos.line)
        return types.Position(pos.line, self._units(line[: pos.column]))

    def to_core(self, pos: types.Position) -> Position:
        """A client position in the client's units, clamped to the text, as a code point."""
        line_no = min(max(pos.line, 0), max(len(self.lines) - 1, 0))
        return Position(line_no, codec.index_at(self._line(line_no), pos.character, self._units))

    def range(self, span: Span) -> types.Range:
        return types.Range(self.to_lsp(span.start), self.to_lsp(span.end))

    def edit(self, edit: TextEdit) -> types.TextEdit:
        return types.TextEdit(self.range(edit.span), edit.new_text)


def diagnostic(lines: Lines, finding: Finding, version: int | None = None) -> types.Diagnostic:
    """The diagnostic of a finding; ``data`` keeps its pointer, the fix and the version."""
    info = rule(finding.code)
    data: dict[str, Any] = {"pointer": finding.pointer}
    if version is not None:
        data["version"] = version
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


def edits_from_data(
    data: Any, version: int | None = None
) -> tuple[str, bool, list[types.TextEdit]] | None:
    """(title, preferred, edits) stored in a diagnostic's ``data`` by ``diagnostic``.

    None when the data was made for another version of the document than ``version``:
    its edits would land in the wrong place.
    """
    if not isinstance(data, dict) or not isinstance(data.get("fix"), dict):
        return None
    if version is not None and data.get("version") != version:
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
    from eksa_mirror.editor.completion import indent_continuation, plain_text

    start = lines.to_lsp(Position(line, candidate.replace_start))
    end = lines.to_lsp(Position(line, candidate.replace_end))
    snippet = candidate.snippet and snippets
    text = candidate.insert_text if snippet else plain_text(candidate.insert_text)
    mode = None
    if not snippet and "\n" in text:
        # Clients insert plain text as it is: write the line's indentation out.
        line_text = lines.lines[line] if 0 <= line < len(lines.lines) else ""
        text = indent_continuation(text, line_text[: len(line_text) - len(line_text.lstrip(" "))])
        mode = types.InsertTextMode.AsIs
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
        insert_text_mode=mode,
    )
