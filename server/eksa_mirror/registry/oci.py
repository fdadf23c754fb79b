"""The OCI distribution API as ``check`` uses it: ``/v2/``, login, ``/v2/_catalog``.

Login follows the scheme the registry announces in ``WWW-Authenticate``:

* ``Basic``: the credentials go in an ``Authorization: Basic`` header.
* ``Bearer realm=…``: a token is fetched from the realm with the credentials, but only
  when the realm is on the same ``https://endpoint:port`` as the mirror — ``check``
  contacts nothing but the configured endpoint.

Credentials live only in ``Credentials`` (whose ``repr`` hides them) and in request
headers; no message, exception or JSON built here contains them, or a token.
"""

from __future__ import annotations

import base64
import json
import re
import ssl
import urllib.parse
from dataclasses import dataclass, field

from eksa_mirror.registry.net import Deadline, NetError, Response, host_port, https_get

_PARAM = re.compile(r'([A-Za-z][A-Za-z0-9_-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,"]*))')
_LINK_NEXT = re.compile(r'<([^>]*)>\s*;\s*rel="?next"?')


@dataclass(frozen=True)
class Credentials:
    """``REGISTRY_USERNAME``/``REGISTRY_PASSWORD``; never printed (``repr`` hides both)."""

    username: str = field(repr=False)
    password: str = field(repr=False)

    def basic(self) -> str:
        raw = f"{self.username}:{self.password}".encode()
        return "Basic " + base64.b64encode(raw).decode("ascii")


@dataclass(frozen=True)
class Challenge:
    """A parsed ``WWW-Authenticate`` header."""

    scheme: str
    params: dict[str, str]

    @property
    def realm(self) -> str:
        return self.params.get("realm", "")

    def describe(self) -> str:
        if self.scheme == "bearer":
            return f"Bearer token from {self.realm}" if self.realm else "Bearer token"
        return self.scheme.capitalize()


def parse_challenge(header: str) -> Challenge | None:
    """The first challenge of a ``WWW-Authenticate`` value (``None`` when empty)."""
    header = header.strip()
    if not header:
        return None
    scheme, _, rest = header.partition(" ")
    params: dict[str, str] = {}
    for match in _PARAM.finditer(rest):
        name, quoted, bare = match.groups()
        value = quoted if quoted is not None else bare
        params[name.lower()] = re.sub(r"\\(.)", r"\1", value)
    return Challenge(scheme.lower(), params)


def same_origin(url: str, endpoint: str, port: int) -> bool:
    """``True`` if ``url`` is ``https://endpoint:port/…`` (the only place we may go)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() != "https" or parts.hostname is None:
        return False
    try:
        url_port = parts.port or 443
    except ValueError:
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

    @property
    def base_url(self) -> str:
        return f"https://{host_port(self.endpoint, self.port)}"

    def get(self, path: str, authorization: str | None = None) -> Response:
        headers = {}
        value = authorization if authorization is not None else self.authorization
        if value:
            headers["Authorization"] = value
        return https_get(self.endpoint, self.port, self.context, path, self.deadline, headers)

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
                raise LoginError(
                    "protocol", f"/v2/ answered HTTP {response.status} after Basic login"
                )
            self.authorization = credentials.basic()
            self.scheme = "Basic"
            return
        if challenge.scheme == "bearer":
            token = self._token(challenge, credentials, scope="registry:catalog:*")
            response = self.get("/v2/", f"Bearer {token}")
            if response.status != 200:
                raise LoginError(
                    "protocol",
                    f"/v2/ answered HTTP {response.status} with the token from {challenge.realm}",
                )
            self.authorization = f"Bearer {token}"
            self.scheme = "Bearer"
            return
        raise LoginError(
            "protocol",
            f"the registry asks for {challenge.scheme!r} authentication, which EKS Anywhere"
            " does not support (Basic or Bearer)",
        )

    def _token(self, challenge: Challenge, credentials: Credentials, scope: str) -> str:
        realm = challenge.realm
        if not realm:
            raise LoginError("protocol", "the Bearer challenge has no realm")
        if not same_origin(realm, self.endpoint, self.port):
            raise LoginError(
                "other-host",
                f"the token service {realm} is not on {self.base_url}: not contacted"
                " (check only talks to the configured endpoint), credentials not verified",
            )
        parts = urllib.parse.urlsplit(realm)
        query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
        if "service" in challenge.params:
            query.append(("service", challenge.params["service"]))
        query.append(("scope", scope))
        path = (parts.path or "/") + "?" + urllib.parse.urlencode(query)
        response = self.get(path, credentials.basic())
        if response.status in (401, 403):
            raise LoginError(
                "rejected",
                "the registry rejected the credentials in REGISTRY_USERNAME/REGISTRY_PASSWORD"
                f" (HTTP {response.status} from the token service {realm})",
            )
        if response.status != 200:
            raise LoginError(
                "protocol", f"the token service {realm} answered HTTP {response.status}"
            )
        try:
            data = json.loads(response.body)
            token = data.get("token") or data.get("access_token")
        except (ValueError, AttributeError):
            token = None
        if not isinstance(token, str) or not token:
            raise LoginError("protocol", f"the token service {realm} returned no token")
        return token

    def catalog(self, page_size: int) -> tuple[list[str] | None, str]:
        """All repository names via ``/v2/_catalog`` (paginated), or ``None`` and why not."""
        repositories: list[str] = []
        path = f"/v2/_catalog?n={page_size}"
        seen: set[str] = set()
        while path:
            if path in seen:
                return repositories, ""
            seen.add(path)
            try:
                response = self.get(path)
            except NetError as exc:
                return None, f"GET {path.split('?')[0]} failed: {exc.detail}"
            if response.status != 200:
                return None, (
                    "the registry does not allow listing repositories"
                    f" (HTTP {response.status} on /v2/_catalog)"
                )
            try:
                names = json.loads(response.body).get("repositories") or []
            except (ValueError, AttributeError):
                return None, "/v2/_catalog did not return JSON"
            repositories.extend(str(name) for name in names)
            path, elsewhere = self._next_page(response)
            if elsewhere:
                return None, (
                    f"the next /v2/_catalog page is on {elsewhere}, not {self.base_url}:"
                    " not followed"
                )
        return repositories, ""

    def _next_page(self, response: Response) -> tuple[str, str]:
        """The path of the next catalog page ("" at the end), or the foreign URL."""
        for link in response.header_values("Link"):
            match = _LINK_NEXT.search(link)
            if not match:
                continue
            target = match.group(1)
            if target.startswith("/"):
                return target, ""
            if not same_origin(target, self.endpoint, self.port):
                return "", target
            parts = urllib.parse.urlsplit(target)
            return parts.path + ("?" + parts.query if parts.query else ""), ""
        return "", ""
