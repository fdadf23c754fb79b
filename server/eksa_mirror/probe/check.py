"""``run_check``: does the configured registry mirror work for EKS Anywhere?

The steps, in order (each becomes one ``CheckStep``):

``config``       the mirror settings can be used at all (endpoint set, port valid);
``ca``           which CA is used: ``caCertContent``, else the file named by
                 ``EKSA_REGISTRY_MIRROR_CA``, else the system trust store;
``connect``      TCP connection to ``endpoint:port``;
``tls``          a TLS handshake with Go's client settings (``gotls``; plain HTTP on
                 the port is named as such);
``certificate``  the server certificate verifies against that CA as Go verifies it
                 (a warning under insecureSkipVerify); ``why`` names the certificate
                 at fault;
``api``          ``GET /v2/`` answers like an OCI distribution registry;
``auth``         with ``authenticate: true``, ``REGISTRY_USERNAME``/``REGISTRY_PASSWORD``
                 log in through the scheme the registry announces;
``projects``     the projects EKS Anywhere needs exist under the ``public.ecr.aws``
                 mapping (``/v2/_catalog``), and each other mapped namespace has content.

Only ``endpoint:port`` is contacted. Each network operation is bounded by ``timeout``
and the whole check by ``deadline``; when the deadline passes, the remaining steps are
reported as skipped. The registry's answers are parsed by ``parse`` (bounded, linear);
an answer no step foresaw still ends as a failed step, never as an exception.
Credentials are never sent over a connection whose certificate failed verification,
and every message of the report passes through ``redact`` (the password, the Basic
token and the bearer tokens received), whatever the registry echoed.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from cryptography import x509

from eksa_mirror.core import pki
from eksa_mirror.core.eksa import releases
from eksa_mirror.core.mirror import (
    CA_ENV,
    PUBLIC_ECR,
    MirrorConfig,
    ca_from_env,
    join_host_port,
)
from eksa_mirror.probe import certs, chain, gotls, why
from eksa_mirror.probe.net import (
    Deadline,
    NetError,
    Response,
    connect,
    plain_http_status_line,
    probe_handshake,
    tls_wrap,
)
from eksa_mirror.probe.oci import Credentials, LoginError, Session
from eksa_mirror.probe.parse import Broken, Challenge, clean, parse_challenge
from eksa_mirror.probe.redact import Redactor
from eksa_mirror.probe.report import CheckReport, CheckStep, ProjectResult, ProjectState, Status

USERNAME_ENV = "REGISTRY_USERNAME"
PASSWORD_ENV = "REGISTRY_PASSWORD"

#: Projects EKS Anywhere needs in the mirror (docs "Configure local registry mirror").
PROJECTS = tuple(releases.required_projects(releases.LATEST))
#: Before v0.24.0 Cilium came from ``public.ecr.aws/isovalent`` (EKS-A #10157/#10158).
PROJECTS_BEFORE_V0_24 = tuple(releases.required_projects(releases.v("v0.23.0")))

STEP_ORDER = ("connect", "tls", "certificate", "api", "auth", "projects")
STEP_KEYS = {
    "connect": "endpoint",
    "tls": "port",
    "certificate": "caCertContent",
    "api": "endpoint",
    "auth": "authenticate",
    "projects": "ociNamespaces",
}

_PORT = re.compile(r"\+?[0-9]+")
_SILENT = " (the port accepts connections but does not answer)"


def parse_eksa_version(text: str) -> tuple[int, int, int] | None:
    """``v0.24.1`` → ``(0, 24, 1)``; ``None`` unless it names an exact release ``[v]X.Y.Z``."""
    version = releases.parse_version(text.strip())
    if version is None or version.patch is None:
        return None
    return version.major, version.minor, version.patch


def required_projects(eksa_version: str = "") -> tuple[str, ...]:
    """The projects EKS Anywhere ``eksa_version`` needs ("" or unknown: the current list)."""
    return tuple(releases.required_projects(releases.parse_version(eksa_version)))


def config_problem(cfg: MirrorConfig) -> tuple[str, str] | None:
    """EKS-A's static endpoint/port rules, as ``(key, message)``, or ``None`` if usable."""
    if not cfg.endpoint:
        return "endpoint", "no value set for RegistryMirrorConfiguration.Endpoint"
    port = cfg.port
    # networkutils.IsPortValid: strconv.Atoi (ASCII digits, optional "+") and 1..65535.
    valid = _PORT.fullmatch(port) is not None and 1 <= int(port) <= 65535
    if not valid:
        return "port", f"registry mirror port {port} is invalid, please provide a valid port"
    return None


