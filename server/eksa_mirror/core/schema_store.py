"""The published JSON Schemas, loaded once: validation, and field documentation by path.

``schema/`` is the single source of the structure and of each field's documentation.
The wheel carries the same files as ``eksa_mirror/schema``; a source checkout reads
them from the repository's ``schema/`` folder.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import referencing
import referencing.jsonschema
from jsonschema import Draft7Validator

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
    resources = []
    for name in (MIRROR_SCHEMA, CLUSTER_SCHEMA):
        contents = load(name)
        resource = referencing.jsonschema.DRAFT7.create_resource(contents)
        resources.append((contents["$id"], resource))
    return referencing.Registry().with_resources(resources)


@cache
def mirror_validator() -> Draft7Validator:
    return Draft7Validator(load(MIRROR_SCHEMA), registry=registry())


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
