"""The effective mirror configuration of one cluster, as EKS Anywhere would use it.

This is the plain, defaulted view of ``spec.registryMirrorConfiguration`` plus the few
facts from other documents that decide what lands on the nodes (provider and OS
families). ``explain`` and ``check`` work from it; the rules work from the YAML nodes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from eksa_mirror.core import gopath

DEFAULT_PORT = "443"
#: The upstream registry of EKS Anywhere's own images (``ociNamespaces`` maps it).
PUBLIC_ECR = "public.ecr.aws"
#: What ``explain`` and ``check`` say of an ``ociNamespaces`` without ``PUBLIC_ECR``.
NO_PUBLIC_ECR = (
    f"ociNamespaces has no entry for {PUBLIC_ECR}: EKS Anywhere's own images are not mirrored"
)
#: Names the CA file ``eksctl anywhere`` reads when ``caCertContent`` is empty.
CA_ENV = "EKSA_REGISTRY_MIRROR_CA"
#: The login ``eksctl anywhere`` reads for ``authenticate: true`` (and ``check`` sends).
USERNAME_ENV, PASSWORD_ENV = "REGISTRY_USERNAME", "REGISTRY_PASSWORD"


@dataclass(frozen=True)
class EnvCa:
    """The file ``EKSA_REGISTRY_MIRROR_CA`` names: its content, or why it cannot be read."""

    path: str
    content: str = ""
    #: The operating system's reason (``No such file or directory``), "" when read.
    error: str = ""


def ca_from_env(environ: Mapping[str, str]) -> EnvCa | None:
    """Read the file ``EKSA_REGISTRY_MIRROR_CA`` names (None when the variable is unset)."""
    path = environ.get(CA_ENV, "")
    if not path:
        return None
    try:
        content = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        return EnvCa(path, error=exc.strerror or type(exc).__name__)
    return EnvCa(path, content)


def join_host_port(host: str, port: str | int) -> str:
    """Go's ``net.JoinHostPort``: a host containing ``:`` (an IPv6 literal) is bracketed."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


@dataclass(frozen=True)
class OCINamespace:
    """One ``ociNamespaces`` entry: upstream registry → namespace in the mirror."""

    registry: str
    namespace: str


@dataclass(frozen=True)
class MirrorConfig:
    """``registryMirrorConfiguration`` with EKS-A's defaults applied (port 443)."""

    endpoint: str
    port: str = DEFAULT_PORT
    oci_namespaces: tuple[OCINamespace, ...] = ()
    ca_cert_content: str = ""
    authenticate: bool = False
    insecure_skip_verify: bool = False
    #: ``datacenterRef.kind`` of the Cluster, e.g. ``VSphereDatacenterConfig`` ("" if unknown).
    datacenter_kind: str = ""
    #: OS families of the machine configs the Cluster references
    #: (``bottlerocket``, ``ubuntu``, ``redhat``).
    os_families: frozenset[str] = field(default_factory=frozenset)
    #: ``spec.eksaVersion`` of the Cluster, if any (e.g. ``v0.20.0``).
    eksa_version: str = ""
    #: ``spec.externalEtcdConfiguration`` is set (EKS-A then renders an ``EtcdadmCluster``).
    external_etcd: bool = False
    #: OS family of the external etcd machine config ("" when unknown or no external etcd).
    etcd_os_family: str = ""
    #: ``Cluster.KubernetesVersions()``: the control plane's, then the worker groups' own.
    kubernetes_versions: tuple[str, ...] = ()

    @property
    def base_registry(self) -> str:
        """``net.JoinHostPort(endpoint, port)``: a host containing ``:`` (IPv6) is bracketed."""
        return join_host_port(self.endpoint, self.port)

    def namespaced_registry_map(self) -> dict[str, str]:
        """EKS-A's ``NamespacedRegistryMap``: upstream registry → ``base[/namespace]``.

        A duplicate registry keeps the last entry; no entries mean ``public.ecr.aws`` → base.
        """
        if not self.oci_namespaces:
            return {PUBLIC_ECR: self.base_registry}
        result: dict[str, str] = {}
        for entry in self.oci_namespaces:
            result[entry.registry] = _join(self.base_registry, entry.namespace)
        return result

    def core_eksa_mirror(self) -> str:
        """The mirror of ``public.ecr.aws`` ("" when ``ociNamespaces`` lacks it)."""
        return self.namespaced_registry_map().get(PUBLIC_ECR, "")

    def replace_registry(self, url: str) -> str:
        """EKS-A's ``RegistryMirror.ReplaceRegistry``: the mirror of ``url``'s host in its
        place (the first occurrence), or ``url`` unchanged when that host is not mapped.

        Raises ``gopath.ParseError`` where Go's ``url.Parse`` fails (EKS-A then panics).
        """
        return replace_registry(self.namespaced_registry_map(), url)


#: ``host/path[:tag][@digest]`` without a port or any character ``url.Parse`` treats apart:
#: no scheme, and the host is the text before the first ``/`` (checked against Go in
#: tests/e2e/test_images_go.py with the general path).
_PLAIN_REFERENCE = re.compile(r"([A-Za-z0-9.-]+)/[A-Za-z0-9._/:@-]*")


def registry_host(url: str) -> str:
    """The host ``ReplaceRegistry`` looks up: ``url.Parse(url).Host``, parsed again with
    ``oci://`` in front when ``url`` has no scheme (an image reference). Raises
    ``gopath.ParseError`` where Go's ``url.Parse`` fails."""
    plain = _PLAIN_REFERENCE.fullmatch(url)
    if plain is not None:  # what every bundle holds: url.Parse gives the first segment
        return plain.group(1)
    scheme, host = gopath.url_host(url)
    if not scheme:
        host = gopath.url_host("oci://" + url)[1]
    return host


def replace_registry(mapping: Mapping[str, str], url: str) -> str:
    """``ReplaceRegistry`` with ``mapping`` (registry → mirror): the first occurrence of the
    host replaced by its mirror, or ``url`` unchanged when the host is not mapped."""
    host = registry_host(url)
    mirror = mapping.get(host)
    return url if mirror is None else url.replace(host, mirror, 1)


def to_api_endpoint(mirror: str, *, bare_v2: bool = True) -> str:
    """containerd's ``ToAPIEndpoint`` (Go semantics, see ``gopath``): ``v2`` becomes the
    first path segment; input Go's ``url.Parse`` rejects is returned unchanged."""
    return gopath.to_api_endpoint(mirror, bare_v2=bare_v2)


def double_v2_host(mirror: str, base: str) -> str:
    """The ``hosts.toml`` host v0.24.0-v0.25.2 write for ``mirror`` when containerd asks it
    ``/v2/<namespace>/v2/<repo>/...`` (no ``override_path``): a namespaced host whose path does
    not end in ``/v2``. "" when ``mirror`` is not affected (the base itself, or ``.../v2``).
    Only Ubuntu/RHEL nodes read ``hosts.toml``."""
    host = to_api_endpoint(mirror, bare_v2=False)
    return "" if mirror == base or host.endswith("/v2") else host


def _join(base: str, namespace: str) -> str:
    """``filepath.Join(base, namespace)``: drops empty parts and cleans ``.``/``..``; a
    ``..`` may pop the endpoint itself (``../escape`` gives ``escape``)."""
    return gopath.join(base, namespace)
