"""RM028 and the target release: every version boundary of ``releases``, on both sides."""

from __future__ import annotations

from typing import Any

import pytest

from eksa_mirror.core.eksa import releases
from eksa_mirror.core.eksa.releases import (
    LATEST,
    Version,
    parse_version,
    required_projects,
    target_release,
)
from eksa_mirror.core.findings import Finding
from eksa_mirror.editor.hover import hover
from eksa_mirror.lsp.settings import parse_settings
from eksa_mirror.rules.analysis import Options, analyze
from eksa_mirror.rules.catalogue import RULES
from rules.conftest import make_cert
from rules.helpers import INFO, MIRROR_KEY, E, W, body_span, span_of
from support import cluster, indent

NS_TWO = (
    'endpoint: r.local\nociNamespaces:\n  - registry: public.ecr.aws\n    namespace: ""\n'
    "  - registry: docker.io\n    namespace: hub"
)
NS_PUBLIC = 'endpoint: r.local\nociNamespaces:\n  - registry: public.ecr.aws\n    namespace: ""'
NS_DOCKER_ONLY = "endpoint: r.local\nociNamespaces:\n  - registry: docker.io\n    namespace: hub"
BR = {"cp": "bottlerocket", "md": "bottlerocket"}

#: (release, mirror body, cluster() keywords, expected RM028 findings, message fragment)
CASES: list[Any] = [
    # registryMirrorConfiguration itself: v0.6.0
    ("v0.5.0", "endpoint: r.local", {}, [(E, MIRROR_KEY)], "added in v0.6.0"),
    ("v0.6.0", "endpoint: r.local", {}, [], ""),
    # port: v0.7.0
    ("v0.6.0", 'endpoint: r.local\nport: "5000"', {}, [(E, body_span(1, 0, 4))], 'field "port"'),
    ("v0.7.0", 'endpoint: r.local\nport: "5000"', {}, [], ""),
    # insecureSkipVerify: the field in v0.9.0 (Snow only), every provider from v0.15.0
    ("v0.8.2", "endpoint: r.local\ninsecureSkipVerify: true", {"provider": "snow"},
     [(E, body_span(1, 0, 18))], 'json: unknown field "insecureSkipVerify" (added in v0.9.0'),
    ("v0.9.0", "endpoint: r.local\ninsecureSkipVerify: true", {"provider": "snow"}, [], ""),
    ("v0.9.0", "endpoint: r.local\ninsecureSkipVerify: true", {},
     [(E, body_span(1, 0, 18))], "insecureSkipVerify is only supported for snow provider"),
    ("v0.14.6", "endpoint: r.local\ninsecureSkipVerify: true", {"provider": "nutanix"},
     [(E, body_span(1, 0, 18))], "all providers from v0.15.0"),
    ("v0.15.0", "endpoint: r.local\ninsecureSkipVerify: true", {}, [], ""),
    ("v0.14.6", "endpoint: r.local\ninsecureSkipVerify: false", {}, [], ""),
    # authenticate: v0.12.0 (vSphere only), other providers v0.13.0, Bottlerocket v0.14.1
    ("v0.11.4", "endpoint: r.local\nauthenticate: true", {}, [(E, body_span(1, 0, 12))],
     'json: unknown field "authenticate" (added in v0.12.0; the target release is v0.11.4)'),
    ("v0.12.0", "endpoint: r.local\nauthenticate: true", {}, [], ""),
    ("v0.12.2", "endpoint: r.local\nauthenticate: true", {"provider": "tinkerbell"},
     [(W, body_span(1, 0, 12))],
     "reach Tinkerbell nodes from v0.13.0 (the target release is v0.12.2)"),
    ("v0.13.0", "endpoint: r.local\nauthenticate: true", {"provider": "tinkerbell"}, [], ""),
    # Nutanix (no mirror before v0.15.0) and Docker render registryAuth from v0.15.0.
    ("v0.14.1", "endpoint: r.local\nauthenticate: true", {"provider": "nutanix"},
     [(W, body_span(1, 0, 12))],
     "reach Nutanix nodes from v0.15.0 (the target release is v0.14.1)"),
    ("v0.15.0", "endpoint: r.local\nauthenticate: true", {"provider": "nutanix"}, [], ""),
    ("v0.14.0", "endpoint: r.local\nauthenticate: true", {"cp": "bottlerocket"},
     [(W, body_span(1, 0, 12))], "not applied to Bottlerocket nodes before v0.14.1"),
    ("v0.14.1", "endpoint: r.local\nauthenticate: true", {"cp": "bottlerocket"}, [], ""),
    # ociNamespaces: v0.13.0
    ("v0.12.2", NS_PUBLIC, {}, [(E, body_span(1, 0, 13))],
     'json: unknown field "ociNamespaces" (added in v0.13.0; the target release is v0.12.2)'),
    ("v0.12", NS_PUBLIC, {}, [(E, body_span(1, 0, 13))], "the target release is v0.12.x"),
    ("v0.13.0", NS_PUBLIC, {}, [], ""),
    # Bottlerocket mappings: ignored before v0.19, refused in v0.19.x, mirrored from v0.20.0
    ("v0.18.7", NS_TWO, BR, [(W, body_span(4, 14, 23))],
     "docker.io is not mirrored on Bottlerocket"),
    ("v0.18.7", NS_DOCKER_ONLY, BR, [(W, body_span(2, 14, 23))], "no mirror reaches Bottlerocket"),
    ("v0.18.7", NS_TWO, {}, [], ""),
    ("v0.18.7", NS_TWO, {**BR, "provider": "tinkerbell"}, [], ""),
    ("v0.19.0", NS_TWO, BR, [(E, body_span(1, 0, 13))],
     "public.ecr.aws is the only registry supported in ociNamespaces for bottlerocket ("),
    ("v0.19.11", NS_DOCKER_ONLY, {"md": None}, [(E, body_span(1, 0, 13))],
     "VSphereMachineConfig md"),
    ("v0.19.0", NS_TWO, {**BR, "provider": "tinkerbell"}, [(E, body_span(1, 0, 13))],
     "v0.19.x only"),
    ("v0.19.0", NS_PUBLIC, BR, [], ""),
    ("v0.19.0", NS_TWO, {}, [], ""),
    ("v0.20.0", NS_TWO, BR, [], ""),
]  # fmt: skip


