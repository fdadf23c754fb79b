"""Byte-for-byte guard: ``validate`` and ``explain`` print exactly what they printed before.

``tests/data/cli-baseline/`` holds the output (stdout, stderr, exit code) of
``eksa-mirror validate`` and ``eksa-mirror explain``, text and JSON, over ``examples/``,
every spec under ``tests/data/`` and the real EKS Anywhere test specs of the corpus.
They were recorded from the code before the package was split into layers
(docs/architecture.md); a restructuring must leave every byte unchanged.

Regenerate (only for an intended output change): ``EKSA_MIRROR_REBASELINE=1 pytest
tests/cli/test_cli_baseline.py``.
"""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path

import pytest

from eksa_mirror.cli.main import main
from support import REPO

BASELINE = REPO / "tests" / "data" / "cli-baseline"
CORPUS = REPO.parent / "shared" / "corpus" / "eksa-testdata"
REBASELINE = os.environ.get("EKSA_MIRROR_REBASELINE") == "1"
FORMATS = ("text", "json")


def _specs(root: Path) -> list[str]:
    """The YAML files under ``root``, relative to it, sorted."""
    found = [p for p in root.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()]
    return sorted(p.relative_to(root).as_posix() for p in found)


def _roots() -> dict[str, tuple[Path, list[str]]]:
    """Each baseline group: the folder commands run in and the files (relative to it)."""
    roots = {
        "repo": (REPO, _specs_of_repo()),
    }
    if CORPUS.is_dir():
        roots["corpus"] = (CORPUS, _specs(CORPUS))
    return roots


def _specs_of_repo() -> list[str]:
    return [f"examples/{p}" for p in _specs(REPO / "examples")] + [
        f"tests/data/{p}" for p in _specs(REPO / "tests" / "data")
    ]


def _run(argv: list[str], cwd: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    """``eksa-mirror ARGV`` in process (so mutation testing sees it), in ``cwd``, with no
    ``GITHUB_*``, ``EKSA_*`` or ``REGISTRY_*`` variable of the caller's."""
    monkeypatch.chdir(cwd)
    for name in list(os.environ):
        if name.startswith(("GITHUB_", "EKSA_", "REGISTRY_")):
            monkeypatch.delenv(name)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def _validate(cwd: Path, files: list[str], fmt: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """One ``validate`` run over all ``files``, as the user would type it."""
    code, out, err = _run(["validate", "--format", fmt, *files], cwd, monkeypatch)
    return f"=== exit {code}\n--- stdout\n{out}--- stderr\n{err}"


def _explain(cwd: Path, files: list[str], fmt: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """``explain`` of each file (one run per file, as ``explain`` takes one)."""
    parts = []
    for name in files:
        code, out, err = _run(["explain", "--format", fmt, name], cwd, monkeypatch)
        parts.append(f"=== {name} exit {code}\n--- stdout\n{out}--- stderr\n{err}")
    return "".join(parts)


def _compare(group: str, what: str, actual: str) -> None:
    path = BASELINE / f"{group}-{what}.txt"
    if REBASELINE:
        path.write_bytes(actual.encode("utf-8"))
    expected = path.read_bytes().decode("utf-8")
    assert actual == expected, f"{path.name}: output changed (see the diff above)"


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("group", ["repo", "corpus"])
def test_validate_output_unchanged(group: str, fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    roots = _roots()
    if group not in roots:
        pytest.skip(f"the EKS Anywhere test specs ({CORPUS}) exist only beside the workspace")
    cwd, files = roots[group]
    _compare(group, f"validate-{fmt}", _validate(cwd, files, fmt, monkeypatch))


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("group", ["repo", "corpus"])
def test_explain_output_unchanged(group: str, fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    roots = _roots()
    if group not in roots:
        pytest.skip(f"the EKS Anywhere test specs ({CORPUS}) exist only beside the workspace")
    cwd, files = roots[group]
    _compare(group, f"explain-{fmt}", _explain(cwd, files, fmt, monkeypatch))
