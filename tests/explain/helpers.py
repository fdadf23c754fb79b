"""What the explain tests share: ``eksa-mirror explain`` run as a program, with credentials in
its environment that must never reach its output."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

USER, PASSWORD = "golden-user-Zq7", "golden-pass-Xy9"


def run_explain(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m eksa_mirror explain ARGS`` with placeholder-checked credentials set."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EKSA_", "REGISTRY_"))}
    env.update(REGISTRY_USERNAME=USER, REGISTRY_PASSWORD=PASSWORD, PYTHONIOENCODING="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "eksa_mirror", "explain", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=60,
    )
    assert "Traceback" not in result.stderr
    secret_b64 = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    for secret in (USER, PASSWORD, secret_b64):
        assert secret not in result.stdout, "a credential value was printed"
    return result
