"""Columns in the client's position encoding and code points, converted in one place.

LSP counts columns in UTF-16 code units unless the client offered ``utf-8`` or
``utf-32`` first (Neovim 0.11); the core counts code points (``core/positions.py``).
"""

from __future__ import annotations

from collections.abc import Callable


def units(text: str, encoding: str = "utf-16") -> int:
    """The length of ``text`` in the code units of ``encoding``."""
    if encoding == "utf-32":
        return len(text)
    if encoding == "utf-8":
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def index_at(line: str, character: int, units_of: Callable[[str], int]) -> int:
    """The code-point index in ``line`` of a client column (clamped to the line's end).

    A column inside a character (half a surrogate pair) lands after that character.
    """
    count = 0
    for index, char in enumerate(line):
        if count >= character:
            return index
        count += units_of(char)
    return len(line)
