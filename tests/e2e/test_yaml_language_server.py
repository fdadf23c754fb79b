"""The published schema in the real yaml-language-server (pinned in tests/e2e/yls/).

The server runs over stdio, offline: SchemaStore and the Kubernetes CRD store are off, and
the cluster schema is associated three ways: the fixtures' relative modeline, an absolute
modeline, and the ``yaml.schemas`` setting. Fixture lines marked ``# expect: RMxxx`` are the
only lines that may be reported.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lspclient import LspClient, editor_capabilities, path_to_uri

pytestmark = pytest.mark.e2e

E2E_DIR = Path(__file__).resolve().parent
REPO = E2E_DIR.parents[1]
SCHEMA_DIR = REPO / "schema"
CLUSTER_SCHEMA = SCHEMA_DIR / "eksa-cluster.schema.json"
MIRROR_SCHEMA = SCHEMA_DIR / "registry-mirror-configuration.schema.json"
FIXTURES = sorted((E2E_DIR / "fixtures" / "yls").glob("*.eksa.yaml"))
EXAMPLES = sorted((REPO / "examples").glob("*.yaml"))
STRUCTURAL_CODES = {"RM001", "RM002", "RM003", "RM006", "RM007", "RM008", "RM009", "RM012"}
EXPECT_RE = re.compile(r"#\s*expect:\s*(RM\d{3})\b")
MODELINE_RE = re.compile(r"^#\s*yaml-language-server:\s*\$schema=\S+$", re.MULTILINE)
LOCAL_MARKER = "[local copy of the schema]"
MIRROR = json.loads(MIRROR_SCHEMA.read_text(encoding="utf-8"))


def expected(text: str) -> dict[int, set[str]]:
    """1-based line -> the rule codes its ``# expect:`` comment names."""
    lines: dict[int, set[str]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        codes = set(EXPECT_RE.findall(line))
        if codes:
            lines[number] = codes
    return lines


def diag_lines(diagnostics: list[dict[str, Any]]) -> set[int]:
    return {d["range"]["start"]["line"] + 1 for d in diagnostics}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ws = tmp_path_factory.mktemp("yls-workspace")
    for fixture in FIXTURES:
        text = fixture.read_text(encoding="utf-8")
        stem = fixture.name.removesuffix(".eksa.yaml")
        # Same line numbers in every copy: the modeline line is replaced, never removed.
        absolute = MODELINE_RE.sub(f"# yaml-language-server: $schema={CLUSTER_SCHEMA}", text)
        plain = MODELINE_RE.sub("# schema from the yaml.schemas setting", text)
        (ws / f"{stem}.absolute.yaml").write_text(absolute, encoding="utf-8")
        (ws / f"{stem}.assoc.yaml").write_text(plain, encoding="utf-8")
    for example in EXAMPLES:
        text = MODELINE_RE.sub(
            "# schema from the yaml.schemas setting", example.read_text(encoding="utf-8")
        )
        (ws / f"example-{example.stem}.assoc.yaml").write_text(text, encoding="utf-8")
    # A local copy of both schemas whose mirror schema is marked: a diagnostic carrying the
    # marker proves the relative $ref was resolved to the sibling file, not to the $id URL.
    local = ws / "local-schema"
    local.mkdir()
    shutil.copy(CLUSTER_SCHEMA, local / CLUSTER_SCHEMA.name)
    mirror = json.loads(MIRROR_SCHEMA.read_text(encoding="utf-8"))
    endpoint = mirror["properties"]["endpoint"]
    endpoint["patternErrorMessage"] += " " + LOCAL_MARKER
    (local / MIRROR_SCHEMA.name).write_text(json.dumps(mirror, indent=2), encoding="utf-8")
    return ws


@pytest.fixture(scope="module")
def yls(yls_command: list[str], workspace: Path) -> Iterator[LspClient]:
    settings: dict[str, Any] = {
        "yaml": {
            "validate": True,
            "hover": True,
            "completion": True,
            "schemaStore": {"enable": False},
            "kubernetesCRDStore": {"enable": False},
            "schemas": {
                str(CLUSTER_SCHEMA): ["*.assoc.yaml"],
                str(workspace / "local-schema" / CLUSTER_SCHEMA.name): ["*.local.yaml"],
            },
        },
        "http": {"proxy": "", "proxyStrictSSL": True},
        "[yaml]": {"yaml.validate": True},
        "editor": {"tabSize": 2, "insertSpaces": True},
    }
    client = LspClient(yls_command, settings=settings, cwd=workspace)
    try:
        info = client.initialize(editor_capabilities(), root=workspace)
        assert info["serverInfo"]["name"] == "yaml-language-server"
        yield client
    finally:
        client.close()


def diagnose(client: LspClient, path: Path, text: str | None = None) -> list[dict[str, Any]]:
    uri = path_to_uri(path)
    before = client.publications(uri)
    client.open(uri, path.read_text(encoding="utf-8") if text is None else text)
    try:
        diagnostics = client.wait_diagnostics(uri, after=before)
    finally:
        client.close_document(uri)
    # Schema-loading problems would otherwise look like a clean file or a wrong line.
    for d in diagnostics:
        assert "Problems loading reference" not in d["message"], d
        assert "Unable to load schema" not in d["message"], d
    return diagnostics


def check_fixture(diagnostics: list[dict[str, Any]], text: str) -> None:
    want = expected(text)
    shown = [(d["range"]["start"]["line"] + 1, d["message"]) for d in diagnostics]
    assert diag_lines(diagnostics) == set(want), shown
    for d in diagnostics:
        assert d.get("source", "").startswith("yaml-schema:"), d  # no YAML syntax errors


def test_workspace_configuration_is_pulled(yls: LspClient, workspace: Path) -> None:
    diagnose(yls, FIXTURES[0])
    assert any("[yaml]" in sections for sections in yls.config_requests)


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.name for f in FIXTURES])
def test_relative_modeline(yls: LspClient, fixture: Path) -> None:
    check_fixture(diagnose(yls, fixture), fixture.read_text(encoding="utf-8"))


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.name for f in FIXTURES])
def test_absolute_modeline(yls: LspClient, workspace: Path, fixture: Path) -> None:
    copy = workspace / fixture.name.replace(".eksa.yaml", ".absolute.yaml")
    text = copy.read_text(encoding="utf-8")
    assert f"$schema={CLUSTER_SCHEMA}" in text
    check_fixture(diagnose(yls, copy), text)


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.name for f in FIXTURES])
def test_yaml_schemas_setting(yls: LspClient, workspace: Path, fixture: Path) -> None:
    copy = workspace / fixture.name.replace(".eksa.yaml", ".assoc.yaml")
    text = copy.read_text(encoding="utf-8")
    assert "yaml-language-server:" not in text
    check_fixture(diagnose(yls, copy), text)


