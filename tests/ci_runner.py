"""The CI systems as far as the action and the GitLab example meet them, run locally: a
scratch GitOps repository with a mirror change in a second commit, the composite action's
``run:`` steps run with bash as the GitHub runner runs them (its ``GITHUB_*`` variables and
files, ``GITHUB_PATH`` between steps), and a GitLab job's script with GitLab's ``CI_*``
variables. Commits are dated and signed alike, so their hashes and the summaries are stable.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from e2e_support import missing
from support import DATA, REPO

GOLDEN = DATA / "explain-diff-golden"
EXPRESSION = re.compile(r"\$\{\{\s*(.+?)\s*\}\}")
CONDITION = re.compile(r"^inputs\.([\w-]+) == '([^']*)'$")
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Ops",
    "GIT_AUTHOR_EMAIL": "ops@example.com",
    "GIT_COMMITTER_NAME": "Ops",
    "GIT_COMMITTER_EMAIL": "ops@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def tools() -> None:
    for program in ("bash", "git"):
        if shutil.which(program) is None:
            missing(program, f"install {program}")


def git(repo: Path, *args: str, date: str = "2026-01-05T10:00:00Z") -> str:
    env = {
        **os.environ,
        **GIT_ENV,
        "HOME": str(repo.parent),
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
    }
    done = subprocess.run(
        ["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True, timeout=60
    )
    return done.stdout.strip()


def scratch_repo(root: Path) -> tuple[Path, str, str]:
    """A GitOps repository: the base commit, then a pull request's commit that turns on
    ``authenticate`` for mgmt (with an integer port) and adds the workload cluster w-1.
    Returns the repository, the base and the head commit."""
    repo = root / "clusters-repo"
    (repo / "clusters").mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    shutil.copy(
        GOLDEN / "vsphere-ubuntu-authenticate-on" / "old.yaml", repo / "clusters" / "mgmt.yaml"
    )
    shutil.copy(
        GOLDEN / "docker-port-quoted-packages-disabled" / "new.yaml", repo / "clusters" / "dev.yaml"
    )
    (repo / "clusters" / "flux-config.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: flux\n"
    )
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "clusters")
    base = git(repo, "rev-parse", "HEAD")
    new = (GOLDEN / "vsphere-ubuntu-authenticate-on" / "new.yaml").read_text(encoding="utf-8")
    new = new.replace("    endpoint: 10.0.0.5\n", "    endpoint: 10.0.0.5\n    port: 443\n")
    (repo / "clusters" / "mgmt.yaml").write_text(new, encoding="utf-8")
    shutil.copy(
        GOLDEN / "vsphere-bottlerocket-workload-ca-rotation" / "new.yaml",
        repo / "clusters" / "w-1.yaml",
    )
    git(repo, "add", ".")
    git(
        repo,
        "commit",
        "-q",
        "-m",
        "mirror: authenticate, and the w-1 cluster",
        date="2026-01-06T10:00:00Z",
    )
    return repo, base, git(repo, "rev-parse", "HEAD")


def runner_arch() -> str:
    return {"x86_64": "X64", "amd64": "X64", "aarch64": "ARM64", "arm64": "ARM64"}.get(
        platform.machine().lower(), platform.machine()
    )


@dataclass
class Step:
    name: str
    returncode: int
    stdout: str
    stderr: str


@dataclass
class GitHubRun:
    """The composite action of this repository run by a stand-in for the GitHub runner."""

    workspace: Path
    temp: Path
    inputs: dict[str, str] = field(default_factory=dict)
    #: The values of the ``${{ }}`` expressions the action uses besides ``inputs.*``.
    context: dict[str, str] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)
    outputs: dict[str, str] = field(default_factory=dict)
    summary: str = ""

    def evaluate(self, text: str, inputs: dict[str, str]) -> str:
        def value(match: re.Match[str]) -> str:
            expression = match.group(1)
            if expression.startswith("inputs."):
                return inputs[expression.removeprefix("inputs.")]
            assert expression in self.context, f"action.yml uses {expression!r}: add it here"
            return self.context[expression]

        return EXPRESSION.sub(value, text)

    def condition(self, text: str, inputs: dict[str, str]) -> bool:
        match = CONDITION.match(text.strip())
        assert match, f"action.yml has a condition the test does not read: {text!r}"
        return inputs[match.group(1)] == match.group(2)

    def run(self) -> GitHubRun:
        action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
        assert action["runs"]["using"] == "composite"
        inputs = {
            n: self.evaluate(str(d.get("default", "")), {}) for n, d in action["inputs"].items()
        }
        assert set(self.inputs) <= set(inputs), "an input action.yml does not declare"
        inputs.update(self.inputs)
        path: list[str] = []
        for index, step in enumerate(action["runs"]["steps"]):
            if "if" in step and not self.condition(step["if"], inputs):
                continue
            assert step["shell"] == "bash"
            result = self._step(index, step, inputs, path)
            self.steps.append(result)
            if result.returncode != 0:
                break
        return self

    def _step(
        self, index: int, step: dict[str, Any], inputs: dict[str, str], path: list[str]
    ) -> Step:
        files = {
            name: self.temp / f"{name.lower()}-{index}"
            for name in (
                "GITHUB_OUTPUT",
                "GITHUB_ENV",
                "GITHUB_PATH",
                "GITHUB_STEP_SUMMARY",
                "GITHUB_STATE",
            )
        }
        for file in files.values():
            file.write_text("", encoding="utf-8")
        env = {**self.env, **{k: str(v) for k, v in files.items()}}
        env.update({k: self.evaluate(str(v), inputs) for k, v in step.get("env", {}).items()})
        env["PATH"] = os.pathsep.join([*path, self.env["PATH"]])
        script = self.temp / f"step-{index}.sh"
        script.write_text(self.evaluate(step["run"], inputs), encoding="utf-8")
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=self.workspace,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        path[:0] = reversed(files["GITHUB_PATH"].read_text(encoding="utf-8").splitlines())
        for line in files["GITHUB_OUTPUT"].read_text(encoding="utf-8").splitlines():
            name, _, value = line.partition("=")
            self.outputs[f"{step.get('id', index)}.{name}"] = value
        self.summary += files["GITHUB_STEP_SUMMARY"].read_text(encoding="utf-8")
        return Step(step["name"], done.returncode, done.stdout, done.stderr)


def github_run(repo: Path, base: str, head: str, tmp: Path, **inputs: str) -> GitHubRun:
    """The action on a pull request of ``repo`` (head ``head``, base ``base``)."""
    temp = tmp / "runner-temp"
    temp.mkdir(exist_ok=True)
    event = {
        "pull_request": {
            "number": 7,
            "base": {"sha": base, "ref": "main"},
            "head": {"sha": head, "ref": "mirror-change", "repo": {"full_name": "acme/clusters"}},
        }
    }
    (tmp / "event.json").write_text(json.dumps(event), encoding="utf-8")
    keep = {k: v for k, v in os.environ.items() if k in ("HOME", "LANG", "SYSTEMROOT")}
    keep["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])
    env = {
        **keep,
        **GIT_ENV,
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": str(repo),
        "GITHUB_REPOSITORY": "acme/clusters",
        "GITHUB_REPOSITORY_OWNER": "acme",
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_EVENT_PATH": str(tmp / "event.json"),
        "GITHUB_SHA": head,
        "GITHUB_REF": "refs/pull/7/merge",
        "GITHUB_HEAD_REF": "mirror-change",
        "GITHUB_BASE_REF": "main",
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_API_URL": "https://api.github.com",
        "GITHUB_RUN_ID": "1",
        "GITHUB_ACTION_PATH": str(REPO),
        "RUNNER_OS": "Linux",
        "RUNNER_ARCH": runner_arch(),
        "RUNNER_TEMP": str(temp),
        "PYTHONIOENCODING": "utf-8",
    }
    context = {
        "github.action_path": str(REPO),
        "github.action_ref": "",
        "github.action_repository": "",
        "github.event.pull_request.base.sha || github.event.before": base,
        "github.event_name": "pull_request",
        "github.event.pull_request.head.repo.full_name": "acme/clusters",
        "steps.validate.outputs.exit-code": "",
    }
    return GitHubRun(repo, temp, inputs=inputs, context=context, env=env)


def gitlab_job(text: str, name: str) -> dict[str, Any]:
    """One job of a ``.gitlab-ci.yml`` text."""
    jobs: dict[str, Any] = yaml.safe_load(text)
    return dict(jobs[name])


def run_gitlab_script(
    job: dict[str, Any], repo: Path, variables: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """``before_script`` and ``script`` in one bash session that stops at the first failing
    command, as GitLab Runner's shell executor runs them, with the job's variables."""
    lines = [*job.get("before_script", []), *job["script"]]
    keep = {k: v for k, v in os.environ.items() if k in ("HOME", "LANG", "VIRTUAL_ENV")}
    keep["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])
    env = {
        **keep,
        **GIT_ENV,
        **{k: str(v) for k, v in job.get("variables", {}).items()},
        **variables,
    }
    script = repo.parent / "gitlab-job.sh"
    script.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if shutil.which("bash") is None:
        pytest.skip("bash is not installed")
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
