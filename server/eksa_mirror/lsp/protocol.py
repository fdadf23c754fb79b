"""JSON-RPC faults answered as the specification asks, where pygls 2.1 does not.

Text that is not JSON gets ``-32700`` with ``"id": null``, params that do not fit ``-32602``
with the request's id, JSON that is not JSON-RPC 2.0 ``-32600``; an unreadable notification
or response is logged and dropped. What pygls does instead: docs/security.md ("Language
server protocol faults").
"""

from __future__ import annotations

import json
import logging
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams, JsonRpcInvalidRequest

from eksa_mirror.lsp import log_filters
from eksa_mirror.lsp.futures import SweptFutures

log = logging.getLogger(__name__)


class _Unreadable:
    """A message pygls could not structure: answered (if a request) and otherwise dropped."""

    def __init__(self, msg_id: Any, error: types.ResponseError | None) -> None:
        self.id = msg_id
        self.error = error


class Protocol(SweptFutures):
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


log_filters.install()
