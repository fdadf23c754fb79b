"""The result of ``check --images``: one ``ImageResult`` per reference, the groups of
missing references with the command that imports them, and their text rendering.

Plain data, no network; every message was redacted by the check before it lands here.
The statuses and what they mean: docs/check.md ("eksa-mirror check --images").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from eksa_mirror.core.eksa.cluster_images import UNUSED_PREFIX, EksdSource, ImageList, Reference


class ImageStatus(str, Enum):
    """What the mirror holds for one reference."""

    PRESENT = "present"
    #: 404, or 401/403 (the message says which, and whether ``authenticate`` is set).
    MISSING = "missing"
    #: Present, without an ``os/architecture`` the nodes need.
    NO_PLATFORM = "no-platform"
    #: Present with another digest than the bundle's ``imageDigest`` (information).
    DIGEST_DIFFERS = "digest-differs"
    #: Its registry is not mapped: the nodes pull it from the internet.
    UNMAPPED = "unmapped"
    #: Not known: the registry failed, the deadline passed, or EKS-A cannot use it.
    ERROR = "error"


#: The statuses that make ``check --images`` fail (exit 1).
FAILING = frozenset(
    {ImageStatus.MISSING, ImageStatus.NO_PLATFORM, ImageStatus.UNMAPPED, ImageStatus.ERROR}
)
#: The text output names this many references of a kind that is only information.
NOTES_SHOWN = 10
_TITLES = {
    ImageStatus.MISSING: "Missing",
    ImageStatus.NO_PLATFORM: "Without a platform the nodes need",
    ImageStatus.UNMAPPED: "Pulled from the internet by the nodes (registry not mapped)",
    ImageStatus.ERROR: "Not checked",
    ImageStatus.DIGEST_DIFFERS: "Present with another digest than the bundle's (information)",
}


#: Workers asking the mirror at once, unless ``--concurrency`` says otherwise.
DEFAULT_CONCURRENCY = 8


@dataclass(frozen=True)
class ImagePlan:
    """What to check: the references, the architectures the nodes run, how many at once."""

    images: ImageList
    arches: tuple[str, ...] = ("amd64",)
    concurrency: int = DEFAULT_CONCURRENCY
    #: Called with (references done, references to check) as results arrive.
    progress: Callable[[int, int], None] | None = None

    @property
    def bundle(self) -> str:
        """Where the bundle came from (the report, the ``import images`` command)."""
        return self.images.source or "bundle-release.yaml"


@dataclass(frozen=True)
class ImageResult:
    """One reference and what the mirror answered for it."""

    reference: Reference
    status: ImageStatus
    #: One sentence: why it is missing, which platforms it has, the digests...
    message: str = ""
    #: The digest of what the mirror serves ("" when nothing was served).
    digest: str = ""
    media_type: str = ""
    platforms: tuple[str, ...] = ()
    #: The HTTP status of the manifest request (0 when none was answered).
    http_status: int = 0

    def to_dict(self) -> dict[str, Any]:
        ref = self.reference
        return {
            "image": ref.image,
            "mirror": ref.mirror,
            "status": self.status.value,
            "kind": ref.kind,
            "message": self.message,
            "bundle_digest": ref.digest,
            "mirror_digest": self.digest,
            "media_type": self.media_type,
            "platforms": list(self.platforms),
            "http_status": self.http_status or None,
            "kubernetes_versions": list(ref.kube_versions),
            "fields": list(ref.fields),
        }


@dataclass(frozen=True)
class MissingGroup:
    """Missing references that belong in one project, and how to fill it."""

    registry: str
    #: ``endpoint:port[/namespace]``: where the spec maps ``registry``.
    target: str
    project: str
    references: tuple[str, ...]
    #: ``eksctl anywhere import images …`` ("" when EKS-A imports nothing from ``registry``).
    command: str
    #: Where the registry holds these repositories instead (``ns``: under
    #: ``endpoint:port/ns/``; "": at its root), found in ``/v2/_catalog``.
    found_under: tuple[str, ...] = ()
    #: The registry refused them (401/403) rather than not having them (404).
    refused: bool = False


@dataclass(frozen=True)
class ImagesReport:
    """Everything ``check --images`` found, beside the registry steps."""

    #: Where the bundle came from (a path or a URL).
    bundle: str
    results: tuple[ImageResult, ...]
    groups: tuple[MissingGroup, ...] = ()
    projects_to_create: tuple[str, ...] = ()
    #: The version bundles' EKS-D manifests that could not be read (their images unchecked).
    unread_eksd: tuple[EksdSource, ...] = ()
    #: References listed but not needed (``import images`` leaves them out).
    skipped: tuple[Reference, ...] = ()
    #: Where REGISTRY_USERNAME/REGISTRY_PASSWORD were sent (``https://host:port``).
    credentials_sent_to: tuple[str, ...] = ()
    #: A sentence when the references could not be checked at all ("" when they were).
    not_checked: str = ""
    #: How many connections the workers opened (one each, plus reopenings).
    connections: int = 0

    def count(self, status: ImageStatus) -> int:
        return sum(1 for result in self.results if result.status is status)

    @property
    def failed(self) -> bool:
        return bool(self.unread_eksd or self.not_checked) or any(
            result.status in FAILING for result in self.results
        )

    def summary(self) -> str:
        """The ``images`` step's line: the counts that matter."""
        total = len(self.results)
        if self.not_checked:
            return f"{total} references not checked: {self.not_checked}"
        parts = [f"{self.count(ImageStatus.MISSING)} of {total} references missing"]
        for status, words in (
            (ImageStatus.NO_PLATFORM, "without a platform the nodes need"),
            (ImageStatus.UNMAPPED, "pulled from the internet"),
            (ImageStatus.ERROR, "not checked"),
            (ImageStatus.DIGEST_DIFFERS, "with another digest (information)"),
        ):
            if self.count(status):
                parts.append(f"{self.count(status)} {words}")
        if self.unread_eksd:
            versions = ", ".join(source.kube_version for source in self.unread_eksd)
            parts.append(f"EKS-D images of Kubernetes {versions} not checked")
        return ", ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "bundle": self.bundle,
            "summary": self.summary(),
            "counts": {status.value: self.count(status) for status in ImageStatus},
            "groups": [
                {
                    "registry": g.registry,
                    "target": g.target,
                    "project": g.project,
                    "references": list(g.references),
                    "command": g.command,
                    "found_under": list(g.found_under),
                    "refused": g.refused,
                }
                for g in self.groups
            ],
            "projects_to_create": list(self.projects_to_create),
            "eksd_not_read": [
                {"kubernetes_version": s.kube_version, "manifest": s.location, "error": s.error}
                for s in self.unread_eksd
            ],
            "skipped": [{"image": r.image, "mirror": r.mirror} for r in self.skipped],
            "credentials_sent_to": list(self.credentials_sent_to),
            "not_checked": self.not_checked,
            "connections": self.connections,
        }