def rm028(text: str, version: str) -> list[Finding]:
    found = analyze(text, Options(eksa_version=version)).findings
    return [f for f in found if f.code == "RM028"]


@pytest.mark.parametrize(
    ("version", "body", "kw", "expected", "fragment"),
    CASES,
    ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)],
)
def test_boundaries(
    version: str, body: str, kw: dict[str, Any], expected: list[Any], fragment: str
) -> None:
    found = rm028(cluster(body, **kw), version)
    assert [(f.severity, span_of(f)) for f in found] == expected, [f.message for f in found]
    for finding in found:
        assert fragment in finding.message


def test_each_boundary_has_both_sides() -> None:
    """Every boundary constant of ``releases`` appears in CASES below and at/above it."""
    versions = [v for c in CASES if (v := parse_version(c[0])) is not None]
    boundaries = [
        releases.MIRROR_SINCE, releases.PORT_SINCE, releases.INSECURE_SKIP_VERIFY_SINCE,
        releases.INSECURE_ALL_PROVIDERS, releases.AUTHENTICATE_SINCE,
        *releases.AUTHENTICATE_PROVIDER_SINCE.values(), releases.AUTHENTICATE_BOTTLEROCKET,
        releases.OCI_NAMESPACES_SINCE, releases.BOTTLEROCKET_OCI_RULE,
        releases.BOTTLEROCKET_MULTIPLE_OCI,
    ]  # fmt: skip
    for boundary in boundaries:
        assert any(v < boundary for v in versions), boundary
        assert boundary in versions, boundary


def test_unknown_field_keeps_the_spelling_and_the_pointer() -> None:
    found = rm028(cluster('endpoint: r.local\nOCINamespaces:\n  - registry: "x"'), "v0.12.0")
    assert found[0].message.startswith('json: unknown field "OCINamespaces" (added in v0.13.0')
    assert found[0].pointer == "/spec/registryMirrorConfiguration/ociNamespaces"


# --- SHA-1 CA at every release ----------------------------------------------------------


@pytest.fixture(scope="module")
def sha1_body() -> str:
    pem, _ = make_cert(sha1=True)
    return "endpoint: r.local\ncaCertContent: |\n" + indent(pem.strip(), 2)


@pytest.mark.parametrize("version", ["v0.11.4", "v0.12.0", ""])
def test_a_sha1_ca_is_clean_at_every_release(sha1_body: str, version: str) -> None:
    """caCertContent is a root: Go never verifies its signature, before or after v0.12.0."""
    from rules.helpers import NOW

    found = analyze(cluster(sha1_body), Options(eksa_version=version, now=NOW)).findings
    assert [f.code for f in found if f.code in ("RM014", "RM015")] == []


