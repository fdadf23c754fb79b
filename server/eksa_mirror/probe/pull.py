"""Ask the mirror for one image reference, as a node's containerd would, and judge the answer.

``Puller.check`` sends ``GET /v2/<repository>/manifests/<tag>`` with containerd's Accept
types (indexes, manifests) over a worker's keep-alive connection, logs in the way the
registry asks (``PullAuth``: Basic, or a Bearer token per repository), retries 429 and 5xx
with backoff, and turns the answer into an ``ImageResult``. No exception escapes ``check``.
"""

from __future__ import annotations

import hashlib
import random
import threading
import time
from dataclasses import dataclass, field

from eksa_mirror.core.eksa.cluster_images import Reference
from eksa_mirror.probe.conn import Connection
from eksa_mirror.probe.images_report import ImageResult, ImageStatus
from eksa_mirror.probe.manifests import (
    ACCEPT,
    MAX_MANIFEST,
    Manifest,
    config_platform,
    parse_manifest,
    split_reference,
)
from eksa_mirror.probe.net import NetError, Response
from eksa_mirror.probe.oci import Credentials, LoginError, Session
from eksa_mirror.probe.parse import Broken, Challenge, clean, parse_challenge

#: How many times a 429 or 5xx answer is retried, and the first delay (doubled each time).
RETRIES = 3
BACKOFF = 0.25
#: The longest ``Retry-After`` honoured, in seconds.
MAX_RETRY_AFTER = 10.0
_REDIRECTS = (301, 302, 303, 307, 308)


@dataclass
class PullAuth:
    """How every worker authenticates: Basic with the credentials, or one Bearer token per
    repository from the token service the registry names (anonymous when ``credentials``
    is None, as nodes without ``authenticate`` pull)."""

    session: Session
    credentials: Credentials | None
    #: The challenge of ``GET /v2/`` (``None``: the registry asked for no login).
    challenge: Challenge | None
    _tokens: dict[str, str] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def header(self, repository: str, conn: Connection) -> str:
        """The ``Authorization`` to send first for ``repository`` ("" for none)."""
        with self._lock:
            token = self._tokens.get(repository)
        if token:
            return f"Bearer {token}"
        challenge = self.challenge
        if challenge is not None and challenge.scheme == "bearer":
            return self.answer(challenge, repository, conn)
        if challenge is not None and challenge.scheme == "basic":
            return self._basic()
        return ""

    def answer(self, challenge: Challenge, repository: str, conn: Connection) -> str:
        """The ``Authorization`` answering ``challenge`` ("" when there is nothing to try);
        raises ``LoginError`` or ``NetError`` when the token service fails."""
        if challenge.scheme == "basic":
            return self._basic()
        if challenge.scheme != "bearer":
            return ""

        def via(path: str, authorization: str) -> Response:
            headers = {"Authorization": authorization} if authorization else {}
            return conn.request("GET", path, headers)

        scope = f"repository:{repository}:pull"
        token = self.session.token(challenge, self.credentials, scope, via)
        with self._lock:
            self._tokens[repository] = token
        return f"Bearer {token}"

    def _basic(self) -> str:
        if self.credentials is None:
            return ""
        basic = self.credentials.basic()
        self.session.credentials_sent(basic, self.session.base_url)
        return basic


@dataclass
class HeadFirst:
    """Whether to ask with a HEAD first, shared by the workers.

    When the mirror serves the very digest the bundle names, it is the manifest EKS-A
    published, with the platforms the bundle lists: a HEAD (its ``Docker-Content-Digest``)
    is all it takes. A mirror filled by ``import images`` serves other digests (one platform
    pushed again), each then needing the GET anyway: after ``SWITCH`` such answers
    outnumber the matches, every worker asks with a GET alone.
    """

    SWITCH = 8
    first: bool = True
    matches: int = 0
    misses: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, matched: bool) -> None:
        with self._lock:
            if matched:
                self.matches += 1
            else:
                self.misses += 1
            if self.misses >= self.SWITCH and self.misses > self.matches:
                self.first = False


