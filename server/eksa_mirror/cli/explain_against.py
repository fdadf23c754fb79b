"""``eksa-mirror explain NEW --against OLD``: what changing the spec from OLD to NEW does to
the nodes. OLD is a file, or a Git revision of NEW's repository (``git cat-file`` of NEW's
path there; a file the revision lacks compares against no mirror). Exit 0; 1 when EKS-A
refuses NEW (its errors instead, as ``explain`` does); 2 when it could not run, in one line.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from eksa_mirror.cli.common import EXIT_OK, EXIT_PROBLEM, CliError, can_encode, fail, print_json
from eksa_mirror.cli.files import UsageError, read_text
from eksa_mirror.core.findings import Finding
from eksa_mirror.core.git import run_git

GIT_TIMEOUT = 10.0
NO_MIRROR = "no registry mirror"


def _git(folder: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    """A reading git command in ``folder``, run as a guest (``core.git``)."""
    try:
        return run_git(folder, args, GIT_TIMEOUT)
    except FileNotFoundError:
        raise CliError("--against: git is not installed, and OLD is not a file") from None
    except subprocess.TimeoutExpired:
        raise CliError(f"--against: git did not answer within {GIT_TIMEOUT:.0f} s") from None


def read_revision(rev: str, new_path: str) -> tuple[str | None, str]:
    """NEW's text at Git revision ``rev`` (None when NEW did not exist there) and a label."""
    path = Path(new_path).absolute()
    verify = _git(
        path.parent, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"
    )
    if rev.startswith("-") or verify.returncode != 0:
        raise CliError(
            f"--against {rev}: neither a file nor a Git revision of the repository of {new_path}"
        )
    commit = verify.stdout.decode("ascii", "replace").strip()
    shown = _git(path.parent, "cat-file", "blob", "--end-of-options", f"{commit}:./{path.name}")
    if shown.returncode != 0:
        return None, f"{rev} (where {path.name} does not exist)"
    try:
        return shown.stdout.decode("utf-8"), rev
    except UnicodeDecodeError:
        raise CliError(f"--against {rev}: {new_path} at {rev} is not UTF-8 text") from None


def read_old(against: str, new_path: str) -> tuple[str | None, str]:
    """OLD's text (None: compare against no mirror) and how the output names it."""
    if against == "":
        return None, NO_MIRROR
    if Path(against).is_file():
        try:
            return read_text(against), against
        except UsageError as exc:
            raise CliError(str(exc)) from None
    return read_revision(against, new_path)


def run_against(args: argparse.Namespace) -> int:
    """``explain --against`` (and ``--format markdown`` alone: against no mirror)."""
    from eksa_mirror.cli.refused import report_refusal
    from eksa_mirror.cli.release_option import one_release

    try:
        args.eksa_version = one_release(args.eksa_version, args.file, "explain")
        if args.format == "markdown":
            refused = _refused_markdown(args.file, args.eksa_version)
        else:
            refused = report_refusal(args.file, args.eksa_version, args.format)
        return refused if refused is not None else _run(args)
    except CliError as exc:
        return fail("explain", str(exc))


def _refused_markdown(path: str, release: str) -> int | None:
    """A spec EKS-A refuses, as a review comment: its errors, nothing rendered (exit 1)."""
    from eksa_mirror.core import markdown as md
    from eksa_mirror.rules.analysis import Options, analyze
    from eksa_mirror.rules.refusal import refusals

    try:
        found = refusals(analyze(read_text(path), Options(eksa_version=release)).findings)
    except UsageError:
        return None  # the comparison says why the file cannot be read
    if not found:
        return None
    lines = [f"#### {md.code(path)}: EKS Anywhere refuses this spec, nothing is rendered", ""]
    lines += [f"- ❌ line {f.span.start.line + 1}: {f.code} {md.escape(f.message)}" for f in found]
    sys.stdout.write("\n".join(lines) + "\n")
    return EXIT_PROBLEM


def _run(args: argparse.Namespace) -> int:
    from eksa_mirror.explain.changes import diff_views
    from eksa_mirror.explain.changes_render import Report, render_markdown, render_text, to_dict
    from eksa_mirror.explain.follow_ups import follow_ups
    from eksa_mirror.explain.sides import read_side

    try:
        new_text = read_text(args.file)
    except UsageError as exc:
        raise CliError(str(exc)) from None
    old_text, label = read_old(args.against or "", args.file)
    release = args.eksa_version or ""
    old, new = read_side(old_text or "", release), read_side(new_text, release)
    if old.view is None and new.view is None:
        raise CliError(
            f"{args.file}: no EKS Anywhere Cluster with a registryMirrorConfiguration, here or"
            f" in {label}"
        )
    report = Report(
        args.file,
        label,
        diff_views(old, new),
        _upgrade(old_text, new_text, release),
        follow_ups(old, new),
    )
    if args.format == "json":
        print_json(to_dict(report))
        return EXIT_OK
    text = render_markdown(report) if args.format == "markdown" else render_text(report)
    sys.stdout.write(text if can_encode(text) else text.replace("→", "->"))
    return EXIT_OK


def _upgrade(old_text: str | None, new_text: str, release: str) -> tuple[Finding, ...]:
    """RM023: the changes EKS-A does not support on upgrade (positions in NEW)."""
    if old_text is None:
        return ()
    from eksa_mirror.rules.context import Options
    from eksa_mirror.rules.upgrade import diff_findings

    return tuple(diff_findings(old_text, new_text, Options(eksa_version=release)))
