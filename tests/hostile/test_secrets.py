"""Planted secrets never come back out.

A ``REGISTRY_PASSWORD`` in the environment (with ``checkEnvironment`` on), a ``password:``
value in the mirror section and a private key in ``caCertContent`` (and in the file named
by ``EKSA_REGISTRY_MIRROR_CA``) are searched for, raw and base64-encoded, in every output:
the language server's messages (diagnostics, hovers, completions, code actions, code
lenses, command results) and its log at DEBUG level; every command-line output in every
format; and what is printed when something crashes.
"""

from __future__ import annotations

import base64
import json
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from lspclient import SERVE, LspClient
from support import run_cli

pytestmark = pytest.mark.e2e

ENV_PASSWORD = "Zq9envSecret7731"
SPEC_PASSWORD = "Zq9specSecret4412"
USERNAME = "mirror-user"


@pytest.fixture(scope="module")
def private_key() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@pytest.fixture(scope="module")
def secrets(private_key: str) -> list[str]:
    """Every string whose appearance in an output is a leak."""
    found = [ENV_PASSWORD, SPEC_PASSWORD]
    found += [line for line in private_key.splitlines() if not line.startswith("-----")]
    for value in (ENV_PASSWORD, f"{USERNAME}:{ENV_PASSWORD}", SPEC_PASSWORD):
        found.append(base64.b64encode(value.encode()).decode().rstrip("="))
    return found


