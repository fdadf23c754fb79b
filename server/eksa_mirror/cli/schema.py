"""``eksa-mirror schema``: print the published JSON Schema (the mirror section, or with
``--cluster`` the whole cluster document).
"""

from __future__ import annotations

import argparse
import sys


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``schema`` on the ``eksa-mirror`` sub-command parser."""
    schema = sub.add_parser("schema", help="print the published JSON Schema")
    schema.add_argument(
        "--cluster",
        action="store_true",
        help="the whole cluster-document schema instead of the mirror section",
    )
    schema.set_defaults(run=run_schema)


def run_schema(args: argparse.Namespace) -> int:
    from eksa_mirror.core import schema_store

    name = schema_store.CLUSTER_SCHEMA if args.cluster else schema_store.MIRROR_SCHEMA
    sys.stdout.write(schema_store.schema_text(name))
    return 0