@dataclass
class _Run:
    """Mutable state of one check (kept out of the public API)."""

    cfg: MirrorConfig
    env: Mapping[str, str]
    deadline: Deadline
    page_size: int
    allow_token_service: bool = False
    steps: list[CheckStep] = field(default_factory=list)
    projects: list[ProjectResult] = field(default_factory=list)
    ca_pem: str = ""
    ca_cert: x509.Certificate | None = None
    ca_label: str = ""
    leaf: certs.CertInfo | None = None
    leaf_cert: x509.Certificate | None = None
    challenge: Challenge | None = None
    redactor: Redactor = field(default_factory=Redactor)
    #: What could not be verified although no step failed (e.g. ``login``, ``projects``).
    unverified: tuple[str, ...] = ()

    @property
    def port(self) -> int:
        return int(self.cfg.port)

    @property
    def address(self) -> str:
        return join_host_port(self.cfg.endpoint, self.port)

    def add(
        self, name: str, status: Status, message: str, key: str, details: tuple[str, ...] = ()
    ) -> None:
        self.steps.append(CheckStep(name, status, message, key, details))

    def skip_rest(self, reason: str) -> None:
        done = {step.name for step in self.steps}
        for name in STEP_ORDER:
            if name not in done:
                self.add(name, Status.SKIP, f"not checked: {reason}", STEP_KEYS[name])

    def unexpected(self, exc: Exception) -> None:
        """Record an answer the steps did not foresee as a failure of the next step."""
        done = {step.name for step in self.steps}
        name = next((n for n in STEP_ORDER if n not in done), "projects")
        what = clean(" ".join(str(exc).split()), 120) or type(exc).__name__
        self.add(
            name,
            Status.FAIL,
            f"the registry sent an answer check cannot use ({type(exc).__name__}: {what})",
            STEP_KEYS[name],
        )
        self.skip_rest("the registry answered unexpectedly")

    def failure(self, name: str, error: NetError, what: str, key: str, then: str) -> None:
        """Record a network failure of step ``name``; skip the rest (saying why)."""
        self.add(name, Status.FAIL, f"{what}: {error.detail}", key)
        self.skip_rest(error.detail if error.kind == "deadline" else then)


def run_check(
    cfg: MirrorConfig,
    *,
    timeout: float = 5.0,
    deadline: float = 30.0,
    env: Mapping[str, str] | None = None,
    page_size: int = 100,
    allow_token_service: bool = False,
) -> CheckReport:
    """Check the registry mirror of ``cfg`` for real, within ``deadline`` seconds.

    ``env`` supplies ``EKSA_REGISTRY_MIRROR_CA``, ``REGISTRY_USERNAME`` and
    ``REGISTRY_PASSWORD`` (``None``: the process environment). The result is plain data;
    nothing is printed and no exception escapes for network or certificate problems.
    ``allow_token_service``: a Bearer token service on another host may be contacted
    (with the credentials, as containerd does); otherwise only the endpoint is.
    """
    problem = config_problem(cfg)
    if problem is not None:
        key, message = problem
        return CheckReport(
            cfg.endpoint, cfg.port, (CheckStep("config", Status.FAIL, message, key),)
        )
    env = os.environ if env is None else env
    run = _Run(cfg, env, Deadline(timeout, deadline), page_size, allow_token_service)
    run.redactor = Redactor.for_credentials(env, USERNAME_ENV, PASSWORD_ENV)
    _ca_step(run)
    if run.steps[-1].status is Status.FAIL:
        run.skip_rest("the CA cannot be used")
    else:
        try:
            _network_steps(run)
        except Exception as exc:  # a registry answer no step foresaw: still a message
            run.unexpected(exc)
    steps = tuple(_redacted(step, run.redactor) for step in run.steps)
    return CheckReport(cfg.endpoint, cfg.port, steps, tuple(run.projects), run.unverified)


