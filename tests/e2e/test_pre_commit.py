"""The pre-commit hook for real: ``pre-commit try-repo`` against this repository (its
``.pre-commit-hooks.yaml``) in a temporary git repository, as a user's repository runs it.

pre-commit builds the hook's environment by pip-installing this repository, so the test
needs the package index (PyPI) and takes about a minute the first time.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from e2e_support import missing

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"


def pre_commit() -> list[str]:
    try:
        import pre_commit  # noqa: F401
    except ImportError:
        missing("pre-commit in this Python environment", 'pip install -e ".[test]"')
    if shutil.which("git") is None:
        missing("git", "install git")
    if not (REPO / ".git").exists():
        pytest.skip("this copy of eksa-mirror is not a git repository: try-repo needs one")
    return [sys.executable, "-m", "pre_commit"]


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """pre-commit's cache (the hook's environment), shared by the tests of this module."""
    return tmp_path_factory.mktemp("pre-commit-home")


def try_repo(spec: str, home: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    command = pre_commit()
    user = tmp_path / "user-repo"
    user.mkdir()
    git(user, "init", "-q")
    shutil.copy(EXAMPLES / spec, user / "cluster.yaml")
    git(user, "add", "cluster.yaml")
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"}
    env.pop("GITHUB_ACTIONS", None)  # plain text lines, not workflow annotations
    return subprocess.run(
        [*command, "try-repo", str(REPO), "eksa-mirror", "--files", "cluster.yaml"],
        cwd=user,
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )


def test_hook_fails_on_a_broken_spec(home: Path, tmp_path: Path) -> None:
    run = try_repo("invalid-mirror.yaml", home, tmp_path)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "eksa-mirror" in run.stdout and "Failed" in run.stdout
    assert "- exit code: 1" in run.stdout
    assert (
        "cluster.yaml:26:15: error RM009 endpoint must be a bare hostname or IP address"
    ) in run.stdout


def test_hook_passes_on_a_clean_spec(home: Path, tmp_path: Path) -> None:
    run = try_repo("valid-mirror.yaml", home, tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Passed" in run.stdout
    assert "RM0" not in run.stdout
