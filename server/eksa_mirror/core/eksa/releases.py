"""EKS Anywhere release history for the mirror section: versions, the target release, and
which key or value each release understands.

The *target release* of a Cluster is, in order: its ``spec.eksaVersion``; else the version
given on the command line (``--eksa-version``) or in the editor (``eksaMirror.eksaVersion``);
else the latest release this project knows (``LATEST``).

What was verified, and where (aws/eks-anywhere; "changelog" is
``docs/content/en/docs/whatsnew/changelog.md``; PR/issue numbers are that repository's):

- ``registryMirrorConfiguration`` with ``endpoint`` and ``caCertContent``: v0.6.0. Changelog
  v0.6.0 "Ability to use your own container registry (#98)"; PR #180 added the section.
- ``port``: v0.7.0. PR #811 "Allow users to configure port for registry mirror" (Dec 2021,
  after v0.6.0 of Oct 2021, before v0.7.0 of 2022-01-27); docs PR #887.
- ``insecureSkipVerify``: v0.9.0, for Snow only. PR #1637 (Mar 2022) added the field "Currently
  only supported for Snow provider"; the reference (§2.7, commit e86b00c2e) dates it to
  v0.9.0 with the error ``insecureSkipVerify is only supported for snow provider``.
  Changelog v0.15.0: "Support for InsecureSkipVerify for RegistryMirrorConfiguration across
  all providers. Currently only supported for Ubuntu and RHEL OS (#1647)"; PRs #5235 (vSphere,
  Docker), #5277 (Tinkerbell), #5289 (CloudStack), #5236 (Nutanix), #5250 (feature flag for
  all providers), #5314 (Bottlerocket preflight), all March 2023. The reference says the
  provider check is gone at tag v0.15.0 (its Snow-only error is in ``cluster.go`` at v0.9.0
  ... v0.14.6 and absent at v0.15.0, where ``InsecureSkipVerify is not supported for
  bottlerocket`` already exists; release-0.15 got the change through the sync commit #5366,
  so the feed2a9b1 of main is not what shipped it). The historic Snow-only rule applies to
  v0.9.0-v0.14.x.
- ``authenticate``: v0.12.0, **not** v0.14.1. Changelog v0.12.0 "Allow authenticated image
  pull using Registry Mirror for Ubuntu on vSphere cluster"; docs PR #3755 (Oct 2022,
  cherry-picked to release-0.12) documents ``authenticate`` with "Authenticated private
  registries are only supported for Ubuntu on vSphere currently". Changelog v0.14.1 "support
  for authenticated pulls from registry mirror (#4796)" is #4796 = cherry-pick of #4337 "Add
  support for registry mirror authentication for bottlerocket". So: v0.12.x Ubuntu/RHEL on
  vSphere only; Bottlerocket from v0.14.1. Per provider (``registryAuth`` in the provider
  templates at the tags): Tinkerbell from v0.13.0; Nutanix (no mirror at all before v0.15.0,
  changelog "Registry mirror support for Nutanix (#5236)") and Docker from v0.15.0; Snow
  Ubuntu and CloudStack never (their containerd files carry no credentials).
- Node format of the mirror (Ubuntu/RHEL): before v0.24.0 legacy
  ``[plugins."io.containerd.grpc.v1.cri".registry.mirrors]`` and ``registry.configs`` tables
  in ``config_append.toml`` (vSphere ``template-cp.yaml`` at v0.23.0, lines 345-367). From
  v0.24.0 ``config_path`` plus ``certs.d/*/hosts.toml`` (b0864f181, #10212 "Migrate registry
  mirror config to containerd v2 format", first tag v0.24.0), but without
  ``override_path``: containerd appends ``/v2`` to a host path that does not end in ``/v2``,
  so a namespaced host ``https://<mirror>/v2/<ns>`` is asked for
  ``/v2/<ns>/v2/<repo>/manifests/<tag>`` and answers 404. v0.25.3 (815e931c1, #10779) and
  v0.26.0 (0a1e441a4, #10765) add ``override_path = true`` and make ``ToAPIEndpoint`` give
  every URL a ``/v2`` root (``""`` becomes ``v2``); v0.24.0-v0.25.2 keep the bare base.
- Bottlerocket settings written by the Cluster API bootstrap (build-tooling patch 0029,
  "Adding patch for BR multiple reg mirrors", 2024-03-11, between v0.19.0 of 2024-02-28 and
  v0.20.0 of 2024-06-27): one ``[[settings.container-registry.mirrors]]`` per registry. The
  older form (patches 0005/0017) is one ``[settings.container-registry.mirrors]`` table with
  ``"public.ecr.aws" = ["https://<endpoint>"]``; it is used for targets before v0.20.0 (the
  v0.19.x patch releases were not checked).
- ``ociNamespaces``: v0.13.0 (PR #4128 "Add namespace support", reviewed 2022-12-06, per the
  reference §4.5). Verified: v0.12.2 rejects it with ``json: unknown field "ociNamespaces"``
  (issue #5962). Caveat: in that issue a maintainer answered "available in eks anywhere
  v0.14+", and the v0.13.0 changelog does not mention it; v0.13.0 is kept (the lenient side).
- ``only one registry mirror for curated packages is suppported``: added with #4128 (v0.13.0).
- SHA-1: changelog v0.12.0 breaking change "Certificates signed with SHA-1 are not supported
  anymore for Registry Mirror". It concerns the certificates Go verifies (the registry's
  served certificate and intermediates), never ``caCertContent`` itself, which is a root: no
  static rule depends on it (docs/rules.md, RM015).
- Bottlerocket and ``ociNamespaces``: changelog v0.19.0 "Validate OCI namespaces for registry
  mirror on Bottlerocket (#7257)"; error ``public.ecr.aws is the only registry supported in
  ociNamespaces for bottlerocket`` (reference §2.7; the PR description shows an earlier
  wording). Multiple mappings on Bottlerocket vSphere: PR #7876 "Adding support for mutliple
  oci namespaces in BR OS vSphere" ("Prior to these changes, only public.ecr.aws mirroring was
  supported for OS family bottlerocket"), first in v0.20.0 per the reference. Before v0.19
  nothing refused other mappings: they were silently not mirrored on Bottlerocket, and
  without a ``public.ecr.aws`` entry no mirror at all reached the node (issue #6418).
- Required projects: changelog v0.24.0 "Add support for First-party Supported Cilium CNI
  (#10157, #10256, #10158)"; #10158 (2025-09-29) "We now use our first-party supported Cilium
  images from eks repo in our bundles instead of the isovalent images". So ``isovalent``
  before v0.24.0, ``eks`` from v0.24.0. ``curated-packages`` was a docs-only project for the
  packages copy (dropped from the docs in #10383); no bundle image lives there, so it is not
  a required project of any release.
- Mirror configuration mutable on Bottlerocket: changelog v0.17.0 "Allow registry mirror
  configurations to be mutable for Bottlerocket OS".
- Latest release: v0.26.1 (reference header; GitHub releases page).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import total_ordering

__all__ = [
    "LATEST",
    "Target",
    "Version",
    "field_since",
    "parse_version",
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


def v(text: str) -> Version:
    parsed = parse_version(text)
    assert parsed is not None, text
    return parsed


LATEST = v("v0.26.1")

# --- boundaries (see the module docstring for where each was verified) --------------------

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
        return f"EKS Anywhere {self.label} ({where})"


def target_release(spec_version: str = "", option_version: str = "") -> Target:
    """``spec.eksaVersion`` wins, then the option, then ``LATEST``; unparsable values are
    skipped (EKS-A reports a bad ``eksaVersion`` itself; it is not a mirror problem)."""
    parsed = parse_version(spec_version) if spec_version else None
    if parsed is not None:
        return Target(parsed, "spec.eksaVersion", spec_version.strip())
    parsed = parse_version(option_version) if option_version else None
    if parsed is not None:
        return Target(parsed, "option", option_version.strip())
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
