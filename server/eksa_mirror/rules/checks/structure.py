"""Structural rules: the published JSON Schema run over the mirror section, each failure
named with its rule (RM001-RM003, RM006-RM008, RM029; RM026 by ``credentials``) in EKS-A's
words. Keys match in any case, as EKS-A's decoder does: a wrongly cased key is one RM006 and
its value is still checked; of a key spelled twice, the spelling EKS-A reads is validated."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from eksa_mirror.core import schema_store
from eksa_mirror.core.eksa import errors
from eksa_mirror.core.findings import Fix
from eksa_mirror.core.model import scalar_value, to_data
from eksa_mirror.core.source import get_item, go_fold, is_null, items
from eksa_mirror.rules.checks.credentials import report_credential
from eksa_mirror.rules.checks.host_shape import check_endpoint_shape, check_registry_shape
from eksa_mirror.rules.checks.required import index_known, known_data, masked_inside, report_missing
from eksa_mirror.rules.context import Check, node_at, pointer
from eksa_mirror.rules.registry import E, W, declare

if TYPE_CHECKING:
    from eksa_mirror.core.schema_store import SchemaFailure

declare("RM001", "endpoint-missing", E, "`endpoint` is missing or empty", since="v0.6.0")
declare("RM002", "port-invalid", E, "`port` is not a port number 1-65535", since="v0.7.0")
declare(
    "RM003", "oci-registry-empty", E, "an `ociNamespaces` entry has no `registry`", since="v0.13.0"
)
declare(
    "RM006", "unknown-key", E, "unknown or wrongly cased key", since="v0.6.0", fix="safe/unsafe"
)
declare(
    "RM007",
    "wrong-type",
    E,
    "value of the wrong type (e.g. a quoted boolean)",
    since="v0.6.0",
    fix="safe",
)
declare(
    "RM008",
    "port-not-string",
    W,
    "`port` written as a YAML integer",
    since="v0.7.0",
    fix="safe/unsafe",
)
declare(
    "RM029",
    "oci-namespace-missing",
    W,
    "an `ociNamespaces` entry has no `namespace` key",
    since="v0.13.0",
    fix="safe",
)

_GO_STRUCT = {(): "RegistryMirrorConfiguration", ("ociNamespaces",): "OCINamespace"}
_GO_TYPES = {"string": "string", "boolean": "bool", "array": "[]v1alpha1.OCINamespace",
             "object": "v1alpha1.OCINamespace"}  # fmt: skip
_BOOL_WORDS = {"true": "true", "yes": "true", "on": "true", "false": "false", "no": "false",
               "off": "false"}  # fmt: skip


def check_structure(check: Check) -> None:
    mirror = check.model.mirror
    key = check.model.mirror_key
    assert key is not None
    if mirror is None or is_null(mirror):
        return
    if not isinstance(mirror, MappingNode):
        check.emit(
            "RM007",
            f"json: cannot unmarshal {_json_type(mirror)} into Go struct field "
            "ClusterSpec.spec.registryMirrorConfiguration of type "
            "v1alpha1.RegistryMirrorConfiguration",
            check.span(mirror),
            pointer(),
        )
        return
    _all_unknown_keys(check, mirror)
    # An alias bomb never gets here (the analysis measures the graph first); should one,
    # ExpansionError reaches analyze(), which reports it.
    data = _canonical(known_data(check, mirror), ())
    for error in sorted(schema_store.mirror_errors(data), key=_error_order):
        _report(check, error)
    for variant in _overridden_variants(mirror):
        _variant_types(check, *variant)
    # An overridden spelling of the section itself is decoded too (EKS-A merges the two).
    for name, section in _overridden_variants(check.model.spec):
        if go_fold(name.value) == go_fold(key.value) and isinstance(section, MappingNode):
            _all_unknown_keys(check, section)
            for variant in items(section):
                _variant_types(check, *variant)


def _all_unknown_keys(check: Check, mirror: MappingNode) -> None:
    """RM006 for the keys of a mirror section and of every ``ociNamespaces`` entry in it."""
    _unknown_keys(check, mirror, ())
    for name, seq in items(mirror):
        if go_fold(name.value) == go_fold("ociNamespaces") and isinstance(seq, SequenceNode):
            for index, entry in enumerate(seq.value):
                if isinstance(entry, MappingNode) and index_known(check, ("", index)):
                    _unknown_keys(check, entry, ("ociNamespaces", index))


def _overridden_variants(mapping: Node | None) -> list[tuple[ScalarNode, Node]]:
    """Case variants of a key that another variant overrides (``get_item``). encoding/json
    still decodes each into the field and keeps the first error, so a wrong type in any of
    them fails the parse, even where the winning variant is right."""
    return [
        (key, value)
        for key, value in items(mapping)
        if (winner := get_item(mapping, key.value, fold_case=True)) is not None
        and winner[0] is not key
    ]


def _variant_types(check: Check, key: ScalarNode, value: Node) -> None:
    """RM007 (or RM008) for a wrongly typed value of an overridden variant: only the
    decoder's type errors, since EKS-A validates the decoded (winning) value alone."""
    lone = MappingNode("tag:yaml.org,2002:map", [(key, value)])
    data = _canonical(to_data(lone), ())
    for error in sorted(schema_store.mirror_errors(data), key=_error_order):
        path = list(error.absolute_path)
        node = node_at(lone, path)[1]
        if error.validator == "type" and path and node is not None:
            field = next((p for p in reversed(path) if isinstance(p, str)), "")
            _wrong_type(check, path, field, node, error)


