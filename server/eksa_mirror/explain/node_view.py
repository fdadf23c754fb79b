"""``explain()``: the whole node view of one mirror section for one target release, the
image rewrite table, the notes, and the per-entry facts the hover shows."""

from __future__ import annotations

from collections import Counter

from eksa_mirror.core.eksa import releases
from eksa_mirror.core.eksa.providers import (
    BOTTLEROCKET_PUBLIC_ONLY,
    CONTAINERD_FAMILIES,
    NO_AUTH_HEADER,
)
from eksa_mirror.core.mirror import (
    NO_PUBLIC_ECR,
    PUBLIC_ECR,
    MirrorConfig,
    double_v2_host,
    to_api_endpoint,
)
from eksa_mirror.explain.bottlerocket import bottlerocket_settings
from eksa_mirror.explain.containerd import containerd_files, credentials_rendered, pull_url
from eksa_mirror.explain.etcd import etcd_nodes
from eksa_mirror.explain.model import (
    CERTS_D,
    PROVIDER_NAMES,
    SECRET_NAME,
    SECRET_NAMESPACE,
    Explanation,
    Rewrite,
)


def _example(registry: str) -> str:
    return "eks-anywhere/x" if registry == PUBLIC_ECR else "x"


def rewrites(
    cfg: MirrorConfig, node_format: str = "current", ignored: tuple[str, ...] = ()
) -> list[Rewrite]:
    """The image rewrite table: one example image per mirrored upstream registry.

    The pull URL is the Ubuntu/RHEL nodes' (their ``node_format``) when there are any, else
    the Bottlerocket nodes', which get no ``hosts.toml`` in any release (containerd's
    ``registry.mirrors``, whose host path is used as written). With both kinds of nodes the
    Bottlerocket one is given too ("" for a registry they do not mirror, ``ignored``).
    """
    containerd = uses_containerd_files(cfg)
    both = containerd and "bottlerocket" in cfg.os_families
    rows = []
    for registry, mirror in cfg.namespaced_registry_map().items():
        path = _example(registry)
        bottlerocket = pull_url(mirror, path, "current")
        rows.append(
            Rewrite(
                registry=registry,
                mirror=mirror,
                image=f"{registry}/{path}",
                rewritten=f"{mirror}/{path}",
                pull_url=pull_url(mirror, path, node_format) if containerd else bottlerocket,
                bottlerocket_pull_url=("" if registry in ignored else bottlerocket)
                if both
                else None,
            )
        )
    return rows


def credentials_secret(cfg: MirrorConfig) -> str | None:
    """The ``registry-credentials`` Secret EKS-A creates, with placeholder values.

    The vSphere, Tinkerbell, Nutanix and Docker templates render it with the ``move``
    label; Snow and CloudStack have no template Secret, theirs comes from
    ``CreateRegistryCredSecret`` without labels.
    """
    if not cfg.authenticate:
        return None
    labels = (
        ""
        if cfg.datacenter_kind in NO_AUTH_HEADER
        else '  labels:\n    clusterctl.cluster.x-k8s.io/move: "true"\n'
    )
    return (
        "apiVersion: v1\n"
        "kind: Secret\n"
        "metadata:\n"
        f"  name: {SECRET_NAME}\n"
        f"  namespace: {SECRET_NAMESPACE}\n"
        f"{labels}"
        "data:\n"
        "  username: <base64 of REGISTRY_USERNAME>\n"
        "  password: <base64 of REGISTRY_PASSWORD>\n"
    )


def uses_containerd_files(cfg: MirrorConfig) -> bool:
    """Ubuntu/RHEL nodes, or no OS family known (CloudStack, Docker, unresolved refs)."""
    return bool(cfg.os_families & CONTAINERD_FAMILIES) or not cfg.os_families


def _broken_endpoint_note(cfg: MirrorConfig, version: releases.Version) -> str:
    shown = to_api_endpoint("", bare_v2=version >= releases.OVERRIDE_PATH_SINCE)
    where = "the external etcd mirror endpoint" if cfg.external_etcd else ""
    if "bottlerocket" in cfg.os_families and (
        cfg.datacenter_kind in BOTTLEROCKET_PUBLIC_ONLY
        or version < releases.BOTTLEROCKET_MULTIPLE_OCI
    ):
        where = "the Bottlerocket" + (" and external etcd" if where else "") + " mirror endpoint"
    if not where:
        return ""
    if shown:
        return (
            f'; {where} is rendered as the relative `{shown}` (ToAPIEndpoint("")): those'
            f" nodes pull from `https://{shown}`, which does not resolve, so their images fail"
            " to pull unless the internet is reachable"
        )
    return f"; {where} is rendered empty, so those nodes get no mirror at all"


