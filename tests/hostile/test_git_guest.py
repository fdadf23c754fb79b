"""Git as a guest: a repository whose configuration names programs for git to run.

Each case arms one repository with one way git can be made to run a program (its
``.git/config``, an included file, ``.gitattributes``, a partial clone's lazy fetch, the
``GIT_*`` environment). A control command shows that plain git does run the trap there; then
the two readers eksa-mirror has (``core.git.head_text`` for RM023 in the editor, ``read_revision``
for ``explain --against REV``) must read the committed text, or nothing, and run no trap.
"""

from __future__ import annotations

import os
import pty
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from eksa_mirror.cli.explain_against import read_revision
from eksa_mirror.core import git
from eksa_mirror.core.git import GUEST_CONFIG, guest_command, guest_env, head_text

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None or os.name != "posix",
    reason="needs git and a POSIX shell for the trap scripts",
)

COMMITTED = "apiVersion: v1\nkind: Committed\n"
WORKTREE = "apiVersion: v1\nkind: Edited\n"
_IDENTITY = {
    "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@t", "GIT_CONFIG_NOSYSTEM": "1",
}  # fmt: skip


@dataclass
class Trap:
    """A repository armed with ``name``'s trap; ``fired`` lists the traps that ran."""

    root: Path
    fired_dir: Path
    bin_dir: Path
    env: dict[str, str] = field(default_factory=dict)

    @property
    def file(self) -> Path:
        return self.root / "cluster.yaml"

    def fired(self) -> list[str]:
        return sorted(p.name for p in self.fired_dir.iterdir())

    def reset(self) -> None:
        for marker in self.fired_dir.iterdir():
            marker.unlink()

    def git(self, *args: str, tty: bool = False, check: bool = False, stdin: str = "") -> None:
        """Plain git, as a user would run it (with a terminal when ``tty``)."""
        env = {**os.environ, **_IDENTITY, "PATH": f"{os.environ['PATH']}:{self.bin_dir}"}
        env.update(self.env, GIT_TERMINAL_PROMPT="0")
        if not tty:
            subprocess.run(["git", *args], cwd=self.root, env=env, input=stdin.encode(),
                           capture_output=True, timeout=30, check=check)  # fmt: skip
            return
        main, follower = pty.openpty()
        try:
            subprocess.run(["git", *args], cwd=self.root, env=env, stdin=subprocess.DEVNULL,
                           stdout=follower, stderr=follower, timeout=30, check=check)  # fmt: skip
        finally:
            os.close(follower)
            os.close(main)


def trap_script(folder: Path, name: str, fired: Path) -> str:
    script = folder / f"trap-{name}"
    script.write_text(f'#!/bin/sh\ntouch "{fired / name}"\nexit 0\n')
    script.chmod(0o755)
    return str(script)


def make_repo(tmp_path: Path) -> Trap:
    traps, fired, root = tmp_path / "traps", tmp_path / "fired", tmp_path / "repo"
    for folder in (traps, fired, root):
        folder.mkdir()
    trap = Trap(root, fired, traps)
    trap.git("init", "-q", check=True)
    trap.file.write_text(COMMITTED)
    trap.git("add", "cluster.yaml", check=True)
    trap.git("commit", "-q", "-m", "one", check=True)
    trap.file.write_text(WORKTREE)
    return trap


def configure(trap: Trap, *settings: tuple[str, str]) -> None:
    for key, value in settings:
        trap.git("config", key, value, check=True)


def arm_config(key: str) -> Callable[[Trap], None]:
    def arm(trap: Trap) -> None:
        configure(trap, (key, trap_script(trap.bin_dir, key, trap.fired_dir)))

    return arm


def arm_hooks(hooks_path: bool) -> Callable[[Trap], None]:
    def arm(trap: Trap) -> None:
        hooks = trap.root / "hooks" if hooks_path else trap.root / ".git" / "hooks"
        hooks.mkdir(exist_ok=True)
        for hook in ("pre-commit", "post-index-change", "reference-transaction", "pre-auto-gc"):
            shutil.copy(trap_script(trap.bin_dir, "hook", trap.fired_dir), hooks / hook)
        if hooks_path:
            configure(trap, ("core.hooksPath", str(hooks)))

    return arm


def arm_attributes(kind: str, *keys: str) -> Callable[[Trap], None]:
    """``* diff=evil`` or ``* filter=evil`` in .gitattributes, the driver's keys set to traps."""

    def arm(trap: Trap) -> None:
        (trap.root / ".gitattributes").write_text(f"* {kind}=evil\n")
        for key in keys:
            name = f"{kind}.evil.{key}"
            configure(trap, (name, trap_script(trap.bin_dir, name, trap.fired_dir)))

    return arm


def arm_include(trap: Trap) -> None:
    extra = trap.root.parent / "extra.config"
    script = trap_script(trap.bin_dir, "include", trap.fired_dir)
    extra.write_text(f"[core]\n\tfsmonitor = {script}\n")
    configure(trap, ("include.path", str(extra)))


