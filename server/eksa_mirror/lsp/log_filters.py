"""Filters on pygls' own log records: no document text in the log, no traceback twice.

pygls 2.1 logs a failed handler's params (the document's text), and a traceback for a body
that is not JSON although ``lsp/protocol.py`` answers it. The filters match pygls' message
templates; ``tests/lsp/test_pygls_overrides.py`` fails when an upgrade changes them.
"""

from __future__ import annotations

import json
import logging


class _WithholdParams(logging.Filter):
    """pygls logs a failed message's params, which hold the document's text (and any
    secret pasted into it), and the traceback of one it cannot read: keep the method,
    withhold the params and the traceback."""

    TEMPLATES = frozenset(
        {
            "Failed to handle notification %r: %s",
            "Failed to handle request %s %s %s",
        }
    )

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg in self.TEMPLATES and isinstance(record.args, tuple) and record.args:
            record.args = (*record.args[:-1], "<params withheld>")
        elif record.msg == "Unable to deserialize message\n%s":
            # A traceback whose messages may quote the values: the method is answered with
            # Invalid params (``Protocol.structure_message``) and that is enough.
            record.msg, record.args = "Unable to deserialize a message (details withheld)", ()
        return True


class _AnsweredParseErrors(logging.Filter):
    """pygls logs a traceback for a body that is not JSON; it is answered with a Parse error
    and logged as one line (``report_protocol_error``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not (
            record.msg == "Unable to handle message"
            and isinstance(error, (json.JSONDecodeError, UnicodeDecodeError))
        )


def install() -> None:
    """Attach the filters to pygls' loggers (idempotent)."""
    for name, log_filter in (
        ("pygls.protocol.json_rpc", _WithholdParams),
        ("pygls.server", _AnsweredParseErrors),
    ):
        logger = logging.getLogger(name)
        if not any(isinstance(f, log_filter) for f in logger.filters):
            logger.addFilter(log_filter())
