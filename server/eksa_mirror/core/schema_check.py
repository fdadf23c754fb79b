"""JSON Schema Draft 7 for the keywords the published mirror schema uses, without jsonschema.

``errors`` yields what jsonschema's ``iter_errors`` yields, in its order and with the fields
the rules read; ``supported`` says whether a schema keeps to these keywords (``type`` with one
of four names, ``properties``, ``required``, ``additionalProperties`` as a boolean, ``items``
as one schema, ``pattern``, ``minLength``). For any other schema jsonschema decides.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

#: Keywords that say nothing about validity (annotations, the editors' messages and snippets).
ANNOTATIONS = frozenset({
    "$schema", "$id", "title", "description", "markdownDescription", "default", "examples",
    "errorMessage", "patternErrorMessage", "defaultSnippets",
})  # fmt: skip
#: Draft 7's types as jsonschema checks them, for the four names this module knows.
TYPES: dict[str, type] = {"string": str, "boolean": bool, "array": list, "object": dict}
Path = tuple[str | int, ...]


class SchemaError:
    """One failure, named as jsonschema's ``ValidationError`` names it."""

    __slots__ = ("absolute_path", "instance", "message", "validator", "validator_value")

    def __init__(self, validator: str, value: Any, instance: Any, path: Path, message: str):
        self.validator, self.validator_value, self.instance = validator, value, instance
        self.absolute_path, self.message = path, message

    def __repr__(self) -> str:
        return f"<SchemaError {self.validator} at {list(self.absolute_path)}: {self.message}>"


def supported(schema: Any) -> bool:
    """Whether every keyword of ``schema`` (and of its subschemas) is one ``errors`` knows."""
    if not isinstance(schema, dict):
        return False
    checks: dict[str, Callable[[Any], bool]] = {
        "type": lambda v: isinstance(v, str) and v in TYPES,
        "properties": lambda v: isinstance(v, dict) and all(map(supported, v.values())),
        "required": lambda v: isinstance(v, list) and all(isinstance(n, str) for n in v),
        "additionalProperties": lambda v: isinstance(v, bool),
        "items": supported,
        "pattern": lambda v: isinstance(v, str),
        "minLength": lambda v: isinstance(v, int) and not isinstance(v, bool),
    }
    return all(
        key in ANNOTATIONS or (key in checks and checks[key](value))
        for key, value in schema.items()
    )


def errors(schema: dict[str, Any], data: Any, path: Path = ()) -> Iterator[SchemaError]:
    """``data``'s failures against a ``supported`` schema, in jsonschema's order."""
    for keyword, value in schema.items():
        if keyword == "type" and not isinstance(data, TYPES[value]):
            yield SchemaError("type", value, data, path, f"{data!r} is not of type {value!r}")
        elif keyword == "properties" and isinstance(data, dict):
            for name, subschema in value.items():
                if name in data:
                    yield from errors(subschema, data[name], (*path, name))
        elif keyword == "additionalProperties" and value is False and isinstance(data, dict):
            extra = [name for name in data if name not in schema.get("properties", {})]
            if extra:
                names = ", ".join(map(repr, extra))
                verb = "was" if len(extra) == 1 else "were"
                message = f"Additional properties are not allowed ({names} {verb} unexpected)"
                yield SchemaError("additionalProperties", value, data, path, message)
        elif keyword == "required" and isinstance(data, dict):
            for name in value:
                if name not in data:
                    message = f"{name!r} is a required property"
                    yield SchemaError("required", value, data, path, message)
        elif keyword == "items" and isinstance(data, list):
            for index, item in enumerate(data):
                yield from errors(value, item, (*path, index))
        elif keyword == "pattern" and isinstance(data, str) and not re.search(value, data):
            yield SchemaError("pattern", value, data, path, f"{data!r} does not match {value!r}")
        elif keyword == "minLength" and isinstance(data, str) and len(data) < value:
            yield SchemaError("minLength", value, data, path, f"{data!r} is too short")