def _notes(cfg: MirrorConfig, version: releases.Version, node_format: str) -> list[str]:
    notes: list[str] = []
    mapping = cfg.namespaced_registry_map()
    if PUBLIC_ECR not in mapping:
        notes.append(NO_PUBLIC_ECR + _broken_endpoint_note(cfg, version))
    counts = Counter(entry.registry for entry in cfg.oci_namespaces)
    for registry, count in sorted(counts.items()):
        if count > 1:
            notes.append(
                f"{registry} is listed {count} times in ociNamespaces: only the last entry counts"
            )
    notes += _auth_notes(cfg, version)
    notes += _double_v2_note(cfg, version, node_format)
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
        if PUBLIC_ECR in mapping:
            notes.append(
                f"Tinkerbell template overrides (control plane, etcd): every {PUBLIC_ECR} in"
                f" them is replaced by {mapping[PUBLIC_ECR]}"
            )
    return notes


def _double_v2_note(cfg: MirrorConfig, version: releases.Version, node_format: str) -> list[str]:
    """v0.24.0-v0.25.2: the namespaced hosts Ubuntu/RHEL nodes ask for a double /v2 (RM033)."""
    if node_format != "hosts-toml" or not uses_containerd_files(cfg):
        return []
    mapping = cfg.namespaced_registry_map()
    hosts = [h for m in mapping.values() if (h := double_v2_host(m, cfg.base_registry))]
    if not hosts:
        return []
    unaffected = ""
    if "bottlerocket" in cfg.os_families:
        unaffected = "; Bottlerocket nodes get no hosts.toml and are not affected"
    shown = ", ".join(f"https://{host}" for host in sorted(set(hosts)))
    return [
        f"{version} writes hosts.toml without override_path: containerd appends /v2 to the"
        f" namespaced hosts ({shown}) and asks /v2/<namespace>/v2/<repo>/..., which the mirror"
        f" answers with 404 on Ubuntu/RHEL nodes (fixed in v0.25.3 and v0.26.0){unaffected}"
    ]


def _auth_notes(cfg: MirrorConfig, version: releases.Version) -> list[str]:
    if not cfg.authenticate:
        return []
    name = PROVIDER_NAMES.get(cfg.datacenter_kind, cfg.datacenter_kind)
    notes = []
    if uses_containerd_files(cfg) and cfg.datacenter_kind in NO_AUTH_HEADER:
        notes.append(
            f"authenticate has no effect on {name} Ubuntu/RHEL nodes: their containerd files"
            " carry no credentials"
        )
    elif uses_containerd_files(cfg) and not credentials_rendered(cfg, version):
        since = releases.AUTHENTICATE_PROVIDER_SINCE.get(cfg.datacenter_kind)
        notes.append(f"authenticate reaches {name} Ubuntu/RHEL nodes only from {since}")
    if "bottlerocket" in cfg.os_families and version < releases.AUTHENTICATE_BOTTLEROCKET:
        since = releases.AUTHENTICATE_BOTTLEROCKET
        notes.append(f"authenticate reaches Bottlerocket nodes only from {since}")
    return notes


def explain(
    cfg: MirrorConfig, *, ca_from: str = "", target: releases.Target | None = None
) -> Explanation:
    """Everything EKS Anywhere derives from the mirror settings of ``cfg``.

    ``target`` is the release to render for (default: ``spec.eksaVersion``, else the latest
    known). ``ca_from`` names where ``caCertContent`` came from when it was not in the file
    (``EKSA_REGISTRY_MIRROR_CA=<path>``); it only adds a note.
    """
    target = target or releases.target_release(cfg.eksa_version)
    version = target.version
    node_format = releases.node_format(version)
    notes = _notes(cfg, version, node_format)
    if ca_from and cfg.ca_cert_content:
        notes.insert(0, f"caCertContent is empty in the file: the CA comes from {ca_from}")
    files = (
        containerd_files(cfg, auth=credentials_rendered(cfg, version), node_format=node_format)
        if uses_containerd_files(cfg)
        else []
    )
    bottlerocket = bottlerocket_settings(cfg, version)
    return Explanation(
        endpoint=cfg.endpoint,
        port=cfg.port,
        base_registry=cfg.base_registry,
        provider=cfg.datacenter_kind,
        os_families=tuple(sorted(cfg.os_families)),
        release=target.label,
        release_source=target.describe(),
        node_format=node_format,
        ca_cert=bool(cfg.ca_cert_content),
        rewrites=tuple(rewrites(cfg, node_format, bottlerocket.ignored if bottlerocket else ())),
        containerd_files=tuple(files),
        bottlerocket=bottlerocket,
        etcd=etcd_nodes(cfg, version),
        credentials_secret=credentials_secret(cfg),
        notes=tuple(notes),
    )


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
    if uses_containerd_files(cfg):
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
