"""Which ``.eksa-mirror.toml`` governs a document: the document's path from the URI the
client sends (``lsp/project.py`` through ``core.uris``), on Linux and on Windows, and the
configuration found from it on this machine."""

from __future__ import annotations

from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath

import pytest

from eksa_mirror.lsp.project import ProjectConfigs, file_path, is_config
from eksa_mirror.rules.context import Options

WINDOWS = [
    # VS Code on Windows: drive letter in lower case, the colon percent-encoded
    ("file:///c%3A/Users/me/clusters/c.yaml", PureWindowsPath("C:/Users/me/clusters/c.yaml")),
    # other Windows clients
    ("file:///C:/Users/me/my%20clusters/c.yaml", PureWindowsPath("C:/Users/me/my clusters/c.yaml")),
    # a UNC share, and a WSL file seen from Windows
    ("file://server/share/clusters/c.yaml", PureWindowsPath("//server/share/clusters/c.yaml")),
    (
        "file://wsl.localhost/Ubuntu/home/me/c.yaml",
        PureWindowsPath("//wsl.localhost/Ubuntu/home/me/c.yaml"),
    ),
]  # fmt: skip


@pytest.mark.parametrize(("uri", "expected"), WINDOWS)
def test_windows_uris_name_windows_paths(uri: str, expected: PurePath) -> None:
    path = file_path(uri, windows=True)
    assert path == expected
    assert path is not None and path.parent / ".eksa-mirror.toml" == expected.parent.joinpath(
        ".eksa-mirror.toml"
    )


@pytest.mark.parametrize(("uri", "_"), WINDOWS)
def test_windows_uris_name_no_file_on_linux(uri: str, _: PurePath) -> None:
    # not "/c:/Users/..." or "/share/clusters/...": a folder that is not the document's
    assert file_path(uri, windows=False) is None


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("file:///home/me/my%20clusters/c.yaml", PurePosixPath("/home/me/my clusters/c.yaml")),
        ("file://localhost/home/me/c.yaml", PurePosixPath("/home/me/c.yaml")),
        ("untitled:Untitled-1", None),
        ("vscode-remote://ssh-remote%2Bhost/home/me/c.yaml", None),
    ],
)
def test_linux_uris(uri: str, expected: PurePath | None) -> None:
    assert file_path(uri, windows=False) == expected


@pytest.mark.parametrize("form", ["as_uri", "localhost"])
def test_the_folders_configuration_is_found(tmp_path: Path, form: str) -> None:
    folder = tmp_path / "my clusters" / "prod"
    folder.mkdir(parents=True)
    (tmp_path / "my clusters" / ".eksa-mirror.toml").write_text('ignore = ["RM008"]\n')
    doc = (folder / "c.yaml").as_uri()  # the space is sent as %20
    if form == "localhost":
        doc = doc.replace("file:///", "file://localhost/")
    options, key, error = ProjectConfigs().options(doc, Options())
    assert (options.ignore, error) == (frozenset({"RM008"}), None)
    assert key.startswith(f"{tmp_path / 'my clusters' / '.eksa-mirror.toml'}:")
    assert is_config((tmp_path / "my clusters" / ".eksa-mirror.toml").as_uri())


def test_a_document_without_a_local_file_keeps_the_given_options() -> None:
    given = Options(ignore=frozenset({"RM019"}))
    assert ProjectConfigs().options("file://server/share/c.yaml", given) == (given, "", None)
