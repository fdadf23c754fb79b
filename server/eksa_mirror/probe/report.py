"""The result of ``eksa-mirror check``: plain data, plus its text and JSON renderings.

A ``CheckReport`` is the ``CheckStep`` of each thing checked, in order, and the
``ProjectResult`` of each project looked up; every step names the mirror key it relates to
(``MIRROR_KEYS``), so an editor can put it there. Nothing here touches the network or ever
holds a credential.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from eksa_mirror.probe.images_report import ImagesReport, render_images


class Status(str, Enum):
    """Outcome of one step."""

    OK = "ok"
    #: A problem: EKS Anywhere (or the nodes) would fail with this registry.
    FAIL = "fail"
    #: Worth a look, but not known to break anything (or could not be verified).
    WARN = "warn"
    #: Not checked, because an earlier step failed, the deadline passed, or it does not apply.
    SKIP = "skip"


class ProjectState(str, Enum):
    """Whether a project (repository prefix) exists in the registry."""

    PRESENT = "present"
    MISSING = "missing"
    #: The registry did not let us list its repositories.
    UNKNOWN = "unknown"


#: The mirror keys a step can relate to.
MIRROR_KEYS = (
    "endpoint",
    "port",
    "caCertContent",
    "insecureSkipVerify",
    "authenticate",
    "ociNamespaces",
)

SYMBOLS = {Status.OK: "✓", Status.FAIL: "✗", Status.WARN: "!", Status.SKIP: "-"}
ASCII_SYMBOLS = {Status.OK: "+", Status.FAIL: "x", Status.WARN: "!", Status.SKIP: "-"}
_MARK = {True: Status.FAIL, False: Status.WARN}
_PROJECT_STATUS = {
    ProjectState.PRESENT: Status.OK,
    ProjectState.MISSING: Status.FAIL,
    ProjectState.UNKNOWN: Status.WARN,
}


@dataclass(frozen=True)
class CheckStep:
    """One line of the checklist."""

    #: Stable identifier: ``config``, ``ca``, ``connect``, ``tls``, ``certificate``, ``api``,
    #: ``auth`` or ``projects``.
    name: str
    status: Status
    #: One sentence a user can act on (never contains a credential).
    message: str
    #: The ``registryMirrorConfiguration`` key this step is about (one of ``MIRROR_KEYS``).
    key: str
    #: Extra facts, one per line (e.g. every certificate problem found, not just the first).
    details: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProjectResult:
    """One project EKS Anywhere needs (or one mapped namespace) and whether it exists."""

    #: Upstream registry the project belongs to (``public.ecr.aws`` for the EKS-A projects).
    registry: str
    #: Repository prefix in the mirror, e.g. ``eks-anywhere`` or ``mirror-ns/eks-anywhere``.
    path: str
    state: ProjectState
    #: ``True`` for the projects EKS Anywhere needs; ``False`` for another mapped namespace.
    required: bool = True


@dataclass(frozen=True)
class CheckReport:
    """Everything ``check`` found about one registry mirror."""

    endpoint: str
    port: str
    steps: tuple[CheckStep, ...]
    projects: tuple[ProjectResult, ...] = ()
    #: What could not be verified although nothing failed, e.g. ``("login", "projects")``
    #: when the token service is on another host.
    unverified: tuple[str, ...] = ()
    #: ``check --images``: what the mirror holds of each reference (``None`` without it).
    images: ImagesReport | None = None
    #: Where REGISTRY_USERNAME/REGISTRY_PASSWORD were sent (``https://host:port``, sorted).
    credentials_sent_to: tuple[str, ...] = ()

    @property
    def address(self) -> str:
        """``endpoint:port`` as EKS-A joins them (IPv6 literals bracketed)."""
        host = f"[{self.endpoint}]" if ":" in self.endpoint else self.endpoint
        return f"{host}:{self.port}"

    @property
    def problems(self) -> tuple[CheckStep, ...]:
        return tuple(step for step in self.steps if step.status is Status.FAIL)

    @property
    def warnings(self) -> tuple[CheckStep, ...]:
        return tuple(step for step in self.steps if step.status is Status.WARN)

    @property
    def ran(self) -> bool:
        """``False`` when the mirror settings were too broken to contact anything."""
        return not any(s.name == "config" and s.status is Status.FAIL for s in self.steps)

    @property
    def ok(self) -> bool:
        """No problem found (warnings allowed)."""
        return not self.problems

    def step(self, name: str) -> CheckStep | None:
        """The step called ``name``, if it was recorded."""
        return next((s for s in self.steps if s.name == name), None)

    @property
    def verdict(self) -> str:
        """The one-line conclusion shown last."""
        if not self.ran:
            return "could not check: the mirror settings are invalid"
        count = len(self.problems)
        if count:
            noun = "problem" if count == 1 else "problems"
            return f"{count} {noun} found: {self.address} is not ready for EKS Anywhere"
        warnings = len(self.warnings)
        if self.unverified:
            what = " and ".join(self.unverified)
            were = "was" if len(self.unverified) == 1 else "were"
            noun = "warning" if warnings == 1 else "warnings"
            return (
                f"no problem found, but {what} {were} not verified ({warnings} {noun}): it is not"
                f" known whether {self.address} is usable by EKS Anywhere"
            )
        if warnings:
            noun = "warning" if warnings == 1 else "warnings"
            return f"OK with {warnings} {noun}: {self.address} is usable by EKS Anywhere"
        return f"OK: {self.address} is ready for EKS Anywhere"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view (``--format json``)."""
        return {
            "endpoint": self.endpoint,
            "port": self.port,
            "address": self.address,
            "ok": self.ok,
            "verdict": self.verdict,
            "problems": len(self.problems),
            "warnings": len(self.warnings),
            "unverified": list(self.unverified),
            "credentials_sent_to": list(self.credentials_sent_to),
            "steps": [
                {
                    "name": s.name,
                    "status": s.status.value,
                    "key": s.key,
                    "message": s.message,
                    "details": list(s.details),
                }
                for s in self.steps
            ],
            "projects": [
                {
                    "registry": p.registry,
                    "path": p.path,
                    "state": p.state.value,
                    "required": p.required,
                }
                for p in self.projects
            ],
            **self._images_dict(),
        }

    def _images_dict(self) -> dict[str, Any]:
        if self.images is None:
            return {}
        return {
            "references": [result.to_dict() for result in self.images.results],
            "images": self.images.to_dict(),
        }


