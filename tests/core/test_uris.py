"""Document URIs as clients send them, and the paths ``validate`` prints.

``eksa_mirror.core.uris.uri_to_path`` for the forms of VS Code on Windows (``c%3A``), WSL and UNC
shares, remote windows and other schemes, judged as on Windows and as on Linux/macOS; the
git upgrade-diff mode on a file named the way VS Code names it on this system; and
``validate`` on CRLF files, with native paths.
"""

from __future__ import annotations

import ntpath
import os
import posixpath
import shutil
import subprocess
from pathlib import Path, PurePosixPath, PureWindowsPath
from urllib.parse import quote

import pytest

from eksa_mirror.cli.files import native
from eksa_mirror.cli.main import main
from eksa_mirror.core.git import head_text
from eksa_mirror.core.uris import uri_to_path
from eksa_mirror.lsp.baseline import document_path
from eksa_mirror.rules.analysis import Options
from eksa_mirror.rules.lint import lint
from support import cluster

W = PureWindowsPath
P = PurePosixPath


@pytest.mark.parametrize(
    "uri,on_windows,on_posix",
    [
        ("file:///c%3A/Users/me/cluster.yaml", W("C:/Users/me/cluster.yaml"), None),
        ("file:///C:/Users/me/my%20clusters/a.yaml", W("C:/Users/me/my clusters/a.yaml"), None),
        ("file:///d%3A", W("D:"), None),
        (
            "file://wsl.localhost/Ubuntu/home/me/cluster.yaml",
            W("//wsl.localhost/Ubuntu/home/me/cluster.yaml"),
            None,
        ),
        ("file://wsl%24/Ubuntu/home/me/c.yaml", W("//wsl$/Ubuntu/home/me/c.yaml"), None),
        ("file://server/share/c.yaml", W("//server/share/c.yaml"), None),
        ("file://server/", None, None),
        ("file://server/X", W("//server/X"), None),  # a share named X: the share's root
        ("file:////server/share/c.yaml", W("//server/share/c.yaml"), P("//server/share/c.yaml")),
        ("file:relative/c.yaml", None, None),  # no absolute path: no file
        ("file:///home/me/cluster%20%231.yaml", None, P("/home/me/cluster #1.yaml")),
        ("file://localhost/home/me/c.yaml", None, P("/home/me/c.yaml")),
        ("FILE:///home/me/c.yaml", None, P("/home/me/c.yaml")),
        ("vscode-remote://ssh-remote%2Bbastion/home/me/cluster.yaml", None, None),
        ("vscode-remote://wsl%2Bubuntu/home/me/cluster.yaml", None, None),
        ("untitled:Untitled-1", None, None),
        ("git:/home/me/c.yaml?%7B%22ref%22%3A%22HEAD%22%7D", None, None),
        ("file://[::1", None, None),  # not a URI: no path, no exception
    ],
)
def test_uri_to_path(uri: str, on_windows: W | None, on_posix: P | None) -> None:
    assert uri_to_path(uri, windows=True) == on_windows
    assert uri_to_path(uri, windows=False) == on_posix


def test_a_drive_letter_is_printed_in_upper_case() -> None:
    assert str(uri_to_path("file:///c%3A/Users/me/c.yaml", windows=True)) == "C:\\Users\\me\\c.yaml"


def test_the_system_decides_when_not_told(monkeypatch: pytest.MonkeyPatch) -> None:
    uri = "file:///c%3A/Users/me/c.yaml"
    assert uri_to_path(uri) is None  # not Windows here
    monkeypatch.setattr(os, "name", "nt")
    assert str(uri_to_path(uri)) == "C:\\Users\\me\\c.yaml"


def vscode_uri(path: Path) -> str:
    """The URI VS Code gives ``path`` on this system (``vscode-uri``'s ``URI.file``)."""
    text = str(path).replace("\\", "/")
    if os.name == "nt" and text[1:2] == ":":  # drive letter in lower case, colon encoded
        return "file:///" + text[0].lower() + "%3A" + quote(text[2:])
    return "file://" + quote(text)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_mode_reads_the_file_that_vscode_names(tmp_path: Path) -> None:
    root = tmp_path / "my clusters #1"
    root.mkdir()
    committed = cluster("endpoint: r.local\nauthenticate: true")
    (root / "c.yaml").write_text(committed, encoding="utf-8")
    for args in (["init", "-q"], ["add", "c.yaml"], ["commit", "-q", "-m", "old"]):
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.com",
             "-c", "commit.gpgsign=false", *args],
            cwd=root, check=True, capture_output=True,
        )  # fmt: skip
    uri = vscode_uri(root / "c.yaml")
    assert "%20" in uri and "%231" in uri
    path = document_path(uri)
    assert path is not None
    old = head_text(path)
    assert old == committed
    changed = cluster("endpoint: r2.local\nauthenticate: true")
    assert [f.code for f in lint(changed, Options(), old).findings if f.code == "RM023"] == [
        "RM023"
    ]
    assert not any(f.code == "RM023" for f in lint(committed, Options(), old).findings)


def test_native_paths() -> None:
    assert native("clusters/prod/c.yaml", ntpath) == "clusters\\prod\\c.yaml"
    assert native("C:/Users/me/c.yaml", ntpath) == "C:\\Users\\me\\c.yaml"
    assert native("./clusters/c.yaml", posixpath) == "./clusters/c.yaml"


#: ``validate`` text for the spec below: (line:column, severity, code).
EXPECTED = [("19:15", "error", "RM009"), ("20:11", "warning", "RM008")]


def test_validate_reads_crlf_files_and_prints_native_paths(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "clusters"
    folder.mkdir()
    text = cluster("endpoint: https://r.example.com:5000\nport: 443")
    (folder / "crlf.yaml").write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    (folder / "lf.yaml").write_bytes(text.encode("utf-8"))
    monkeypatch.chdir(tmp_path)

    def findings(*args: str) -> list[list[str]]:
        assert main(["validate", "--format", "text", *args]) == 1
        lines = capsys.readouterr().out.splitlines()
        return [line.split(" ", 3)[:3] for line in lines if line.startswith("clusters")]

    crlf, lf = os.path.join("clusters", "crlf.yaml"), os.path.join("clusters", "lf.yaml")
    assert findings("clusters") == [[f"{crlf}:{at}:", sev, code] for at, sev, code in EXPECTED] + [
        [f"{lf}:{at}:", sev, code] for at, sev, code in EXPECTED
    ]
    assert findings("clusters/crlf.yaml") == [
        [f"{crlf}:{at}:", sev, code] for at, sev, code in EXPECTED
    ]
