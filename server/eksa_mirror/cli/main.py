"""The ``eksa-mirror`` entry point: ``validate``, ``schema``, ``check``, ``explain``, ``serve``.

Each sub-command lives in its own module and is imported only when it runs, so that
``validate`` never loads the language-server libraries.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
from collections.abc import Sequence

from eksa_mirror import __version__

#: The sub-commands, each in its own module with an ``add_parsers`` function.
COMMANDS = ("validate", "schema", "check", "explain", "serve")


def build_parser(command: str = "") -> argparse.ArgumentParser:
    """The parser of every sub-command, or of ``command`` alone when it names one (then
    ``check`` does not import what ``validate`` needs, and the reverse)."""
    parser = argparse.ArgumentParser(
        prog="eksa-mirror",
        description="Check the registryMirrorConfiguration of EKS Anywhere cluster specs.",
    )
    parser.add_argument("--version", action="version", version=f"eksa-mirror {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in (command,) if command in COMMANDS else COMMANDS:
        importlib.import_module(f"eksa_mirror.cli.{name}").add_parsers(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_in = sys.argv[1:] if argv is None else list(argv)
    if args_in == ["--version"]:  # editors probe with it: answer before importing anything
        print(f"eksa-mirror {__version__}")
        return 0
    # Start-up builds many long-lived objects (the imported modules) and no garbage: the
    # cyclic GC would only re-scan them, about a tenth of a short validate run. Collect
    # nothing while importing, then move what the imports built out of the GC's sight.
    enabled = gc.isenabled()
    gc.disable()
    try:
        parser = build_parser(args_in[0] if args_in else "")
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
    try:
        args = parser.parse_args(args_in)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    try:
        return int(args.run(args))
    except KeyboardInterrupt:
        print("eksa-mirror: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (``| head``): stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
