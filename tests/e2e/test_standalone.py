"""The standalone program is the same code as the pip-installed command.

``scripts/build-standalone`` freezes the package with PyInstaller into ``dist/eksa-mirror/``;
the platform VS Code extensions carry that folder. Here both commands run side by side on the
repository's examples: the same ``--version``, the same findings from ``validate --format
json``, the same ``schema``, ``explain`` and ``check`` output, and the same diagnostics from
``serve``. The standalone one runs with an empty environment (no ``PATH``, no Python
variables): it needs no Python on the machine.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from lspclient import LspClient, editor_capabilities, path_to_uri

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
PIP_COMMAND = [sys.executable, "-m", "eksa_mirror"]


def run(command: list[str], *args: str, bare_env: bool = False) -> subprocess.CompletedProcess[str]:
    env = {"SYSTEMROOT": "C:\\Windows"} if sys.platform == "win32" else {}
    return subprocess.run(
        [*command, *args],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
        env=env if bare_env else None,
    )  # fmt: skip


@pytest.fixture(scope="module")
def binary(standalone_binary: Path) -> list[str]:
    return [str(standalone_binary)]


def test_it_carries_its_own_python(standalone_binary: Path) -> None:
    internal = standalone_binary.parent / "_internal"
    names = [p.name.lower() for p in internal.iterdir()]
    # libpython3.X.so (Linux), python3X.dll (Windows), Python or Python.framework (macOS)
    runtime = [
        n
        for n in names
        if n.startswith(("libpython", "python3")) or n in ("python", "python.framework")
    ]
    assert runtime, f"no Python runtime in {internal}"
    assert (internal / "eksa_mirror" / "schema" / "eksa-cluster.schema.json").is_file()


def test_same_version(binary: list[str]) -> None:
    frozen = run(binary, "--version", bare_env=True)
    pip = run(PIP_COMMAND, "--version")
    assert frozen.returncode == pip.returncode == 0, frozen.stderr
    assert frozen.stdout == pip.stdout
    assert frozen.stdout.startswith("eksa-mirror ")


def test_same_findings_on_the_examples(binary: list[str]) -> None:
    frozen = run(binary, "validate", "--format", "json", "examples", bare_env=True)
    pip = run(PIP_COMMAND, "validate", "--format", "json", "examples")
    assert frozen.returncode == pip.returncode == 1, frozen.stderr  # the invalid example
    findings = json.loads(frozen.stdout)
    assert findings == json.loads(pip.stdout)
    assert {f["code"] for f in findings} >= {"RM005", "RM006", "RM008", "RM009"}


@pytest.mark.parametrize(
    "args",
    [
        ("schema",),
        ("schema", "--cluster"),
        ("explain", "examples/valid-mirror.yaml"),
        ("validate", "examples/invalid-mirror.yaml"),
    ],
    ids=" ".join,
)
def test_same_output(binary: list[str], args: tuple[str, ...]) -> None:
    frozen = run(binary, *args, bare_env=True)
    pip = run(PIP_COMMAND, *args)
    assert (frozen.returncode, frozen.stdout, frozen.stderr) == (
        pip.returncode,
        pip.stdout,
        pip.stderr,
    )
    assert frozen.stdout


def test_same_check_of_a_registry_that_is_not_there(binary: list[str], tmp_path: Path) -> None:
    """``check`` contacts the endpoint: a closed port on loopback fails fast, the same way."""
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    spec = tmp_path / "cluster.yaml"
    spec.write_text(
        "apiVersion: anywhere.eks.amazonaws.com/v1alpha1\nkind: Cluster\nmetadata:\n  name: c\n"
        "spec:\n  datacenterRef:\n    kind: DockerDatacenterConfig\n    name: c\n"
        f'  registryMirrorConfiguration:\n    endpoint: 127.0.0.1\n    port: "{port}"\n'
    )
    frozen = run(binary, "check", "--format", "json", str(spec), bare_env=True)
    pip = run(PIP_COMMAND, "check", "--format", "json", str(spec))
    assert frozen.returncode == pip.returncode == 1, frozen.stderr
    steps = [(s["name"], s["status"]) for s in json.loads(frozen.stdout)["steps"]]
    assert steps == [(s["name"], s["status"]) for s in json.loads(pip.stdout)["steps"]]
    assert ("connect", "fail") in steps


def _serve_diagnostics(command: list[str], tmp_path: Path) -> list[tuple[object, ...]]:
    client = LspClient([*command, "serve"], cwd=tmp_path)
    try:
        init = client.initialize(editor_capabilities(), root=tmp_path)
        assert init["serverInfo"]["name"] == "eksa-mirror"
        uri = path_to_uri(EXAMPLES / "invalid-mirror.yaml")
        client.open(uri, (EXAMPLES / "invalid-mirror.yaml").read_text(encoding="utf-8"))
        found = client.wait_diagnostics(uri, timeout=60)
    finally:
        client.close()
    return sorted((d["code"], d["range"]["start"]["line"], d["message"]) for d in found)


def test_same_diagnostics_from_serve(binary: list[str], tmp_path: Path) -> None:
    frozen = _serve_diagnostics(binary, tmp_path)
    assert frozen == _serve_diagnostics(PIP_COMMAND, tmp_path)
    assert {code for code, *_ in frozen} >= {"RM008", "RM009"}


def _python_homes() -> list[str]:
    """Folders that hold a Python runtime on this machine (Linux): the test's own, Debian's."""
    homes = {sys.prefix, sys.base_prefix, *map(str, Path("/usr/lib").glob("python3*"))}
    homes |= {str(p) for p in Path("/usr/local/lib").glob("python3*")}
    return sorted(h for h in homes if Path(h).is_dir() and not REPO.is_relative_to(h))


@pytest.mark.skipif(
    not (sys.platform == "linux" and hasattr(os, "geteuid") and os.geteuid() == 0),
    reason="hiding the machine's Pythons needs a mount namespace (Linux, as root); "
    "run `bash scripts/test` as root to run it",
)
def test_runs_with_every_python_of_the_machine_hidden(binary: list[str]) -> None:
    """In a mount namespace where every Python runtime folder is an empty tmpfs (so
    ``python3 -c pass`` fails), the standalone program still finds the same problems."""
    hide = " && ".join(f"mount -t tmpfs none {shlex.quote(h)}" for h in _python_homes())
    script = (
        f"{hide} || exit 3; python3 -c pass 2>/dev/null && exit 4; "
        f"exec {shlex.quote(binary[0])} validate --format json examples"
    )
    frozen = subprocess.run(
        ["unshare", "-m", "--propagation", "private", "sh", "-c", script],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    pip = run(PIP_COMMAND, "validate", "--format", "json", "examples")
    assert frozen.returncode != 3, f"could not hide the Pythons: {frozen.stderr}"
    assert frozen.returncode != 4, "python3 still runs with its runtime folders hidden"
    assert frozen.returncode == 1, frozen.stderr
    assert json.loads(frozen.stdout) == json.loads(pip.stdout)
