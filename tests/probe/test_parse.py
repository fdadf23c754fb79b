"""The parsers of registry answers, fuzzed: any input gives data of the right shape or a
``Broken`` with a sentence, never another exception; the redactor never lets a secret by.

Named cases pin the behaviour a user sees; hypothesis covers the rest.
"""

from __future__ import annotations

import json
import urllib.parse

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eksa_mirror.probe.chain import parse_certificates
from eksa_mirror.probe.net import NetError, parse_response
from eksa_mirror.probe.parse import (
    MAX_HEADER,
    Broken,
    bearer_token,
    catalog_names,
    clean,
    next_link,
    parse_challenge,
)
from eksa_mirror.probe.redact import MASK, Redactor, basic_token

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
HEADERISH = st.text(alphabet=st.sampled_from('<>;,="\\ \trelnxt/:?&aB1é\x00'), max_size=300)


# --------------------------------------------------------------------------- named cases


def test_challenge_quoted_escaped_and_bare() -> None:
    challenge = parse_challenge(
        'Bearer realm="https://r/t?a=1,b=2",service=harbor,scope="a\\"b", junk'
    )
    assert challenge is not None
    assert (challenge.scheme, challenge.params) == (
        "bearer",
        {"realm": "https://r/t?a=1,b=2", "service": "harbor", "scope": 'a"b'},
    )
    assert challenge.describe() == "Bearer token from https://r/t?a=1,b=2"


def test_challenge_too_long_is_broken() -> None:
    try:
        parse_challenge("Basic " + "a" * MAX_HEADER)
    except Broken as exc:
        assert str(exc) == f"the WWW-Authenticate header is {MAX_HEADER + 6} characters long"
    else:
        raise AssertionError("no Broken")


def test_next_link_forms() -> None:
    assert next_link(['</v2/_catalog?n=2&last=b>; rel="next"']) == "/v2/_catalog?n=2&last=b"
    assert next_link(['<https://a/x,y>; rel="prev", </n>; rel=next']) == "/n"
    assert next_link(['</a>; rel="prev next"']) == "/a"
    assert next_link(['</a>; rel="prev"']) == ""
    assert next_link([]) == ""


def test_catalog_and_token_shapes() -> None:
    assert catalog_names(b'{"repositories": ["a/b"], "x": 1}') == ["a/b"]
    assert catalog_names(b'{"repositories": null}') == []
    assert bearer_token(b'{"access_token": "abc.DEF-_~+/="}', "r") == "abc.DEF-_~+/="


def test_clean_makes_one_bounded_line() -> None:
    assert clean("a\r\nb\x1b[31m") == "a??b?[31m"
    assert clean("x" * 300, 10) == "xxxxxxxxx…"


def test_redactor_forms() -> None:
    password = 'p@ss "wörd"/+1'
    redact = Redactor.for_credentials(
        {"REGISTRY_USERNAME": "u", "REGISTRY_PASSWORD": password},
        "REGISTRY_USERNAME",
        "REGISTRY_PASSWORD",
    )
    token = basic_token("u", password)
    for form in (
        password,
        urllib.parse.quote(password, safe=""),
        urllib.parse.quote_plus(password),
        json.dumps(password)[1:-1],
        token,
        token.rstrip("="),
        urllib.parse.quote(token, safe=""),
    ):
        assert redact(f"x {form} y") == f"x {MASK} y"
    assert redact("x " + password[:9] + "…") == f"x {MASK}…"
    assert redact("nothing secret") == "nothing secret"


# --------------------------------------------------------------------------- fuzz


@FUZZ
@given(HEADERISH | st.text(max_size=400))
def test_challenge_never_raises_anything_else(header: str) -> None:
    try:
        challenge = parse_challenge(header)
    except Broken:
        return
    if challenge is not None:
        assert all(isinstance(v, str) for v in challenge.params.values())
        assert "\n" not in challenge.describe()


@FUZZ
@given(st.lists(HEADERISH | st.text(max_size=200), max_size=4))
def test_next_link_never_raises_anything_else(values: list[str]) -> None:
    try:
        target = next_link(values)
    except Broken:
        return
    assert isinstance(target, str)


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner),
    max_leaves=20,
)


@FUZZ
@given(
    st.one_of(
        st.binary(max_size=300),
        JSONISH.map(lambda v: json.dumps(v).encode()),
        JSONISH.map(lambda v: json.dumps({"repositories": v}).encode()),
        st.integers(1, 5000).map(lambda n: b"[" * n),
    )
)
def test_catalog_names_never_raise_anything_else(body: bytes) -> None:
    try:
        names = catalog_names(body)
    except Broken as exc:
        assert str(exc)
        return
    assert all(isinstance(name, str) for name in names)


@FUZZ
@given(
    st.one_of(
        st.binary(max_size=200),
        JSONISH.map(lambda v: json.dumps({"token": v}).encode()),
        st.text(max_size=50).map(lambda t: json.dumps({"access_token": t}).encode()),
    )
)
def test_bearer_token_is_sendable_or_broken(body: bytes) -> None:
    try:
        token = bearer_token(body, "https://r/token")
    except Broken:
        return
    assert token and all("!" <= ch <= "~" for ch in token)


@FUZZ
@given(st.binary(max_size=600))
def test_http_parse_gives_a_response_or_net_error(raw: bytes) -> None:
    try:
        response = parse_response(b"HTTP/1.1 200 OK\r\n" + raw)
    except NetError as exc:
        assert exc.kind == "http"
        return
    assert isinstance(response.body, bytes)


@FUZZ
@given(st.binary(max_size=600))
def test_served_chain_parser_never_raises(records: bytes) -> None:
    found = parse_certificates(records)
    assert found is None or all(isinstance(c, bytes) for c in found)


SECRET_CHARS = st.sampled_from("ABCXYZé!@#$%^&*()[]{}:;'\"<>?/\\|~`+= ")
AROUND = st.text(alphabet=st.sampled_from("0123456789 ."), max_size=60)


@FUZZ
@given(
    st.text(alphabet=SECRET_CHARS, min_size=4, max_size=30),
    AROUND,
    AROUND,
    st.sampled_from(["plain", "quoted", "plus", "json", "basic", "unpadded", "cut"]),
)
def test_redactor_never_lets_the_password_by(
    password: str, before: str, after: str, form: str
) -> None:
    redact = Redactor.for_credentials(
        {"REGISTRY_USERNAME": "user", "REGISTRY_PASSWORD": password},
        "REGISTRY_USERNAME",
        "REGISTRY_PASSWORD",
    )
    token = basic_token("user", password)
    shown = {
        "plain": password,
        "quoted": urllib.parse.quote(password, safe=""),
        "plus": urllib.parse.quote_plus(password),
        "json": json.dumps(password)[1:-1],
        "basic": token,
        "unpadded": token.rstrip("="),
        "cut": password[: max(4, len(password) - 1)],
    }[form]
    tail = "…" if form == "cut" else after
    out = redact(before + shown + tail)
    assert shown not in out
    assert MASK in out
