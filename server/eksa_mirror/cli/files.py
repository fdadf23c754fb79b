"""The files of ``eksa-mirror validate``: which files a path stands for, reading them
(size-limited, UTF-8 only) and writing ``--fix`` results atomically. Every problem is a
one-line ``UsageError`` (exit 2), never a traceback.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

#: Files larger than this are not analysed (a clear message instead of a long freeze).
MAX_FILE_BYTES = 10 * 1024 * 1024


class UsageError(Exception):
    """A problem with the command line or a file: one line, exit code 2."""


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


def expand_all(
    paths: list[str], on_error: Callable[[str], None]
) -> tuple[list[str], set[str], int]:
    """The files the command-line paths stand for, those named one by one (their parse
    problems are always shown), and how many paths could not be used (each told to
    ``on_error`` in one line)."""
    names: list[str] = []
    explicit: set[str] = set()
    problems = 0
    for raw in paths:
        try:
            found = expand(raw)
        except UsageError as exc:
            on_error(str(exc))
            problems += 1
            continue
        names.extend(found)
        if found == [raw]:
            explicit.add("<stdin>" if raw == "-" else raw)
    return names, explicit, problems


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
        raise UsageError(f"{name}: not UTF-8 (invalid byte at offset {exc.start})") from None


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
