"""Open documents whose lines end where LSP says they do: at CR LF, CR or LF only.

pygls 2.1 (``TextDocument.lines``, ``_apply_incremental_change``,
``Workspace._create_text_document``) splits with ``str.splitlines``, which also breaks at
U+2028, NEL, form feed and more, so an incremental change after one landed on the wrong
line (docs/security.md, "Line breaks").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from lsprotocol import types
from pygls.workspace import TextDocument, Workspace

from eksa_mirror.lsp import codec

_AFTER_BREAK = re.compile(r"(?<=\r)(?!\n)|(?<=\n)")


class LspTextDocument(TextDocument):
    """A pygls ``TextDocument`` with LSP's line breaks.

    The line table is computed once per version of the text (an edit of a 5,000-line file
    must not split the whole text again for every position it converts).
    """

    _lines_cache: tuple[str, tuple[str, ...], list[int]] | None = None

    def _table(self) -> tuple[tuple[str, ...], list[int]]:
        source = self.source
        cached = self._lines_cache
        if cached is not None and cached[0] is source:
            return cached[1], cached[2]
        parts = _AFTER_BREAK.split(source)
        if parts and parts[-1] == "":
            parts.pop()
        starts = [0]
        for part in parts:
            starts.append(starts[-1] + len(part))
        self._lines_cache = (source, tuple(parts), starts)
        return self._lines_cache[1], starts

    @property
    def lines(self) -> Sequence[str]:
        return self._table()[0]

    def _apply_incremental_change(self, change: types.TextDocumentContentChangePartial) -> None:
        """Also, pygls moves a character past the end of the last line one character early
        and duplicates text for a reversed range; LSP clamps a character to its line's length
        (and a reversed range is taken in order)."""
        ends = (self._offset(change.range.start), self._offset(change.range.end))
        start, end = min(ends), max(ends)
        self._source = self.source[:start] + change.text + self.source[end:]

    def _offset(self, position: types.Position) -> int:
        lines, starts = self._table()
        if position.line >= len(lines):
            return len(self.source)
        line = lines[position.line].rstrip("\r\n")
        units_of = self.position_codec.client_num_units
        return starts[position.line] + codec.index_at(line, position.character, units_of)


class LspWorkspace(Workspace):
    """A pygls ``Workspace`` that opens ``LspTextDocument``s."""

    def _create_text_document(
        self,
        doc_uri: str,
        source: str | None = None,
        version: int | None = None,
        language_id: str | None = None,
    ) -> TextDocument:
        return LspTextDocument(
            doc_uri,
            source=source,
            version=version,
            language_id=language_id,
            sync_kind=self._sync_kind,
            position_codec=self.position_codec,
        )


def use_lsp_lines(workspace: Workspace) -> None:
    """Make ``workspace`` (created by pygls on initialize) open ``LspTextDocument``s."""
    if type(workspace) is Workspace:
        workspace.__class__ = LspWorkspace
