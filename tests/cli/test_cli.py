"""``eksa-mirror validate`` and ``eksa-mirror schema``: formats, exit codes, files, ``--fix``.

Most tests call ``main([...])`` in process (capsys); a few run ``python -m eksa_mirror`` to
cover stdin and the real entry point. No test may see a traceback.
"""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator

from eksa_mirror.cli.main import main
from eksa_mirror.core import schema_store
from eksa_mirror.core.eksa.releases import LATEST
from eksa_mirror.rules.catalogue import RULES
from support import DATA, EXAMPLES, MIRROR_HEAD, REPO

#: An error on line 7 (RM001) and a warning on line 8 (RM008).
BAD = MIRROR_HEAD + '    endpoint: ""\n    port: 443\n'
BAD_LINES = [
    ("7", "15", "error", "RM001", "no value set for RegistryMirrorConfiguration.Endpoint"),
    ("8", "11", "warning", "RM008", None),
]
#: Only a warning (RM008).
WARN = MIRROR_HEAD + "    endpoint: registry.local\n    port: 443\n"
GOOD = MIRROR_HEAD + '    endpoint: registry.local\n    port: "443"\n'
#: The summary's "checked against" text when no Cluster names its release.
AGAINST = f"against EKS Anywhere {LATEST} (latest known)"
PLAIN = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: b\n"

TEXT_LINE = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<sev>\w+) (?P<code>RM\d{3}) (?P<msg>.+)$")  # fmt: skip  # noqa: E501


@pytest.fixture(autouse=True)
def _no_ci_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """Inside GitHub Actions the default format is github; these tests expect text."""
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    for name in ("REGISTRY_USERNAME", "REGISTRY_PASSWORD", "EKSA_REGISTRY_MIRROR_CA"):
        monkeypatch.delenv(name, raising=False)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "Traceback" not in out
    return code, out, err


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="")
    return path


