"""``eksa-mirror check`` against hostile and broken registries.

Each test scripts an in-process HTTPS server on 127.0.0.1 (``hostile_server``) with the
test CA, so TLS and the certificate pass and the registry's answers are what is tested:
wrong JSON shapes, pathological headers, endless catalogs, slow answers, redirects, and
a server that echoes the credentials it receives. ``check`` must answer each with a
finding (exit 1 from the command line, never the exit 2 of an internal error), keep its
deadline and a bounded memory, and never print a secret.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile_server import HostileRegistry, Reply, Request, Script, reply
from registry_pki import Pki

from eksa_mirror.core.mirror import MirrorConfig
from eksa_mirror.probe import CheckReport, render_text, run_check
from eksa_mirror.probe.redact import basic_token
from support import Cert, run_cli

USER = "eksa-puller"
PASSWORD = "S3cret-echoed-by-a-hostile-registry"
BASIC = basic_token(USER, PASSWORD)
CREDS = {"REGISTRY_USERNAME": USER, "REGISTRY_PASSWORD": PASSWORD}
PROJECTS = ("bottlerocket", "eks-anywhere", "eks-distro", "eks", "cilium-chart")
ALL_REPOS = json.dumps({"repositories": [f"{p}/x" for p in PROJECTS]})


@pytest.fixture
def serve(pki: Pki, tmp_path: Path) -> Iterator[object]:
    servers: list[HostileRegistry] = []

    def start(script: Script) -> HostileRegistry:
        server = HostileRegistry(script, pki.server, tmp_path / f"s{len(servers)}")
        servers.append(server.__enter__())
        return server

    yield start
    for server in servers:
        server.__exit__(None, None, None)


def check(port: int, ca: Cert, env: dict[str, str] | None = None, **kw: object) -> CheckReport:
    cfg = MirrorConfig(
        "127.0.0.1",
        str(port),
        ca_cert_content=ca.pem,
        authenticate=bool(kw.pop("authenticate", False)),
    )
    report = run_check(
        cfg,
        timeout=float(kw.pop("timeout", 5.0)),  # type: ignore[arg-type]
        deadline=float(kw.pop("deadline", 30.0)),  # type: ignore[arg-type]
        env=env or {},
    )
    text = render_text(report) + json.dumps(report.to_dict())
    for secret in (PASSWORD, BASIC, BASIC.rstrip("=")):
        assert secret not in text
    return report


def step(report: CheckReport, name: str) -> tuple[str, str, str]:
    found = report.step(name)
    assert found is not None
    return found.status.value, found.key, found.message


def registry(catalog: Script | None = None, v2: Reply | None = None) -> Script:
    """An anonymous registry whose ``/v2/`` and ``/v2/_catalog`` answers can be replaced."""

    def script(request: Request) -> Reply:
        path = request.path.split("?")[0]
        if path == "/v2/":
            return v2 or reply()
        if path == "/v2/_catalog":
            return catalog(request) if catalog else reply(body=ALL_REPOS)
        return reply("404 Not Found")

    return script


# --------------------------------------------------------------------------- JSON shapes


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("body", "why"),
    [
        ('{"repositories": 5}', '"repositories" in the /v2/_catalog answer is a JSON number'),
        ('["eks-anywhere"]', "the /v2/_catalog answer is a JSON array, not an object"),
        (
            '{"repositories": [1, 2]}',
            '"repositories" in the /v2/_catalog answer holds something else than names',
        ),
        ("[" * 100_000, "the /v2/_catalog answer is JSON nested too deeply"),
        ("\xff\xfe not json", "the /v2/_catalog answer is not JSON"),
    ],
    ids=["number", "array", "not names", "deeply nested", "not json"],
)
def test_catalog_of_the_wrong_shape_is_a_broken_registry(
    serve: object, pki: Pki, body: str, why: str
) -> None:
    server = serve(registry(lambda r: reply(body=body.encode("latin-1"))))  # type: ignore[operator]
    report = check(server.port, pki.ca)
    assert step(report, "projects") == (
        "fail",
        "ociNamespaces",
        f"the registry is broken: {why}; 5 projects not verified",
    )
    assert [p.state.value for p in report.projects] == ["unknown"] * 5


@pytest.mark.e2e
def test_link_header_of_65000_brackets(serve: object, pki: Pki) -> None:
    link = (("Link", "<" * 65000),)
    server = serve(registry(lambda r: reply(body='{"repositories": []}', headers=link)))  # type: ignore[operator]
    report = check(server.port, pki.ca, deadline=10)
    assert step(report, "projects") == (
        "fail",
        "ociNamespaces",
        "the registry is broken: the Link header is 65000 characters long; 5 projects not verified",
    )


@pytest.mark.e2e
def test_www_authenticate_of_60000_letters(serve: object, pki: Pki) -> None:
    challenge = (("WWW-Authenticate", "Bearer " + "a" * 60000),)
    server = serve(registry(v2=reply("401 Unauthorized", headers=challenge)))  # type: ignore[operator]
    report = check(server.port, pki.ca, CREDS, authenticate=True)
    assert step(report, "api") == (
        "fail",
        "endpoint",
        "the registry is broken: the WWW-Authenticate header is 60007 characters long",
    )


def _token_registry(token_body: str) -> Script:
    def script(request: Request) -> Reply:
        if request.path.startswith("/token"):
            return reply(body=token_body)
        if request.header("authorization").startswith("Bearer "):
            return reply(body=ALL_REPOS)
        return reply("401 Unauthorized", headers=(("WWW-Authenticate", _realm_of(request)),))

    return script


def _realm_of(request: Request) -> str:
    host = request.header("host")
    return f'Bearer realm="https://{host}/token",service="hostile"'


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("body", "why"),
    [
        (
            '{"token": "ünïcödé-tøken"}',
            "returned a token that cannot be sent in an HTTP header"
            " (not printable ASCII, or longer than 16 KiB)",
        ),
        (
            '{"token": "a\\r\\nX-Injected: 1"}',
            "returned a token that cannot be sent in an HTTP"
            " header (not printable ASCII, or longer than 16 KiB)",
        ),
        ('{"token": 5}', "returned no token"),
        ("[]", "returned no token"),
    ],
    ids=["non-ascii", "header injection", "number", "array"],
)
def test_unusable_tokens(serve: object, pki: Pki, body: str, why: str) -> None:
    server = serve(_token_registry(body))  # type: ignore[operator]
    report = check(server.port, pki.ca, CREDS, authenticate=True)
    assert step(report, "auth") == (
        "fail",
        "authenticate",
        f"the token service https://127.0.0.1:{server.port}/token {why}",
    )
    assert all("X-Injected" not in h for r in server.requests for h in r.headers)


@pytest.mark.e2e
def test_echoed_bearer_token_is_never_printed(serve: object, pki: Pki) -> None:
    token = "eyJhbGciOiJub25lIn0.echoed-bearer-token-0123456789"

    def script(request: Request) -> Reply:
        if request.path.startswith("/token"):
            return reply(body=json.dumps({"token": token}))
        auth = request.header("authorization")
        if not auth.startswith("Bearer "):
            return reply("401 Unauthorized", headers=(("WWW-Authenticate", _realm_of(request)),))
        if request.path.startswith("/v2/_catalog"):
            link = f'<https://evil.test/?t={auth}>; rel="next"'
            return reply(body='{"repositories": []}', headers=(("Link", link),))
        return reply()

    server = serve(script)  # type: ignore[operator]
    report = check(server.port, pki.ca, CREDS, authenticate=True)
    text = render_text(report) + json.dumps(report.to_dict())
    assert token not in text
    assert step(report, "projects") == (
        "warn",
        "ociNamespaces",
        "the next /v2/_catalog page is on https://evil.test/?t=Bearer [REDACTED], not"
        f" https://127.0.0.1:{server.port}: not followed: 5 projects not verified (create them"
        " if your registry needs projects, e.g. Harbor)",
    )


@pytest.mark.e2e
def test_malformed_http_is_a_finding(serve: object, pki: Pki) -> None:
    many_headers = "".join(f"X-{i}: {i}\r\n" for i in range(500))
    raw = f"HTTP/1.1 200 OK\r\n{many_headers}\r\n{{}}".encode()
    server = serve(lambda r: Reply(raw))  # type: ignore[operator]
    report = check(server.port, pki.ca)
    assert step(report, "api") == (
        "fail",
        "endpoint",
        "GET /v2/ failed: malformed HTTP response (HTTPException)",
    )


# --------------------------------------------------------------------------- endless, slow


def _endless(request: Request) -> Reply:
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(request.path).query)
    page = int(query.get("last", ["0"])[0])
    names = [f"junk-{page}-{i:04d}/repository-with-a-long-name" for i in range(2000)]
    link = (("Link", f'</v2/_catalog?n=2000&last={page + 1}>; rel="next"'),)
    return reply(body=json.dumps({"repositories": names}), headers=link)


@pytest.mark.e2e
def test_endless_catalog_ends_at_the_deadline(serve: object, pki: Pki) -> None:
    server = serve(registry(_endless))  # type: ignore[operator]
    report = check(server.port, pki.ca, deadline=3)
    status, key, message = step(report, "projects")
    assert (status, key) == ("fail", "ociNamespaces")
    # The deadline falls between two pages or while a page is still arriving: both are said.
    assert re.fullmatch(
        r"GET /v2/_catalog \(page \d+\) failed: the whole-check deadline of 3 s passed"
        r"( while the registry was still answering)?; 5 projects not verified",
        message,
    ), message
    assert len(server.requests) > 3  # it did page on, page after page


@pytest.mark.e2e
def test_slow_answer_is_called_slow(serve: object, pki: Pki) -> None:
    slow = reply(body=ALL_REPOS)
    server = serve(registry(lambda r: Reply(slow.raw, drip=8, pause=0.25)))  # type: ignore[operator]
    report = check(server.port, pki.ca, timeout=1)
    status, key, message = step(report, "projects")
    assert (status, key) == ("fail", "ociNamespaces")
    assert message.startswith(
        "GET /v2/_catalog failed: the registry is slow: its answer was not complete after 1 s ("
    )
    assert message.endswith(" bytes received); 5 projects not verified")


@pytest.mark.e2e
def test_token_service_redirect_names_its_target(serve: object, pki: Pki) -> None:
    target = "https://sso.elsewhere.test/login"

    def script(request: Request) -> Reply:
        if request.path.startswith("/token"):
            return reply("302 Found", headers=(("Location", target),))
        return reply("401 Unauthorized", headers=(("WWW-Authenticate", _realm_of(request)),))

    server = serve(script)  # type: ignore[operator]
    report = check(server.port, pki.ca, CREDS, authenticate=True)
    assert step(report, "auth") == (
        "fail",
        "authenticate",
        f"the token service https://127.0.0.1:{server.port}/token answered HTTP 302, a redirect"
        f" to {target} (not followed)",
    )


@pytest.mark.e2e
def test_slow_handshake_is_called_slow_not_silent(pki: Pki) -> None:
    """A server that starts a TLS record and drips it: slow, with the bytes it sent."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    port = listener.getsockname()[1]
    stop = threading.Event()

    def drip() -> None:
        with contextlib.suppress(OSError):
            conn, _ = listener.accept()
            with conn:
                for byte in b"\x16\x03\x03\x00\x40" + b"\x02" * 20:
                    if stop.is_set():
                        return
                    conn.sendall(bytes([byte]))
                    time.sleep(0.2)

    thread = threading.Thread(target=drip, daemon=True)
    thread.start()
    try:
        report = check(port, pki.ca, timeout=1)
    finally:
        stop.set()
        listener.close()
        thread.join(5)
    status, key, message = step(report, "tls")
    assert (status, key) == ("fail", "port")
    assert message.startswith(
        f"TLS handshake with 127.0.0.1:{port}: the registry is slow: the handshake was not"
        " complete after 1 s ("
    )
    assert message.endswith(" bytes received)")