def _error_order(error: SchemaFailure) -> tuple[str, str]:
    return (str(list(error.absolute_path)), str(error.validator))


def _canonical(data: Any, path: tuple[str, ...]) -> Any:
    """Case-fold keys onto the schema's names (as the CLI does) and drop null values."""
    if isinstance(data, list) and path == ("ociNamespaces",):
        return [_canonical(item, ("ociNamespaces",)) if isinstance(item, dict) else item
                for item in data]  # fmt: skip
    if not isinstance(data, dict):
        return data
    names = {go_fold(name): name for name in schema_store.property_names(path)}
    result: dict[str, Any] = {}
    spelled: dict[Any, str] = {}
    for key, value in data.items():
        if value is None:
            continue
        name = names.get(go_fold(key), key) if isinstance(key, str) else key
        if isinstance(key, str):
            if key < spelled.get(name, key):
                continue  # the spelling greatest in byte order wins, as in get_item
            spelled[name] = key
        sub = (*path, name) if name == "ociNamespaces" else path
        result[name] = _canonical(value, sub) if name == "ociNamespaces" else value
    return result


def _unknown_keys(check: Check, mapping: MappingNode, path: tuple[str | int, ...]) -> None:
    schema_path = tuple(p for p in path if isinstance(p, str))
    known = schema_store.property_names(schema_path)
    folded = {go_fold(name): name for name in known}
    for key, value in items(mapping):
        name = key.value
        if name in known:
            continue
        where = pointer(*path, name)
        if go_fold(name) in folded:
            right = folded[go_fold(name)]
            fix: Fix | None = Fix(
                f'Rename "{name}" to "{right}"', (check.replace(key, right),), safe=True
            )
            if any(k is not key and go_fold(k.value) == go_fold(name) for k, _ in items(mapping)):
                fix = None  # a rename would write the key twice, which EKS-A refuses
            check.emit(
                "RM006",
                f"{errors.unknown_field(name)}: key names are case-sensitive for kubectl and "
                f'GitOps, write "{right}" (only the eksctl CLI accepts any casing)',
                check.span(key),
                where,
                fix,
            )
        elif not report_credential(check, mapping, key, value, where):
            _unknown_key(check, key, known, where)


def _unknown_key(check: Check, key: ScalarNode, known: list[str], where: str) -> None:
    """RM006: an unknown key, with the closest known name as a hint and an unsafe fix."""
    name = key.value
    import difflib  # only an unknown key

    guess = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    hint = f' (did you mean "{guess[0]}"?)' if guess else ""
    fix = (
        Fix(f'Rename "{name}" to "{guess[0]}"', (check.replace(key, guess[0]),), safe=False)
        if guess
        else None
    )
    check.emit("RM006", errors.unknown_field(name) + hint, check.span(key), where, fix)


