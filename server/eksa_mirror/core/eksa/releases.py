"""EKS Anywhere release history for the mirror section: versions, the target release
(``target_release``), and which key or value each release understands, which node format it
writes and which projects it needs. Where each fact was verified: docs/releases.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import total_ordering

__all__ = [
    "LATEST",
    "BadRelease",
    "Target",
    "Version",
    "field_since",
    "parse_version",
    "release_text",
    "required_projects",
    "target_release",
]

_VERSION = re.compile(r"^\s*v?(\d+)\.(\d+)(?:\.(\d+|x|\*))?(?:[-+][0-9A-Za-z.+-]*)?\s*$", re.I)
#: An unknown patch number (``v0.14.x``) sorts above every real patch of its minor line.
_ANY_PATCH = 1 << 30


@total_ordering
@dataclass(frozen=True)
class Version:
    """A release ``vMAJOR.MINOR.PATCH``; ``patch is None`` means any patch (``v0.12.x``)."""

    major: int
    minor: int
    patch: int | None = 0

    def _key(self) -> tuple[int, int, int]:
        return (self.major, self.minor, _ANY_PATCH if self.patch is None else self.patch)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return self._key() < other._key()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __str__(self) -> str:
        patch = "x" if self.patch is None else str(self.patch)
        return f"v{self.major}.{self.minor}.{patch}"

    @property
    def line(self) -> str:
        """The minor line, ``v0.19.x``."""
        return f"v{self.major}.{self.minor}.x"


def parse_version(text: str) -> Version | None:
    """``v0.20.1``, ``0.20.1``, ``v0.20``, ``v0.20.x`` (a pre-release suffix is ignored)."""
    match = _VERSION.match(text or "")
    if match is None:
        return None
    major, minor, patch = match.groups()
    return Version(int(major), int(minor), int(patch) if patch and patch.isdigit() else None)


class BadRelease(ValueError):
    """``'v1' is not a release like "v0.20.0"``."""

    def __init__(self, text: str) -> None:
        super().__init__(f'{text!r} is not a release like "v0.20.0"')


def release_text(text: str) -> str:
    """``text`` when it names a release or a minor line (``""``: none chosen); raises
    ``BadRelease``. The one check of ``--eksa-version``, ``eksa-version`` and
    ``eksaMirror.eksaVersion``."""
    if text and parse_version(text) is None:
        raise BadRelease(text)
    return text


def v(text: str) -> Version:
    parsed = parse_version(text)
    assert parsed is not None, text
    return parsed


LATEST = v("v0.26.1")

# --- boundaries (where each was verified: docs/releases.md) ----------------------------------

MIRROR_SINCE = v("v0.6.0")
PORT_SINCE = v("v0.7.0")
INSECURE_SKIP_VERIFY_SINCE = v("v0.9.0")
#: From this release ``insecureSkipVerify`` is accepted for every provider.
INSECURE_ALL_PROVIDERS = v("v0.15.0")
AUTHENTICATE_SINCE = v("v0.12.0")
#: First release whose Ubuntu/RHEL nodes get registry credentials, per provider
#: (Snow and CloudStack never: absent).
AUTHENTICATE_PROVIDER_SINCE: dict[str, Version] = {
    "VSphereDatacenterConfig": v("v0.12.0"),
    "TinkerbellDatacenterConfig": v("v0.13.0"),
    "NutanixDatacenterConfig": v("v0.15.0"),
    "DockerDatacenterConfig": v("v0.15.0"),
}
AUTHENTICATE_BOTTLEROCKET = v("v0.14.1")
OCI_NAMESPACES_SINCE = v("v0.13.0")
BOTTLEROCKET_OCI_RULE = v("v0.19.0")
BOTTLEROCKET_MULTIPLE_OCI = v("v0.20.0")
BOTTLEROCKET_MUTABLE = v("v0.17.0")
FIRST_PARTY_CILIUM = v("v0.24.0")
#: containerd ``hosts.toml`` files instead of legacy ``registry.mirrors`` tables.
HOSTS_TOML_SINCE = v("v0.24.0")
#: ``override_path = true`` and ``/v2`` on every host (the double-``/v2/`` fix).
OVERRIDE_PATH_SINCE = v("v0.25.3")
#: ``[[settings.container-registry.mirrors]]`` on Bottlerocket (CAPI patch 0029).
BOTTLEROCKET_MIRROR_LIST = v("v0.20.0")


def node_format(version: Version) -> str:
    """How Ubuntu/RHEL nodes of a release get the mirror: ``legacy`` (``registry.mirrors``
    in ``config_append.toml``), ``hosts-toml`` (no ``override_path``) or ``current``."""
    if version < HOSTS_TOML_SINCE:
        return "legacy"
    if version < OVERRIDE_PATH_SINCE:
        return "hosts-toml"
    return "current"


#: Schema path (as in ``schema_store``) → the first release whose decoder knows the key.
FIELD_SINCE: dict[tuple[str, ...], Version] = {
    (): MIRROR_SINCE,
    ("endpoint",): MIRROR_SINCE,
    ("caCertContent",): MIRROR_SINCE,
    ("port",): PORT_SINCE,
    ("insecureSkipVerify",): INSECURE_SKIP_VERIFY_SINCE,
    ("authenticate",): AUTHENTICATE_SINCE,
    ("ociNamespaces",): OCI_NAMESPACES_SINCE,
    ("ociNamespaces", "registry"): OCI_NAMESPACES_SINCE,
    ("ociNamespaces", "namespace"): OCI_NAMESPACES_SINCE,
}

#: Notes for hovers: what changed later for a key.
FIELD_NOTES: dict[tuple[str, ...], str] = {
    ("insecureSkipVerify",): "Snow only before v0.15.0; never for Bottlerocket nodes.",
    ("authenticate",): (
        "Only vSphere (Ubuntu, RHEL) in v0.12.x; Tinkerbell from v0.13.0; Nutanix and Docker "
        "from v0.15.0; Bottlerocket nodes (every provider) from v0.14.1."
    ),
    ("ociNamespaces",): (
        "Bottlerocket nodes mirrored only `public.ecr.aws` before v0.20.0, and v0.19.x refuses "
        "any other entry for them; from v0.20.0 vSphere Bottlerocket nodes mirror every entry."
    ),
    (): "Changes reach Bottlerocket nodes from v0.17.0.",
}


def field_since(field: tuple[str, ...]) -> Version | None:
    return FIELD_SINCE.get(field)


def required_projects(version: Version | str | None = None) -> list[str]:
    """The projects (first path segments under the mirror) that ``import images`` fills for
    a release: the ``public.ecr.aws/<project>/…`` images of its bundle, plus the Cilium chart.

    Cilium images moved from ``isovalent`` to ``eks`` in v0.24.0 (first-party Cilium).
    """
    if isinstance(version, str):
        version = parse_version(version)
    version = version or LATEST
    cilium = "eks" if version >= FIRST_PARTY_CILIUM else "isovalent"
    return ["bottlerocket", "eks-anywhere", "eks-distro", cilium, "cilium-chart"]


# --- the target release -----------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """The release a Cluster is checked against, and where that choice came from."""

    version: Version
    #: ``spec.eksaVersion``, ``option`` (command line or editor setting) or ``latest``.
    source: str
    #: The text as written (``v0.12``); empty for ``latest``.
    written: str = ""
    #: The release asked for when it is newer than ``LATEST`` (which is then ``version``).
    newer: str = ""

    @property
    def label(self) -> str:
        """How messages name it: ``v0.12.x`` for a minor line, else the exact release."""
        return str(self.version)

    def describe(self) -> str:
        where = {
            "spec.eksaVersion": "from spec.eksaVersion",
            "option": "from --eksa-version / eksaMirror.eksaVersion",
            "latest": "the latest release known to eksa-mirror",
        }[self.source]
        if self.newer:
            return (
                f"EKS Anywhere {self.label}, the newest release eksa-mirror knows "
                f"({self.newer} {where} is newer)"
            )
        return f"EKS Anywhere {self.label} ({where})"


def newer_than_known(version: Version) -> bool:
    """A release after ``LATEST``; a minor line already known (``v0.26.x``) is not."""
    return version > LATEST and not (version.patch is None and version.line == LATEST.line)


def target_release(spec_version: str = "", option_version: str = "") -> Target:
    """``spec.eksaVersion`` wins, then the option, then ``LATEST``; unparsable values are
    skipped (EKS-A reports a bad ``eksaVersion`` itself; it is not a mirror problem). A
    release newer than ``LATEST`` is checked as ``LATEST``, and the target says so."""
    for text, source in ((spec_version, "spec.eksaVersion"), (option_version, "option")):
        parsed = parse_version(text) if text else None
        if parsed is not None and newer_than_known(parsed):
            return Target(LATEST, source, text.strip(), newer=text.strip())
        if parsed is not None:
            return Target(parsed, source, text.strip())
    return Target(LATEST, "latest")


def since_markdown(field: tuple[str, ...], target: Target | None = None) -> str:
    """The hover line: ``Since EKS Anywhere v0.13.0``, later changes, and the target."""
    since = field_since(field)
    if since is None:
        return ""
    text = f"Since EKS Anywhere {since}."
    note = FIELD_NOTES.get(field)
    if note:
        text += f" {note}"
    if target is not None:
        text += f"\n\nTarget release: {target.describe()}"
        if target.version < since:
            text += f" — **not known to {target.label}**"
        text += "."
    return text
