#!/usr/bin/env python3
"""Is this checkout's analysis slower than another revision's? An A/B on the same machine.

    python benchmarks/bench_against.py 6593bbe            # this checkout against 6593bbe
    python benchmarks/bench_against.py v0.1.0 --runs 6    # six alternated runs per side
    python benchmarks/bench_against.py main --only parsing  # only the specs YAML parses

Each side analyses every spec under ``tests/data`` (or ``--specs DIR``; ``--only parsing``:
those YAML parses, ``broken``: those it refuses, which go through the syntax recovery;
``--rounds`` times, parse cache cleared before each text, best of 7) in a fresh interpreter
that imports ``eksa_mirror`` from its own ``server/`` (the other revision's from ``git
archive``). The sides alternate, so the load of a shared machine falls on both; the ratio
new/old is the result, not the times.
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

TIMER = r"""
import sys, time, pathlib
import yaml
sys.path.insert(0, sys.argv[1])
from eksa_mirror.core import source
from eksa_mirror.rules.analysis import analyze
specs = sorted(pathlib.Path(sys.argv[2]).rglob("*.yaml"))
texts = [p.read_text(encoding="utf-8", errors="replace") for p in specs]
def parses(text):
    try:
        list(yaml.compose_all(text, Loader=yaml.CSafeLoader))
    except yaml.YAMLError:
        return False
    return True
if sys.argv[4] != "all":
    texts = [t for t in texts if parses(t) == (sys.argv[4] == "parsing")]
best = float("inf")
for _ in range(7):
    start = time.perf_counter()
    for _ in range(int(sys.argv[3])):
        for text in texts:
            source.PARSE_CACHE.clear()
            analyze(text)
    best = min(best, time.perf_counter() - start)
print(best)
"""


def export(revision: str, into: Path) -> Path:
    """``server/`` and ``schema/`` of ``revision``, unpacked into ``into``."""
    archive = subprocess.run(
        ["git", "archive", revision, "server", "schema"], cwd=REPO, capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        if hasattr(tarfile, "data_filter"):  # Python 3.10.12+, 3.11.4+
            tar.extractall(into, filter="data")
        else:
            tar.extractall(into)  # our own repository's archive
    return into / "server"


def time_side(server: Path, rounds: int, specs: Path, only: str) -> float:
    done = subprocess.run(
        [sys.executable, "-c", TIMER, str(server), str(specs), str(rounds), only],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(done.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("revision", help="the git revision to compare with (old)")
    parser.add_argument("--runs", type=int, default=6, help="alternated runs per side")
    parser.add_argument("--rounds", type=int, default=20, help="passes over tests/data per timing")
    parser.add_argument("--tiny", action="store_true", help="one run of one round (a smoke test)")
    parser.add_argument("--specs", type=Path, default=REPO / "tests" / "data", help="the specs")
    parser.add_argument(
        "--only", choices=("all", "parsing", "broken"), default="all", help="which specs"
    )
    args = parser.parse_args()
    if args.tiny:
        args.runs = args.rounds = 1
    with tempfile.TemporaryDirectory() as scratch:
        old_server = export(args.revision, Path(scratch))
        times: dict[str, list[float]] = {"old": [], "new": []}
        for _ in range(args.runs):
            times["old"].append(time_side(old_server, args.rounds, args.specs, args.only))
            times["new"].append(time_side(REPO / "server", args.rounds, args.specs, args.only))
    for side, values in times.items():
        print(f"{side}: " + " ".join(f"{v:.3f}" for v in values) + " s")
    best = min(times["new"]) / min(times["old"])
    median = statistics.median(times["new"]) / statistics.median(times["old"])
    print(f"new/old: {best:.3f} (best), {median:.3f} (median)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
