"""The GitHub Action (``action.yml``) run as a runner runs it: its ``run:`` steps with bash, in a
scratch GitOps repository whose second commit changes a mirror, with the ``GITHUB_*``
variables and files of a pull request (``tests/ci_runner.py``). The job summary is compared
with ``tests/data/action/summary.md`` (the findings, then what each changed spec does to the
nodes against the base commit), the annotations with validate's, and the install step is run
against a release served from disk (``GITHUB_SERVER_URL=file://…``). No network.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from ci_runner import GitHubRun, git, github_run, scratch_repo, tools
from eksa_mirror import __version__
from support import DATA

pytestmark = pytest.mark.e2e

SUMMARY = DATA / "action" / "summary.md"
STEPS = [
    "Install eksa-mirror",
    "Validate (annotations on the diff)",
    "Job summary (findings, node changes of each changed spec)",
    "Result of validate",
]


@pytest.fixture
def pull_request(tmp_path: Path) -> tuple[Path, str, str]:
    tools()
    return scratch_repo(tmp_path)


def names(run: GitHubRun) -> list[str]:
    return [step.name for step in run.steps]


def test_summary_and_annotations(pull_request: tuple[Path, str, str], tmp_path: Path) -> None:
    repo, base, head = pull_request
    run = github_run(repo, base, head, tmp_path, version="preinstalled", paths="clusters").run()
    assert names(run) == STEPS and [s.returncode for s in run.steps] == [0, 0, 0, 0]
    assert run.summary == SUMMARY.read_text(encoding="utf-8")
    annotations = [line for line in run.steps[1].stdout.splitlines() if line.startswith("::")]
    assert [line.split("::")[1] for line in annotations] == [
        "notice file=clusters/dev.yaml,line=12,col=3,endLine=12,endColumn=30,"
        "title=RM020 provider-unsupported",
        "warning file=clusters/mgmt.yaml,line=23,col=11,endLine=23,endColumn=14,"
        "title=RM008 port-not-string",
        "notice file=clusters/mgmt.yaml,line=24,col=19,endLine=24,endColumn=23,"
        "title=RM016 authenticate-credentials",
    ]
    assert annotations[1].endswith(
        "::port is written as the YAML integer 443: the CRD type is"
        " string, so kubectl and GitOps reject it (only the eksctl"
        ' CLI converts it); quote it: "443"'
    )
    assert run.outputs["validate.exit-code"] == "0"


def test_strict_fails_the_job_after_writing_the_summary(
    pull_request: tuple[Path, str, str], tmp_path: Path
) -> None:
    repo, base, head = pull_request
    run = github_run(
        repo, base, head, tmp_path, version="preinstalled", paths="clusters", strict="true"
    ).run()
    assert names(run) == STEPS
    assert [s.returncode for s in run.steps] == [0, 0, 0, 1]
    assert run.outputs["validate.exit-code"] == "1"
    assert run.summary == SUMMARY.read_text(encoding="utf-8")


def test_a_shallow_clone_fetches_the_base_commit(
    pull_request: tuple[Path, str, str], tmp_path: Path
) -> None:
    """actions/checkout clones one commit by default: the summary step fetches the base."""
    repo, base, head = pull_request
    shallow = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth=1", repo.as_uri(), str(shallow)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    with pytest.raises(subprocess.CalledProcessError):
        git(shallow, "cat-file", "-e", f"{base}^{{commit}}")
    run = github_run(shallow, base, head, tmp_path, version="preinstalled", paths="clusters").run()
    assert run.summary == SUMMARY.read_text(encoding="utf-8")


def test_without_the_base_the_summary_says_how_to_get_it(
    pull_request: tuple[Path, str, str], tmp_path: Path
) -> None:
    repo, _, head = pull_request
    missing = "1234567890abcdef1234567890abcdef12345678"
    run = github_run(repo, missing, head, tmp_path, version="preinstalled", paths="clusters").run()
    assert run.summary.endswith(
        f"\nThe base commit {missing} is not in this clone: check out with fetch-depth: 0 to"
        " see the node changes.\n"
    )
    assert "changes on the nodes" not in run.summary


# --- installing -----------------------------------------------------------------------------


def fake_release(root: Path, version: str, target: str, *, corrupt: bool = False) -> Path:
    """A release as release.yml publishes it, served from disk: the archive of the one-folder
    program (here a launcher of this checkout's eksa-mirror, recording its calls; the real
    standalone program has its own tests) and SHA256SUMS."""
    folder = root / "acme" / "eksa-mirror" / "releases" / "download" / f"v{version}"
    program = root / "build" / "eksa-mirror"
    program.mkdir(parents=True)
    launcher = program / "eksa-mirror"
    record = 'echo "$1" >> "$(dirname "$0")/calls"'
    launcher.write_text(f'#!/bin/sh\n{record}\nexec "{sys.executable}" -m eksa_mirror "$@"\n')
    launcher.chmod(0o755)
    folder.mkdir(parents=True)
    archive = folder / f"eksa-mirror-{version}-{target}.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(program, arcname="eksa-mirror")
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    if corrupt:
        digest = "0" * 64
    (folder / "SHA256SUMS").write_text(
        f"{'1' * 64}  eksa-mirror-{version}.vsix\n{digest}  {archive.name}\n"
    )
    return folder


def released(repo: Path, base: str, head: str, tmp: Path, ref: str) -> GitHubRun:
    run = github_run(repo, base, head, tmp, paths="clusters")
    run.env["GITHUB_SERVER_URL"] = (tmp / "server").as_uri()
    run.context.update({"github.action_ref": ref, "github.action_repository": "acme/eksa-mirror"})
    return run


def target() -> str:
    arch = {"X64": "x64", "ARM64": "arm64"}
    from ci_runner import runner_arch

    return f"linux-{arch[runner_arch()]}"


def test_the_tag_s_release_is_downloaded_checked_and_used(
    pull_request: tuple[Path, str, str], tmp_path: Path
) -> None:
    if not sys.platform.startswith("linux") or shutil.which("curl") is None:
        pytest.skip("the release download is tested on Linux with curl")
    repo, base, head = pull_request
    fake_release(tmp_path / "server", __version__, target())
    run = released(repo, base, head, tmp_path, f"v{__version__}").run()
    assert [s.returncode for s in run.steps] == [0, 0, 0, 0]
    calls = (tmp_path / "runner-temp" / "eksa-mirror" / "eksa-mirror" / "calls").read_text()
    assert calls.split() == ["--version", "validate", "validate", "explain", "explain"]
    assert run.summary == SUMMARY.read_text(encoding="utf-8")


def test_a_release_that_does_not_match_sha256sums_is_refused(
    pull_request: tuple[Path, str, str], tmp_path: Path
) -> None:
    if not sys.platform.startswith("linux") or shutil.which("curl") is None:
        pytest.skip("the release download is tested on Linux with curl")
    repo, base, head = pull_request
    fake_release(tmp_path / "server", __version__, target(), corrupt=True)
    run = released(repo, base, head, tmp_path, f"v{__version__}").run()
    assert names(run) == ["Install eksa-mirror"] and run.steps[0].returncode == 1
    assert run.steps[0].stdout == (
        f"::error::eksa-mirror-{__version__}-{target()}.tar.gz does not match the release's"
        " SHA256SUMS\n"
    )
    assert not (tmp_path / "runner-temp" / "eksa-mirror" / "eksa-mirror").exists()


def test_a_branch_or_a_tag_of_another_version_installs_the_checkout(
    pull_request: tuple[Path, str, str], tmp_path: Path
) -> None:
    """Not a release of this checkout's version: the action's own checkout is pip-installed.
    pip is replaced by a recorder here (its install needs the package index)."""
    repo, base, head = pull_request
    fake = tmp_path / "fake-python"
    fake.mkdir()
    record = tmp_path / "python-calls"
    (fake / "python3").write_text(
        f'#!/bin/sh\necho "$@" >> "{record}"\n'
        'if [ "$2" = venv ]; then mkdir -p "$3/bin" && ln -sf "$0" "$3/bin/python"; fi\n'
    )
    (fake / "python3").chmod(0o755)
    for ref in ("main", "v9.9.9", ""):
        run = released(repo, base, head, tmp_path, ref)
        run.env["PATH"] = f"{fake}:{run.env['PATH']}"
        run.steps.clear()
        run.run()
        assert run.steps[0].returncode == 0, run.steps[0]
    venv = tmp_path / "runner-temp" / "eksa-mirror" / "venv"
    from support import REPO

    pip = f"-m pip install --quiet --disable-pip-version-check {REPO}"
    assert record.read_text().splitlines() == [f"-m venv {venv}", pip] * 3


# --- the opt-in registry check ------------------------------------------------------------


def test_check_is_not_run_for_a_fork_and_refused_with_credentials(
    pull_request: tuple[Path, str, str], tmp_path: Path
) -> None:
    repo, base, head = pull_request
    run = github_run(
        repo, base, head, tmp_path, version="preinstalled", paths="clusters", check="true"
    )
    run.context["github.event.pull_request.head.repo.full_name"] = "stranger/clusters"
    run.run()
    check = run.steps[3]
    assert check.name == "Check the registries (opt-in, self-hosted runners)"
    assert (check.returncode, check.stdout) == (
        0,
        "::notice::check: not run for a pull request from a fork (or pull_request_target):"
        " its spec decides which host this runner contacts\n",
    )
    run = github_run(
        repo, base, head, tmp_path, version="preinstalled", paths="clusters", check="true"
    )
    run.context["github.event_name"] = "pull_request_target"
    run.env.update(REGISTRY_USERNAME="robot", REGISTRY_PASSWORD="s3cret-Zq")
    run.run()
    assert run.steps[3].returncode == 1 and "s3cret" not in run.steps[3].stdout
    assert run.steps[3].stdout.startswith("::error::check: refused: registry credentials")
    assert len(run.steps) == 4  # the job stops: validate's result is not reached


def test_check_contacts_each_changed_spec_s_registry(
    pull_request: tuple[Path, str, str], tmp_path: Path
) -> None:
    """On the repository's own pull request: here the registry is a closed loopback port."""
    repo, base, _ = pull_request
    for name in ("mgmt.yaml", "w-1.yaml"):
        spec = repo / "clusters" / name
        text = (
            spec.read_text()
            .replace("10.0.0.5", "127.0.0.1")
            .replace("harbor.lab.internal", "127.0.0.1")
        )
        spec.write_text(text.replace("port: 443", 'port: "9"').replace('port: "8443"', 'port: "9"'))
    git(repo, "commit", "-q", "-am", "loopback")
    run = github_run(
        repo,
        base,
        git(repo, "rev-parse", "HEAD"),
        tmp_path,
        version="preinstalled",
        paths="clusters",
        check="true",
    ).run()
    check = run.steps[3]
    assert check.returncode == 1
    assert "== eksa-mirror check clusters/mgmt.yaml" in check.stdout
    assert "== eksa-mirror check clusters/w-1.yaml" in check.stdout
    assert check.stdout.count("127.0.0.1:9") >= 2
