"""The request futures of pygls' protocol, swept and cancelled quietly.

pygls 2.1 (``JsonRPCProtocol._execute_handler``, ``_handle_cancel_notification``) keeps the
future of every generator or async handler until a request's answer removes it, so each
``didChange`` left one behind, and logs a warning for a ``$/cancelRequest`` of a request
already answered (VS Code sends many).
"""

from __future__ import annotations

import logging
from typing import Any

from pygls.protocol import LanguageServerProtocol

log = logging.getLogger(__name__)


class SweptFutures(LanguageServerProtocol):
    """pygls' protocol without the futures of finished handlers."""

    def _execute_handler(
        self,
        msg_id: Any,
        handler: Any,
        callback: Any,
        args: tuple[Any, ...] | None = None,
        kwargs: dict[str, Any] | None = None,
    ) -> None:
        """pygls files the future of every generator or async handler under its id, and
        only a request's answer takes it out again: each ``didChange`` (a generator in
        pygls) left one behind, about 2 KB per edit. Finished ones are swept out here (not
        from a done-callback: ``shutdown`` cancels the pending ones while iterating)."""
        futures = self._request_futures
        for key in [key for key, future in futures.items() if future.done()]:
            del futures[key]
        super()._execute_handler(msg_id, handler, callback, args, kwargs)

    def _handle_cancel_notification(self, msg_id: Any) -> None:
        """Cancel a request still running; one already answered (the usual case: handlers
        here are quick and mostly synchronous) is not worth a warning."""
        future = self._request_futures.pop(msg_id, None)
        if future is None:
            log.debug("cancel of request %s, already answered", msg_id)
            return
        if future.cancel():
            log.debug("cancelled request %s", msg_id)
