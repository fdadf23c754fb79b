"""The data ``explain`` produces, and the fixed strings EKS Anywhere writes on nodes."""

from __future__ import annotations

from dataclasses import dataclass

from eksa_mirror.core.eksa.providers import PROVIDERS

CERTS_D = "/etc/containerd/certs.d"
CONFIG_APPEND_PATH = "/etc/containerd/config_append.toml"
CONFIG_APPEND = (
    '[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n'
)
CRI = '[plugins."io.containerd.grpc.v1.cri".registry'
PRE_KUBEADM_COMMANDS = (
    "cat /etc/containerd/config_append.toml >> /etc/containerd/config.toml",
    "sudo systemctl daemon-reload",
    "sudo systemctl restart containerd",
)
SECRET_NAMESPACE = "eksa-system"
SECRET_NAME = "registry-credentials"
SECRET = f"Secret {SECRET_NAMESPACE}/{SECRET_NAME}"
#: Shown instead of the real ``base64(username:password)``.
AUTH_PLACEHOLDER = "<base64 of REGISTRY_USERNAME:REGISTRY_PASSWORD>"
#: Shown instead of the plain values (legacy containerd tables, Bottlerocket settings).
USERNAME_PLACEHOLDER = f"<username from {SECRET}>"
PASSWORD_PLACEHOLDER = f"<password from {SECRET}>"
#: Shown instead of ``base64(caCertContent)`` in Bottlerocket settings.
CA_B64_PLACEHOLDER = "<base64 of caCertContent>"
#: Shown instead of the user's environment variables (``registryUsername``...).
ENV_USERNAME = "<REGISTRY_USERNAME>"
ENV_PASSWORD = "<REGISTRY_PASSWORD>"

PROVIDER_NAMES = {kind: provider.title for kind, provider in PROVIDERS.items()}


@dataclass(frozen=True)
class NodeFile:
    """A file written on the node (kubeadm ``files`` entry)."""

    path: str
    content: str
    owner: str = "root:root"


@dataclass(frozen=True)
class Rewrite:
    """One row of the image rewrite table."""

    registry: str
    mirror: str
    image: str
    rewritten: str
    #: What containerd asks: on the Ubuntu/RHEL nodes when there are any, else Bottlerocket's.
    pull_url: str
    #: With both Ubuntu/RHEL and Bottlerocket nodes, the Bottlerocket nodes' ("" when they do
    #: not mirror the registry); ``None`` otherwise.
    bottlerocket_pull_url: str | None = None


@dataclass(frozen=True)
class BottlerocketSettings:
    """Bottlerocket nodes: kubeadm ``registryMirror`` and the settings CAPI derives from it."""

    provider: str
    #: Single-endpoint form (``None`` when the ``mirrors`` list is used).
    endpoint: str | None
    #: ``mirrors`` list form: ``(upstream registry, mirror API endpoint)``, sorted.
    mirrors: tuple[tuple[str, str], ...]
    ca_cert: bool
    #: Upstream registries listed in ``ociNamespaces`` that Bottlerocket nodes ignore.
    ignored: tuple[str, ...]
    #: The Bottlerocket user-data settings (TOML) the Cluster API bootstrap writes.
    settings: str
    #: Registries that get ``settings.container-registry.credentials`` entries.
    credentials: tuple[str, ...]


@dataclass(frozen=True)
class EtcdNodes:
    """External etcd machines (``EtcdadmCluster``), rendered only with external etcd."""

    endpoint: str
    ca_cert: bool
    os_family: str
    #: Ubuntu/RHEL etcd files (etcdadm-bootstrap-provider).
    files: tuple[NodeFile, ...]
    commands: tuple[str, ...]
    #: Bottlerocket etcd settings (TOML); "" when not Bottlerocket.
    bottlerocket_settings: str
    #: What could not be established about these files from the EKS-A sources.
    caveat: str


@dataclass(frozen=True)
class Explanation:
    """Everything ``explain`` shows."""

    endpoint: str
    port: str
    base_registry: str
    provider: str
    os_families: tuple[str, ...]
    #: ``vX.Y.Z`` the output is rendered for, where it came from, and the node format.
    release: str
    release_source: str
    node_format: str
    ca_cert: bool
    rewrites: tuple[Rewrite, ...]
    #: Ubuntu/RHEL containerd files (empty when no such nodes are in use).
    containerd_files: tuple[NodeFile, ...]
    bottlerocket: BottlerocketSettings | None
    etcd: EtcdNodes | None
    credentials_secret: str | None
    notes: tuple[str, ...]
