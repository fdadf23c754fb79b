"""The pre-commit hook for real: ``pre-commit try-repo`` against this repository (its
``.pre-commit-hooks.yaml``) in a temporary git repository, as a user's repository runs it,
and the README's snippet against a clone of this repository without tags (``rev`` written by
``pre-commit autoupdate``), with the default (warnings fail) and the opt-out (warnings pass,
shown with ``verbose: true``).

pre-commit builds the hook's environment by pip-installing this repository. The wheels it
needs (the build backend and the dependencies) come from ``.cache/pre-commit-wheels/``, which
``scripts/setup-e2e`` fills (``wheelhouse.py``): pip runs with ``PIP_NO_INDEX=1``, so these
tests never reach the network.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from wheelhouse import FILL, WHEELHOUSE, is_filled, offline_pip

from e2e_support import missing

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
#: A spec whose only finding is a warning (RM008 on line 25).
WARNING_ONLY = REPO / "tests" / "data" / "specs" / "vsphere-port-integer.yaml"
RM008 = "cluster.yaml:25:11: warning RM008 port is written as the YAML integer 5000"


def pre_commit() -> list[str]:
    try:
        import pre_commit  # noqa: F401
    except ImportError:
        missing("pre-commit in this Python environment", 'pip install -e ".[test]"')
    if shutil.which("git") is None:
        missing("git", "install git")
    if not (REPO / ".git").exists():
        pytest.skip("this copy of eksa-mirror is not a git repository: try-repo needs one")
    if not is_filled():
        where = WHEELHOUSE.relative_to(REPO)
        missing(f"the wheels of the hook's environment for this Python in {where}", FILL)
    return [sys.executable, "-m", "pre_commit"]


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """pre-commit's cache (the hook's environment), shared by the tests of this module."""
    return tmp_path_factory.mktemp("pre-commit-home")


def user_repo(spec: Path, tmp_path: Path) -> Path:
    user = tmp_path / "user-repo"
    user.mkdir()
    git(user, "init", "-q")
    shutil.copy(spec, user / "cluster.yaml")
    git(user, "add", "cluster.yaml")
    return user


def run_pre_commit(user: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **offline_pip(), "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"}
    env.pop("GITHUB_ACTIONS", None)  # plain text lines, not workflow annotations
    return subprocess.run(
        [*pre_commit(), *args], cwd=user, capture_output=True, text=True, env=env, timeout=900
    )


def try_repo(spec: str | Path, home: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    user = user_repo(EXAMPLES / spec, tmp_path)
    return run_pre_commit(
        user, home, "try-repo", str(REPO), "eksa-mirror", "--files", "cluster.yaml"
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


def test_hook_fails_on_a_warning_and_shows_it(home: Path, tmp_path: Path) -> None:
    run = try_repo(WARNING_ONLY, home, tmp_path)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "Failed" in run.stdout and RM008 in run.stdout


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This repository as a user's mirror of it may be: a clone without tags."""
    pre_commit()
    folder = tmp_path_factory.mktemp("clone") / "eksa-mirror"
    subprocess.run(
        ["git", "clone", "-q", "--no-tags", str(REPO), str(folder)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    assert subprocess.run(["git", "tag"], cwd=folder, capture_output=True, text=True).stdout == ""
    return folder


def readme_snippet() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    match = re.search(
        r"pre-commit \(`.pre-commit-config.yaml` of your repository\):\n\n```yaml\n(.*?)```",
        readme,
        re.DOTALL,
    )
    assert match, "the README's pre-commit snippet"
    return match.group(1)


def test_the_readme_snippet_works_against_a_clone_without_tags(
    clone: Path, home: Path, tmp_path: Path
) -> None:
    user = user_repo(WARNING_ONLY, tmp_path)
    snippet = readme_snippet().replace("https://github.com/eksa-mirror/eksa-mirror", str(clone))
    (user / ".pre-commit-config.yaml").write_text(snippet, encoding="utf-8")
    run = run_pre_commit(user, home, "run", "--all-files")
    assert run.returncode != 0 and "v0.1.0" in run.stdout + run.stderr  # no such tag here
    update = run_pre_commit(user, home, "autoupdate")
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=clone, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert update.returncode == 0, update.stdout + update.stderr
    assert f"rev: {head}" in (user / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    run = run_pre_commit(user, home, "run", "--all-files")
    assert run.returncode == 1 and "Failed" in run.stdout and RM008 in run.stdout


def test_the_opt_out_lets_warnings_pass_and_shows_them(
    clone: Path, home: Path, tmp_path: Path
) -> None:
    """The README's opt-out: ``args: [--quiet]`` and ``verbose: true``."""
    user = user_repo(WARNING_ONLY, tmp_path)
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=clone, capture_output=True, text=True, check=True
    ).stdout.strip()
    snippet = readme_snippet().replace("https://github.com/eksa-mirror/eksa-mirror", str(clone))
    snippet = snippet.replace("rev: v0.1.0", f"rev: {head}")
    snippet += "        args: [--quiet]\n        verbose: true\n"
    (user / ".pre-commit-config.yaml").write_text(snippet, encoding="utf-8")
    run = run_pre_commit(user, home, "run", "--all-files")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Passed" in run.stdout and RM008 in run.stdout
