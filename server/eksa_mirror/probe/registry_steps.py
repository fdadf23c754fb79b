"""The steps of ``eksa-mirror check`` over the registry API: ``api`` (``GET /v2/``),
``auth`` (login with REGISTRY_USERNAME/REGISTRY_PASSWORD, as the nodes would) and
``projects`` (the catalog against the projects EKS Anywhere needs; ``docs/check.md``).
"""

from __future__ import annotations

from eksa_mirror.core.eksa import releases
from eksa_mirror.core.mirror import (
    NO_PUBLIC_ECR,
    PASSWORD_ENV,
    PUBLIC_ECR,
    USERNAME_ENV,
    MirrorConfig,
)
from eksa_mirror.probe.net import NetError, Response
from eksa_mirror.probe.oci import Catalog, Credentials, LoginError, Session
from eksa_mirror.probe.parse import Broken, Challenge, clean, parse_challenge
from eksa_mirror.probe.report import ProjectResult, ProjectState, Status
from eksa_mirror.probe.run import Run


def required_projects(eksa_version: str = "") -> tuple[str, ...]:
    """The projects EKS Anywhere ``eksa_version`` needs ("" or unknown: the current list)."""
    return tuple(releases.required_projects(releases.parse_version(eksa_version)))


def registry_steps(run: Run, session: Session) -> str:
    """``api``, ``auth`` and ``projects``, over a verified (or allowed) TLS connection.

    Returns how the registry may be asked for images: ``login`` (logged in, or no login
    needed), ``anonymous`` (it asks for a login that the nodes, without ``authenticate``,
    do not give) or "" (not at all).
    """
    try:
        response = session.get("/v2/")
    except NetError as exc:
        run.failure("api", exc, "GET /v2/ failed", "endpoint", "the registry API did not answer")
        return ""
    if not _api_step(run, response):
        anonymous = response.status == 401 and not run.cfg.authenticate
        return "anonymous" if anonymous and run.challenge is not None else ""
    if not _auth_step(run, session, response):
        return ""
    _projects_step(run, session)
    return "login"


def _api_step(run: Run, response: Response) -> bool:
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
        return _login_asked(run, url)
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


def _login_asked(run: Run, url: str) -> bool:
    """``GET /v2/`` answered 401: fine with ``authenticate``, else a warning or a failure."""
    challenge = run.challenge
    scheme = challenge.describe() if challenge else "no WWW-Authenticate header"
    if run.cfg.authenticate:
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


def sendable_credentials(run: Run) -> Credentials | None:
    """The credentials the checks may send: REGISTRY_USERNAME/REGISTRY_PASSWORD when
    ``authenticate`` is set, both are in the environment and nothing withholds them."""
    if not run.cfg.authenticate or run.withheld:
        return None
    if USERNAME_ENV not in run.env or PASSWORD_ENV not in run.env:
        return None
    return Credentials(run.env[USERNAME_ENV], run.env[PASSWORD_ENV])


def _credentials(run: Run) -> Credentials | None:
    """REGISTRY_USERNAME and REGISTRY_PASSWORD, or a failed ``auth`` step naming the one unset."""
    for name in (USERNAME_ENV, PASSWORD_ENV):
        if name not in run.env:
            run.add("auth", Status.FAIL, f"please set {name} env var", "authenticate")
            run.skip_rest("not logged in")
            return None
    return sendable_credentials(run)


def _withheld(run: Run, response: Response) -> bool:
    """The ``auth`` step when the credentials may not be sent (``run.withheld`` says why):
    the projects are still listed when the registry lets anyone in."""
    what = f"{USERNAME_ENV}/{PASSWORD_ENV} not sent to {run.address}: {run.withheld}"
    if response.status == 200:
        run.add("auth", Status.WARN, f"{what}; the login was not checked", "authenticate")
        run.unverified = ("login",)
        return True
    run.add(
        "auth", Status.WARN, f"{what}; the login and the projects were not checked", "authenticate"
    )
    run.unverified = ("login", "projects")
    run.skip_rest("not logged in (the credentials were not sent)")
    return False


def _auth_step(run: Run, session: Session, response: Response) -> bool:
    cfg = run.cfg
    if not cfg.authenticate:
        run.add("auth", Status.SKIP, "authenticate is not set: anonymous pulls", "authenticate")
        return True
    if run.withheld:
        return _withheld(run, response)
    credentials = _credentials(run)
    if credentials is None:
        return False
    challenge = run.challenge
    if response.status == 200:
        run.add(
            "auth",
            Status.WARN,
            f"the registry did not ask for credentials on /v2/: {USERNAME_ENV}/{PASSWORD_ENV}"
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
    return _login(run, session, challenge, credentials)


def _login(run: Run, session: Session, challenge: Challenge, credentials: Credentials) -> bool:
    """The login the challenge asks for; whether the next steps can run."""
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
        f"logged in as {USERNAME_ENV} ({session.scheme} authentication)",
        "authenticate",
    )
    return True