def render_text(report: CheckReport, *, ascii_only: bool = False) -> str:
    """The readable checklist: one ``✓``/``✗``/``!``/``-`` line per step, then the verdict."""
    symbols = ASCII_SYMBOLS if ascii_only else SYMBOLS
    width = max((len(s.name) for s in report.steps), default=0)
    lines = [f"Registry mirror {report.address}"]
    for step in report.steps:
        lines.append(f"{symbols[step.status]} {step.name.ljust(width)}  {step.message}")
        lines.extend(f"    {detail}" for detail in step.details)
        if step.name == "projects":
            path_width = max((len(p.path) for p in report.projects), default=0)
            for project in report.projects:
                mark = symbols[_PROJECT_STATUS[project.state]]
                if project.state is ProjectState.MISSING and not project.required:
                    mark = symbols[Status.WARN]
                lines.append(f"    {mark} {project.path.ljust(path_width)}  {project.state.value}")
        if step.name == "images" and report.images is not None:
            lines.extend(render_images(report.images, lambda failed: symbols[_MARK[failed]]))
    if report.credentials_sent_to and report.images is None:  # else the images part says it
        lines.append(
            "Credentials: REGISTRY_USERNAME/REGISTRY_PASSWORD sent to "
            + ", ".join(report.credentials_sent_to)
            + " and nowhere else"
        )
    lines.append(f"Verdict: {report.verdict}")
    return "\n".join(lines) + "\n"
