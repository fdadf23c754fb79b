"""The rule tables of README.md and docs/rules.md are written from the rule catalogue by
``scripts/rule_tables.py``; a table that differs names the command that rewrites it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from support import REPO

SCRIPT = REPO / "scripts" / "rule_tables.py"


def test_the_rule_tables_are_the_catalogues() -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


def _copy(tmp_path: Path) -> Path:
    """The script and the two documents it writes, in a scratch repository."""
    (tmp_path / "scripts").mkdir()
    (tmp_path / "docs").mkdir()
    (tmp_path / "server").symlink_to(REPO / "server")
    for path in ("scripts/rule_tables.py", "README.md", "docs/rules.md"):
        (tmp_path / path).write_bytes((REPO / path).read_bytes())
    return tmp_path


@pytest.mark.parametrize("path", ["README.md", "docs/rules.md"])
def test_a_stale_table_names_the_command_and_the_command_fixes_it(
    tmp_path: Path, path: str
) -> None:
    root = _copy(tmp_path)
    target = root / path
    good = target.read_text(encoding="utf-8")
    target.write_text(good.replace("endpoint-missing", "endpoint-gone", 1), encoding="utf-8")
    script = [sys.executable, str(root / "scripts" / "rule_tables.py")]
    done = subprocess.run([*script, "--check"], capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout) == (
        1,
        f"the rule table of {path} is not the catalogue's: run python scripts/rule_tables.py\n",
    )
    assert subprocess.run(script, check=False).returncode == 0
    assert target.read_text(encoding="utf-8") == good
