"""The CI rule of ``tests/conftest.py``: a skipped end-to-end test fails a CI run, and only
there; a test skipped for another reason never does."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support import TESTS

PROBE = """
import pytest
from e2e_support import missing

@pytest.mark.e2e
def test_drives_a_program():
    missing("frobnicator", "apt-get install frobnicator")

def test_needs_the_corpus():
    pytest.skip("the corpus is absent")

def test_passes():
    pass
"""


def run_probe(tmp_path: Path, tests: str, **env: str) -> subprocess.CompletedProcess[str]:
    for name in ("conftest.py", "e2e_support.py"):
        shutil.copy(TESTS / name, tmp_path / name)
    (tmp_path / "test_probe.py").write_text(tests, encoding="utf-8")
    (tmp_path / "pytest.ini").write_text("[pytest]\nmarkers =\n    e2e: probe\n")
    clean = {k: v for k, v in os.environ.items() if k not in ("CI", "EKSA_MIRROR_REQUIRE_E2E")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**clean, **env},
        timeout=120,
    )


def test_required_run_fails_and_names_the_skipped_test(tmp_path: Path) -> None:
    run = run_probe(tmp_path, PROBE, EKSA_MIRROR_REQUIRE_E2E="1")
    assert run.returncode == 1, run.stdout
    assert "end-to-end tests skipped (not allowed in CI: failing)" in run.stdout
    assert (
        "test_probe.py::test_drives_a_program: Skipped: end-to-end program missing: "
        "frobnicator. To run this test: apt-get install frobnicator"
    ) in run.stdout
    assert "test_needs_the_corpus" not in run.stdout.split("end-to-end tests skipped")[1]


def test_contributor_run_passes_and_says_how_to_enable(tmp_path: Path) -> None:
    run = run_probe(tmp_path, PROBE, EKSA_MIRROR_REQUIRE_E2E="0")
    assert run.returncode == 0, run.stdout
    assert "To run this test: apt-get install frobnicator" in run.stdout
    assert "1 passed, 2 skipped" in run.stdout


def test_other_skips_never_fail_a_required_run(tmp_path: Path) -> None:
    without_e2e = PROBE.replace("@pytest.mark.e2e\n", "")
    run = run_probe(tmp_path, without_e2e, EKSA_MIRROR_REQUIRE_E2E="1")
    assert run.returncode == 0, run.stdout
    assert "end-to-end tests skipped" not in run.stdout


@pytest.mark.skipif(sys.platform != "linux", reason="the CI rule is for Linux runs as root")
def test_ci_as_root_on_linux_requires_everything(tmp_path: Path) -> None:
    run = run_probe(tmp_path, PROBE, CI="true")
    expected = 1 if os.geteuid() == 0 else 0
    assert run.returncode == expected, run.stdout
