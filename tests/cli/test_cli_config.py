"""``validate`` with inline suppressions and ``.eksa-mirror.toml``: exact output lines, exit
codes, the nearest file winning, flags winning over it, one line for a bad file, and the
pre-commit hook's command line reading it too."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from eksa_mirror.cli.main import main
from eksa_mirror.core.eksa.releases import LATEST
from support import MIRROR_HEAD, REPO

#: RM008 (warning) on line 8, RM019 (warning) on line 9, RM009 (error) on line 7.
SPEC = (
    MIRROR_HEAD
    + """\
    endpoint: https://registry.example.com
    port: 443
    insecureSkipVerify: true
"""
)
RM009 = ("7:15: error RM009 endpoint must be a bare hostname or IP address, without the scheme "
         '"https://": EKS-A joins it with the port into "[https://registry.example.com]:443", '
         "which containerd cannot pull from")  # fmt: skip
RM008 = ("8:11: warning RM008 port is written as the YAML integer 443: the CRD type is string, "
         "so kubectl and GitOps reject it (only the eksctl CLI converts it); "
         'quote it: "443"')  # fmt: skip


@pytest.fixture(autouse=True)
def _plain(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.chdir(tmp_path)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], list[str]]:
    code = main(["validate", *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out.splitlines(), err.splitlines()


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def codes(lines: list[str]) -> list[str]:
    """``file:line code`` of each finding line."""
    found = []
    for line in lines:
        parts = line.split(" ")
        if len(parts) > 2 and parts[2].startswith("RM"):
            found.append(f"{parts[0].rsplit(':', 2)[0]} {parts[2]}")
    return found


def test_the_spec_without_configuration(capsys: pytest.CaptureFixture[str]) -> None:
    write(Path("c.yaml"), SPEC)
    code, out, err = run(capsys, "c.yaml")
    assert (code, err) == (1, [])
    assert out[:2] == [f"c.yaml:{RM009}", f"c.yaml:{RM008}"]
    assert codes(out) == ["c.yaml:7 RM009", "c.yaml:8 RM008", "c.yaml:9 RM019"]


def test_inline_suppression_and_rm031(capsys: pytest.CaptureFixture[str]) -> None:
    text = SPEC.replace("port: 443", "port: 443  # eksa-mirror: ignore[RM008] eksctl converts it")
    write(Path("c.yaml"), text + "# eksa-mirror: ignore-file[RM019, RM027]\n")
    code, out, _ = run(capsys, "c.yaml")
    assert code == 1
    assert out == [
        f"c.yaml:{RM009}",
        "c.yaml:10:35: information RM031 unused suppression: no RM027 finding in this file",
        f"1 file checked against EKS Anywhere {LATEST} (latest known): 1 error, 0 warnings, "
        "1 other",
    ]


def test_configuration_ignore_severity_and_release(capsys: pytest.CaptureFixture[str]) -> None:
    write(
        Path(".eksa-mirror.toml"),
        'ignore = ["RM019"]\neksa-version = "v0.20.0"\n[severity]\nRM009 = "warning"\n',
    )
    write(Path("clusters/c.yaml"), SPEC)
    code, out, _ = run(capsys, "clusters")
    assert code == 0  # RM009 is a warning here
    assert out == [
        f"clusters/c.yaml:{RM009.replace('error', 'warning', 1)}",
        f"clusters/c.yaml:{RM008}",
        "1 file checked against EKS Anywhere v0.20.0: 0 errors, 2 warnings, 0 other",
    ]
    # The command line wins: its release, its selection.
    code, out, _ = run(capsys, "--eksa-version", "v0.21.0", "--select", "RM019", "clusters")
    assert codes(out) == ["clusters/c.yaml:9 RM019"]
    assert out[-1].startswith("1 file checked against EKS Anywhere v0.21.0:")
    # --ignore adds to the file's ignore.
    code, out, _ = run(capsys, "--ignore", "RM008", "clusters")
    assert codes(out) == ["clusters/c.yaml:7 RM009"]


def test_per_file_ignores_and_the_nearest_file(capsys: pytest.CaptureFixture[str]) -> None:
    write(Path(".eksa-mirror.toml"), '[per-file-ignores]\n"dev/**" = ["RM019"]\n')
    write(Path("dev/a.yaml"), SPEC)
    write(Path("dev/deep/b.yaml"), SPEC)
    write(Path("prod/c.yaml"), SPEC)
    write(Path("team/.eksa-mirror.toml"), 'select = ["RM008"]\n')
    write(Path("team/dev/d.yaml"), SPEC)  # its own file wins: no per-file ignore here
    code, out, _ = run(capsys, "dev", "prod", "team")
    assert code == 1
    assert codes(out) == [
        "dev/a.yaml:7 RM009", "dev/a.yaml:8 RM008",
        "dev/deep/b.yaml:7 RM009", "dev/deep/b.yaml:8 RM008",
        "prod/c.yaml:7 RM009", "prod/c.yaml:8 RM008", "prod/c.yaml:9 RM019",
        "team/dev/d.yaml:8 RM008",
    ]  # fmt: skip


def test_a_bad_configuration_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    write(Path("bad/.eksa-mirror.toml"), '\nignore = ["RM008", RM019]\n')
    write(Path("bad/a.yaml"), SPEC)
    write(Path("bad/b.yaml"), SPEC)
    write(Path("good/c.yaml"), SPEC)
    code, out, err = run(capsys, "bad", "good")
    assert code == 2
    assert err == ["bad/.eksa-mirror.toml:2:20: error invalid TOML: Invalid value"]
    assert codes(out) == ["good/c.yaml:7 RM009", "good/c.yaml:8 RM008", "good/c.yaml:9 RM019"]
    write(Path("bad/.eksa-mirror.toml"), '\n[severity]\nRM008 = ["error"]\n')
    code, _, err = run(capsys, "bad/a.yaml")
    assert (code, err) == (
        2,
        ["bad/.eksa-mirror.toml:3:1: error severity.RM008: ['error'] is not one of error, "
         "warning, information, hint"],
    )  # fmt: skip


def test_json_and_fix(capsys: pytest.CaptureFixture[str]) -> None:
    path = write(
        Path("c.yaml"), SPEC.replace("port: 443", "port: 443  # eksa-mirror: ignore[RM027]")
    )
    code, out, _ = run(capsys, "--format", "json", "c.yaml")
    assert code == 1
    rm031 = [d for d in json.loads("\n".join(out)) if d["code"] == "RM031"]
    assert rm031 == [
        {"file": "c.yaml", "line": 8, "column": 16, "endLine": 8, "endColumn": 44,
         "severity": "information", "code": "RM031",
         "message": "unused suppression: no RM027 finding on this line", "pointer": ""},
    ]  # fmt: skip
    run(capsys, "--fix", "--ignore", "RM008,RM009", "c.yaml")
    assert path.read_text() == SPEC


def test_stdin_reads_the_current_folder(capsys: pytest.CaptureFixture[str]) -> None:
    write(Path(".eksa-mirror.toml"), 'select = ["RM019"]\n')
    proc = subprocess.run(
        [sys.executable, "-m", "eksa_mirror", "validate", "-"],
        input=SPEC,
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"},
        check=False,
    )
    assert codes(proc.stdout.splitlines()) == ["<stdin>:9 RM019"]


def test_the_pre_commit_hook_reads_it(capsys: pytest.CaptureFixture[str]) -> None:
    """pre-commit runs ``entry + args + file names`` from the repository root."""
    import yaml

    root = REPO
    (hook,) = yaml.safe_load((root / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    write(Path(".eksa-mirror.toml"), 'ignore = ["RM008", "RM009"]\n')
    write(Path("clusters/c.yaml"), SPEC)
    entry = hook["entry"].split()
    assert entry[0] == "eksa-mirror"
    code = main([*entry[1:], *hook["args"], "--strict", "clusters/c.yaml"])
    out, _ = capsys.readouterr()
    assert (code, codes(out.splitlines())) == (1, ["clusters/c.yaml:9 RM019"])


def test_many_files_in_parallel_keep_their_configuration(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """From 32 files on, files are checked in worker processes: each keeps its options."""
    write(Path("a/.eksa-mirror.toml"), 'ignore = ["RM008"]\n')
    for index in range(20):
        write(Path(f"a/c{index:02d}.yaml"), SPEC)
        write(Path(f"b/c{index:02d}.yaml"), SPEC)
    code, out, _ = run(capsys, "a", "b")
    assert code == 1
    found = codes(out)
    assert len(found) == 20 * 2 + 20 * 3
    assert not any(line.startswith("a/") and line.endswith("RM008") for line in found)
    assert sum(line.startswith("b/") and line.endswith("RM008") for line in found) == 20


def test_a_configuration_saved_with_a_byte_order_mark(capsys: pytest.CaptureFixture[str]) -> None:
    """Notepad's UTF-8 starts with a BOM: the file is read, not "Invalid statement"."""
    Path(".eksa-mirror.toml").write_bytes(b'\xef\xbb\xbfignore = ["RM019", "RM008"]\n')
    write(Path("c.yaml"), SPEC)
    code, out, err = run(capsys, "c.yaml")
    assert (code, err) == (1, [])
    assert codes(out) == ["c.yaml:7 RM009"]


