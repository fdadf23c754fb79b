"""The real-world regression corpus (``tests/data/realworld``): specs written the way people
write them (documentation pastes with ``...`` and ``<placeholders>``, issue-thread pastes,
GitOps files with several clusters, integer ports, CAs as ``|``, ``>`` and ``\\n``-escaped
strings, every provider and OS), each with exactly the findings an EKS-A expert signs.

Each row is ``(code, line, column)``, 1-based, as ``validate`` prints them; the comment says
why each finding is true (reference: EKS-A's source as summarised in docs/rules.md).
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from eksa_mirror.rules.analysis import Options, analyze
from support import DATA

REALWORLD = DATA / "realworld"
#: Certificates are judged at a fixed date (the CAs here are valid until 2031 or 2125).
OPTIONS = Options(now=datetime(2026, 12, 1, tzinfo=timezone.utc))

Row = tuple[str, int, int]

EXPECTED: dict[str, list[Row]] = {
    # The docs page pasted unfilled: each "..." line (not YAML) and each <placeholder> once;
    # the shortened CA is a placeholder too, not a certificate error.
    "01-docs-registrymirror-paste.yaml": [
        ("RM024", 7, 3), ("RM032", 9, 15), ("RM032", 10, 11), ("RM032", 12, 19),
        ("RM032", 13, 20), ("RM024", 14, 7), ("RM032", 15, 20),
    ],
    # "..." under spec, and the mirror below it still checked: a URL is not an endpoint.
    "02-docs-paste-endpoint-url.yaml": [("RM024", 6, 3), ("RM009", 8, 15)],
    "03-vsphere-ubuntu-airgapped-clean.yaml": [],
    # port: 443 is an int: kubectl/GitOps reject it (CRD type string); only eksctl converts.
    "04-vsphere-generated-integer-port.yaml": [("RM008", 30, 11)],
    # No osFamily on vSphere means Bottlerocket, which refuses insecureSkipVerify (preflight).
    "05-vsphere-default-bottlerocket-insecure.yaml": [("RM005", 31, 25)],
    # One finding for insecureSkipVerify that also says the CA goes unused.
    "06-vsphere-redhat-insecure-with-ca.yaml": [("RM019", 31, 25)],
    # EKS-A's own SHA-1 self-signed CN=test.local CA: a root, never verified by Go: clean.
    "07-vsphere-sha1-self-signed-ca.yaml": [],
    # A folded block joins the PEM lines: Go's pem.Decode finds no block.
    "08-vsphere-ca-folded-block.yaml": [("RM014", 30, 20)],
    # The \\n-escaped double-quoted CA of EKS-A's test data parses.
    "09-vsphere-ca-escaped-newlines.yaml": [],
    # The docs' CACertContent: eksctl accepts any casing, the API server does not.
    "10-vsphere-docs-cacertcontent-casing.yaml": [("RM006", 31, 5)],
    # ociNamespaces without public.ecr.aws: EKS-A's own images are not mirrored.
    "11-vsphere-ocinamespaces-without-public-ecr.yaml": [("RM010", 31, 5)],
    # EKS-A: "only one registry mirror for curated packages is suppported".
    "12-vsphere-two-curated-packages-registries.yaml": [("RM004", 35, 19)],
    # The first public.ecr.aws mapping is overwritten by the last one.
    "13-vsphere-registry-mapped-twice.yaml": [("RM011", 31, 19)],
    # filepath.Join drops the slashes.
    "14-vsphere-namespace-slashes.yaml": [("RM013", 32, 20)],
    # "true" in quotes cannot be decoded into a bool.
    "15-vsphere-authenticate-quoted.yaml": [("RM007", 31, 19)],
    # A thread's authUserName/authPassWord: credentials by meaning; authenticate needs the env.
    "16-vsphere-credentials-in-spec.yaml": [("RM016", 31, 19), ("RM026", 32, 5), ("RM026", 33, 5)],
    # An unclosed list elsewhere: RM024 at its bracket, the mirror's RM008 still there.
    "17-vsphere-syntax-error-elsewhere.yaml": [("RM024", 13, 19), ("RM008", 29, 11)],
    # A half-typed key elsewhere: RM024 on it, the mirror's RM009 still there.
    "18-vsphere-half-typed-line-elsewhere.yaml": [("RM024", 26, 3), ("RM009", 30, 15)],
    # eksctl reads the first Cluster only; the second's integer port is still wrong for GitOps.
    "19-gitops-two-clusters-in-one-file.yaml": [("RM030", 65, 3), ("RM008", 67, 11)],
    # Flux applies this file with the API server: an integer port is refused.
    "20-gitops-management-with-flux.yaml": [("RM008", 33, 11)],
    "21-baremetal-ubuntu-airgapped-clean.yaml": [],
    # Air-gapped bare metal needs hookImagesURLPath (airgapped docs).
    "22-baremetal-without-hook-images.yaml": [("RM022", 26, 3)],
    # Bottlerocket on bare metal only uses the public.ecr.aws mirror.
    "23-baremetal-bottlerocket-docker-hub.yaml": [("RM018", 32, 19)],
    "24-nutanix-integer-port-authenticated.yaml": [("RM008", 27, 11), ("RM016", 28, 19)],
    "25-nutanix-redhat-clean.yaml": [],
    # Snow Ubuntu nodes get no credentials; the CLI still wants REGISTRY_USERNAME/PASSWORD.
    "26-snow-ubuntu-authenticate.yaml": [("RM016", 29, 19), ("RM017", 29, 19)],
    "27-snow-bottlerocket-insecure.yaml": [("RM005", 29, 25)],
    # CloudStack left the mirror support table (deprecated in v0.26).
    "28-cloudstack-redhat.yaml": [("RM020", 26, 3)],
    "29-docker-dev-cluster.yaml": [("RM020", 23, 3), ("RM019", 26, 25)],
    # Issue #5962: ociNamespaces on v0.12.2 is an unknown field.
    "30-vsphere-ocinamespaces-on-v0-12.yaml": [("RM028", 31, 5)],
    # net.JoinHostPort makes "[10.20.0.50:5000]:443".
    "31-vsphere-endpoint-with-port.yaml": [("RM009", 29, 15)],
    # The registry's own certificate (CA:FALSE) instead of its CA.
    "32-vsphere-leaf-certificate.yaml": [("RM015", 31, 20)],
    # A pull request's paste: "...", a registry with a path (and no RM010 for it).
    "33-nutanix-pr-paste.yaml": [
        ("RM024", 6, 3), ("RM012", 10, 19), ("RM016", 12, 19), ("RM019", 13, 25),
    ],
    # A tab in a machine config: RM024 there, the Cluster's findings unchanged.
    "34-vsphere-tab-in-machine-config.yaml": [("RM008", 30, 11), ("RM024", 75, 1)],
    # A team template: one RM032 for the placeholder endpoint; regional packages namespace.
    "35-vsphere-template-placeholders.yaml": [
        ("RM032", 29, 15), ("RM021", 35, 20), ("RM016", 36, 19),
    ],
    # Snow Bottlerocket nodes do get credentials (CAPI bootstrap): no RM017.
    "36-snow-bottlerocket-authenticate.yaml": [("RM016", 29, 19)],
    # A tab before osFamily: ubuntu. The machines' OS family is unknown while the line is
    # broken: no RM005 "defaults to bottlerocket", and no RM019 (which RM005 would replace).
    "37-vsphere-tab-before-osfamily.yaml": [("RM024", 53, 1)],
    # Tabs on two other lines of the same spec: each at its tab, osFamily between them is read.
    "38-vsphere-tabs-on-two-lines-of-a-spec.yaml": [
        ("RM019", 29, 25), ("RM024", 52, 1), ("RM024", 55, 1),
    ],
    # port: "443 left open: RM024 at the quote, RM019 on the intact insecureSkipVerify below.
    "39-vsphere-mirror-port-quote-open.yaml": [("RM024", 28, 11), ("RM019", 29, 25)],
    # The docs' RM024 example in a whole spec: at the quote (column 15), no RM001.
    "40-vsphere-endpoint-quote-open-multi-doc.yaml": [("RM024", 27, 15)],
    # "authenticate true" without its colon: RM024 at the line; the key being typed is
    # authenticate (no RM016), so insecureSkipVerify below is judged (RM019).
    "41-vsphere-mirror-key-without-colon.yaml": [("RM024", 29, 5), ("RM019", 30, 25)],
    # An ociNamespaces entry's registry "[public.ecr.aws" left open: RM024 at the bracket; the
    # lost entry may have been public.ecr.aws (no RM010); insecureSkipVerify is judged.
    "42-vsphere-oci-entry-bracket-open.yaml": [("RM024", 30, 17), ("RM019", 34, 25)],
    # The external etcd machineGroupRef's kind left open: which machine the etcd runs on is
    # unknown, so neither RM005 (its machine is Bottlerocket) nor RM019 (which RM005 replaces).
    "43-vsphere-etcd-ref-quote-open.yaml": [("RM024", 25, 13)],
    # port one column deeper than endpoint: RM024 at the line, RM019 still on the flag below.
    "44-vsphere-mirror-port-one-space-off.yaml": [("RM024", 28, 6), ("RM019", 29, 25)],
}  # fmt: skip


def test_the_table_covers_every_file() -> None:
    names = sorted(p.name for p in REALWORLD.glob("*.yaml"))
    assert names == sorted(EXPECTED)
    assert len(names) >= 30


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_realworld_spec(name: str) -> None:
    text = (REALWORLD / name).read_text(encoding="utf-8")
    found = analyze(text, OPTIONS).findings
    rows = [(f.code, f.span.start.line + 1, f.span.start.column + 1) for f in found]
    assert rows == EXPECTED[name]
