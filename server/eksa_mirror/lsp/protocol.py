"""JSON-RPC faults answered as the specification asks, where pygls 2.1.1 does not.

pygls structures each message inside ``json.loads``; when that fails it loses the request
id, so the client waits forever for an answer, and it shows the user a
``window/showMessage`` pop-up instead. Here:

- text that is not JSON gets a ``-32700`` Parse error response with ``"id": null``;
- a request whose params do not fit the method (a negative position, a missing field) gets
  ``-32602`` Invalid params with its own id; JSON that is not a JSON-RPC request (no
  ``"jsonrpc": "2.0"``, an array) gets ``-32600`` Invalid Request;
- a notification or response that cannot be read is logged and dropped (a notification has
  no one to answer).

Unknown methods (``-32601`` for requests, ignored notifications including ``$/``) are
already right in pygls. A ``$/cancelRequest`` for a request already answered is ordinary
(VS Code cancels a hover or code-lens request when the text changes, often after the
answer left): pygls logs each as a warning, here it is a debug line.

pygls also logs the params of a message whose handler failed, and those hold the
document's text: they are withheld from the log.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams, JsonRpcInvalidRequest
from pygls.protocol import LanguageServerProtocol

log = logging.getLogger(__name__)


class _Unreadable:
    """A message pygls could not structure: answered (if a request) and otherwise dropped."""

    def __init__(self, msg_id: Any, error: types.ResponseError | None) -> None:
        self.id = msg_id
        self.error = error


class Protocol(LanguageServerProtocol):
    """pygls' protocol, answering malformed requests instead of dropping them."""

    def structure_message(self, data: dict[str, Any]) -> Any:
        try:
            return super().structure_message(data)
        except JsonRpcException:
            if _is_request(data):
                error = JsonRpcInvalidParams().to_response_error()
                error.message = f"Invalid params for {data['method']!s:.100}"
                return _Unreadable(data["id"], error)
            log.warning(
                "dropped an unreadable %s", "notification" if "method" in data else "response"
            )
            return _Unreadable(None, None)

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

    def handle_message(self, message: Any) -> None:
        if isinstance(message, _Unreadable):
            if message.error is not None:
                self._send_response(message.id, error=message.error)
            return
        if getattr(message, "jsonrpc", None) != self.VERSION:  # not a JSON-RPC 2.0 message
            if isinstance(message, dict):
                method, msg_id = message.get("method"), message.get("id")
            else:
                method, msg_id = getattr(message, "method", None), getattr(message, "id", None)
            invalid = JsonRpcInvalidRequest().to_response_error()
            if method is not None and isinstance(msg_id, (int, str)):
                self._send_response(msg_id, error=invalid)
            elif not isinstance(message, dict) and not hasattr(message, "jsonrpc"):
                self.send_error_without_id(invalid.code, invalid.message)  # an array, a number
            else:
                log.warning("dropped a message that is not JSON-RPC 2.0")
            return
        super().handle_message(message)

    def send_error_without_id(self, code: int, message: str) -> None:
        """An error response with ``"id": null`` (the converter would leave the id out)."""
        self._send_data({"jsonrpc": "2.0", "id": None, "error": {"code": code, "message": message}})


def _is_request(data: dict[str, Any]) -> bool:
    return "method" in data and isinstance(data.get("id"), (int, str))


def report_protocol_error(protocol: Any, error: Exception) -> bool:
    """Answer a frame whose body is not JSON with a Parse error; whether it was one."""
    if isinstance(error, (json.JSONDecodeError, UnicodeDecodeError)) and isinstance(
        protocol, Protocol
    ):
        log.warning("a message that is not JSON: %s", type(error).__name__)
        protocol.send_error_without_id(-32700, "Parse error")
        return True
    return False


class ResyncingReader:
    """Standard input for pygls' reader, finding the next header after a wrong
    ``Content-Length``.

    pygls reads headers with ``readline`` and accepts only a line that is exactly
    ``Content-Length: N``. After a body shorter than announced, the leftover bytes and the
    next header share one line; after that, every body (JSON has no raw line break) is read
    together with the header that follows it, and no message is ever understood again.
    Cutting a header line back to its last ``Content-Length:`` loses only the message with
    the wrong length (answered with a Parse error) and, for a length too long, the next one.
    """

    HEADER = b"Content-Length:"

    def __init__(self, raw: Any) -> None:
        self.raw = raw

    def readline(self) -> bytes:
        line: bytes = self.raw.readline()
        index = line.rfind(self.HEADER)
        return line[index:] if index > 0 else line

    def read(self, size: int) -> bytes:
        data: bytes = self.raw.read(size)
        return data


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


logging.getLogger("pygls.protocol.json_rpc").addFilter(_WithholdParams())
logging.getLogger("pygls.server").addFilter(_AnsweredParseErrors())