def _redacted(step: CheckStep, redactor: Redactor) -> CheckStep:
    return replace(
        step,
        message=redactor(step.message),
        details=tuple(redactor(detail) for detail in step.details),
    )


# --------------------------------------------------------------------------- ca


def _ca_step(run: _Run) -> None:
    cfg = run.cfg
    content = cfg.ca_cert_content
    source = "caCertContent"
    env_ca = None if content else ca_from_env(run.env)
    if env_ca is not None:
        if env_ca.error:
            message = f"reading the cert file {env_ca.path}: {env_ca.error}"
            run.add("ca", Status.FAIL, message, "caCertContent")
            return
        content, source = env_ca.content, f"{CA_ENV} ({env_ca.path})"
    if not content:
        if cfg.insecure_skip_verify:
            run.add(
                "ca", Status.OK, "no caCertContent (insecureSkipVerify is set)", "caCertContent"
            )
        else:
            run.add(
                "ca",
                Status.OK,
                "no caCertContent: the server certificate must chain to the system trust store",
                "caCertContent",
            )
        return
    try:
        cert = pki.first_certificate(content)
    except pki.CertificateError as exc:
        run.add("ca", Status.FAIL, str(exc), "caCertContent")
        return
    details: tuple[str, ...] = ()
    if pki.has_private_key(content):
        details = ("caCertContent also contains a private key: remove it (it is not shown here)",)
    run.ca_cert = cert
    run.ca_pem = certs.pem_of(cert)
    run.ca_label = f"the CA in {source} ({certs.short_name(cert.subject)})"
    run.add("ca", Status.OK, f"using {run.ca_label}", "caCertContent", details)


def _verify_context(run: _Run) -> ssl.SSLContext:
    return gotls.verifying_context(run.ca_pem)


def _unverified_context() -> ssl.SSLContext:
    return gotls.unverified_context()


# --------------------------------------------------------------------------- network


def _network_steps(run: _Run) -> None:
    cfg = run.cfg
    # connect
    try:
        sock = connect(cfg.endpoint, run.port, run.deadline.budget())
    except NetError as exc:
        _connect_failed(run, exc)
        return
    run.add("connect", Status.OK, f"TCP connection to {run.address}", "endpoint")
    # tls (unverified, to learn the protocol and read the server certificate)
    try:
        shake = probe_handshake(sock, _unverified_context(), cfg.endpoint, run.deadline.budget())
    except NetError as exc:
        _tls_failed(run, exc)
        return
    version, der = shake.version, shake.der
    if der:
        try:
            run.leaf_cert = x509.load_der_x509_certificate(der)
            run.leaf = certs.CertInfo.from_cert(run.leaf_cert)
        except ValueError:  # OpenSSL took it, the stricter parser does not: no details
            run.leaf_cert, run.leaf = None, None
    run.add("tls", Status.OK, f"{version} handshake", "port")
    # certificate
    if not _certificate_step(run):
        return
    context = _unverified_context() if cfg.insecure_skip_verify else _verify_context(run)
    session = Session(cfg.endpoint, run.port, context, run.deadline)
    if run.allow_token_service:
        # containerd adds the mirror's CA to the system roots for every host it talks to.
        session.realm_context = (
            _unverified_context()
            if cfg.insecure_skip_verify
            else gotls.verifying_context(run.ca_pem, system_roots=True)
        )
    try:
        _registry_steps(run, session)
    finally:
        for token in session.tokens:
            run.redactor.add(token)


def _registry_steps(run: _Run, session: Session) -> None:
    """``api``, ``auth`` and ``projects``, over a verified (or allowed) TLS connection."""
    try:
        response = session.get("/v2/")
    except NetError as exc:
        run.failure("api", exc, "GET /v2/ failed", "endpoint", "the registry API did not answer")
        return
    if not _api_step(run, response):
        return
    if not _auth_step(run, session, response):
        return
    _projects_step(run, session)


