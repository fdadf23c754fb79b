"""The state of one ``eksa-mirror check`` while its steps run, and the steps' names.

``check.py`` runs the connection and TLS steps, ``registry_steps.py`` the registry API
steps; both record results through ``Run`` (``docs/check.md``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cryptography import x509

from eksa_mirror.core import pki
from eksa_mirror.core.mirror import MirrorConfig, join_host_port
from eksa_mirror.probe.net import Deadline, NetError
from eksa_mirror.probe.parse import Challenge, clean
from eksa_mirror.probe.redact import Redactor
from eksa_mirror.probe.report import CheckStep, ProjectResult, Status

if TYPE_CHECKING:
    from eksa_mirror.probe.images_report import ImagePlan, ImagesReport

STEP_ORDER = ("connect", "tls", "certificate", "api", "auth", "projects")
STEP_KEYS = {
    "connect": "endpoint",
    "tls": "port",
    "certificate": "caCertContent",
    "api": "endpoint",
    "auth": "authenticate",
    "projects": "ociNamespaces",
}


@dataclass
class Run:
    """Mutable state of one check: its configuration, budget and the steps so far."""

    cfg: MirrorConfig
    env: Mapping[str, str]
    deadline: Deadline
    page_size: int
    allow_token_service: bool = False
    #: Why REGISTRY_USERNAME/REGISTRY_PASSWORD must not be sent ("": they are, when asked).
    withheld: str = ""
    steps: list[CheckStep] = field(default_factory=list)
    projects: list[ProjectResult] = field(default_factory=list)
    ca_pem: str = ""
    ca_cert: x509.Certificate | None = None
    ca_label: str = ""
    leaf: pki.CertSummary | None = None
    leaf_cert: x509.Certificate | None = None
    challenge: Challenge | None = None
    redactor: Redactor = field(default_factory=Redactor)
    #: What could not be verified although no step failed (e.g. ``login``, ``projects``).
    unverified: tuple[str, ...] = ()
    #: Where REGISTRY_USERNAME/REGISTRY_PASSWORD went (``https://host:port``).
    sent_to: tuple[str, ...] = ()
    #: Why the remaining steps were skipped (the first reason given), "" when none were.
    skip_reason: str = ""
    #: ``check --images``: the references to ask for, and what was found.
    plan: ImagePlan | None = None
    images: ImagesReport | None = None

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
        self.skip_reason = self.skip_reason or reason
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
