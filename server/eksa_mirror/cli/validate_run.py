"""``validate``'s runner: the files the paths stand for, each with the options of its
``.eksa-mirror.toml``, read, fixed and linted (``rules.lint``; in worker processes for a
large tree), and tallied in order. A file's problem is one line on stderr as it comes.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from eksa_mirror.cli.files import NotUtf8, UsageError, expand, read_text, write_atomic
from eksa_mirror.cli.formatters import FileFinding
from eksa_mirror.cli.validate_args import ValidateArgs
from eksa_mirror.core.eksa.releases import Target, target_release
from eksa_mirror.core.findings import Finding
from eksa_mirror.rules.analysis import Analysis, Options, analyze
from eksa_mirror.rules.config import ConfigCache, ConfigError, layered
from eksa_mirror.rules.lint import fix_text, lint

#: From this many files on, files are checked in parallel worker processes (one per core,
#: at most ``MAX_WORKERS``); below it, starting workers costs more than it saves.
PARALLEL_FROM = 32
MAX_WORKERS = 8
_MARKERS = ("---", "...")


def error(message: str) -> None:
    print(f"eksa-mirror: {message}", file=sys.stderr)


@dataclass(frozen=True)
class _Job:
    """What every file is checked with (sent to worker processes)."""

    options: Options
    fix: bool
    against_text: str | None
    #: The files named on the command line (as shown): their problems are never skipped.
    explicit: frozenset[str] = frozenset()


@dataclass
class _FileResult:
    display: str
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    targets: set[Target] = field(default_factory=set)
    #: Why the file could not be parsed (and so not identified or checked), if it could not.
    unparsed: str | None = None
    has_cluster: bool = False  #: the file holds an EKS Anywhere Cluster


def _check_file(job: _Job, name: str, options: Options | None = None) -> _FileResult:
    """Read, optionally fix, and lint one file (with its configuration's ``options``);
    never raises."""
    result = _FileResult("<stdin>" if name == "-" else name)
    options = options or job.options
    try:
        text = read_text(name)
        if job.fix and name != "-":
            new, applied = fix_text(text, options, job.against_text)
            if new != text:
                write_atomic(name, new)
                text = new
                result.notes.append(
                    f"{result.display}: applied {applied} fix{'es' * (applied != 1)}"
                )
        analysis = lint(text, options, job.against_text)
    except NotUtf8 as exc:
        if result.display in job.explicit or _identified(exc.data, options):
            result.error = str(exc)
        else:  # not a cluster spec: skipped and counted, as an unparsable file is
            result.unparsed = exc.reason
        return result
    except UsageError as exc:
        result.error = str(exc)
        return result
    except Exception as exc:  # a bug in a rule must not hide the other files
        result.error = f"{result.display}: internal error: {type(exc).__name__}: {exc}"
        return result
    _describe(result, analysis, options)
    return result


def _describe(result: _FileResult, analysis: Analysis, options: Options) -> None:
    """A linted file's findings, target releases, and why it holds nothing to check."""
    option = options.eksa_version
    result.targets = {target_release(c.eksa_version, option) for c in analysis.clusters}
    result.has_cluster = analysis.has_cluster
    if not analysis.has_cluster and not analysis.findings:
        result.unparsed = _unparsed(analysis)
        if result.unparsed is None:
            result.notes.append(
                f"{result.display}: no EKS Anywhere Cluster document, nothing to check"
            )
    result.findings = analysis.findings


def _identified(data: bytes, options: Options) -> bool:
    """Whether a file that is not UTF-8 is still an EKS-A spec (read with its bad bytes
    replaced): one that EKS-A cannot decode, which must not pass as skipped."""
    analysis = analyze(data.decode("utf-8", "replace"), options)
    return analysis.has_cluster or bool(analysis.findings)


def _unparsed(analysis: Analysis) -> str | None:
    """Where a file without any Cluster fails to parse: it cannot be identified, so it is
    neither clean nor checked (a Helm template, a half-written file)."""
    for doc in analysis.source.documents:
        problem = doc.parsed.problem
        if problem is not None and not doc.parsed.recovered and _has_content(doc.parsed.text):
            line = problem.line + doc.line_offset + 1
            return f"line {line}, column {problem.column + 1}: {problem.message}"
    return None


def _has_content(text: str) -> bool:
    """Whether a document holds more than blanks, comments and ``---``/``...`` markers (which
    libyaml may refuse, e.g. a line of only a tab, but which hold nothing to check)."""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and stripped.split(" #")[0] not in _MARKERS:
            return True
    return False


def _check_all(job: _Job, names: list[str], options: list[Options]) -> Iterator[_FileResult]:
    """Results in the order of ``names``; many files are spread over the cores."""
    workers = min(os.cpu_count() or 1, MAX_WORKERS)
    if len(names) < PARALLEL_FROM or workers < 2 or "-" in names:
        yield from (_check_file(job, n, o) for n, o in zip(names, options, strict=True))
        return
    from concurrent.futures import ProcessPoolExecutor  # only for trees: it loads multiprocessing

    chunk = max(1, len(names) // (workers * 4))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(_check_file, [job] * len(names), names, options, chunksize=chunk)


@dataclass
class Tally:
    """What the checked files add up to, in the order they were checked."""

    fmt: str
    explicit: set[str]
    problems: int = 0
    files: int = 0
    results: list[FileFinding] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)  #: the files with a Cluster, as shown
    notes: list[str] = field(default_factory=list)
    unparsed: list[str] = field(default_factory=list)
    targets: set[Target] = field(default_factory=set)

    def add(self, checked: _FileResult) -> None:
        """One file: its error on stderr at once, its parse failure noted, or its findings."""
        if checked.error is not None:
            error(checked.error)
            self.problems += 1
        elif checked.unparsed is not None:
            line = (
                f"{checked.display}: could not be parsed as YAML ({checked.unparsed}); not checked"
            )
            if checked.display in self.explicit:
                self.say(line)
            else:
                self.unparsed.append(line)
        else:
            self.files += 1
            if checked.has_cluster:
                self.checked.append(checked.display)
            self.notes.extend(checked.notes)
            self.targets.update(checked.targets)
            self.results.extend(FileFinding(checked.display, f) for f in checked.findings)

    def say(self, line: str) -> None:
        """A note: with the text output on stdout, else on stderr (stdout is JSON or SARIF)."""
        if self.fmt == "text":
            self.notes.append(line)
        else:
            error(line)


def run(args: ValidateArgs) -> Tally:
    """Check every file ``args`` names; raises ``UsageError`` for a bad ``--against``."""
    against_text = _against_text(args)
    names, explicit, problems = _expand_all(args.paths)
    job = _Job(args.options, args.fix, against_text, frozenset(explicit))
    names, per_file, bad = _configured(names, args.options)
    tally = Tally(args.fmt, explicit, problems + bad)
    for checked in _check_all(job, names, per_file):
        tally.add(checked)
    return tally


def _against_text(args: ValidateArgs) -> str | None:
    """The OLD file of ``--against`` (read once, here)."""
    if args.against is None:
        return None
    paths = args.paths
    if len(paths) != 1 or paths[0] == args.against or Path(paths[0]).is_dir():
        raise UsageError("--against compares exactly one NEW file: validate --against OLD NEW")
    return read_text(args.against)


def _expand_all(paths: tuple[str, ...]) -> tuple[list[str], set[str], int]:
    """The files the command-line paths stand for, those named one by one (their parse
    problems are always shown), and how many paths could not be used."""
    names: list[str] = []
    explicit: set[str] = set()
    problems = 0
    for raw in paths:
        try:
            found = expand(raw)
        except UsageError as exc:
            error(str(exc))
            problems += 1
            continue
        names.extend(found)
        if found == [raw]:
            explicit.add("<stdin>" if raw == "-" else raw)
    return names, explicit, problems


def _configured(names: list[str], given: Options) -> tuple[list[str], list[Options], int]:
    """Each file with the options of its ``.eksa-mirror.toml`` under the command line's.

    A bad configuration file is one line on stderr (once) and its files are not checked.
    """
    cache = ConfigCache()
    kept: list[str] = []
    options: list[Options] = []
    reported: set[str] = set()
    for name in names:
        path = Path.cwd() / "-" if name == "-" else Path(name)
        try:
            config = cache.for_file(path)
        except ConfigError as exc:
            if exc.path not in reported:
                reported.add(exc.path)
                print(f"{_shown(exc.path)}:{exc.line}:{exc.column}: error {exc.message}",
                      file=sys.stderr)  # fmt: skip
            continue
        kept.append(name)
        options.append(layered(config, None if name == "-" else path, given))
    return kept, options, len(reported)


def _shown(path: str) -> str:
    """A path relative to the current folder when it is below it."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative
