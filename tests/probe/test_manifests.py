"""``probe.manifests``: what a manifest answer says (index, image, chart, schema 1), the
references containerd accepts, and nothing but a ``Manifest`` or ``Broken`` whatever the
registry sends."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eksa_mirror.probe.manifests import (
    DOCKER_LIST,
    HELM_CONFIG,
    OCI_INDEX,
    OCI_MANIFEST,
    Manifest,
    config_platform,
    parse_manifest,
    split_reference,
)
from eksa_mirror.probe.parse import Broken

DIGEST = "sha256:" + "c" * 64


def body(data: object) -> bytes:
    return json.dumps(data).encode()


def entry(arch: str, os_name: str = "linux") -> dict[str, object]:
    return {"mediaType": OCI_MANIFEST, "digest": DIGEST, "size": 1,
            "platform": {"architecture": arch, "os": os_name}}  # fmt: skip


@pytest.mark.parametrize(
    ("data", "content_type", "expected"),
    [
        ({"mediaType": OCI_INDEX, "manifests": [entry("amd64"), entry("arm64")]}, "",
         Manifest(OCI_INDEX, "index", ("linux/amd64", "linux/arm64"))),
        ({"manifests": [entry("arm64"), {"digest": DIGEST}, entry("unknown", "unknown")]},
         DOCKER_LIST + "; charset=utf-8",
         Manifest(DOCKER_LIST, "index", ("linux/arm64", "unknown/unknown"))),
        ({"schemaVersion": 2, "config": {"mediaType": HELM_CONFIG, "digest": DIGEST}}, "",
         Manifest(OCI_MANIFEST, "image", (), DIGEST, HELM_CONFIG)),
        ({"schemaVersion": 1, "architecture": "amd64"}, "application/json",
         Manifest("application/json", "schema1", ("linux/amd64",))),
        ({"mediaType": "application/vnd.example+json"}, "",
         Manifest("application/vnd.example+json", "unknown")),
    ],
)  # fmt: skip
def test_manifest_kinds(data: object, content_type: str, expected: Manifest) -> None:
    assert parse_manifest(body(data), content_type) == expected


def test_a_chart_is_an_image_manifest_with_helm_config() -> None:
    chart = parse_manifest(body({"config": {"mediaType": HELM_CONFIG, "digest": DIGEST}}), "")
    assert chart.is_chart


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"{", "the manifest is not JSON"),
        (b"[]", "the manifest is not a JSON object"),
        (b"[" * 100_000, "the manifest is JSON nested too deeply"),
        (body({"mediaType": OCI_INDEX, "manifests": 3}), 'the index has no "manifests" list'),
        (body({"mediaType": OCI_MANIFEST}), 'the image manifest has no "config"'),
        (body({"config": {"digest": "sha256:../../etc"}}),
         "the image manifest's config digest is not a sha256 or sha512 digest"),
    ],
)  # fmt: skip
def test_broken_manifests(raw: bytes, message: str) -> None:
    with pytest.raises(Broken) as caught:
        parse_manifest(raw, "")
    assert str(caught.value) == message


def test_config_platform() -> None:
    assert config_platform(body({"architecture": "arm64", "os": "linux"})) == "linux/arm64"
    assert config_platform(body({"rootfs": {}})) == ""
    long = "x\n" * 100
    assert config_platform(body({"architecture": long, "os": "linux"})) == (
        "linux/" + "x?" * 19 + "x…"
    )


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("eks-anywhere/cli-tools:v0.26.1-eks-a-97", ("eks-anywhere/cli-tools", "v0.26.1-eks-a-97")),
        ("a/b@" + DIGEST, ("a/b", DIGEST)),
        ("a/b", ("a/b", "latest")),
        ("a__b/c.d-e:1", ("a__b/c.d-e", "1")),
    ],
)  # fmt: skip
def test_references_containerd_accepts(path: str, expected: tuple[str, str]) -> None:
    assert split_reference(path) == expected


@pytest.mark.parametrize(
    "path",
    ["A/b:1", "a//b:1", "a/b:", "a/b:-x", "a/b@sha256:xyz", "a b:1", "../x:1", "a/b:" + "x" * 129],
)
def test_references_containerd_refuses(path: str) -> None:
    with pytest.raises(Broken):
        split_reference(path)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400), st.text(max_size=40))
def test_any_bytes_are_a_manifest_or_broken(raw: bytes, content_type: str) -> None:
    try:
        found = parse_manifest(raw, content_type)
    except Broken:
        return
    assert isinstance(found, Manifest)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(
        ["mediaType", "manifests", "platform", "architecture", "os", "config", "digest",
         "schemaVersion", "x"]), inner, max_size=5),
    max_leaves=20,
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_any_json_is_a_manifest_or_broken(data: object) -> None:
    try:
        found = parse_manifest(body(data), "")
        config_platform(body(data))
    except Broken:
        return
    assert all(isinstance(p, str) for p in found.platforms)
