"""The OCI distribution API as ``check`` uses it: ``/v2/``, login, ``/v2/_catalog``.

Login follows the scheme the registry announces in ``WWW-Authenticate`` (Basic, or a Bearer
token from the realm: docs/check.md, the ``auth`` step). Credentials live only in
``Credentials`` (whose ``repr`` hides them) and in request headers; no message, exception or
JSON built here contains them, or a token.
"""

from __future__ import annotations

import base64
import ssl
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field

from eksa_mirror.core.mirror import join_host_port
from eksa_mirror.probe import parse
from eksa_mirror.probe.net import Deadline, NetError, Response, https_get
from eksa_mirror.probe.parse import Broken, Challenge, bearer_token, clean, parse_challenge

__all__ = [
    "Broken",
    "Catalog",
    "Challenge",
    "Credentials",
    "LoginError",
    "Session",
    "parse_challenge",
    "same_origin",
]

#: Sends ``GET path`` with an ``Authorization`` value ("" for none) to the mirror.
Getter = Callable[[str, str], Response]

#: At most this many ``/v2/_catalog`` pages are read (the deadline usually ends it first).
MAX_PAGES = 10_000


@dataclass(frozen=True)
class Credentials:
    """``REGISTRY_USERNAME``/``REGISTRY_PASSWORD``; never printed (``repr`` hides both)."""

    username: str = field(repr=False)
    password: str = field(repr=False)

    def basic(self) -> str:
        raw = f"{self.username}:{self.password}".encode()
        return "Basic " + base64.b64encode(raw).decode("ascii")


def same_origin(url: str, endpoint: str, port: int) -> bool:
    """``True`` if ``url`` is ``https://endpoint:port/…`` (the only place we may go)."""
    try:
        parts = urllib.parse.urlsplit(url)
        url_port = parts.port or 443
    except ValueError:  # e.g. "Invalid IPv6 URL", a port out of range
        return False
    if parts.scheme.lower() != "https" or parts.hostname is None:
        return False
    return parts.hostname.lower() == endpoint.strip("[]").lower() and url_port == port