def _connect_failed(run: _Run, exc: NetError) -> None:
    if exc.kind == "refused":
        run.add(
            "connect",
            Status.FAIL,
            f"connection refused: nothing listens on {run.address}",
            "port",
        )
    elif exc.kind == "dns":
        run.add("connect", Status.FAIL, exc.detail, "endpoint")
    elif exc.kind in ("timeout", "deadline"):
        run.add("connect", Status.FAIL, f"TCP connect to {run.address}: {exc.detail}", "endpoint")
    else:
        run.add(
            "connect", Status.FAIL, f"cannot connect to {run.address}: {exc.detail}", "endpoint"
        )
    run.skip_rest("no connection")


def _tls_failed(run: _Run, exc: NetError) -> None:
    if exc.kind in ("timeout", "deadline", "slow"):
        silent = "" if exc.kind == "slow" or "still answering" in exc.detail else _SILENT
        run.add(
            "tls", Status.FAIL, f"TLS handshake with {run.address}: {exc.detail}{silent}", "port"
        )
        run.skip_rest(exc.detail if exc.kind == "deadline" else "no TLS connection")
        return
    status_line = plain_http_status_line(run.cfg.endpoint, run.port, run.deadline)
    if status_line is not None:
        run.add(
            "tls",
            Status.FAIL,
            f"{run.address} speaks plain HTTP ({status_line}), not TLS: EKS Anywhere always"
            f" pulls from https://{run.address}",
            "port",
        )
    else:
        reason = _what_go_refuses(run) if exc.kind == "tls" else None
        run.add(
            "tls",
            Status.FAIL,
            f"TLS handshake with {run.address} failed: {reason or _alert(exc.detail)}",
            "port",
        )
    run.skip_rest("no TLS connection")


def _alert(detail: str) -> str:
    """``SSLV3_ALERT_HANDSHAKE_FAILURE`` → words (other details unchanged)."""
    for prefix in ("SSLV3_ALERT_", "TLSV1_ALERT_", "TLSV13_ALERT_"):
        if detail.startswith(prefix):
            alert = detail[len(prefix) :].lower()
            return f"the registry refused the handshake (TLS alert {alert})"
    return detail


def _what_go_refuses(run: _Run) -> str | None:
    """Why a handshake Go refuses would work for a laxer client (``None``: it would not)."""
    try:
        sock = connect(run.cfg.endpoint, run.port, run.deadline.budget())
        tls = tls_wrap(sock, gotls.anything_context(), run.cfg.endpoint, run.deadline.budget())
    except NetError:
        return None
    try:
        cipher = tls.cipher()
        return gotls.refusal(tls.version() or "", cipher[0] if cipher else "")
    finally:
        tls.close()


def _certificate_step(run: _Run) -> bool:
    """Verify the server certificate as Go does; ``False`` when later steps must not run."""
    cfg = run.cfg
    verify_error: NetError | None = None
    try:
        sock = connect(cfg.endpoint, run.port, run.deadline.budget())
        tls_wrap(sock, _verify_context(run), cfg.endpoint, run.deadline.budget()).close()
    except NetError as exc:
        if exc.kind != "verify":
            then = "the server certificate could not be verified"
            run.failure("certificate", exc, "verifying TLS connection", "endpoint", then)
            return False
        verify_error = exc
    trust = run.ca_label or "the system trust store"
    if verify_error is None:
        names = run.leaf.names if run.leaf else cfg.endpoint
        if cfg.insecure_skip_verify:
            run.add(
                "certificate",
                Status.WARN,
                "insecureSkipVerify is set: certificates are not verified (it would verify"
                f" with {trust}; consider removing insecureSkipVerify)",
                "insecureSkipVerify",
            )
            return True
        run.add(
            "certificate",
            Status.OK,
            f"server certificate for {names} verified with {trust}",
            "caCertContent" if run.ca_label else "endpoint",
        )
        return True
    key, message, details = _name_failure(run, verify_error)
    if cfg.insecure_skip_verify:
        run.add(
            "certificate",
            Status.WARN,
            "insecureSkipVerify is set: certificates are not verified (Warning: skip registry"
            " certificate verification is enabled)",
            "insecureSkipVerify",
            (f"verification would fail: {message}", *details),
        )
        return True
    run.add("certificate", Status.FAIL, message, key, details)
    run.skip_rest(
        "the server certificate is not trusted (credentials are never sent to an untrusted server)"
    )
    return False


