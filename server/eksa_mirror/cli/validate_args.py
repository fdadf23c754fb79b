"""``validate``'s command line: its options, and ``ValidateArgs``, the typed result the run
and the reporters read (no argparse namespace goes past this module).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping
from dataclasses import dataclass

from eksa_mirror.cli.files import UsageError
from eksa_mirror.cli.release_option import BadFlag, add_eksa_version, eksa_version
from eksa_mirror.cli.reporters import REPORTERS
from eksa_mirror.rules.analysis import Options
from eksa_mirror.rules.option_values import UnknownCode, rule_codes


@dataclass(frozen=True)
class ValidateArgs:
    """What ``validate`` was asked to do."""

    paths: tuple[str, ...]
    fmt: str  #: one of ``REPORTERS``
    #: The command line's rule selection, severities and release (``--eksa-version``: "" for
    #: none); each file's ``.eksa-mirror.toml`` goes under them.
    options: Options
    strict: bool = False
    fix: bool = False
    quiet: bool = False
    verbose: bool = False
    against: str | None = None  #: ``--against OLD``


def add_arguments(validate: argparse.ArgumentParser) -> None:
    validate.add_argument("paths", nargs="+", metavar="PATH", help="file, folder or - (stdin)")
    validate.add_argument(
        "--format",
        choices=sorted(REPORTERS),
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
    add_eksa_version(validate, "to check against (or a minor line, v0.20.x)")
    validate.add_argument("--against", default=None, metavar="OLD",
                          help="upgrade check: report mirror changes from OLD to the one NEW "
                          "file that EKS Anywhere does not support on upgrade (RM023)")  # fmt: skip


def parse(namespace: argparse.Namespace, environ: Mapping[str, str] = os.environ) -> ValidateArgs:
    """The typed arguments; raises ``UsageError`` (exit 2) for an unknown rule code or a
    malformed release."""
    fmt = namespace.format or ("github" if environ.get("GITHUB_ACTIONS") == "true" else "text")
    options = Options(
        select=_codes(namespace.select, "--select") or None,
        ignore=_codes(namespace.ignore, "--ignore"),
        check_env=namespace.check_env,
        eksa_version=_release(namespace.eksa_version),
    )
    return ValidateArgs(
        paths=tuple(namespace.paths),
        fmt=fmt,
        options=options,
        strict=namespace.strict,
        fix=namespace.fix,
        quiet=namespace.quiet,
        verbose=namespace.verbose,
        against=namespace.against,
    )


def _codes(value: str, flag: str) -> frozenset[str]:
    try:
        return rule_codes([c for c in value.split(",") if c.strip()])
    except UnknownCode as exc:
        raise UsageError(f"{flag}: {exc}") from None


def _release(text: str) -> str:
    try:
        return eksa_version(text)
    except BadFlag as exc:
        raise UsageError(str(exc)) from None
