#!/usr/bin/env python3
"""What suppressions and ``.eksa-mirror.toml`` add to an analysis, as ratios to the analysis.

    python benchmarks/bench_config.py [--tiny]

- the language server's configuration lookup before each request on a document (a file
  eight folders up, and none at all), against analysing ``examples/invalid-mirror.yaml``;
- the suppression layer (``suppress.suppress_in``) against the analysis of a 5,000-line file,
  without any ``# eksa-mirror:`` comment and with one suppression per Cluster.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import timeit
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "server"))  # run from a clone without installing

from eksa_mirror.core.findings import Finding
from eksa_mirror.lsp.project import ProjectConfigs
from eksa_mirror.rules.analysis import Analysis, analyze
from eksa_mirror.rules.context import Options
from eksa_mirror.rules.suppress import suppress_in

EXAMPLE = (HERE.parent / "examples" / "invalid-mirror.yaml").read_text(encoding="utf-8")


def best(func: object, number: int) -> float:
    """The best of seven runs, seconds per call."""
    return min(timeit.repeat(func, number=number, repeat=7)) / number  # type: ignore[arg-type]


def lookup(number: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        deep = Path(tmp, *"abcdefgh")
        deep.mkdir(parents=True)
        Path(tmp, ".eksa-mirror.toml").write_text('ignore = ["RM008"]\n', encoding="utf-8")
        configs, given = ProjectConfigs(), Options()
        # A distinct text each time: the parse cache must not hide the analysis.
        texts = iter(EXAMPLE + "#" * i for i in range(10**7))
        analysis = best(lambda: analyze(next(texts)), max(1, number // 20))
        for label, folder in (("config 8 folders up", deep), ("no config file", Path("/"))):
            uri = (folder / "c.yaml").as_uri()
            cost = best(lambda uri=uri: configs.options(uri, given), number)
            print(f"lookup, {label}: {cost * 1e6:.1f} us = {cost / analysis:.1%} of analysing "
                  f"the example ({analysis * 1e6:.0f} us)")  # fmt: skip


def layer(lines: int) -> None:
    clusters = max(1, lines // EXAMPLE.count("\n"))
    plain = "".join(
        EXAMPLE.replace("name: demo\n", f"name: c{i}\n") + "---\n" for i in range(clusters)
    )
    commented = plain.replace("port: 443", "port: 443  # eksa-mirror: ignore[RM008]")
    for label, text in (("no suppression comment", plain), ("one per Cluster", commented)):
        analysis = analyze(text)
        found = list(analysis.findings)

        def suppress(analysis: Analysis = analysis, found: list[Finding] = found) -> None:
            analysis.findings = list(found)
            suppress_in(analysis, Options())

        bare = best(lambda text=text: analyze(text), 3)
        cost = best(suppress, 20)
        print(f"suppression layer, {text.count(chr(10)):,} lines, {label}: {cost * 1e3:.2f} ms "
              f"= {cost / bare:.1%} of the analysis ({bare * 1e3:.0f} ms)")  # fmt: skip


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tiny", action="store_true", help="few repetitions, a small file")
    tiny = ap.parse_args().tiny
    lookup(200 if tiny else 5000)
    layer(250 if tiny else 5000)
    return 0


if __name__ == "__main__":
    sys.exit(main())
