"""Standard input for pygls' reader that survives a wrong ``Content-Length``.

Upstream behaviour corrected (pygls 2.1, ``pygls.io_``): headers are read with
``readline`` and only a line that is exactly ``Content-Length: N`` is accepted, so one
body shorter than announced leaves every later message unreadable.
"""

from __future__ import annotations

from typing import Any


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