NEWER = (
    "1 file checked against EKS Anywhere v0.26.1 (v0.99.0 is newer than the releases "
    "eksa-mirror knows: checked as v0.26.1, the newest it knows): 1 error, 2 warnings, 0 other"
)


def test_a_newer_release_in_the_configuration(capsys: pytest.CaptureFixture[str]) -> None:
    write(Path(".eksa-mirror.toml"), 'eksa-version = "v0.99.0"\n')
    write(Path("c.yaml"), SPEC)
    code, out, err = run(capsys, "c.yaml")
    assert (code, err, out[-1]) == (1, [], NEWER)


def test_a_newer_release_on_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    write(Path("c.yaml"), SPEC)
    code, out, err = run(capsys, "--eksa-version", "v0.99.0", "c.yaml")
    assert (code, err, out[-1]) == (1, [], NEWER)
    # The same findings as the newest release known.
    code, latest, _ = run(capsys, "--eksa-version", str(LATEST), "c.yaml")
    assert out[:-1] == latest[:-1]


#: Two findings of the whole-text stage (``FILE_CHECKS``): RM024 at a syntax error of the
#: first Cluster, RM030 on the second Cluster's mirror section.
FILE_STAGE = (
    MIRROR_HEAD
    + '    endpoint: "10.0.0.1\n    port: "443"\n---\n'
    + MIRROR_HEAD.replace("demo", "second")
    + '    endpoint: "10.0.0.2"\n'
)
RM024 = ('7:15: {} RM024 the YAML cannot be parsed: the quote " opened here is not closed on '
         "its line, so YAML reads the lines after it as its text and fails at line 8 (while "
         "parsing a block mapping did not find expected key): close the quote opened "
         "here")  # fmt: skip
