"""The files of ``eksa-mirror validate``: which files a path stands for, reading them
(size-limited, UTF-8 only) and writing ``--fix`` results atomically. Every problem is a
one-line ``UsageError`` (exit 2), never a traceback.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from types import ModuleType

#: Files larger than this are not analysed (a clear message instead of a long freeze).
MAX_FILE_BYTES = 10 * 1024 * 1024


class UsageError(Exception):
    """A problem with the command line or a file: one line, exit code 2."""


class NotUtf8(UsageError):
    """A file that is not UTF-8: its bytes, and where the first invalid byte is."""

    def __init__(self, name: str, data: bytes, error: UnicodeDecodeError) -> None:
        super().__init__(f"{name}: not UTF-8 (invalid byte at offset {error.start})")
        self.data = data
        before = data[: error.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        byte = data[error.start]
        self.reason = f"not UTF-8: invalid byte 0x{byte:02x} at line {line}, column {column}"


SKIPPED_DIRS = frozenset({"node_modules", "__pycache__", "venv"})


def native(raw: str, pathmod: ModuleType = os.path) -> str:
    """A command-line path as printed: as given, with Windows' separators on Windows."""
    return str(pathmod.normpath(raw)) if pathmod.sep == "\\" else raw


def expand(raw: str) -> list[str]:
    """The files one command-line path stands for: itself, or the YAML files under a folder."""
    if raw == "-":
        return [raw]
    path = Path(raw)
    if path.is_dir():
        found: list[str] = []
        for folder, dirs, names in os.walk(path):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIPPED_DIRS)
            found.extend(
                os.path.join(folder, n) for n in sorted(names) if n.endswith((".yaml", ".yml"))
            )
        return found
    if path.exists():
        return [native(raw)]
    raise UsageError(f"{raw}: no such file or directory")


def read_text(name: str) -> str:
    """The UTF-8 text of a file (``-``: standard input), or a one-line ``UsageError``."""
    try:
        if name == "-":
            data = sys.stdin.buffer.read()
        else:
            size = os.path.getsize(name)
            if size > MAX_FILE_BYTES:
                raise UsageError(
                    f"{name}: file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB"
                )
            data = Path(name).read_bytes()
    except OSError as exc:
        raise UsageError(f"{name}: cannot read: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NotUtf8(name, data, exc) from None


def write_atomic(name: str, text: str) -> None:
    """Write via a temporary file in the same folder and rename; the file mode is kept.

    A symbolic link is followed: its target is rewritten and the link stays a link.
    """
    path = Path(os.path.realpath(name))
    try:
        info = path.stat()
        mode = info.st_mode & 0o7777
    except OSError as exc:
        raise UsageError(f"{name}: cannot write: {exc.strerror or exc}") from None
    if not os.access(path, os.W_OK):
        raise UsageError(f"{name}: cannot write: permission denied")
    try:
        import tempfile  # only --fix writes

        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise UsageError(f"{name}: cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        if hasattr(os, "chown") and (info.st_uid, info.st_gid) != (os.geteuid(), os.getegid()):
            with contextlib.suppress(PermissionError):  # only root may give a file away
                os.chown(tmp, info.st_uid, info.st_gid)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise UsageError(f"{name}: cannot write: {exc.strerror or exc}") from None
