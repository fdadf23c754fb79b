"""The repository stands alone: no tracked file names a folder of the machine it was made on."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from support import REPO

#: The workspace folder the project is developed in (spelled in two parts so that this file
#: does not name it), and this clone's own folder. Not the folder that holds the clone: a
#: clone in /tmp would make every /tmp/ example of the docs and tests a machine path.
MACHINE_PATHS = re.compile(
    r"(?<![\w.-])(?:" + "/" + "work" + "/|" + re.escape(str(REPO) + "/") + ")"
)


def tracked_text_files() -> list[Path]:
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("not a git checkout: the tracked files are unknown")
    names = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True
    ).stdout.split(b"\0")
    files = [REPO / n.decode() for n in names if n]
    return [f for f in files if f.is_file() and b"\0" not in f.read_bytes()[:8000]]


def test_no_absolute_machine_path_in_the_repository() -> None:
    offenders = [
        f"{path.relative_to(REPO)}:{number}: {line.strip()[:120]}"
        for path in tracked_text_files()
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1)
        if MACHINE_PATHS.search(line)
    ]
    assert offenders == []


def test_benchmark_results_are_written_with_repository_relative_paths(tmp_path: Path) -> None:
    import sys

    program = tmp_path / "venv" / "bin" / "eksa-mirror"  # a program outside the repository
    program.parent.mkdir(parents=True)
    program.write_text("")

    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import gen_inputs
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    report = {
        "args": {"work": str(REPO / "benchmarks" / "work"), "tiny": True},
        "cmd": [str(program), "serve"],
        "message": f"Failed to parse {REPO / 'benchmarks' / 'work' / 'big.yaml'} at line 3",
        str(REPO / "schema" / "eksa-cluster.schema.json"): "*.yaml",
    }
    assert gen_inputs.portable(report) == {
        "args": {"work": "benchmarks/work", "tiny": True},
        "cmd": ["eksa-mirror", "serve"],
        "message": "Failed to parse benchmarks/work/big.yaml at line 3",
        "schema/eksa-cluster.schema.json": "*.yaml",
    }
