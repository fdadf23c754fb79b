"""``eksa-mirror serve``: run the language server over stdio (or TCP for debugging)."""

from __future__ import annotations

import argparse
import gc
import logging
import sys


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = sub.add_parser("serve", help="run the language server (stdio)")
    serve.add_argument("--stdio", action="store_true", help="use stdio (the default)")
    serve.add_argument("--tcp", metavar="HOST:PORT", help="listen on TCP instead, for debugging")
    serve.add_argument(
        "--log-level",
        default="WARNING",
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help="stderr log level",
    )
    serve.set_defaults(run=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    # Only protocol messages may reach stdout: everything else goes to stderr.
    logging.basicConfig(
        stream=sys.stderr, level=args.log_level, format="%(levelname)s %(name)s: %(message)s"
    )
    # lsprotocol builds about a thousand classes on import, the largest part of the time to
    # the first answer; the cyclic GC would only re-scan them (about a third of that time).
    # As in ``cli.main``: no collection while importing, then freeze what the imports built.
    enabled = gc.isenabled()
    gc.disable()
    try:
        from eksa_mirror.lsp.server import server
    finally:
        gc.freeze()
        if enabled:
            gc.enable()

    if args.tcp:
        host, _, port = args.tcp.rpartition(":")
        if not port.isdigit():
            print("eksa-mirror: --tcp takes HOST:PORT, e.g. 127.0.0.1:2087", file=sys.stderr)
            return 2
        server.start_tcp(host or "127.0.0.1", int(port))
        return 0
    from eksa_mirror.lsp.reader import ResyncingReader

    stdout = sys.stdout.buffer
    stdin = ResyncingReader(sys.stdin.buffer)  # survives a wrong Content-Length
    sys.stdout = sys.stderr  # a stray print() can no longer corrupt the protocol stream
    server.start_io(stdin, stdout)  # type: ignore[arg-type]
    return 0