@dataclass
class Puller:
    """One worker: its connection, the shared login, and what the nodes need."""

    conn: Connection
    auth: PullAuth
    #: The architectures the nodes run (``amd64``; ``arm64`` too with ``--arch``).
    arches: tuple[str, ...]
    #: ``endpoint:port``: references elsewhere are not contacted.
    base: str
    authenticate: bool
    heads: HeadFirst = field(default_factory=HeadFirst)

    def check(self, ref: Reference) -> ImageResult:
        """What the mirror holds for ``ref`` (any failure is a result, never an exception)."""
        if not ref.mirror.startswith(self.base + "/"):
            return _result(
                ref,
                ImageStatus.ERROR,
                f"ociNamespaces sends it to {clean(ref.mirror.partition('/')[0])}, not"
                f" {self.base}: not contacted",
            )
        try:
            repository, tag = split_reference(ref.mirror[len(self.base) + 1 :])
            path = f"/v2/{repository}/manifests/{tag}"
            if ref.digest and (ref.arch or ref.chart) and self.heads.first:
                response = self._get(repository, path, "HEAD")
                same = response.header("Docker-Content-Digest") == ref.digest
                if response.status == 200 and same:
                    self.heads.count(True)
                    kind = response.header("Content-Type").partition(";")[0].strip()
                    return ImageResult(ref, ImageStatus.PRESENT, "", ref.digest, kind, (), 200)
                if response.status != 200:
                    return self._refused(ref, response)
                self.heads.count(False)
            response = self._get(repository, path)
            if response.status == 200:
                return self._judge(ref, repository, response)
            return self._refused(ref, response)
        except (Broken, LoginError, NetError) as exc:
            return _result(ref, ImageStatus.ERROR, _reason(exc))
        except Exception as exc:  # an answer no branch foresaw: still a finding
            what = clean(" ".join(str(exc).split()), 120) or type(exc).__name__
            return _result(ref, ImageStatus.ERROR, f"unexpected answer ({what})")

    def _get(self, repository: str, path: str, method: str = "GET") -> Response:
        authorization = self.auth.header(repository, self.conn)
        response = self._send(path, authorization, method)
        if response.status != 401:
            return response
        try:
            challenge = parse_challenge(response.header("WWW-Authenticate"))
        except Broken:
            return response
        retry = self.auth.answer(challenge, repository, self.conn) if challenge else ""
        return self._send(path, retry, method) if retry and retry != authorization else response

    def _send(self, path: str, authorization: str, method: str) -> Response:
        """GET (or HEAD) with retries on 429 and 5xx (backoff, ``Retry-After``), within the
        deadline."""
        headers = {"Accept": ACCEPT}
        if authorization:
            headers["Authorization"] = authorization
        for attempt in range(RETRIES + 1):
            response = self.conn.request(method, path, headers, MAX_MANIFEST)
            if (response.status != 429 and response.status < 500) or attempt == RETRIES:
                return response
            delay = _delay(attempt, response.header("Retry-After"))
            if delay >= self.conn.deadline.remaining:
                return response
            time.sleep(delay)
        raise AssertionError("unreachable")

    def _refused(self, ref: Reference, response: Response) -> ImageResult:
        status = response.status
        what = f"HTTP {status} {clean(response.reason, 60)}".rstrip()
        if status == 404:
            return _result(ref, ImageStatus.MISSING, f"not in the mirror ({what})", status)
        if status in (401, 403) and not self.authenticate:
            return _result(
                ref,
                ImageStatus.MISSING,
                f"the registry refuses anonymous pulls ({what}); authenticate is not set, so"
                " the nodes pull anonymously (a private project?)",
                status,
            )
        if status in (401, 403):
            return _result(
                ref,
                ImageStatus.MISSING,
                f"REGISTRY_USERNAME may not pull it ({what}): no access to its project?",
                status,
            )
        location = response.header("Location")
        if status in _REDIRECTS and location:
            what += f", a redirect to {clean(location)} (not followed)"
        elif status == 429 or status >= 500:
            what += f" after {RETRIES + 1} attempts"
        return _result(ref, ImageStatus.ERROR, f"the registry answered {what}", status)

    def _judge(self, ref: Reference, repository: str, response: Response) -> ImageResult:
        digest = "sha256:" + hashlib.sha256(response.body).hexdigest()
        manifest = parse_manifest(response.body, response.header("Content-Type"))
        platforms = manifest.platforms
        needed = tuple(arch for arch in self.arches if not ref.arch or arch in ref.arch)
        gap = ""
        if not (ref.chart or manifest.is_chart) and manifest.kind in ("index", "schema1"):
            gap = _missing_platforms(platforms, needed)
        elif not (ref.chart or manifest.is_chart) and manifest.kind == "image":
            platform = self._config_platform(repository, manifest.config_digest)
            platforms = (platform,) if platform else ()
            gap = _single_platform(platform, needed)
        found = ImageResult(
            ref, ImageStatus.PRESENT, "", digest, manifest.media_type, platforms, 200
        )
        if gap:
            return _with(found, ImageStatus.NO_PLATFORM, gap)
        if ref.digest and ref.digest != digest:
            return _with(found, ImageStatus.DIGEST_DIFFERS, _digest_note(ref, digest, manifest))
        return found

    def _config_platform(self, repository: str, digest: str) -> str:
        """``os/arch`` of an image's config blob ("" when the registry serves it elsewhere);
        raises ``Broken`` when the blob is missing or refused (the pull would fail)."""
        response = self._get(repository, f"/v2/{repository}/blobs/{digest}")
        if response.status in _REDIRECTS:
            return ""  # storage elsewhere (S3...): not followed, the platform is not verified
        if response.status != 200:
            raise Broken(
                f"its config blob {digest[:19]}… is not served (HTTP {response.status}):"
                " a pull fails"
            )
        return config_platform(response.body)


