"""The editor's git mode (``eksaMirror.upgradeDiff: "git"``): each document's last committed
text, read by ``core.git.head_text`` in a worker thread so the event loop keeps answering
while git runs, and kept a few seconds so typing does not run git each time. RM023 itself
is ``rules.lint``, given the text read here.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

from eksa_mirror.core.git import GIT_TIMEOUT, head_text
from eksa_mirror.core.uris import uri_to_path

Reader = Callable[[Path, float], "str | None"]


def document_path(uri: str) -> Path | None:
    """The local file of a document URI (Windows drive and UNC forms too: ``core.uris``)."""
    path = uri_to_path(uri)
    return None if path is None else Path(path)


class GitBaseline:
    """Committed texts by path: ``read`` runs git off the loop (one run per path at a time),
    ``known`` answers at once with the last text read."""

    def __init__(self, ttl: float = 5.0, timeout: float = GIT_TIMEOUT,
                 reader: Reader = head_text) -> None:  # fmt: skip
        self.ttl = ttl
        self.timeout = timeout
        self._reader = reader
        self._texts: dict[Path, tuple[float, str | None]] = {}
        self._running: dict[Path, asyncio.Future[str | None]] = {}

    def known(self, path: Path) -> str | None:
        """The last text read for ``path`` (None: none yet, or not committed)."""
        entry = self._texts.get(path)
        return None if entry is None else entry[1]

    def fresh(self, path: Path) -> bool:
        entry = self._texts.get(path)
        return entry is not None and time.monotonic() - entry[0] < self.ttl

    async def read(self, path: Path) -> str | None:
        """The committed text, read again once ``ttl`` has passed; git runs in a thread."""
        if self.fresh(path):
            return self.known(path)
        running = self._running.get(path)
        if running is None:
            running = asyncio.ensure_future(self._read(path))
            self._running[path] = running
            running.add_done_callback(lambda _: self._running.pop(path, None))
        return await asyncio.shield(running)  # a cancelled caller leaves the read running

    async def _read(self, path: Path) -> str | None:
        started = time.monotonic()
        text = await asyncio.to_thread(self._reader, path, self.timeout)
        self._texts[path] = (started, text)
        return text

    def clear(self) -> None:
        self._texts.clear()