def _name_failure(run: _Run, error: NetError) -> tuple[str, str, tuple[str, ...]]:
    """The key, the precise message and further facts for a certificate that does not verify."""
    served = chain.served_chain(run.cfg.endpoint, run.port, run.deadline)
    intermediates: tuple[x509.Certificate, ...] | None = None
    if served:
        try:
            parsed = [x509.load_der_x509_certificate(der) for der in served[:16]]
        except ValueError:
            parsed = []
        if parsed and (run.leaf_cert is None or parsed[0] == run.leaf_cert):
            intermediates = tuple(parsed[1:])
    now = dt.datetime.now(dt.timezone.utc)
    context = why.Context(
        endpoint=run.cfg.endpoint,
        code=error.verify_code,
        detail=error.detail,
        leaf=run.leaf_cert,
        intermediates=intermediates,
        ca=run.ca_cert,
        ca_label=run.ca_label,
        now=now,
    )
    key, message = why.explain(context)
    trusted = run.ca_cert is not None and run.leaf_cert == run.ca_cert
    findings = (
        certs.own_findings(run.leaf, run.cfg.endpoint, now, trusted=trusted) if run.leaf else []
    )
    return key, message, tuple(text for _, text in findings if text != message)


def _api_step(run: _Run, response: Response) -> bool:
    cfg = run.cfg
    url = f"https://{run.address}/v2/"
    api_version = response.header("Docker-Distribution-API-Version")
    try:
        run.challenge = parse_challenge(response.header("WWW-Authenticate"))
    except Broken as exc:
        run.add("api", Status.FAIL, f"the registry is broken: {exc}", "endpoint")
        run.skip_rest("the registry API did not answer as expected")
        return False
    if response.status == 200:
        run.add("api", Status.OK, f"OCI distribution API answers at {url}", "endpoint")
        return True
    if response.status == 401:
        challenge = run.challenge
        scheme = challenge.describe() if challenge else "no WWW-Authenticate header"
        if cfg.authenticate:
            run.add(
                "api",
                Status.OK,
                f"OCI distribution API answers at {url} (login required: {scheme})",
                "endpoint",
            )
            return True
        if challenge is not None and challenge.scheme == "bearer":
            run.add(
                "api",
                Status.WARN,
                f"{url} asks for a login ({scheme}) but authenticate is not set: nodes pull"
                " anonymously, which works only for public projects",
                "authenticate",
            )
            run.skip_rest("authenticate is not set")
            return False
        run.add(
            "api",
            Status.FAIL,
            f"{url} requires a login ({scheme}) but authenticate is not set: nodes would pull"
            " anonymously and be refused",
            "authenticate",
        )
        run.skip_rest("authenticate is not set")
        return False
    hint = "" if api_version else " (no Docker-Distribution-API-Version header: not a registry?)"
    location = response.header("Location")
    if response.status in (301, 302, 303, 307, 308) and location:
        hint = (
            f", a redirect to {clean(location)} (not followed: check only talks to the"
            " configured endpoint, and EKS Anywhere expects the registry API at it)"
        )
    run.add(
        "api",
        Status.FAIL,
        f"{url} answered HTTP {response.status} {clean(response.reason, 80)}".rstrip() + hint,
        "endpoint",
    )
    run.skip_rest("the registry API did not answer as expected")
    return False


