"""The standalone ``eksa-mirror`` (``scripts/build-standalone``): built once per session when
missing or older than the code it is built from, or taken from ``$EKSA_STANDALONE``."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from e2e_support import missing

REPO = Path(__file__).resolve().parents[2]
EXE = "eksa-mirror.exe" if sys.platform == "win32" else "eksa-mirror"
BINARY = REPO / "dist" / "eksa-mirror" / EXE
#: What the binary is made of: when any of it is newer than the binary, it is rebuilt.
SOURCES = ("server", "schema", "scripts/eksa-mirror.spec", "scripts/build-standalone")


def _newest_source() -> float:
    files: list[Path] = []
    for name in SOURCES:
        path = REPO / name
        found = path.rglob("*") if path.is_dir() else [path]
        files += [f for f in found if f.is_file() and "__pycache__" not in f.parts]
    return max(f.stat().st_mtime for f in files)


def _build() -> None:
    bash = shutil.which("bash")
    if bash is None:
        missing("bash (to run scripts/build-standalone)", "install bash")
    if importlib.util.find_spec("PyInstaller") is None:
        missing("PyInstaller (to build the standalone program)", "pip install -e '.[build]'")
    env = dict(os.environ, PYTHON=sys.executable)
    proc = subprocess.run(
        [bash, "scripts/build-standalone"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    if proc.returncode != 0:
        pytest.fail(
            f"scripts/build-standalone exited {proc.returncode}:\n{proc.stdout[-3000:]}\n"
            f"{proc.stderr[-3000:]}",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def standalone_binary() -> Path:
    prebuilt = os.environ.get("EKSA_STANDALONE")
    if prebuilt:
        path = Path(prebuilt)
        if not path.is_file():
            pytest.fail(f"EKSA_STANDALONE={prebuilt} does not exist", pytrace=False)
        return path
    if not BINARY.is_file() or BINARY.stat().st_mtime < _newest_source():
        _build()
    return BINARY
