"""End to end in real VS Code: code-server 4.100.3, the packaged extension, ``eksa-mirror serve``.

Chromium (playwright-core, ``drive.mjs``) opens ``fixtures/cluster.yaml`` and the assertions
below are made on what the page shows: squiggles, the Problems panel with rule codes, the
hover on ``port:`` (text from the schema), completion inside the mirror block, and a quick
fix applied from the Ctrl+. menu. Screenshots and logs go to ``test-artifacts/vscode/``.

Setup once: ``bash tests/e2e/vscode/setup.sh``. Run: ``pytest -m e2e tests/e2e/vscode -s``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
ARTIFACTS = REPO / "test-artifacts" / "vscode"

pytestmark = pytest.mark.e2e

# What the fixture contains and what the server answers for it.
FIX_CODE = "RM008"  # port: 443 unquoted
OTHER_CODE = "RM009"  # endpoint with scheme and port; ignored through the settings at the end
FIX_TITLE = r"^Quote the port"  # eksa-mirror's title: 'Quote the port: "443"'
EXPECTED_COMPLETIONS = {"ociNamespaces", "caCertContent", "authenticate", "insecureSkipVerify"}
PRESENT_KEYS = {"endpoint", "port"}


def _plain(markdown: str) -> str:
    """Markdown source -> the text a renderer shows (good enough for one sentence)."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"[*_`]", "", text)
    return " ".join(text.split())


def _schema_port_sentence() -> str:
    schema = json.loads((REPO / "schema" / "registry-mirror-configuration.schema.json").read_text())
    first_line = schema["properties"]["port"]["markdownDescription"].split("\n")[0]
    return _plain(first_line)


def _drive(tools: Any, cs: Any) -> tuple[dict, str, float]:
    env = dict(
        os.environ,
        CS_URL=cs.url,
        FILE_NAME="cluster.yaml",
        ARTIFACTS=str(ARTIFACTS),
        EXPECT_CODES=f"{FIX_CODE},{OTHER_CODE}",
        HOVER_WORD="port",
        FIX_CODE=FIX_CODE,
        FIX_LINE=r"^\s*port:\s*443\s*$",
        FIX_TOKEN="443",
        FIX_TITLE=FIX_TITLE,
        CHROMIUM=tools.chromium,
        SETTINGS_FILE=str(cs.workspace / ".vscode" / "settings.json"),
        IGNORE_CODE=OTHER_CODE,
    )
    start = time.monotonic()
    proc = subprocess.Popen(
        [tools.node, str(HERE / "drive.mjs")],
        cwd=HERE, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,  # chromium is its child: stop the whole group on timeout
    )  # fmt: skip
    try:
        out, err = proc.communicate(timeout=180)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        pytest.fail(f"drive.mjs timed out after 180 s:\n{err[-4000:]}")
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # leftover chromium helpers, if any
    elapsed = time.monotonic() - start
    try:
        result = json.loads(out)
    except json.JSONDecodeError:
        pytest.fail(
            f"drive.mjs printed no JSON (exit {proc.returncode}):\n{out[-2000:]}\n{err[-4000:]}"
        )
    (ARTIFACTS / "drive-result.json").write_text(json.dumps(result, indent=2))
    return result, err, elapsed


def test_vscode_extension_end_to_end(e2e_tools: Any, code_server: Any) -> None:
    result, progress, elapsed = _drive(e2e_tools, code_server)
    steps = result["steps"]
    print(f"\ndrive.mjs: {elapsed:.1f}s, timings {json.dumps(result['timings'])}")
    failed = {k: v.get("error") for k, v in steps.items() if not v["ok"]}
    assert not failed, f"steps failed: {failed}\n--- drive.mjs log ---\n{progress[-4000:]}"

    # 1. squiggles in the editor: RM009 is an error, RM008 a warning
    squiggles = steps["squiggles"]
    assert squiggles["error"] >= 1, squiggles
    assert squiggles["warning"] >= 1, squiggles

    # 2. the Problems panel lists both findings with source and code
    problems = "\n".join(r["text"] + " | " + r["aria"] for r in steps["problems"]["rows"])
    for code in (FIX_CODE, OTHER_CODE):
        assert re.search(rf"eksa-mirror\(?\s*{code}", problems), f"{code} missing:\n{problems}"
    assert "cluster.yaml" in problems

    # 3. hover on `port:` shows the schema's markdownDescription, rendered
    hover = " ".join(steps["hover"]["text"].split())
    assert _schema_port_sentence() in hover, hover
    assert steps["hover"]["has_markdown"], "hover was not rendered as markdown"

    # 4. completion inside the mirror block offers the keys not yet present
    labels = {i["label"] for i in steps["completion"]["items"]}
    assert labels >= EXPECTED_COMPLETIONS, labels
    assert not (PRESENT_KEYS & labels), f"keys already present were offered: {labels}"
    assert steps["completion"]["restored"], "undo after completion did not restore the text"

    # 5. the quick fix from the Ctrl+. menu quotes the port and clears RM008 only
    fix = steps["quickfix"]
    assert re.match(FIX_TITLE, fix["chosen"]), fix["actions"]
    assert any(re.fullmatch(r'\s*port:\s*"443"\s*', line) for line in fix["lines_after"]), fix[
        "lines_after"
    ]
    assert fix["cleared"], f"{FIX_CODE} still in Problems: {fix['problems_after']}"
    after = "\n".join(r["text"] + " | " + r["aria"] for r in fix["problems_after"])
    assert OTHER_CODE in after, f"{OTHER_CODE} should remain:\n{after}"

    # 6. settings are live: adding RM009 to eksaMirror.ignore removes it without a restart
    live = steps["settings_live"]
    assert live["cleared"], f"{OTHER_CODE} still shown after eksaMirror.ignore: {live['after']}"

    # 7. no server: one error that says what to install, whose button opens the setting
    missing = steps["missing_server"]
    assert "pip install eksa-mirror" in missing["message"], missing
    assert "eksaMirror.server.path" in missing["message"], missing
    assert "Open Settings" in missing["buttons"], missing
    assert missing["count"] == 1, missing
    assert "Server: Path" in missing["setting"], missing
