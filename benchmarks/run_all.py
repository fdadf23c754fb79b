#!/usr/bin/env python3
"""Run every benchmark: ``--tiny`` once each at a tiny size (CI), otherwise the full set.

    python benchmarks/run_all.py --tiny     # ~70 s; exits non-zero if any benchmark fails
    python benchmarks/run_all.py            # full runs, results/*.json, README table, scaling.png

Needs ``pip install -r benchmarks/requirements.txt`` (check-jsonschema, matplotlib) and
``npm ci --prefix benchmarks`` (yaml-language-server), besides the project itself.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = (
    "bench_validate.py",
    "bench_scaling.py",
    "bench_lsp.py",
    "bench_standalone.py",
    "bench_images.py",
)


def missing_tools() -> list[str]:
    out = []
    if not (HERE / "node_modules" / "yaml-language-server" / "package.json").exists():
        out.append("yaml-language-server: npm ci --prefix benchmarks")
    for module, hint in (("check_jsonschema", "check-jsonschema"), ("matplotlib", "matplotlib")):
        try:
            __import__(module)
        except ImportError:
            out.append(f"{hint}: pip install -r benchmarks/requirements.txt")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tiny", action="store_true", help="each benchmark once, tiny inputs")
    a = ap.parse_args(argv)
    missing = missing_tools()
    if missing:
        print("run_all: missing benchmark tools:\n  " + "\n  ".join(missing), file=sys.stderr)
        return 2
    failed = []
    t_all = time.perf_counter()
    for script in BENCHMARKS:
        cmd = [sys.executable, str(HERE / script)] + (["--tiny"] if a.tiny else [])
        print(f"== {script}{' --tiny' if a.tiny else ''}", flush=True)
        t0 = time.perf_counter()
        rc = subprocess.run(cmd).returncode
        print(f"-- {script}: exit {rc} in {time.perf_counter() - t0:.1f} s", flush=True)
        if rc != 0:
            failed.append(script)
    if not a.tiny and not failed:
        rc = subprocess.run([sys.executable, str(HERE / "report.py"), "--write"]).returncode
        if rc != 0:
            failed.append("report.py")
    print(
        f"run_all: {len(BENCHMARKS) - len(failed)} of {len(BENCHMARKS)} benchmarks ran cleanly;"
        f" failures: {', '.join(failed) or 'none'} ({time.perf_counter() - t_all:.1f} s)"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