def _auth_step(run: _Run, session: Session, response: Response) -> bool:
    cfg = run.cfg
    if not cfg.authenticate:
        run.add("auth", Status.SKIP, "authenticate is not set: anonymous pulls", "authenticate")
        return True
    for name in (USERNAME_ENV, PASSWORD_ENV):
        if name not in run.env:
            run.add("auth", Status.FAIL, f"please set {name} env var", "authenticate")
            run.skip_rest("not logged in")
            return False
    credentials = Credentials(run.env[USERNAME_ENV], run.env[PASSWORD_ENV])
    challenge = run.challenge
    if response.status == 200:
        run.add(
            "auth",
            Status.WARN,
            "the registry did not ask for credentials on /v2/: REGISTRY_USERNAME/REGISTRY_PASSWORD"
            " could not be verified",
            "authenticate",
        )
        return True
    if challenge is None:
        run.add(
            "auth",
            Status.FAIL,
            f"/v2/ answered HTTP {response.status} without a WWW-Authenticate challenge:"
            " no way to log in",
            "authenticate",
        )
        run.skip_rest("not logged in")
        return False
    try:
        session.login(challenge, credentials)
    except NetError as exc:
        run.failure("auth", exc, "login failed", "authenticate", "not logged in")
        return False
    except LoginError as exc:
        if exc.kind == "other-host":
            run.add("auth", Status.WARN, exc.message, "authenticate")
            run.unverified = ("login", "projects")
            run.skip_rest("not logged in (the token service is on another host)")
            return False
        run.add("auth", Status.FAIL, exc.message, "authenticate")
        run.skip_rest("not logged in")
        return False
    run.add(
        "auth",
        Status.OK,
        f"logged in as REGISTRY_USERNAME ({session.scheme} authentication)",
        "authenticate",
    )
    return True


def _mirror_path(cfg: MirrorConfig, mirror: str) -> str:
    base = cfg.base_registry
    return mirror[len(base) + 1 :] if mirror.startswith(base + "/") else ""


def _projects_step(run: _Run, session: Session) -> None:
    cfg = run.cfg
    mapping = cfg.namespaced_registry_map()
    needed = required_projects(cfg.eksa_version)
    if PUBLIC_ECR not in mapping:
        run.add(
            "projects",
            Status.FAIL,
            f"ociNamespaces has no entry for {PUBLIC_ECR}: EKS Anywhere's own images are not"
            " mirrored",
            "ociNamespaces",
        )
        return
    public_ns = _mirror_path(cfg, mapping[PUBLIC_ECR])
    wanted: list[tuple[str, str, bool]] = [
        (PUBLIC_ECR, f"{public_ns}/{project}" if public_ns else project, True) for project in needed
    ]
    for registry, mirror in mapping.items():
        namespace = _mirror_path(cfg, mirror)
        if registry != PUBLIC_ECR and namespace and namespace != public_ns:
            wanted.append((registry, namespace, False))
    catalog = session.catalog(run.page_size, [path for _, path, _ in wanted])
    if catalog.present is None:
        run.projects.extend(ProjectResult(r, p, ProjectState.UNKNOWN, req) for r, p, req in wanted)
        if catalog.is_broken or catalog.kind not in ("http", "elsewhere"):
            # A broken answer, or the listing did not finish (deadline, slow, reset...).
            prefix = "the registry is broken: " if catalog.is_broken else ""
            run.add(
                "projects",
                Status.FAIL,
                f"{prefix}{catalog.why}; {len(needed)} projects not verified",
                "ociNamespaces",
            )
            return
        run.add(
            "projects",
            Status.WARN,
            f"{catalog.why}: {len(needed)} projects not verified (create them if your registry"
            " needs projects, e.g. Harbor)",
            "ociNamespaces",
        )
        return
    for registry, path, required in wanted:
        present = path in catalog.present
        state = ProjectState.PRESENT if present else ProjectState.MISSING
        run.projects.append(ProjectResult(registry, path, state, required))
    missing = [p.path for p in run.projects if p.required and p.state is ProjectState.MISSING]
    empty = [p for p in run.projects if not p.required and p.state is ProjectState.MISSING]
    where = f" under {public_ns}/" if public_ns else ""
    if missing:
        run.add(
            "projects",
            Status.FAIL,
            f"missing {len(missing)} of {len(needed)} projects EKS Anywhere needs{where}:"
            f" {', '.join(missing)} (create them and run eksctl anywhere import images)",
            "ociNamespaces",
        )
        return
    if empty:
        names = ", ".join(f"{p.path} ({p.registry})" for p in empty)
        run.add(
            "projects",
            Status.WARN,
            f"all {len(needed)} projects EKS Anywhere needs are present{where}; nothing yet"
            f" under {names}",
            "ociNamespaces",
        )
        return
    run.add(
        "projects",
        Status.OK,
        f"all {len(needed)} projects EKS Anywhere needs are present{where}",
        "ociNamespaces",
    )
