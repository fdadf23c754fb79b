"""Many files are checked in worker processes, with exactly the sequential output."""

from __future__ import annotations

from pathlib import Path

import pytest

from eksa_mirror.cli import validate_run as cli_validate
from eksa_mirror.cli.main import main
from support import EXAMPLES


def _tree(root: Path) -> None:
    invalid = (EXAMPLES / "invalid-mirror.yaml").read_text()
    valid = (EXAMPLES / "valid-mirror.yaml").read_text()
    for i in range(cli_validate.PARALLEL_FROM + 8):
        (root / f"spec-{i:03d}.yaml").write_text(invalid if i % 3 else valid)
    (root / "spec-017.yaml").write_bytes(b"\xff\xfe not utf-8")
    (root / "other.yaml").write_text("kind: Deployment\n")


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_parallel_output_equals_sequential(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    _tree(tmp_path)
    parallel = _run(["validate", "--format", fmt, str(tmp_path)], capsys)
    monkeypatch.setattr(cli_validate, "PARALLEL_FROM", 10_000)
    sequential = _run(["validate", "--format", fmt, str(tmp_path)], capsys)
    assert parallel == sequential
    code, out, err = parallel
    assert (code, err) == (1, "")  # the file that is not UTF-8 is counted, not an error
    assert str(tmp_path / "spec-001.yaml") in out
    if fmt == "text":
        assert out.endswith(
            "1 file could not be parsed as YAML and was not checked (--verbose lists them)\n"
        )


def test_parallel_fix_writes_every_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _tree(tmp_path)
    (tmp_path / "spec-017.yaml").unlink()
    code, out, _ = _run(["validate", "--fix", "--select", "RM008", str(tmp_path)], capsys)
    assert code == 0
    fixed = [p for p in tmp_path.glob("spec-*.yaml") if 'port: "443"' in p.read_text()]
    assert len(fixed) == len(list(tmp_path.glob("spec-*.yaml")))
    assert "applied 1 fix" in out
