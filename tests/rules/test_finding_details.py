"""The exact findings a user reads: code, span, JSON pointer and message of one rule on one
spec, and the text after a finding's fix. Rows pin the details that a rule's own tests leave
open (the pointer of a less common finding, the wording of a rarer branch, a fix at the end
of the file)."""

from __future__ import annotations

from typing import Any

import pytest

from rules.helpers import body_span, findings, fixed, one, span_of
from support import MIRROR_HEAD, cluster

BR = {"cp": "bottlerocket", "md": "bottlerocket"}
MIRROR = "/spec/registryMirrorConfiguration"
NO_PUBLIC = "endpoint: r.local\nociNamespaces:\n  - registry: docker.io\n    namespace: hub"


def spec_lines(text: str, *lines: str) -> str:
    """``text`` with ``lines`` added to the Cluster's spec above ``datacenterRef`` (the mirror
    body moves down by their number)."""
    added = "".join(f"  {line}\n" for line in lines)
    return text.replace("spec:\n  datacenterRef:", "spec:\n" + added + "  datacenterRef:", 1)


Row = tuple[tuple[int, int, int, int], str, str]

#: (spec, analysis options, code, every finding of that code as (span, pointer, message)).
DETAILS: list[Any] = [
    pytest.param(
        cluster('endpoint: https://r.local\nport: "<port>"'),
        {},
        "RM009",
        [
            (
                body_span(0, 10, 25),
                "/endpoint",
                'endpoint must be a bare hostname or IP address, without the scheme "https://": '
                'EKS-A joins it with the port into "[https://r.local]:443", which containerd '
                "cannot pull from",
            ),
        ],
        id="endpoint-scheme-placeholder-port",
    ),
    pytest.param(
        cluster("endpoint: r.local/a/b"),
        {},
        "RM009",
        [
            (
                body_span(0, 10, 21),
                "/endpoint",
                'endpoint must be a bare hostname or IP address, without the path "/a/b": EKS-A '
                'joins it with the port into "r.local/a/b:443", which containerd cannot pull '
                "from",
            ),
        ],
        id="endpoint-path",
    ),
    pytest.param(
        cluster('endpoint: "[::1]:5000"'),
        {},
        "RM009",
        [
            (
                body_span(0, 10, 22),
                "/endpoint",
                "endpoint must be a bare hostname or IP address, without square brackets and "
                'the port ":5000": EKS-A joins it with the port into "[[::1]:5000]:443", which '
                "containerd cannot pull from",
            ),
        ],
        id="endpoint-brackets-port",
    ),
    pytest.param(
        cluster("endpoint: https://[::1]:5000/v2"),
        {},
        "RM009",
        [
            (
                body_span(0, 10, 31),
                "/endpoint",
                'endpoint must be a bare hostname or IP address, without the scheme "https://", '
                'the path "/v2", square brackets and the port ":5000": EKS-A joins it with the '
                'port into "[https://[::1]:5000/v2]:443", which containerd cannot pull from',
            ),
        ],
        id="endpoint-four-problems",
    ),
    pytest.param(
        cluster("endpoint: r.local\nauthenticate: true", provider="cloudstack"),
        {},
        "RM017",
        [
            (
                body_span(1, 14, 18),
                "/authenticate",
                "authenticate: true has no effect on CloudStack nodes: EKS-A renders no "
                "registry credentials into their containerd configuration, so authenticated "
                "pulls fail",
            ),
        ],
        id="cloudstack-authenticate",
    ),
    pytest.param(
        cluster("endpoint: r.local\nauthenticate: true", provider="cloudstack"),
        {},
        "RM016",
        [
            (
                body_span(1, 14, 18),
                "/authenticate",
                "authenticate: true needs REGISTRY_USERNAME and REGISTRY_PASSWORD set where "
                "eksctl anywhere runs; the controller reads them from the "
                "eksa-system/registry-credentials Secret",
            ),
        ],
        id="cloudstack-authenticate-env",
    ),
    pytest.param(
        cluster("endpoint: r.local\ninsecureSkipVerify: true", provider="snow", **BR),
        {"eksa_version": "v0.14.0"},
        "RM005",
        [
            (
                body_span(1, 20, 24),
                "/insecureSkipVerify",
                "InsecureSkipVerify is not supported for bottlerocket (SnowMachineConfig cp has "
                "osFamily: bottlerocket); only Ubuntu and RHEL nodes can skip verification",
            ),
        ],
        id="snow-bottlerocket-insecure-v0.14",
    ),
    pytest.param(
        cluster("endpoint: r.local\ninsecureSkipVerify: true"),
        {"eksa_version": "v0.14.0"},
        "RM028",
        [
            (
                body_span(1, 0, 18),
                "/insecureSkipVerify",
                "insecureSkipVerify is only supported for snow provider (all providers from "
                "v0.15.0; the target release is v0.14.0)",
            ),
        ],
        id="vsphere-insecure-v0.14",
    ),
    pytest.param(
        cluster(
            "endpoint: r.local\nociNamespaces:\n  - registry: docker.io\n    namespace: a\n  - "
            "Registry: docker.io\n    namespace: b\n  - registry: public.ecr.aws\n    "
            'namespace: ""'
        ),
        {},
        "RM011",
        [
            (
                body_span(2, 14, 23),
                "/ociNamespaces/0/registry",
                '"docker.io" is mapped again by ociNamespaces entry 2; EKS-A keeps only the '
                "last mapping of a registry, so this entry is ignored",
            ),
        ],
        id="duplicate-registry",
    ),
    pytest.param(
        cluster(
            'endpoint: r.local\nociNamespaces:\n  - registry: public.ecr.aws\n    namespace: "a b"'
        ),
        {},
        "RM013",
        [
            (
                body_span(3, 15, 20),
                "/ociNamespaces/0/namespace",
                'namespace "a b" contains whitespace: EKS-A passes it through filepath.Join, so '
                "nodes pull from a different path than written",
            ),
        ],
        id="namespace-whitespace",
    ),
    pytest.param(
        cluster(
            "endpoint: r.local\nociNamespaces:\n  - namespace: x\n  - registry: "
            "346438352937.dkr.ecr.us-west-2.amazonaws.com\n    namespace: pk\n  - registry: "
            'public.ecr.aws\n    namespace: ""'
        ),
        {},
        "RM021",
        [
            (
                body_span(4, 15, 17),
                "/ociNamespaces/1/namespace",
                "curated packages from 346438352937.dkr.ecr.us-west-2.amazonaws.com (us-west-2) "
                'are copied with "eksctl anywhere copy packages <mirror>/eks-anywhere"; map '
                'this registry to namespace "eks-anywhere" unless you copied them to "pk"',
            ),
        ],
        id="regional-after-entry-without-registry",
    ),
    pytest.param(
        cluster(NO_PUBLIC),
        {"eksa_version": "v0.19.0"},
        "RM010",
        [
            (
                body_span(1, 0, 13),
                "/ociNamespaces",
                "ociNamespaces does not map public.ecr.aws: when ociNamespaces is set, every "
                "mirrored registry must be listed, including public.ecr.aws, or the EKS "
                "Anywhere images are pulled from the internet",
            ),
        ],
        id="no-public-ecr-ubuntu-v0.19",
    ),
    pytest.param(
        spec_lines(cluster(NO_PUBLIC, **BR), "eksaVersion: v0.19.0"),
        {},
        "RM010",
        [
            (
                body_span(2, 0, 13),
                "/ociNamespaces",
                "ociNamespaces does not map public.ecr.aws: when ociNamespaces is set, every "
                "mirrored registry must be listed, including public.ecr.aws, or the EKS "
                "Anywhere images are pulled from the internet; the Bottlerocket nodes get an "
                "empty mirror endpoint, so no mirror at all",
            ),
        ],
        id="no-public-ecr-spec-eksaversion",
    ),
    pytest.param(
        spec_lines(
            cluster(NO_PUBLIC, provider="tinkerbell", **BR),
            "externalEtcdConfiguration:",
            "  count: 3",
        ),
        {},
        "RM010",
        [
            (
                body_span(3, 0, 13),
                "/ociNamespaces",
                "ociNamespaces does not map public.ecr.aws: when ociNamespaces is set, every "
                "mirrored registry must be listed, including public.ecr.aws, or the EKS "
                "Anywhere images are pulled from the internet; the external etcd machines and "
                "the Bottlerocket nodes get the mirror endpoint `v2` (EKS-A's ToAPIEndpoint of "
                "the missing mirror), which names a host `v2`, so their image pulls fail",
            ),
        ],
        id="no-public-ecr-etcd-and-bottlerocket",
    ),
    pytest.param(
        cluster(NO_PUBLIC, **BR),
        {"eksa_version": "v0.19.0"},
        "RM028",
        [
            (
                body_span(1, 0, 13),
                "/ociNamespaces",
                "public.ecr.aws is the only registry supported in ociNamespaces for "
                "bottlerocket (VSphereMachineConfig cp is bottlerocket; v0.19.x only, several "
                "registries from v0.20.0; the target release is v0.19.0)",
            ),
        ],
        id="bottlerocket-v0.19-not-public",
    ),
    pytest.param(
        cluster(
            "endpoint: r.local\nociNamespaces:\n  - registry: public.ecr.aws\n    namespace: "
            '""\n  - Registry: docker.io\n    namespace: hub',
            **BR,
        ),
        {"eksa_version": "v0.18.0"},
        "RM028",
        [
            (
                body_span(4, 14, 23),
                "/ociNamespaces/1/registry",
                "docker.io is not mirrored on Bottlerocket nodes before v0.20.0, only "
                "public.ecr.aws is (VSphereMachineConfig cp is bottlerocket; the target release "
                "is v0.18.0)",
            ),
        ],
        id="bottlerocket-v0.18-with-public",
    ),
    pytest.param(
        cluster("endpoint: r.local\nociNamespaces:\n  - registry: <registry>\n    namespace: <ns>"),
        {},
        "RM032",
        [
            (
                body_span(2, 14, 24),
                "/ociNamespaces/0/registry",
                "registry is still the documentation placeholder <registry>: replace it with "
                "the upstream registry, e.g. public.ecr.aws",
            ),
            (
                body_span(3, 15, 19),
                "/ociNamespaces/0/namespace",
                "namespace is still the documentation placeholder <ns>: replace it with the "
                'namespace in your registry, e.g. "" for its root or eks-anywhere',
            ),
        ],
        id="placeholders",
    ),
    pytest.param(
        cluster(
            "endpoint: r.local\nCACertContent: |\n  -----BEGIN CERTIFICATE-----\n  MIID...\n  "
            "-----END CERTIFICATE-----"
        ),
        {},
        "RM032",
        [
            (
                (19, 19, 22, 31),
                "/caCertContent",
                "caCertContent is the shortened example of the documentation (its certificate "
                'is cut with "..."): paste the whole PEM of the CA that signed the registry '
                "certificate",
            ),
        ],
        id="shortened-ca-cased-key",
    ),
    pytest.param(
        cluster("endpoint: r.local").replace(
            "registryMirrorConfiguration:", "registryMirrorConfigration:"
        ),
        {},
        "RM006",
        [
            (
                (17, 2, 17, 28),
                "/spec/registryMirrorConfigration",
                'json: unknown field "registryMirrorConfigration" (did you mean '
                '"registryMirrorConfiguration"?)',
            ),
        ],
        id="spec-key-near-miss",
    ),
    pytest.param(
        cluster('endpoint: r.local\nPort: "70000"'),
        {},
        "RM002",
        [
            (
                body_span(1, 6, 13),
                "/port",
                "registry mirror port 70000 is invalid, please provide a valid port",
            ),
        ],
        id="bad-port-under-a-cased-key",
    ),
    pytest.param(cluster("endpoint: r.local\nport: 1"), {}, "RM002", [], id="port-1-is-valid"),
    pytest.param(
        cluster("endpoint: r.local\nport: 05"),
        {},
        "RM008",
        [
            (
                body_span(1, 6, 8),
                "/port",
                "port 05 is read by YAML 1.1 as the integer 5 (octal, hex or sexagesimal), so "
                'EKS-A would use port "5"; quote it: "05"',
            ),
        ],
        id="port-with-a-leading-zero",
    ),
    pytest.param(
        cluster(
            "endpoint: r.local\nociNamespaces:\n  - registry: public.ecr.aws\n    namespace: 42"
        ),
        {},
        "RM007",
        [
            (
                body_span(3, 15, 17),
                "/ociNamespaces/0/namespace",
                "namespace is a YAML number: the eksctl CLI turns it into a string but the CRD "
                "type is string, so kubectl and GitOps reject it; quote it",
            ),
        ],
        id="number-namespace",
    ),
]


