"""The published JSON Schemas, loaded once: validation, and field documentation by path.

``schema/`` is the single source of the structure and of each field's documentation (the
wheel carries it as ``eksa_mirror/schema``). The mirror section is checked by ``schema_check``
(its keywords, without jsonschema); jsonschema only if the schema ever uses others.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eksa_mirror.core import schema_check
from eksa_mirror.core.schema_check import SchemaError

if TYPE_CHECKING:
    import referencing
    from jsonschema import Draft7Validator, ValidationError

    #: A failure as the rules read it: ``schema_check``'s, or jsonschema's own.
    SchemaFailure = SchemaError | ValidationError

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


def mirror_errors(data: Any) -> Iterator[SchemaFailure]:
    """The mirror schema's errors for ``data``: from ``schema_check`` while the schema keeps to
    the keywords it knows (jsonschema is then never imported), else from jsonschema."""
    schema = load(MIRROR_SCHEMA)
    if _keeps_to_schema_check(MIRROR_SCHEMA):
        return schema_check.errors(schema, data)
    return mirror_validator().iter_errors(data)


@cache
def _keeps_to_schema_check(name: str) -> bool:
    return schema_check.supported(load(name))


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
