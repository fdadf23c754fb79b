#!/usr/bin/env python3
"""Is this checkout slower than another revision? An A/B on the same machine.

    python benchmarks/bench_against.py 6593bbe            # this checkout against 6593bbe
    python benchmarks/bench_against.py v0.1.0 --runs 6    # six alternated runs per side
    python benchmarks/bench_against.py main --only parsing  # only the specs YAML parses
    python benchmarks/bench_against.py i21a --start       # also the start-up measures below

Each side analyses every spec under ``tests/data`` (or ``--specs DIR``; ``--only parsing``:
those YAML parses, ``broken``: those it refuses, which go through the syntax recovery;
``--rounds`` times, parse cache cleared before each text, best of 7) in a fresh interpreter
that imports ``eksa_mirror`` from its own ``server/`` (the other revision's from ``git
archive``). With ``--start``, also per side: a cold ``validate`` of a 50-line spec
(``--cold`` processes), ``validate`` of a tree of ``--tree`` specs, and ``serve`` from spawn
to the first diagnostics of that spec (wall time; CPU time of the processes too). The sides
alternate, so the load of a shared machine falls on both; the ratio new/old is the result,
not the times.
"""

from __future__ import annotations

import argparse
import compileall
import io
import resource
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import gen_inputs
from lspclient import LspClient, editor_capabilities

REPO = Path(__file__).resolve().parent.parent
#: ``eksa-mirror ARGS`` of the side whose ``server/`` is argv[1].
CLI = (
    "import sys; sys.path.insert(0, sys.argv[1]); from eksa_mirror.cli.main import main; "
    "sys.exit(main(sys.argv[2:]))"
)

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


def run_side(server: Path, args: list[str], cwd: Path | None = None) -> tuple[float, float]:
    """(wall, CPU) seconds of ``eksa-mirror ARGS`` run from ``server``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", CLI, str(server), *args], capture_output=True, cwd=cwd)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def serve_side(server: Path, spec: Path) -> tuple[float, float]:
    """(spawn -> initialize result, spawn -> first diagnostics) of ``serve`` from ``server``,
    the document opened as soon as the server is initialized."""
    client = LspClient([sys.executable, "-c", CLI, str(server), "serve"], cwd=spec.parent)
    try:
        client.initialize(editor_capabilities(), root=spec.parent)
        client.open(spec.as_uri(), spec.read_text(encoding="utf-8"))
        first = client.next_publish(spec.as_uri(), 0, 60)
        return client.initialize_s or 0.0, first.t - client.t_spawn
    finally:
        client.close()


def start_up(old: Path, new: Path, runs: int, files: int, scratch: Path) -> dict[str, dict]:
    """Cold validate, a tree and serve, alternated between the sides: every sample."""
    spec = scratch / "small.yaml"
    gen_inputs.write_cluster(spec, 50)
    tree = scratch / f"tree-{files}"
    gen_inputs.write_tree(tree, files)
    measures: dict[str, dict[str, list[float]]] = {}

    def add(name: str, side: str, value: float) -> None:
        measures.setdefault(name, {"old": [], "new": []})[side].append(value)

    for _ in range(runs):
        for side, server in (("old", old), ("new", new)):
            wall, cpu = run_side(server, ["validate", "-q", str(spec)])
            add("validate small.yaml, wall", side, wall)
            add("validate small.yaml, CPU", side, cpu)
            wall, cpu = run_side(server, ["validate", "-q", "."], tree)
            add(f"validate tree of {files}, wall", side, wall)
            add(f"validate tree of {files}, CPU", side, cpu)
            initialized, diagnosed = serve_side(server, spec)
            add("serve: spawn -> initialize result", side, initialized)
            add("serve: spawn -> first diagnostics", side, diagnosed)
    return measures


def report(name: str, times: dict[str, list[float]]) -> None:
    for side, values in times.items():
        print(f"{name}, {side}: " + " ".join(f"{v * 1000:.1f}" for v in values) + " ms")
    best = min(times["new"]) / min(times["old"])
    median = statistics.median(times["new"]) / statistics.median(times["old"])
    print(
        f"{name}: median old {statistics.median(times['old']) * 1000:.1f} ms, new "
        f"{statistics.median(times['new']) * 1000:.1f} ms; new/old {best:.3f} (best), "
        f"{median:.3f} (median)"
    )


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
    parser.add_argument("--start", action="store_true", help="also cold validate, tree, serve")
    parser.add_argument("--cold", type=int, default=15, help="--start: alternated runs per side")
    parser.add_argument("--tree", type=int, default=300, help="--start: specs in the tree")
    args = parser.parse_args()
    if args.tiny:
        args.runs = args.rounds = args.cold = 1
        args.tree = 10
    with tempfile.TemporaryDirectory() as scratch:
        old_server = export(args.revision, Path(scratch))
        for server in (old_server, REPO / "server"):  # both sides start from bytecode
            compileall.compile_dir(server, quiet=1)
        times: dict[str, list[float]] = {"old": [], "new": []}
        for _ in range(args.runs):
            times["old"].append(time_side(old_server, args.rounds, args.specs, args.only))
            times["new"].append(time_side(REPO / "server", args.rounds, args.specs, args.only))
        report(f"analysis of {args.specs.name}", times)
        if args.start:
            measures = start_up(old_server, REPO / "server", args.cold, args.tree, Path(scratch))
            for name, sides in measures.items():
                report(name, sides)
    return 0


if __name__ == "__main__":
    sys.exit(main())
