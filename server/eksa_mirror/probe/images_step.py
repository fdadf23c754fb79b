"""The ``images`` step of ``eksa-mirror check --images``: every reference the cluster pulls,
asked of the mirror by a few workers at once, each over its own keep-alive connection.

References of one repository go to the same worker (one Bearer token per repository),
results keep the bundle's order, and the missing ones are grouped by where they belong
(``core.eksa.cluster_images``). docs/check.md says what each status means.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field, replace

from eksa_mirror.core.eksa import cluster_images
from eksa_mirror.core.eksa.cluster_images import Reference
from eksa_mirror.probe.conn import Connection
from eksa_mirror.probe.images_report import (
    ImagePlan,
    ImageResult,
    ImagesReport,
    ImageStatus,
    MissingGroup,
)
from eksa_mirror.probe.oci import Session
from eksa_mirror.probe.pull import HeadFirst, PullAuth, Puller
from eksa_mirror.probe.registry_steps import sendable_credentials
from eksa_mirror.probe.report import Status
from eksa_mirror.probe.run import Run

#: At most this many workers ask the mirror at once.
MAX_CONCURRENCY = 64


def images_step(run: Run, session: Session, plan: ImagePlan, anonymous: bool) -> ImagesReport:
    """Check every needed reference of ``plan``; record the ``images`` step on ``run``.

    ``anonymous``: the nodes pull without credentials (``authenticate`` is not set).
    """
    credentials = None if anonymous else sendable_credentials(run)
    auth = PullAuth(session, credentials, run.challenge)
    refs = plan.images.needed
    results: list[ImageResult | None] = [_offline(ref) for ref in refs]
    pending = [i for i, result in enumerate(results) if result is None]
    connections = _run_workers(run, auth, plan, refs, pending, results)
    done = tuple(result for result in results if result is not None)
    report = replace(_report(run, session, plan, done), connections=connections)
    status = Status.FAIL if report.failed else Status.OK
    run.add("images", status, report.summary(), "ociNamespaces")
    return report


def _offline(ref: Reference) -> ImageResult | None:
    """The result of a reference that needs no request (``None``: ask the mirror)."""
    if ref.problem:
        return ImageResult(ref, ImageStatus.ERROR, ref.problem)
    if not ref.mapped:
        return ImageResult(
            ref,
            ImageStatus.UNMAPPED,
            "its registry has no mirror in ociNamespaces: the nodes pull it from the internet,"
            " which fails air-gapped",
        )
    return None


def _repository(mirror: str) -> str:
    """``host:port/a/b`` of ``host:port/a/b:tag`` or ``host:port/a/b@sha256:…``."""
    name = mirror.partition("@")[0]
    head, _, last = name.rpartition("/")
    return f"{head}/{last.partition(':')[0]}" if head else name


@dataclass
class _Workers:
    """The references still to ask for, a repository at a time, and what the workers did."""

    run: Run
    auth: PullAuth
    plan: ImagePlan
    refs: tuple[Reference, ...]
    results: list[ImageResult | None]
    queue: deque[list[int]]
    total: int
    done: int = 0
    opened: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    heads: HeadFirst = field(default_factory=HeadFirst)

    def _next(self) -> list[int] | None:
        with self.lock:
            return self.queue.popleft() if self.queue else None

    def _finished(self) -> None:
        with self.lock:
            self.done += 1
            count = self.done
        if self.plan.progress is not None:
            self.plan.progress(count, self.total)

    def work(self) -> None:
        """One worker: its own keep-alive connection, until the queue is empty."""
        cfg, auth = self.run.cfg, self.auth
        conn = Connection(cfg.endpoint, self.run.port, auth.session.context, self.run.deadline)
        anonymous = not (cfg.authenticate and auth.credentials is not None)
        puller = Puller(conn, auth, self.plan.arches, cfg.base_registry, not anonymous, self.heads)
        try:
            while (indexes := self._next()) is not None:
                for index in indexes:
                    self.results[index] = puller.check(self.refs[index])
                    self._finished()
        finally:
            conn.close()
            with self.lock:
                self.opened += conn.opened


def _run_workers(
    run: Run,
    auth: PullAuth,
    plan: ImagePlan,
    refs: tuple[Reference, ...],
    pending: list[int],
    results: list[ImageResult | None],
) -> int:
    """Fill ``results[i]`` for each pending index, a repository at a time per worker; the
    number of connections the workers opened."""
    by_repository: dict[str, list[int]] = {}
    for index in pending:
        by_repository.setdefault(_repository(refs[index].mirror), []).append(index)
    queue = deque(by_repository.values())
    workers = _Workers(run, auth, plan, refs, results, queue, len(pending))
    count = max(1, min(plan.concurrency, MAX_CONCURRENCY, len(queue)))
    threads = [threading.Thread(target=workers.work, daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return workers.opened


def _report(
    run: Run, session: Session, plan: ImagePlan, results: tuple[ImageResult, ...]
) -> ImagesReport:
    """The report, every message redacted (tokens received included)."""
    redactor = run.redactor
    for token in session.tokens:
        redactor.add(token)
    results = tuple(replace(r, message=redactor(r.message)) for r in results)
    cfg = run.cfg
    absent = [
        r.reference for r in results if r.status is ImageStatus.MISSING and r.http_status == 404
    ]
    refused = [
        r.reference for r in results if r.status is ImageStatus.MISSING and r.http_status != 404
    ]
    groups = cluster_images.group_missing(cfg, absent)
    found = _found_elsewhere(run, session, groups) if groups else {}
    present = {
        cluster_images.project_of(cfg, r.reference.mirror) for r in results if r.http_status == 200
    }
    views = [_group_view(run, group, plan.bundle, found) for group in groups]
    views += [
        replace(_group_view(run, group, plan.bundle, {}), command="", refused=True)
        for group in cluster_images.group_missing(cfg, refused)
    ]
    images = plan.images
    return ImagesReport(
        bundle=plan.bundle,
        results=results,
        groups=tuple(views),
        projects_to_create=tuple(cluster_images.projects_to_create(groups, present)),
        unread_eksd=images.unread_eksd,
        skipped=tuple(ref for ref in images.references if not ref.needed),
        credentials_sent_to=tuple(sorted(session.sent_to)),
    )


def _group_view(
    run: Run, group: cluster_images.Group, bundle: str, found: dict[str, set[str]]
) -> MissingGroup:
    places: set[str] = set()
    for ref in group.references:
        places |= found.get(ref.mirror, set())
    return MissingGroup(
        group.registry,
        group.target,
        group.project,
        tuple(ref.mirror for ref in group.references),
        cluster_images.import_command(run.cfg, group, bundle),
        tuple(sorted(places)),
    )


def _found_elsewhere(
    run: Run, session: Session, groups: tuple[cluster_images.Group, ...]
) -> dict[str, set[str]]:
    """Missing references whose repository the catalog shows under another prefix: mirror
    reference → the prefixes (``-r host/ns`` without the matching ``ociNamespaces``)."""
    relative: dict[str, list[tuple[str, str]]] = {}
    for group in groups:
        for ref in group.references:
            repository = _repository(ref.mirror)
            tail = repository[len(group.target) + 1 :] if group.target else ""
            if tail and repository.startswith(group.target + "/"):
                expected = repository.partition("/")[2]
                relative.setdefault(tail, []).append((ref.mirror, expected))
    found: dict[str, set[str]] = {}

    def visit(names: list[str]) -> bool:
        for name in names:
            parts = name.split("/")
            for cut in range(len(parts)):
                for mirror, expected in relative.get("/".join(parts[cut:]), ()):
                    if name != expected:
                        found.setdefault(mirror, set()).add("/".join(parts[:cut]))
        return False

    if relative and run.deadline.remaining > 1:
        session.catalog(1000, [], visit)
    return found


def images_not_checked(plan: ImagePlan, reason: str, run: Run) -> ImagesReport:
    """The report, and a skipped ``images`` step, when the registry could not be asked."""
    run.add("images", Status.SKIP, f"not checked: {reason}", "ociNamespaces")
    images = plan.images
    results = tuple(
        _offline(ref) or ImageResult(ref, ImageStatus.ERROR, f"not checked: {reason}")
        for ref in images.needed
    )
    return ImagesReport(
        bundle=plan.bundle,
        results=results,
        unread_eksd=images.unread_eksd,
        skipped=tuple(ref for ref in images.references if not ref.needed),
        credentials_sent_to=run.sent_to,
        not_checked=run.redactor(reason),
    )
