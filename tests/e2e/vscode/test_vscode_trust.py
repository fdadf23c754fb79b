"""The attacker's spec in real VS Code (code-server 4.100.3, the packaged extension), in a
workspace that is not trusted, then trusted.

The workspace holds a stranger's ``cluster.yaml`` whose mirror is ``Attacker`` (a loopback
HTTPS registry asking for a login, recording what it gets), and ``.vscode/settings.json`` asks
for ``eksaMirror.upgradeDiff: git``. The editor's environment (the login shell's profile) has
REGISTRY_USERNAME/REGISTRY_PASSWORD, and a ``git`` on its PATH that logs each run. Workspace
trust is on and never prompted at start-up, so the window opens in Restricted Mode.
``trust.mjs`` clicks through it (see there); this test asserts what the page showed and what the
attacker received. Screenshots: ``test-artifacts/vscode/trust/``.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
ARTIFACTS = HERE.parents[2] / "test-artifacts" / "vscode" / "trust"

pytestmark = pytest.mark.e2e


def drive(tools: Any, trial: Any) -> dict[str, Any]:
    artifacts = ARTIFACTS
    env = dict(
        os.environ,
        CS_URL=trial.session.url,
        CHROMIUM=tools.chromium,
        ARTIFACTS=str(artifacts),
        ATTACKER_LOG=str(trial.attacker.log),
        GIT_LOG=str(trial.git_log),
    )
    proc = subprocess.run(
        [tools.node, str(HERE / "trust.mjs")],
        cwd=HERE, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    try:
        result: dict[str, Any] = json.loads(proc.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"trust.mjs printed no JSON (exit {proc.returncode}):\n{proc.stderr[-4000:]}")
    (artifacts / "trust-result.json").write_text(json.dumps(result, indent=2))
    failed = {k: v.get("error") for k, v in result["steps"].items() if not v["ok"]}
    assert not failed, f"steps failed: {failed}\n{proc.stderr[-4000:]}"
    return result


def test_untrusted_then_trusted_workspace(e2e_tools: Any, trust_trial: Any) -> None:
    trial = trust_trial
    steps = drive(e2e_tools, trial)["steps"]
    host = f"127.0.0.1:{trial.attacker.port}"
    counts = {name: step["attacker"] for name, step in steps.items()}
    print(f"\ncredentials at the attacker after each step: {json.dumps(counts)}")

    # Restricted Mode: the lens says why it checks without credentials; git never ran (no
    # RM023), and the check asked nothing and sent nothing.
    opened = steps["open"]
    assert opened["restricted_mode"], opened
    assert opened["lenses"] == [
        f"Check registry {host} without credentials (workspace not trusted)"
    ]
    assert not any("RM023" in p for p in opened["problems"]), opened["problems"]
    assert opened["git"] == []
    untrusted = steps["untrusted_check"]
    assert untrusted["questions"] == 0
    assert any(
        f"REGISTRY_USERNAME/REGISTRY_PASSWORD not sent to {host}: this workspace is not trusted"
        in p
        for p in untrusted["problems"]
    ), untrusted["problems"]
    assert untrusted["attacker"]["requests"] > 0
    assert untrusted["attacker"]["credentials"] == 0
    assert untrusted["git"] == []

    # Trust granted: the server hears of it, git runs (RM023), the lens names the host only.
    granted = steps["grant_trust"]
    assert granted["title"] == f"Check registry {host}"
    assert any("cat-file blob --end-of-options HEAD:./cluster.yaml" in g for g in granted["git"])
    assert granted["attacker"]["credentials"] == 0

    # The question names the host and the variables, before anything is sent.
    declined = steps["without_credentials"]
    assert declined["message"].startswith(
        f"eksa-mirror: send REGISTRY_USERNAME and REGISTRY_PASSWORD to {host}? cluster.yaml names"
        f" {host} as its registry mirror with authenticate: true."
    ), declined["message"]
    assert declined["buttons"][:3] == ["Send credentials", "Check without credentials", "Cancel"]
    assert declined["attacker_while_asking"]["credentials"] == 0
    assert declined["attacker"]["credentials"] == 0

    sent = steps["send"]
    assert sent["attacker_while_asking"]["credentials"] == 0
    assert sent["attacker"]["credentials"] == 1
    assert trial.attacker.credentials == 1
