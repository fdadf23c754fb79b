"""Git run as a guest in a repository nobody vouched for (``head_text`` for RM023 in the
editor, ``explain --against REV``): a repository's own configuration names programs git would
run (hooks, fsmonitor, pagers, diff and textconv drivers, a partial clone's lazy fetch over
ssh, ``ext::`` or a remote helper). ``run_git`` turns each of them off; docs/security.md.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

#: ``-c`` settings that win over the repository's own (and what it includes), because git
#: reads the command line's last.
GUEST_CONFIG = (
    "core.fsmonitor=false",  # an fsmonitor hook runs whenever the index is read
    f"core.hooksPath={os.devnull}",  # no hook from .git/hooks or a path the repository names
    "log.showSignature=false",  # gpg.program would verify a commit's signature
    "credential.helper=",  # an empty value clears the helpers configured so far
    "gc.auto=0",  # no automatic gc (and its pre-auto-gc hook)
    "maintenance.auto=false",
)
#: The environment's part: no prompt, no lock taken, and no transport at all. An empty
#: ``GIT_ALLOW_PROTOCOL`` allows no protocol whatever ``protocol.<name>.allow`` says, so the
#: lazy fetch of a partial clone runs no ssh command, ``ext::`` command or remote helper
#: (``GIT_NO_LAZY_FETCH``, known to git 2.39.4 and later, stops that fetch itself).
GUEST_ENV = {
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_OPTIONAL_LOCKS": "0",
    "GIT_ALLOW_PROTOCOL": "",
    "GIT_NO_LAZY_FETCH": "1",
}
_NAMES = ("git.exe", "git") if sys.platform == "win32" else ("git",)


def git_program(environ: Mapping[str, str] | None = None) -> str | None:
    """The ``git`` of the absolute folders on ``PATH``: never one in the current folder,
    which Windows would otherwise try first."""
    path = (os.environ if environ is None else environ).get("PATH", "")
    for folder in path.split(os.pathsep):
        if not folder or not os.path.isabs(folder):
            continue
        for name in _NAMES:
            candidate = os.path.join(folder, name)
            if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
                return candidate
    return None


def guest_env(environ: Mapping[str, str]) -> dict[str, str]:
    """``environ`` without any ``GIT_*`` variable (``GIT_DIR``, ``GIT_EXTERNAL_DIFF``,
    ``GIT_CONFIG_PARAMETERS``, ``GIT_SSH_COMMAND``...), plus ``GUEST_ENV``."""
    kept = {k: v for k, v in environ.items() if not k.upper().startswith("GIT_")}
    return {**kept, **GUEST_ENV}


def guest_command(program: str, folder: Path, args: Sequence[str]) -> list[str]:
    """``git --no-pager -c …  -C folder ARGS``."""
    config = [part for setting in GUEST_CONFIG for part in ("-c", setting)]
    return [program, "--no-pager", *config, "-C", str(folder), *args]


def run_git(
    folder: Path, args: Sequence[str], timeout: float
) -> subprocess.CompletedProcess[bytes]:
    """Run a reading git command in ``folder`` as a guest (stdin closed, output captured).

    Raises ``FileNotFoundError`` when git is not installed and ``subprocess.TimeoutExpired``
    after ``timeout`` seconds. Give revisions after ``--end-of-options``."""
    program = git_program()
    if program is None:
        raise FileNotFoundError("git")
    return subprocess.run(
        guest_command(program, folder, args),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=timeout,
        check=False,
        env=guest_env(os.environ),
    )


#: How long ``head_text`` lets git run.
GIT_TIMEOUT = 2.0


def head_text(path: Path, timeout: float = GIT_TIMEOUT) -> str | None:
    """The file's content at ``HEAD`` of its repository, or None (no git, not a repository,
    not committed, timeout, not UTF-8)."""
    try:
        done = run_git(
            path.parent, ["cat-file", "blob", "--end-of-options", f"HEAD:./{path.name}"], timeout
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    try:
        return done.stdout.decode("utf-8")
    except UnicodeDecodeError:
        return None
