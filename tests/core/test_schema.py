"""The published JSON Schemas: metaschema validity, offline ``$ref`` resolution, keywords.

The Python core maps ``jsonschema`` errors to rule codes by keyword and path, so the
invalid cases below assert the exact failing keyword (``validator``) and instance path.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from support import REPO

ROOT = REPO
SCHEMA_DIR = ROOT / "schema"
MIRROR_FILE = SCHEMA_DIR / "registry-mirror-configuration.schema.json"
CLUSTER_FILE = SCHEMA_DIR / "eksa-cluster.schema.json"
CATALOG_FILE = SCHEMA_DIR / "catalog.json"
CORPUS = ROOT.parent / "shared" / "corpus" / "eksa-testdata"
SPECS = ROOT / "tests" / "data" / "specs"
NO_CORPUS = (
    "the EKS Anywhere test-data corpus lies only beside the project's workspace "
    "(../shared/corpus/eksa-testdata); test_spec_document covers the same ground"
)
ID_BASE = "https://raw.githubusercontent.com/eksa-mirror/eksa-mirror/main/schema/"
MIRROR_PROPERTIES = [
    "endpoint",
    "port",
    "ociNamespaces",
    "caCertContent",
    "authenticate",
    "insecureSkipVerify",
]


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


MIRROR = load(MIRROR_FILE)
CLUSTER = load(CLUSTER_FILE)


def build_registry() -> Registry[Any]:
    """A registry of the two files only: any other URI is unresolvable (no network)."""
    resources = [
        (s["$id"], Resource.from_contents(s, default_specification=DRAFT7))
        for s in (MIRROR, CLUSTER)
    ]
    return Registry().with_resources(resources)


REGISTRY = build_registry()
MIRROR_VALIDATOR = Draft7Validator(MIRROR, registry=REGISTRY)
CLUSTER_VALIDATOR = Draft7Validator(CLUSTER, registry=REGISTRY)


def errors(validator: Draft7Validator, instance: Any) -> list[tuple[str, list[str | int]]]:
    return sorted(
        ((str(e.validator), list(e.absolute_path)) for e in validator.iter_errors(instance)),
        key=repr,
    )


def valid_mirror(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"endpoint": "registry.example.com"}
    base.update(overrides)
    return base


def cluster_doc(
    mirror: Any, api_version: str = "anywhere.eks.amazonaws.com/v1alpha1"
) -> dict[str, Any]:
    return {
        "apiVersion": api_version,
        "kind": "Cluster",
        "metadata": {"name": "c"},
        "spec": {"kubernetesVersion": "1.31", "registryMirrorConfiguration": mirror},
    }


# ---- the schema files themselves ---------------------------------------------------------


@pytest.mark.parametrize("schema", [MIRROR, CLUSTER], ids=["mirror", "cluster"])
def test_schema_is_valid_draft7(schema: dict[str, Any]) -> None:
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    Draft7Validator.check_schema(schema)
    assert schema["title"] and schema["description"]


def test_ids() -> None:
    assert MIRROR["$id"] == ID_BASE + "registry-mirror-configuration.schema.json"
    assert CLUSTER["$id"] == ID_BASE + "eksa-cluster.schema.json"


def test_mirror_root_contract() -> None:
    assert MIRROR["type"] == "object"
    assert MIRROR["additionalProperties"] is False
    assert MIRROR["required"] == ["endpoint"]
    assert list(MIRROR["properties"]) == MIRROR_PROPERTIES
    item = MIRROR["properties"]["ociNamespaces"]["items"]
    assert item["additionalProperties"] is False
    assert sorted(item["required"]) == ["namespace", "registry"]
    assert list(item["properties"]) == ["registry", "namespace"]


def test_relative_ref_resolves_through_local_registry() -> None:
    mirror_prop = CLUSTER["then"]["properties"]["spec"]["properties"]["registryMirrorConfiguration"]
    ref = mirror_prop["then"]["$ref"]
    assert ref == "registry-mirror-configuration.schema.json"  # relative: a local copy works
    resolver = REGISTRY.resolver(base_uri=CLUSTER["$id"])
    resolved = resolver.lookup(ref)
    assert resolved.contents is MIRROR
    assert resolver.lookup(ref + "#/properties/port").contents["type"] == "string"


def test_unknown_uri_is_not_fetched() -> None:
    from referencing.exceptions import Unresolvable

    with pytest.raises(Unresolvable):
        REGISTRY.resolver(base_uri=CLUSTER["$id"]).lookup("other.schema.json")


def test_cluster_schema_documents_the_mirror_key_like_the_mirror_schema() -> None:
    """The wrapper repeats the mirror root's documentation; they must not drift apart."""
    prop = CLUSTER["then"]["properties"]["spec"]["properties"]["registryMirrorConfiguration"]
    for key in ("title", "description", "markdownDescription"):
        assert prop[key] == MIRROR[key]
    assert "$ref" not in prop  # draft-07 ignores $ref siblings