def run_module(
    *args: str, stdin: str = "", cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    proc = subprocess.run(
        [sys.executable, "-m", "eksa_mirror", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=60,
    )
    assert "Traceback" not in proc.stderr
    return proc


# --- text -------------------------------------------------------------------------------


def test_text_lines_are_file_line_col_severity_code_message(capsys: Any, tmp_path: Path) -> None:
    path = write(tmp_path, "bad.yaml", BAD)
    code, out, err = run(capsys, "validate", str(path))
    assert code == 1 and err == ""
    lines = out.splitlines()
    parsed = [TEXT_LINE.match(line) for line in lines[:2]]
    assert all(parsed)
    for match, (line, col, sev, rule, message) in zip(parsed, BAD_LINES, strict=True):
        assert match is not None
        assert match["file"] == str(path)
        assert (match["line"], match["col"], match["sev"], match["code"]) == (line, col, sev, rule)
        if message:
            assert match["msg"] == message
    assert lines[2:] == [f"1 file checked {AGAINST}: 1 error, 1 warning, 0 other"]


def test_text_says_when_a_yaml_file_has_no_cluster(capsys: Any, tmp_path: Path) -> None:
    path = write(tmp_path, "configmap.yaml", PLAIN)
    code, out, _ = run(capsys, "validate", str(path))
    assert code == 0
    assert out.splitlines() == [
        f"{path}: no EKS Anywhere Cluster document, nothing to check",
        f"1 file checked {AGAINST}: 0 errors, 0 warnings, 0 other",
    ]
    code, out, _ = run(capsys, "validate", "--quiet", str(path))
    assert (code, out) == (0, "")


HELM = "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: {{ .Values.a }}\n{{- if .Values.b }}\n"
HELM_REASON = "line 6, column 1: while scanning a simple key could not find expected ':'"


def test_an_unparsable_file_named_on_the_command_line_says_so(capsys: Any, tmp_path: Path) -> None:
    """Not clean and not checked: one line says which, for a file that cannot be identified."""
    path = write(tmp_path, "templates/configmap.yaml", HELM)
    code, out, err = run(capsys, "validate", str(path))
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"{path}: could not be parsed as YAML ({HELM_REASON}); not checked",
        f"0 files checked {AGAINST}: 0 errors, 0 warnings, 0 other",
    ]
    # JSON and SARIF keep it out of the findings; the line goes to stderr.
    code, out, err = run(capsys, "validate", "--format", "json", str(path))
    assert (code, json.loads(out)) == (0, [])
    assert err == f"eksa-mirror: {path}: could not be parsed as YAML ({HELM_REASON}); not checked\n"
    code, out, _ = run(capsys, "validate", "--format", "sarif", str(path))
    assert json.loads(out)["runs"][0]["results"] == []


def test_a_folder_scan_counts_unparsable_files_and_verbose_lists_them(
    capsys: Any, tmp_path: Path
) -> None:
    write(tmp_path, "chart/templates/cm.yaml", HELM)
    write(tmp_path, "chart/values.yaml", "a: [1, 2\n")
    write(tmp_path, "clusters/plain.yaml", PLAIN)
    code, out, err = run(capsys, "validate", "--quiet", str(tmp_path))
    assert (code, out, err) == (0, "", "")
    code, out, _ = run(capsys, "validate", str(tmp_path))
    assert out.splitlines()[-1] == (
        f"1 file checked {AGAINST}: 0 errors, 0 warnings, 0 other; 2 files could not be parsed "
        "as YAML and were not checked (--verbose lists them)"
    )
    assert "could not be parsed as YAML (" not in out
    code, out, _ = run(capsys, "validate", "--verbose", str(tmp_path))
    lines = out.splitlines()
    assert lines[:3] == [
        f"{tmp_path / 'clusters/plain.yaml'}: no EKS Anywhere Cluster document, nothing to check",
        f"{tmp_path / 'chart/values.yaml'}: could not be parsed as YAML (line 2, column 1: while "
        "parsing a flow sequence did not find expected ',' or ']'); not checked",
        f"{tmp_path / 'chart/templates/cm.yaml'}: could not be parsed as YAML ({HELM_REASON}); "
        "not checked",
    ]
    assert lines[-1].endswith("2 files could not be parsed as YAML and were not checked")


# --- json -------------------------------------------------------------------------------

JSON_KEYS = ["file", "line", "column", "endLine", "endColumn", "severity", "code", "message",
             "pointer"]  # fmt: skip


def test_json_keys_and_values(capsys: Any, tmp_path: Path) -> None:
    path = write(tmp_path, "bad.yaml", BAD)
    code, out, _ = run(capsys, "validate", "--format", "json", str(path))
    assert code == 1
    data = json.loads(out)
    assert [list(item) for item in data] == [JSON_KEYS, JSON_KEYS]
    assert data[0] == {
        "file": str(path),
        "line": 7,
        "column": 15,
        "endLine": 7,
        "endColumn": 17,
        "severity": "error",
        "code": "RM001",
        "message": "no value set for RegistryMirrorConfiguration.Endpoint",
        "pointer": "/spec/registryMirrorConfiguration/endpoint",
    }
    assert {k: data[1][k] for k in ("line", "column", "endLine", "endColumn", "code")} == {
        "line": 8, "column": 11, "endLine": 8, "endColumn": 14, "code": "RM008",
    }  # fmt: skip


def test_json_is_valid_even_when_empty_or_a_file_fails(capsys: Any, tmp_path: Path) -> None:
    good = write(tmp_path, "good.yaml", GOOD)
    code, out, _ = run(capsys, "validate", "--format", "json", str(good))
    assert (code, json.loads(out)) == (0, [])
    code, out, err = run(capsys, "validate", "--format", "json", str(good), str(tmp_path / "no"))
    assert code == 2 and json.loads(out) == [] and "no such file" in err


# --- sarif ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sarif_validator() -> Draft7Validator:
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    assert schema["$id"].endswith("/sarif-schema-2.1.0.json")
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)


