"""``validate --format gitlab|junit|markdown``: the reports of other CI systems, each checked
against its published schema (GitLab's Code Climate schema, the JUnit XSD of Jenkins'
xunit plugin; both vendored in tests/data, provenance in tests/data/README.md) and by the
exact values a user sees in the merge request, the test report and the job summary."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import xmlschema
from jsonschema import Draft7Validator

from eksa_mirror.cli.main import main
from support import DATA, MIRROR_HEAD

#: An error on line 7 (RM001) and a warning on line 8 (RM008).
BAD = MIRROR_HEAD + '    endpoint: ""\n    port: 443\n'
GOOD = MIRROR_HEAD + '    endpoint: registry.local\n    port: "443"\n'
#: Information only (RM016: authenticate needs credentials).
INFO = GOOD + "    authenticate: true\n"
GITLAB_SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


@pytest.fixture(autouse=True)
def _plain_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GITHUB_ACTIONS", "REGISTRY_USERNAME", "REGISTRY_PASSWORD"):
        monkeypatch.delenv(name, raising=False)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --- GitLab Code Quality ----------------------------------------------------------------


@pytest.fixture(scope="module")
def codeclimate() -> Draft7Validator:
    schema = json.loads((DATA / "gitlab-codeclimate.schema.json").read_text(encoding="utf-8"))
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema)


def gitlab_report(capsys: Any, validator: Draft7Validator, *paths: str) -> list[dict[str, Any]]:
    _, out = run(capsys, "validate", "--format", "gitlab", *paths)
    report = json.loads(out)
    assert isinstance(report, list)
    for issue in report:  # GitLab validates each degradation and stops at the first bad one
        assert list(validator.iter_errors(issue)) == []
        # What GitLab's documentation adds to the schema (Code Quality, "custom tool").
        assert issue["severity"] in GITLAB_SEVERITIES and issue["check_name"]
        assert isinstance(issue["location"]["lines"]["begin"], int)
    return list(report)


def test_gitlab_issue_values(
    capsys: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, codeclimate: Draft7Validator
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "clusters/bad.yaml", BAD)
    report = gitlab_report(capsys, codeclimate, "./clusters")
    assert [(i["check_name"], i["severity"], i["location"]) for i in report] == [
        ("RM001 endpoint-missing", "major", {"path": "clusters/bad.yaml", "lines": {"begin": 7, "end": 7}}),  # noqa: E501
        ("RM008 port-not-string", "minor", {"path": "clusters/bad.yaml", "lines": {"begin": 8, "end": 8}}),  # noqa: E501
    ]  # fmt: skip
    first = report[0]
    assert first["type"] == "issue" and first["categories"] == ["Bug Risk"]
    assert first["description"] == ("RM001 no value set for RegistryMirrorConfiguration.Endpoint")
    assert first["content"]["body"].endswith("docs/rules.md#rm001")


def test_gitlab_paths_are_relative_to_the_repository_root(
    capsys: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, codeclimate: Draft7Validator
) -> None:
    monkeypatch.chdir(tmp_path)
    absolute = write(tmp_path, "c/bad.yaml", BAD)
    report = gitlab_report(capsys, codeclimate, str(absolute))
    assert {i["location"]["path"] for i in report} == {"c/bad.yaml"}


def test_gitlab_fingerprints_are_unique_and_survive_lines_added_above(
    capsys: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, codeclimate: Draft7Validator
) -> None:
    """GitLab keys degradations by fingerprint (a repeat replaces the first) and compares
    the merge request's report with the base's by fingerprint."""
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "a.yaml", BAD)
    write(tmp_path, "b.yaml", BAD)
    before = gitlab_report(capsys, codeclimate, "a.yaml", "b.yaml")
    prints = [i["fingerprint"] for i in before]
    assert len(prints) == len(set(prints)) == 4
    write(tmp_path, "a.yaml", "# a comment\n# another\n" + BAD)
    after = gitlab_report(capsys, codeclimate, "a.yaml", "b.yaml")
    assert [i["fingerprint"] for i in after] == prints
    assert after[0]["location"]["lines"]["begin"] == 9


def test_gitlab_clean_is_an_empty_array(
    capsys: Any, tmp_path: Path, codeclimate: Draft7Validator
) -> None:
    assert gitlab_report(capsys, codeclimate, str(write(tmp_path, "g.yaml", GOOD))) == []


# --- JUnit ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def junit_xsd() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(DATA / "junit-10.xsd"))


def junit_report(capsys: Any, xsd: xmlschema.XMLSchema, *paths: str) -> tuple[int, Any]:
    code, out = run(capsys, "validate", "--format", "junit", *paths)
    xsd.validate(out)
    return code, xsd.to_dict(out)


def test_junit_suites_cases_and_failures(
    capsys: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, junit_xsd: xmlschema.XMLSchema
) -> None:
    monkeypatch.chdir(tmp_path)
    for name, text in (("bad.yaml", BAD), ("good.yaml", GOOD), ("info.yaml", INFO)):
        write(tmp_path, name, text)
    code, doc = junit_report(capsys, junit_xsd, "bad.yaml", "good.yaml", "info.yaml")
    assert code == 1
    assert (doc["@name"], doc["@tests"], doc["@failures"], doc["@errors"]) == (
        "eksa-mirror", "4", "2", "0",
    )  # fmt: skip
    bad, good, info = doc["testsuite"]
    assert (bad["@name"], bad["@tests"], bad["@failures"]) == ("bad.yaml", "2", "2")
    cases = bad["testcase"]
    assert [c["@name"] for c in cases] == [
        "RM001 endpoint-missing at 7:15",
        "RM008 port-not-string at 8:11",
    ]
    failure = cases[0]["failure"][0]
    assert failure["@type"] == "error"
    assert failure["@message"] == "no value set for RegistryMirrorConfiguration.Endpoint"
    assert failure["$"].startswith(
        "bad.yaml:7:15: error RM001 no value set for RegistryMirrorConfiguration.Endpoint\nhttps://"
    )
    assert cases[1]["failure"][0]["@type"] == "warning"
    assert (good["@tests"], good["@failures"]) == ("1", "0")
    assert good["testcase"] == [{"@name": "registryMirrorConfiguration", "@classname": "good.yaml"}]
    assert (info["@tests"], info["@failures"]) == ("1", "0")
    (case,) = info["testcase"]
    assert "failure" not in case
    assert case["system-out"][0].startswith("info.yaml:9:19: information RM016")


def test_junit_escapes_names_and_messages(
    capsys: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, junit_xsd: xmlschema.XMLSchema
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, 'a&b<"c>.yaml', MIRROR_HEAD + '    endpoint: "https://x<y>&z\\x01"\n')
    code, doc = junit_report(capsys, junit_xsd, 'a&b<"c>.yaml')
    (suite,) = doc["testsuite"]
    assert code == 1 and suite["@name"] == 'a&b<"c>.yaml'
    assert '"[https://x<y>&z\ufffd]:443"' in suite["testcase"][0]["failure"][0]["@message"]


def test_junit_without_clusters_is_valid(capsys: Any, tmp_path: Path, junit_xsd: Any) -> None:
    write(tmp_path, "plain.yaml", "kind: ConfigMap\n")
    code, doc = junit_report(capsys, junit_xsd, str(tmp_path))
    assert (code, doc["@tests"], doc.get("testsuite", [])) == (0, "0", [])


# --- Markdown ---------------------------------------------------------------------------


def test_markdown_table(capsys: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "bad.yaml", BAD)
    write(tmp_path, "good.yaml", GOOD)
    code, out = run(capsys, "validate", "--format", "markdown", "bad.yaml", "good.yaml")
    docs = "https://github.com/eksa-mirror/eksa-mirror/blob/main/docs/rules.md"
    assert code == 1
    assert out.splitlines()[:5] == [
        "**eksa-mirror validate**: 2 files checked, 1 error, 1 warning, 0 information",
        "",
        "| severity | file | line | rule | message |",
        "|---|---|---|---|---|",
        f"| ❌ error | `bad.yaml` | 7:15 | [RM001]({docs}#rm001) `endpoint-missing` | no value"
        " set for RegistryMirrorConfiguration.Endpoint |",
    ]
    assert out.splitlines()[5].startswith(f"| ⚠️ warning | `bad.yaml` | 8:11 | [RM008]({docs}")


def test_markdown_never_lets_a_spec_write_markup(
    capsys: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "x|y.yaml", MIRROR_HEAD + '    endpoint: "https://<img src=x>|[a](b)"\n')
    _, out = run(capsys, "validate", "--format", "markdown", "x|y.yaml")
    row = out.splitlines()[4]
    assert row.startswith("| ❌ error | `x\\|y.yaml` | 7:15 |")
    assert "&lt;img src=x&gt;\\|\\[a\\](b)" in row
    assert "<img" not in out and row.count(" | ") == 4  # five cells, however the value reads


def test_markdown_clean(capsys: Any, tmp_path: Path) -> None:
    good = write(tmp_path, "g.yaml", GOOD)
    code, out = run(capsys, "validate", "--format", "markdown", str(good))
    assert (code, out) == (
        0,
        "**eksa-mirror validate**: 1 file checked, 0 errors, 0 warnings, 0 information\n",
    )