# --- the target release -------------------------------------------------------------------


def with_spec_version(text: str, version: str) -> str:
    return text.replace(
        "spec:\n  datacenterRef:", f"spec:\n  eksaVersion: {version}\n  datacenterRef:"
    )


def test_spec_eksa_version_wins_over_the_option() -> None:
    text = with_spec_version(cluster(NS_PUBLIC), "v0.12.2")
    assert [f.message for f in rm028(text, "v0.26.0")] == [
        'json: unknown field "ociNamespaces" (added in v0.13.0; the target release is v0.12.2)'
    ]
    assert rm028(with_spec_version(cluster(NS_PUBLIC), "v0.20.0"), "v0.12.2") == []


def test_an_unparsable_spec_version_falls_back_to_the_option() -> None:
    text = with_spec_version(cluster(NS_PUBLIC), "latest")
    assert len(rm028(text, "v0.12.0")) == 1
    assert rm028(text, "") == []


@pytest.mark.parametrize(
    ("spec", "option", "expected", "source"),
    [
        ("v0.19.2", "v0.12.0", "v0.19.2", "spec.eksaVersion"),
        ("", "v0.12", "v0.12.x", "option"),
        ("nonsense", "0.20.1", "v0.20.1", "option"),
        ("", "", str(LATEST), "latest"),
        ("", "bogus", str(LATEST), "latest"),
    ],
)
def test_target_release(spec: str, option: str, expected: str, source: str) -> None:
    target = target_release(spec, option)
    assert (target.label, target.source) == (expected, source)


@pytest.mark.parametrize(
    ("spec", "option", "where"),
    [
        ("", "v0.99.0", "from --eksa-version / eksaMirror.eksaVersion"),
        ("v0.99.0", "", "from spec.eksaVersion"),
        ("v0.99.0", "v0.20.0", "from spec.eksaVersion"),
    ],
)
def test_a_release_newer_than_known_is_checked_as_the_newest_known(
    spec: str, option: str, where: str
) -> None:
    target = target_release(spec, option)
    assert (target.version, target.newer) == (LATEST, "v0.99.0")
    assert target.describe() == (
        f"EKS Anywhere v0.26.1, the newest release eksa-mirror knows (v0.99.0 {where} is newer)"
    )


@pytest.mark.parametrize(
    ("written", "newer"),
    [("v0.26.2", True), ("v0.27", True), ("v1.0.0", True), ("v0.26", False),
     ("v0.26.x", False), ("v0.26.1", False), ("v0.25.0", False)],
)  # fmt: skip
def test_which_releases_are_newer_than_known(written: str, newer: bool) -> None:
    """A minor line already known (``v0.26.x``) is that line, not a newer release."""
    target = target_release("", written)
    assert target.newer == (written if newer else "")
    assert (target.version == LATEST) is (newer or written == "v0.26.1")


def test_latest_is_v0_26_1() -> None:
    assert str(LATEST) == "v0.26.1"
    assert target_release().describe() == (
        "EKS Anywhere v0.26.1 (the latest release known to eksa-mirror)"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("v0.20.1", Version(0, 20, 1)),
        ("0.20.1", Version(0, 20, 1)),
        (" v0.20 ", Version(0, 20, None)),
        ("v0.20.x", Version(0, 20, None)),
        ("V0.21.0-rc.1", Version(0, 21, 0)),
        ("v1.2", Version(1, 2, None)),
        ("latest", None),
        ("v0", None),
        ("", None),
    ],
)
def test_parse_version(text: str, expected: Version | None) -> None:
    assert parse_version(text) == expected


def test_version_order() -> None:
    assert Version(0, 19, 11) < Version(0, 20, 0) < Version(0, 20, 1)
    assert Version(0, 14, None) > Version(0, 14, 1)  # v0.14.x: any patch, the newest
    assert Version(0, 14, None) < Version(0, 15, 0)
    assert sorted([Version(0, 9, 0), Version(0, 10, 0), Version(0, 9, 2)]) == [
        Version(0, 9, 0), Version(0, 9, 2), Version(0, 10, 0),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("version", "cilium"),
    [("v0.23.7", "isovalent"), ("v0.24.0", "eks"), (None, "eks"), ("v0.12.0", "isovalent")],
)
def test_required_projects(version: str | None, cilium: str) -> None:
    assert required_projects(version) == [
        "bottlerocket", "eks-anywhere", "eks-distro", cilium, "cilium-chart",
    ]  # fmt: skip


