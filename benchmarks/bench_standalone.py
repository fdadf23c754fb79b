#!/usr/bin/env python3
"""The standalone program against the pip-installed command: size and start-up.

``scripts/build-standalone`` makes ``dist/eksa-mirror/`` (PyInstaller, one folder). This
measures, in one run and alternating the two commands so that drift on a shared machine hits
both alike:

  size      the folder on disk (the pip-installed command: its package and dependencies are
            in site-packages, not counted)
  version   ``eksa-mirror --version``, wall time
  validate  ``eksa-mirror validate examples/valid-mirror.yaml``, wall time
  serve     spawn of ``eksa-mirror serve`` -> initialize result, and -> first diagnostics of a
            small file opened right after ``initialized`` (push diagnostics, as the benchmark
            client asks for them)

Medians of ``--runs`` runs (5; ``--tiny``: 1). Results go to ``results/standalone.json`` with
paths relative to the repository.

    python benchmarks/bench_standalone.py [--runs N] [--tiny] [--binary PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from lspclient import LspClient, LspTimeout, editor_capabilities

EXAMPLE = REPO / "examples" / "valid-mirror.yaml"
EXE = "eksa-mirror.exe" if sys.platform == "win32" else "eksa-mirror"


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=REPO, capture_output=True, check=False)
    return time.perf_counter() - start


def serve_once(command: str, workdir: Path) -> tuple[float, float]:
    """Seconds from spawn to the initialize result, and to the first diagnostics."""
    client = LspClient([command, "serve"], cwd=workdir)
    try:
        client.initialize(editor_capabilities(), root=workdir)
        uri = (workdir / "cluster.yaml").as_uri()
        client.open(uri, EXAMPLE.read_text(encoding="utf-8"))
        try:
            publish = client.next_publish(uri, after=0, timeout=60)
        except LspTimeout:
            raise RuntimeError(f"{command} serve published no diagnostics within 60 s") from None
        return client.initialize_s or 0.0, publish.t - client.t_spawn
    finally:
        client.close(timeout=5)


def median_ms(values: list[float]) -> float:
    return round(statistics.median(values) * 1000, 1)


def measure(commands: dict[str, str], runs: int) -> dict[str, dict[str, float]]:
    samples: dict[str, dict[str, list[float]]] = {
        name: {"version": [], "validate": [], "initialize": [], "first_diagnostics": []}
        for name in commands
    }
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(runs):
            for name, command in commands.items():  # alternate: drift hits both alike
                s = samples[name]
                s["version"].append(wall([command, "--version"]))
                s["validate"].append(wall([command, "validate", str(EXAMPLE)]))
                to_init, to_diag = serve_once(command, Path(tmp))
                s["initialize"].append(to_init)
                s["first_diagnostics"].append(to_diag)
    return {name: {k: median_ms(v) for k, v in s.items()} for name, s in samples.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--tiny", action="store_true", help="one run of each")
    ap.add_argument("--binary", type=Path, default=REPO / "dist" / "eksa-mirror" / EXE)
    a = ap.parse_args(argv)
    pip_command = Path(sys.executable).parent / EXE
    if not a.binary.is_file():
        print(f"{a.binary} missing: run scripts/build-standalone", file=sys.stderr)
        return 2
    if not pip_command.is_file():
        pip_command = Path(shutil.which("eksa-mirror") or pip_command)
    commands = {"standalone": str(a.binary.resolve()), "pip": str(pip_command)}
    runs = 1 if a.tiny else a.runs
    result = measure(commands, runs)
    out = {
        "runs": runs,
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "standalone_folder_mib": round(folder_bytes(a.binary.resolve().parent) / 2**20, 1),
        "commands": {
            "standalone": os.path.relpath(a.binary.resolve(), REPO),
            "pip": "eksa-mirror (console script of the environment running the benchmark)",
        },
        "median_ms": result,
    }
    print(json.dumps(out, indent=2))
    if not a.tiny:
        (HERE / "results" / "standalone.json").write_text(json.dumps(out, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
