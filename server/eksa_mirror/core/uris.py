"""The local file a document URI names, for the URI forms VS Code and other clients send
(Linux and macOS paths, Windows drive letters, UNC and WSL hosts; ``uri_to_path`` lists
them). Other schemes (``vscode-remote:``, ``untitled:``, ``git:``) name no local file.
"""

from __future__ import annotations

import os
import re
from pathlib import PurePath, PurePosixPath, PureWindowsPath
from urllib.parse import unquote, urlsplit

_DRIVE = re.compile(r"^/[A-Za-z]:(/|$)")


def uri_to_path(uri: str, windows: bool | None = None) -> PurePath | None:
    """The path of a ``file:`` URI on this system (or on Windows when ``windows``), else None.

    - ``file:///home/me/cluster.yaml``: Linux and macOS (also inside a Remote-SSH or WSL
      window, where the server runs on the remote machine and gets that machine's paths);
    - ``file:///c%3A/Users/me/cluster.yaml``: VS Code on Windows (drive letter in lower case,
      the colon percent-encoded); ``file:///C:/Users/me/cluster.yaml`` from other clients;
    - ``file://wsl.localhost/Ubuntu/home/me/cluster.yaml`` (or ``file://wsl$/...``), and any
      ``file://host/share/...``: a UNC path, a file of WSL or of a share seen from Windows.

    A UNC URI (a host in the authority) and a drive-letter URI are Windows paths: on Linux
    and macOS they name no local file, so the answer there is None.
    """
    if windows is None:
        windows = os.name == "nt"
    try:
        parts = urlsplit(uri)
    except ValueError:
        return None
    if parts.scheme.lower() != "file":
        return None
    path = unquote(parts.path)
    host = unquote(parts.netloc)
    if host and host.lower() != "localhost":
        if not windows or not path.strip("/"):
            return None
        return PureWindowsPath(f"//{host}{path}")
    if _DRIVE.match(path):
        if not windows:
            return None
        return PureWindowsPath(path[1].upper() + path[2:])
    if windows:
        return PureWindowsPath(path) if path.startswith("//") else None
    return PurePosixPath(path) if path.startswith("/") else None
