"""``eksa-mirror check`` against real registries.

The registries are the CNCF distribution registry from Debian's ``docker-registry``
package, started on 127.0.0.1 (free ports) with certificates made here (see
``registry_fixtures``); one instance per certificate, plus one behind htpasswd
(bcrypt) and one in plain HTTP. Repositories are created by pushing a tiny image
through the OCI API. The Bearer-token login path uses a small in-process token
registry, since the Debian registry needs a separate token server for it.

A missing ``docker-registry`` or ``htpasswd`` binary fails these tests (never skips).
The pure parts of the check (version parsing, challenges, rendering) are tested at the
end without a registry.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from registry_fixtures import (
    RegistryServer,
    SilentListener,
    TokenRegistry,
    free_port,
    require_binary,
)
from registry_pki import Pki

from eksa_mirror.core.mirror import MirrorConfig, OCINamespace
from eksa_mirror.probe import (
    CheckReport,
    CheckStep,
    ProjectResult,
    ProjectState,
    Status,
    config_problem,
    parse_eksa_version,
    render_text,
    required_projects,
    run_check,
)
from eksa_mirror.probe.oci import Credentials, parse_challenge, same_origin
from support import Cert, cluster, run_cli

USER = "eksa-puller"
PASSWORD = "Pa55-w0rd-that-must-never-be-printed"
CREDS = {"REGISTRY_USERNAME": USER, "REGISTRY_PASSWORD": PASSWORD}
PROJECTS = ("bottlerocket", "eks-anywhere", "eks-distro", "eks", "cilium-chart")
LEGACY = ("bottlerocket", "eks-anywhere", "eks-distro", "isovalent", "cilium-chart")
OTHER_HOST_MSG = "credentials are never sent to an untrusted server"


# --------------------------------------------------------------------------- fixtures


def _registry(
    tmp: pytest.TempPathFactory, name: str, tls: Cert | None, **kw: object
) -> Iterator[RegistryServer]:
    server = RegistryServer(tmp.mktemp(name), tls=tls, **kw)  # type: ignore[arg-type]
    with server:
        yield server


@pytest.fixture(scope="session")
def good(tmp_path_factory: pytest.TempPathFactory, pki: Pki) -> Iterator[RegistryServer]:
    """TLS with the test CA; the five projects at the root, plus partial and legacy sets."""
    for server in _registry(tmp_path_factory, "good", pki.server):
        for project in PROJECTS:
            server.push_tiny_image(f"{project}/image")
        server.push_tiny_image("partial/eks-anywhere/cli-tools")
        for project in LEGACY:
            server.push_tiny_image(f"legacy/{project}/image")
        server.push_tiny_image("hub/library/busybox")
        yield server


@pytest.fixture(scope="session")
def authed(tmp_path_factory: pytest.TempPathFactory, pki: Pki) -> Iterator[RegistryServer]:
    """TLS plus htpasswd (bcrypt) authentication; the five projects at the root."""
    for server in _registry(tmp_path_factory, "auth", pki.server, htpasswd=(USER, PASSWORD)):
        for project in PROJECTS:
            server.push_tiny_image(f"{project}/image")
        yield server


@pytest.fixture(scope="session")
def wrong_name(tmp_path_factory: pytest.TempPathFactory, pki: Pki) -> Iterator[RegistryServer]:
    yield from _registry(tmp_path_factory, "wrong-name", pki.wrong_name)


@pytest.fixture(scope="session")
def expired(tmp_path_factory: pytest.TempPathFactory, pki: Pki) -> Iterator[RegistryServer]:
    yield from _registry(tmp_path_factory, "expired", pki.expired_server)


@pytest.fixture(scope="session")
def sha1(tmp_path_factory: pytest.TempPathFactory, pki: Pki) -> Iterator[RegistryServer]:
    yield from _registry(tmp_path_factory, "sha1", pki.sha1_server)


@pytest.fixture(scope="session")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RegistryServer]:
    yield from _registry(tmp_path_factory, "plain", None)


def cfg(port: int, *, endpoint: str = "127.0.0.1", **kw: object) -> MirrorConfig:
    return MirrorConfig(endpoint, str(port), **kw)  # type: ignore[arg-type]


def check(config: MirrorConfig, env: dict[str, str] | None = None, **kw: float) -> CheckReport:
    report = run_check(
        config,
        timeout=kw.get("timeout", 5.0),
        deadline=kw.get("deadline", 30.0),
        env=env or {},
        page_size=int(kw.get("page_size", 100)),
    )
    assert PASSWORD not in repr(report) + json.dumps(report.to_dict()) + render_text(report)
    return report


def lines(report: CheckReport) -> list[tuple[str, str, str, str]]:
    return [(s.name, s.status.value, s.key, s.message) for s in report.steps]


def skipped(reason: str, *names: str) -> list[tuple[str, str, str, str]]:
    keys = {
        "tls": "port",
        "certificate": "caCertContent",
        "api": "endpoint",
        "auth": "authenticate",
        "projects": "ociNamespaces",
    }
    return [(name, "skip", keys[name], f"not checked: {reason}") for name in names]


def head(port: int, ca: str = "CN=eksa-mirror test CA") -> list[tuple[str, str, str, str]]:
    return [
        ("ca", "ok", "caCertContent", f"using the CA in caCertContent ({ca})"),
        ("connect", "ok", "endpoint", f"TCP connection to 127.0.0.1:{port}"),
        ("tls", "ok", "port", "TLSv1.3 handshake"),
    ]


# --------------------------------------------------------------------------- all good


@pytest.mark.e2e
def test_all_good(good: RegistryServer, pki: Pki) -> None:
    report = check(cfg(good.port, ca_cert_content=pki.ca.pem))
    port = good.port
    assert render_text(report) == (
        f"Registry mirror 127.0.0.1:{port}\n"
        "✓ ca           using the CA in caCertContent (CN=eksa-mirror test CA)\n"
        f"✓ connect      TCP connection to 127.0.0.1:{port}\n"
        "✓ tls          TLSv1.3 handshake\n"
        "✓ certificate  server certificate for 127.0.0.1 verified with the CA in caCertContent"
        " (CN=eksa-mirror test CA)\n"
        f"✓ api          OCI distribution API answers at https://127.0.0.1:{port}/v2/\n"
        "- auth         authenticate is not set: anonymous pulls\n"
        "✓ projects     all 5 projects EKS Anywhere needs are present\n"
        "    ✓ bottlerocket  present\n"
        "    ✓ eks-anywhere  present\n"
        "    ✓ eks-distro    present\n"
        "    ✓ eks           present\n"
        "    ✓ cilium-chart  present\n"
        f"Verdict: OK: 127.0.0.1:{port} is ready for EKS Anywhere\n"
    )
    assert report.ok and report.ran


@pytest.mark.e2e
def test_catalog_pagination(good: RegistryServer, pki: Pki) -> None:
    namespaces = (OCINamespace("public.ecr.aws", "legacy"), OCINamespace("docker.io", "hub"))
    config = cfg(
        good.port,
        ca_cert_content=pki.ca.pem,
        oci_namespaces=namespaces,
        eksa_version="v0.23.5",
    )
    report = check(config, page_size=2)  # 13 repositories: 7 pages
    assert [(p.path, p.state.value, p.required) for p in report.projects] == [
        *((f"legacy/{p}", "present", True) for p in LEGACY),
        ("hub", "present", False),
    ]
    assert report.steps[-1].message == (
        "all 5 projects EKS Anywhere needs are present under legacy/"
    )


@pytest.mark.e2e
def test_eksa_version_selects_isovalent_or_eks(good: RegistryServer, pki: Pki) -> None:
    namespaces = (OCINamespace("public.ecr.aws", "legacy"),)
    before = check(
        cfg(
            good.port,
            ca_cert_content=pki.ca.pem,
            oci_namespaces=namespaces,
            eksa_version="v0.23.9",
        )
    )
    assert before.ok
    after = check(
        cfg(
            good.port,
            ca_cert_content=pki.ca.pem,
            oci_namespaces=namespaces,
            eksa_version="v0.24.0",
        )
    )
    assert lines(after)[-1] == (
        "projects",
        "fail",
        "ociNamespaces",
        "missing 1 of 5 projects EKS Anywhere needs under legacy/: legacy/eks"
        " (create them and run eksctl anywhere import images)",
    )


@pytest.mark.e2e
def test_missing_projects(good: RegistryServer, pki: Pki) -> None:
    namespaces = (OCINamespace("public.ecr.aws", "partial"), OCINamespace("quay.io", "quay"))
    report = check(cfg(good.port, ca_cert_content=pki.ca.pem, oci_namespaces=namespaces))
    assert lines(report)[-1] == (
        "projects",
        "fail",
        "ociNamespaces",
        "missing 4 of 5 projects EKS Anywhere needs under partial/: partial/bottlerocket,"
        " partial/eks-distro, partial/eks, partial/cilium-chart (create them and run eksctl"
        " anywhere import images)",
    )
    assert render_text(report).endswith(
        "    ✗ partial/bottlerocket  missing\n"
        "    ✓ partial/eks-anywhere  present\n"
        "    ✗ partial/eks-distro    missing\n"
        "    ✗ partial/eks           missing\n"
        "    ✗ partial/cilium-chart  missing\n"
        "    ! quay                  missing\n"
        f"Verdict: 1 problem found: 127.0.0.1:{good.port} is not ready for EKS Anywhere\n"
    )
    assert report.to_dict()["projects"][-1] == {
        "registry": "quay.io",
        "path": "quay",
        "state": "missing",
        "required": False,
    }


@pytest.mark.e2e
def test_no_public_ecr_mapping(good: RegistryServer, pki: Pki) -> None:
    namespaces = (OCINamespace("docker.io", "hub"),)
    report = check(cfg(good.port, ca_cert_content=pki.ca.pem, oci_namespaces=namespaces))
    assert lines(report)[-1] == (
        "projects",
        "fail",
        "ociNamespaces",
        "ociNamespaces has no entry for public.ecr.aws: EKS Anywhere's own images are not mirrored",
    )


# --------------------------------------------------------------------------- certificates


@pytest.mark.e2e
def test_unknown_authority_without_ca(good: RegistryServer) -> None:
    report = check(cfg(good.port))
    reason = f"the server certificate is not trusted ({OTHER_HOST_MSG})"
    assert lines(report) == [
        (
            "ca",
            "ok",
            "caCertContent",
            "no caCertContent: the server certificate must chain to the system trust store",
        ),
        *head(good.port)[1:],
        (
            "certificate",
            "fail",
            "caCertContent",
            "registry 127.0.0.1 is using self-signed certs, please provide the certificate using"
            " caCertContent field. Or use insecureSkipVerify field to skip registry certificate"
            " verification",
        ),
        *skipped(reason, "api", "auth", "projects"),
    ]
    assert report.verdict == f"1 problem found: 127.0.0.1:{good.port} is not ready for EKS Anywhere"


@pytest.mark.e2e
def test_ca_that_signs_nothing_here(good: RegistryServer, pki: Pki) -> None:
    report = check(cfg(good.port, ca_cert_content=pki.unrelated_ca.pem))
    assert lines(report)[:4] == [
        *head(good.port, ca="CN=unrelated CA"),
        (
            "certificate",
            "fail",
            "caCertContent",
            "the CA in caCertContent (CN=unrelated CA) did not sign the server certificate"
            " (issued by CN=eksa-mirror test CA), and the registry sends no intermediate"
            " certificate: if CN=eksa-mirror test CA is an intermediate of that CA, serve the"
            " chain (the server certificate followed by its intermediates)",
        ),
    ]


@pytest.mark.e2e
def test_ca_from_eksa_registry_mirror_ca_file(
    good: RegistryServer, pki: Pki, tmp_path: Path
) -> None:
    ca_file = tmp_path / "ca.crt"
    ca_file.write_text(pki.ca.pem)
    report = check(cfg(good.port), env={"EKSA_REGISTRY_MIRROR_CA": str(ca_file)})
    assert report.ok
    assert lines(report)[0] == (
        "ca",
        "ok",
        "caCertContent",
        f"using the CA in EKSA_REGISTRY_MIRROR_CA ({ca_file}) (CN=eksa-mirror test CA)",
    )
    missing = tmp_path / "missing.crt"
    report = check(cfg(good.port), env={"EKSA_REGISTRY_MIRROR_CA": str(missing)})
    assert lines(report)[0] == (
        "ca",
        "fail",
        "caCertContent",
        f"reading the cert file {missing}: No such file or directory",
    )
    # caCertContent wins over the variable
    report = check(
        cfg(good.port, ca_cert_content=pki.ca.pem),
        env={"EKSA_REGISTRY_MIRROR_CA": str(missing)},
    )
    assert report.ok


@pytest.mark.e2e
def test_ca_not_pem(good: RegistryServer) -> None:
    report = check(cfg(good.port, ca_cert_content="not a certificate"))
    assert lines(report)[0] == (
        "ca",
        "fail",
        "caCertContent",
        "invalid registry certificate: failed to parse certificate PEM",
    )
    assert [s.status for s in report.steps[1:]] == [Status.SKIP] * 6


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("server", "endpoint", "reason"),
    [
        (
            "wrong_name",
            "127.0.0.1",
            "the server certificate is for registry.other.test, not 127.0.0.1",
        ),
        ("good", "localhost", "the server certificate is for 127.0.0.1, not localhost"),
        ("expired", "127.0.0.1", "the server certificate expired on 2021-01-01 00:00:00 UTC"),
    ],
    ids=["another-ip", "another-hostname", "expired"],
)
def test_certificate_failures(
    request: pytest.FixtureRequest, pki: Pki, server: str, endpoint: str, reason: str
) -> None:
    registry: RegistryServer = request.getfixturevalue(server)
    report = check(cfg(registry.port, endpoint=endpoint, ca_cert_content=pki.ca.pem))
    assert lines(report)[3] == ("certificate", "fail", "endpoint", reason)


@pytest.mark.e2e
def test_sha1_certificate(sha1: RegistryServer, pki: Pki) -> None:
    # The Go TLS stack of the registry serves a SHA-1 signed certificate without complaint.
    report = check(cfg(sha1.port, ca_cert_content=pki.ca.pem))
    assert lines(report)[2:4] == [
        ("tls", "ok", "port", "TLSv1.3 handshake"),
        (
            "certificate",
            "fail",
            "endpoint",
            "the server certificate is signed with SHA-1 (sha1WithRSAEncryption): x509: cannot"
            " verify signature: insecure algorithm SHA1-RSA (EKS Anywhere rejects SHA-1"
            " certificates since v0.12.0)",
        ),
    ]


@pytest.mark.e2e
def test_insecure_skip_verify_warns_and_goes_on(good: RegistryServer) -> None:
    report = check(cfg(good.port, insecure_skip_verify=True))
    step = report.step("certificate")
    assert step == CheckStep(
        "certificate",
        Status.WARN,
        "insecureSkipVerify is set: certificates are not verified (Warning: skip registry"
        " certificate verification is enabled)",
        "insecureSkipVerify",
        (
            "verification would fail: registry 127.0.0.1 is using self-signed certs, please"
            " provide the certificate using caCertContent field. Or use insecureSkipVerify field"
            " to skip registry certificate verification",
        ),
    )
    assert report.ok
    assert report.verdict == f"OK with 1 warning: 127.0.0.1:{good.port} is usable by EKS Anywhere"


# --------------------------------------------------------------------------- authentication


@pytest.mark.e2e
def test_login_with_good_credentials(authed: RegistryServer, pki: Pki) -> None:
    report = check(cfg(authed.port, ca_cert_content=pki.ca.pem, authenticate=True), CREDS)
    assert lines(report)[4:6] == [
        (
            "api",
            "ok",
            "endpoint",
            f"OCI distribution API answers at https://127.0.0.1:{authed.port}/v2/"
            " (login required: Basic)",
        ),
        ("auth", "ok", "authenticate", "logged in as REGISTRY_USERNAME (Basic authentication)"),
    ]
    assert report.ok


@pytest.mark.e2e
def test_bad_credentials(authed: RegistryServer, pki: Pki) -> None:
    env = {"REGISTRY_USERNAME": USER, "REGISTRY_PASSWORD": "wrong-password"}
    report = check(cfg(authed.port, ca_cert_content=pki.ca.pem, authenticate=True), env)
    assert lines(report)[5:] == [
        (
            "auth",
            "fail",
            "authenticate",
            "the registry rejected the credentials in REGISTRY_USERNAME/REGISTRY_PASSWORD"
            " (HTTP 401 on /v2/ with Basic authentication)",
        ),
        *skipped("not logged in", "projects"),
    ]
    assert "wrong-password" not in render_text(report) + json.dumps(report.to_dict())


@pytest.mark.e2e
def test_credentials_not_set(authed: RegistryServer, pki: Pki) -> None:
    report = check(
        cfg(authed.port, ca_cert_content=pki.ca.pem, authenticate=True),
        {"REGISTRY_USERNAME": USER},
    )
    assert lines(report)[5] == (
        "auth",
        "fail",
        "authenticate",
        "please set REGISTRY_PASSWORD env var",
    )


@pytest.mark.e2e
def test_login_required_but_authenticate_not_set(authed: RegistryServer, pki: Pki) -> None:
    report = check(cfg(authed.port, ca_cert_content=pki.ca.pem), CREDS)
    assert lines(report)[4] == (
        "api",
        "fail",
        "authenticate",
        f"https://127.0.0.1:{authed.port}/v2/ requires a login (Basic) but authenticate is not"
        " set: nodes would pull anonymously and be refused",
    )


@pytest.mark.e2e
def test_authenticate_on_an_anonymous_registry(good: RegistryServer, pki: Pki) -> None:
    report = check(cfg(good.port, ca_cert_content=pki.ca.pem, authenticate=True), CREDS)
    assert lines(report)[5] == (
        "auth",
        "warn",
        "authenticate",
        "the registry did not ask for credentials on /v2/: REGISTRY_USERNAME/REGISTRY_PASSWORD"
        " could not be verified",
    )
    assert report.ok


@pytest.mark.e2e
def test_bearer_token_login_on_the_same_endpoint(pki: Pki, tmp_path: Path) -> None:
    repos = tuple(f"{p}/image" for p in PROJECTS)
    with TokenRegistry(
        pki.server, tmp_path, credentials=(USER, PASSWORD), repositories=repos
    ) as reg:
        report = check(cfg(reg.port, ca_cert_content=pki.ca.pem, authenticate=True), CREDS)
        assert lines(report)[4:6] == [
            (
                "api",
                "ok",
                "endpoint",
                f"OCI distribution API answers at https://127.0.0.1:{reg.port}/v2/ (login"
                f" required: Bearer token from https://127.0.0.1:{reg.port}/token)",
            ),
            (
                "auth",
                "ok",
                "authenticate",
                "logged in as REGISTRY_USERNAME (Bearer authentication)",
            ),
        ]
        assert report.ok
        assert "/token?service=fake-registry&scope=registry%3Acatalog%3A%2A" in reg.requests
        assert TokenRegistry.TOKEN not in render_text(report) + json.dumps(report.to_dict())
        bad = check(
            cfg(reg.port, ca_cert_content=pki.ca.pem, authenticate=True),
            {"REGISTRY_USERNAME": USER, "REGISTRY_PASSWORD": "nope"},
        )
        assert lines(bad)[5] == (
            "auth",
            "fail",
            "authenticate",
            "the registry rejected the credentials in REGISTRY_USERNAME/REGISTRY_PASSWORD"
            f" (HTTP 401 from the token service https://127.0.0.1:{reg.port}/token)",
        )


@pytest.mark.e2e
def test_bearer_realm_on_another_host_is_not_contacted(pki: Pki, tmp_path: Path) -> None:
    with SilentListener() as elsewhere:
        realm = f"https://127.0.0.1:{elsewhere.port}/token"
        with TokenRegistry(
            pki.server, tmp_path, credentials=(USER, PASSWORD), repositories=(), realm=realm
        ) as reg:
            report = check(cfg(reg.port, ca_cert_content=pki.ca.pem, authenticate=True), CREDS)
        assert elsewhere.pending_connections() == 0
    assert lines(report)[5:] == [
        (
            "auth",
            "warn",
            "authenticate",
            f"the token service {realm} is not on https://127.0.0.1:{reg.port}: not contacted"
            " (check only talks to the configured endpoint unless --allow-token-service is"
            " given), so the login and the projects were not verified",
        ),
        *skipped("not logged in (the token service is on another host)", "projects"),
    ]
    assert (report.ok, report.unverified) == (True, ("login", "projects"))
    assert report.verdict == (
        "no problem found, but login and projects were not verified (1 warning): it is not"
        f" known whether 127.0.0.1:{reg.port} is usable by EKS Anywhere"
    )


@pytest.mark.e2e
def test_bearer_realm_on_another_host_when_allowed(pki: Pki, tmp_path: Path) -> None:
    repos = tuple(f"{p}/image" for p in PROJECTS)
    with TokenRegistry(
        pki.server, tmp_path, credentials=(USER, PASSWORD), repositories=()
    ) as token_service:
        realm = f"https://127.0.0.1:{token_service.port}/token"
        with TokenRegistry(
            pki.server, tmp_path, credentials=(USER, PASSWORD), repositories=repos, realm=realm
        ) as reg:
            config = cfg(reg.port, ca_cert_content=pki.ca.pem, authenticate=True)
            report = run_check(config, env=CREDS, allow_token_service=True)
    assert lines(report)[5] == (
        "auth",
        "ok",
        "authenticate",
        "logged in as REGISTRY_USERNAME (Bearer authentication)",
    )
    assert (report.ok, report.unverified) == (True, ())
    assert [r.split("?")[0] for r in token_service.requests] == ["/token"]
    assert TokenRegistry.TOKEN not in render_text(report)


# --------------------------------------------------------------------------- transport


@pytest.mark.e2e
def test_plain_http_on_the_port(plain: RegistryServer) -> None:
    report = check(cfg(plain.port))
    address = f"127.0.0.1:{plain.port}"
    assert lines(report)[1:] == [
        ("connect", "ok", "endpoint", f"TCP connection to {address}"),
        (
            "tls",
            "fail",
            "port",
            f"{address} speaks plain HTTP (HTTP 200 OK), not TLS: EKS Anywhere always pulls from"
            f" https://{address}",
        ),
        *skipped("no TLS connection", "certificate", "api", "auth", "projects"),
    ]


@pytest.mark.e2e
def test_connection_refused() -> None:
    port = free_port()
    report = check(cfg(port))
    assert lines(report)[1:3] == [
        ("connect", "fail", "port", f"connection refused: nothing listens on 127.0.0.1:{port}"),
        ("tls", "skip", "port", "not checked: no connection"),
    ]


@pytest.mark.e2e
def test_listener_that_never_answers_is_bounded_by_the_timeout() -> None:
    with SilentListener() as silent:
        started = time.monotonic()
        report = check(cfg(silent.port), timeout=1.0, deadline=30.0)
        elapsed = time.monotonic() - started
    assert elapsed < 1.0 + 2.0
    assert lines(report)[2] == (
        "tls",
        "fail",
        "port",
        f"TLS handshake with 127.0.0.1:{silent.port}: no answer within 1 s (the port accepts"
        " connections but does not answer)",
    )


@pytest.mark.e2e
def test_listener_that_never_answers_is_bounded_by_the_deadline() -> None:
    with SilentListener() as silent:
        started = time.monotonic()
        report = check(cfg(silent.port), timeout=5.0, deadline=1.0)
        elapsed = time.monotonic() - started
    assert elapsed < 1.0 + 2.0
    passed = "the whole-check deadline of 1 s passed"
    assert lines(report)[2:] == [
        (
            "tls",
            "fail",
            "port",
            f"TLS handshake with 127.0.0.1:{silent.port}: {passed} (the port accepts connections"
            " but does not answer)",
        ),
        *skipped(passed, "certificate", "api", "auth", "projects"),
    ]


# --------------------------------------------------------------------------- command line


def write_spec(
    tmp_path: Path,
    port: int | str,
    *,
    ca: str = "",
    authenticate: bool = False,
    public_namespace: str | None = None,
) -> Path:
    mirror = ["endpoint: 127.0.0.1", f'port: "{port}"']
    if public_namespace is not None:
        mirror += [
            "ociNamespaces:",
            "  - registry: public.ecr.aws",
            f'    namespace: "{public_namespace}"',
        ]
    if ca:
        mirror.append("caCertContent: |")
        mirror += [f"  {line}" for line in ca.strip().splitlines()]
    if authenticate:
        mirror.append("authenticate: true")
    spec = tmp_path / "cluster.yaml"
    spec.write_text(cluster("\n".join(mirror)))
    return spec


@pytest.mark.e2e
def test_cli_all_good_text_and_json(good: RegistryServer, pki: Pki, tmp_path: Path) -> None:
    spec = write_spec(tmp_path, good.port, ca=pki.ca.pem)
    result = run_cli("check", str(spec))
    assert (result.returncode, result.stderr) == (0, "")
    expected = check(cfg(good.port, ca_cert_content=pki.ca.pem))
    assert result.stdout == render_text(expected)
    result = run_cli("check", str(spec), "--format", "json")
    assert (result.returncode, result.stderr) == (0, "")
    data = json.loads(result.stdout)
    assert data == expected.to_dict()
    assert (data["ok"], data["problems"], data["verdict"]) == (
        True,
        0,
        f"OK: 127.0.0.1:{good.port} is ready for EKS Anywhere",
    )


@pytest.mark.e2e
def test_cli_bad_credentials_exit_1_and_never_print_them(
    authed: RegistryServer, pki: Pki, tmp_path: Path
) -> None:
    spec = write_spec(tmp_path, authed.port, ca=pki.ca.pem, authenticate=True)
    for output in ("text", "json"):
        env = {"REGISTRY_USERNAME": USER, "REGISTRY_PASSWORD": PASSWORD + "-typo"}
        result = run_cli("check", str(spec), "--format", output, env=env)
        assert result.returncode == 1
        assert PASSWORD not in result.stdout + result.stderr
        assert "rejected the credentials" in result.stdout
    result = run_cli("check", str(spec), env=CREDS)
    assert result.returncode == 0, result.stdout
    assert PASSWORD not in result.stdout + result.stderr


@pytest.mark.e2e
def test_cli_problem_exit_1(tmp_path: Path) -> None:
    port = free_port()
    result = run_cli("check", str(write_spec(tmp_path, port)), "--timeout", "1")
    assert (result.returncode, result.stderr) == (1, "")
    assert f"✗ connect      connection refused: nothing listens on 127.0.0.1:{port}\n" in (
        result.stdout
    )


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("spec_version", "args", "config", "projects"),
    [
        ("", [], "", "eks"),  # the latest release known
        ("", ["--eksa-version", "v0.23.0"], "", "isovalent"),  # exact
        ("", ["--eksa-version", "0.23.1"], "", "isovalent"),  # exact, without the v
        ("", ["--eksa-version", "v0.99.0"], "", "eks"),  # newer than known
        ("", [], "v0.23.0", "isovalent"),  # .eksa-mirror.toml below the flag
        ("", ["--eksa-version", "v0.24.0"], "v0.23.0", "eks"),  # the flag over the file
        ("v0.23.0", ["--eksa-version", "v0.24.0"], "", "isovalent"),  # the spec wins
    ],
    ids=["latest", "exact", "no-v", "newer", "config", "flag-over-config", "spec-wins"],
)
def test_cli_eksa_version_option(
    good: RegistryServer,
    pki: Pki,
    tmp_path: Path,
    spec_version: str,
    args: list[str],
    config: str,
    projects: str,
) -> None:
    """The release whose projects are expected: spec.eksaVersion, else --eksa-version, else
    .eksa-mirror.toml, else the latest known (before v0.24.0, isovalent replaces eks)."""
    spec = write_spec(tmp_path, good.port, ca=pki.ca.pem, public_namespace="legacy")
    if spec_version:
        spec.write_text(
            spec.read_text().replace("spec:\n", f"spec:\n  eksaVersion: {spec_version}\n", 1)
        )
    if config:
        (tmp_path / ".eksa-mirror.toml").write_text(f'eksa-version = "{config}"\n')
    result = run_cli("check", str(spec), *args)
    if projects == "eks":
        assert result.returncode == 1
        assert "    ✗ legacy/eks           missing\n" in result.stdout
    else:
        assert (result.returncode, result.stderr) == (0, "")
        assert "    ✓ legacy/isovalent     present\n" in result.stdout


@pytest.mark.parametrize(
    ("args", "config", "message"),
    [
        (
            ["--eksa-version", "latest"],
            "",
            "--eksa-version: 'latest' is not a release like \"v0.20.0\"",
        ),
        (
            ["--eksa-version", "v0.23.x"],
            "",
            "--eksa-version: v0.23.x is a minor line; check needs one release, such as v0.23.0",
        ),
        (
            [],
            "v0.23",
            "eksa-version of {config}: v0.23 is a minor line; check needs one release, such as"
            " v0.23.0",
        ),
    ],
    ids=["malformed", "minor-line", "minor-line-in-config"],
)
def test_cli_eksa_version_that_names_no_release(
    tmp_path: Path, args: list[str], config: str, message: str
) -> None:
    """One line and exit 2, before anything is contacted (port 1 is closed anyway)."""
    spec = write_spec(tmp_path, 1)
    if config:
        (tmp_path / ".eksa-mirror.toml").write_text(f'eksa-version = "{config}"\n')
    result = run_cli("check", str(spec), *args)
    config_file = tmp_path / ".eksa-mirror.toml"
    expected = f"eksa-mirror check: {message.format(config=config_file)}\n"
    assert (result.returncode, result.stdout, result.stderr) == (2, "", expected)


def test_missing_binary_skips_with_the_install_command() -> None:
    with pytest.raises(pytest.skip.Exception, match="install the Debian package docker-registry"):
        require_binary("/nonexistent/docker-registry", "docker-registry")


def test_cli_could_not_run_exit_2(tmp_path: Path) -> None:
    bad_port = write_spec(tmp_path, "99999")
    result = run_cli("check", str(bad_port))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"eksa-mirror check: {bad_port}: registry mirror port 99999 is invalid, please provide a"
        " valid port\n"
    )
    missing = tmp_path / "nope.yaml"
    result = run_cli("check", str(missing))
    assert (result.returncode, result.stdout, result.stderr) == (
        2,
        "",
        f"eksa-mirror check: cannot read {missing}: No such file or directory\n",
    )
    other = tmp_path / "other.yaml"
    other.write_text("kind: Cluster\nspec: {}\n")
    result = run_cli("check", str(other))
    assert (result.returncode, result.stdout, result.stderr) == (
        2,
        "",
        f"eksa-mirror check: {other}: no EKS Anywhere Cluster with a registryMirrorConfiguration\n",
    )


# --------------------------------------------------------------------------- pure parts


def test_required_projects_by_version() -> None:
    assert required_projects("") == PROJECTS
    assert required_projects("v0.23.9") == LEGACY
    assert required_projects("0.20.0") == LEGACY
    assert required_projects("v0.24.0") == PROJECTS
    assert required_projects("v0.26.1-rc.1") == PROJECTS
    assert required_projects("garbage") == PROJECTS
    assert parse_eksa_version("v0.24.1") == (0, 24, 1)
    assert parse_eksa_version("v0.24") is None


def test_config_problem_uses_eksa_messages() -> None:
    assert config_problem(MirrorConfig("")) == (
        "endpoint",
        "no value set for RegistryMirrorConfiguration.Endpoint",
    )
    assert config_problem(MirrorConfig("r", "65536")) == (
        "port",
        "registry mirror port 65536 is invalid, please provide a valid port",
    )
    assert config_problem(MirrorConfig("r", "+443")) is None
    assert config_problem(MirrorConfig("r", " 443")) is not None
    assert config_problem(MirrorConfig("r", "++443")) is not None
    assert config_problem(MirrorConfig("r", "٤٤٣")) is not None
    report = run_check(MirrorConfig("r", "0"), timeout=1, deadline=1, env={})
    assert (report.ran, report.verdict) == (
        False,
        "could not check: the mirror settings are invalid",
    )


def test_challenge_parsing_and_origin() -> None:
    challenge = parse_challenge(
        'Bearer realm="https://reg:8443/service/token",service="harbor-registry",scope="a,b"'
    )
    assert challenge is not None
    assert (challenge.scheme, challenge.params) == (
        "bearer",
        {"realm": "https://reg:8443/service/token", "service": "harbor-registry", "scope": "a,b"},
    )
    assert parse_challenge("") is None
    assert same_origin("https://reg:8443/token", "reg", 8443)
    assert same_origin("https://REG/token", "reg", 443)
    assert not same_origin("https://reg:8443/token", "reg", 443)
    assert not same_origin("http://reg:443/token", "reg", 443)
    assert not same_origin("https://auth.example.com/token", "reg", 443)
    assert same_origin("https://[fd00::1]:5000/t", "fd00::1", 5000)
    assert "Pa55" not in repr(Credentials("user", "Pa55"))


def test_render_text_ascii_and_symbols() -> None:
    report = CheckReport(
        "reg",
        "443",
        (
            CheckStep("connect", Status.OK, "TCP connection to reg:443", "endpoint"),
            CheckStep("projects", Status.WARN, "could not list", "ociNamespaces"),
        ),
        (ProjectResult("public.ecr.aws", "eks", ProjectState.UNKNOWN),),
    )
    assert render_text(report, ascii_only=True) == (
        "Registry mirror reg:443\n"
        "+ connect   TCP connection to reg:443\n"
        "! projects  could not list\n"
        "    ! eks  unknown\n"
        "Verdict: OK with 1 warning: reg:443 is usable by EKS Anywhere\n"
    )
