"""``eksa-mirror validate`` and ``eksa-mirror schema``: the CI face of the analysis core.

Exit codes: 0 no errors, 1 errors (warnings too with ``--strict``), 2 usage or I/O
problems. Every problem is one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from eksa_mirror.analysis import Options, analyze
from eksa_mirror.findings import Severity
from eksa_mirror.fixes import apply_edits, safe_edits
from eksa_mirror.formatters import FORMATTERS, FileFinding
from eksa_mirror.rules import RULES

#: Files larger than this are not analysed (a clear message instead of a long freeze).
MAX_FILE_BYTES = 10 * 1024 * 1024


class UsageError(Exception):
    """A problem with the command line or a file: one line, exit code 2."""


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    validate = sub.add_parser(
        "validate",
        help="check cluster specs (files, folders, - for stdin)",
        description="Check the registryMirrorConfiguration of EKS Anywhere cluster specs.",
    )
    validate.add_argument("paths", nargs="+", metavar="PATH", help="file, folder or - (stdin)")
    validate.add_argument("--format", choices=sorted(FORMATTERS), default=None,
                          help="output format (default: text, or github inside GitHub Actions)")  # fmt: skip
    validate.add_argument("--strict", action="store_true", help="warnings also fail (exit 1)")
    validate.add_argument("--select", default="", metavar="CODES",
                          help="only these rule codes, comma-separated (e.g. RM001,RM008)")  # fmt: skip
    validate.add_argument("--ignore", default="", metavar="CODES", help="skip these rule codes")
    validate.add_argument("--check-env", action="store_true",
                          help="also check REGISTRY_USERNAME/REGISTRY_PASSWORD and "
                          "EKSA_REGISTRY_MIRROR_CA as eksctl anywhere does")  # fmt: skip
    validate.add_argument("--fix", action="store_true",
                          help="apply the safe fixes in place (atomic write)")  # fmt: skip
    validate.add_argument("--quiet", "-q", action="store_true", help="no summary line")
    validate.set_defaults(run=run_validate)

    schema = sub.add_parser("schema", help="print the published JSON Schema")
    schema.add_argument("--cluster", action="store_true",
                        help="the whole cluster-document schema instead of the mirror section")  # fmt: skip
    schema.set_defaults(run=run_schema)


def _codes(value: str, flag: str) -> frozenset[str]:
    codes = frozenset(c.strip().upper() for c in value.split(",") if c.strip())
    unknown = sorted(codes - set(RULES))
    if unknown:
        raise UsageError(f"{flag}: unknown rule code {', '.join(unknown)}")
    return codes


def _files(paths: list[str]) -> Iterator[str]:
    for raw in paths:
        if raw == "-":
            yield raw
            continue
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()
            )
            yield from (str(p) for p in found)
        elif path.exists():
            yield raw
        else:
            raise UsageError(f"{raw}: no such file or directory")


def _read(name: str) -> str:
    try:
        if name == "-":
            data = sys.stdin.buffer.read()
        else:
            size = os.path.getsize(name)
            if size > MAX_FILE_BYTES:
                raise UsageError(
                    f"{name}: file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB"
                )
            data = Path(name).read_bytes()
    except OSError as exc:
        raise UsageError(f"{name}: cannot read: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{name}: not UTF-8 (invalid byte at offset {exc.start})") from None


def write_atomic(name: str, text: str) -> None:
    """Write via a temporary file in the same folder and rename; the file mode is kept."""
    path = Path(name)
    mode = path.stat().st_mode & 0o7777
    if not os.access(path, os.W_OK):
        raise UsageError(f"{name}: cannot write: permission denied")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise UsageError(f"{name}: cannot write: {exc.strerror or exc}") from None


def run_validate(args: argparse.Namespace) -> int:
    try:
        return _validate(args)
    except UsageError as exc:
        print(f"eksa-mirror: {exc}", file=sys.stderr)
        return 2


def _validate(args: argparse.Namespace) -> int:
    fmt = args.format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    options = Options(
        select=_codes(args.select, "--select") or None,
        ignore=_codes(args.ignore, "--ignore"),
        check_env=args.check_env,
    )
    results: list[FileFinding] = []
    files = 0
    no_cluster: list[str] = []
    for name in _files(args.paths):
        files += 1
        text = _read(name)
        analysis = analyze(text, options)
        if args.fix and name != "-":
            edits = safe_edits(analysis.findings)
            if edits:
                write_atomic(name, apply_edits(text, edits))
                analysis = analyze(apply_edits(text, edits), options)
        if not analysis.has_cluster and not analysis.findings:
            no_cluster.append(name)
        display = "<stdin>" if name == "-" else name
        results.extend(FileFinding(display, f) for f in analysis.findings)
    sys.stdout.write(FORMATTERS[fmt](results))
    errors = sum(r.finding.severity is Severity.ERROR for r in results)
    warnings = sum(r.finding.severity is Severity.WARNING for r in results)
    if fmt == "text" and not args.quiet:
        for name in no_cluster:
            print(f"{name}: no EKS Anywhere Cluster document, nothing to check")
        print(
            f"{files} file{'s' * (files != 1)} checked: {errors} error{'s' * (errors != 1)}, "
            f"{warnings} warning{'s' * (warnings != 1)}, {len(results) - errors - warnings} other"
        )
    failed = errors > 0 or (args.strict and warnings > 0)
    return 1 if failed else 0


def run_schema(args: argparse.Namespace) -> int:
    from eksa_mirror import schema_store

    name = schema_store.CLUSTER_SCHEMA if args.cluster else schema_store.MIRROR_SCHEMA
    sys.stdout.write(schema_store.schema_text(name))
    return 0