@pytest.mark.e2e
def test_redirect_names_its_target_and_is_not_followed(serve: object, pki: Pki) -> None:
    target = "https://mirror.elsewhere.test/v2/"
    moved = reply("302 Found", headers=(("Location", target),))
    server = serve(registry(v2=moved))  # type: ignore[operator]
    report = check(server.port, pki.ca)
    assert step(report, "api") == (
        "fail",
        "endpoint",
        f"https://127.0.0.1:{server.port}/v2/ answered HTTP 302 Found, a redirect to {target}"
        " (not followed: check only talks to the configured endpoint, and EKS Anywhere expects"
        " the registry API at it)",
    )
    assert [r.path for r in server.requests] == ["/v2/"]


# --------------------------------------------------------------------------- secrets


def _echo(where: str) -> Script:
    """A Basic-auth registry that echoes the Authorization header it receives into ``where``."""

    def script(request: Request) -> Reply:
        auth = request.header("authorization")
        if not auth:
            return reply("401 Unauthorized", headers=(("WWW-Authenticate", 'Basic realm="x"'),))
        path = request.path.split("?")[0]
        if path == "/v2/":
            return reply()
        if where == "link":
            link = f'<https://evil.test/next?auth={auth}&pw={PASSWORD}>; rel="next"'
            return reply(body='{"repositories": []}', headers=(("Link", link),))
        if where == "location":
            return reply("307 Temporary Redirect", headers=(("Location", f"/v2/{auth}"),))
        if where == "reason":
            return reply(f"500 {auth} {PASSWORD}")
        if where == "link-quoted":
            link = f'<https://evil.test/?pw={urllib.parse.quote(PASSWORD)}>; rel="next"'
            return reply(body='{"repositories": []}', headers=(("Link", link),))
        # A long URL: the message cuts it short in the middle of the password.
        link = f'<https://evil.test/{"a" * 160}{PASSWORD}>; rel="next"'
        return reply(body='{"repositories": []}', headers=(("Link", link),))

    return script


