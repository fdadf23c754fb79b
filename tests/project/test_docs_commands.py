"""The commands of README.md and docs/*.md, run as a user would run them.

Every shell block and every transcript (a block that shows ``$ command`` and what it prints) is
listed below, by file and first line: run here, or skipped with the reason (network, a release's
files, a registry, minutes of work, or another test that runs it). A new block fails
``test_every_block_is_listed`` until it is given one or the other. A transcript runs in bash in
the repository's root, or in a scratch folder holding the files it names, and its output must
be the one shown (a line ``...`` stands for any lines). Programs that would need the network
or minutes of work are replaced by stubs that record how they were called, each said below.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from support import DATA, REPO, run_cli

from .docs_text import Block, command_lines, shell_blocks, transcripts

MUTATION = "MUTATE='src/eksa_mirror/rules/*\", \"src/eksa_mirror/core/*'"
ON_RELEASE = "needs the files of a release (none exists before 0.1.0, README's Install says so)"
#: Each shell block: why it is not run here, or None when a test below runs it.
SHELL_BLOCKS: dict[tuple[str, str], str | None] = {
    ("README.md", "pip install . && eksa-mirror validate examples/"): None,
    ("README.md", "bash scripts/test"): "the whole suite: this test is part of it",
    ("README.md", "pipx run eksa-mirror validate clusters/ --strict"): (
        "downloads eksa-mirror from PyPI (network, and not there before the first release); "
        "its options are checked against the parser by test_docs_names.py"
    ),
    ("README.md", "sha256sum --check --ignore-missing SHA256SUMS"): ON_RELEASE,
    ("README.md", "pip download eksa-mirror -d eksa-mirror-wheels"): (
        "downloads from PyPI (network); the --platform tags were checked by hand against "
        "PyPI's wheels of cffi, rpds-py and cryptography"
    ),
    ("README.md", "python3 -m venv ~/.venvs/eksa-mirror"): (
        "installs from the folder the pip download above fills (network)"
    ),
    ("README.md", 'pip install -e ".[dev]"'): (
        "installs from PyPI (network); test_the_development_checks_are_the_ci_checks holds its "
        "checks to .ci/run"
    ),
    ("docs/architecture.md", MUTATION): None,
    ("docs/standalone.md", "bash scripts/build-standalone"): (
        "PyInstaller takes minutes: tests/e2e/test_standalone.py builds and runs the program"
    ),
    ("docs/standalone.md", "tar -C dist -czf eksa-mirror-linux-x64.tar.gz eksa-mirror"): (
        "needs dist/eksa-mirror from build-standalone and root for /opt and /usr/local/bin"
    ),
    ("docs/standalone.md", "bash scripts/package-vsix"): (
        "npm and vsce: tests/e2e/vscode/ packages the extensions and runs them in code-server"
    ),
}
#: Each transcript: why it is not run here, or the files it reads (the name it uses: the
#: repository's file), copied into a scratch folder it runs in (none: the repository's root).
TRANSCRIPTS: dict[tuple[str, str], str | dict[str, Path]] = {
    ("README.md", "$ eksa-mirror validate examples/"): {},
    ("docs/check.md", "$ eksa-mirror check cluster.yaml"): (
        "contacts a registry: tests/e2e/test_registry_check.py holds these lines to real ones"
    ),
    (
        "docs/check.md",
        "$ eksa-mirror check cluster.yaml --images --bundle eks-anywhere-downloads",
    ): "contacts a registry: tests/e2e/test_check_images.py holds this report to a real one",
    ("docs/check.md", "$ eksa-mirror explain cluster.yaml"): {
        "cluster.yaml": DATA / "specs" / "empty-oci-registry.yaml"
    },
    ("docs/check.md", "$ eksa-mirror explain examples/explain-ubuntu.yaml"): {},
    ("docs/check.md", "$ eksa-mirror explain new.yaml --against old.yaml"): {
        name: DATA / "explain-diff-golden" / "vsphere-bottlerocket-workload-ca-rotation" / name
        for name in ("old.yaml", "new.yaml")
    },
}


def bash() -> str:
    found = shutil.which("bash")
    if sys.platform == "win32" or found is None:
        pytest.skip("the documented commands are POSIX shell; bash runs them on Linux and macOS")
    return found


def stub(folder: Path, name: str, script: str = "") -> Path:
    """A program ``name`` on ``folder`` that logs its arguments to ``folder/name.log``."""
    folder.mkdir(exist_ok=True)
    program = folder / name
    log = folder / f"{name}.log"
    program.write_text(f'#!/usr/bin/env bash\necho "$*" >> "{log}"\n{script}', encoding="utf-8")
    program.chmod(0o755)
    return log


def run_block(text: str, cwd: Path, stubs: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``text`` run by bash in ``cwd``, with this checkout's eksa-mirror first on ``PATH``
    (after the stubs) and none of the caller's CI, EKS-A or registry variables."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GITHUB_", "EKSA_", "REGISTRY_", "MUTAT", "NAMES_FILE", "SAMPLE"))
        and k != "MAX_CHILDREN"
    }
    scripts = sysconfig.get_path("scripts")
    env["PATH"] = os.pathsep.join(
        [*([str(stubs)] if stubs else []), scripts, str(Path(sys.executable).parent), env["PATH"]]
    )
    env["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run(
        [bash(), "-e", "-c", text],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def shown_output_matches(shown: str, printed: str) -> bool:
    """``printed`` is ``shown``, where a line ``...`` in ``shown`` stands for any lines."""
    parts = shown.split("...\n")
    if len(parts) == 1:
        return printed == shown
    if not (printed.startswith(parts[0]) and printed.endswith(parts[-1])):
        return False
    at = len(parts[0])
    for middle in parts[1:-1]:
        found = printed.find(middle, at)
        if found < 0:
            return False
        at = found + len(middle)
    return at <= len(printed) - len(parts[-1])


# --------------------------------------------------------------------------- the lists


def test_every_block_is_listed() -> None:
    """A new block gets a decision here (run, or skipped with a reason); a gone one goes."""
    assert sorted(b.key for b in shell_blocks()) == sorted(SHELL_BLOCKS)
    assert sorted(b.key for b in transcripts()) == sorted(TRANSCRIPTS)
    assert [k for k, why in SHELL_BLOCKS.items() if not why and k not in RUNNERS] == []
    assert [k for k, why in TRANSCRIPTS.items() if why == ""] == []


def block(key: tuple[str, str], found: list[Block]) -> Block:
    return next(b for b in found if b.key == key)


@pytest.mark.parametrize("key", list(TRANSCRIPTS), ids=[k[1][2:] for k in TRANSCRIPTS])
def test_transcript_prints_what_the_docs_show(key: tuple[str, str], tmp_path: Path) -> None:
    files = TRANSCRIPTS[key]
    if isinstance(files, str):
        pytest.skip(files)
    command, _, shown = block(key, transcripts()).text.partition("\n")
    for name, source in files.items():
        shutil.copyfile(source, tmp_path / name)
    done = run_block(command.removeprefix("$ "), tmp_path if files else REPO)
    assert done.stderr == ""
    assert shown_output_matches(shown, done.stdout), done.stdout


# --------------------------------------------------------------------------- README


def quick_start(text: str, tmp_path: Path) -> None:
    """``pip install .`` is a stub (the suite runs from this checkout, installed by
    scripts/test; installing again needs the network): the rest runs as written."""
    log = stub(tmp_path / "bin", "pip")
    done = run_block(text, REPO, tmp_path / "bin")
    assert log.read_text() == "install .\n"
    assert done.returncode == 1, done.stderr  # the invalid example: as CI would fail
    shown = block(("README.md", "$ eksa-mirror validate examples/"), transcripts()).text
    assert shown_output_matches(shown.partition("\n")[2], done.stdout)


def test_the_development_checks_are_the_ci_checks() -> None:
    """The README's lint and type checks are the ones .ci/run (CI) runs, word for word."""
    key = ("README.md", 'pip install -e ".[dev]"')
    documented = command_lines(block(key, shell_blocks()))[1:]
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    ci_commands = {line.strip() for line in ci}
    for line in documented:
        for command in line.split(" && "):
            if command.startswith(("bash scripts/test", "python -m pytest")):
                continue  # the suite, which .ci/run runs through scripts/test
            assert command in ci_commands, f"{command!r} is not what .ci/run runs"


