"""``eksa-mirror explain``: print what EKS-A configures on the nodes for the mirror of
CLUSTER.yaml (read as ``check`` reads it); exit 0, 1 when EKS-A refuses the spec (its errors
are printed instead, ``cli/refused.py``), or 2 when it could not run. Failures are one line
on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace

from eksa_mirror.cli.common import (
    EXIT_OK,
    CliError,
    can_encode,
    fail,
    on_spec,
    print_json,
)
from eksa_mirror.cli.release_option import add_eksa_version, one_release
from eksa_mirror.core.eksa import errors
from eksa_mirror.core.mirror import CA_ENV, MirrorConfig, ca_from_env


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``explain`` on the ``eksa-mirror`` sub-command parser."""
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
    add_eksa_version(explain, "to render for")
    explain.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    explain.add_argument(
        "--against",
        metavar="OLD",
        help="show what changes on the nodes from OLD (a file, or a Git revision of"
        " CLUSTER.yaml's repository) to CLUSTER.yaml, what EKS Anywhere does not support on"
        " upgrade (RM023) and the steps the change needs afterwards",
    )
    explain.set_defaults(run=run_explain)


def _explain(args: argparse.Namespace, cfg: MirrorConfig) -> int:
    """``eksa-mirror explain`` on the mirror settings of ``args.file``."""
    from eksa_mirror import explain

    ca_from = ""
    env_ca = None if cfg.ca_cert_content else ca_from_env(os.environ)
    if env_ca is not None:
        # EKS-A's defaulting: the variable names a file whose content becomes caCertContent.
        if env_ca.error:
            raise CliError(errors.cert_file_unreadable(env_ca.path, env_ca.error))
        cfg = replace(cfg, ca_cert_content=env_ca.content)
        ca_from = f"{CA_ENV}={env_ca.path}"
    from eksa_mirror.core.eksa.releases import target_release

    target = target_release(cfg.eksa_version, args.eksa_version or "")
    result = explain.explain(cfg, ca_from=ca_from, target=target)
    if args.format == "json":
        print_json(explain.to_dict(result))
    else:
        text = explain.render_text(result)
        if not can_encode(text):
            text = text.replace("→", "->")
        sys.stdout.write(text)
    return EXIT_OK


def run_explain_command(args: argparse.Namespace) -> int:
    """A spec EKS Anywhere refuses is not explained: why, as ``validate`` says it (exit 1).
    The release is ``validate``'s (``release_option``): the spec's, else the flag's, else the
    ``.eksa-mirror.toml`` one."""
    from eksa_mirror.cli.refused import report_refusal

    try:
        args.eksa_version = one_release(args.eksa_version, args.file, "explain")
    except CliError as exc:
        return fail("explain", str(exc))
    refused = report_refusal(args.file, args.eksa_version, args.format)
    return refused if refused is not None else _explain_spec(args)


_explain_spec = on_spec("explain", _explain)


def run_explain(args: argparse.Namespace) -> int:
    """``explain``; with ``--against`` or as Markdown, the node changes (``explain_against``)."""
    if args.against is None and args.format != "markdown":
        return run_explain_command(args)
    from eksa_mirror.cli.explain_against import run_against

    return run_against(args)