def test_messages_come_from_the_schema(yls: LspClient) -> None:
    fixture = next(f for f in FIXTURES if f.name == "invalid-structural.eksa.yaml")
    text = fixture.read_text(encoding="utf-8")
    by_line: dict[int, list[str]] = {}
    for d in diagnose(yls, fixture):
        by_line.setdefault(d["range"]["start"]["line"] + 1, []).append(d["message"])
    lines = text.splitlines()

    def line_of(prefix: str) -> int:
        return next(i for i, line in enumerate(lines, start=1) if line.strip().startswith(prefix))

    props = MIRROR["properties"]
    assert by_line[line_of("endpoint:")] == [props["endpoint"]["patternErrorMessage"]]
    assert by_line[line_of("port:")] == [props["port"]["errorMessage"]]
    assert by_line[line_of("authenticate:")] == [props["authenticate"]["errorMessage"]]
    assert by_line[line_of("mirrorPort:")] == ["Property mirrorPort is not allowed."]
    registry = props["ociNamespaces"]["items"]["properties"]["registry"]
    assert registry["patternErrorMessage"] in by_line[line_of('- registry: ""')]


@pytest.mark.parametrize("route", ["modeline", "yaml.schemas"])
def test_relative_ref_resolves_offline_to_the_sibling_file(
    yls: LspClient, workspace: Path, route: str
) -> None:
    body = (
        "apiVersion: anywhere.eks.amazonaws.com/v1alpha1\n"
        "kind: Cluster\n"
        "metadata:\n  name: probe\n"
        "spec:\n  registryMirrorConfiguration:\n    endpoint: https://registry.example.com\n"
    )
    if route == "modeline":
        path = workspace / "probe-modeline.yaml"
        text = "# yaml-language-server: $schema=local-schema/eksa-cluster.schema.json\n" + body
    else:
        path = workspace / "probe.local.yaml"
        text = "# schema from yaml.schemas\n" + body
    path.write_text(text, encoding="utf-8")
    (diagnostic,) = diagnose(yls, path)
    assert diagnostic["range"]["start"]["line"] == 7
    assert diagnostic["message"].endswith(LOCAL_MARKER)


CLUSTER_HEAD = (
    "# yaml-language-server: $schema={schema}\n"
    "apiVersion: anywhere.eks.amazonaws.com/v1alpha1\n"
    "kind: Cluster\n"
    "metadata:\n"
    "  name: completion\n"
    "spec:\n"
)


def complete(
    client: LspClient, path: Path, text: str, line: int, character: int
) -> list[dict[str, Any]]:
    uri = path_to_uri(path)
    before = client.publications(uri)
    client.open(uri, text)
    try:
        client.wait_diagnostics(uri, after=before)
        result = client.result(
            "textDocument/completion",
            {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}},
        )
    finally:
        client.close_document(uri)
    items: list[dict[str, Any]] = result["items"] if isinstance(result, dict) else (result or [])
    return items