def _report(check: Check, error: SchemaFailure) -> None:
    path = list(error.absolute_path)
    mirror = check.model.mirror
    node = node_at(mirror, path)[1]
    field = next((p for p in reversed(path) if isinstance(p, str)), "")
    where = pointer(*path)
    validator = error.validator
    # additionalProperties: reported from the nodes by _unknown_keys, one finding per key; an
    # entry after a masked one: its index as written is unknown.
    if validator == "additionalProperties" or not index_known(check, path):
        return
    if validator == "required":
        required = [str(k) for k in error.validator_value]  # type: ignore[union-attr]
        present = error.instance if isinstance(error.instance, dict) else {}
        absent = [k for k in required if k not in present]
        report_missing(check, path, node, absent)
        return
    if node is None:
        return
    if validator == "type" and not isinstance(node, ScalarNode) and masked_inside(check, path):
        return  # a masked line inside it may have changed what it is
    span = check.span(node)
    if validator == "type":
        _wrong_type(check, path, field, node, error)
    elif field == "endpoint":
        if error.instance == "":
            check.emit("RM001", errors.NO_ENDPOINT, span, where)
        else:
            check_endpoint_shape(check, node, str(error.instance))
    elif field == "port":
        check.emit(
            "RM002",
            errors.invalid_port(error.instance),
            span,
            where,
        )
    elif field == "registry":
        if error.instance == "":
            check.emit("RM003", "registry can't be set to empty in OCINamespaces", span, where)
        else:
            check_registry_shape(check, node, str(error.instance), where)
    else:
        check.emit("RM007", f"{field or 'value'}: {error.message}", span, where)


def _json_type(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "object"
    if isinstance(node, SequenceNode):
        return "array"
    value = scalar_value(node) if isinstance(node, ScalarNode) else None
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    return "string"


def _wrong_type(
    check: Check, path: list[str | int], field: str, node: Node, error: SchemaFailure
) -> None:
    where = pointer(*path)
    span = check.span(node)
    expected = str(error.validator_value)
    value = scalar_value(node) if isinstance(node, ScalarNode) else None
    if (
        field == "port"
        and isinstance(node, ScalarNode)
        and isinstance(value, int)
        and not isinstance(value, bool)
    ):
        _integer_port(check, node, value, where)
        return
    schema_path = tuple(p for p in path if isinstance(p, str))
    struct = _GO_STRUCT.get(schema_path[:-1], "OCINamespace")
    dotted = ".".join(["spec.registryMirrorConfiguration", *schema_path])
    go_type = _GO_TYPES.get(expected, expected)
    message = (
        f"json: cannot unmarshal {_json_type(node)} into Go struct field "
        f"{struct}.{dotted} of type {go_type}"
    )
    fix = None
    if expected == "boolean" and isinstance(node, ScalarNode) and isinstance(value, str):
        word = _BOOL_WORDS.get(value.strip().lower())
        if word is not None:
            fix = Fix(f"Write {word} without quotes", (check.replace(node, word),), safe=True)
            message += f": write {word} without quotes"
    elif expected == "string" and isinstance(node, ScalarNode):
        message = (
            f"{field} is a YAML {_json_type(node)}: the eksctl CLI turns it into a string but "
            "the CRD type is string, so kubectl and GitOps reject it; quote it"
        )
        fix = Fix(f"Quote {field}", (check.replace(node, quote_like_double(node.value)),))
    check.emit("RM007", message, span, where, fix)


def quote_like_double(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _integer_port(check: Check, node: ScalarNode, value: int, where: str) -> None:
    written = node.value
    decimal = written.lstrip("+").isdigit() and not (len(written) > 1 and written.startswith("0"))
    if decimal:
        message = (
            f"port is written as the YAML integer {written}: the CRD type is string, so kubectl "
            f'and GitOps reject it (only the eksctl CLI converts it); quote it: "{written}"'
        )
        fix = Fix(f'Quote the port: "{written}"', (check.replace(node, f'"{written}"'),), safe=True)
    else:
        message = (
            f"port {written} is read by YAML 1.1 as the integer {value} "
            "(octal, hex or sexagesimal),"
            f' so EKS-A would use port "{value}"; quote it: "{written}"'
        )
        fix = Fix(
            f'Quote the port: "{written}"', (check.replace(node, f'"{written}"'),), safe=False
        )
    check.emit("RM008", message, check.span(node), where, fix)
    if not 1 <= value <= 65535:
        check.emit(
            "RM002",
            errors.invalid_port(value),
            check.span(node),
            where,
        )
