"""Completion candidates for the mirror section, from the cursor context (pure, no LSP).

Keys come with snippets and the schema's documentation; values cover the booleans,
the port, the known upstream registries and the namespaces the EKS-A docs use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from eksa_mirror.core import schema_store
from eksa_mirror.core.eksa.registries import (
    CURATED_PACKAGES_LEGACY,
    DOC_NAMESPACES,
    LEGACY_PACKAGES,
    REGIONAL_PACKAGES,
)
from eksa_mirror.core.mirror import PUBLIC_ECR
from eksa_mirror.core.model import MIRROR_KEY
from eksa_mirror.editor.cursor import ITEM, Cursor, is_eksa_cluster, locate


@dataclass(frozen=True, kw_only=True)
class Candidate:
    """One completion item, independent of the protocol."""

    label: str
    kind: str  # "property", "value" or "snippet"
    insert_text: str
    detail: str = ""
    documentation: str = ""
    snippet: bool = False
    sort_text: str = ""
    #: Columns (code points) on the cursor's line that the insertion replaces.
    replace_start: int = 0
    replace_end: int = 0


#: Snippets for each key of the mirror section (relative indentation, 2 spaces).
KEY_SNIPPETS: dict[str, str] = {
    "endpoint": "endpoint: ${1:10.0.0.5}",
    "port": 'port: "${1:443}"',
    "ociNamespaces": f'ociNamespaces:\n  - registry: ${{1:{PUBLIC_ECR}}}\n    namespace: "${{2}}"',
    "caCertContent": "caCertContent: |\n  ${1:-----BEGIN CERTIFICATE-----}",
    "authenticate": "authenticate: ${1|true,false|}",
    "insecureSkipVerify": "insecureSkipVerify: ${1|false,true|}",
}

BLOCK_SNIPPET = (
    f"{MIRROR_KEY}:\n"
    "  endpoint: ${1:10.0.0.5}\n"
    '  port: "${2:443}"\n'
    "  ociNamespaces:\n"
    f"    - registry: {PUBLIC_ECR}\n"
    '      namespace: "${3}"\n'
    "  caCertContent: |\n"
    "    ${4:-----BEGIN CERTIFICATE-----}"
)

ENTRY_SNIPPET = f'registry: ${{1:{PUBLIC_ECR}}}\n  namespace: "${{2}}"'


def plain_text(snippet: str) -> str:
    """A snippet without tab stops, for clients that cannot expand snippets."""
    text = re.sub(r"\$\{\d+\|([^,|}]*)[^}]*\|\}", r"\1", snippet)
    text = re.sub(r"\$\{\d+:([^}]*)\}", r"\1", text)
    return re.sub(r"\$\{?\d+\}?", "", text)


def indent_continuation(text: str, indent: str) -> str:
    """``text`` with ``indent`` before every line but the first.

    Snippets are written relative to the cursor's line: VS Code and Neovim's
    ``vim.snippet`` add that line's indentation to each new line. Plain text is
    inserted as it is, so it needs the indentation written out.
    """
    return text.replace("\n", "\n" + indent)


def known_registries() -> list[tuple[str, str]]:
    """(registry, detail) for every upstream registry EKS-A knows about."""
    found = [
        (PUBLIC_ECR, "EKS Anywhere images (always list it)"),
        (LEGACY_PACKAGES, "curated packages, legacy account (us-west-2)"),
    ]
    found.extend(
        (registry, f"curated packages, {region}")
        for registry, region in sorted(REGIONAL_PACKAGES.items(), key=lambda item: item[1])
    )
    assert CURATED_PACKAGES_LEGACY.search(LEGACY_PACKAGES)
    return found


def complete(lines: list[str], line: int, column: int) -> list[Candidate] | None:
    """Candidates at (line, column); None when the document is not an EKS-A Cluster."""
    if line >= len(lines) or not is_eksa_cluster(lines, line):
        return None
    cursor = locate(lines, line, column)
    if cursor is None:
        return []
    text = lines[line].rstrip("\r")
    end = min(column, len(text))
    path = cursor.path
    if path == ["spec"] and cursor.mode == "key":
        if MIRROR_KEY in cursor.siblings or not MIRROR_KEY.lower().startswith(
            cursor.prefix.lower()
        ):
            return []
        block = Candidate(
            label=MIRROR_KEY,
            kind="snippet",
            insert_text=BLOCK_SNIPPET,
            detail="registry mirror block",
            documentation=schema_store.documentation(()),
            snippet=True,
            sort_text="0",
            replace_start=cursor.word_start,
            replace_end=end,
        )
        return _key_names([block], text, end)
    if path[:2] != ["spec", MIRROR_KEY]:
        return []
    field_path = [p for p in path[2:] if p != ITEM]
    in_item = bool(path) and path[-1] == ITEM
    if cursor.mode == "key":
        return _key_names(_keys(cursor, field_path, in_item, end), text, end)
    return _values(cursor, field_path, value_end(text, end))


_KEY_CONTINUES = re.compile(r"[A-Za-z0-9_.-]*(?=[ \t]*:(?:\s|$))")


def _key_names(candidates: list[Candidate], text: str, end: int) -> list[Candidate]:
    """On a line whose key is already written (``endp|oint: x``), items replace the key's
    name only: inserting a ``key: value`` snippet there would double the key."""
    written = _KEY_CONTINUES.match(text, end)
    if written is None:
        return candidates
    return [
        replace(c, kind="property", insert_text=c.label, snippet=False, replace_end=written.end())
        for c in candidates
        if c.kind == "property" or c.label == MIRROR_KEY
    ]


def value_end(text: str, column: int) -> int:
    """Where the value under the cursor ends: a value item replaces all of it, so that
    accepting ``"443"`` inside an auto-closed ``""`` leaves no stray quote."""
    rest = text[column:]
    # A "#" starts a comment only after whitespace (``4#x`` is one plain scalar).
    before = " " if column == 0 or text[column - 1].isspace() else "x"
    comment = re.search(r"\s#", before + rest)
    if comment is not None:
        rest = rest[: comment.start()]
    return column + len(rest.rstrip())


def _item(
    cursor: Cursor, end: int, label: str, kind: str, insert_text: str, *, snippet: bool = True
) -> Candidate:
    """A candidate that replaces the word under the cursor up to ``end``; the caller adds
    the detail, documentation and sort text with ``replace``."""
    return Candidate(
        label=label,
        kind=kind,
        insert_text=insert_text,
        snippet=snippet,
        replace_start=cursor.word_start,
        replace_end=end,
    )


def _keys(cursor: Cursor, field_path: list[str], in_item: bool, end: int) -> list[Candidate]:
    oci = ("ociNamespaces",)
    entry_doc = schema_store.documentation(oci)
    if field_path == []:
        return [
            replace(
                _item(cursor, end, name, "property", KEY_SNIPPETS.get(name, f"{name}: $1")),
                detail=_detail(()),
                documentation=schema_store.documentation((name,)),
                sort_text=f"{i:02d}",
            )
            for i, name in enumerate(schema_store.property_names(()))
            if name not in cursor.siblings
        ]
    if field_path == ["ociNamespaces"] and in_item:
        result = []
        if cursor.after_dash and not cursor.siblings:
            entry = _item(cursor, end, f"registry: {PUBLIC_ECR}", "snippet", ENTRY_SNIPPET)
            result.append(
                replace(entry, detail="ociNamespaces entry", documentation=entry_doc, sort_text="0")
            )
        for i, name in enumerate(schema_store.property_names(oci)):
            if name in cursor.siblings:
                continue
            text = f"{name}: ${{1}}" if name == "registry" else f'{name}: "${{1}}"'
            result.append(
                replace(
                    _item(cursor, end, name, "property", text),
                    detail=_detail(oci),
                    documentation=schema_store.documentation((*oci, name)),
                    sort_text=f"1{i}",
                )
            )
        return result
    if field_path == ["ociNamespaces"]:
        entry = _item(cursor, end, f"- registry: {PUBLIC_ECR}", "snippet", "- " + ENTRY_SNIPPET)
        return [
            replace(entry, detail="ociNamespaces entry", documentation=entry_doc, sort_text="0")
        ]
    return []


def _detail(path: tuple[str, ...]) -> str:
    return ".".join([MIRROR_KEY, *path])


def _value_choices(field_path: list[str], key: str) -> list[tuple[str, str, str]]:
    """(text, detail, sort text) of each value offered for ``key``."""
    if field_path == [] and key in ("authenticate", "insecureSkipVerify"):
        words = ("true", "false") if key == "authenticate" else ("false", "true")
        return [(word, "boolean", str(i)) for i, word in enumerate(words)]
    if field_path == [] and key == "port":
        return [('"443"', "default HTTPS port", "0")]
    if field_path == ["ociNamespaces"] and key == "registry":
        return [
            (registry, detail, f"{i:02d}")
            for i, (registry, detail) in enumerate(known_registries())
        ]
    if field_path == ["ociNamespaces"] and key == "namespace":
        details = {"": "the root of the mirror", "eks-anywhere": "curated packages (docs)"}
        return [(f'"{ns}"', details[ns], str(i)) for i, ns in enumerate(DOC_NAMESPACES)]
    return []


def _values(cursor: Cursor, field_path: list[str], end: int) -> list[Candidate]:
    key = cursor.key
    choices = _value_choices(field_path, key)
    documentation = schema_store.documentation((*field_path, key)) if choices else ""
    return [
        replace(
            _item(cursor, end, text, "value", text, snippet=False),
            detail=detail,
            documentation=documentation,
            sort_text=sort_text,
        )
        for text, detail, sort_text in choices
    ]