@pytest.fixture
def spec(tmp_path: Path, private_key: str) -> Path:
    body = textwrap.indent(private_key.strip(), "      ")
    path = tmp_path / "cluster.yaml"
    path.write_text(
        "apiVersion: anywhere.eks.amazonaws.com/v1alpha1\n"
        "kind: Cluster\n"
        "metadata:\n  name: demo\n"
        "spec:\n"
        "  datacenterRef:\n    kind: VSphereDatacenterConfig\n    name: demo\n"
        "  registryMirrorConfiguration:\n"
        "    endpoint: 127.0.0.1\n"
        '    port: "1"\n'
        "    authenticate: true\n"
        f"    password: {SPEC_PASSWORD}\n"
        f"    Password: '{SPEC_PASSWORD}'\n"
        "    caCertContent: |\n"
        f"{body}\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def env(tmp_path: Path, private_key: str) -> dict[str, str]:
    ca = tmp_path / "mirror-ca.pem"
    ca.write_text(private_key, encoding="utf-8")
    return {
        "REGISTRY_USERNAME": USERNAME,
        "REGISTRY_PASSWORD": ENV_PASSWORD,
        "EKSA_REGISTRY_MIRROR_CA": str(ca),
    }


def assert_clean(where: str, output: str | bytes, secrets: list[str]) -> None:
    text = output.decode("utf-8", "replace") if isinstance(output, bytes) else output
    leaked = [s for s in secrets if s in text]
    assert not leaked, f"{where} shows {leaked}:\n{text[:3000]}"


# --- the command line ----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_validate_output(spec: Path, env: dict[str, str], secrets: list[str], fmt: str) -> None:
    run = run_cli("validate", "--check-env", "--format", fmt, str(spec), env=env)
    assert run.returncode == 1, run.stderr
    assert_clean(f"validate --format {fmt}", run.stdout + run.stderr, secrets)
    assert "RM026" in run.stdout and "RM027" in run.stdout  # the secrets were seen


def test_validate_fix_output(spec: Path, env: dict[str, str], secrets: list[str]) -> None:
    run = run_cli("validate", "--fix", "--check-env", str(spec), env=env)
    assert_clean("validate --fix", run.stdout + run.stderr, secrets)


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_explain_output(spec: Path, env: dict[str, str], secrets: list[str], fmt: str) -> None:
    """EKS-A refuses the spec (the password keys): explain prints validate's errors."""
    run = run_cli("explain", "--format", fmt, str(spec), env=env)
    assert run.returncode == 1, run.stderr
    assert "RM026" in run.stdout
    assert_clean(f"explain --format {fmt}", run.stdout + run.stderr, secrets)


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_explain_rendered_output(
    spec: Path, env: dict[str, str], secrets: list[str], fmt: str
) -> None:
    """Without the keys EKS-A refuses, the spec is rendered: the CA comes from the file that
    EKSA_REGISTRY_MIRROR_CA names (a private key), and none of it is shown."""
    text = spec.read_text(encoding="utf-8")
    spec.write_text(text.split("    password:")[0], encoding="utf-8")
    run = run_cli("explain", "--format", fmt, str(spec), env=env)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "<caCertContent contains a private key: not shown>" in run.stdout
    assert_clean(f"explain --format {fmt}", run.stdout + run.stderr, secrets)


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_check_output(spec: Path, env: dict[str, str], secrets: list[str], fmt: str) -> None:
    """``check`` contacts only the configured endpoint: 127.0.0.1, port 1 (closed)."""
    run = run_cli("check", "--timeout", "2", "--deadline", "5", "--format", fmt, str(spec), env=env)
    assert run.returncode in (1, 2), run.stderr
    assert_clean(f"check --format {fmt}", run.stdout + run.stderr, secrets)


def test_cli_crash_output(spec: Path, env: dict[str, str], secrets: list[str]) -> None:
    """An unexpected exception in the middle of validate prints a traceback, not the text."""
    crash = (
        "import eksa_mirror.rules.lint as v\n"
        "def boom(text, *a, **k):\n"
        "    raise RuntimeError('injected failure')\n"
        "v.analyze = boom\n"
    )
    run = run_cli("validate", "--check-env", str(spec), env=env, prelude=crash)
    assert "injected failure" in run.stderr
    assert_clean("a crash of validate", run.stdout + run.stderr, secrets)


# --- the language server -------------------------------------------------------------------


@pytest.fixture
def server(env: dict[str, str]) -> Iterator[LspClient]:
    s = LspClient([*SERVE, "--log-level", "DEBUG"], env=env)
    yield s
    s.close()


def exercise(s: LspClient, uri: str, text: str) -> None:
    """Every feature, everywhere in the mirror section."""
    s.initialize(
        {
            "textDocument": {
                "completion": {"completionItem": {"snippetSupport": True}},
                "hover": {"contentFormat": ["markdown", "plaintext"]},
            }
        },
        checkEnvironment=True,
    )
    s.open(uri, text)
    diagnostics = s.diagnostics(uri, version=1)
    assert {"RM026", "RM027"} <= {d["code"] for d in diagnostics}
    lines = text.split("\n")
    for line in range(8, len(lines)):
        for character in range(0, len(lines[line]) + 1, 3):
            position = {"line": line, "character": character}
            where = {"textDocument": {"uri": uri}, "position": position}
            s.request_async("textDocument/hover", where)
            s.request_async("textDocument/completion", where)
    for diagnostic in diagnostics:
        s.result(
            "textDocument/codeAction",
            {
                "textDocument": {"uri": uri},
                "range": diagnostic["range"],
                "context": {"diagnostics": [diagnostic], "only": ["quickfix"]},
            },
        )
    everything = {"start": {"line": 0, "character": 0}, "end": {"line": len(lines), "character": 0}}
    s.result(
        "textDocument/codeAction",
        {"textDocument": {"uri": uri}, "range": everything,
         "context": {"diagnostics": diagnostics, "only": ["source.fixAll.eksa-mirror"]}},
    )  # fmt: skip
    lenses = s.result("textDocument/codeLens", {"textDocument": {"uri": uri}})
    for lens in lenses:
        s.result("workspace/executeCommand", lens["command"])
    s.change(uri, (9, 0), (9, 0), "    # edited\n")
    s.diagnostics(uri, version=2)
    s.result("textDocument/hover", {"textDocument": {"uri": uri},
                                    "position": {"line": 13, "character": 16}})  # fmt: skip


def test_language_server_outputs_and_log(server: LspClient, spec: Path, secrets: list[str]) -> None:
    exercise(server, spec.as_uri(), spec.read_text(encoding="utf-8"))
    assert server.close() == 0
    # The server's messages: everything it wrote to stdout, raw and decoded.
    assert_clean("the server's messages", bytes(server.raw_out), secrets)
    assert_clean("the server's messages", json.dumps(server.messages, ensure_ascii=False), secrets)
    log = server.stderr.decode("utf-8", "replace")
    assert "DEBUG" in log and "Sending data" in log  # the log really is at DEBUG level
    assert_clean("the server's DEBUG log", log, secrets)


def test_language_server_crash_output(env: dict[str, str], spec: Path, secrets: list[str]) -> None:
    """Handlers that fail (a request, and the didOpen notification) while the text holds the
    secrets: error responses, pop-ups and the log name the failure, never the text."""
    crash = (
        "import eksa_mirror.lsp.server as s\n"
        "import eksa_mirror.editor.hover as h  # the handler imports it on its first request\n"
        "def boom(*a, **k):\n"
        "    raise RuntimeError('injected failure')\n"
        "h.hover = boom\n"
        "s.EksaMirrorServer.schedule = boom\n"
    )
    serve = "from eksa_mirror.cli.main import main\nraise SystemExit(main(%r))"
    code = crash + serve % ["serve", "--log-level", "DEBUG"]
    s = LspClient([sys.executable, "-c", code], env=env)
    try:
        uri = spec.as_uri()
        s.initialize(checkEnvironment=True)
        s.open(uri, spec.read_text(encoding="utf-8"))
        answer = s.request(
            "textDocument/hover",
            {"textDocument": {"uri": uri}, "position": {"line": 12, "character": 16}},
        )
        assert answer["error"]["code"] == -32603
        assert s.alive()
    finally:
        s.close()
    everything = bytes(s.raw_out) + bytes(s.stderr)
    assert b"injected failure" in everything
    assert_clean("a crashing server", everything, secrets)
