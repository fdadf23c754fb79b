"""``explain`` on a spec EKS Anywhere refuses (``rules.refusal``): the errors that make it
invalid, printed as ``validate`` prints them (text or JSON), and nothing rendered: exit 1.

The release is the spec's, else ``--eksa-version``, else the ``.eksa-mirror.toml`` one, as for
``validate``; rule selection and suppressions do not apply: they do not make EKS-A accept it.
"""

from __future__ import annotations

import sys

from eksa_mirror.cli.common import EXIT_PROBLEM
from eksa_mirror.cli.files import UsageError, read_text
from eksa_mirror.cli.formatters import FileFinding, json_format, text
from eksa_mirror.rules.analysis import Options, analyze
from eksa_mirror.rules.refusal import refusals


def report_refusal(path: str, eksa_version: str, fmt: str) -> int | None:
    """Print why EKS-A refuses the spec at ``path`` and return exit 1; ``None`` when EKS-A
    accepts it, or when the file cannot be read (the explanation then says why)."""
    try:
        spec = read_text(path)
    except UsageError:
        return None
    options = Options(eksa_version=eksa_version)
    found = refusals(analyze(spec, options).findings)
    if not found:
        return None
    results = [FileFinding(path, finding) for finding in found]
    if fmt == "json":
        sys.stdout.write(json_format(results))
    else:
        count = f"{len(found)} error{'s' * (len(found) != 1)}"
        sys.stdout.write(text(results))
        print(f"EKS Anywhere refuses this spec ({count}): nothing is rendered")
    return EXIT_PROBLEM
