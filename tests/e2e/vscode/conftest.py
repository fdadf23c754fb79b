"""Fixtures for the VS Code end-to-end test: tools, the .vsix, and a code-server instance.

A missing tool skips with the command that installs it (``setup.sh``); under CI, as root on
Linux, the session fails instead (tests/conftest.py).
"""

from __future__ import annotations

import json
import os
import platform
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


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """test-artifacts/vscode/, emptied so that no screenshot is left from an older run."""
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    return ARTIFACTS


def path_without_eksa_mirror() -> str:
    """PATH minus the folders holding an eksa-mirror command (the test environment's own
    among them), so that the extension finds only the server each test offers it."""
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


@dataclass(frozen=True)
class Session:
    """A prepared code-server: the extension installed, settings written, its environment."""

    workspace: Path
    user_data: Path
    ext_dir: Path
    settings: Path
    log: Path
    env: dict[str, str]
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/?folder={self.workspace}"

    def output_log(self) -> str:
        """The extension's output channel ("EKS-A Mirror"), as VS Code wrote it to disk."""
        logs = sorted((self.user_data / "logs").rglob("*.log"))
        texts = [p.read_text(errors="replace") for p in logs]
        return "\n".join(t for t in texts if "timeline: activated" in t)

    def extension_host_log(self) -> str:
        logs = (self.user_data / "logs").rglob("remoteexthost.log")
        return "\n".join(p.read_text(errors="replace") for p in logs)

    def keep_logs(self, artifacts: Path) -> None:
        """Keep the logs (code-server, extension host, our output channel) with the screenshots."""
        artifacts.mkdir(parents=True, exist_ok=True)
        if self.log.is_file():
            shutil.copy(self.log, artifacts / "code-server.log")
        logs = self.user_data / "logs"
        if logs.is_dir():
            shutil.copytree(logs, artifacts / "logs", dirs_exist_ok=True)


def prepare_session(tools: Tools, vsix: Path, base: Path, path: str, profile: str = "") -> Session:
    """Install the extension into a fresh user-data and extensions folder.

    code-server gives its extension host the environment of a login shell (``bash -il``),
    as Remote-SSH does: the PATH the extension sees is the one ``~/.bash_profile`` makes.
    HOME is a fresh folder whose ``.bash_profile`` holds ``profile``."""
    home = base / "home"
    home.mkdir()
    (home / ".bash_profile").write_text(profile)
    workspace = base / "workspace"
    workspace.mkdir()
    shutil.copy(HERE / "fixtures" / "cluster.yaml", workspace / "cluster.yaml")
    user_data = base / "user"
    (user_data / "User").mkdir(parents=True)
    settings_file = user_data / "User" / "settings.json"
    settings_file.write_text(json.dumps(USER_SETTINGS, indent=2))
    ext_dir = base / "extensions"
    env = dict(
        os.environ,
        XDG_CONFIG_HOME=str(base / "xdg-config"),  # code-server writes config even for --version
        XDG_DATA_HOME=str(base / "xdg-data"),
        XDG_CACHE_HOME=str(base / "xdg-cache"),
        PATH=path,
        HOME=str(home),
        SHELL=shutil.which("bash") or "/bin/bash",
    )
    env.pop("VIRTUAL_ENV", None)
    common = ["--user-data-dir", str(user_data), "--extensions-dir", str(ext_dir)]
    proc = subprocess.run(
        [str(tools.code_server), *common, "--install-extension", str(vsix)],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    if proc.returncode != 0 or not any(ext_dir.glob("eksa-mirror.eksa-mirror-*")):
        pytest.fail(f"--install-extension {vsix} failed:\n{proc.stdout}\n{proc.stderr}")
    return Session(workspace, user_data, ext_dir, settings_file, base / "code-server.log", env,
                   _free_port())  # fmt: skip


@dataclass(frozen=True)
class CodeServer:
    session: Session
    #: The eksa-mirror on code-server's PATH (a link the test removes to see "not found").
    path_link: Path

    @property
    def url(self) -> str:
        return self.session.url

    @property
    def workspace(self) -> Path:
        return self.session.workspace


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
    with open(session.log, "wb") as log_fh:
        server = subprocess.Popen(
            [
                str(e2e_tools.code_server),
                "--bind-addr", f"127.0.0.1:{session.port}",
                "--auth", "none",
                "--disable-telemetry",
                "--disable-update-check",
                "--disable-workspace-trust",
                "--disable-getting-started-override",
                "--user-data-dir", str(session.user_data),
                "--extensions-dir", str(session.ext_dir),
                str(session.workspace),
            ],
            env=session.env, stdin=subprocess.DEVNULL, stdout=log_fh, stderr=subprocess.STDOUT,
            start_new_session=True,  # setsid: its own process group, killed as a whole
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                url = f"http://127.0.0.1:{session.port}/healthz"
                with urllib.request.urlopen(url, timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"code-server did not come up:\n{session.log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield CodeServer(session, link)
    finally:
        _kill_group(server)
        session.keep_logs(artifacts)


def pythons_with_the_package(path: str) -> list[str]:
    """The Python interpreters on ``path`` that can import eksa_mirror."""
    found = []
    for name in ("python3", "python"):
        exe = shutil.which(name, path=path)
        if exe is None:
            continue
        proc = subprocess.run(
            [exe, "-c", "import eksa_mirror"], capture_output=True, timeout=60, check=False,
            env={"PATH": path}
        )  # fmt: skip
        if proc.returncode == 0:
            found.append(exe)
    return found


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