# --------------------------------------------------------------------------- architecture.md

FAKE_RESULTS = """\
printf '    eksa_mirror.rules.values.check__mutmut_1: survived\\n'
printf '    eksa_mirror.rules.values.check__mutmut_2: killed\\n'
printf '    eksa_mirror.core.source.parse__mutmut_1: survived\\n'
"""


def mutation(text: str, tmp_path: Path) -> None:
    """architecture.md's mutation commands in a scratch checkout (the repository's folders
    linked in) with a stub ``mutmut``: a real run takes hours; the stub records what
    scripts/mutation asks of it and lists three mutants, two of them survivors."""
    if subprocess.run([bash(), "-c", "type mapfile"], capture_output=True).returncode:
        pytest.skip("scripts/mutation needs bash 4 or newer (mapfile); this bash is older")
    root = tmp_path / "checkout"
    root.mkdir()
    for name in ("scripts", "server", "tests", "schema", "examples", "docs"):
        (root / name).symlink_to(REPO / name, target_is_directory=True)
    for name in ("pyproject.toml", ".pre-commit-hooks.yaml"):
        (root / name).symlink_to(REPO / name)
    script = 'if [ "$1" = results ]; then\n' + FAKE_RESULTS + "fi\n"
    log = stub(tmp_path / "bin", "mutmut", script)
    done = run_block(text, root, tmp_path / "bin")
    assert done.returncode == 0, done.stderr
    assert log.read_text().splitlines() == [
        "run --max-children 2 none",  # NAMES_FILE=nomatch: a name that matches nothing
        "results --all true",  # SAMPLE=400: the list, then a sample of each package
        "run --max-children 2 eksa_mirror.core.source.parse__mutmut_1 "  # random.Random(12)
        "eksa_mirror.rules.values.check__mutmut_2 eksa_mirror.rules.values.check__mutmut_1",
        "results",  # ... > survivors
        "run --max-children 2 eksa_mirror.rules.values.check__mutmut_1 "
        "eksa_mirror.core.source.parse__mutmut_1",
    ]
    settings = (root / ".mutation" / "pyproject.toml").read_text(encoding="utf-8")
    assert 'only_mutate = ["src/eksa_mirror/rules/*", "src/eksa_mirror/core/*"]' in settings


