"""The wheels pre-commit's hook environment installs from, so that its tests need no network.

pre-commit builds the hook's environment with ``pip install .`` of this repository: the
build backend (hatchling) and the runtime dependencies come from PyPI. ``scripts/setup-e2e``
runs this file (``python tests/e2e/wheelhouse.py``), which downloads them once into
``.cache/pre-commit-wheels/`` (git-ignored) for the Python that runs it, and writes
``requirements.txt`` there last, naming that Python and the requirements. The tests then run
pre-commit with ``PIP_NO_INDEX=1`` and ``PIP_FIND_LINKS`` at the folder (``offline_pip``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: tomli is a dependency of the package there
    import tomli as tomllib

REPO = Path(__file__).resolve().parents[2]
WHEELHOUSE = REPO / ".cache" / "pre-commit-wheels"
STAMP = WHEELHOUSE / "requirements.txt"
FILL = "bash scripts/setup-e2e"


def requirements() -> list[str]:
    """What ``pip install .`` of this repository installs: the build backend and the runtime
    dependencies of pyproject.toml."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    return [*project["build-system"]["requires"], *project["project"]["dependencies"]]


def stamp() -> str:
    """What ``requirements.txt`` says once the folder holds the wheels for this Python."""
    python = f"{sys.implementation.name} {sys.version_info[0]}.{sys.version_info[1]}"
    header = f"# {python} {sysconfig.get_platform()}: filled by {FILL}\n"
    return header + "".join(f"{r}\n" for r in requirements())


def is_filled() -> bool:
    return STAMP.is_file() and STAMP.read_text(encoding="utf-8") == stamp()


def offline_pip() -> dict[str, str]:
    """The environment in which pip installs from the folder alone: no index, no pip
    configuration file of the machine (its mirrors and links), and a dead index URL should
    anything ask for one anyway."""
    return {
        "PIP_CONFIG_FILE": os.devnull,
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(WHEELHOUSE),
        "PIP_INDEX_URL": "http://127.0.0.1:9/",
        "VIRTUALENV_NO_PERIODIC_UPDATE": "1",  # virtualenv seeds pip from its own wheels
    }


def fill() -> None:
    if is_filled():
        return
    WHEELHOUSE.mkdir(parents=True, exist_ok=True)
    STAMP.unlink(missing_ok=True)
    done = subprocess.run(
        [sys.executable, "-m", "pip", "download", "-q", "-d", str(WHEELHOUSE), *requirements()],
        check=False,
    )
    if done.returncode != 0:
        print(
            "wheelhouse: pip download failed (no network?): the pre-commit tests will be"
            f" skipped; to run them: {FILL}",
            file=sys.stderr,
        )
        return  # setup-e2e goes on; the tests say what is missing
    STAMP.write_text(stamp(), encoding="utf-8")


if __name__ == "__main__":
    fill()
