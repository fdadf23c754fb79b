"""Open documents whose lines end where LSP says they do: at CR LF, CR or LF only.

pygls splits a document with ``str.splitlines``, which also breaks at U+2028, U+2029,
NEL, form feed and a few control characters. An incremental change after such a
character then lands on the wrong line and the server's copy drifts from the editor's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from lsprotocol import types
from pygls.workspace import TextDocument, Workspace

_AFTER_BREAK = re.compile(r"(?<=\r)(?!\n)|(?<=\n)")


class LspTextDocument(TextDocument):
    """A pygls ``TextDocument`` with LSP's line breaks."""

    @property
    def lines(self) -> Sequence[str]:
        parts = _AFTER_BREAK.split(self.source)
        if parts and parts[-1] == "":
            parts.pop()
        return tuple(parts)

    def _apply_incremental_change(self, change: types.TextDocumentContentChangePartial) -> None:
        """Also, pygls moves a character past the end of the last line one character early
        and duplicates text for a reversed range; LSP clamps a character to its line's length
        (and a reversed range is taken in order)."""
        ends = (self._offset(change.range.start), self._offset(change.range.end))
        start, end = min(ends), max(ends)
        self._source = self.source[:start] + change.text + self.source[end:]

    def _offset(self, position: types.Position) -> int:
        lines = self.lines
        if position.line >= len(lines):
            return len(self.source)
        before = sum(len(line) for line in lines[: position.line])
        line = lines[position.line].rstrip("\r\n")
        units = 0
        for index, char in enumerate(line):
            if units >= position.character:
                return before + index
            units += self.position_codec.client_num_units(char)
        return before + len(line)


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
