"""The published JSON Schemas, loaded once: validation, and field documentation by path.

``schema/`` is the single source of the structure and of each field's documentation (the
wheel carries it as ``eksa_mirror/schema``). jsonschema is imported only for data the
schema's own keywords (``conforms``) cannot pass: a valid section never loads it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import referencing
    from jsonschema import Draft7Validator, ValidationError

MIRROR_SCHEMA = "registry-mirror-configuration.schema.json"
CLUSTER_SCHEMA = "eksa-cluster.schema.json"


def schema_dir() -> Path:
    """Where the schema files are: inside the installed package, else the repository."""
    package = Path(__file__).resolve().parents[1]  # eksa_mirror/, above core/
    packaged = package / "schema"
    if (packaged / MIRROR_SCHEMA).is_file():
        return packaged
    return package.parents[1] / "schema"


@cache
def load(name: str) -> dict[str, Any]:
    with (schema_dir() / name).open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def schema_text(name: str) -> str:
    return (schema_dir() / name).read_text(encoding="utf-8")


@cache
def registry() -> referencing.Registry[Any]:
    """Both schemas by their ``$id``: ``$ref`` resolves locally, never over the network."""
    import referencing
    import referencing.jsonschema

    resources = []
    for name in (MIRROR_SCHEMA, CLUSTER_SCHEMA):
        contents = load(name)
        resource = referencing.jsonschema.DRAFT7.create_resource(contents)
        resources.append((contents["$id"], resource))
    return referencing.Registry().with_resources(resources)


@cache
def mirror_validator() -> Draft7Validator:
    from jsonschema import Draft7Validator

    return Draft7Validator(load(MIRROR_SCHEMA), registry=registry())


def mirror_errors(data: Any) -> Iterator[ValidationError]:
    """The mirror schema's errors for ``data`` (none, without jsonschema, when it conforms)."""
    if conforms(load(MIRROR_SCHEMA), data):
        return iter(())
    return mirror_validator().iter_errors(data)


#: Keywords that say nothing about validity (annotations, the editors' messages and snippets).
_ANNOTATIONS = frozenset({
    "$schema", "$id", "title", "description", "markdownDescription", "default", "examples",
    "errorMessage", "patternErrorMessage", "defaultSnippets",
})  # fmt: skip
_TYPES: dict[str, type | tuple[type, ...]] = {
    "string": str, "boolean": bool, "array": list, "object": dict,
}  # fmt: skip


def conforms(schema: dict[str, Any], data: Any) -> bool:
    """True only if ``data`` certainly satisfies ``schema`` as Draft 7 reads it. It knows
    ``type`` (string, boolean, array, object), ``properties``, ``required``,
    ``additionalProperties: false``, ``items``, ``pattern`` and ``minLength``; any other
    keyword, or any doubt, is False, and jsonschema decides."""
    for keyword, value in schema.items():
        if keyword in _ANNOTATIONS:
            continue
        if not _keyword_holds(keyword, value, schema, data):
            return False
    return True


def _keyword_holds(keyword: str, value: Any, schema: dict[str, Any], data: Any) -> bool:
    if keyword == "type":
        kind = _TYPES.get(value) if isinstance(value, str) else None
        return kind is not None and isinstance(data, kind)
    if keyword in ("pattern", "minLength"):  # Draft 7: they apply to strings only
        if not isinstance(data, str):
            return True
        if keyword == "minLength":
            return isinstance(value, int) and len(data) >= value
        return re.search(value, data) is not None
    if keyword in ("properties", "required", "additionalProperties"):
        if not isinstance(data, dict):
            return True
        props = schema.get("properties", {})
        if keyword == "properties":
            return all(conforms(props[k], v) for k, v in data.items() if k in props)
        if keyword == "required":
            return all(name in data for name in value)
        return value is True or (value is False and all(k in props for k in data))
    if keyword == "items":
        return not isinstance(data, list) or (
            isinstance(value, dict) and all(conforms(value, item) for item in data)
        )
    return False


def property_schema(path: tuple[str, ...]) -> dict[str, Any] | None:
    """The mirror schema of a field, e.g. ``("ociNamespaces", "registry")``; ``()`` is the root.

    Array levels are stepped through implicitly: ``ociNamespaces`` → its ``items``.
    """
    node: dict[str, Any] = load(MIRROR_SCHEMA)
    for key in path:
        if node.get("type") == "array" and "items" in node:
            node = node["items"]
        props = node.get("properties", {})
        if key not in props:
            return None
        node = props[key]
    return node


def property_names(path: tuple[str, ...]) -> list[str]:
    """The keys allowed in the object at ``path`` (``()``: the mirror section)."""
    node = property_schema(path)
    if node is None:
        return []
    if node.get("type") == "array" and "items" in node:
        node = node["items"]
    return list(node.get("properties", {}))


def documentation(path: tuple[str, ...]) -> str:
    """Markdown documentation of a field, exactly as the published schema has it."""
    node = property_schema(path)
    if node is None:
        return ""
    return str(node.get("markdownDescription") or node.get("description") or "")
