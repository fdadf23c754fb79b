"""Golden cases for ``explain``: provider x OS x release x (authenticate, CA, insecure,
namespaces, external etcd).

Each ``tests/data/explain-golden/<case>/`` holds a real ``cluster.yaml`` and an
``expected.txt`` written by hand from EKS Anywhere's templates (and the Cluster API and
etcdadm bootstrap code EKS-A ships) as cited in its header comment, never from
eksa-mirror's own output. The header holds ``key: <JSON>`` facts; each ``=== <what>``
section is the exact content of one node file or settings block:

* ``=== containerd <path>``: an Ubuntu/RHEL node file;
* ``=== bottlerocket.settings``: the Bottlerocket settings of control plane and workers;
* ``=== etcd <path>`` and ``=== etcd.bottlerocket_settings``: external etcd machines.

Every case is rendered through ``eksa-mirror explain --format json`` and compared key by key.
A case EKS-A refuses holds only ``refused: [code, line, column, message]`` facts: explain
exits 1 with those findings of validate's JSON, and renders nothing.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from typing import Any

import pytest

from support import DATA

GOLDEN = DATA / "explain-golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if p.is_dir())
USER, PASSWORD = "golden-user-Zq7", "golden-pass-Xy9"


@dataclass
class Expected:
    facts: dict[str, list[Any]] = field(default_factory=dict)
    sections: dict[str, str] = field(default_factory=dict)

    def take(self, key: str) -> list[Any]:
        return self.facts.pop(key, [])

    def one(self, key: str) -> Any:
        values = self.take(key)
        assert len(values) == 1, f"expected.txt needs exactly one {key!r}"
        return values[0]


def parse(text: str) -> Expected:
    expected = Expected()
    section: str | None = None
    for line in text.splitlines(keepends=True):
        if line.startswith("=== "):
            section = line.removeprefix("=== ").rstrip("\n")
            expected.sections[section] = ""
        elif section is not None:
            expected.sections[section] += line
        elif line.strip() and not line.startswith("#"):
            key, _, value = line.partition(": ")
            expected.facts.setdefault(key, []).append(json.loads(value))
    return expected


def run_explain(case: str, refused: bool = False) -> Any:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EKSA_", "REGISTRY_"))}
    env.update(REGISTRY_USERNAME=USER, REGISTRY_PASSWORD=PASSWORD, PYTHONIOENCODING="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "eksa_mirror",
            "explain",
            "--format",
            "json",
            str(GOLDEN / case / "cluster.yaml"),
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=60,
    )
    assert (result.returncode, result.stderr) == (1 if refused else 0, "")
    secret_b64 = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    for secret in (USER, PASSWORD, secret_b64):
        assert secret not in result.stdout, "a credential value was printed"
    return json.loads(result.stdout)


def files(prefix: str, expected: Expected) -> dict[str, str]:
    return {
        name.removeprefix(prefix): content
        for name, content in expected.sections.items()
        if name.startswith(prefix)
    }


def check_bottlerocket(got: dict[str, Any] | None, expected: Expected) -> None:
    if expected.take("bottlerocket") == [None]:
        assert got is None
        return
    assert got is not None
    for key in ("endpoint", "mirrors", "ignored", "credentials"):
        assert got[key] == expected.one(f"bottlerocket.{key}"), key
    assert got["settings"] == expected.sections["bottlerocket.settings"]


def check_etcd(data: dict[str, Any], expected: Expected) -> None:
    got = data["etcd"]
    if expected.take("etcd") == [None]:
        assert (got, data["etcd_endpoint"]) == (None, None)
        return
    assert got is not None
    assert got["endpoint"] == data["etcd_endpoint"] == expected.one("etcd.endpoint")
    assert got["os_family"] == expected.one("etcd.os_family")
    for commands in expected.take("etcd.pre_etcdadm_commands"):
        assert got["pre_etcdadm_commands"] == commands
    assert {f["path"]: f["content"] for f in got["files"]} == files("etcd ", expected)
    assert got["bottlerocket_settings"] == expected.sections.get("etcd.bottlerocket_settings", "")
    assert "v1.0.19" in got["caveat"]


def check_secret(secret: str | None, labels: bool | None) -> None:
    if labels is None:
        assert secret is None
        return
    assert secret is not None and "name: registry-credentials\n" in secret
    assert ('clusterctl.cluster.x-k8s.io/move: "true"' in secret) is labels


def check_refused(case: str, refused: list[list[Any]]) -> None:
    """A spec EKS-A refuses: exit 1, nothing rendered, validate's findings (code, line,
    column, message) in validate's JSON."""
    found = run_explain(case, refused=True)
    assert isinstance(found, list)
    assert [[f["code"], f["line"], f["column"], f["message"]] for f in found] == refused


@pytest.mark.parametrize("case", CASES)
def test_golden_case(case: str) -> None:
    expected = parse((GOLDEN / case / "expected.txt").read_text(encoding="utf-8"))
    refused = expected.take("refused")
    if refused:
        check_refused(case, refused)
        assert expected.facts == {} and expected.sections == {}
        return
    data = run_explain(case)
    assert data["release"]["version"] == expected.one("release")
    assert data["release"]["node_format"] == expected.one("node_format")
    got_files = {f["path"]: f["content"] for f in data["containerd"]["files"]}
    assert got_files == files("containerd ", expected)
    check_bottlerocket(data["bottlerocket"], expected)
    check_etcd(data, expected)
    check_secret(data["credentials_secret"], expected.one("secret_labels"))
    for note in expected.take("note"):
        assert any(note in got for got in data["notes"]), (note, data["notes"])
    for absent in expected.take("no_note"):
        assert not any(absent in got for got in data["notes"]), (absent, data["notes"])
    rows = {row["registry"]: row for row in data["image_rewrites"]}
    for registry, url in expected.take("pull_url"):
        assert rows[registry]["pull_url"] == url
    for registry, rewritten in expected.take("rewrite"):
        assert rows[registry]["rewritten"] == rewritten
    assert expected.facts == {}, f"expected.txt keys not checked: {sorted(expected.facts)}"


def test_golden_cases_cover_the_matrix() -> None:
    """Providers, OS families, node formats and flags the golden set must keep covering."""
    texts = {case: (GOLDEN / case / "cluster.yaml").read_text() for case in CASES}
    joined = "\n".join(texts.values())
    for kind in ("VSphere", "Tinkerbell", "Snow", "Nutanix", "CloudStack", "Docker"):
        assert f"kind: {kind}DatacenterConfig" in joined, kind
    for family in ("ubuntu", "redhat", "bottlerocket"):
        assert f"osFamily: {family}" in joined, family
    for flag in ("authenticate: true", "caCertContent", "insecureSkipVerify: true"):
        assert flag in joined, flag
    assert "externalEtcdConfiguration" in joined and "../escape" in joined
    expectations = [parse((GOLDEN / c / "expected.txt").read_text()) for c in CASES]
    rendered = [e for e in expectations if "refused" not in e.facts]
    assert {e.one("node_format") for e in rendered} == {"legacy", "hosts-toml", "current"}
    assert len(rendered) < len(expectations)  # and a spec EKS-A refuses
