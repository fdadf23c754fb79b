"""Fixtures for the VS Code end-to-end test: tools, the .vsix, and a code-server instance.

Nothing here skips: a missing tool is a failure that says to run ``setup.sh``.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from e2e_support import missing

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


@dataclass(frozen=True)
class Tools:
    code_server: Path
    node: str
    chromium: str


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


@pytest.fixture(scope="session")
def vsix(e2e_tools: Tools) -> Path:
    """The packaged extension: $EKSA_E2E_VSIX, or built with ``npm ci && npm run package``."""
    prebuilt = os.environ.get("EKSA_E2E_VSIX")
    if prebuilt:
        path = Path(prebuilt)
        if not path.is_file():
            pytest.fail(f"EKSA_E2E_VSIX={prebuilt} does not exist")
        return path
    npm = shutil.which("npm")
    if not npm:
        missing("npm on PATH", SETUP_HINT)
    installed = CLIENT_DIR / "node_modules" / ".package-lock.json"
    lock = CLIENT_DIR / "package-lock.json"
    # `npm ci` only when node_modules is older than the lock file: saves ~10 s per run.
    if not installed.exists() or installed.stat().st_mtime < lock.stat().st_mtime:
        _run([npm, "ci", "--no-audit", "--no-fund"], CLIENT_DIR, 300)
    version = json.loads((CLIENT_DIR / "package.json").read_text())["version"]
    out = CLIENT_DIR / f"eksa-mirror-{version}.vsix"
    out.unlink(missing_ok=True)
    _run([npm, "run", "package"], CLIENT_DIR, 300)
    if not out.is_file():
        pytest.fail(f"`npm run package` did not produce {out}")
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _kill_group(proc: subprocess.Popen[bytes], grace: float = 5.0) -> None:
    """Stops a process started with start_new_session=True, with all its descendants."""
    try:
        pgid = os.getpgid(proc.pid)
    except ProcessLookupError:
        return
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                os.killpg(pgid, 0)  # anyone left in the group?
            except ProcessLookupError:
                proc.poll()
                return
            proc.poll()
            time.sleep(0.1)


@dataclass(frozen=True)
class CodeServer:
    url: str
    workspace: Path
    user_data: Path
    settings: Path
    log: Path


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """test-artifacts/vscode/, emptied so that no screenshot is left from an older run."""
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    return ARTIFACTS


def _path_without_eksa_mirror() -> str:
    """PATH minus the folders holding an eksa-mirror command, so that only the setting finds
    the server and the test can check the "server not found" message."""
    keep = [
        d for d in os.environ.get("PATH", "").split(os.pathsep)
        if d and not (Path(d) / "eksa-mirror").exists()
    ]  # fmt: skip
    return os.pathsep.join(keep)


USER_SETTINGS = {
    "workbench.startupEditor": "none",
    "workbench.tips.enabled": False,
    "workbench.welcomePage.walkthroughs.openOnInstall": False,
    "workbench.colorTheme": "Default Dark Modern",
    "security.workspace.trust.enabled": False,
    "telemetry.telemetryLevel": "off",
    "extensions.autoCheckUpdates": False,
    "extensions.autoUpdate": False,
    "extensions.ignoreRecommendations": True,
    "update.mode": "none",
    "editor.minimap.enabled": False,
    "editor.wordBasedSuggestions": "off",
    "editor.hover.delay": 300,
    "workbench.editor.enablePreview": False,
    "chat.commandCenter.enabled": False,
}


@pytest.fixture(scope="session")
def code_server(
    e2e_tools: Tools,
    vsix: Path,
    eksa_mirror_command: str,
    artifacts: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[CodeServer]:
    base = tmp_path_factory.mktemp("code-server")
    workspace = base / "workspace"
    workspace.mkdir()
    shutil.copy(HERE / "fixtures" / "cluster.yaml", workspace / "cluster.yaml")
    user_data = base / "user"
    (user_data / "User").mkdir(parents=True)
    settings = dict(USER_SETTINGS, **{"eksaMirror.server.path": eksa_mirror_command})
    settings_file = user_data / "User" / "settings.json"
    settings_file.write_text(json.dumps(settings, indent=2))
    ext_dir = base / "extensions"
    env = dict(
        os.environ,
        XDG_CONFIG_HOME=str(base / "xdg-config"),  # code-server writes config even for --version
        XDG_DATA_HOME=str(base / "xdg-data"),
        XDG_CACHE_HOME=str(base / "xdg-cache"),
        PATH=_path_without_eksa_mirror(),
    )
    common = ["--user-data-dir", str(user_data), "--extensions-dir", str(ext_dir)]
    proc = subprocess.run(
        [str(e2e_tools.code_server), *common, "--install-extension", str(vsix)],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    if proc.returncode != 0 or not any(ext_dir.glob("eksa-mirror.eksa-mirror-*")):
        pytest.fail(f"--install-extension {vsix} failed:\n{proc.stdout}\n{proc.stderr}")

    port = _free_port()
    log = base / "code-server.log"
    with open(log, "wb") as log_fh:
        server = subprocess.Popen(
            [
                str(e2e_tools.code_server),
                "--bind-addr", f"127.0.0.1:{port}",
                "--auth", "none",
                "--disable-telemetry",
                "--disable-update-check",
                "--disable-workspace-trust",
                "--disable-getting-started-override",
                *common,
                str(workspace),
            ],
            env=env, stdin=subprocess.DEVNULL, stdout=log_fh, stderr=subprocess.STDOUT,
            start_new_session=True,  # setsid: its own process group, killed as a whole
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"code-server did not come up:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield CodeServer(
            url=f"http://127.0.0.1:{port}/?folder={workspace}",
            workspace=workspace,
            user_data=user_data,
            settings=settings_file,
            log=log,
        )
    finally:
        _kill_group(server)
        # Keep the logs (code-server, extension host, our output channel) with the screenshots.
        shutil.copy(log, artifacts / "code-server.log")
        logs = user_data / "logs"
        if logs.is_dir():
            shutil.copytree(logs, artifacts / "logs", dirs_exist_ok=True)