def test_every_rule_has_a_since_release() -> None:
    for code, rule in RULES.items():
        assert parse_version(rule.since) is not None, code
    assert RULES["RM028"].severity is E
    assert RULES["RM023"].severity is INFO


# --- hover, settings ------------------------------------------------------------------------


def hover_text(text: str, line: int, version: str = "", column: int = 6) -> str:
    analysis = analyze(text)
    found = hover(analysis.source, analysis.clusters, line, column, version)
    assert found is not None
    return found.markdown


def test_hover_says_since_which_release() -> None:
    text = cluster(NS_PUBLIC)
    markdown = hover_text(text, body_span(1, 0, 0)[0])
    assert "Since EKS Anywhere v0.13.0." in markdown
    assert "Target release: EKS Anywhere v0.26.1 (the latest release known" in markdown
    assert "not known" not in markdown
    old = hover_text(text, body_span(1, 0, 0)[0], "v0.12")
    assert "Target release: EKS Anywhere v0.12.x (from --eksa-version" in old
    assert "**not known to v0.12.x**" in old
    assert "Since EKS Anywhere v0.6.0." in hover_text(text, body_span(0, 0, 0)[0])
    registry = hover_text(text, body_span(2, 0, 0)[0], column=body_span(2, 4, 0)[1])
    assert "Since EKS Anywhere v0.13.0." in registry


def test_hover_uses_spec_eksa_version() -> None:
    text = with_spec_version(cluster('endpoint: r.local\nport: "1"'), "v0.6.0")
    markdown = hover_text(text, body_span(1, 0, 0)[0] + 1, "v0.26.0")
    assert "Since EKS Anywhere v0.7.0." in markdown
    assert "v0.6.0 (from spec.eksaVersion) — **not known to v0.6.0**" in markdown


def test_hover_on_the_release_that_brought_the_field() -> None:
    text = with_spec_version(cluster('endpoint: r.local\nport: "1"'), "v0.7.0")
    markdown = hover_text(text, body_span(1, 0, 0)[0] + 1)
    assert "Since EKS Anywhere v0.7.0." in markdown
    assert markdown.endswith("Target release: EKS Anywhere v0.7.0 (from spec.eksaVersion).")


def test_settings_pass_the_release_and_check_it() -> None:
    settings, errors = parse_settings({"eksaVersion": "v0.12.0", "upgradeDiff": "git"})
    assert errors == []
    assert settings.options.eksa_version == "v0.12.0"
    assert settings.upgrade_diff == "git"
    settings, errors = parse_settings({"eksaVersion": "twelve", "upgradeDiff": "svn"})
    assert settings.options.eksa_version == ""
    assert settings.upgrade_diff == "off"
    assert errors == [
        "'twelve' is not a release like \"v0.20.0\" @ eksaMirror.eksaVersion",
        'must be "off" or "git" @ eksaMirror.upgradeDiff',
    ]


@pytest.mark.parametrize(
    ("version", "node_format"),
    [
        ("v0.23.7", "legacy"),  # registry.mirrors tables (vSphere template-cp.yaml at v0.23.0)
        ("v0.24.0", "hosts-toml"),  # b0864f181 (#10212), first tag v0.24.0
        ("v0.25.2", "hosts-toml"),
        ("v0.25.3", "current"),  # 815e931c1 (#10779) on release-0.25
        ("v0.26.0", "current"),  # 0a1e441a4 (#10765)
    ],
)
def test_node_format_boundaries(version: str, node_format: str) -> None:
    parsed = parse_version(version)
    assert parsed is not None
    assert releases.node_format(parsed) == node_format


def test_rm028_alone_when_the_release_refuses_insecure_skip_verify_outside_snow() -> None:
    """v0.14: validateMirrorConfig refuses insecureSkipVerify on vSphere (RM028); the later
    Bottlerocket preflight (RM005) would say "remove it" a second time."""
    text = with_spec_version(cluster("endpoint: r.local\ninsecureSkipVerify: true", md=None),
                             "v0.14.0")  # fmt: skip
    codes = [f.code for f in analyze(text, Options()).findings]
    assert codes == ["RM028"]
    latest = [f.code for f in analyze(cluster("endpoint: r.local\ninsecureSkipVerify: true",
                                              md=None), Options()).findings]  # fmt: skip
    assert latest == ["RM005"]
