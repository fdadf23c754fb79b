"""``eksa-mirror check``: contact the registry mirror of CLUSTER.yaml for real.

Reads the first Cluster with a mirror section through the core (``load_mirror_config``:
EKS-A defaults applied, OS families resolved). Exit codes: 0 no problem found (warnings
allowed), 1 a problem found, 2 could not run; failures are one line on stderr, never a
traceback (docs/check.md).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import replace
from typing import TYPE_CHECKING

from eksa_mirror.cli import check_images
from eksa_mirror.cli.check_images import Progress
from eksa_mirror.cli.common import (
    EXIT_CANNOT_RUN,
    EXIT_OK,
    EXIT_PROBLEM,
    CliError,
    can_encode,
    fail,
    on_spec,
)
from eksa_mirror.cli.release_option import add_eksa_version, one_release

if TYPE_CHECKING:
    from eksa_mirror.core.eksa.cluster_images import ImageList
    from eksa_mirror.core.mirror import MirrorConfig
    from eksa_mirror.probe.images_report import ImagePlan
    from eksa_mirror.probe.report import CheckReport


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds: {text!r}")
    return value


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``check`` on the ``eksa-mirror`` sub-command parser."""
    check = sub.add_parser(
        "check",
        help="check the registry mirror of a cluster spec for real (TLS, API, login, projects)",
        description=(
            "Contact the registry mirror configured in CLUSTER.yaml (and nothing else) and "
            "check what EKS Anywhere needs: TLS with the configured CA, the OCI API, login "
            "with REGISTRY_USERNAME/REGISTRY_PASSWORD when authenticate is set, and the "
            "projects to import images into. Exit 0: no problem; 1: a problem found; "
            "2: could not run."
        ),
    )
    check.add_argument("file", metavar="CLUSTER.yaml", help="EKS Anywhere cluster spec")
    check.add_argument(
        "--timeout",
        type=_positive_seconds,
        default=5.0,
        metavar="SECONDS",
        help="limit for each network operation (default: 5)",
    )
    check.add_argument(
        "--deadline",
        type=_positive_seconds,
        default=None,
        metavar="SECONDS",
        help="limit for the whole check (default: 30; 300 with --images)",
    )
    add_eksa_version(check, "whose projects (and, with --images, whose bundle) to expect")
    check.add_argument(
        "--allow-token-service",
        action="store_true",
        help="when the registry names a Bearer token service on another host, contact it"
        " with REGISTRY_USERNAME/REGISTRY_PASSWORD, as containerd does (default: only the"
        " endpoint is contacted)",
    )
    check.add_argument("--format", choices=("text", "json", "sarif", "github"), default="text")
    check_images.add_arguments(check)
    check.set_defaults(run=run_check_command)


def _check(args: argparse.Namespace, cfg: MirrorConfig) -> int:
    """``eksa-mirror check`` on the mirror settings of ``args.file``."""
    from eksa_mirror.core.eksa.releases import parse_version
    from eksa_mirror.probe import config_problem, run_check

    problem = check_images.usage_problem(args)
    if problem:
        raise CliError(problem)
    if args.eksa_version and parse_version(cfg.eksa_version) is None:
        cfg = replace(cfg, eksa_version=args.eksa_version)  # the spec names none
    problem_key = config_problem(cfg)
    if problem_key is not None:
        raise CliError(f"{args.file}: {problem_key[1]}")
    started = time.monotonic()
    deadline = args.deadline or (check_images.IMAGES_DEADLINE if args.images else 30.0)
    plan, progress = None, check_images.Progress()
    if args.images:
        images = check_images.load(args, cfg, deadline)
        if args.list:
            return check_images.print_list(images, args.format)
        plan = _plan(args, images, progress)
    left = max(deadline - (time.monotonic() - started), 0.001)
    try:
        # With --images, /v2/_catalog pages of 1,000 (distribution's largest) save round
        # trips on mirrors that hold thousands of repositories.
        page_size = 1000 if plan is not None else 100
        report = run_check(cfg, timeout=args.timeout, deadline=left, env=os.environ,
                           page_size=page_size, allow_token_service=args.allow_token_service,
                           images=plan)  # fmt: skip
    except Exception as exc:  # a bug: still one line, and never a credential
        from eksa_mirror.core.mirror import PASSWORD_ENV, USERNAME_ENV
        from eksa_mirror.probe.redact import Redactor

        redact = Redactor.for_credentials(os.environ, USERNAME_ENV, PASSWORD_ENV)
        reason = redact(" ".join(str(exc).split()))
        return fail("check", f"internal error: {type(exc).__name__}: {reason}")
    finally:
        progress.end()
    return _print(report, args)


def _plan(args: argparse.Namespace, images: ImageList, progress: Progress) -> ImagePlan:
    from eksa_mirror.probe.images_report import DEFAULT_CONCURRENCY, ImagePlan

    concurrency = args.concurrency or DEFAULT_CONCURRENCY
    return ImagePlan(images, args.arch, concurrency, progress)


def _print(report: CheckReport, args: argparse.Namespace) -> int:
    from eksa_mirror.cli.check_formats import FORMATTERS

    # A registry's strings may not fit the terminal's encoding: never a traceback for that.
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="replace")
    ascii_only = not can_encode("✓✗→")
    sys.stdout.write(FORMATTERS[args.format](report, args.file, ascii_only))
    if not report.ran:
        return EXIT_CANNOT_RUN
    return EXIT_OK if report.ok else EXIT_PROBLEM


_check_spec = on_spec("check", _check)


def run_check_command(args: argparse.Namespace) -> int:
    """``check``; the release below the spec's is settled first (``release_option``)."""
    try:
        args.eksa_version = one_release(args.eksa_version, args.file, "check")
    except CliError as exc:
        return fail("check", str(exc))
    return _check_spec(args)
