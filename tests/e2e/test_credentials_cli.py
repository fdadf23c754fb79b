"""The attacker's spec on the command line and in the GitHub Action.

``eksa-mirror check FILE`` sends REGISTRY_USERNAME/REGISTRY_PASSWORD to the endpoint of the
file the user named, as EKS Anywhere does, and says so; the action's opt-in check refuses
to run with credentials for a spec that may be a stranger's. ``Attacker`` (``attacker.py``)
counts the requests that carried the credentials.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from attacker import CREDS, PASSWORD, Attacker, attacker_spec
from test_check_images import downloads, spec_text
from tls_servers import TlsRegistry, TlsSetup

from ci_runner import git, github_run, scratch_repo, tools
from eksa_mirror.core.mirror import MirrorConfig
from eksa_mirror.probe import Status, run_check
from support import Cert, issue, run_cli

pytestmark = pytest.mark.e2e


def spec_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "cluster.yaml"
    path.write_text(text)
    return path


def test_check_sends_them_to_the_named_file_s_endpoint_and_says_so(
    attacker: Attacker, attacker_pki: tuple[Cert, Cert], tmp_path: Path
) -> None:
    spec = spec_file(tmp_path, attacker_spec(attacker.port, attacker_pki[0].pem))
    origin = f"https://127.0.0.1:{attacker.port}"
    result = run_cli("check", str(spec), env=CREDS)
    assert (result.returncode, result.stderr) == (1, "")
    assert PASSWORD not in result.stdout
    lines = result.stdout.splitlines()
    assert lines[-2:] == [
        f"Credentials: REGISTRY_USERNAME/REGISTRY_PASSWORD sent to {origin} and nowhere else",
        f"Verdict: 1 problem found: 127.0.0.1:{attacker.port} is not ready for EKS Anywhere",
    ]
    assert attacker.credentials == 1
    result = run_cli("check", str(spec), "--format", "json", env=CREDS)
    assert json.loads(result.stdout)["credentials_sent_to"] == [origin]
    assert attacker.credentials == 2


def test_check_images_says_where_the_login_went(
    attacker: Attacker, attacker_pki: tuple[Cert, Cert], tmp_path: Path
) -> None:
    """``check --images``: the same login, named in the images part; no reference is asked
    for once the login failed."""
    bundle = downloads(tmp_path / "eks-anywhere-downloads", ("1.31",), {})
    text = spec_text(attacker.port, attacker_pki[0], versions=("1.31", "1.31"), namespaces="")
    spec = spec_file(tmp_path, text)
    result = run_cli("check", str(spec), "--images", "--bundle", str(bundle), env=CREDS)
    origin = f"https://127.0.0.1:{attacker.port}"
    assert result.returncode == 1 and PASSWORD not in result.stdout
    assert (
        f"    credentials REGISTRY_USERNAME/REGISTRY_PASSWORD sent to {origin} only"
        in result.stdout.splitlines()
    )
    assert "Credentials:" not in result.stdout  # said once, in the images part
    assert (attacker.credentials, {r.path for r in attacker.received}) == (1, {"/v2/"})
    result = run_cli("check", str(spec), "--images", "--bundle", str(bundle), "--format", "json",
                     env=CREDS)  # fmt: skip
    data = json.loads(result.stdout)
    assert data["credentials_sent_to"] == data["images"]["credentials_sent_to"] == [origin]


@pytest.mark.parametrize(
    ("env", "edit", "why"),
    [
        ({}, None, "✗ auth         please set REGISTRY_USERNAME env var"),
        (CREDS, ("    authenticate: true\n", ""),
         "- auth         not checked: authenticate is not set"),
    ],
    ids=["no credentials in the environment", "authenticate not set"],
)  # fmt: skip
def test_check_sends_nothing_without_a_login_to_make(
    attacker: Attacker,
    attacker_pki: tuple[Cert, Cert],
    tmp_path: Path,
    env: dict[str, str],
    edit: tuple[str, str] | None,
    why: str,
) -> None:
    text = attacker_spec(attacker.port, attacker_pki[0].pem)
    spec = spec_file(tmp_path, text.replace(*edit) if edit else text)
    result = run_cli("check", str(spec), env=env)
    assert why in result.stdout.splitlines()
    assert "Credentials:" not in result.stdout
    assert (attacker.requests > 0, attacker.credentials) == (True, 0)


def test_check_never_sends_them_to_a_server_it_cannot_verify(
    attacker: Attacker, tmp_path: Path
) -> None:
    """The spec's CA does not vouch for the server: check stops before any request."""
    other_ca = issue("another CA", ca=True)
    spec = spec_file(tmp_path, attacker_spec(attacker.port, other_ca.pem))
    result = run_cli("check", str(spec), env=CREDS)
    assert result.returncode == 1
    assert "Credentials:" not in result.stdout
    assert (attacker.requests, attacker.credentials) == (0, 0)


