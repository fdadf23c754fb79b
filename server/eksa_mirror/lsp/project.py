"""The project configuration (``.eksa-mirror.toml``) as the language server uses it.

Found from a ``file://`` document's path, nearest folder first, and read again when its
mtime or size changes; the key of the analysis cache changes with it. A bad file is shown
once (``window/showMessage``) and ignored; the editor's settings win over the file. See
docs/configuration.md ("In the language server").
"""

from __future__ import annotations

import logging
import time
from pathlib import Path, PurePath

from eksa_mirror.core.uris import uri_to_path
from eksa_mirror.rules.config import CONFIG_NAME, ConfigCache, ConfigError, find_config, layered
from eksa_mirror.rules.context import Options

log = logging.getLogger(__name__)

#: How long the search for a folder's configuration file is remembered: the search costs a
#: ``stat`` per folder up to the root, and runs before every request on a document. The file
#: found is still checked on every analysis (its mtime), and a watched change searches again.
FIND_TTL_S = 2.0


def file_path(uri: str, windows: bool | None = None) -> PurePath | None:
    """The local path of a ``file:`` URI (``core.uris``: drive letters, UNC and WSL hosts),
    on this system or on Windows when ``windows``; None when it names no local file."""
    return uri_to_path(uri, windows)


class ProjectConfigs:
    """Configurations by document, and the errors already shown to the user."""

    def __init__(self) -> None:
        self.cache = ConfigCache()
        self._shown: dict[str, str] = {}
        #: Which file governs a folder, looked up again after ``FIND_TTL_S``.
        self._found: dict[Path, tuple[float, Path | None]] = {}

    def forget(self) -> None:
        """A configuration file was created, changed or deleted: search again."""
        self._found.clear()

    def find(self, folder: Path) -> Path | None:
        now = time.monotonic()
        cached = self._found.get(folder)
        if cached is not None and now - cached[0] < FIND_TTL_S:
            return cached[1]
        found = find_config(folder)
        self._found[folder] = (now, found)
        return found

    def options(self, uri: str, given: Options) -> tuple[Options, str, str | None]:
        """(options for ``uri``, a key that changes with the file, a new error to show)."""
        local = file_path(uri)
        if local is None:
            return given, "", None
        path = Path(local)
        try:
            found = self.find(path.parent)
            if found is None:
                return given, "", None
            config = self.cache.load(found)
        except ConfigError as exc:
            text = f"{exc.path}:{exc.line}:{exc.column}: error {exc.message}"
            new = None if self._shown.get(exc.path) == text else text
            self._shown[exc.path] = text
            return given, "error:" + text, new
        except OSError as exc:  # an unreadable folder on the way up: no configuration
            log.warning("configuration lookup failed: %s", type(exc).__name__)
            return given, "", None
        self._shown.pop(str(config.path), None)
        key = f"{config.path}:{config.stamp[0]}:{config.stamp[1]}"
        return layered(config, path, given), key, None


def is_config(uri: str) -> bool:
    path = file_path(uri)
    return path is not None and path.name == CONFIG_NAME