@pytest.mark.parametrize(("text", "options", "code", "expected"), DETAILS)
def test_findings_of_a_rule(
    text: str, options: dict[str, Any], code: str, expected: list[Row]
) -> None:
    """Every finding of ``code``: (span, pointer under the mirror, message)."""
    found = [
        (span_of(f), f.pointer.removeprefix(MIRROR), f.message)
        for f in findings(text, **options)
        if f.code == code
    ]
    assert found == expected


FIXES: list[Any] = [
    pytest.param(
        cluster('endpoint: "[::1]:5000"'),
        "RM009",
        ('Use the bare host "::1" and move port 5000 to "port"', True),
        cluster('endpoint: "::1"\nport: "5000"'),
        id="endpoint-port-moves-to-port",
    ),
    pytest.param(
        cluster(
            "endpoint: r.local\nociNamespaces:\n  - registry: public.ecr.aws\n    namespace: "
            "'/it''s/'"
        ),
        "RM013",
        ('Use "it\'s"', True),
        cluster(
            "endpoint: r.local\nociNamespaces:\n  - registry: public.ecr.aws\n    namespace: "
            "'it''s'"
        ),
        id="namespace-keeps-single-quotes",
    ),
    pytest.param(
        MIRROR_HEAD + "    endpoint: r.local\n    password: hunter2",
        "RM026",
        ('Remove the "password" key', False),
        MIRROR_HEAD + "    endpoint: r.local",
        id="credential-on-the-last-line",
    ),
    # A credential key that shares its line with other keys has no fix: deleting the line
    # would delete the whole Cluster (flow style) or the ociNamespaces entry's "- ".
    pytest.param(
        "{apiVersion: anywhere.eks.amazonaws.com/v1alpha1, kind: Cluster, metadata: {name: c}, "
        "spec: {registryMirrorConfiguration: {endpoint: x, password: y}}}",
        "RM026",
        None,
        None,
        id="credential-in-a-flow-mapping-has-no-fix",
    ),
    pytest.param(
        cluster(
            "endpoint: x\nociNamespaces:\n  - password: y\n    registry: public.ecr.aws\n"
            '    namespace: ""'
        ),
        "RM026",
        None,
        None,
        id="credential-after-a-sequence-dash-has-no-fix",
    ),
    pytest.param(
        cluster('endpoint: r.local\ninsecureSkipVerify: "True"'),
        "RM007",
        ("Write true without quotes", True),
        cluster("endpoint: r.local\ninsecureSkipVerify: true"),
        id="quoted-boolean",
    ),
    pytest.param(
        cluster(
            "endpoint: r.local\nociNamespaces:\n  - registry: public.ecr.aws\n    namespace: 42"
        ),
        "RM007",
        ("Quote namespace", True),
        cluster(
            'endpoint: r.local\nociNamespaces:\n  - registry: public.ecr.aws\n    namespace: "42"'
        ),
        id="number-namespace",
    ),
    pytest.param(
        cluster("endpoint: r.local\nociNamespaces:\n  - {registry: public.ecr.aws}"),
        "RM029",
        None,
        None,
        id="flow-entry-without-namespace-has-no-fix",
    ),
    pytest.param(
        cluster("endpoint: r.local\nociNamespaces:\n  - {registry: public.ecr.aws\n    }"),
        "RM029",
        None,
        None,
        id="multi-line-flow-entry-has-no-fix",
    ),
]


@pytest.mark.parametrize(("text", "code", "fix", "after"), FIXES)
def test_fix_of_a_finding(
    text: str, code: str, fix: tuple[str, bool] | None, after: str | None
) -> None:
    """The one ``code`` finding's fix: (title, safe) and the text once applied."""
    finding = one(findings(text), code)
    if fix is None:
        assert finding.fix is None
        return
    assert finding.fix is not None
    assert (finding.fix.title, finding.fix.safe) == fix
    assert fixed(text, finding.fix) == after