def _mirror_path(cfg: MirrorConfig, mirror: str) -> str:
    base = cfg.base_registry
    return mirror[len(base) + 1 :] if mirror.startswith(base + "/") else ""


def _projects_step(run: Run, session: Session) -> None:
    cfg = run.cfg
    mapping = cfg.namespaced_registry_map()
    needed = _bundle_projects(run) or required_projects(cfg.eksa_version)
    if PUBLIC_ECR not in mapping:
        run.add(
            "projects",
            Status.FAIL,
            NO_PUBLIC_ECR,
            "ociNamespaces",
        )
        return
    public_ns = _mirror_path(cfg, mapping[PUBLIC_ECR])
    wanted = _wanted(cfg, needed, public_ns)
    catalog = session.catalog(run.page_size, [path for _, path, _ in wanted])
    if catalog.present is None:
        run.projects.extend(ProjectResult(r, p, ProjectState.UNKNOWN, req) for r, p, req in wanted)
        _unlisted(run, catalog, len(needed))
        return
    for registry, path, required in wanted:
        present = path in catalog.present
        state = ProjectState.PRESENT if present else ProjectState.MISSING
        run.projects.append(ProjectResult(registry, path, state, required))
    _judge_projects(run, len(needed), public_ns)


def _bundle_projects(run: Run) -> tuple[str, ...]:
    """With ``--images``, the projects of the bundle's own ``public.ecr.aws`` references
    (the first path segment of each), rather than the documented list."""
    if run.plan is None:
        return ()
    prefix = PUBLIC_ECR + "/"
    needed = run.plan.images.needed
    projects = [
        r.image[len(prefix) :].partition("/")[0] for r in needed if r.image.startswith(prefix)
    ]
    return tuple(dict.fromkeys(projects))


def _wanted(
    cfg: MirrorConfig, needed: tuple[str, ...], public_ns: str
) -> list[tuple[str, str, bool]]:
    """(upstream registry, mirror path, required) of each project to look for."""
    wanted = [
        (PUBLIC_ECR, f"{public_ns}/{project}" if public_ns else project, True) for project in needed
    ]
    for registry, mirror in cfg.namespaced_registry_map().items():
        namespace = _mirror_path(cfg, mirror)
        if registry != PUBLIC_ECR and namespace and namespace != public_ns:
            wanted.append((registry, namespace, False))
    return wanted


def _unlisted(run: Run, catalog: Catalog, needed: int) -> None:
    """The ``projects`` step when the catalog could not be listed."""
    if catalog.is_broken or catalog.kind not in ("http", "elsewhere"):
        # A broken answer, or the listing did not finish (deadline, slow, reset...).
        prefix = "the registry is broken: " if catalog.is_broken else ""
        message = f"{prefix}{catalog.why}; {needed} projects not verified"
        run.add("projects", Status.FAIL, message, "ociNamespaces")
        return
    run.add(
        "projects",
        Status.WARN,
        f"{catalog.why}: {needed} projects not verified (create them if your registry"
        " needs projects, e.g. Harbor)",
        "ociNamespaces",
    )


def _judge_projects(run: Run, needed: int, public_ns: str) -> None:
    """The ``projects`` step from the projects found present or missing."""
    missing = [p.path for p in run.projects if p.required and p.state is ProjectState.MISSING]
    empty = [p for p in run.projects if not p.required and p.state is ProjectState.MISSING]
    where = f" under {public_ns}/" if public_ns else ""
    if missing:
        run.add(
            "projects",
            Status.FAIL,
            f"missing {len(missing)} of {needed} projects EKS Anywhere needs{where}:"
            f" {', '.join(missing)} (create them and run eksctl anywhere import images)",
            "ociNamespaces",
        )
        return
    if empty:
        names = ", ".join(f"{p.path} ({p.registry})" for p in empty)
        run.add(
            "projects",
            Status.WARN,
            f"all {needed} projects EKS Anywhere needs are present{where}; nothing yet"
            f" under {names}",
            "ociNamespaces",
        )
        return
    run.add(
        "projects",
        Status.OK,
        f"all {needed} projects EKS Anywhere needs are present{where}",
        "ociNamespaces",
    )
