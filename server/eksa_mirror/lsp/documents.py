"""Open documents whose lines end where LSP says they do: at CR LF, CR or LF only.

pygls splits a document with ``str.splitlines``, which also breaks at U+2028, U+2029,
NEL, form feed and a few control characters. An incremental change after such a
character then lands on the wrong line and the server's copy drifts from the editor's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

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
