"""Fixtures for end-to-end tests that drive real external programs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

E2E_DIR = Path(__file__).resolve().parent
YLS_PREFIX = E2E_DIR / "yls"


@pytest.fixture(scope="session")
def yls_command() -> list[str]:
    """The pinned yaml-language-server (``npm ci --prefix tests/e2e/yls``), run over stdio."""
    binary = YLS_PREFIX / "node_modules" / ".bin" / "yaml-language-server"
    if not binary.exists():
        pytest.fail(
            f"yaml-language-server is not installed at {binary}.\n"
            "Install the pinned version with:  npm ci --prefix tests/e2e/yls",
            pytrace=False,
        )
    if shutil.which("node") is None:
        pytest.fail("node is not on PATH: yaml-language-server needs Node.js", pytrace=False)
    return [str(binary), "--stdio"]


# The standalone program, for the tests that compare it with the pip-installed command and
# for the platform VS Code extension that carries it.
from standalone import standalone_binary  # noqa: E402,F401
