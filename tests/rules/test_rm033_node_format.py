"""RM033 (v0.24.0-v0.25.2 hosts.toml without override_path) and RM010's account of the
machines that only get the ``public.ecr.aws`` mirror."""

from __future__ import annotations

from typing import Any

import pytest

from support import cluster

from .helpers import E, W, body_span, expect, findings, one

BODY = """\
endpoint: r.local
ociNamespaces:
  - registry: public.ecr.aws
    namespace: eks-anywhere
  - registry: docker.io
    namespace: ""
  - registry: quay.io
    namespace: /"""


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ("v0.23.7", []),  # legacy registry.mirrors tables: the endpoint path is used as is
        ("v0.24.0", [("RM033", E, body_span(3, 15, 27))]),
        ("v0.25.2", [("RM033", E, body_span(3, 15, 27))]),
        ("v0.25.3", []),  # override_path = true (aws/eks-anywhere#10779)
        ("v0.26.0", []),
    ],
)
def test_rm033_only_for_v024_to_v0252(version: str, expected: list[Any]) -> None:
    # "" and "/" join to the endpoint itself: no namespace, no double /v2/ (RM013 for "/").
    rm013 = ("RM013", W, body_span(7, 15, 16))
    expect(cluster(BODY), [*expected, rm013], eksa_version=version)


def test_rm033_message_names_the_request() -> None:
    found = findings(cluster(BODY), eksa_version="v0.25.2")
    assert one(found, "RM033").message == (
        "EKS Anywhere v0.25.2 writes hosts.toml without override_path: containerd adds /v2 to"
        " the host https://r.local:443/v2/eks-anywhere, asks the mirror for"
        " /v2/eks-anywhere/v2/<repo>/manifests/<tag> and gets 404 on Ubuntu/RHEL nodes;"
        ' fixed in v0.25.3 and v0.26.0 (or use namespace "" for this registry)'
    )


@pytest.mark.parametrize(
    ("mirror", "host"),
    [
        ("endpoint: r.local", "r.local:443"),
        ('endpoint: r.local\nport: "5000"', "r.local:5000"),
        ('endpoint: "fd00::1"\nport: "5000"', "[fd00::1]:5000"),
    ],
    ids=["default-port", "port", "ipv6"],
)
def test_rm033_names_the_host_as_net_join_host_port(mirror: str, host: str) -> None:
    body = mirror + "\nociNamespaces:\n  - registry: public.ecr.aws\n    namespace: eks-anywhere"
    message = one(findings(cluster(body), eksa_version="v0.25.2"), "RM033").message
    assert f" the host https://{host}/v2/eks-anywhere, asks " in message


def test_rm033_spec_eksa_version_wins_and_bottlerocket_is_not_affected() -> None:
    text = cluster(BODY).replace("spec:\n", "spec:\n  eksaVersion: v0.24.1\n", 1)
    assert sorted(f.code for f in findings(text, eksa_version="v0.26.1")) == ["RM013", "RM033"]
    all_br = cluster(BODY, cp="bottlerocket", md="bottlerocket")
    assert "RM033" not in [f.code for f in findings(all_br, eksa_version="v0.24.1")]


# --- RM010: what the missing public.ecr.aws mapping does -----------------------------------

NO_PUBLIC = 'endpoint: r.local\nociNamespaces:\n  - registry: docker.io\n    namespace: ""'
RM010_BASE = (
    "ociNamespaces does not map public.ecr.aws: when ociNamespaces is set, every mirrored "
    "registry must be listed, including public.ecr.aws, or the EKS Anywhere images are "
    "pulled from the internet"
)
ETCD = (
    "  externalEtcdConfiguration:\n    count: 3\n    machineGroupRef:\n"
    "      kind: VSphereMachineConfig\n      name: cp\n"
)


def rm010(text: str, version: str = "") -> str:
    return one(findings(text, eksa_version=version), "RM010").message


def test_rm010_vsphere_ubuntu_without_etcd_says_nothing_of_v2() -> None:
    expect(cluster(NO_PUBLIC), [("RM010", W, body_span(1, 0, 13))])
    assert rm010(cluster(NO_PUBLIC)) == RM010_BASE


def test_rm010_tinkerbell_bottlerocket_gets_v2() -> None:
    text = cluster(NO_PUBLIC, provider="tinkerbell", cp="bottlerocket", md="bottlerocket")
    assert rm010(text) == RM010_BASE + (
        "; the Bottlerocket nodes get the mirror endpoint `v2` (EKS-A's ToAPIEndpoint of the "
        "missing mirror), which names a host `v2`, so their image pulls fail"
    )


def test_rm010_external_etcd_before_v0253_gets_an_empty_endpoint() -> None:
    text = cluster(NO_PUBLIC).replace(
        "  registryMirrorConfiguration:\n", ETCD + "  registryMirrorConfiguration:\n"
    )
    assert rm010(text, "v0.25.2") == RM010_BASE + (
        "; the external etcd machines get an empty mirror endpoint, so no mirror at all"
    )
    assert rm010(text).endswith(
        "; the external etcd machines get the mirror endpoint `v2` "
        "(EKS-A's ToAPIEndpoint of the missing mirror), which names a "
        "host `v2`, so their image pulls fail"
    )


def test_rm013_dotdot_names_the_mirror_filepath_join_makes() -> None:
    # filepath.Join("r.local:443", "../escape") is "escape": a different host, not a path.
    body = (
        "endpoint: r.local\nociNamespaces:\n  - registry: public.ecr.aws\n    namespace: ../escape"
    )
    assert one(findings(cluster(body)), "RM013").message == (
        'namespace "../escape" contains ".." (it climbs out of the endpoint): EKS-A passes it'
        ' through filepath.Join, which makes the mirror "escape": nodes pull from'
        " https://escape/v2"
    )
