"""Cross-document rules and flags: RM005 RM016 RM017 RM018 RM019 RM020 RM022.

The Cluster's datacenter kind and the ``osFamily`` of the machine configs it references
(in other documents of the same file) decide these findings.
"""

from __future__ import annotations

from typing import Any

import pytest

from support import cluster

from .helpers import INFO, MIRROR_KEY, E, W, body_span, expect, findings, one

INSECURE = "endpoint: x\ninsecureSkipVerify: true"
RM019 = ("RM019", W, body_span(1, 20, 24))
RM005 = ("RM005", E, body_span(1, 20, 24))
MAPPINGS = (
    'endpoint: x\nociNamespaces:\n  - registry: public.ecr.aws\n    namespace: ""\n'
    "  - registry: docker.io\n    namespace: hub"
)
RM018 = ("RM018", W, body_span(4, 14, 23))


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        pytest.param({"md": None}, [RM005], id="vsphere-missing-osfamily-is-bottlerocket"),
        pytest.param({"md": "bottlerocket"}, [RM005], id="vsphere-bottlerocket"),
        pytest.param({"cp": "ubuntu", "md": "redhat"}, [RM019], id="vsphere-ubuntu-redhat-ok"),
        pytest.param({"provider": "snow", "cp": "bottlerocket"}, [RM005], id="snow-br"),
        pytest.param({"provider": "snow"}, [RM019], id="snow-ubuntu"),
        pytest.param({"provider": "tinkerbell", "md": "bottlerocket"}, [RM005],
                     id="tinkerbell-br"),
        pytest.param({"provider": "nutanix", "cp": None, "md": None}, [RM019],
                     id="nutanix-default-ubuntu"),
        pytest.param({"provider": "cloudstack", "cp": None, "md": None},
                     [RM019, ("RM020", INFO, MIRROR_KEY)], id="cloudstack-no-osfamily"),
        pytest.param({"provider": "docker"}, [RM019, ("RM020", INFO, MIRROR_KEY)],
                     id="docker-no-machines"),
    ],
)  # fmt: skip
def test_insecure_skip_verify(kwargs: dict[str, Any], expected: list[Any]) -> None:
    found = expect(cluster(INSECURE, **kwargs), expected)
    if any(code == "RM005" for code, _, _ in expected):
        assert one(found, "RM005").message.startswith(
            "InsecureSkipVerify is not supported for bottlerocket"
        )
    if any(code == "RM019" for code, _, _ in expected):
        assert one(found, "RM019").message.startswith(
            "Warning: skip registry certificate verification is enabled"
        )


def test_rm005_replaces_the_rm019_warning_unless_ignored() -> None:
    """One cause, one finding: RM005 already says the flag must go on Bottlerocket. Ignoring
    RM005 brings back the security warning, which is still true."""
    text = cluster(INSECURE, md="bottlerocket")
    expect(text, [RM005])
    expect(text, [RM019], ignore=frozenset({"RM005"}))


def test_rm005_names_the_machine_and_the_default() -> None:
    message = one(findings(cluster(INSECURE, md=None)), "RM005").message
    assert "VSphereMachineConfig md has no osFamily, which defaults to bottlerocket" in message
    message = one(findings(cluster(INSECURE, provider="snow", cp="bottlerocket")), "RM005").message
    assert "SnowMachineConfig cp has osFamily: bottlerocket" in message


def test_insecure_false_is_quiet() -> None:
    expect(cluster("endpoint: x\ninsecureSkipVerify: false", md="bottlerocket"), [])


def test_unresolved_machine_ref_is_not_guessed() -> None:
    """A machineGroupRef without its document in the file: no OS is assumed."""
    text = cluster(INSECURE, md=None)
    text = text[: text.rindex("---")]  # drop the worker machine config
    expect(text, [RM019])


def test_rm019_one_finding_when_ca_is_given_too(pems: Any) -> None:
    escaped = pems.good.strip().replace("\n", "\\n")
    body = f'endpoint: x\ninsecureSkipVerify: true\ncaCertContent: "{escaped}"'
    found = expect(cluster(body), [RM019])
    assert one(found, "RM019").message == (
        "Warning: skip registry certificate verification is enabled: nodes accept any "
        "certificate from the mirror, and the caCertContent given is not used to verify it "
        "(containerd gets skip_verify = true). Only use this for isolated testing or a tightly "
        "controlled air-gapped environment; remove it to verify with the caCertContent given"
    )


# --- authenticate -------------------------------------------------------------------------

AUTH = "endpoint: x\nauthenticate: true"
RM016_INFO = ("RM016", INFO, body_span(1, 14, 18))


@pytest.mark.parametrize(
    ("provider", "expected"),
    [
        ("vsphere", [RM016_INFO]),
        ("nutanix", [RM016_INFO]),
        ("tinkerbell", [RM016_INFO]),
        ("snow", [RM016_INFO, ("RM017", W, body_span(1, 14, 18))]),
        (
            "cloudstack",
            [RM016_INFO, ("RM017", W, body_span(1, 14, 18)), ("RM020", INFO, MIRROR_KEY)],
        ),
    ],
)
def test_authenticate(provider: str, expected: list[Any]) -> None:
    found = expect(cluster(AUTH, provider=provider), expected)
    assert "REGISTRY_USERNAME and REGISTRY_PASSWORD" in one(found, "RM016").message
    if provider == "snow":
        assert "no effect on Snow's Ubuntu nodes (SnowMachineConfig cp is ubuntu)" in (
            one(found, "RM017").message
        )