RM030 = ('15:3: {} RM030 eksctl anywhere reads only the first Cluster of a file ("demo" at '
         'line 1): this Cluster ("second") and its registryMirrorConfiguration are not used by '
         "create or upgrade cluster -f; put each cluster in its own file")  # fmt: skip


@pytest.mark.parametrize(
    ("config", "args", "expected"),
    [
        ("", (), [RM024.format("error"), RM030.format("information")]),
        ("", ("--ignore", "RM024"), [RM030.format("information")]),
        ("", ("--select", "RM024"), [RM024.format("error")]),
        ('ignore = ["RM030"]\n', (), [RM024.format("error")]),
        (
            '[severity]\nRM024 = "warning"\nRM030 = "error"\n',
            (),
            [RM024.format("warning"), RM030.format("error")],
        ),
        ('[severity]\nRM030 = "error"\n', ("--ignore", "RM024"), [RM030.format("error")]),
    ],
    ids=["default", "ignore", "select", "config-ignore", "config-severity", "both"],
)
def test_findings_of_the_whole_text_stage_honour_selection_and_severity(
    capsys: pytest.CaptureFixture[str], config: str, args: tuple[str, ...], expected: list[str]
) -> None:
    if config:
        write(Path(".eksa-mirror.toml"), config)
    write(Path("two.yaml"), FILE_STAGE)
    _, out, _ = run(capsys, "--quiet", *args, "two.yaml")
    assert out == [f"two.yaml:{line}" for line in expected]


def test_columns_on_the_first_line_count_a_byte_order_mark(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """As an editor counts them: the mark is column 1, so ``"https://x"`` starts at 135."""
    text = (
        "\ufeff{apiVersion: anywhere.eks.amazonaws.com/v1alpha1, kind: Cluster, metadata: "
        '{name: a}, spec: {registryMirrorConfiguration: {endpoint: "https://x", port: 443}}}'
        "  # eksa-mirror: ignore[RM019]\n"
    )
    write(Path("bom.yaml"), text)
    _, out, _ = run(capsys, "--quiet", "--format", "json", "bom.yaml")
    found = [(f["code"], f["column"], f["endColumn"]) for f in json.loads("\n".join(out))]
    assert found == [
        ("RM009", text.index('"https://x"') + 1, text.index(", port") + 1),
        ("RM008", text.index("443") + 1, text.index("443") + 4),
        ("RM031", text.index("# eksa") + 1, len(text)),
    ]
    assert found[0][1] == 135
