"""RM001, RM003 and RM029 (a required key missing) and what the syntax recovery left of the
mirror section: its data without the values a blanked line may have cut short, and which
``ociNamespaces`` indices are still the entries' own (``core.known``)."""

from __future__ import annotations

from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode

from eksa_mirror.core.eksa import errors
from eksa_mirror.core.findings import Fix
from eksa_mirror.core.known import Known
from eksa_mirror.core.model import to_data
from eksa_mirror.core.source import get_item, go_fold, is_null, items
from eksa_mirror.rules.context import Check, pointer


def known_data(check: Check, mirror: MappingNode) -> Any:
    """The data of the mirror section without the values a masked line may have cut short
    (``core.known``): they are not judged, and their absence is not either (``report_missing``)."""
    data = to_data(mirror)
    if not check.model.doc.parsed.masks or not isinstance(data, dict):
        return data
    scope = check.mirror_scope
    for name in list(data):
        if scope.get(name, fold_case=True).state is Known.UNKNOWN:
            del data[name]
        elif go_fold(name) == go_fold("ociNamespaces") and isinstance(data[name], list):
            entries = scope.child(name, fold_case=True).entries().items
            for index, (entry, values) in enumerate(zip(entries, data[name], strict=False)):
                if entry.value_masked() and not isinstance(values, dict):
                    data[name][index] = {}  # the item's line was cut after its dash
                for field in list(values) if isinstance(values, dict) else ():
                    if entry.get(field, fold_case=True).state is Known.UNKNOWN:
                        del values[field]
    return data


def index_known(check: Check, path: tuple[str | int, ...] | list[str | int]) -> bool:
    """Whether an ``ociNamespaces`` index in ``path`` is the entry's index as written."""
    if len(path) < 2 or not isinstance(path[1], int) or not check.model.doc.parsed.masks:
        return True
    entries = check.mirror_scope.child("ociNamespaces", fold_case=True).entries()
    return path[1] < len(entries.items) and entries.index_known(path[1])


def masked_inside(check: Check, path: list[str | int]) -> bool:
    scope = check.mirror_scope
    for part in path:
        if isinstance(part, int):
            items_ = scope.entries().items
            if part >= len(items_):
                return True
            scope = items_[part]
        else:
            scope = scope.child(part, fold_case=True)
    return bool(scope.masks) or scope.state is Known.UNKNOWN


def report_missing(
    check: Check, path: list[str | int], node: Node | None, missing: list[str]
) -> None:
    """RM001, RM003 or RM029 for each key of ``missing`` that no blanked line may hold."""
    scope = check.mirror_scope
    if path:
        entries = scope.child("ociNamespaces", fold_case=True).entries().items
        scope = entries[int(path[1])] if len(path) > 1 and int(path[1]) < len(entries) else scope
    for name in missing:
        if scope.get(name, fold_case=True).state is Known.UNKNOWN:
            continue  # a masked line may hold it
        if not path:
            key = check.model.mirror_key
            assert key is not None
            present = get_item(check.model.mirror, name, fold_case=True)
            if present is not None and not is_null(present[1]):
                continue
            target = present[0] if present is not None else key
            check.emit(
                "RM001",
                errors.NO_ENDPOINT,
                check.span(target),
                pointer(name),
            )
            continue
        if node is None:
            continue
        present = get_item(node, name, fold_case=True)
        first_key = present[0] if present else _first_key(node)
        span = check.span(first_key) if first_key is not None else check.span(node)
        where = pointer(*path, name)
        if name == "registry":
            check.emit("RM003", "registry can't be set to empty in OCINamespaces", span, where)
        else:
            check.emit(
                "RM029",
                f'this ociNamespaces entry has no "{name}": the CRD requires it, so kubectl and '
                'GitOps reject the Cluster (the eksctl CLI treats it as ""); write '
                f'{name}: "" to map to the root of the mirror',
                span,
                where,
                _add_key_fix(check, node, name),
            )


def _add_key_fix(check: Check, node: Node, name: str) -> Fix | None:
    """Add ``name: ""`` as the last key of a block mapping, at its keys' column.

    Safe: the eksctl CLI already reads a missing namespace as "", so nothing changes for it.
    """
    if not isinstance(node, MappingNode) or node.flow_style is not False or not node.value:
        return None
    first = check.span(node.value[0][0])
    last = check.span(node.value[-1][1])
    after = check.line(last.end.line)[last.end.column :].strip()
    if after and not after.startswith("#"):
        return None
    text = " " * first.start.column + f'{name}: ""'
    return Fix(f'Add {name}: ""', (check.insert_line_after(last.end.line, text),), safe=True)


def _first_key(node: Node) -> ScalarNode | None:
    for key, _ in items(node):
        return key
    return None
