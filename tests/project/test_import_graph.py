"""``validate`` starts only what the spec needs: none of the language server's libraries,
no jsonschema (``core.schema_check`` checks the mirror schema's keywords, findings or not)
and no cryptography unless there is a certificate to read (a CA loads it)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from textwrap import indent

import pytest

from support import cluster, issue, run_cli

SERVER = {"pygls", "lsprotocol", "cattrs", "attrs"}
SCHEMA = {"jsonschema", "referencing"}
HEAVY = SERVER | SCHEMA | {"cryptography"}
#: After ``validate``, the top-level packages of ``HEAVY`` that the process loaded (stderr).
REPORT = f"""\
import atexit, sys
def report():
    tops = {{name.split(".")[0] for name in sys.modules}}
    print("loaded:", *sorted(tops & set({sorted(HEAVY)!r})), file=sys.stderr)
atexit.register(report)
"""
CLEAN = """\
endpoint: 10.0.0.5
port: "443"
ociNamespaces:
  - registry: public.ecr.aws
    namespace: ""
"""


def loaded(tmp_path: Path, body: str, code: int) -> set[str]:
    spec = tmp_path / "cluster.yaml"
    spec.write_text(cluster(body), encoding="utf-8")
    result = run_cli("validate", str(spec), prelude=REPORT)
    assert result.returncode == code, result.stdout + result.stderr
    line = result.stderr.strip().splitlines()[-1]
    assert line.startswith("loaded:"), result.stderr
    return set(line.removeprefix("loaded:").split())


def test_a_clean_spec_loads_none_of_them(tmp_path: Path) -> None:
    assert loaded(tmp_path, CLEAN, 0) == set()


def test_a_ca_loads_cryptography_only(tmp_path: Path) -> None:
    ca = issue("Mirror CA", ca=True).pem
    body = CLEAN + "caCertContent: |\n" + indent(ca, "  ")
    assert loaded(tmp_path, body, 0) == {"cryptography"}


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (CLEAN.replace('"443"', "443"), 0),  # RM008 (a warning): an integer port
        (CLEAN + 'authenticate: "true"\n', 1),  # RM007: a quoted boolean
        (CLEAN.replace("10.0.0.5", "https://10.0.0.5"), 1),  # RM009: a scheme in the endpoint
    ],
    ids=["integer-port", "quoted-boolean", "scheme"],
)
def test_schema_findings_load_none_of_them(tmp_path: Path, body: str, code: int) -> None:
    assert loaded(tmp_path, body, code) == set()


def test_the_server_starts_without_the_editor_features_and_the_probe() -> None:
    code = (
        "import sys\n"
        "import eksa_mirror.lsp.server\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith(("
        "'eksa_mirror.editor.', 'eksa_mirror.explain', 'eksa_mirror.probe', 'jsonschema',"
        " 'cryptography')))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    # completion and hover load on their first request, probe when a check runs
    assert out.stdout.split() == []
