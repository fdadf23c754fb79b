"""``explain NEW --against OLD`` beyond the golden facts: OLD as a Git revision, the rendered
text and Markdown (byte for byte, tests/data/explain-diff-golden/<case>/expected-output.*),
the follow-up steps of each direction of a change, and one-line failures."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from eksa_mirror.explain.ca_text import ca_summary
from eksa_mirror.explain.changes import Side, diff_views
from eksa_mirror.explain.follow_ups import follow_ups
from eksa_mirror.explain.sides import read_side
from support import DATA

from .helpers import run_explain

GOLDEN = DATA / "explain-diff-golden"
AUTH_ON = GOLDEN / "vsphere-ubuntu-authenticate-on"
CA_ROTATION = GOLDEN / "vsphere-bottlerocket-workload-ca-rotation"


def explain(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_explain(*args, cwd=cwd)


def git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=cwd, check=True, capture_output=True, timeout=60,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("case", "fmt", "golden"),
    [
        (CA_ROTATION, "text", "expected-output.txt"),
        (CA_ROTATION, "markdown", "expected-output.md"),
        (AUTH_ON, "text", "expected-output.txt"),
        (AUTH_ON, "markdown", "expected-output.md"),
    ],
)
def test_rendered_output(case: Path, fmt: str, golden: str) -> None:
    result = explain("new.yaml", "--against", "old.yaml", "--format", fmt, cwd=case)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == (case / golden).read_text(encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed: OLD as a Git revision needs it")
    (tmp_path / "clusters").mkdir()
    shutil.copy(AUTH_ON / "old.yaml", tmp_path / "clusters" / "mgmt.yaml")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "old")
    shutil.copy(AUTH_ON / "new.yaml", tmp_path / "clusters" / "mgmt.yaml")
    return tmp_path


def test_against_a_git_revision_reads_the_file_there(repo: Path) -> None:
    by_file = explain("new.yaml", "--against", "old.yaml", cwd=AUTH_ON).stdout
    result = explain("clusters/mgmt.yaml", "--against", "HEAD", cwd=repo)
    assert result.returncode == 0
    assert result.stdout.splitlines()[0] == "Changes on the nodes from HEAD to clusters/mgmt.yaml"
    assert (
        result.stdout.splitlines()[1:]
        == by_file.replace("  new.yaml:23:5:", "  clusters/mgmt.yaml:23:5:").splitlines()[1:]
    )
    inside = explain("mgmt.yaml", "--against", "HEAD", cwd=repo / "clusters")
    assert inside.stdout == result.stdout.replace("clusters/mgmt.yaml", "mgmt.yaml")


def test_a_file_the_revision_lacks_is_compared_with_no_mirror(repo: Path) -> None:
    shutil.copy(AUTH_ON / "new.yaml", repo / "clusters" / "w-1.yaml")
    result = explain("clusters/w-1.yaml", "--against", "HEAD", cwd=repo)
    lines = result.stdout.splitlines()
    assert result.returncode == 0
    assert lines[:2] == [
        "Changes on the nodes from HEAD (where w-1.yaml does not exist) to clusters/w-1.yaml",
        "Registry mirror (no registry mirror) → 10.0.0.5:443 (vSphere; OS families: ubuntu)",
    ]
    assert "  added /etc/containerd/certs.d/public.ecr.aws/hosts.toml" in lines
    assert "Not supported on upgrade (RM023)" not in lines
    assert "Follow-up steps" not in lines  # a new cluster's packages get the new spec


@pytest.mark.parametrize("rev", ["no-such-branch", "--output=/tmp/x", "HEAD~5"])
def test_a_bad_revision_is_one_line(repo: Path, rev: str) -> None:
    result = explain("clusters/mgmt.yaml", f"--against={rev}", cwd=repo)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"eksa-mirror explain: --against {rev}: neither a file nor a Git revision of the"
        " repository of clusters/mgmt.yaml\n"
    )


def test_outside_a_repository_a_missing_old_file_is_one_line(tmp_path: Path) -> None:
    shutil.copy(AUTH_ON / "new.yaml", tmp_path / "new.yaml")
    result = explain("new.yaml", "--against", "gone.yaml", cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("eksa-mirror explain: --against gone.yaml: neither a file")


def test_no_mirror_on_either_side_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("kind: ConfigMap\n", encoding="utf-8")
    result = explain("a.yaml", "--against", "a.yaml", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (
        2,
        "eksa-mirror explain: a.yaml: no EKS Anywhere Cluster with a registryMirrorConfiguration,"
        " here or in a.yaml\n",
    )


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_a_spec_eksa_refuses_is_not_compared(tmp_path: Path, fmt: str) -> None:
    """As ``explain`` does: the errors that make EKS-A refuse NEW, nothing rendered, exit 1."""
    new = (AUTH_ON / "new.yaml").read_text(encoding="utf-8")
    (tmp_path / "new.yaml").write_text(new.replace("10.0.0.5", '""'), encoding="utf-8")
    shutil.copy(AUTH_ON / "old.yaml", tmp_path / "old.yaml")
    result = explain("new.yaml", "--against", "old.yaml", "--format", fmt, cwd=tmp_path)
    assert (result.returncode, result.stderr) == (1, "")
    assert (
        result.stdout
        == {
            "text": "new.yaml:22:15: error RM001 no value set for"
            " RegistryMirrorConfiguration.Endpoint\n"
            "EKS Anywhere refuses this spec (1 error): nothing is rendered\n",
            "markdown": "#### `new.yaml`: EKS Anywhere refuses this spec, nothing is rendered\n\n"
            "- ❌ line 22: RM001 no value set for RegistryMirrorConfiguration.Endpoint\n",
        }[fmt]
    )


def test_markdown_alone_compares_with_no_mirror() -> None:
    result = explain("new.yaml", "--format", "markdown", cwd=AUTH_ON)
    assert result.returncode == 0
    assert result.stdout.startswith(
        "#### `new.yaml`: changes on the nodes from no registry mirror\n"
    )
    assert "- added `/etc/containerd/certs.d/10.0.0.5:443/hosts.toml`" in result.stdout


# --- the follow-up steps in each direction ----------------------------------------------


def sides(case: Path) -> tuple[Side, Side]:
    old = read_side((case / "old.yaml").read_text(encoding="utf-8"))
    new = read_side((case / "new.yaml").read_text(encoding="utf-8"))
    return old, new


def test_a_removed_ca_deletes_the_key() -> None:
    old, new = sides(CA_ROTATION)
    assert new.config is not None
    without_ca = replace(new, config=replace(new.config, ca_cert_content=""))
    (step,) = follow_ups(old, without_ca)
    assert step.id == "packages-ca" and "The CA is removed, so delete that key" in step.text
    assert step.command == (
        "kubectl -n eksa-packages patch secret registry-mirror-cred --type json"
        ' -p \'[{"op":"remove","path":"/data/w-1_ca.crt"}]\''
    )


def test_a_ca_added_needs_no_key_step() -> None:
    """The controller adds a missing key itself (CertInjector), from registry-mirror-secret."""
    old, new = sides(CA_ROTATION)
    assert old.config is not None
    without_ca = replace(old, config=replace(old.config, ca_cert_content=""))
    assert follow_ups(without_ca, new) == ()


def test_insecure_turned_off_deletes_the_key() -> None:
    old, new = sides(GOLDEN / "cloudstack-insecure-on")
    steps = {s.id: s for s in follow_ups(new, old)}
    assert sorted(steps) == ["packages-insecure", "packages-mirror-settings"]
    assert steps["packages-insecure"].text.endswith(": delete it.")
    assert steps["packages-insecure"].command.endswith(
        '--type json -p \'[{"op":"remove","path":"/data/mgmt_insecure"}]\''
    )


def test_before_v0_20_the_cli_does_not_update_the_packages_either() -> None:
    old, _new = sides(AUTH_ON)
    text = (AUTH_ON / "new.yaml").read_text(encoding="utf-8").replace("v0.26.1", "v0.19.2")
    (step,) = follow_ups(old, read_side(text))
    assert "does not update it before v0.20.0 either" in step.text


def test_packages_disabled_or_equal_mirrors_need_nothing() -> None:
    old, new = sides(AUTH_ON)
    assert follow_ups(old, Side(new.view, new.config, "mgmt", "", packages=False)) == ()
    assert follow_ups(new, new) == ()
    assert diff_views(new, new).empty


def test_ca_summary() -> None:
    config = sides(GOLDEN / "cloudstack-insecure-on")[0].config
    assert config is not None
    ca = config.ca_cert_content
    assert ca_summary(ca) == (
        "CN=Lab Mirror CA 2024, valid until 2034-01-01, SHA-256 96:12:A3:63:60:CF:9D:13…"
    )
    assert ca_summary(ca + "\n" + ca).count("CN=Lab Mirror CA 2024") == 2
    assert ca_summary("") == "(empty)"
    key = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n"
    assert ca_summary(ca + key) == "<contains a private key: not shown>"
    assert ca_summary("not a cert").startswith("not a PEM certificate (SHA-256 of the text ")
