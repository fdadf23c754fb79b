"""Emacs for real: headless Emacs (``--batch``) loads ``editors/emacs/eksa-mirror-eglot.el``
or ``eksa-mirror-lsp-mode.el``, opens a cluster spec in yaml-mode and, through eglot or
lsp-mode and ``eksa-mirror serve``, gets the diagnostics with their codes, a hover and
completion items (``driver.el`` drives it and writes what it got as JSON).

Debian: ``apt-get install emacs-nox elpa-eglot elpa-lsp-mode elpa-yaml-mode``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from e2e_support import missing

pytestmark = pytest.mark.e2e

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
APT = "apt-get install emacs-nox elpa-eglot elpa-lsp-mode elpa-yaml-mode"
ELPA = Path("/usr/share/emacs/site-lisp/elpa")
CONFIGS = {"eglot": "eksa-mirror-eglot.el", "lsp-mode": "eksa-mirror-lsp-mode.el"}


def emacs() -> str:
    binary = shutil.which("emacs")
    if binary is None:
        missing("Emacs", APT)
    for package in ("eglot", "lsp-mode", "yaml-mode"):
        if not any(ELPA.glob(f"{package}-[0-9]*")):
            missing(f"the Emacs package {package} (Debian's elpa-{package})", APT)
    return binary


def validate_json(path: Path) -> list[dict[str, Any]]:
    run = subprocess.run(
        [sys.executable, "-m", "eksa_mirror", "validate", "--format", "json", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 1, run.stderr
    return list(json.loads(run.stdout))


def drive(client: str, spec: Path, tmp_path: Path) -> dict[str, Any]:
    out = tmp_path / "result.json"
    bin_dir = str(Path(sys.executable).parent)  # eksa-mirror of this environment on exec-path
    env = {
        **os.environ,
        "HOME": str(tmp_path),
        "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
        "EKSA_EMACS_CLIENT": client,
        "EKSA_EMACS_CONFIG": str(REPO / "editors" / "emacs" / CONFIGS[client]),
        "EKSA_EMACS_FILE": str(spec),
        "EKSA_EMACS_HOVER": "26:5",  # on `endpoint` of the mirror
        "EKSA_EMACS_COMPLETE": "27:4",  # at the start of `port:`
        "EKSA_EMACS_OUT": str(out),
    }
    run = subprocess.run(
        [emacs(), "--batch", "-Q", "-l", str(HERE / "driver.el")],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
    )
    assert out.exists(), f"exit {run.returncode}\nstdout: {run.stdout}\nstderr: {run.stderr}"
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    assert "error" not in result, f"{result['error']}\nstderr: {run.stderr}"
    return result


@pytest.mark.parametrize("client", ["eglot", "lsp-mode"])
def test_emacs_client(client: str, tmp_path: Path) -> None:
    spec = tmp_path / "cluster.yaml"
    shutil.copy(REPO / "examples" / "invalid-mirror.yaml", spec)
    result = drive(client, spec, tmp_path)
    assert result["mode"] == "yaml-mode"
    assert {"eglot": "eglot-ensure", "lsp-mode": "lsp-deferred"}[client] in result["hook"]

    expected = validate_json(spec)
    got = sorted((line, column, code) for line, column, code, _ in result["diagnostics"])
    assert got == sorted((f["line"], f["column"] - 1, f["code"]) for f in expected)
    messages = {code: message for _, _, code, message in result["diagnostics"]}
    rm009 = next(f["message"] for f in expected if f["code"] == "RM009")
    # eglot 1.9 shows "SOURCE [CODE]: message"; lsp-mode keeps the server's message
    assert messages["RM009"] == (f"eksa-mirror [RM009]: {rm009}" if client == "eglot" else rm009)

    assert result["hover"].startswith("**`registryMirrorConfiguration.endpoint`**")
    assert "**Required.** IP address or hostname of the private registry" in result["hover"]
    assert result["completion"] == ["caCertContent", "port"]
