"""``eksa-mirror validate``: the CI face of the analysis core, in parts: the command line
(``validate_args``: a typed ``ValidateArgs``), the runner (``validate_run``), the output
(``validate_report``, one reporter per format in ``reporters``).

Exit codes: 0 no errors, 1 errors (warnings too with ``--strict``), 2 usage or I/O
problems. Every problem is one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import sys

from eksa_mirror.cli import validate_args, validate_report, validate_run
from eksa_mirror.cli.files import UsageError


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    validate = sub.add_parser(
        "validate",
        help="check cluster specs (files, folders, - for stdin)",
        description="Check the registryMirrorConfiguration of EKS Anywhere cluster specs.",
    )
    validate_args.add_arguments(validate)
    validate.set_defaults(run=run_validate)


def run_validate(namespace: argparse.Namespace) -> int:
    try:
        args = validate_args.parse(namespace)
        return validate_report.report(args, validate_run.run(args))
    except UsageError as exc:
        validate_run.error(str(exc))
        return 2
    except BrokenPipeError:
        # The reader went away (``| head``): nothing more to say, and no traceback.
        sys.stderr.close()
        return 1
    except Exception as exc:  # a bug: one line, never a traceback
        validate_run.error(f"internal error: {type(exc).__name__}: {exc}")
        return 2
