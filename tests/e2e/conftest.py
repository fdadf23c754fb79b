"""Fixtures for end-to-end tests that drive real external programs."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from attacker import Attacker
from registry_pki import Pki

from e2e_support import missing
from support import Cert, issue

E2E_DIR = Path(__file__).resolve().parent
YLS_PREFIX = E2E_DIR / "yls"


@pytest.fixture(scope="session")
def yls_command() -> list[str]:
    """The pinned yaml-language-server (``npm ci --prefix tests/e2e/yls``), run over stdio."""
    binary = YLS_PREFIX / "node_modules" / ".bin" / "yaml-language-server"
    if shutil.which("node") is None:
        missing("Node.js (node on PATH), which yaml-language-server needs", "install Node.js 18+")
    if not binary.exists():
        missing(
            f"yaml-language-server at {binary.relative_to(E2E_DIR.parents[1])}",
            "npm ci --prefix tests/e2e/yls",
        )
    return [str(binary), "--stdio"]


# The standalone program, for the tests that compare it with the pip-installed command and
# for the platform VS Code extension that carries it.
from standalone import standalone_binary  # noqa: E402,F401


@pytest.fixture(scope="session")
def pki() -> Pki:
    """The test CA and the certificates it issued (``registry_pki.py``), each made once."""
    return Pki()


@pytest.fixture(scope="session")
def ca(pki: Pki) -> Cert:
    """``pki.ca``: the CA the test specs' ``caCertContent`` holds."""
    return pki.ca


# The attacker of docs/security.md (attacker.py), for the credential tests.


@pytest.fixture(scope="module")
def attacker_pki() -> tuple[Cert, Cert]:
    """The attacker's own CA (its spec's ``caCertContent``) and its server certificate."""
    ca = issue("attacker CA", ca=True)
    return ca, issue("127.0.0.1", ca, ips=("127.0.0.1",))


@pytest.fixture
def attacker(attacker_pki: tuple[Cert, Cert], tmp_path: Path) -> Iterator[Attacker]:
    with Attacker(attacker_pki[1], tmp_path / "attacker") as server:
        yield server