def arm_signature(trap: Trap) -> None:
    """A commit carrying a (fake) signature, and ``log.showSignature`` with a trap as gpg."""
    raw = subprocess.run(["git", "cat-file", "commit", "HEAD"], cwd=trap.root,
                         capture_output=True, check=True).stdout  # fmt: skip
    header, _, message = raw.partition(b"\n\n")
    signature = b"gpgsig -----BEGIN PGP SIGNATURE-----\n \n x\n -----END PGP SIGNATURE-----"
    signed = header + b"\n" + signature + b"\n\n" + message
    made = subprocess.run(["git", "hash-object", "-t", "commit", "-w", "--stdin"], cwd=trap.root,
                          input=signed, capture_output=True, check=True)  # fmt: skip
    trap.git("update-ref", "HEAD", made.stdout.decode().strip(), check=True)
    configure(trap, ("log.showSignature", "true"),
              ("gpg.program", trap_script(trap.bin_dir, "gpg", trap.fired_dir)))  # fmt: skip


def arm_credential_helper(trap: Trap) -> None:
    script = trap_script(trap.bin_dir, "credential", trap.fired_dir)
    configure(trap, ("credential.helper", f"!{script}"))


def arm_environment(trap: Trap) -> None:
    """The editor's environment names programs through git's own variables."""
    script = trap_script(trap.bin_dir, "environment", trap.fired_dir)
    trap.env = {
        "GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "core.fsmonitor",
        "GIT_CONFIG_VALUE_0": script, "GIT_EXTERNAL_DIFF": script, "GIT_PAGER": script,
        "GIT_CONFIG_PARAMETERS": f"'core.fsmonitor'='{script}'", "GIT_SSH_COMMAND": script,
    }  # fmt: skip


def partial_clone(tmp_path: Path, trap: Trap) -> None:
    """Make ``trap.root`` a blobless clone: reading the committed file fetches it lazily."""
    source = tmp_path / "source"
    shutil.move(trap.root, source)
    subprocess.run(["git", "config", "uploadpack.allowFilter", "true"], cwd=source, check=True)
    subprocess.run(["git", "clone", "-q", "--no-checkout", "--filter=blob:none",
                    source.as_uri(), str(trap.root)], check=True, capture_output=True)  # fmt: skip


def arm_lazy_fetch(url: str, *settings: tuple[str, str]) -> Callable[[Trap], None]:
    def arm(trap: Trap) -> None:
        partial_clone(trap.root.parent, trap)
        script = trap_script(trap.bin_dir, "lazy-fetch", trap.fired_dir)
        armed = [(key, value.replace("TRAP", script)) for key, value in settings]
        configure(trap, ("remote.origin.url", url.replace("TRAP", script)), *armed)

    return arm


def arm_remote_helper(trap: Trap) -> None:
    """``remote.origin.vcs`` picks ``git-remote-evil`` (on PATH), allowed by the repository."""
    partial_clone(trap.root.parent, trap)
    shutil.copy(trap_script(trap.bin_dir, "remote-helper", trap.fired_dir),
                trap.bin_dir / "git-remote-evil")  # fmt: skip
    configure(trap, ("remote.origin.vcs", "evil"), ("protocol.evil.allow", "always"))


@dataclass(frozen=True)
class Case:
    arm: Callable[[Trap], None]
    #: Plain git that runs the trap (the repository really is armed).
    control: tuple[str, ...]
    tty: bool = False
    #: What the readers find: the committed text, or nothing (a lazy fetch that is refused).
    readable: bool = True
    stdin: str = ""


CASES = {
    "core.fsmonitor": Case(arm_config("core.fsmonitor"), ("status",)),
    "hooks in .git/hooks": Case(arm_hooks(False), ("commit", "-q", "--allow-empty", "-m", "x")),
    "core.hooksPath": Case(arm_hooks(True), ("commit", "-q", "--allow-empty", "-m", "x")),
    "core.pager": Case(arm_config("core.pager"), ("log", "-1"), tty=True),
    "pager.cat-file": Case(arm_config("pager.cat-file"), ("cat-file", "-p", "HEAD"), tty=True),
    "pager.show": Case(arm_config("pager.show"), ("show", "HEAD:./cluster.yaml"), tty=True),
    "diff.external": Case(arm_config("diff.external"), ("diff",)),
    "diff driver command": Case(arm_attributes("diff", "command"), ("diff",)),
    "textconv": Case(
        arm_attributes("diff", "textconv"), ("show", "--textconv", "HEAD:./cluster.yaml")
    ),
    "filter smudge/clean/process": Case(
        arm_attributes("filter", "smudge", "clean", "process"), ("checkout", "--", "cluster.yaml")
    ),
    "include.path": Case(arm_include, ("status",)),
    "log.showSignature": Case(arm_signature, ("log", "-1")),
    "credential.helper": Case(
        arm_credential_helper, ("credential", "fill"), stdin="protocol=https\nhost=x.invalid\n\n"
    ),
    "GIT_* environment": Case(arm_environment, ("status",)),
    "lazy fetch: core.sshCommand": Case(
        arm_lazy_fetch("ssh://example.invalid/x", ("core.sshCommand", "TRAP")),
        ("show", "HEAD:./cluster.yaml"), readable=False,
    ),
    "lazy fetch: core.gitProxy": Case(
        arm_lazy_fetch("git://example.invalid/x", ("core.gitProxy", "TRAP")),
        ("show", "HEAD:./cluster.yaml"), readable=False,
    ),
    "lazy fetch: ext:: allowed by the repository": Case(
        arm_lazy_fetch("ext::sh -c TRAP", ("protocol.ext.allow", "always")),
        ("show", "HEAD:./cluster.yaml"), readable=False,
    ),
    "lazy fetch: a remote helper": Case(
        arm_remote_helper, ("show", "HEAD:./cluster.yaml"), readable=False
    ),
}  # fmt: skip


@pytest.fixture(params=list(CASES), ids=list(CASES))
def armed(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Trap, Case]]:
    trap = make_repo(tmp_path)
    case = CASES[request.param]
    case.arm(trap)
    yield trap, case


def test_plain_git_runs_the_trap(armed: tuple[Trap, Case]) -> None:
    """The control: without the guest settings git runs the repository's program."""
    trap, case = armed
    if case.control[0] == "checkout":
        trap.file.unlink()
    trap.git(*case.control, tty=case.tty, stdin=case.stdin)
    assert trap.fired(), f"the control `git {' '.join(case.control)}` ran no trap"


def test_readers_run_no_trap(armed: tuple[Trap, Case], monkeypatch: pytest.MonkeyPatch) -> None:
    trap, case = armed
    monkeypatch.setenv("PATH", f"{os.environ['PATH']}:{trap.bin_dir}")
    for name, value in trap.env.items():
        monkeypatch.setenv(name, value)
    expected = COMMITTED if case.readable else None
    assert head_text(trap.file) == expected
    if case.readable:
        assert read_revision("HEAD", str(trap.file)) == (COMMITTED, "HEAD")
    else:  # the lazy fetch is refused: nothing to compare with
        assert read_revision("HEAD", str(trap.file)) == (
            None,
            "HEAD (where cluster.yaml does not exist)",
        )
    assert trap.fired() == []


def git_version() -> tuple[int, ...]:
    text = subprocess.run(["git", "--version"], capture_output=True, text=True).stdout
    numbers = re.search(r"(\d+)\.(\d+)\.(\d+)", text)
    return tuple(int(n) for n in numbers.groups()) if numbers else (0,)


@pytest.mark.parametrize("dropped", ["GIT_ALLOW_PROTOCOL", "GIT_NO_LAZY_FETCH"])
@pytest.mark.parametrize("case", [name for name in CASES if name.startswith("lazy fetch")])
def test_each_lazy_fetch_guard_holds_alone(
    case: str, dropped: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No transport allowed, and no lazy fetch (git 2.39.4+): either one stops every trap."""
    if dropped == "GIT_ALLOW_PROTOCOL" and git_version() < (2, 39, 4):
        pytest.skip("GIT_NO_LAZY_FETCH is known to git 2.39.4 and later only")
    trap = make_repo(tmp_path)
    CASES[case].arm(trap)
    monkeypatch.setenv("PATH", f"{os.environ['PATH']}:{trap.bin_dir}")
    monkeypatch.delitem(git.GUEST_ENV, dropped)
    assert head_text(trap.file) is None
    assert trap.fired() == []


def test_the_guest_command_line() -> None:
    """What docs/security.md shows: no pager, the overrides, the folder, then the command."""
    command = guest_command("/usr/bin/git", Path("/w"), ["cat-file", "blob", "HEAD:./c.yaml"])
    assert command == [
        "/usr/bin/git", "--no-pager",
        "-c", "core.fsmonitor=false", "-c", f"core.hooksPath={os.devnull}",
        "-c", "log.showSignature=false", "-c", "credential.helper=", "-c", "gc.auto=0",
        "-c", "maintenance.auto=false",
        "-C", "/w", "cat-file", "blob", "HEAD:./c.yaml",
    ]  # fmt: skip
    assert len(GUEST_CONFIG) == 6


def test_the_guest_environment() -> None:
    env = guest_env({"PATH": "/bin", "HOME": "/h", "GIT_DIR": "/x", "git_pager": "y",
                     "GIT_ALLOW_PROTOCOL": "ext"})  # fmt: skip
    assert env == {
        "PATH": "/bin", "HOME": "/h", "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0",
        "GIT_ALLOW_PROTOCOL": "", "GIT_NO_LAZY_FETCH": "1",
    }  # fmt: skip


def test_git_in_the_current_folder_is_never_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A relative PATH entry (``.``, as Windows searches first) is skipped."""
    fired = tmp_path / "fired"
    fired.mkdir()
    trap_script(tmp_path, "git", fired)
    (tmp_path / "trap-git").rename(tmp_path / "git")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PATH", ".")
    assert head_text(tmp_path / "cluster.yaml") is None
    assert list(fired.iterdir()) == []