def _result(ref: Reference, status: ImageStatus, message: str, http: int = 0) -> ImageResult:
    return ImageResult(ref, status, message, http_status=http)


def _with(result: ImageResult, status: ImageStatus, message: str) -> ImageResult:
    return ImageResult(
        result.reference, status, message, result.digest, result.media_type,
        result.platforms, result.http_status,
    )  # fmt: skip


def _reason(exc: Exception) -> str:
    if isinstance(exc, NetError):
        if exc.kind == "deadline":
            return f"not checked: {exc.detail}"
        return f"no answer: {exc.detail}"
    if isinstance(exc, LoginError):
        return f"no token to pull it: {exc.message}"
    return str(exc)


def _delay(attempt: int, retry_after: str) -> float:
    if retry_after.strip().isdigit():
        return min(float(retry_after.strip()), MAX_RETRY_AFTER)
    return BACKOFF * float(1 << attempt) * (1 + random.random() / 4)


def _missing_platforms(platforms: tuple[str, ...], needed: tuple[str, ...]) -> str:
    absent = [arch for arch in needed if f"linux/{arch}" not in platforms]
    if not absent:
        return ""
    held = ", ".join(platforms) or "no platform"
    return f"the index holds {held}; the nodes need {', '.join(f'linux/{a}' for a in absent)}"


def _single_platform(platform: str, needed: tuple[str, ...]) -> str:
    if not platform:
        return ""  # not verified (config served elsewhere): not a finding
    absent = [arch for arch in needed if f"linux/{arch}" != platform]
    if not absent:
        return ""
    return (
        f"a single-platform image for {platform}; the nodes need"
        f" {', '.join(f'linux/{a}' for a in absent)}"
    )


def _digest_note(ref: Reference, digest: str, manifest: Manifest) -> str:
    served = "an index" if manifest.kind == "index" else "a single-platform manifest"
    why = (
        "expected after eksctl anywhere import images, which pushes one platform of a"
        " multi-platform image; a stale tag looks the same"
        if manifest.kind != "index" and len(ref.arch) > 1
        else "a stale or re-pushed tag, or a copy that changed the manifest"
    )
    return f"the mirror serves {served} {digest[:19]}…, the bundle names {ref.digest[:19]}…: {why}"
