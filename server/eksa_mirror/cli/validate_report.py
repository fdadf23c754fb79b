"""``validate``'s output: the chosen reporter's text on stdout, then (as text) the notes and
the summary line; and the exit code (0 clean, 1 errors or ``--strict`` warnings, 2 usage or
I/O problems).
"""

from __future__ import annotations

import sys

from eksa_mirror.cli.reporters import REPORTERS
from eksa_mirror.cli.summary import summary_line, target_text
from eksa_mirror.cli.validate_args import ValidateArgs
from eksa_mirror.cli.validate_run import Tally
from eksa_mirror.core.findings import Severity


def report(args: ValidateArgs, tally: Tally) -> int:
    """Print what ``tally`` holds in ``args.fmt``; the exit code."""
    sys.stdout.write(REPORTERS[tally.fmt](tally.results, tally.checked))
    if args.verbose:
        for line in tally.unparsed:
            tally.say(line)
    if tally.fmt == "text" and not args.quiet:
        for note in tally.notes:
            print(note)
        target = target_text(tally.targets, args.options.eksa_version)
        print(summary_line(tally.files, tally.results, tally.unparsed, target, args.verbose))
    sys.stdout.flush()
    return exit_code(args, tally)


def exit_code(args: ValidateArgs, tally: Tally) -> int:
    if tally.problems:
        return 2
    errors = sum(r.finding.severity is Severity.ERROR for r in tally.results)
    warnings = sum(r.finding.severity is Severity.WARNING for r in tally.results)
    return 1 if errors > 0 or (args.strict and warnings > 0) else 0
