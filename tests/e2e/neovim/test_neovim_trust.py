"""The attacker's spec in a real headless Neovim 0.11 (``trust.lua``): the question before
REGISTRY_USERNAME/REGISTRY_PASSWORD leave comes through Neovim's own
``window/showMessageRequest`` handler (``vim.ui.select``), and ``workspaceTrusted = false`` in
``init_options`` turns it into a check without credentials, as docs/editors.md says.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from attacker import CREDS, Attacker, attacker_spec

from support import Cert

pytestmark = pytest.mark.e2e

DRIVER = Path(__file__).resolve().parent / "trust.lua"


def run(nvim: str, tmp_path: Path, spec: str, options: str, answer: str) -> dict[str, Any]:
    file, out = tmp_path / "cluster.yaml", tmp_path / "result.json"
    file.write_text(spec)
    env = {
        **os.environ,
        **CREDS,
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]),
        "EKSA_NVIM_FILE": str(file),
        "EKSA_NVIM_OUT": str(out),
        "EKSA_NVIM_OPTIONS": options,
        "EKSA_NVIM_ANSWER": answer,
    }
    for xdg in ("CONFIG", "DATA", "STATE", "CACHE"):
        env[f"XDG_{xdg}_HOME"] = str(tmp_path / "xdg" / xdg.lower())
    proc = subprocess.run(
        [nvim, "--headless", "--clean", "-u", str(DRIVER)],
        cwd=tmp_path, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip
    assert out.is_file(), f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    result: dict[str, Any] = json.loads(out.read_text())
    assert "error" not in result, result
    return result


@pytest.mark.parametrize(
    ("answer", "verdict", "credentials"),
    [("Check without credentials", "ok", 0), ("Send credentials", "fail", 1), ("", None, 0)],
)
def test_neovim_asks_before_credentials_leave(
    nvim011: str,
    attacker: Attacker,
    attacker_pki: tuple[Cert, Cert],
    tmp_path: Path,
    answer: str,
    verdict: str | None,
    credentials: int,
) -> None:
    host = f"127.0.0.1:{attacker.port}"
    result = run(nvim011, tmp_path, attacker_spec(attacker.port, attacker_pki[0].pem), "", answer)
    assert result["lenses"] == [f"Check registry {host}"]
    assert result["question"].startswith(
        f"eksa-mirror: send REGISTRY_USERNAME and REGISTRY_PASSWORD to {host}? cluster.yaml"
    )
    assert result["actions"] == ["Send credentials", "Check without credentials", "Cancel"]
    assert result["result"]["verdict"] == (verdict or "cancelled")
    assert attacker.credentials == credentials


def test_neovim_untrusted_folder_checks_without_credentials(
    nvim011: str, attacker: Attacker, attacker_pki: tuple[Cert, Cert], tmp_path: Path
) -> None:
    options = json.dumps({"eksaMirror": {"workspaceTrusted": False}})
    spec = attacker_spec(attacker.port, attacker_pki[0].pem)
    result = run(nvim011, tmp_path, spec, options, "Send credentials")
    host = f"127.0.0.1:{attacker.port}"
    assert result["lenses"] == [
        f"Check registry {host} without credentials (workspace not trusted)"
    ]
    assert ("question" not in result, result["result"]["verdict"]) == (True, "ok")
    assert (attacker.requests > 0, attacker.credentials) == (True, 0)
