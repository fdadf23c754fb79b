"""``eksa-mirror check`` and ``eksa-mirror explain``.

Both read ``CLUSTER.yaml`` through the analysis core (``eksa_mirror.model.
load_mirror_config``: first EKS-A Cluster with a mirror section, EKS-A defaults applied,
OS families resolved from the referenced machine configs).

``check`` contacts the registry; exit codes: 0 no problem found (warnings allowed),
1 a problem found, 2 could not run (unreadable file, no mirror section, invalid
endpoint/port, bad option). ``explain`` prints what EKS-A configures on the nodes;
exit 0, or 2 when it could not run. Failures are one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from collections.abc import Callable

    from eksa_mirror.mirror import MirrorConfig

CA_ENV = "EKSA_REGISTRY_MIRROR_CA"
EXIT_OK = 0
EXIT_PROBLEM = 1
EXIT_CANNOT_RUN = 2


class CliError(Exception):
    """A one-line reason the command could not run (exit 2)."""


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds: {text!r}")
    return value


def _eksa_version(text: str) -> str:
    from eksa_mirror.registry import parse_eksa_version

    if parse_eksa_version(text) is None:
        raise argparse.ArgumentTypeError(f"expected vX.Y.Z, got {text!r}")
    return text


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``check`` and ``explain`` on the ``eksa-mirror`` sub-command parser."""
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
        default=30.0,
        metavar="SECONDS",
        help="limit for the whole check (default: 30)",
    )
    check.add_argument(
        "--eksa-version",
        type=_eksa_version,
        metavar="vX.Y.Z",
        help="EKS Anywhere release whose projects to expect (default: spec.eksaVersion, else"
        " the current list; before v0.24.0 'isovalent' replaces 'eks')",
    )
    check.add_argument(
        "--allow-token-service",
        action="store_true",
        help="when the registry names a Bearer token service on another host, contact it"
        " with REGISTRY_USERNAME/REGISTRY_PASSWORD, as containerd does (default: only the"
        " endpoint is contacted)",
    )
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.set_defaults(run=run_check_command)

    explain = sub.add_parser(
        "explain",
        help="show what EKS Anywhere configures on the nodes for the registry mirror",
        description=(
            "Show the containerd files (Ubuntu/RHEL), Bottlerocket settings, external etcd "
            "machines, image rewrites and credentials Secret EKS Anywhere derives from the "
            "registry mirror of CLUSTER.yaml, for the target release. Nothing is contacted "
            "and no credential is read."
        ),
    )
    explain.add_argument("file", metavar="CLUSTER.yaml", help="EKS Anywhere cluster spec")
    explain.add_argument(
        "--eksa-version",
        type=_eksa_version,
        metavar="vX.Y.Z",
        help="EKS Anywhere release to render for when the Cluster has no spec.eksaVersion"
        " (default: the latest release known), as validate does",
    )
    explain.add_argument("--format", choices=("text", "json"), default="text")
    explain.set_defaults(run=run_explain_command)


def load_config(path: str) -> MirrorConfig:
    """The defaulted mirror settings of ``path``; raises ``CliError`` with one line."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise CliError(f"cannot read {path}: not UTF-8 text") from None
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror or type(exc).__name__}") from None
    try:
        model = importlib.import_module("eksa_mirror.model")
        load_mirror_config = cast("Callable[[str], MirrorConfig | None]", model.load_mirror_config)
    except (ImportError, AttributeError):
        raise CliError(
            "the analysis core is missing: eksa_mirror.model.load_mirror_config is not"
            " available in this installation"
        ) from None
    try:
        cfg = load_mirror_config(text)
    except Exception as exc:  # one line, never a traceback
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise CliError(
            f"{path}: cannot be read as an EKS Anywhere cluster spec: {reason}"
        ) from None
    if cfg is None:
        raise CliError(f"{path}: no EKS Anywhere Cluster with a registryMirrorConfiguration")
    return cfg


def _fail(command: str, message: str) -> int:
    print(f"eksa-mirror {command}: {message}", file=sys.stderr)
    return EXIT_CANNOT_RUN


def _can_encode(text: str) -> bool:
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def _print_json(data: dict[str, Any]) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=not _can_encode("✓→")))


def run_check_command(args: argparse.Namespace) -> int:
    """``eksa-mirror check``."""
    from eksa_mirror.registry import config_problem, render_text, run_check

    try:
        cfg = load_config(args.file)
    except CliError as exc:
        return _fail("check", str(exc))
    if args.eksa_version:
        cfg = replace(cfg, eksa_version=args.eksa_version)
    problem = config_problem(cfg)
    if problem is not None:
        return _fail("check", f"{args.file}: {problem[1]}")
    try:
        report = run_check(
            cfg,
            timeout=args.timeout,
            deadline=args.deadline,
            env=os.environ,
            allow_token_service=args.allow_token_service,
        )
    except Exception as exc:  # a bug: still one line, and never a credential
        from eksa_mirror.registry.redact import Redactor

        redact = Redactor.for_credentials(os.environ, "REGISTRY_USERNAME", "REGISTRY_PASSWORD")
        reason = redact(" ".join(str(exc).split()))
        return _fail("check", f"internal error: {type(exc).__name__}: {reason}")
    # A registry's strings may not fit the terminal's encoding: never a traceback for that.
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="replace")
    if args.format == "json":
        _print_json(report.to_dict())
    else:
        sys.stdout.write(render_text(report, ascii_only=not _can_encode("✓✗")))
    if not report.ran:
        return EXIT_CANNOT_RUN
    return EXIT_OK if report.ok else EXIT_PROBLEM


def run_explain_command(args: argparse.Namespace) -> int:
    """``eksa-mirror explain``."""
    from eksa_mirror import explain

    try:
        cfg = load_config(args.file)
    except CliError as exc:
        return _fail("explain", str(exc))
    ca_from = ""
    ca_path = os.environ.get(CA_ENV, "")
    if not cfg.ca_cert_content and ca_path:
        # EKS-A's defaulting: the variable names a file whose content becomes caCertContent.
        try:
            content = Path(ca_path).read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            return _fail("explain", f"reading the cert file {ca_path}: {exc.strerror}")
        cfg = replace(cfg, ca_cert_content=content)
        ca_from = f"{CA_ENV}={ca_path}"
    from eksa_mirror.releases import target_release

    target = target_release(cfg.eksa_version, args.eksa_version or "")
    result = explain.explain(cfg, ca_from=ca_from, target=target)
    if args.format == "json":
        _print_json(explain.to_dict(result))
    else:
        text = explain.render_text(result)
        if not _can_encode(text):
            text = text.replace("→", "->")
        sys.stdout.write(text)
    return EXIT_OK
