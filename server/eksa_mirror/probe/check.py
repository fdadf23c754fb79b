"""``run_check``: does the configured registry mirror work for EKS Anywhere?

Runs the steps of ``docs/check.md`` in order: ``config``, ``ca``, ``connect``, ``tls`` and
``certificate`` here, ``api``, ``auth`` and ``projects`` in ``registry_steps``. Only
``endpoint:port`` is contacted, every operation is bounded in time, an unforeseen answer is
a failed step (never an exception), and every message passes through ``redact``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import ssl
from collections.abc import Mapping
from dataclasses import replace

from cryptography import x509

from eksa_mirror.core import pki
from eksa_mirror.core.eksa import errors, releases
from eksa_mirror.core.mirror import CA_ENV, PASSWORD_ENV, USERNAME_ENV, MirrorConfig, ca_from_env
from eksa_mirror.probe import certs, chain, gotls, why
from eksa_mirror.probe.images_report import ImagePlan
from eksa_mirror.probe.images_step import images_not_checked, images_step
from eksa_mirror.probe.net import (
    Deadline,
    NetError,
    connect,
    plain_http_status_line,
    probe_handshake,
    tls_wrap,
)
from eksa_mirror.probe.oci import Session
from eksa_mirror.probe.redact import Redactor
from eksa_mirror.probe.registry_steps import registry_steps
from eksa_mirror.probe.report import CheckReport, CheckStep, Status
from eksa_mirror.probe.run import Run

#: Projects EKS Anywhere needs in the mirror (docs "Configure local registry mirror").
PROJECTS = tuple(releases.required_projects(releases.LATEST))
#: Before v0.24.0 Cilium came from ``public.ecr.aws/isovalent`` (EKS-A #10157/#10158).
PROJECTS_BEFORE_V0_24 = tuple(releases.required_projects(releases.v("v0.23.0")))

_PORT = re.compile(r"\+?[0-9]+")
_SILENT = " (the port accepts connections but does not answer)"


def parse_eksa_version(text: str) -> tuple[int, int, int] | None:
    """``v0.24.1`` → ``(0, 24, 1)``; ``None`` unless it names an exact release ``[v]X.Y.Z``."""
    version = releases.parse_version(text.strip())
    if version is None or version.patch is None:
        return None
    return version.major, version.minor, version.patch


def config_problem(cfg: MirrorConfig) -> tuple[str, str] | None:
    """EKS-A's static endpoint/port rules, as ``(key, message)``, or ``None`` if usable."""
    if not cfg.endpoint:
        return "endpoint", errors.NO_ENDPOINT
    port = cfg.port
    # networkutils.IsPortValid: strconv.Atoi (ASCII digits, optional "+") and 1..65535.
    valid = _PORT.fullmatch(port) is not None and 1 <= int(port) <= 65535
    if not valid:
        return "port", errors.invalid_port(port)
    return None


def run_check(
    cfg: MirrorConfig,
    *,
    timeout: float = 5.0,
    deadline: float = 30.0,
    env: Mapping[str, str] | None = None,
    page_size: int = 100,
    allow_token_service: bool = False,
    images: ImagePlan | None = None,
    withhold: str = "",
) -> CheckReport:
    """Check the registry mirror of ``cfg`` for real, within ``deadline`` seconds.

    ``env`` supplies ``EKSA_REGISTRY_MIRROR_CA``, ``REGISTRY_USERNAME`` and
    ``REGISTRY_PASSWORD`` (``None``: the process environment). The result is plain data;
    nothing is printed and no exception escapes for network or certificate problems.
    ``allow_token_service``: a Bearer token service on another host may be contacted
    (with the credentials, as containerd does); otherwise only the endpoint is.
    ``images``: then also ask the mirror for every reference of the plan (the ``images``
    step, ``check --images``).
    ``withhold``: why the credentials must not be sent this time (the editor's question,
    an untrusted workspace); the check then runs every step it can without them.
    """
    problem = config_problem(cfg)
    if problem is not None:
        key, message = problem
        return CheckReport(
            cfg.endpoint, cfg.port, (CheckStep("config", Status.FAIL, message, key),)
        )
    env = os.environ if env is None else env
    run = Run(cfg, env, Deadline(timeout, deadline), page_size, allow_token_service, withhold)
    run.redactor = Redactor.for_credentials(env, USERNAME_ENV, PASSWORD_ENV)
    run.plan = images
    _ca_step(run)
    if run.steps[-1].status is Status.FAIL:
        run.skip_rest("the CA cannot be used")
    else:
        try:
            _network_steps(run)
        except Exception as exc:  # a registry answer no step foresaw: still a message
            run.unexpected(exc)
    if images is not None and run.images is None:
        run.images = images_not_checked(images, run.skip_reason or "the check stopped", run)
    steps = tuple(_redacted(step, run.redactor) for step in run.steps)
    return CheckReport(
        cfg.endpoint,
        cfg.port,
        steps,
        tuple(run.projects),
        run.unverified,
        run.images,
        run.sent_to,
    )


