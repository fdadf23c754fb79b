"""What EKS Anywhere will configure on the nodes for a registry mirror (``eksa-mirror explain``).

Pure functions of a ``MirrorConfig``; nothing is read from the environment or the network.
The rendering follows EKS Anywhere at the commit recorded in
``reference/eksa-registry-mirror.md`` (section 5), i.e. after aws/eks-anywhere#10765
("Set ``override_path = true`` in hosts.toml"):

* Ubuntu/RHEL nodes (``pkg/clusterapi/registry_mirror.go`` and the provider templates):
  ``/etc/containerd/config_append.toml`` (appended to ``config.toml`` by a preKubeadm
  command), ``/etc/containerd/certs.d/<endpoint>:<port>/ca.crt`` when ``caCertContent`` is
  set, one ``hosts.toml`` for the mirror itself and one per mirrored upstream registry.
  Every host block points at ``https://<endpoint>:<port>/v2[/<namespace>]`` with
  ``override_path = true``.
* Bottlerocket nodes: kubeadm ``registryMirror`` settings. vSphere renders a single
  ``endpoint`` when the only mapping is ``public.ecr.aws``, otherwise a ``mirrors`` list;
  Tinkerbell and Snow render only the ``public.ecr.aws`` mirror and ignore the others.
* The image rewrite table (``ReplaceRegistry``), the external etcd endpoint, and the
  ``eksa-system/registry-credentials`` Secret when ``authenticate`` is set — with
  placeholders, never real credentials.

``mirror_mapping_lines(cfg, registry)`` gives the same facts for one ``ociNamespaces``
entry, for the language server's hover.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from eksa_mirror.mirror import PUBLIC_ECR, MirrorConfig, to_api_endpoint

CERTS_D = "/etc/containerd/certs.d"
CONFIG_APPEND_PATH = "/etc/containerd/config_append.toml"
CONFIG_APPEND = (
    '[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n'
)
PRE_KUBEADM_COMMANDS = (
    "cat /etc/containerd/config_append.toml >> /etc/containerd/config.toml",
    "sudo systemctl daemon-reload",
    "sudo systemctl restart containerd",
)
#: Shown instead of the real ``base64(username:password)``.
AUTH_PLACEHOLDER = "<base64 of REGISTRY_USERNAME:REGISTRY_PASSWORD>"
SECRET_NAMESPACE = "eksa-system"
SECRET_NAME = "registry-credentials"

PROVIDER_NAMES = {
    "VSphereDatacenterConfig": "vSphere",
    "TinkerbellDatacenterConfig": "Bare Metal (Tinkerbell)",
    "NutanixDatacenterConfig": "Nutanix",
    "SnowDatacenterConfig": "Snow",
    "CloudStackDatacenterConfig": "CloudStack",
    "DockerDatacenterConfig": "Docker",
}
#: Providers whose Ubuntu/RHEL hosts.toml carries no Authorization header.
NO_AUTH_HEADER = frozenset({"SnowDatacenterConfig", "CloudStackDatacenterConfig"})
#: Providers whose Bottlerocket nodes only get the public.ecr.aws mirror.
BOTTLEROCKET_PUBLIC_ONLY = frozenset({"TinkerbellDatacenterConfig", "SnowDatacenterConfig"})
CONTAINERD_FAMILIES = frozenset({"ubuntu", "redhat"})


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
    pull_url: str


@dataclass(frozen=True)
class BottlerocketSettings:
    """The kubeadm ``registryMirror`` settings of Bottlerocket nodes."""

    provider: str
    #: Single-endpoint form (``None`` when the ``mirrors`` list is used, or nothing works).
    endpoint: str | None
    #: ``mirrors`` list form: ``(upstream registry, mirror API endpoint)``.
    mirrors: tuple[tuple[str, str], ...]
    ca_cert: bool
    #: Upstream registries listed in ``ociNamespaces`` that Bottlerocket nodes ignore.
    ignored: tuple[str, ...]


@dataclass(frozen=True)
class Explanation:
    """Everything ``explain`` shows."""

    endpoint: str
    port: str
    base_registry: str
    provider: str
    os_families: tuple[str, ...]
    #: ``caCertContent`` is set (its content is shown as the ``ca.crt`` node file).
    ca_cert: bool
    rewrites: tuple[Rewrite, ...]
    #: Ubuntu/RHEL containerd files (empty when no such nodes are in use).
    containerd_files: tuple[NodeFile, ...]
    bottlerocket: BottlerocketSettings | None
    etcd_endpoint: str | None
    credentials_secret: str | None
    notes: tuple[str, ...]


# --------------------------------------------------------------------------- building blocks


def auth_header_rendered(cfg: MirrorConfig) -> bool:
    """Whether Ubuntu/RHEL ``hosts.toml`` files get an ``Authorization: Basic`` header."""
    return cfg.authenticate and cfg.datacenter_kind not in NO_AUTH_HEADER


def hosts_toml(cfg: MirrorConfig, server: str, host: str, *, auth: bool) -> str:
    """One ``hosts.toml``: ``server = "https://<server>"`` and one host block for ``host``."""
    lines = [
        f'server = "https://{server}"',
        "",
        f'[host."https://{host}"]',
        '  capabilities = ["pull", "resolve"]',
        "  override_path = true",
    ]
    if cfg.ca_cert_content:
        lines.append(f'  ca = "{CERTS_D}/{cfg.base_registry}/ca.crt"')
    if cfg.insecure_skip_verify:
        lines.append("  skip_verify = true")
    if auth:
        lines.append(f'  [host."https://{host}".header]')
        lines.append(f'    authorization = "Basic {AUTH_PLACEHOLDER}"')
    return "\n".join(lines) + "\n"


def containerd_files(cfg: MirrorConfig, *, auth: bool | None = None) -> list[NodeFile]:
    """The files EKS-A writes on Ubuntu/RHEL nodes, in EKS-A's order.

    ``auth`` defaults to ``auth_header_rendered(cfg)``; upstream registries follow the
    mirror's own files, sorted by name (EKS-A iterates a Go map: its order varies).
    """
    with_auth = auth_header_rendered(cfg) if auth is None else auth
    base = cfg.base_registry
    files = [NodeFile(CONFIG_APPEND_PATH, CONFIG_APPEND)]
    if cfg.ca_cert_content:
        files.append(NodeFile(f"{CERTS_D}/{base}/ca.crt", cfg.ca_cert_content))
    files.append(
        NodeFile(
            f"{CERTS_D}/{base}/hosts.toml",
            hosts_toml(cfg, base, to_api_endpoint(base), auth=with_auth),
        )
    )
    for registry, mirror in sorted(cfg.namespaced_registry_map().items()):
        files.append(
            NodeFile(
                f"{CERTS_D}/{registry}/hosts.toml",
                hosts_toml(cfg, registry, to_api_endpoint(mirror), auth=with_auth),
            )
        )
    return files


def _example(registry: str) -> str:
    return "eks-anywhere/x" if registry == PUBLIC_ECR else "x"


def rewrites(cfg: MirrorConfig) -> list[Rewrite]:
    """The image rewrite table: one example image per mirrored upstream registry."""
    rows = []
    for registry, mirror in cfg.namespaced_registry_map().items():
        path = _example(registry)
        rows.append(
            Rewrite(
                registry=registry,
                mirror=mirror,
                image=f"{registry}/{path}",
                rewritten=f"{mirror}/{path}",
                pull_url=f"https://{to_api_endpoint(mirror)}/{path}",
            )
        )
    return rows


def bottlerocket_settings(cfg: MirrorConfig) -> BottlerocketSettings | None:
    """Bottlerocket ``registryMirror`` settings (``None`` when no Bottlerocket nodes)."""
    if "bottlerocket" not in cfg.os_families:
        return None
    mapping = cfg.namespaced_registry_map()
    core = mapping.get(PUBLIC_ECR, "")
    provider = cfg.datacenter_kind
    ca = bool(cfg.ca_cert_content)
    if provider in BOTTLEROCKET_PUBLIC_ONLY:
        ignored = tuple(sorted(r for r in mapping if r != PUBLIC_ECR))
        endpoint = to_api_endpoint(core) if core else None
        return BottlerocketSettings(provider, endpoint, (), ca, ignored)
    if list(mapping) == [PUBLIC_ECR]:
        return BottlerocketSettings(provider, to_api_endpoint(core), (), ca, ())
    mirrors = tuple((r, to_api_endpoint(m)) for r, m in mapping.items())
    return BottlerocketSettings(provider, None, mirrors, ca, ())


def credentials_secret(cfg: MirrorConfig) -> str | None:
    """The ``registry-credentials`` Secret EKS-A creates, with placeholder values."""
    if not cfg.authenticate:
        return None
    return (
        "apiVersion: v1\n"
        "kind: Secret\n"
        "metadata:\n"
        f"  name: {SECRET_NAME}\n"
        f"  namespace: {SECRET_NAMESPACE}\n"
        "  labels:\n"
        '    clusterctl.cluster.x-k8s.io/move: "true"\n'
        "data:\n"
        "  username: <base64 of REGISTRY_USERNAME>\n"
        "  password: <base64 of REGISTRY_PASSWORD>\n"
    )


def _uses_containerd_files(cfg: MirrorConfig) -> bool:
    # No OS family known: CloudStack (RHEL only), Docker (kind nodes), or unresolved refs.
    return bool(cfg.os_families & CONTAINERD_FAMILIES) or not cfg.os_families


def _notes(cfg: MirrorConfig) -> list[str]:
    notes: list[str] = []
    mapping = cfg.namespaced_registry_map()
    if PUBLIC_ECR not in mapping:
        notes.append(
            f"ociNamespaces has no entry for {PUBLIC_ECR}: EKS Anywhere's own images are not"
            " mirrored, and the Bottlerocket and external etcd mirror endpoint is broken"
        )
    counts = Counter(entry.registry for entry in cfg.oci_namespaces)
    for registry, count in sorted(counts.items()):
        if count > 1:
            notes.append(
                f"{registry} is listed {count} times in ociNamespaces: only the last entry counts"
            )
    if cfg.authenticate and cfg.datacenter_kind in NO_AUTH_HEADER:
        name = PROVIDER_NAMES[cfg.datacenter_kind]
        notes.append(f"authenticate has no effect on {name} nodes: no Authorization header")
    if cfg.insecure_skip_verify and "bottlerocket" in cfg.os_families:
        notes.append(
            "insecureSkipVerify is not rendered for Bottlerocket, and EKS-A's preflight fails"
            " with: InsecureSkipVerify is not supported for bottlerocket"
        )
    if cfg.datacenter_kind == "TinkerbellDatacenterConfig":
        extra = " and registry_username/registry_password" if cfg.authenticate else ""
        notes.append(
            f"Tinkerbell stack: Smee gets insecure_registries={cfg.base_registry}{extra};"
            " Helm charts are pulled through the mirror with --insecure"
        )
    return notes


def explain(cfg: MirrorConfig, *, ca_from: str = "") -> Explanation:
    """Everything EKS Anywhere derives from the mirror settings of ``cfg``.

    ``ca_from`` names where ``caCertContent`` came from when it was not in the file
    (``EKSA_REGISTRY_MIRROR_CA=<path>``); it only adds a note.
    """
    core = cfg.core_eksa_mirror()
    notes = _notes(cfg)
    if ca_from and cfg.ca_cert_content:
        notes.insert(0, f"caCertContent is empty in the file: the CA comes from {ca_from}")
    return Explanation(
        endpoint=cfg.endpoint,
        port=cfg.port,
        base_registry=cfg.base_registry,
        provider=cfg.datacenter_kind,
        os_families=tuple(sorted(cfg.os_families)),
        ca_cert=bool(cfg.ca_cert_content),
        rewrites=tuple(rewrites(cfg)),
        containerd_files=tuple(containerd_files(cfg)) if _uses_containerd_files(cfg) else (),
        bottlerocket=bottlerocket_settings(cfg),
        etcd_endpoint=to_api_endpoint(core) if core else None,
        credentials_secret=credentials_secret(cfg),
        notes=tuple(notes),
    )


# --------------------------------------------------------------------------- hover


def mirror_mapping_lines(cfg: MirrorConfig, registry: str) -> list[str]:
    """Markdown lines for a hover on the ``ociNamespaces`` entry of ``registry``.

    The first line is always the pull mapping, e.g.
    ``public.ecr.aws/eks-anywhere/x`` pulls from ``https://10.0.0.5:443/v2/eks-anywhere/x``.
    """
    mapping = cfg.namespaced_registry_map()
    if registry not in mapping:
        return [f"`{registry}` is not mirrored: its images are pulled from `{registry}` itself"]
    mirror = mapping[registry]
    path = _example(registry)
    api = to_api_endpoint(mirror)
    lines = [
        f"`{registry}/{path}` pulls from `https://{api}/{path}`",
        f"image references are rewritten to `{mirror}/{path}`",
    ]
    count = sum(1 for entry in cfg.oci_namespaces if entry.registry == registry)
    if count > 1:
        lines.append(f"`{registry}` is listed {count} times: EKS Anywhere uses the last entry")
    if _uses_containerd_files(cfg):
        lines.append(f"Ubuntu/RHEL nodes: `{CERTS_D}/{registry}/hosts.toml`")
    settings = bottlerocket_settings(cfg)
    if settings is not None:
        if registry in settings.ignored:
            name = PROVIDER_NAMES.get(cfg.datacenter_kind, cfg.datacenter_kind)
            lines.append(
                f"Bottlerocket nodes on {name} ignore this mapping (only `{PUBLIC_ECR}` is"
                " mirrored there)"
            )
        else:
            lines.append(f"Bottlerocket nodes: mirror endpoint `{api}`")
    return lines


# --------------------------------------------------------------------------- rendering


def _shown_content(content: str) -> str:
    if "PRIVATE KEY-----" in content:
        return "<caCertContent contains a private key: not shown>\n"
    return content


def _indent(text: str, prefix: str) -> list[str]:
    return [f"{prefix}{line}".rstrip() for line in text.rstrip("\n").split("\n")]


def render_text(exp: Explanation) -> str:
    """The readable explanation (``explain --format text``)."""
    provider = PROVIDER_NAMES.get(exp.provider, exp.provider or "provider unknown")
    families = ", ".join(exp.os_families) if exp.os_families else "not known"
    out = [f"Registry mirror {exp.base_registry} ({provider}; OS families: {families})", ""]
    out.append("Image rewrites")
    width = max((len(r.image) for r in exp.rewrites), default=0)
    for row in exp.rewrites:
        out.append(f"  {row.image.ljust(width)} → {row.rewritten}")
        out.append(f"  {''.ljust(width)}   nodes pull {row.pull_url}")
    if exp.containerd_files:
        out += ["", "Ubuntu/RHEL nodes: containerd files"]
        for node_file in exp.containerd_files:
            out.append(f"  {node_file.path} ({node_file.owner})")
            out += _indent(_shown_content(node_file.content), "    ")
        out.append("  preKubeadmCommands:")
        out += [f"    - {command}" for command in PRE_KUBEADM_COMMANDS]
    if exp.bottlerocket is not None:
        br = exp.bottlerocket
        name = PROVIDER_NAMES.get(br.provider, br.provider or "provider unknown")
        out += ["", f"Bottlerocket nodes ({name}): kubeadm registryMirror"]
        out.append("  registryMirror:")
        if br.endpoint is not None:
            out.append(f"    endpoint: {br.endpoint}")
        elif br.mirrors:
            out.append("    mirrors:")
            for registry, endpoint in br.mirrors:
                out.append(f'    - registry: "{registry}"')
                out.append("      endpoints:")
                out.append(f"      - {endpoint}")
        else:
            out.append(f"    endpoint: (none: ociNamespaces has no {PUBLIC_ECR} entry)")
        if br.ca_cert:
            out.append("    caCert: <caCertContent>")
        for registry in br.ignored:
            out.append(f"  ignored on Bottlerocket: {registry}")
    if exp.etcd_endpoint is not None:
        ca = ", caCert: <caCertContent>" if exp.ca_cert else ""
        out += ["", f"External etcd machines: registryMirror endpoint: {exp.etcd_endpoint}{ca}"]
    if exp.credentials_secret is not None:
        out += ["", "Credentials Secret (authenticate: true)"]
        out += _indent(exp.credentials_secret, "  ")
    if exp.notes:
        out += ["", "Notes"]
        out += [f"  - {note}" for note in exp.notes]
    return "\n".join(out) + "\n"


def to_dict(exp: Explanation) -> dict[str, Any]:
    """A JSON-ready view (``explain --format json``)."""
    br = exp.bottlerocket
    return {
        "endpoint": exp.endpoint,
        "port": exp.port,
        "base_registry": exp.base_registry,
        "provider": exp.provider,
        "os_families": list(exp.os_families),
        "ca_cert": exp.ca_cert,
        "image_rewrites": [
            {
                "registry": r.registry,
                "mirror": r.mirror,
                "image": r.image,
                "rewritten": r.rewritten,
                "pull_url": r.pull_url,
            }
            for r in exp.rewrites
        ],
        "containerd": {
            "files": [
                {"path": f.path, "owner": f.owner, "content": _shown_content(f.content)}
                for f in exp.containerd_files
            ],
            "pre_kubeadm_commands": list(PRE_KUBEADM_COMMANDS) if exp.containerd_files else [],
        },
        "bottlerocket": None
        if br is None
        else {
            "provider": br.provider,
            "endpoint": br.endpoint,
            "mirrors": [{"registry": r, "endpoints": [e]} for r, e in br.mirrors],
            "ca_cert": br.ca_cert,
            "ignored": list(br.ignored),
        },
        "etcd_endpoint": exp.etcd_endpoint,
        "credentials_secret": exp.credentials_secret,
        "notes": list(exp.notes),
    }
