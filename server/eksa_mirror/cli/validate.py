"""``eksa-mirror validate`` and ``eksa-mirror schema``: the CI face of the analysis core.

Exit codes: 0 no errors, 1 errors (warnings too with ``--strict``), 2 usage or I/O
problems. Every problem is one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from eksa_mirror.cli.ci_formats import REPORTS
from eksa_mirror.cli.files import NotUtf8, UsageError, expand, read_text, write_atomic
from eksa_mirror.cli.formatters import FORMATTERS, FileFinding
from eksa_mirror.cli.summary import summary_line
from eksa_mirror.core.eksa.releases import LATEST, Target, target_release
from eksa_mirror.core.findings import Finding, Severity
from eksa_mirror.core.fixes import apply_edits, safe_edits
from eksa_mirror.rules.analysis import Analysis, Options, analyze
from eksa_mirror.rules.config import ConfigCache, ConfigError, layered
from eksa_mirror.rules.option_values import BadRelease, UnknownCode, release, rule_codes
from eksa_mirror.rules.suppress import suppress_in

#: From this many files on, files are checked in parallel worker processes (one per core,
#: at most ``MAX_WORKERS``); below it, starting workers costs more than it saves.
PARALLEL_FROM = 32
MAX_WORKERS = 8
_MARKERS = ("---", "...")


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    validate = sub.add_parser(
        "validate",
        help="check cluster specs (files, folders, - for stdin)",
        description="Check the registryMirrorConfiguration of EKS Anywhere cluster specs.",
    )
    validate.add_argument("paths", nargs="+", metavar="PATH", help="file, folder or - (stdin)")
    validate.add_argument(
        "--format",
        choices=sorted({*FORMATTERS, *REPORTS}),
        default=None,
        help="output format (default: text, or github inside GitHub Actions)",
    )
    validate.add_argument("--strict", action="store_true", help="warnings also fail (exit 1)")
    validate.add_argument(
        "--select",
        default="",
        metavar="CODES",
        help="only these rule codes, comma-separated (e.g. RM001,RM008)",
    )
    validate.add_argument("--ignore", default="", metavar="CODES", help="skip these rule codes")
    validate.add_argument(
        "--check-env",
        action="store_true",
        help="also check REGISTRY_USERNAME/REGISTRY_PASSWORD and "
        "EKSA_REGISTRY_MIRROR_CA as eksctl anywhere does",
    )
    validate.add_argument(
        "--fix", action="store_true", help="apply the safe fixes in place (atomic write)"
    )
    validate.add_argument("--quiet", "-q", action="store_true", help="no summary line")
    validate.add_argument(
        "--verbose",
        "-v",
        action="store_true",
        help="list the files of a folder that could not be parsed as YAML (not checked)",
    )
    validate.add_argument("--eksa-version", default="", metavar="VERSION",
                          help="EKS Anywhere release to check against when a Cluster has no "
                          f"spec.eksaVersion (default: the latest known, {LATEST})")  # fmt: skip
    validate.add_argument("--against", default=None, metavar="OLD",
                          help="upgrade check: report mirror changes from OLD to the one NEW "
                          "file that EKS Anywhere does not support on upgrade (RM023)")  # fmt: skip
    validate.set_defaults(run=run_validate)


def _release_option(args: argparse.Namespace) -> str:
    """Check ``--eksa-version`` and ``--against`` (whose OLD file is read once, here)."""
    try:
        release(args.eksa_version)
    except BadRelease as exc:
        raise UsageError(f"--eksa-version: {exc}") from None
    args.against_text = None
    if args.against is not None:
        if len(args.paths) != 1 or args.paths[0] == args.against or Path(args.paths[0]).is_dir():
            raise UsageError("--against compares exactly one NEW file: validate --against OLD NEW")
        args.against_text = read_text(args.against)
    args.targets = set()
    return str(args.eksa_version)


def _against(against_text: str | None, analysis: Analysis, text: str, options: Options) -> None:
    """RM023 from ``--against`` (compared with the OLD file's text)."""
    if against_text is not None:
        from eksa_mirror.rules.upgrade import diff_findings  # only for --against

        analysis.findings.extend(diff_findings(against_text, text, options))
        analysis.findings.sort(key=Finding.sort_key)


def _codes(value: str, flag: str) -> frozenset[str]:
    try:
        return rule_codes([c for c in value.split(",") if c.strip()])
    except UnknownCode as exc:
        raise UsageError(f"{flag}: {exc}") from None


#: Rounds of ``--fix``: a fix skipped because it overlapped another is applied next round.
FIX_ROUNDS = 5


def lint(text: str, options: Options, against_text: str | None = None) -> Analysis:
    """The findings the user sees: the analysis, RM023 of ``--against``, then the inline
    suppressions (docs/configuration.md) applied to all of them."""
    analysis = analyze(text, options)
    _against(against_text, analysis, text, options)
    suppress_in(analysis, options)
    return analysis


def fix_text(text: str, options: Options, against_text: str | None = None) -> tuple[str, int]:
    """``text`` with every safe fix applied (until none is left) and how many were applied.

    Suppressed findings are not fixed; unused suppressions are removed (RM031)."""
    applied = 0
    for _ in range(FIX_ROUNDS):
        edits = safe_edits(lint(text, options, against_text).findings)
        new = apply_edits(text, edits) if edits else text
        if new == text:
            break
        applied += len(edits)
        text = new
    return text, applied


def run_validate(args: argparse.Namespace) -> int:
    try:
        return _validate(args)
    except UsageError as exc:
        _error(str(exc))
        return 2
    except BrokenPipeError:
        # The reader went away (``| head``): nothing more to say, and no traceback.
        sys.stderr.close()
        return 1
    except Exception as exc:  # a bug: one line, never a traceback
        _error(f"internal error: {type(exc).__name__}: {exc}")
        return 2


def _error(message: str) -> None:
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
    """Read, optionally fix, and analyse one file (with its configuration's ``options``);
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
    known = [c.eksa_version for c in analysis.clusters if c.eksa_version is not None]
    result.targets = {target_release(v, options.eksa_version) for v in known}  # None: masked
    result.has_cluster = analysis.has_cluster
    if not analysis.has_cluster and not analysis.findings:
        result.unparsed = _unparsed(analysis)
        if result.unparsed is None:
            result.notes.append(
                f"{result.display}: no EKS Anywhere Cluster document, nothing to check"
            )
    result.findings = analysis.findings
    return result


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
            return f"line {line}, column {problem.column + 1}: {problem.text(doc.line_offset)}"
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
class _Tally:
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
            _error(checked.error)
            self.problems += 1
        elif checked.unparsed is not None:
            line = (
                f"{checked.display}: could not be parsed as YAML ({checked.unparsed}); not checked"
            )
            if checked.display in self.explicit:
                _say(line, self.fmt, self.notes)
            else:
                self.unparsed.append(line)
        else:
            self.files += 1
            if checked.has_cluster:
                self.checked.append(checked.display)
            self.notes.extend(checked.notes)
            self.targets.update(checked.targets)
            self.results.extend(FileFinding(checked.display, f) for f in checked.findings)


def _validate(args: argparse.Namespace) -> int:
    fmt = args.format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    options = Options(
        select=_codes(args.select, "--select") or None,
        ignore=_codes(args.ignore, "--ignore"),
        check_env=args.check_env,
        eksa_version=_release_option(args),
    )
    names, explicit, problems = _expand_all(args.paths)
    job = _Job(options, args.fix, args.against_text, frozenset(explicit))
    names, per_file, bad = _configured(names, options)
    tally = _Tally(fmt, explicit, problems + bad)
    for checked in _check_all(job, names, per_file):
        tally.add(checked)
    args.targets.update(tally.targets)
    return _report(args, tally)


def _report(args: argparse.Namespace, tally: _Tally) -> int:
    """The findings in the chosen format (as text, the notes and the summary too); the exit
    code."""
    report = REPORTS.get(tally.fmt)  # the CI reports also list the clean files
    if report is not None:
        sys.stdout.write(report(tally.results, tally.checked))
    else:
        sys.stdout.write(FORMATTERS[tally.fmt](tally.results))
    if args.verbose:
        for line in tally.unparsed:
            _say(line, tally.fmt, tally.notes)
    if tally.fmt == "text" and not args.quiet:
        for note in tally.notes:
            print(note)
        print(summary_line(args, tally.files, tally.results, tally.unparsed))
    sys.stdout.flush()
    if tally.problems:
        return 2
    errors = sum(r.finding.severity is Severity.ERROR for r in tally.results)
    warnings = sum(r.finding.severity is Severity.WARNING for r in tally.results)
    return 1 if errors > 0 or (args.strict and warnings > 0) else 0


def _expand_all(paths: list[str]) -> tuple[list[str], set[str], int]:
    """The files the command-line paths stand for, those named one by one (their parse
    problems are always shown), and how many paths could not be used."""
    names: list[str] = []
    explicit: set[str] = set()
    problems = 0
    for raw in paths:
        try:
            found = expand(raw)
        except UsageError as exc:
            _error(str(exc))
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


def _say(line: str, fmt: str, notes: list[str]) -> None:
    """A note: with the text output on stdout, else on stderr (stdout is JSON or SARIF)."""
    if fmt == "text":
        notes.append(line)
    else:
        _error(line)
