"""Fixtures for the VS Code end-to-end test: tools, the .vsix, and a code-server instance.

A missing tool skips with the command that installs it (``setup.sh``); under CI, as root on
Linux, the session fails instead (tests/conftest.py).
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from attacker import CREDS, Attacker, attacker_spec
from codeserver import (
    USER_SETTINGS,
    CodeServer,
    Session,
    Tools,
    path_without_eksa_mirror,
    prepare_session,
    pythons_with_the_package,
    running,
)

from e2e_support import missing
from support import Cert

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
CLIENT_DIR = REPO / "vscode-client"
ARTIFACTS = REPO / "test-artifacts" / "vscode"
CS_VERSION = "4.100.3"
SETUP_HINT = (
    "run `bash tests/e2e/vscode/setup.sh` (installs chromium, code-server and playwright-core)"
)


def code_server_dir() -> Path:
    default = Path.home() / ".cache" / "eksa-mirror-e2e" / f"code-server-{CS_VERSION}"
    return Path(os.environ.get("EKSA_E2E_CODE_SERVER_DIR", default))


@pytest.fixture(scope="session")
def e2e_tools() -> Tools:
    problems = []
    cs = code_server_dir() / "node_modules" / ".bin" / "code-server"
    if not cs.exists():
        problems.append(f"code-server {CS_VERSION} not found at {cs}")
    node = shutil.which("node")
    if not node:
        problems.append("node not on PATH")
    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium") or ""
    if not chromium:
        problems.append("chromium not found (set CHROMIUM or apt-get install chromium)")
    if not (HERE / "node_modules" / "playwright-core" / "package.json").exists():
        problems.append(f"playwright-core not installed in {HERE / 'node_modules'}")
    if problems:
        missing("VS Code e2e setup: " + "; ".join(problems), SETUP_HINT)
    assert node is not None
    return Tools(code_server=cs, node=node, chromium=chromium)


@pytest.fixture(scope="session")
def eksa_mirror_command() -> str:
    """The ``eksa-mirror`` console script of the Python environment running the tests."""
    override = os.environ.get("EKSA_E2E_SERVER")
    if override:
        candidates = [Path(override)]
    else:
        exe = "eksa-mirror.exe" if sys.platform == "win32" else "eksa-mirror"
        candidates = [Path(sys.executable).parent / exe]
        found = shutil.which("eksa-mirror")
        if found:
            candidates.append(Path(found))
    for cand in candidates:
        if cand.exists():
            proc = subprocess.run(
                [str(cand), "--version"], capture_output=True, text=True, timeout=30, check=False
            )
            if proc.returncode == 0:
                return str(cand)
    pytest.fail(
        f"no working eksa-mirror console script in {candidates}: run `pip install -e {REPO}` "
        "in the environment that runs pytest"
    )


def _run(cmd: list[str], cwd: Path, timeout: float) -> None:
    proc = subprocess.run(
        cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )
    if proc.returncode != 0:
        pytest.fail(
            f"`{' '.join(cmd)}` in {cwd} exited {proc.returncode}:\n{proc.stdout[-3000:]}\n"
            f"{proc.stderr[-3000:]}"
        )


def _package(target: str | None) -> Path:
    """``scripts/package-vsix [TARGET]``: the universal or a platform .vsix."""
    bash = shutil.which("bash")
    if not bash or not shutil.which("npm"):
        missing("bash and npm (to package the extension)", SETUP_HINT)
    _run([bash, str(REPO / "scripts" / "package-vsix"), *([target] if target else [])], REPO, 300)
    version = json.loads((CLIENT_DIR / "package.json").read_text())["version"]
    out = CLIENT_DIR / f"eksa-mirror-{target + '-' if target else ''}{version}.vsix"
    if not out.is_file():
        pytest.fail(f"scripts/package-vsix did not produce {out}")
    return out


@pytest.fixture(scope="session")
def vsix(e2e_tools: Tools) -> Path:
    """The universal extension: $EKSA_E2E_VSIX, or ``scripts/package-vsix``."""
    prebuilt = os.environ.get("EKSA_E2E_VSIX")
    if prebuilt:
        path = Path(prebuilt)
        if not path.is_file():
            pytest.fail(f"EKSA_E2E_VSIX={prebuilt} does not exist")
        return path
    return _package(None)


def vsce_target() -> str:
    """This machine as a ``vsce package --target`` name."""
    arch = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}
    system = {"linux": "linux", "darwin": "darwin", "win32": "win32"}[sys.platform]
    return f"{system}-{arch.get(platform.machine().lower(), platform.machine())}"


@pytest.fixture(scope="session")
def platform_vsix(e2e_tools: Tools, standalone_binary: Path) -> Path:
    """The platform extension of this machine, carrying the standalone server:
    $EKSA_E2E_PLATFORM_VSIX, or ``scripts/package-vsix TARGET`` after the standalone build."""
    prebuilt = os.environ.get("EKSA_E2E_PLATFORM_VSIX")
    if prebuilt:
        path = Path(prebuilt)
        if not path.is_file():
            pytest.fail(f"EKSA_E2E_PLATFORM_VSIX={prebuilt} does not exist")
        return path
    return _package(vsce_target())


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """test-artifacts/vscode/, emptied so that no screenshot is left from an older run."""
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def code_server(
    e2e_tools: Tools,
    vsix: Path,
    eksa_mirror_command: str,
    artifacts: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[CodeServer]:
    """The universal extension, finding the server on PATH (no setting points at it): on the
    PATH of the login shell, as the "not found" message advises for a remote window."""
    base = tmp_path_factory.mktemp("code-server")
    bin_dir = base / "bin"
    bin_dir.mkdir()
    link = bin_dir / "eksa-mirror"
    link.symlink_to(eksa_mirror_command)
    profile = f'export PATH="{bin_dir}:$PATH"\n'
    session = prepare_session(e2e_tools, vsix, base, path_without_eksa_mirror(), profile)
    with running(e2e_tools, session, artifacts, "--disable-workspace-trust"):
        yield CodeServer(session, link)


@pytest.fixture(scope="session")
def offline_session(
    e2e_tools: Tools,
    platform_vsix: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Session:
    """The platform extension in a clean code-server: no eksa-mirror on PATH, no Python on
    PATH that has the package, no setting pointing at a server. The test runs it without
    network (``netns-session.sh`` under ``unshare -n``)."""
    if sys.platform != "linux" or not shutil.which("unshare") or not shutil.which("ip"):
        pytest.fail(
            "the offline VS Code test needs Linux with unshare and ip (util-linux, iproute2)"
        )
    path = path_without_eksa_mirror()
    leaked = pythons_with_the_package(path)
    if leaked:
        pytest.fail(f"these Pythons on the test's PATH have eksa_mirror installed: {leaked}")
    base = tmp_path_factory.mktemp("code-server-offline")
    return prepare_session(e2e_tools, platform_vsix, base, path)


# --- the attacker's spec in a workspace not trusted yet (test_vscode_trust.py) ---------

TRUST_SETTINGS = {
    **USER_SETTINGS,
    "security.workspace.trust.enabled": True,
    "security.workspace.trust.startupPrompt": "never",
}


def fake_git(folder: Path, log: Path) -> None:
    real = shutil.which("git")
    assert real is not None
    (folder / "git").write_text(f'#!/bin/sh\necho "$*" >> "{log}"\nexec "{real}" "$@"\n')
    (folder / "git").chmod(0o755)


def stranger_workspace(workspace: Path, spec: str) -> None:
    """The spec, committed without ``authenticate`` (so RM023 shows when git runs), and the
    workspace's own wish to run git."""
    (workspace / "cluster.yaml").write_text(spec.replace("    authenticate: true\n", ""))
    for args in (["init", "-q"], ["add", "cluster.yaml"], ["commit", "-qm", "theirs"]):
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
                       cwd=workspace, check=True, capture_output=True)  # fmt: skip
    (workspace / "cluster.yaml").write_text(spec)
    (workspace / ".vscode").mkdir()
    (workspace / ".vscode" / "settings.json").write_text('{"eksaMirror.upgradeDiff": "git"}\n')


class Trial:
    """The prepared session, the attacker and the logs the driver reads."""

    def __init__(self, session: Session, attacker: Attacker, git_log: Path) -> None:
        self.session, self.attacker, self.git_log = session, attacker, git_log


@pytest.fixture(scope="module")
def trust_trial(
    e2e_tools: Tools,
    vsix: Path,
    eksa_mirror_command: str,
    artifacts: Path,
    attacker_pki: tuple[Cert, Cert],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Trial]:
    base = tmp_path_factory.mktemp("code-server-trust")
    bin_dir = base / "bin"
    bin_dir.mkdir()
    (bin_dir / "eksa-mirror").symlink_to(eksa_mirror_command)
    git_log, attacker_log = base / "git.log", base / "attacker.log"
    fake_git(bin_dir, git_log)
    exports = "".join(f"export {name}='{value}'\n" for name, value in CREDS.items())
    profile = f'export PATH="{bin_dir}:$PATH"\n{exports}'
    session = prepare_session(e2e_tools, vsix, base, path_without_eksa_mirror(), profile)
    session.settings.write_text(json.dumps(TRUST_SETTINGS, indent=2))
    ca, cert = attacker_pki
    with Attacker(cert, base / "attacker", log=attacker_log) as attacker:
        stranger_workspace(session.workspace, attacker_spec(attacker.port, ca.pem))
        with running(e2e_tools, session, artifacts / "trust"):
            yield Trial(session, attacker, git_log)
