"""``core.schema_check``: the mirror schema checked without jsonschema, with jsonschema
(Draft 7) as the judge: the same errors (keyword, path, value, keyword's value) in the same
order for any section, so ``validate`` never needs to import jsonschema for this schema."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eksa_mirror.core import schema_check, schema_store

SCHEMA = schema_store.load(schema_store.MIRROR_SCHEMA)
PORT = SCHEMA["properties"]["port"]["pattern"]
ENDPOINT = SCHEMA["properties"]["endpoint"]["pattern"]

_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-1, 70000),
    st.sampled_from(["", "443", "+443", "0", "65536", "r.local", "10.0.0.1", "[::1]", "::1",
                     "https://r", "r.local:5000", "a b", "public.ecr.aws", "-x", "x.", "é",
                     "r\n"]),
    st.text(alphabet="ab.-:[]/ 09\n", max_size=8),
)  # fmt: skip
_ENTRY = st.dictionaries(
    st.sampled_from(["registry", "namespace", "Registry", "extra"]), _SCALARS, max_size=3
)
_VALUES = st.one_of(_SCALARS, st.lists(st.one_of(_ENTRY, _SCALARS), max_size=3), _ENTRY)
_SECTION = st.dictionaries(
    st.sampled_from([*SCHEMA["properties"], "extra", "Port"]), _VALUES, max_size=7
)


def named(errors: Any) -> list[tuple[str, list[str | int], Any, Any]]:
    return [(e.validator, list(e.absolute_path), e.instance, e.validator_value) for e in errors]


def jsonschema_errors(data: Any) -> list[tuple[str, list[str | int], Any, Any]]:
    return named(schema_store.mirror_validator().iter_errors(data))


def test_the_published_schema_keeps_to_the_known_keywords() -> None:
    assert schema_check.supported(SCHEMA)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(_SECTION, _VALUES))
def test_the_same_errors_as_jsonschema(data: Any) -> None:
    assert named(schema_check.errors(SCHEMA, data)) == jsonschema_errors(data)


VALID = {"endpoint": "r.local", "port": "5000", "authenticate": True, "caCertContent": "x",
         "insecureSkipVerify": False,
         "ociNamespaces": [{"registry": "public.ecr.aws", "namespace": ""}]}  # fmt: skip


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({}, []),
        ({"port": ""}, []),  # empty: EKS-A's default 443
        ({"port": 443}, [("type", ["port"], 443, "string")]),
        ({"port": "65536"}, [("pattern", ["port"], "65536", PORT)]),
        ({"endpoint": ""}, [("minLength", ["endpoint"], "", 1),
                            ("pattern", ["endpoint"], "", ENDPOINT)]),
        ({"authenticate": "true"}, [("type", ["authenticate"], "true", "boolean")]),
        ({"ociNamespaces": [{"registry": "r"}, {"namespace": ""}]},
         [("required", ["ociNamespaces", 0], {"registry": "r"}, ["registry", "namespace"]),
          ("required", ["ociNamespaces", 1], {"namespace": ""}, ["registry", "namespace"])]),
        ({"extra": 1}, [("additionalProperties", [], {**VALID, "extra": 1}, False)]),
    ],
    ids=["valid", "empty-port", "integer-port", "port-range", "empty-endpoint", "quoted-bool",
         "entries-missing-keys", "unknown-key"],
)  # fmt: skip
def test_examples(change: dict[str, Any], expected: list[Any]) -> None:
    data = {**VALID, **change}
    assert named(schema_check.errors(SCHEMA, data)) == jsonschema_errors(data) == expected
    assert named(schema_store.mirror_errors(data)) == expected


@pytest.mark.parametrize(
    "schema",
    [
        {"enum": ["a"]},  # a keyword it does not know
        {"type": "integer"},  # a type it does not know
        {"type": ["string", "null"]},  # a list of types
        {"additionalProperties": {"type": "string"}},  # a schema, not a boolean
        {"items": [{"type": "string"}]},  # items as a list (tuple validation)
        {"properties": {"a": {"format": "uri"}}},  # an unknown keyword deeper down
    ],
)
def test_other_schemas_are_left_to_jsonschema(schema: dict[str, Any]) -> None:
    assert not schema_check.supported(schema)
