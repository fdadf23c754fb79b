"""RM023 in the editor (``eksaMirror.upgradeDiff: "git"``): the committed text read by git
as a guest (``core.git.head_text``), cached and read off the event loop (``lsp.baseline``),
judged by the one pipeline (``rules.lint``); and over LSP, a server that keeps answering
while git runs."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from lsprotocol import types

from eksa_mirror.core.git import head_text
from eksa_mirror.lsp.baseline import GitBaseline, document_path
from eksa_mirror.rules.analysis import Options
from eksa_mirror.rules.lint import lint
from rules.helpers import W, body_span, span_of
from support import cluster

from .support import CLIENTS, Doc, started, wait_for

AUTH = "endpoint: r.local\nauthenticate: true"
MOVED = "endpoint: r2.local\nauthenticate: true"
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
posix_only = pytest.mark.skipif(os.name != "posix", reason="a shell script stands in for git")


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c",
         "commit.gpgsign=false", *args],
        cwd=repo, check=True, capture_output=True,
    )  # fmt: skip


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "clusters").mkdir(parents=True)
    git(root, "init", "-q")
    (root / "clusters" / "c.yaml").write_text(cluster(AUTH))
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "old")
    return root


def rm023(text: str, old: str | None) -> list[tuple[str, object, object]]:
    return [(f.code, f.severity, span_of(f)) for f in lint(text, Options(), old).findings
            if f.code == "RM023"]  # fmt: skip


# --- the committed text, and the pipeline given it ------------------------------------------


@needs_git
def test_head_text(repo: Path, tmp_path: Path) -> None:
    path = repo / "clusters" / "c.yaml"
    path.write_text("changed on disk, not committed")
    assert head_text(path) == cluster(AUTH)
    assert head_text(repo / "clusters" / "untracked.yaml") is None
    outside = tmp_path / "outside" / "c.yaml"
    outside.parent.mkdir()
    outside.write_text(cluster(AUTH))
    assert head_text(outside) is None


@needs_git
def test_lint_against_head(repo: Path) -> None:
    old = head_text(repo / "clusters" / "c.yaml")
    assert rm023(cluster(MOVED), old) == [("RM023", W, body_span(0, 0, 8))]
    assert rm023(cluster(AUTH), old) == []
    assert rm023(cluster(MOVED), None) == []


def test_document_path() -> None:
    assert document_path("untitled:Untitled-1") is None
    assert document_path("file:///tmp/c%20one.yaml") == Path("/tmp/c one.yaml")


def test_without_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert head_text(tmp_path / "c.yaml") is None


@posix_only
def test_git_timeout_is_silent(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "git"
    fake.write_text("#!/bin/sh\nexec sleep 5\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    assert head_text(tmp_path / "c.yaml", timeout=0.2) is None


async def test_baseline_cache() -> None:
    calls: list[Path] = []

    def reader(path: Path, timeout: float) -> str | None:
        calls.append(path)
        return f"text {len(calls)}"

    baseline = GitBaseline(ttl=60, reader=reader)
    assert baseline.known(Path("/a")) is None
    assert await baseline.read(Path("/a")) == "text 1"
    assert await baseline.read(Path("/a")) == "text 1"
    assert baseline.known(Path("/a")) == "text 1"
    assert await baseline.read(Path("/b")) == "text 2"
    baseline.clear()
    assert await baseline.read(Path("/a")) == "text 3"
    assert await GitBaseline(ttl=0, reader=reader).read(Path("/a")) == "text 4"


async def test_concurrent_reads_run_git_once() -> None:
    calls: list[Path] = []
    release = asyncio.Event()
    loop = asyncio.get_running_loop()

    def reader(path: Path, timeout: float) -> str | None:
        calls.append(path)
        asyncio.run_coroutine_threadsafe(release.wait(), loop).result()
        return "committed"

    baseline = GitBaseline(reader=reader)
    first = asyncio.ensure_future(baseline.read(Path("/a")))
    second = asyncio.ensure_future(baseline.read(Path("/a")))
    await wait_for(lambda: bool(calls), what="the reader to start")
    assert not first.done()  # the loop runs on while the reader waits
    release.set()
    assert await asyncio.gather(first, second) == ["committed", "committed"]
    assert calls == [Path("/a")]


# --- over LSP ---------------------------------------------------------------------------


def slow_git(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A ``git`` that writes its process id to ``started`` and waits for ``release`` before
    running the real git; the server's environment with it first on ``PATH``."""
    real = shutil.which("git")
    folder = tmp_path / "fakebin"
    folder.mkdir()
    (folder / "git").write_text(
        f'#!/bin/sh\necho $$ > "{tmp_path}/started"\n'
        f'while [ ! -e "{tmp_path}/release" ]; do sleep 0.01; done\nexec "{real}" "$@"\n'
    )
    (folder / "git").chmod(0o755)
    env = {**os.environ, "PATH": f"{folder}{os.pathsep}{os.environ['PATH']}"}
    return tmp_path / "started", env


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@needs_git
@posix_only
@pytest.mark.parametrize("caps", CLIENTS)
async def test_the_server_answers_while_git_runs(caps: str, repo: Path, tmp_path: Path) -> None:
    """While git reads the committed text, a hover is answered (git still running), and
    RM023 arrives once git has answered."""
    started_file, env = slow_git(tmp_path)
    settings = {"upgradeDiff": "git"}
    async with started(caps, settings, {"eksaMirror": settings}, env) as client:
        doc = Doc(client, "c.yaml", cluster(MOVED))
        doc.uri = (repo / "clusters" / "c.yaml").as_uri()
        doc.did_open()
        pending = asyncio.ensure_future(doc.diagnostics())
        await wait_for(started_file.exists, timeout=30, what="git to start")
        await wait_for(lambda: started_file.read_text().strip() != "", what="its pid")
        pid = int(started_file.read_text())
        hover = await asyncio.wait_for(doc.hover(doc.pos("endpoint")), 30)
        assert hover is not None and "endpoint" in str(hover.contents)
        assert alive(pid), "the hover was answered only after git had ended"
        assert not pending.done()
        (tmp_path / "release").touch()
        found = [d for d in await asyncio.wait_for(pending, 30) if d.code == "RM023"]
        line, col, _, end = body_span(0, 0, 8)
        assert [(d.range, d.severity) for d in found] == [
            (types.Range(types.Position(line, col), types.Position(line, end)),
             types.DiagnosticSeverity.Warning)
        ]  # fmt: skip