def test_completion_through_if_then_offers_the_mirror_keys(yls: LspClient, workspace: Path) -> None:
    text = CLUSTER_HEAD.format(schema=CLUSTER_SCHEMA) + (
        "  registryMirrorConfiguration:\n    endpoint: registry.example.com\n    \n"
    )
    items = complete(yls, workspace / "complete-keys.yaml", text, line=8, character=4)
    labels = {i["label"] for i in items}
    assert {
        "port",
        "ociNamespaces",
        "caCertContent",
        "authenticate",
        "insecureSkipVerify",
    } <= labels
    assert "endpoint" not in labels  # already present
    port = next(i for i in items if i["label"] == "port")
    assert port["insertText"].startswith("port: ")
    # The root defaultSnippets, minus the keys already written.
    snippet = next(i for i in items if i["label"] == "registry mirror")
    assert 'port: "${2:443}"' in snippet["insertText"]
    assert "registry: public.ecr.aws" in snippet["insertText"]


def test_completion_of_an_empty_mirror_block(yls: LspClient, workspace: Path) -> None:
    text = CLUSTER_HEAD.format(schema=CLUSTER_SCHEMA) + "  registryMirrorConfiguration:\n    \n"
    items = complete(yls, workspace / "complete-empty.yaml", text, line=7, character=4)
    labels = {i["label"] for i in items}
    assert set(MIRROR["properties"]) <= labels
    assert {"registry mirror", "registry mirror (authenticated)"} <= labels


def test_completion_inside_an_oci_namespace_entry(yls: LspClient, workspace: Path) -> None:
    text = CLUSTER_HEAD.format(schema=CLUSTER_SCHEMA) + (
        "  registryMirrorConfiguration:\n"
        "    endpoint: registry.example.com\n"
        "    ociNamespaces:\n"
        "      - \n"
    )
    items = complete(yls, workspace / "complete-item.yaml", text, line=9, character=8)
    labels = {i["label"] for i in items}
    assert {"registry", "namespace"} <= labels
    entry = next(i for i in items if i["label"] == "registry / namespace")
    assert entry["insertText"] == 'registry: ${1:public.ecr.aws}\n  namespace: "${2}"'


def test_port_value_completion_is_quoted(yls: LspClient, workspace: Path) -> None:
    text = CLUSTER_HEAD.format(schema=CLUSTER_SCHEMA) + (
        "  registryMirrorConfiguration:\n    endpoint: registry.example.com\n    port: \n"
    )
    items = complete(yls, workspace / "complete-port.yaml", text, line=8, character=10)
    assert {i["insertText"] for i in items} >= {'"443"', '"5000"'}


def test_no_mirror_completion_outside_an_eksa_cluster(yls: LspClient, workspace: Path) -> None:
    text = (
        f"# yaml-language-server: $schema={CLUSTER_SCHEMA}\n"
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n  \n"
    )
    items = complete(yls, workspace / "complete-other.yaml", text, line=6, character=2)
    assert "registryMirrorConfiguration" not in {i["label"] for i in items}


def test_hover_shows_the_markdown_description(yls: LspClient, workspace: Path) -> None:
    text = CLUSTER_HEAD.format(schema=CLUSTER_SCHEMA) + (
        '  registryMirrorConfiguration:\n    endpoint: registry.example.com\n    port: "443"\n'
    )
    path = workspace / "hover.yaml"
    uri = path_to_uri(path)
    before = yls.publications(uri)
    yls.open(uri, text)
    try:
        assert yls.wait_diagnostics(uri, after=before) == []
        hovers = {}
        for key, line in (("registryMirrorConfiguration", 6), ("port", 8)):
            result = yls.result(
                "textDocument/hover",
                {"textDocument": {"uri": uri}, "position": {"line": line, "character": 6}},
            )
            hovers[key] = result["contents"]["value"]
    finally:
        yls.close_document(uri)
    assert MIRROR["markdownDescription"] in hovers["registryMirrorConfiguration"]
    assert MIRROR["properties"]["port"]["markdownDescription"] in hovers["port"]


# ---- yaml-language-server and `eksa-mirror validate` agree on structural faults ----------


def run_validate(path: Path) -> list[dict[str, Any]]:
    proc = subprocess.run(
        [sys.executable, "-m", "eksa_mirror", "validate", "--format", "json", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )
    assert proc.returncode in (0, 1), proc.stderr
    findings: list[dict[str, Any]] = json.loads(proc.stdout)
    return findings


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.name for f in FIXTURES])
def test_validate_reports_the_same_structural_lines(yls: LspClient, fixture: Path) -> None:
    text = fixture.read_text(encoding="utf-8")
    yls_lines = diag_lines(diagnose(yls, fixture))
    findings = [f for f in run_validate(fixture) if f["code"] in STRUCTURAL_CODES]
    assert {f["line"] for f in findings} == yls_lines, findings
    for line, codes in expected(text).items():
        assert codes <= {f["code"] for f in findings if f["line"] == line}, (line, findings)


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.name for e in EXAMPLES])
def test_examples_agree_with_validate(yls: LspClient, workspace: Path, example: Path) -> None:
    """The README examples, through yaml.schemas: same structural lines as validate."""
    copy = workspace / f"example-{example.stem}.assoc.yaml"
    yls_lines = diag_lines(diagnose(yls, copy))
    findings = [f for f in run_validate(example) if f["code"] in STRUCTURAL_CODES]
    assert {f["line"] for f in findings} == yls_lines, findings
    if example.name.startswith("valid"):
        assert yls_lines == set()
