"""``validate --fix`` never loses data.

It writes through a temporary file in the same folder and a rename (mode and owner kept),
changes only the spots of safe fixes, changes nothing the second time, and when it cannot
write it says so in one line (exit 2) and leaves the original as it was.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import tempfile
from pathlib import Path

import pytest

from eksa_mirror.cli.main import main
from support import REPO

EXAMPLE = REPO / "examples" / "invalid-mirror.yaml"
#: The example's safe fixes: these lines (1-based) change, nothing else does.
FIXED_LINES = {
    27: '    port: "443"',
    30: "        namespace: curated-packages",
    33: "    authenticate: true",
    35: '    caCertContent: ""',
}


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    path = tmp_path / "cluster.yaml"
    shutil.copyfile(EXAMPLE, path)
    path.chmod(0o640)
    return path


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_only_the_fixed_spots_change(spec: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Unsafe fixes (RM009, RM010) and findings without a fix (RM005) stay as written;
    comments, quoting and layout elsewhere are byte-for-byte the same."""
    before = EXAMPLE.read_bytes().split(b"\n")
    assert main(["validate", "--fix", str(spec)]) == 1
    after = spec.read_bytes().split(b"\n")
    assert len(after) == len(before)
    pairs = enumerate(zip(before, after, strict=True), start=1)
    changed = {number: line.decode() for number, (old, line) in pairs if old != line}
    assert changed == FIXED_LINES
    assert f"{spec}: applied 4 fixes" in capsys.readouterr().out


def test_atomic_write_keeps_mode_and_leaves_no_temporary_file(
    spec: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    renames: list[tuple[str, str]] = []
    real_replace = os.replace

    def replace(src: str, dst: str | Path) -> None:
        renames.append((os.path.basename(src), str(dst)))
        assert Path(src).read_text().count('port: "443"') == 1  # complete before the rename
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    inode = spec.stat().st_ino
    main(["validate", "--fix", str(spec)])
    assert len(renames) == 1
    temporary, target = renames[0]
    assert temporary.startswith(".cluster.yaml.") and temporary.endswith(".tmp")
    assert target == str(spec)
    assert stat.S_IMODE(spec.stat().st_mode) == 0o640
    assert spec.stat().st_ino != inode  # a new file took the old one's place
    assert leftovers(spec.parent) == []
    capsys.readouterr()


def test_fix_twice_changes_nothing_the_second_time(
    spec: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["validate", "--fix", str(spec)])
    once = spec.read_bytes()
    inode = spec.stat().st_ino
    main(["validate", "--fix", str(spec)])
    assert spec.read_bytes() == once
    assert spec.stat().st_ino == inode  # not even rewritten
    assert "applied" not in capsys.readouterr().out.split("\n")[-3]


def test_nothing_safe_to_fix_means_no_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """RM009 and RM010 only have fixes an editor may offer, not --fix: the file is not
    even rewritten."""
    path = tmp_path / "unsafe.yaml"
    path.write_text(
        "apiVersion: anywhere.eks.amazonaws.com/v1alpha1\nkind: Cluster\nmetadata:\n"
        "  name: demo\nspec:\n  registryMirrorConfiguration:\n"
        "    endpoint: https://r.example.com:5000   # a comment\n    port: '443'\n"
        "    ociNamespaces:\n      - registry: docker.io\n        namespace: mirror\n"
    )
    original, info = path.read_bytes(), path.stat()
    assert main(["validate", "--fix", str(path)]) == 1
    assert "RM009" in capsys.readouterr().out
    assert path.read_bytes() == original
    assert (path.stat().st_ino, path.stat().st_mtime_ns) == (info.st_ino, info.st_mtime_ns)


def test_symbolic_link_stays_a_link(spec: Path, capsys: pytest.CaptureFixture[str]) -> None:
    link = spec.parent / "link.yaml"
    link.symlink_to(spec.name)
    main(["validate", "--fix", str(link)])
    assert link.is_symlink()
    assert 'port: "443"' in spec.read_text()
    capsys.readouterr()


@pytest.mark.parametrize(
    ("target", "error"),
    [
        ("tempfile.mkstemp", OSError(errno.ENOSPC, "No space left on device")),
        ("os.fsync", OSError(errno.ENOSPC, "No space left on device")),
        ("os.replace", PermissionError(errno.EACCES, "Permission denied")),
        ("os.chmod", OSError(errno.EROFS, "Read-only file system")),
    ],
)
def test_write_failure_is_one_line_and_keeps_the_original(
    spec: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    target: str,
    error: OSError,
) -> None:
    """A full disk, a read-only file system, a refused rename: simulated in process (root
    writes through file modes, so a read-only file cannot stop it)."""
    module, name = target.split(".")

    def fail(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr({"os": os, "tempfile": tempfile}[module], name, fail)
    original = spec.read_bytes()
    assert main(["validate", "--fix", str(spec)]) == 2
    err = capsys.readouterr().err
    assert err == f"eksa-mirror: {spec}: cannot write: {error.strerror}\n"
    assert spec.read_bytes() == original
    assert leftovers(spec.parent) == []


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX users")
def test_read_only_file_for_a_user(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """As an ordinary user, a 0444 file is refused in one line (exit 2) and left alone.
    Run as root, a forked child becomes nobody first (root may write any file, as sed -i
    does: see docs/security.md)."""
    root = os.geteuid() == 0
    # nobody must reach the file: a folder directly under /tmp, open to all
    folder = Path(tempfile.mkdtemp(dir="/tmp")) if root else tmp_path
    try:
        folder.chmod(0o777)  # a writable folder: only the file's mode stands in the way
        spec = folder / "cluster.yaml"
        shutil.copyfile(EXAMPLE, spec)
        spec.chmod(0o444)
        original = spec.read_bytes()
        err = folder / "stderr.txt"
        pid = os.fork()
        if pid == 0:  # the child: drop to nobody, run the command line, report
            code = 99
            try:
                if root:
                    os.setgid(65534)
                    os.setuid(65534)
                with (
                    err.open("w") as handle,
                    open(os.devnull, "w") as null,
                    contextlib.redirect_stderr(handle),
                    contextlib.redirect_stdout(null),
                ):
                    code = main(["validate", "--fix", str(spec)])
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 2, err.read_text()
        assert err.read_text() == f"eksa-mirror: {spec}: cannot write: permission denied\n"
        assert spec.read_bytes() == original
        assert leftovers(folder) == []
    finally:
        if root:
            shutil.rmtree(folder)
        capsys.readouterr()


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root")
def test_owner_is_kept_when_root_fixes_a_users_file(
    spec: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    os.chown(spec, 65534, 65534)
    main(["validate", "--fix", str(spec)])
    info = spec.stat()
    assert (info.st_uid, info.st_gid) == (65534, 65534)
    assert 'port: "443"' in spec.read_text()
    capsys.readouterr()
