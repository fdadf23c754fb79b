"""End to end in real VS Code: code-server 4.100.3, the packaged extension, ``eksa-mirror serve``.

Chromium (playwright-core, ``drive.mjs``) opens ``fixtures/cluster.yaml`` and the assertions
below are made on what the page shows: squiggles, the Problems panel with rule codes, the
hover on ``port:`` (text from the schema), completion inside the mirror block, and a quick
fix applied from the Ctrl+. menu. Screenshots and logs go to ``test-artifacts/vscode/``.

Two sessions:

- the universal ``.vsix``, which finds ``eksa-mirror`` on code-server's ``PATH`` (no setting);
  then, with that command gone, the "not found" message and the status bar item's menu;
- the platform ``.vsix`` of this machine (``scripts/package-vsix linux-x64``), which carries
  the standalone server, in a clean code-server with no ``eksa-mirror`` on ``PATH``, no Python
  that has the package, and no network: code-server, Chromium and the server run in an empty
  network namespace (``unshare -n``, loopback only). There also "Check registry" runs from
  its code lens and the "Clear check results" lens must appear.

Each session prints its start-up timeline: the extension's (activated, server found,
initialized, first diagnostics, from its output channel) and the first squiggle, in ms after
the click on the file. The first session clicks as soon as the Explorer shows (a cold
window: code-server starts its extension host after that); the second waits until the
extension host is up, as a window open for a few seconds is. The extension activates when the
workspace contains YAML files, so its server starts with the window.

Setup once: ``bash tests/e2e/vscode/setup.sh``. Run: ``pytest -m e2e tests/e2e/vscode -s``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from e2e_support import missing

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


def _drive(
    command: list[str],
    env_extra: dict[str, str],
    artifacts: Path,
    env: dict[str, str] | None = None,
) -> tuple[dict, str, float]:
    env = dict(
        env if env is not None else os.environ,
        FILE_NAME="cluster.yaml",
        ARTIFACTS=str(artifacts),
        EXPECT_CODES=f"{FIX_CODE},{OTHER_CODE}",
        HOVER_WORD="port",
        FIX_CODE=FIX_CODE,
        FIX_LINE=r"^\s*port:\s*443\s*$",
        FIX_TOKEN="443",
        FIX_TITLE=FIX_TITLE,
        **env_extra,
    )
    artifacts.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    proc = subprocess.Popen(
        command,
        cwd=HERE, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,  # chromium is its child: stop the whole group on timeout
    )  # fmt: skip
    try:
        out, err = proc.communicate(timeout=240)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        pytest.fail(f"drive.mjs timed out after 240 s:\n{err[-4000:]}")
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
    (artifacts / "drive-result.json").write_text(json.dumps(result, indent=2))
    return result, err, elapsed


TIMELINE = re.compile(r"timeline: (?P<event>[a-z ]+) \+(?P<ms>\d+) ms \(epoch (?P<epoch>\d+)\)")
EVENTS = ["activated", "server found", "initialized", "first diagnostics"]


def timeline(output_log: str, result: dict) -> dict[str, int]:
    """Milliseconds from the click on the file to each start-up event, and to the squiggle."""
    epochs = {m["event"]: int(m["epoch"]) for m in TIMELINE.finditer(output_log)}
    assert list(epochs)[: len(EVENTS)] == EVENTS, f"timeline incomplete:\n{output_log[-3000:]}"
    click = result["epoch"]["file_click"]
    out = {event: epochs[event] - click for event in EVENTS}
    out["first squiggle"] = result["epoch"]["first_squiggle"] - click
    return out


def assert_editor_features(steps: dict[str, Any]) -> None:
    """Squiggles, Problems with codes, hover, completion and the quick fix, as a user sees them."""
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

    # 6. the status bar item shows the server running
    assert "running" in steps["status_item"]["aria"], steps["status_item"]


def _failed(result: dict, progress: str) -> str:
    failed = {k: v.get("error") for k, v in result["steps"].items() if not v["ok"]}
    return f"steps failed: {failed}\n--- drive.mjs log ---\n{progress[-4000:]}" if failed else ""


def test_vscode_extension_end_to_end(e2e_tools: Any, code_server: Any) -> None:
    session = code_server.session
    result, progress, elapsed = _drive(
        [e2e_tools.node, str(HERE / "drive.mjs")],
        {
            "CS_URL": code_server.url,
            "CHROMIUM": e2e_tools.chromium,
            "SETTINGS_FILE": str(code_server.workspace / ".vscode" / "settings.json"),
            "IGNORE_CODE": OTHER_CODE,
            "PATH_LINK": str(code_server.path_link),
        },
        ARTIFACTS,
    )
    steps = result["steps"]
    log = session.output_log()
    print(f"\ndrive.mjs: {elapsed:.1f}s, timings {json.dumps(result['timings'])}")
    assert not _failed(result, progress), _failed(result, progress)
    # A cold window: the click comes as soon as the Explorer shows, before code-server has
    # started its extension host.
    print(f"cold window, ms after the click on the file: {timeline(log, result)}")
    assert_editor_features(steps)

    # The server came from PATH, and the output says which PATH was searched.
    assert re.search(r"starting \S*eksa-mirror serve \(eksa-mirror [\d.]+, from PATH\)", log), log
    searched = log.replace("\r", "").split("PATH searched:\n", 1)[-1].split("\n2")[0]
    assert f"  {code_server.path_link.parent}\n" in searched, log

    # 7. settings are live: adding RM009 to eksaMirror.ignore removes it without a restart
    live = steps["settings_live"]
    assert live["cleared"], f"{OTHER_CODE} still shown after eksaMirror.ignore: {live['after']}"

    # 8. no server: one plain-text error that says what to install; after "Show Output" closed
    # it, the status bar item's menu still opens the setting
    missing = steps["missing_server"]
    assert "pip install eksa-mirror" in missing["message"], missing
    assert "eksaMirror.server.path" in missing["message"], missing
    assert "`" not in missing["message"] and not missing["message_has_code"], missing
    # code-server is a remote window: the message says where its PATH comes from
    assert "its PATH comes from the login shell of the remote machine" in missing["message"]
    assert missing["buttons"] == ["Open Settings", "Show Output"], missing
    assert missing["count"] == 1, missing
    assert "PATH searched" in missing["output"], missing["output"]
    assert "not found" in missing["status_aria"], missing
    menu = [m.replace("eksaMirror.server.path", "").strip() for m in missing["menu"]]
    assert menu == ["Show Output", "Open Settings", "Restart Server"], missing["menu"]
    assert "Server: Path" in missing["setting"], missing


def test_platform_extension_offline(e2e_tools: Any, offline_session: Any) -> None:
    """The linux-x64 .vsix alone: its own server, no Python package, no network."""
    session = offline_session
    artifacts = ARTIFACTS / "offline"
    env = dict(
        session.env,
        CS_BIN=str(e2e_tools.code_server),
        CS_PORT=str(session.port),
        CS_USER_DATA=str(session.user_data),
        CS_EXT_DIR=str(session.ext_dir),
        CS_WORKSPACE=str(session.workspace),
        CS_LOG=str(session.log),
    )
    if sys.platform != "linux" or shutil.which("unshare") is None or shutil.which("ip") is None:
        missing(
            "unshare and ip (util-linux, iproute2: an empty network namespace, Linux only)",
            "apt-get install util-linux iproute2",
        )
    # As root an empty network namespace; otherwise inside a user namespace of its own.
    unshare = ["unshare", "-n"] if os.geteuid() == 0 else ["unshare", "-r", "-n"]
    command = [*unshare, "bash", str(HERE / "netns-session.sh")]
    try:
        result, progress, elapsed = _drive(
            command,
            {
                "CS_URL": session.url,
                "CHROMIUM": e2e_tools.chromium,
                "LENS": "1",
                "EXTHOST_LOGS": str(session.user_data / "logs"),
            },
            artifacts,
            env,
        )
    finally:
        session.keep_logs(artifacts)
    print(f"\ndrive.mjs (offline): {elapsed:.1f}s, timings {json.dumps(result['timings'])}")
    # No network: the namespace had loopback only.
    assert "netns-interfaces: lo\n" in progress, progress[-2000:]
    assert not _failed(result, progress), _failed(result, progress)
    log = session.output_log()
    # The click comes once the extension host is up (negative: before the click).
    print(f"window up, ms after the click on the file: {timeline(log, result)}")
    assert_editor_features(result["steps"])

    # The bundled server, named in the output channel.
    bundled = next(session.ext_dir.glob("eksa-mirror.eksa-mirror-*")) / "server" / "eksa-mirror"
    assert f"starting {bundled} serve" in log, log
    assert "from the server bundled with this extension" in log, log

    # "Check registry" ran (offline: the endpoint cannot be resolved) and, without an edit
    # of the file, the refreshed lenses offer to clear the results.
    lens = result["steps"]["lens"]
    assert "Clear check results" not in lens["before"], lens
    assert lens["after"][:2] == ["Check registry", "Clear check results"], lens
    assert lens["checked"], lens["problems"]

    # A clean session: no warning from the server (its stderr goes to the output channel)
    # nor from the extension in the extension host's log.
    assert not re.search(r"\bWARNING\b|\[warning\]", log), log
    exthost = session.extension_host_log()
    assert "eksa-mirror" in exthost
    assert not [line for line in exthost.splitlines() if "[warning]" in line and "eksa" in line]
    assert "does already exist" not in exthost, exthost