def test_authenticate_on_snow_bottlerocket_has_effect() -> None:
    """CAPI's Bottlerocket bootstrap writes the credentials on Snow too: no RM017."""
    expect(cluster(AUTH, provider="snow", cp="bottlerocket", md="bottlerocket"), [RM016_INFO])


def test_authenticate_on_snow_with_one_ubuntu_worker_group() -> None:
    """One Ubuntu worker group is enough for the warning: those nodes get no credentials."""
    found = expect(
        cluster(AUTH, provider="snow", cp="bottlerocket", md="ubuntu"),
        [RM016_INFO, ("RM017", W, body_span(1, 14, 18))],
    )
    assert "no effect on Snow's Ubuntu nodes (SnowMachineConfig md is ubuntu)" in (
        one(found, "RM017").message
    )


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        pytest.param({}, ["REGISTRY_USERNAME", "REGISTRY_PASSWORD"], id="none-set"),
        pytest.param({"REGISTRY_USERNAME": "u"}, ["REGISTRY_PASSWORD"], id="password-unset"),
        pytest.param({"REGISTRY_USERNAME": "", "REGISTRY_PASSWORD": ""}, [],
                     id="set-but-empty-passes-like-eksa"),
    ],
)  # fmt: skip
def test_authenticate_check_env(env: dict[str, str], missing: list[str]) -> None:
    found = expect(
        cluster(AUTH),
        [("RM016", E, body_span(1, 14, 18)) for _ in missing],
        check_env=True,
        env=env,
    )
    assert [f.message for f in found] == [
        f"please set {name} env var (authenticate: true)" for name in missing
    ]


def test_authenticate_false_is_quiet() -> None:
    expect(cluster("endpoint: x\nauthenticate: false", provider="snow"), [])


# --- Bottlerocket mappings, providers, Tinkerbell images ----------------------------------


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        pytest.param({"provider": "tinkerbell", "cp": "bottlerocket"}, [RM018], id="tinkerbell-br"),
        pytest.param({"provider": "snow", "md": "bottlerocket"}, [RM018], id="snow-br"),
        pytest.param({"provider": "tinkerbell"}, [], id="tinkerbell-ubuntu"),
        pytest.param({"provider": "vsphere", "md": "bottlerocket"}, [],
                     id="vsphere-br-since-v0.20"),
    ],
)  # fmt: skip
def test_rm018(kwargs: dict[str, Any], expected: list[Any]) -> None:
    found = expect(cluster(MAPPINGS, **kwargs), expected)
    if expected:
        assert '"docker.io" is ignored' in found[0].message


def test_rm018_public_only_is_fine() -> None:
    body = 'endpoint: x\nociNamespaces:\n  - registry: public.ecr.aws\n    namespace: ""'
    expect(cluster(body, provider="tinkerbell", cp="bottlerocket"), [])


@pytest.mark.parametrize(
    ("provider", "expected", "words"),
    [
        ("vsphere", [], ""),
        ("nutanix", [], ""),
        ("snow", [], ""),
        ("tinkerbell", [], ""),
        ("docker", [("RM020", INFO, MIRROR_KEY)], "Docker is a development provider"),
        ("cloudstack", [("RM020", INFO, MIRROR_KEY)], "CloudStack is deprecated"),
    ],
)
def test_rm020(provider: str, expected: list[Any], words: str) -> None:
    found = expect(cluster("endpoint: x", provider=provider), expected)
    for finding in found:
        assert words in finding.message


@pytest.mark.parametrize(
    ("datacenter", "machine_image", "missing"),
    [
        pytest.param("tinkerbellIP: 10.0.0.9", False, "hookImagesURLPath and osImageURL",
                     id="both-missing"),
        pytest.param("tinkerbellIP: 10.0.0.9\nosImageURL: http://o", False, "hookImagesURLPath",
                     id="hook-missing"),
        pytest.param("tinkerbellIP: 10.0.0.9\nhookImagesURLPath: http://h", False, "osImageURL",
                     id="os-image-missing"),
        pytest.param("tinkerbellIP: 10.0.0.9\nhookImagesURLPath: http://h", True, None,
                     id="os-image-on-machine-config"),
        pytest.param("tinkerbellIP: 10.0.0.9\nhookImagesURLPath: http://h\nosImageURL: http://o",
                     False, None, id="both-set"),
    ],
)  # fmt: skip
def test_rm022(datacenter: str, machine_image: bool, missing: str | None) -> None:
    text = cluster("endpoint: x", provider="tinkerbell", datacenter=datacenter)
    if machine_image:
        text = text.replace("  osFamily: ubuntu\n", "  osFamily: ubuntu\n  osImageURL: http://o\n")
    found = expect(text, [] if missing is None else [("RM022", INFO, MIRROR_KEY)])
    if missing:
        assert found[0].message.startswith(f"air-gapped bare metal needs {missing} in the")