def _redacted(step: CheckStep, redactor: Redactor) -> CheckStep:
    return replace(
        step,
        message=redactor(step.message),
        details=tuple(redactor(detail) for detail in step.details),
    )


# --------------------------------------------------------------------------- ca


def _ca_step(run: Run) -> None:
    cfg = run.cfg
    content = cfg.ca_cert_content
    source = "caCertContent"
    env_ca = None if content else ca_from_env(run.env)
    if env_ca is not None:
        if env_ca.error:
            message = errors.cert_file_unreadable(env_ca.path, env_ca.error)
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
    run.ca_label = f"the CA in {source} ({pki.short_name(cert.subject)})"
    run.add("ca", Status.OK, f"using {run.ca_label}", "caCertContent", details)


def _verify_context(run: Run) -> ssl.SSLContext:
    return gotls.verifying_context(run.ca_pem)


def _unverified_context() -> ssl.SSLContext:
    return gotls.unverified_context()


# --------------------------------------------------------------------------- network


def _network_steps(run: Run) -> None:
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
            run.leaf = pki.summarize(run.leaf_cert)
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
        access = registry_steps(run, session)
        if run.plan is not None and access:
            run.images = images_step(run, session, run.plan, anonymous=access == "anonymous")
    finally:
        for token in session.tokens:
            run.redactor.add(token)
        run.sent_to = tuple(sorted(session.sent_to))


def _connect_failed(run: Run, exc: NetError) -> None:
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


def _tls_failed(run: Run, exc: NetError) -> None:
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


def _what_go_refuses(run: Run) -> str | None:
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


def _certificate_step(run: Run) -> bool:
    """Verify the server certificate as Go does; ``False`` when later steps must not run."""
    cfg = run.cfg
    try:
        sock = connect(cfg.endpoint, run.port, run.deadline.budget())
        tls_wrap(sock, _verify_context(run), cfg.endpoint, run.deadline.budget()).close()
    except NetError as exc:
        if exc.kind == "verify":
            return _unverified(run, exc)
        then = "the server certificate could not be verified"
        run.failure("certificate", exc, "verifying TLS connection", "endpoint", then)
        return False
    return _verified(run)


def _verified(run: Run) -> bool:
    """The certificate verified: OK, or a warning that ``insecureSkipVerify`` is not needed."""
    trust = run.ca_label or "the system trust store"
    if run.cfg.insecure_skip_verify:
        run.add(
            "certificate",
            Status.WARN,
            "insecureSkipVerify is set: certificates are not verified (it would verify"
            f" with {trust}; consider removing insecureSkipVerify)",
            "insecureSkipVerify",
        )
        return True
    names = certs.names(run.leaf) if run.leaf else run.cfg.endpoint
    run.add(
        "certificate",
        Status.OK,
        f"server certificate for {names} verified with {trust}",
        "caCertContent" if run.ca_label else "endpoint",
    )
    return True


def _unverified(run: Run, error: NetError) -> bool:
    """The certificate failed verification: a failure that stops the check, or a warning
    under ``insecureSkipVerify``."""
    key, message, details = _name_failure(run, error)
    if run.cfg.insecure_skip_verify:
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


def _name_failure(run: Run, error: NetError) -> tuple[str, str, tuple[str, ...]]:
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
