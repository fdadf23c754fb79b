"""``schema_store.conforms``: the mirror schema's own keywords decide a section without
jsonschema, and they decide it exactly as jsonschema (Draft 7) does, so ``validate`` loads
jsonschema only for a section that has schema findings."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eksa_mirror.core import schema_store

SCHEMA = schema_store.load(schema_store.MIRROR_SCHEMA)

_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-1, 70000),
    st.sampled_from(["", "443", "+443", "0", "65536", "r.local", "10.0.0.1", "[::1]", "::1",
                     "https://r", "r.local:5000", "a b", "public.ecr.aws", "-x", "x.", "é"]),
    st.text(alphabet="ab.-:[]/ 09", max_size=8),
)  # fmt: skip
_ENTRY = st.dictionaries(
    st.sampled_from(["registry", "namespace", "Registry", "extra"]), _SCALARS, max_size=3
)
_VALUES = st.one_of(_SCALARS, st.lists(st.one_of(_ENTRY, _SCALARS), max_size=3), _ENTRY)
_SECTION = st.dictionaries(
    st.sampled_from([*SCHEMA["properties"], "extra", "Port"]), _VALUES, max_size=7
)


def jsonschema_valid(data: Any) -> bool:
    return not list(schema_store.mirror_validator().iter_errors(data))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(_SECTION, _VALUES))
def test_conforms_is_jsonschemas_verdict(data: Any) -> None:
    assert schema_store.conforms(SCHEMA, data) == jsonschema_valid(data)


VALID = {"endpoint": "r.local", "port": "5000", "authenticate": True, "caCertContent": "x",
         "insecureSkipVerify": False,
         "ociNamespaces": [{"registry": "public.ecr.aws", "namespace": ""}]}  # fmt: skip


@pytest.mark.parametrize(
    ("change", "valid"),
    [
        ({}, True),
        ({"port": ""}, True),  # empty: EKS-A's default 443
        ({"port": 443}, False),  # an integer
        ({"port": "65536"}, False),
        ({"endpoint": ""}, False),  # minLength
        ({"endpoint": "https://r.local"}, False),  # pattern
        ({"authenticate": "true"}, False),  # a quoted boolean
        ({"ociNamespaces": [{"registry": "public.ecr.aws"}]}, False),  # required namespace
        ({"ociNamespaces": [{"registry": "r", "namespace": "", "x": 1}]}, False),
        ({"extra": 1}, False),  # additionalProperties
    ],
)
def test_examples(change: dict[str, Any], valid: bool) -> None:
    data = {**VALID, **change}
    assert (schema_store.conforms(SCHEMA, data), jsonschema_valid(data)) == (valid, valid)
    assert bool(list(schema_store.mirror_errors(data))) is not valid


@pytest.mark.parametrize(
    ("schema", "data"),
    [
        ({"enum": ["a"]}, "a"),  # a keyword it does not know
        ({"type": "integer"}, 1),  # a type it does not know
        ({"type": ["string", "null"]}, "a"),  # a list of types
        ({"additionalProperties": {"type": "string"}}, {"a": "b"}),  # a schema, not false
    ],
)
def test_what_it_does_not_know_is_left_to_jsonschema(schema: dict[str, Any], data: Any) -> None:
    assert schema_store.conforms(schema, data) is False
