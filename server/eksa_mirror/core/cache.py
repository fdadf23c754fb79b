"""Memory-bounded caches of the parse: parsed documents by text, and the pause of the
cyclic garbage collector while many nodes are made (``docs/architecture.md``).
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")

#: Cache size in documents. A 5,000-line file of 264 documents fits many times over.
_CACHE_SIZE = 4096
#: Cache size in characters of document text. Parsed nodes take about 20 bytes per
#: character, so this holds the cache near 40 MB: an editing session caches a new text of
#: the edited document at every keystroke, and 4,096 large Cluster documents are 200 MB.
_CACHE_CHARS = 2_000_000


class TextCache(Generic[T]):
    """A small thread-safe LRU cache of what ``parse`` makes of a text, keyed by the text."""

    def __init__(
        self, parse: Callable[[str], T], size: int = _CACHE_SIZE, chars: int = _CACHE_CHARS
    ) -> None:
        self._parse = parse
        self._size = size
        self._chars = chars
        self._held = 0  # characters of the cached texts
        self._items: OrderedDict[str, T] = OrderedDict()
        self._lock = threading.Lock()
        self.misses = 0

    def get(self, text: str) -> T:
        with self._lock:
            found = self._items.get(text)
            if found is not None:
                self._items.move_to_end(text)
                return found
        parsed = self._parse(text)
        with self._lock:
            self.misses += 1
            if text not in self._items:
                self._held += len(text)
            self._items[text] = parsed
            while len(self._items) > 1 and (
                len(self._items) > self._size or self._held > self._chars
            ):
                old, _ = self._items.popitem(last=False)
                self._held -= len(old)
        return parsed

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._held = 0
            self.misses = 0


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while documents are parsed and analysed.

    Parsing creates millions of node objects and no reference cycles; with the collector
    on, CPython walks the ever-growing set of live nodes again and again, and parsing a
    200,000-line file costs 4x more per line than a 1,000-line one. Paused, it is linear.
    The nodes that stay alive (the parse cache) are scanned once, at the next collection.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
