"""``explain`` and ``validate`` never disagree, over every spec the project has: the examples,
every YAML file under tests/data (the project's specs, the real-world pastes, the golden
cases), each example of docs/rules.md, and the EKS-A corpus beside the repository when present;
each at its own release and, where it maps a namespace, at v0.24.0 (the double-/v2 releases).

* Whether EKS Anywhere accepts the spec: ``explain`` exits 1, printing exactly ``validate``'s
  errors of the rules EKS-A refuses on (``rules.refusal.REFUSED``), when there is one, and
  renders the spec otherwise.
* Which nodes RM033 affects: the hosts ``explain``'s 404 note names are the hosts of
  ``validate``'s RM033 findings; Ubuntu/RHEL pull URLs ask for the double /v2 exactly then, and
  a Bottlerocket pull URL never does.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from eksa_mirror.cli.main import main
from eksa_mirror.rules.refusal import REFUSED
from rules.test_one_finding_per_problem import doc_examples
from support import CORPUS, DATA, EXAMPLES


def _files() -> list[Path]:
    paths = sorted(EXAMPLES.glob("*.yaml")) + sorted(DATA.rglob("*.yaml"))
    return paths + (sorted(CORPUS.glob("*.yaml")) if CORPUS.is_dir() else [])


def _cases() -> list[tuple[str, str]]:
    """(name, text) of every spec."""
    cases = [(p.relative_to(p.parents[1]).as_posix(), p.read_text("utf-8")) for p in _files()]
    return cases + doc_examples()


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


_RM033_HOST = re.compile(r"adds /v2 to the host (https://\S+), asks")
_NOTE_HOSTS = re.compile(r"appends /v2 to the namespaced hosts \(([^)]*)\)")


def _double_v2(url: str) -> bool:
    return url.count("/v2/") > 1


def _agree_on_rm033(findings: list[dict[str, Any]], data: dict[str, Any], name: str) -> None:
    rm033 = [f for f in findings if f["code"] == "RM033"]
    hosts = {m[1] for f in rm033 if (m := _RM033_HOST.search(f["message"]))}
    assert len(hosts) == len({f["line"] for f in rm033}), name
    noted = {h for n in data["notes"] if (m := _NOTE_HOSTS.search(n)) for h in m[1].split(", ")}
    assert noted == hosts, name
    assert all("on Ubuntu/RHEL nodes" in f["message"] for f in rm033), name
    rows = data["image_rewrites"]
    containerd = bool(data["containerd"]["files"])
    assert any(_double_v2(r["pull_url"]) for r in rows) == bool(rm033), name
    for row in rows:
        assert containerd or not _double_v2(row["pull_url"]), name
        assert not _double_v2(row.get("bottlerocket_pull_url") or ""), name


@pytest.mark.parametrize(("name", "text"), _cases(), ids=[n for n, _ in _cases()])
def test_explain_and_validate_agree(name: str, text: str, tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(text, encoding="utf-8")
    releases = [[], ["--eksa-version", "v0.24.0"]] if "namespace:" in text else [[]]
    for release in releases:
        _, validated, _ = run("validate", "--format", "json", *release, str(path))
        findings = json.loads(validated)
        refusing = [f for f in findings if f["severity"] == "error" and f["code"] in REFUSED]
        code, out, err = run("explain", "--format", "json", *release, str(path))
        if code == 2:  # nothing to explain: no Cluster with a mirror section
            assert refusing == [] and "registryMirrorConfiguration" in err, (name, err)
            continue
        assert (code, err) == ((1 if refusing else 0), ""), name
        if refusing:
            assert json.loads(out) == refusing, name
            continue
        clusters = len(re.findall(r"^kind: Cluster\s*$", text, re.M))
        if clusters == 1:  # validate judges every Cluster of a file, explain the first
            _agree_on_rm033(findings, json.loads(out), name)


@pytest.mark.parametrize(
    ("name", "version", "outcome"),
    [
        ("vsphere-ubuntu-v0.26.1-empty-registry/cluster.yaml", "", "refused"),
        ("specs/empty-oci-registry.yaml", "", "refused"),
        ("vsphere-ubuntu-v0.25.2-insecure-ns/cluster.yaml", "", "RM033"),
        ("specs/vsphere-bottlerocket-namespaces.yaml", "v0.24.0", "rendered"),
        ("vsphere-bottlerocket-v0.24.0-ns/cluster.yaml", "", "rendered"),
    ],
)
def test_the_specs_hold_each_answer(name: str, version: str, outcome: str) -> None:
    """The agreement above is not vacuous: these specs are among them, each with its answer."""
    [path] = [p for p in _files() if p.as_posix().endswith(name)]
    release = ["--eksa-version", version] if version else []
    code, out, _ = run("explain", "--format", "json", *release, str(path))
    _, validated, _ = run("validate", "--format", "json", *release, str(path))
    codes = {f["code"] for f in json.loads(validated)}
    assert code == (1 if outcome == "refused" else 0)
    if outcome != "refused":
        notes = json.loads(out)["notes"]
        assert ("RM033" in codes) is (outcome == "RM033")
        assert any(_NOTE_HOSTS.search(n) for n in notes) is (outcome == "RM033")