class LoginError(Exception):
    """Login failed; ``kind`` is ``rejected``, ``other-host`` or ``protocol``."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


@dataclass
class Session:
    """Requests to one registry, with the ``Authorization`` header once logged in."""

    endpoint: str
    port: int
    context: ssl.SSLContext
    deadline: Deadline
    authorization: str | None = field(default=None, repr=False)
    scheme: str = ""
    #: Bearer tokens received, for redaction (never printed).
    tokens: list[str] = field(default_factory=list, repr=False)
    #: The TLS context for a token service on another host, when the user allows one
    #: (``None``: such a token service is never contacted).
    realm_context: ssl.SSLContext | None = None
    #: The origins (``https://host:port``) the credentials were sent to.
    sent_to: set[str] = field(default_factory=set)

    @property
    def base_url(self) -> str:
        return f"https://{join_host_port(self.endpoint, self.port)}"

    def get(self, path: str, authorization: str | None = None) -> Response:
        headers = {}
        value = authorization if authorization is not None else self.authorization
        if value:
            headers["Authorization"] = value
            self.credentials_sent(value, self.base_url)
        return https_get(self.endpoint, self.port, self.context, path, self.deadline, headers)

    def credentials_sent(self, authorization: str, origin: str) -> None:
        """Record that ``authorization`` went to ``origin`` (the report names every place
        REGISTRY_USERNAME/REGISTRY_PASSWORD were sent)."""
        if authorization.startswith("Basic "):
            self.sent_to.add(origin)

    def login(self, challenge: Challenge, credentials: Credentials) -> None:
        """Log in with the announced scheme; raises ``LoginError``."""
        if challenge.scheme == "basic":
            response = self.get("/v2/", credentials.basic())
            if response.status in (401, 403):
                raise LoginError(
                    "rejected",
                    "the registry rejected the credentials in REGISTRY_USERNAME/REGISTRY_PASSWORD"
                    f" (HTTP {response.status} on /v2/ with Basic authentication)",
                )
            if response.status != 200:
                raise LoginError("protocol", f"/v2/ answered {_status(response)} after Basic login")
            self.authorization = credentials.basic()
            self.scheme = "Basic"
            return
        if challenge.scheme == "bearer":
            token = self.token(challenge, credentials, scope="registry:catalog:*")
            response = self.get("/v2/", f"Bearer {token}")
            if response.status != 200:
                raise LoginError(
                    "protocol",
                    f"/v2/ answered {_status(response)} with the token from"
                    f" {clean(challenge.realm)}",
                )
            self.authorization = f"Bearer {token}"
            self.scheme = "Bearer"
            return
        raise LoginError(
            "protocol",
            f"the registry asks for {clean(challenge.scheme, 40)!r} authentication, which EKS"
            " Anywhere does not support (Basic or Bearer)",
        )

    def token(
        self,
        challenge: Challenge,
        credentials: Credentials | None,
        scope: str,
        via: Getter | None = None,
    ) -> str:
        """A Bearer token for ``scope`` from the challenge's realm, asked with the
        credentials (anonymously when ``credentials`` is None); raises ``LoginError``.

        ``via`` sends a request to the mirror itself (a worker's open connection) when the
        realm is there; a realm elsewhere is asked only with ``realm_context``.
        """
        realm = challenge.realm
        basic = credentials.basic() if credentials is not None else ""
        response = self._ask_realm(challenge, scope, basic, via)
        if response.status in (401, 403):
            raise LoginError(
                "rejected",
                "the registry rejected the credentials in REGISTRY_USERNAME/REGISTRY_PASSWORD"
                f" (HTTP {response.status} from the token service {clean(realm)})"
                if basic
                else f"the token service {clean(realm)} refused an anonymous token"
                f" (HTTP {response.status})",
            )
        if response.status != 200:
            raise LoginError(
                "protocol", f"the token service {clean(realm)} answered {_status(response)}"
            )
        try:
            token = bearer_token(response.body, realm)
        except Broken as exc:
            raise LoginError("protocol", str(exc)) from None
        self.tokens.append(token)
        return token

    def _ask_realm(
        self, challenge: Challenge, scope: str, basic: str, via: Getter | None
    ) -> Response:
        """``GET realm?service=…&scope=…`` with ``basic`` ("" for none), where allowed."""
        parts, realm_port, here = self._token_service(challenge.realm)
        query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
        if "service" in challenge.params:
            query.append(("service", challenge.params["service"]))
        query.append(("scope", scope))
        path = (parts.path or "/") + "?" + urllib.parse.urlencode(query)
        if here:
            if basic:
                self.credentials_sent(basic, self.base_url)
            return via(path, basic) if via is not None else self.get(path, basic)
        host = parts.hostname or ""
        assert self.realm_context is not None  # _token_service refused otherwise
        if basic:
            self.credentials_sent(basic, f"https://{join_host_port(host, realm_port)}")
        headers = {"Authorization": basic} if basic else {}
        return https_get(host, realm_port, self.realm_context, path, self.deadline, headers)

    def _token_service(self, realm: str) -> tuple[urllib.parse.SplitResult, int, bool]:
        """The realm's URL and port, and whether it is on the mirror itself; a ``LoginError``
        when it is no https URL, or elsewhere without ``--allow-token-service``."""
        if not realm:
            raise LoginError("protocol", "the Bearer challenge has no realm")
        here = same_origin(realm, self.endpoint, self.port)
        if not here and self.realm_context is None:
            raise LoginError(
                "other-host",
                f"the token service {clean(realm)} is not on {self.base_url}: not contacted"
                " (check only talks to the configured endpoint unless --allow-token-service"
                " is given), so the login and the projects were not verified",
            )
        try:
            parts = urllib.parse.urlsplit(realm)
            realm_port = parts.port or 443
        except ValueError:
            raise LoginError("protocol", f"the token realm {clean(realm)} is not a URL") from None
        if parts.scheme.lower() != "https" or not parts.hostname:
            raise LoginError(
                "protocol",
                f"the token service {clean(realm)} is not an https:// URL: not contacted",
            )
        return parts, realm_port, here

    def catalog(
        self, page_size: int, wanted: list[str], visit: Callable[[list[str]], bool] | None = None
    ) -> Catalog:
        """Which ``wanted`` repository prefixes exist, page by page through ``/v2/_catalog``.

        Pages are not kept: each is matched against ``wanted`` and dropped, and paging
        stops once every prefix is found, so memory stays bounded however many pages the
        registry sends. ``visit``, when given, sees each page's names instead, and paging
        stops when it returns ``True``.
        """
        present: set[str] = set()

        def match(names: list[str]) -> bool:
            _match(names, wanted, present)
            return len(present) >= len(wanted)

        visit = visit or match
        path, previous, pages = f"/v2/_catalog?n={page_size}", "", 0
        done = not wanted and visit is match
        while path and not done:
            if path == previous:
                break
            if pages >= MAX_PAGES:
                return Catalog.broken(f"/v2/_catalog did not end after {MAX_PAGES} pages")
            previous, pages = path, pages + 1
            try:
                response = self.get(path)
            except NetError as exc:
                where = f" (page {pages})" if pages > 1 else ""
                return Catalog.unknown(f"GET /v2/_catalog{where} failed: {exc.detail}", exc.kind)
            problem = _page_problem(response)
            if problem is not None:
                return problem
            try:
                done = visit(parse.catalog_names(response.body))
                path, elsewhere = self._next_page(response)
            except Broken as exc:
                return Catalog.broken(str(exc))
            if elsewhere:
                return Catalog.unknown(
                    f"the next /v2/_catalog page is on {clean(elsewhere)}, not {self.base_url}:"
                    " not followed",
                    "elsewhere",
                )
        return Catalog(frozenset(present))

    def _next_page(self, response: Response) -> tuple[str, str]:
        """The path of the next catalog page ("" at the end), or the foreign URL."""
        target = parse.next_link(response.header_values("Link"))
        if not target:
            return "", ""
        if target.startswith("/") and not target.startswith("//"):
            return target, ""
        if not same_origin(target, self.endpoint, self.port):
            return "", target
        parts = urllib.parse.urlsplit(target)
        return parts.path + ("?" + parts.query if parts.query else ""), ""


def _page_problem(response: Response) -> Catalog | None:
    """A catalog page that is not a 200: a broken registry (5xx, 1xx, 2xx) or a refusal."""
    if response.status == 200:
        return None
    if response.status >= 500 or response.status < 300:
        return Catalog.broken(
            f"/v2/_catalog answered HTTP {response.status} {clean(response.reason, 80)}".rstrip()
        )
    return Catalog.unknown(_refusal(response), "http")


def _match(names: list[str], wanted: list[str], present: set[str]) -> None:
    for path in wanted:
        if path not in present and any(n == path or n.startswith(path + "/") for n in names):
            present.add(path)


def _status(response: Response) -> str:
    """``HTTP 500``, or ``HTTP 302, a redirect to … (not followed)``."""
    location = response.header("Location")
    if response.status in (301, 302, 303, 307, 308) and location:
        return f"HTTP {response.status}, a redirect to {clean(location)} (not followed)"
    return f"HTTP {response.status}"


def _refusal(response: Response) -> str:
    location = response.header("Location")
    if response.status in (301, 302, 303, 307, 308) and location:
        return f"/v2/_catalog redirects to {clean(location)} (HTTP {response.status}): not followed"
    return (
        f"the registry does not allow listing repositories (HTTP {response.status} on /v2/_catalog)"
    )


@dataclass(frozen=True)
class Catalog:
    """What ``/v2/_catalog`` told: the wanted prefixes present, or why it could not tell."""

    #: The wanted prefixes found (``None``: not known).
    present: frozenset[str] | None
    why: str = ""
    #: ``True`` when the registry answered with something no registry should send.
    is_broken: bool = False
    #: The ``NetError`` kind (or ``http``/``elsewhere``) when ``present`` is ``None``.
    kind: str = ""

    @classmethod
    def unknown(cls, why: str, kind: str) -> Catalog:
        return cls(None, why, False, kind)

    @classmethod
    def broken(cls, why: str) -> Catalog:
        return cls(None, why, True, "broken")