RUNNERS = {
    ("README.md", "pip install . && eksa-mirror validate examples/"): quick_start,
    ("docs/architecture.md", MUTATION): mutation,
}


@pytest.mark.parametrize("key", list(SHELL_BLOCKS), ids=[k[1] for k in SHELL_BLOCKS])
def test_shell_block(key: tuple[str, str], tmp_path: Path) -> None:
    """Each shell block runs as written (with the stubs its runner names), or is skipped with
    the reason SHELL_BLOCKS gives."""
    reason = SHELL_BLOCKS[key]
    if reason:
        pytest.skip(reason)
    RUNNERS[key](block(key, shell_blocks()).text, tmp_path)


# --------------------------------------------------------------------------- editors.md

NUMBERS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def test_editors_md_counts_the_diagnostics_of_the_example() -> None:
    """What docs/editors.md measured beside yaml-language-server on the invalid example: as
    many eksa-mirror diagnostics as validate prints findings for it."""
    text = " ".join((REPO / "docs" / "editors.md").read_text(encoding="utf-8").split())
    said = re.findall(r"The (\w+) eksa-mirror diagnostics", text)
    done = run_cli("validate", "--format", "json", str(REPO / "examples" / "invalid-mirror.yaml"))
    assert said == [NUMBERS[len(json.loads(done.stdout))]]
