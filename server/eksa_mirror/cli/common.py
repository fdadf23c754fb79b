"""What ``check`` and ``explain`` share: reading CLUSTER.yaml into its defaulted mirror
settings through the core (``on_spec``: one line on stderr when it cannot be read), the exit
codes, one-line failures and the JSON printer.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from eksa_mirror.core.mirror import MirrorConfig

EXIT_OK = 0
EXIT_PROBLEM = 1
EXIT_CANNOT_RUN = 2


class CliError(Exception):
    """A one-line reason the command could not run (exit 2)."""


def load_config(path: str) -> MirrorConfig:
    """The defaulted mirror settings of ``path``; raises ``CliError`` with one line."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise CliError(f"cannot read {path}: not UTF-8 text") from None
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror or type(exc).__name__}") from None
    try:
        model = importlib.import_module("eksa_mirror.core.model")
        load_mirror_config = cast("Callable[[str], MirrorConfig | None]", model.load_mirror_config)
    except (ImportError, AttributeError):
        raise CliError(
            "the analysis core is missing: eksa_mirror.core.model.load_mirror_config is not"
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


def on_spec(
    command: str, body: Callable[[argparse.Namespace, MirrorConfig], int]
) -> Callable[[argparse.Namespace], int]:
    """The sub-command ``command``: ``body`` with the mirror settings of ``args.file``.

    A spec that cannot be read, or a ``CliError`` raised by ``body``, is one line on stderr
    (``eksa-mirror COMMAND: ...``) and exit 2.
    """

    def run(args: argparse.Namespace) -> int:
        try:
            return body(args, load_config(args.file))
        except CliError as exc:
            return fail(command, str(exc))

    return run


def fail(command: str, message: str) -> int:
    print(f"eksa-mirror {command}: {message}", file=sys.stderr)
    return EXIT_CANNOT_RUN


def can_encode(text: str) -> bool:
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def print_json(data: dict[str, Any]) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=not can_encode("✓→")))