@pytest.mark.e2e
@pytest.mark.parametrize("where", ["link", "location", "reason", "link-quoted", "cut"])
def test_echoed_credentials_are_never_printed(serve: object, pki: Pki, where: str) -> None:
    server = serve(_echo(where))  # type: ignore[operator]
    report = check(server.port, pki.ca, CREDS, authenticate=True)
    assert step(report, "auth")[0] == "ok"
    messages = " ".join(s.message for s in report.steps)
    assert "[REDACTED]" in messages
    assert PASSWORD[:8] not in messages
    assert any(r.header("authorization") == f"Basic {BASIC}" for r in server.requests)


def _spec(tmp_path: Path, port: int, ca: Cert) -> Path:
    lines = ["    endpoint: 127.0.0.1", f'    port: "{port}"', "    authenticate: true"]
    lines += ["    caCertContent: |", *(f"      {line}" for line in ca.pem.strip().splitlines())]
    spec = tmp_path / "cluster.yaml"
    spec.write_text(
        "apiVersion: anywhere.eks.amazonaws.com/v1alpha1\nkind: Cluster\nmetadata:\n"
        "  name: c\nspec:\n  registryMirrorConfiguration:\n" + "\n".join(lines) + "\n"
    )
    return spec


@pytest.mark.e2e
@pytest.mark.parametrize("output", ["text", "json"])
def test_cli_echoing_registry_exit_1_without_secrets(
    serve: object, pki: Pki, tmp_path: Path, output: str
) -> None:
    server = serve(_echo("reason"))  # type: ignore[operator]
    result = run_cli(
        "check", str(_spec(tmp_path, server.port, pki.ca)), "--format", output, env=CREDS
    )
    assert (result.returncode, result.stderr) == (1, "")
    for secret in (PASSWORD, BASIC, BASIC.rstrip("=")):
        assert secret not in result.stdout
    assert "/v2/_catalog" in result.stdout


@pytest.mark.e2e
def test_cli_endless_catalog_memory_is_bounded(serve: object, pki: Pki, tmp_path: Path) -> None:
    """The whole command, under ``ulimit -v``-like accounting: peak RSS of the child."""
    server = serve(registry(_endless))  # type: ignore[operator]
    spec = _spec(tmp_path, server.port, pki.ca)
    spec.write_text(spec.read_text().replace("    authenticate: true\n", ""))
    probe = (
        "import resource, subprocess, sys\n"
        "r = subprocess.run([sys.executable, '-m', 'eksa_mirror', 'check', sys.argv[1],"
        " '--deadline', '4'], capture_output=True, text=True)\n"
        "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, str(spec)], capture_output=True, text=True, timeout=120
    )
    code, max_rss_kib = map(int, result.stdout.split())
    assert code == 1
    assert max_rss_kib < 200 * 1024, f"peak RSS {max_rss_kib} KiB"