def walk_properties(schema: dict[str, Any], path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    yield path or "<root>", schema
    for name, sub in schema.get("properties", {}).items():
        yield from walk_properties(sub, f"{path}.{name}" if path else name)
    if isinstance(schema.get("items"), dict):
        yield from walk_properties(schema["items"], f"{path}[]")


MIRROR_NODES = list(walk_properties(MIRROR))


@pytest.mark.parametrize("path,node", MIRROR_NODES, ids=[p for p, _ in MIRROR_NODES])
def test_every_node_is_documented(path: str, node: dict[str, Any]) -> None:
    assert isinstance(node.get("description"), str) and node["description"].strip(), path
    markdown = node.get("markdownDescription")
    assert isinstance(markdown, str) and markdown.strip(), path
    assert 3 <= len(markdown.strip().splitlines()) <= 16, path
    assert "```yaml" in markdown, f"{path}: the hover text should show a short YAML example"


@pytest.mark.parametrize("path,node", MIRROR_NODES, ids=[p for p, _ in MIRROR_NODES])
def test_messages_and_patterns(path: str, node: dict[str, Any]) -> None:
    if "pattern" in node:
        assert node.get("patternErrorMessage"), path
    if node.get("type") != "object":
        # On objects errorMessage would also replace yaml-language-server's "Property x is
        # not allowed" and "Missing property" messages, so only scalars and arrays carry it.
        assert node.get("errorMessage"), path
    else:
        assert "errorMessage" not in node, path


def test_documentation_mentions_the_facts_users_need() -> None:
    props = MIRROR["properties"]
    assert "EKSA_REGISTRY_MIRROR_CA" in props["caCertContent"]["markdownDescription"]
    auth = props["authenticate"]["markdownDescription"]
    for needle in (
        "REGISTRY_USERNAME",
        "REGISTRY_PASSWORD",
        "eksa-system/registry-credentials",
        "Snow",
    ):
        assert needle in auth
    insecure = props["insecureSkipVerify"]["markdownDescription"]
    assert "Ubuntu and RHEL" in insecure and "Bottlerocket" in insecure
    oci = props["ociNamespaces"]["markdownDescription"]
    assert "public.ecr.aws" in oci and "/v2/<namespace>" in oci
    assert "<endpoint>:<port>" in props["endpoint"]["markdownDescription"]
    assert props["port"]["default"] == "443"
    assert props["port"]["examples"] == ["443", "5000"]
    assert props["authenticate"]["default"] is False
    assert props["insecureSkipVerify"]["default"] is False


def test_default_snippets_are_valid_once_expanded() -> None:
    """Snippet bodies are YAML text for yaml-language-server; expanded, they must validate."""
    import re

    def expand(value: Any) -> Any:
        if isinstance(value, str):
            text = re.sub(r"\$\{\d+:([^}]*)\}", r"\1", value)
            text = re.sub(r"\$\{\d+\}|\$\d+", "", text)
            return yaml.safe_load(f"v: {text}")["v"] if text else ""
        if isinstance(value, dict):
            return {k: expand(v) for k, v in value.items()}
        if isinstance(value, list):
            return [expand(v) for v in value]
        return value

    root_snippets = MIRROR["defaultSnippets"]
    assert len(root_snippets) >= 2
    assert any(s["body"].get("authenticate") is True for s in root_snippets)
    for snippet in root_snippets:
        body = expand(snippet["body"])
        body["endpoint"] = body["endpoint"] or "registry.example.com"
        assert errors(MIRROR_VALIDATOR, body) == [], snippet["label"]
        assert body["port"] == "443"  # quoted in the inserted text: a string, not an int
        assert body["ociNamespaces"][0]["registry"] == "public.ecr.aws"
    oci = MIRROR["properties"]["ociNamespaces"]
    # yaml-language-server expects an object body for an array schema (it adds the "- ").
    (array_snippet,) = oci["defaultSnippets"]
    assert expand(array_snippet["body"]) == {"registry": "public.ecr.aws", "namespace": ""}
    for snippet in oci["items"]["defaultSnippets"]:
        assert errors(MIRROR_VALIDATOR, valid_mirror(ociNamespaces=[expand(snippet["body"])])) == []


def test_catalog() -> None:
    catalog = load(CATALOG_FILE)
    assert catalog["$schema"] == "https://json.schemastore.org/schema-catalog.json"
    assert catalog["version"] == 1
    urls = {entry["url"] for entry in catalog["schemas"]}
    assert urls == {MIRROR["$id"], CLUSTER["$id"]}
    for entry in catalog["schemas"]:
        assert set(entry) == {"name", "description", "fileMatch", "url"}
        assert entry["name"] and entry["description"] and entry["fileMatch"]
    cluster_entry = next(e for e in catalog["schemas"] if e["url"] == CLUSTER["$id"])
    assert "*.eksa.yaml" in cluster_entry["fileMatch"]


# ---- the mirror schema, keyword by keyword -----------------------------------------------

VALID_MIRRORS: list[tuple[str, dict[str, Any]]] = [
    ("minimal", valid_mirror()),
    ("ipv4", valid_mirror(endpoint="10.0.0.5")),
    ("docs-ip", valid_mirror(endpoint="192.168.0.1")),
    ("ipv6-bare", valid_mirror(endpoint="fd00::1")),
    ("ipv6-full", valid_mirror(endpoint="2001:db8:0:0:0:0:0:1")),
    ("ipv6-v4-tail", valid_mirror(endpoint="::ffff:10.0.0.5")),
    ("single-label", valid_mirror(endpoint="harbor")),
    ("port-443", valid_mirror(port="443")),
    ("port-plus", valid_mirror(port="+443")),
    ("port-leading-zero", valid_mirror(port="0443")),
    ("port-empty-default", valid_mirror(port="")),
    ("port-1", valid_mirror(port="1")),
    ("port-max", valid_mirror(port="65535")),
    ("oci-empty-list", valid_mirror(ociNamespaces=[])),
    (
        "oci-full",
        valid_mirror(
            ociNamespaces=[
                {"registry": "public.ecr.aws", "namespace": ""},
                {
                    "registry": "783794618700.dkr.ecr.us-west-2.amazonaws.com",
                    "namespace": "eks-anywhere",
                },
                {"registry": "registry.local:5000", "namespace": "a/b"},
                {"registry": "[fd00::1]:5000", "namespace": "x"},
                {"registry": "localhost", "namespace": "../odd but schema-valid"},
            ]
        ),
    ),
    ("ca", valid_mirror(caCertContent="-----BEGIN CERTIFICATE-----\n...\n")),
    ("ca-not-pem", valid_mirror(caCertContent="not checked by the schema")),
    ("authenticate", valid_mirror(authenticate=True)),
    ("insecure", valid_mirror(insecureSkipVerify=False)),
    (
        "everything",
        valid_mirror(
            port="5000",
            ociNamespaces=[{"registry": "public.ecr.aws", "namespace": ""}],
            caCertContent="pem",
            authenticate=False,
            insecureSkipVerify=True,
        ),
    ),
]


@pytest.mark.parametrize(
    "instance", [m for _, m in VALID_MIRRORS], ids=[n for n, _ in VALID_MIRRORS]
)
def test_valid_mirror(instance: dict[str, Any]) -> None:
    assert errors(MIRROR_VALIDATOR, instance) == []
    assert errors(CLUSTER_VALIDATOR, cluster_doc(instance)) == []


E = "endpoint"
INVALID_MIRRORS: list[tuple[str, Any, list[tuple[str, list[str | int]]]]] = [
    ("not-a-mapping", ["endpoint"], [("type", [])]),
    ("missing-endpoint", {"port": "443"}, [("required", [])]),
    ("endpoint-scheme", {E: "https://x"}, [("pattern", [E])]),
    ("endpoint-port", {E: "x:5000"}, [("pattern", [E])]),
    ("endpoint-path", {E: "x/path"}, [("pattern", [E])]),
    ("endpoint-brackets", {E: "[fd00::1]"}, [("pattern", [E])]),
    ("endpoint-leading-space", {E: " x"}, [("pattern", [E])]),
    ("endpoint-trailing-dot", {E: "x."}, [("pattern", [E])]),
    ("endpoint-hyphen-label", {E: "-x.example"}, [("pattern", [E])]),
    ("endpoint-empty", {E: ""}, [("minLength", [E]), ("pattern", [E])]),
    ("endpoint-int", {E: 10}, [("type", [E])]),
    ("port-int", {E: "x", "port": 443}, [("type", ["port"])]),
    ("port-zero", {E: "x", "port": "0"}, [("pattern", ["port"])]),
    ("port-too-big", {E: "x", "port": "65536"}, [("pattern", ["port"])]),
    ("port-leading-space", {E: "x", "port": " 443"}, [("pattern", ["port"])]),
    ("port-negative", {E: "x", "port": "-1"}, [("pattern", ["port"])]),
    ("port-hex", {E: "x", "port": "0x1bb"}, [("pattern", ["port"])]),
    ("port-null", {E: "x", "port": None}, [("type", ["port"])]),
    ("oci-not-list", {E: "x", "ociNamespaces": {"registry": "a"}}, [("type", ["ociNamespaces"])]),
    (
        "oci-item-not-mapping",
        {E: "x", "ociNamespaces": ["public.ecr.aws"]},
        [("type", ["ociNamespaces", 0])],
    ),
    (
        "oci-missing-namespace",
        {E: "x", "ociNamespaces": [{"registry": "public.ecr.aws"}]},
        [("required", ["ociNamespaces", 0])],
    ),
    (
        "oci-missing-registry",
        {E: "x", "ociNamespaces": [{"namespace": ""}]},
        [("required", ["ociNamespaces", 0])],
    ),
    (
        "oci-empty-registry",
        {E: "x", "ociNamespaces": [{"registry": "", "namespace": ""}]},
        [
            ("minLength", ["ociNamespaces", 0, "registry"]),
            ("pattern", ["ociNamespaces", 0, "registry"]),
        ],
    ),
    (
        "oci-registry-scheme",
        {E: "x", "ociNamespaces": [{"registry": "https://public.ecr.aws", "namespace": ""}]},
        [("pattern", ["ociNamespaces", 0, "registry"])],
    ),
    (
        "oci-registry-path",
        {E: "x", "ociNamespaces": [{"registry": "public.ecr.aws/eks", "namespace": ""}]},
        [("pattern", ["ociNamespaces", 0, "registry"])],
    ),
    (
        "oci-namespace-int",
        {E: "x", "ociNamespaces": [{"registry": "a", "namespace": 5}]},
        [("type", ["ociNamespaces", 0, "namespace"])],
    ),
    (
        "oci-namespace-null",
        {E: "x", "ociNamespaces": [{"registry": "a", "namespace": None}]},
        [("type", ["ociNamespaces", 0, "namespace"])],
    ),
    (
        "oci-unknown-key",
        {E: "x", "ociNamespaces": [{"registry": "a", "namespace": "", "path": "/v2"}]},
        [("additionalProperties", ["ociNamespaces", 0])],
    ),
    ("ca-int", {E: "x", "caCertContent": 5}, [("type", ["caCertContent"])]),
    ("authenticate-string", {E: "x", "authenticate": "true"}, [("type", ["authenticate"])]),
    ("authenticate-yes-string", {E: "x", "authenticate": "yes"}, [("type", ["authenticate"])]),
    (
        "insecure-string",
        {E: "x", "insecureSkipVerify": "false"},
        [("type", ["insecureSkipVerify"])],
    ),
    ("insecure-int", {E: "x", "insecureSkipVerify": 1}, [("type", ["insecureSkipVerify"])]),
    ("unknown-key", {E: "x", "mirrorPort": "443"}, [("additionalProperties", [])]),
    ("wrong-casing", {E: "x", "CACertContent": "pem"}, [("additionalProperties", [])]),
    ("credentials", {E: "x", "username": "u", "password": "p"}, [("additionalProperties", [])]),
]


@pytest.mark.parametrize(
    "instance,expected",
    [(i, e) for _, i, e in INVALID_MIRRORS],
    ids=[n for n, _, _ in INVALID_MIRRORS],
)
def test_invalid_mirror(instance: Any, expected: list[tuple[str, list[str | int]]]) -> None:
    assert errors(MIRROR_VALIDATOR, instance) == sorted(expected, key=repr)
    # Through the cluster schema: the same keywords, under spec.registryMirrorConfiguration.
    prefix: list[str | int] = ["spec", "registryMirrorConfiguration"]
    in_cluster = sorted(((k, prefix + p) for k, p in expected), key=repr)
    assert errors(CLUSTER_VALIDATOR, cluster_doc(instance)) == in_cluster


def test_error_messages_are_the_schema_keyword_errors() -> None:
    """The core reads the failing keyword; check one error object fully."""
    (error,) = MIRROR_VALIDATOR.iter_errors({"endpoint": "x", "port": 443})
    assert isinstance(error, ValidationError)
    assert error.validator == "type"
    assert error.validator_value == "string"
    assert list(error.absolute_schema_path) == ["properties", "port", "type"]
    assert error.schema["errorMessage"].startswith("port must be a quoted string")


# ---- the cluster-document schema ---------------------------------------------------------


def corpus_documents() -> list[tuple[str, int, Any]]:
    docs: list[tuple[str, int, Any]] = []
    for path in sorted(CORPUS.glob("*.yaml")):
        with path.open(encoding="utf-8") as handle:
            for index, doc in enumerate(yaml.safe_load_all(handle)):
                docs.append((path.name, index, doc))
    return docs


CORPUS_DOCS = corpus_documents() if CORPUS.is_dir() else []
# What EKS-A's own test files contain that the schema rightly rejects (see the corpus README):
# an unquoted integer port (kubectl rejects it) and the empty registry of invalid_registry.yaml.
CORPUS_EXPECTED: dict[str, list[tuple[str, list[str | int]]]] = {
    "pkg__api__v1alpha1__testdata__invalid_registry.yaml": [
        ("minLength", ["spec", "registryMirrorConfiguration", "ociNamespaces", 0, "registry"]),
        ("pattern", ["spec", "registryMirrorConfiguration", "ociNamespaces", 0, "registry"]),
    ],
    "pkg__providers__cloudstack__testdata__cluster_mirror_with_cert_config.yaml": [],
}
INT_PORT = [("type", ["spec", "registryMirrorConfiguration", "port"])]


@pytest.mark.skipif(not CORPUS_DOCS, reason=NO_CORPUS)
@pytest.mark.parametrize(
    "name,index,doc",
    CORPUS_DOCS,
    ids=[f"{n.split('__')[-1]}#{i}" for n, i, _ in CORPUS_DOCS],
)
def test_corpus_document(name: str, index: int, doc: Any) -> None:
    found = errors(CLUSTER_VALIDATOR, doc)
    if not (isinstance(doc, dict) and doc.get("kind") == "Cluster"):
        assert found == [], "non-Cluster documents are accepted unchanged"
        return
    assert found == sorted(CORPUS_EXPECTED.get(name, INT_PORT), key=repr)
    # Once the port is quoted, as the CRD requires, only invalid_registry stays invalid.
    mirror = doc["spec"]["registryMirrorConfiguration"]
    if isinstance(mirror.get("port"), int):
        mirror["port"] = str(mirror["port"])
    if "invalid_registry" not in name:
        assert errors(CLUSTER_VALIDATOR, doc) == []


def test_corpus_is_complete() -> None:
    if not CORPUS_DOCS:
        pytest.skip(NO_CORPUS)
    assert len({n for n, _, _ in CORPUS_DOCS}) == 10


def spec_documents() -> list[tuple[str, int, Any]]:
    docs: list[tuple[str, int, Any]] = []
    for path in sorted(SPECS.glob("*.yaml")):
        with path.open(encoding="utf-8") as handle:
            docs.extend((path.name, i, doc) for i, doc in enumerate(yaml.safe_load_all(handle)))
    return docs


SPEC_DOCS = spec_documents()
# The project's own specs (tests/data/specs): the integer ports and the empty registry.
SPEC_EXPECTED: dict[str, list[tuple[str, list[str | int]]]] = {
    "empty-oci-registry.yaml": CORPUS_EXPECTED[
        "pkg__api__v1alpha1__testdata__invalid_registry.yaml"
    ],
    "nutanix-insecure-auth.yaml": INT_PORT,
    "vsphere-port-integer.yaml": INT_PORT,
    "tinkerbell-quoted-ca.yaml": INT_PORT,
}


@pytest.mark.parametrize("name,index,doc", SPEC_DOCS, ids=[f"{n}#{i}" for n, i, _ in SPEC_DOCS])
def test_spec_document(name: str, index: int, doc: Any) -> None:
    found = errors(CLUSTER_VALIDATOR, doc)
    if doc.get("kind") != "Cluster":
        assert found == [], "non-Cluster documents are accepted unchanged"
        return
    assert found == sorted(SPEC_EXPECTED.get(name, []), key=repr)


A = "anywhere.eks.amazonaws.com/v1alpha1"
OTHER_DOCUMENTS: list[tuple[str, Any]] = [
    (
        "vsphere-dc",
        {
            "apiVersion": A,
            "kind": "VSphereDatacenterConfig",
            "spec": {"datacenter": "d", "insecure": True},
        },
    ),
    (
        "vsphere-mc",
        {"apiVersion": A, "kind": "VSphereMachineConfig", "spec": {"osFamily": "bottlerocket"}},
    ),
    (
        "tinkerbell-dc",
        {
            "apiVersion": A,
            "kind": "TinkerbellDatacenterConfig",
            "spec": {"tinkerbellIP": "1.2.3.4"},
        },
    ),
    (
        "tinkerbell-mc",
        {"apiVersion": A, "kind": "TinkerbellMachineConfig", "spec": {"osFamily": "ubuntu"}},
    ),
    (
        "tinkerbell-tc",
        {"apiVersion": A, "kind": "TinkerbellTemplateConfig", "spec": {"template": {}}},
    ),
    (
        "nutanix-dc",
        {
            "apiVersion": A,
            "kind": "NutanixDatacenterConfig",
            "spec": {"endpoint": "p", "port": 9440},
        },
    ),
    (
        "nutanix-mc",
        {"apiVersion": A, "kind": "NutanixMachineConfig", "spec": {"osFamily": "ubuntu"}},
    ),
    (
        "snow-dc",
        {
            "apiVersion": A,
            "kind": "SnowDatacenterConfig",
            "spec": {"identityRef": {"kind": "Secret"}},
        },
    ),
    ("snow-mc", {"apiVersion": A, "kind": "SnowMachineConfig", "spec": {"osFamily": "ubuntu"}}),
    ("snow-pool", {"apiVersion": A, "kind": "SnowIPPool", "spec": {"pools": []}}),
    ("cloudstack-dc", {"apiVersion": A, "kind": "CloudStackDatacenterConfig", "spec": {}}),
    (
        "cloudstack-mc",
        {"apiVersion": A, "kind": "CloudStackMachineConfig", "spec": {"template": {}}},
    ),
    ("docker-dc", {"apiVersion": A, "kind": "DockerDatacenterConfig", "spec": {}}),
    ("oidc", {"apiVersion": A, "kind": "OIDCConfig", "spec": {"clientId": "x"}}),
    ("aws-iam", {"apiVersion": A, "kind": "AWSIamConfig", "spec": {"awsRegion": "us-west-2"}}),
    ("gitops", {"apiVersion": A, "kind": "GitOpsConfig", "spec": {"flux": {}}}),
    ("flux", {"apiVersion": A, "kind": "FluxConfig", "spec": {"github": {}}}),
    ("secret", {"apiVersion": "v1", "kind": "Secret", "data": {"password": "cGFzcw=="}}),
    # Documents that carry a registryMirrorConfiguration but are not EKS-A Clusters.
    (
        "deployment",
        {"apiVersion": "apps/v1", "kind": "Deployment", "spec": {"registryMirrorConfiguration": 5}},
    ),
    (
        "capi-cluster",
        {
            "apiVersion": "cluster.x-k8s.io/v1beta1",
            "kind": "Cluster",
            "spec": {"registryMirrorConfiguration": 5},
        },
    ),
    (
        "eksa-other-kind",
        {
            "apiVersion": A,
            "kind": "VSphereMachineConfig",
            "spec": {"registryMirrorConfiguration": "x"},
        },
    ),
    (
        "lookalike-group",
        {
            "apiVersion": "x.anywhere.eks.amazonaws.com/v1",
            "kind": "Cluster",
            "spec": {"registryMirrorConfiguration": 5},
        },
    ),
    ("no-kind", {"apiVersion": A, "spec": {"registryMirrorConfiguration": 5}}),
    (
        "kind-lowercase",
        {"apiVersion": A, "kind": "cluster", "spec": {"registryMirrorConfiguration": 5}},
    ),
    (
        "apiversion-not-string",
        {"apiVersion": 1, "kind": "Cluster", "spec": {"registryMirrorConfiguration": 5}},
    ),
    # Cluster documents without a usable mirror section.
    (
        "cluster-no-mirror",
        {"apiVersion": A, "kind": "Cluster", "spec": {"kubernetesVersion": "1.31"}},
    ),
    ("cluster-null-mirror", cluster_doc(None)),
    (
        "cluster-future-version",
        cluster_doc(valid_mirror(), api_version="anywhere.eks.amazonaws.com/v1beta1"),
    ),
    ("cluster-no-spec", {"apiVersion": A, "kind": "Cluster"}),
    ("cluster-spec-null", {"apiVersion": A, "kind": "Cluster", "spec": None}),
    (
        "cluster-other-keys",
        {"apiVersion": A, "kind": "Cluster", "extra": 1, "spec": {"anything": [1, 2]}},
    ),
    # Not mappings at all: empty documents, lists, scalars.
    ("empty-document", None),
    ("list", [1, 2]),
    ("scalar", "text"),
]


@pytest.mark.parametrize(
    "doc", [d for _, d in OTHER_DOCUMENTS], ids=[n for n, _ in OTHER_DOCUMENTS]
)
def test_other_documents_are_accepted(doc: Any) -> None:
    assert errors(CLUSTER_VALIDATOR, doc) == []


@pytest.mark.parametrize("bad", [5, "x", ["endpoint"], True])
def test_cluster_mirror_must_be_a_mapping(bad: Any) -> None:
    assert errors(CLUSTER_VALIDATOR, cluster_doc(bad)) == [
        ("type", ["spec", "registryMirrorConfiguration"])
    ]


def test_v1beta1_cluster_is_checked_too() -> None:
    doc = cluster_doc({"endpoint": "https://x"}, api_version="anywhere.eks.amazonaws.com/v1beta1")
    assert errors(CLUSTER_VALIDATOR, doc) == [
        ("pattern", ["spec", "registryMirrorConfiguration", "endpoint"])
    ]


def test_pattern_trailing_newline_quirk() -> None:
    """Python's ``$`` also matches before a final newline (JavaScript's does not).

    ``endpoint: |`` block scalars end with a newline: the schema alone lets that through in
    Python, so the core must flag whitespace itself (RM009). This test pins the behaviour.
    """
    assert errors(MIRROR_VALIDATOR, {"endpoint": "registry.example.com\n"}) == []
    assert errors(MIRROR_VALIDATOR, {"endpoint": "registry.example.com\n\n"}) == [
        ("pattern", ["endpoint"])
    ]