def render_images(report: ImagesReport, mark: Callable[[bool], str]) -> list[str]:
    """The lines under the ``images`` step: what is wrong, grouped; ``mark(failed)``."""
    lines = [f"    {_credentials_line(report)}"]
    for source in report.unread_eksd:
        lines.append(
            f"    {mark(True)} EKS-D images of Kubernetes {source.kube_version} not checked:"
            f" {source.error}"
        )
    if report.skipped:
        lines.append(
            f"    {len(report.skipped)} EKS-D references under {UNUSED_PREFIX}"
            " not checked: EKS Anywhere does not use them (import images leaves them out)"
        )
    lines.extend(_missing_lines(report, mark))
    for status in (ImageStatus.NO_PLATFORM, ImageStatus.UNMAPPED, ImageStatus.ERROR,
                   ImageStatus.DIGEST_DIFFERS):  # fmt: skip
        results = [r for r in report.results if r.status is status]
        if results:
            lines.append(f"  {_TITLES[status]} ({len(results)}):")
            failed = status is not ImageStatus.DIGEST_DIFFERS
            shown = results if failed else results[:NOTES_SHOWN]
            lines.extend(f"    {mark(failed)} {_shown(r)}  {r.message}" for r in shown)
            if len(shown) < len(results):
                lines.append(
                    f"    … and {len(results) - len(shown)} more (--format json lists all)"
                )
    return lines


def _shown(result: ImageResult) -> str:
    ref = result.reference
    return ref.mirror or ref.image


def _found_under(group: MissingGroup) -> str:
    """Where the catalog shows these repositories, and the two ways to line things up."""
    base = group.target.partition("/")[0]
    places = ", ".join(f"{base}/{ns}/" if ns else f"{base}/ (the root)" for ns in group.found_under)
    namespace = group.found_under[0]
    fix = (
        f"map {group.registry} to namespace {namespace!r} in ociNamespaces"
        if namespace
        else f"remove the {group.registry} namespace from ociNamespaces"
    )
    return (
        f"the registry holds them under {places}: imported with another -r value? {fix}, or"
        f" import them again with -r {group.target}"
    )


def _credentials_line(report: ImagesReport) -> str:
    if report.credentials_sent_to:
        return (
            "credentials REGISTRY_USERNAME/REGISTRY_PASSWORD sent to "
            + ", ".join(report.credentials_sent_to)
            + " only"
        )
    return "no credentials sent"


def _missing_lines(report: ImagesReport, mark: Callable[[bool], str]) -> list[str]:
    messages = {r.reference.mirror: r.message for r in report.results}
    lines = []
    if report.groups:
        count = sum(len(g.references) for g in report.groups)
        lines.append(f"  Missing ({count}), by where they should be:")
    for group in report.groups:
        project = f" (project {group.project})" if group.project else ""
        lines.append(f"    {group.target or group.registry}{project}:")
        lines.extend(
            f"      {mark(True)} {ref}  {messages.get(ref, '')}" for ref in group.references
        )
        if group.found_under:
            lines.append(f"      {_found_under(group)}")
        if group.refused:
            lines.append(
                "      the registry refuses them: give the nodes access (authenticate: true with"
                " REGISTRY_USERNAME/REGISTRY_PASSWORD, or a public project)"
            )
    for command in dict.fromkeys(g.command for g in report.groups if g.command):
        lines.append(f"  Import them: {command}")
    for registry in dict.fromkeys(
        g.registry for g in report.groups if not g.command and not g.refused
    ):
        lines.append(
            f"  EKS Anywhere imports nothing from {registry}: copy those yourself"
            " (eksa-mirror check --images --list prints every reference)"
        )
    if report.projects_to_create:
        lines.append(
            "  Projects to create first (registries with projects, such as Harbor): "
            + ", ".join(report.projects_to_create)
        )
    return lines
