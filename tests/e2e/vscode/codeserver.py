"""A code-server session for the VS Code end-to-end tests: the extension installed in a fresh
user-data folder, the user settings, the login shell's profile, and code-server running on
127.0.0.1 in its own process group (``running``). The fixtures are in ``conftest.py``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Tools:
    code_server: Path
    node: str
    chromium: str


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def kill_group(proc: subprocess.Popen[bytes], grace: float = 5.0) -> None:
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
                   free_port())  # fmt: skip


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


@contextlib.contextmanager
def running(tools: Tools, session: Session, artifacts: Path, *flags: str) -> Iterator[None]:
    """code-server on 127.0.0.1 for ``session`` (its own process group, stopped as a whole),
    up and answering ``/healthz``; its logs are kept in ``artifacts`` afterwards."""
    with open(session.log, "wb") as log_fh:
        server = subprocess.Popen(
            [
                str(tools.code_server),
                "--bind-addr", f"127.0.0.1:{session.port}",
                "--auth", "none",
                "--disable-telemetry",
                "--disable-update-check",
                *flags,
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
        yield
    finally:
        kill_group(server)
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