def test_withheld_credentials_still_list_the_projects_of_an_open_registry(
    attacker_pki: tuple[Cert, Cert], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The editor's "Check without credentials" on a registry whose /v2/ needs no login."""
    for name, value in CREDS.items():
        monkeypatch.setenv(name, value)
    with TlsRegistry(TlsSetup((attacker_pki[1],)), tmp_path / "open") as server:
        cfg = MirrorConfig("127.0.0.1", str(server.port), ca_cert_content=attacker_pki[0].pem,
                           authenticate=True)  # fmt: skip
        report = run_check(cfg, withhold="you chose to check without credentials")
    steps = {s.name: (s.status, s.message) for s in report.steps}
    assert steps["auth"] == (
        Status.WARN,
        f"REGISTRY_USERNAME/REGISTRY_PASSWORD not sent to 127.0.0.1:{server.port}: you chose to"
        " check without credentials; the login was not checked",
    )
    assert steps["projects"][0] is Status.OK
    assert (report.unverified, report.credentials_sent_to) == (("login",), ())
    assert report.verdict == (
        "no problem found, but login was not verified (1 warning): it is not known whether"
        f" 127.0.0.1:{server.port} is usable by EKS Anywhere"
    )


def test_a_token_service_elsewhere_gets_them_only_when_allowed_and_is_named(
    attacker_pki: tuple[Cert, Cert], tmp_path: Path
) -> None:
    with Attacker(attacker_pki[1], tmp_path / "realm") as realm:
        challenge = f'Bearer realm="https://127.0.0.1:{realm.port}/token",service="x"'
        with Attacker(attacker_pki[1], tmp_path / "mirror", challenge=challenge) as mirror:
            spec = spec_file(tmp_path, attacker_spec(mirror.port, attacker_pki[0].pem))
            result = run_cli("check", str(spec), env=CREDS)
            assert (realm.requests, mirror.credentials) == (0, 0)
            assert "Credentials:" not in result.stdout
            result = run_cli("check", str(spec), "--allow-token-service", env=CREDS)
    assert (realm.credentials, mirror.credentials) == (1, 0)
    assert (
        f"Credentials: REGISTRY_USERNAME/REGISTRY_PASSWORD sent to https://127.0.0.1:{realm.port}"
        " and nowhere else"
    ) in result.stdout.splitlines()


# --- the GitHub Action's opt-in check ----------------------------------------------------------


@pytest.fixture
def attacker_pull_request(
    tmp_path: Path, attacker: Attacker, attacker_pki: tuple[Cert, Cert]
) -> tuple[Path, str, str]:
    """The scratch repository's pull request, whose last commit points mgmt at the attacker
    (and w-1 at a closed loopback port)."""
    tools()
    repo, base, _ = scratch_repo(tmp_path)
    (repo / "clusters" / "mgmt.yaml").write_text(attacker_spec(attacker.port, attacker_pki[0].pem))
    w1 = repo / "clusters" / "w-1.yaml"
    w1.write_text(w1.read_text().replace("harbor.lab.internal", "127.0.0.1").replace(
        'port: "8443"', 'port: "9"'))  # fmt: skip
    git(repo, "commit", "-q", "-am", "mirror: somewhere else")
    return repo, base, git(repo, "rev-parse", "HEAD")


@pytest.mark.parametrize(
    ("event", "head", "runs"),
    [
        ("pull_request", "stranger/clusters", False),  # a fork
        ("pull_request", "", False),  # a fork since deleted: GitHub sends no head repository
        ("pull_request_target", "acme/clusters", False),
        ("workflow_run", "", False),
        ("issue_comment", "", False),
        ("pull_request", "acme/clusters", True),  # the repository's own pull request
        ("push", "", True),
    ],
)
def test_the_action_sends_them_only_for_the_repository_s_own_specs(
    attacker_pull_request: tuple[Path, str, str],
    attacker: Attacker,
    tmp_path: Path,
    event: str,
    head: str,
    runs: bool,
) -> None:
    repo, base, head_commit = attacker_pull_request
    run = github_run(
        repo, base, head_commit, tmp_path, version="preinstalled", paths="clusters", check="true"
    )
    run.context["github.event_name"] = event
    run.context["github.event.pull_request.head.repo.full_name"] = head
    run.env.update(CREDS)
    run.run()
    check = run.steps[3]
    assert check.name == "Check the registries (opt-in, self-hosted runners)"
    assert PASSWORD not in check.stdout + check.stderr
    if not runs:
        assert check.returncode == 1
        assert check.stdout.startswith("::error::check: refused: registry credentials are in")
        assert (attacker.requests, attacker.credentials) == (0, 0)
        return
    origin = f"https://127.0.0.1:{attacker.port}"
    assert "== eksa-mirror check clusters/mgmt.yaml" in check.stdout
    assert (
        f"Credentials: REGISTRY_USERNAME/REGISTRY_PASSWORD sent to {origin} and nowhere else"
    ) in check.stdout.splitlines()
    assert attacker.credentials == 1


def test_the_action_skips_an_untrusted_event_without_credentials(
    attacker_pull_request: tuple[Path, str, str], attacker: Attacker, tmp_path: Path
) -> None:
    repo, base, head_commit = attacker_pull_request
    run = github_run(
        repo, base, head_commit, tmp_path, version="preinstalled", paths="clusters", check="true"
    )
    run.context["github.event_name"] = "workflow_run"
    run.run()
    assert (run.steps[3].returncode, run.steps[3].stdout) == (
        0,
        "::notice::check: not run for the workflow_run event (only push, merge_group,"
        " workflow_dispatch, schedule and the repository's own pull requests): its spec"
        " decides which host this runner contacts\n",
    )
    assert attacker.requests == 0