def test_sarif_validates_against_the_official_schema(
    capsys: Any, tmp_path: Path, sarif_validator: Draft7Validator
) -> None:
    bad = write(tmp_path, "dir with space/bad.yaml", BAD)
    warn = write(tmp_path, "warn.yaml", WARN)
    code, out, _ = run(capsys, "validate", "--format", "sarif", str(bad), str(warn))
    assert code == 1
    log = json.loads(out)
    errors = sorted(sarif_validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]
    assert log["version"] == "2.1.0"
    (run_,) = log["runs"]
    rules = run_["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(RULES)
    assert run_["columnKind"] == "unicodeCodePoints"
    results = run_["results"]
    assert [r["ruleId"] for r in results] == ["RM001", "RM008", "RM008"]
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    first = results[0]["locations"][0]["physicalLocation"]
    assert first["artifactLocation"]["uri"].endswith("dir%20with%20space/bad.yaml")
    assert first["region"] == {"startLine": 7, "startColumn": 15, "endLine": 7, "endColumn": 17}
    assert results[0]["level"] == "error" and results[1]["level"] == "warning"


def test_sarif_without_results_is_valid(
    capsys: Any, tmp_path: Path, sarif_validator: Draft7Validator
) -> None:
    code, out, _ = run(
        capsys, "validate", "--format", "sarif", str(write(tmp_path, "g.yaml", GOOD))
    )
    assert code == 0
    log = json.loads(out)
    assert list(sarif_validator.iter_errors(log)) == []
    assert log["runs"][0]["results"] == []


# --- github -----------------------------------------------------------------------------

GITHUB_LINE = re.compile(r"^::(?P<level>error|warning|notice) (?P<props>[^:]+)::(?P<msg>.*)$")


def _unescape(value: str) -> str:
    for escaped, char in (("%2C", ","), ("%3A", ":"), ("%0A", "\n"), ("%0D", "\r"), ("%25", "%")):
        value = value.replace(escaped, char)
    return value


def test_github_annotations_parse_back_to_the_json(capsys: Any, tmp_path: Path) -> None:
    path = write(tmp_path, "a,b:c.yaml", BAD)  # a name that needs escaping
    _, out, _ = run(capsys, "validate", "--format", "github", str(path))
    _, as_json, _ = run(capsys, "validate", "--format", "json", str(path))
    expected = json.loads(as_json)
    lines = out.splitlines()
    assert len(lines) == len(expected) == 2
    for line, item in zip(lines, expected, strict=True):
        match = GITHUB_LINE.match(line)
        assert match, line
        props = dict(p.split("=", 1) for p in match["props"].split(","))
        assert _unescape(props["file"]) == item["file"]
        assert (int(props["line"]), int(props["col"])) == (item["line"], item["column"])
        assert (int(props["endLine"]), int(props["endColumn"])) == (
            item["endLine"],
            item["endColumn"],
        )
        assert _unescape(props["title"]) == f"{item['code']} {RULES[item['code']].name}"
        assert _unescape(match["msg"]) == item["message"]
        assert match["level"] == {"error": "error", "warning": "warning"}[item["severity"]]


def test_github_is_the_default_inside_github_actions(
    capsys: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    _, out, _ = run(capsys, "validate", str(write(tmp_path, "bad.yaml", BAD)))
    assert out.startswith("::error file=")


# --- exit codes, --strict, --select, --ignore -------------------------------------------


@pytest.mark.parametrize(
    ("text", "flags", "expected"),
    [
        pytest.param(GOOD, [], 0, id="clean"),
        pytest.param(WARN, [], 0, id="warning"),
        pytest.param(WARN, ["--strict"], 1, id="warning-strict"),
        pytest.param(BAD, [], 1, id="error"),
        pytest.param(BAD, ["--ignore", "RM001"], 0, id="error-ignored"),
        pytest.param(BAD, ["--ignore", "RM001", "--strict"], 1, id="ignored-strict"),
        pytest.param(BAD, ["--select", "RM008"], 0, id="select-warning-only"),
        pytest.param(BAD, ["--select", "rm001,RM008"], 1, id="select-case-insensitive"),
        pytest.param(PLAIN, ["--strict"], 0, id="no-cluster"),
    ],
)
def test_exit_codes(
    capsys: Any, tmp_path: Path, text: str, flags: list[str], expected: int
) -> None:
    code, _, _ = run(capsys, "validate", *flags, str(write(tmp_path, "f.yaml", text)))
    assert code == expected


def test_select_and_ignore_filter_output(capsys: Any, tmp_path: Path) -> None:
    path = str(write(tmp_path, "bad.yaml", BAD))
    _, out, _ = run(capsys, "validate", "--quiet", "--select", "RM008", path)
    assert [m["code"] for m in map(TEXT_LINE.match, out.splitlines()) if m] == ["RM008"]
    _, out, _ = run(capsys, "validate", "--quiet", "--ignore", "RM008", path)
    assert [m["code"] for m in map(TEXT_LINE.match, out.splitlines()) if m] == ["RM001"]


@pytest.mark.parametrize("flag", ["--select", "--ignore"])
def test_unknown_rule_code_is_one_line_exit_2(capsys: Any, tmp_path: Path, flag: str) -> None:
    code, out, err = run(
        capsys, "validate", flag, "RM001,RM999", str(write(tmp_path, "f.yaml", BAD))
    )
    assert code == 2 and out == ""
    assert err.splitlines() == [f"eksa-mirror: {flag}: unknown rule code RM999"]


def test_a_release_that_is_none_is_one_line_exit_2(capsys: Any, tmp_path: Path) -> None:
    path = str(write(tmp_path, "f.yaml", BAD))
    code, out, err = run(capsys, "validate", "--eksa-version", "latest", path)
    assert code == 2 and out == ""
    assert err.splitlines() == [
        "eksa-mirror: --eksa-version: 'latest' is not a release like \"v0.20.0\""
    ]


def test_usage_error_exit_2(capsys: Any) -> None:
    code, _, err = run(capsys, "validate")
    assert code == 2 and "PATH" in err
    code, _, _ = run(capsys, "validate", "--format", "xml", "x.yaml")
    assert code == 2


# --- inputs -----------------------------------------------------------------------------


def test_stdin(tmp_path: Path) -> None:
    proc = run_module("validate", "-", stdin=BAD)
    assert proc.returncode == 1
    assert proc.stdout.splitlines()[0].startswith("<stdin>:7:15: error RM001 ")
    proc = run_module("validate", "-", stdin=PLAIN)
    assert proc.returncode == 0
    assert "<stdin>: no EKS Anywhere Cluster document" in proc.stdout


def test_folder_recursion(capsys: Any, tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", BAD)
    write(tmp_path, "sub/deeper/b.yml", WARN)
    write(tmp_path, "sub/notes.txt", BAD)
    write(tmp_path, ".git/c.yaml", BAD)
    write(tmp_path, "node_modules/pkg/d.yaml", BAD)
    code, out, _ = run(capsys, "validate", "--format", "json", str(tmp_path))
    assert code == 1
    files = sorted(
        {Path(item["file"]).relative_to(tmp_path).as_posix() for item in json.loads(out)}
    )
    assert files == ["a.yaml", "sub/deeper/b.yml"]
    _, out, _ = run(capsys, "validate", str(tmp_path))
    assert out.splitlines()[-1] == f"2 files checked {AGAINST}: 1 error, 2 warnings, 0 other"


def test_not_utf8_file_exit_2_naming_the_file(capsys: Any, tmp_path: Path) -> None:
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes(MIRROR_HEAD.encode() + "    endpoint: r\xe9g\n".encode("latin-1"))
    good = write(tmp_path, "good.yaml", WARN)
    code, out, err = run(capsys, "validate", str(bad), str(good))
    assert code == 2
    offset = len(MIRROR_HEAD) + len("    endpoint: r")
    assert err.splitlines() == [f"eksa-mirror: {bad}: not UTF-8 (invalid byte at offset {offset})"]
    # The other file is still checked and reported.
    assert f"{good}:8:11: warning RM008" in out


def test_a_folder_file_that_is_not_utf8_and_not_eksa_is_counted_like_an_unparsable_one(
    capsys: Any, tmp_path: Path
) -> None:
    """A Latin-1 file among the YAML of a repository (a chart's values, a CI file) is not a
    cluster spec: it is skipped and counted as an unparsable one is, never exit 2."""
    good = write(tmp_path, "clusters/c.yaml", WARN)
    latin1 = tmp_path / "chart" / "values.yaml"
    latin1.parent.mkdir()
    latin1.write_bytes("# café\nimage: nginx\n".encode("latin-1"))
    code, out, err = run(capsys, "validate", str(tmp_path))
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].startswith(f"{good}:8:11: warning RM008 ")
    assert lines[1:] == [
        f"1 file checked {AGAINST}: 0 errors, 1 warning, 0 other; 1 file could not be parsed "
        "as YAML and was not checked (--verbose lists them)",
    ]
    code, out, _ = run(capsys, "validate", "--verbose", str(tmp_path))
    assert (
        f"{latin1}: could not be parsed as YAML (not UTF-8: invalid byte 0xe9 at line 1, "
        "column 6); not checked"
    ) in out.splitlines()
    code, out, err = run(capsys, "validate", "--format", "json", str(tmp_path))
    assert (code, err, [f["code"] for f in json.loads(out)]) == (0, "", ["RM008"])


def test_a_folder_file_that_is_not_utf8_but_is_an_eksa_spec_is_an_error(
    capsys: Any, tmp_path: Path
) -> None:
    """A cluster spec EKS-A cannot read (Go's YAML decoder wants UTF-8) must not pass quietly."""
    bad = tmp_path / "clusters" / "latin1.yaml"
    bad.parent.mkdir()
    bad.write_bytes(MIRROR_HEAD.encode() + "    endpoint: r\xe9g\n".encode("latin-1"))
    code, _, err = run(capsys, "validate", str(tmp_path))
    offset = len(MIRROR_HEAD) + len("    endpoint: r")
    assert (code, err) == (2, f"eksa-mirror: {bad}: not UTF-8 (invalid byte at offset {offset})\n")


def test_a_named_file_that_is_not_utf8_keeps_its_message(capsys: Any, tmp_path: Path) -> None:
    latin1 = tmp_path / "values.yaml"
    latin1.write_bytes("# café\n".encode("latin-1"))
    code, _, err = run(capsys, "validate", str(latin1))
    assert (code, err) == (2, f"eksa-mirror: {latin1}: not UTF-8 (invalid byte at offset 5)\n")


def test_missing_file_exit_2(capsys: Any, tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    code, _, err = run(capsys, "validate", str(missing))
    assert code == 2
    assert err.splitlines() == [f"eksa-mirror: {missing}: no such file or directory"]


def test_internal_error_is_one_line(
    capsys: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*_: object, **__: object) -> None:
        raise RuntimeError("rule exploded")

    monkeypatch.setattr("eksa_mirror.rules.lint.analyze", boom)
    path = write(tmp_path, "f.yaml", BAD)
    code, _, err = run(capsys, "validate", str(path))
    assert code == 2
    assert err.splitlines() == [f"eksa-mirror: {path}: internal error: RuntimeError: rule exploded"]


def test_module_entry_point(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.yaml", BAD)
    proc = run_module("validate", "--format", "json", str(path))
    assert proc.returncode == 1
    assert [item["code"] for item in json.loads(proc.stdout)] == ["RM001", "RM008"]


# --- schema -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flags", "name"),
    [([], schema_store.MIRROR_SCHEMA), (["--cluster"], schema_store.CLUSTER_SCHEMA)],
)
def test_schema_prints_valid_json(capsys: Any, flags: list[str], name: str) -> None:
    code, out, _ = run(capsys, "schema", *flags)
    assert code == 0
    data = json.loads(out)
    Draft7Validator.check_schema(data)
    assert data["$id"].endswith("/" + name)
    assert data == schema_store.load(name)


# --- --fix ------------------------------------------------------------------------------

FIXABLE = """\
# Demo cluster ✅ — comments and layout outside the fixes must survive byte for byte
apiVersion: anywhere.eks.amazonaws.com/v1alpha1
kind: Cluster
metadata:
  name: demo    # trailing comment, odd spacing
spec:
  kubernetesVersion: "1.31"
  registryMirrorConfiguration:
    endpoint: https://reg.local   # the mirror
    port: 443
    authenticate: "true"
    ociNamespaces:
      - registry: docker.io
        namespace: /hub/
      - registry: docker.io       # ignored duplicate
        namespace: hub
    CACertContent: ""
    password: hunter2
  workerNodeGroupConfigurations:   [ ]
"""

FIXED = """\
# Demo cluster ✅ — comments and layout outside the fixes must survive byte for byte
apiVersion: anywhere.eks.amazonaws.com/v1alpha1
kind: Cluster
metadata:
  name: demo    # trailing comment, odd spacing
spec:
  kubernetesVersion: "1.31"
  registryMirrorConfiguration:
    endpoint: reg.local   # the mirror
    port: "443"
    authenticate: true
    ociNamespaces:
      - registry: docker.io       # ignored duplicate
        namespace: hub
    caCertContent: ""
    password: hunter2
  workerNodeGroupConfigurations:   [ ]
"""


def test_fix_applies_safe_fixes_only_atomically(capsys: Any, tmp_path: Path) -> None:
    path = write(tmp_path, "cluster.yaml", FIXABLE)
    path.chmod(0o640)
    inode = path.stat().st_ino
    code, out, _ = run(capsys, "validate", "--fix", str(path))
    assert path.read_text(encoding="utf-8") == FIXED
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert path.stat().st_ino != inode  # replaced by rename, never written in place
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cluster.yaml"]  # no temp file left
    # What is left needs a human: RM010 (unsafe: adds a mapping), RM026 (unsafe: removes a key).
    codes = [m["code"] for m in map(TEXT_LINE.match, out.splitlines()) if m]
    assert codes == ["RM016", "RM010", "RM026"]
    # endpoint, port, authenticate, the duplicate entry (with its RM013), the key casing.
    assert f"{path}: applied 5 fixes" in out
    assert code == 1
    # A second run finds nothing more to fix and leaves the file alone.
    mtime = path.stat().st_mtime_ns
    code, out, _ = run(capsys, "validate", "--fix", str(path))
    assert path.read_text(encoding="utf-8") == FIXED
    assert path.stat().st_mtime_ns == mtime
    assert "applied" not in out


def test_fix_keeps_crlf_and_bom(capsys: Any, tmp_path: Path) -> None:
    path = tmp_path / "crlf.yaml"
    path.write_bytes(("\ufeff" + WARN).replace("\n", "\r\n").encode("utf-8"))
    run(capsys, "validate", "--fix", str(path))
    assert path.read_bytes() == ("\ufeff" + GOOD).replace("\n", "\r\n").encode("utf-8")


def test_fix_follows_a_symlink(capsys: Any, tmp_path: Path) -> None:
    target = write(tmp_path, "real.yaml", WARN)
    link = tmp_path / "link.yaml"
    link.symlink_to(target)
    run(capsys, "validate", "--fix", str(link))
    assert link.is_symlink()
    assert target.read_text() == GOOD


def test_fix_leaves_clean_and_unfixable_files_untouched(capsys: Any, tmp_path: Path) -> None:
    clean = write(tmp_path, "clean.yaml", GOOD)
    broken = write(tmp_path, "broken.yaml", MIRROR_HEAD + "    endpoint: 'x\n")
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (clean, broken)}
    code, _, _ = run(capsys, "validate", "--fix", str(tmp_path))
    assert code == 1  # RM024 in broken.yaml
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (clean, broken)} == before


# --- pre-commit ---------------------------------------------------------------------------


def test_pre_commit_hook_definition() -> None:
    import yaml

    tomllib = pytest.importorskip("tomllib")  # Python 3.11+

    root = REPO
    hooks = yaml.safe_load((root / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = hooks
    assert hook["id"] == "eksa-mirror"
    assert hook["entry"] == "eksa-mirror validate"
    assert hook["language"] == "python"
    assert hook["types"] == ["yaml"]
    scripts = tomllib.loads((root / "pyproject.toml").read_text())["project"]["scripts"]
    assert hook["entry"].split()[0] in scripts
    # pre-commit runs entry + args + file names: that is a valid command line.
    assert main([*hook["entry"].split()[1:], *hook.get("args", []), "--help"]) == 0


# --- examples/ ----------------------------------------------------------------------------


def test_examples_folder(capsys: Any) -> None:
    """The README's examples: the valid one is clean, the invalid one shows these findings."""
    examples = EXAMPLES
    code, out, _ = run(capsys, "validate", "--format", "json", str(examples))
    assert code == 1
    found = [(Path(d["file"]).name, d["code"], d["line"]) for d in json.loads(out)]
    assert found == [
        ("invalid-mirror.yaml", "RM009", 26),
        ("invalid-mirror.yaml", "RM008", 27),
        ("invalid-mirror.yaml", "RM010", 28),
        ("invalid-mirror.yaml", "RM013", 30),
        ("invalid-mirror.yaml", "RM007", 33),
        ("invalid-mirror.yaml", "RM005", 34),
        ("invalid-mirror.yaml", "RM006", 35),
    ]
