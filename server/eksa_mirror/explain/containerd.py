"""Ubuntu/RHEL containerd files, per release (see ``releases.node_format``).

``current`` (v0.25.3/v0.26.0 on): ``hosts.toml`` files with ``override_path = true``;
``hosts-toml`` (v0.24.0-v0.25.2): the same without ``override_path``; ``legacy`` (before
v0.24.0): ``registry.mirrors`` and ``registry.configs`` in ``config_append.toml``. The files
of each, and the EKS-A templates followed: docs/check.md, docs/releases.md.
"""

from __future__ import annotations

from eksa_mirror.core.eksa import releases
from eksa_mirror.core.eksa.providers import NO_AUTH_HEADER
from eksa_mirror.core.mirror import MirrorConfig, to_api_endpoint
from eksa_mirror.explain.model import (
    AUTH_PLACEHOLDER,
    CERTS_D,
    CONFIG_APPEND,
    CONFIG_APPEND_PATH,
    CRI,
    ENV_PASSWORD,
    ENV_USERNAME,
    NodeFile,
)


def credentials_rendered(cfg: MirrorConfig, version: releases.Version | None = None) -> bool:
    """Whether Ubuntu/RHEL containerd files carry the mirror credentials."""
    since = releases.AUTHENTICATE_PROVIDER_SINCE.get(cfg.datacenter_kind)
    if not cfg.authenticate or cfg.datacenter_kind in NO_AUTH_HEADER:
        return False
    return since is None or version is None or version >= since


def auth_header_rendered(cfg: MirrorConfig) -> bool:
    """Whether current ``hosts.toml`` files get an ``Authorization: Basic`` header."""
    return cfg.authenticate and cfg.datacenter_kind not in NO_AUTH_HEADER


def hosts_toml(
    cfg: MirrorConfig, server: str, host: str, *, auth: bool, override_path: bool = True
) -> str:
    """One ``hosts.toml``: ``server = "https://<server>"`` and one host block for ``host``."""
    lines = [
        f'server = "https://{server}"',
        "",
        f'[host."https://{host}"]',
        '  capabilities = ["pull", "resolve"]',
    ]
    if override_path:
        lines.append("  override_path = true")
    if cfg.ca_cert_content:
        lines.append(f'  ca = "{CERTS_D}/{cfg.base_registry}/ca.crt"')
    if cfg.insecure_skip_verify:
        lines.append("  skip_verify = true")
    if auth:
        lines.append(f'  [host."https://{host}".header]')
        lines.append(f'    authorization = "Basic {AUTH_PLACEHOLDER}"')
    return "\n".join(lines) + "\n"


def _hosts_files(cfg: MirrorConfig, *, auth: bool, current: bool) -> list[NodeFile]:
    base = cfg.base_registry
    files = [NodeFile(CONFIG_APPEND_PATH, CONFIG_APPEND)]
    if cfg.ca_cert_content:
        files.append(NodeFile(f"{CERTS_D}/{base}/ca.crt", cfg.ca_cert_content))
    own = to_api_endpoint(base, bare_v2=current)
    files.append(
        NodeFile(
            f"{CERTS_D}/{base}/hosts.toml",
            hosts_toml(cfg, base, own, auth=auth, override_path=current),
        )
    )
    for registry, mirror in sorted(cfg.namespaced_registry_map().items()):
        host = to_api_endpoint(mirror, bare_v2=current)
        files.append(
            NodeFile(
                f"{CERTS_D}/{registry}/hosts.toml",
                hosts_toml(cfg, registry, host, auth=auth, override_path=current),
            )
        )
    return files


def legacy_config_append(cfg: MirrorConfig, *, auth: bool) -> str:
    """The pre-v0.24.0 ``config_append.toml`` (Go template ``range`` sorts the registries)."""
    base = cfg.base_registry
    lines = [f"{CRI}.mirrors]"]
    for registry, mirror in sorted(cfg.namespaced_registry_map().items()):
        lines.append(f'  {CRI}.mirrors."{registry}"]')
        lines.append(f'    endpoint = ["https://{to_api_endpoint(mirror, bare_v2=False)}"]')
    if cfg.ca_cert_content or cfg.insecure_skip_verify:
        lines.append(f'  {CRI}.configs."{base}".tls]')
        if cfg.ca_cert_content:
            lines.append(f'    ca_file = "{CERTS_D}/{base}/ca.crt"')
        if cfg.insecure_skip_verify:
            lines.append("    insecure_skip_verify = true")
    if auth:
        lines.append(f'  {CRI}.configs."{base}".auth]')
        lines.append(f'    username = "{ENV_USERNAME}"')
        lines.append(f'    password = "{ENV_PASSWORD}"')
    return "\n".join(lines) + "\n"


def containerd_files(
    cfg: MirrorConfig, *, auth: bool | None = None, node_format: str = "current"
) -> list[NodeFile]:
    """The files EKS-A writes on Ubuntu/RHEL nodes for ``node_format``.

    ``auth`` defaults to ``auth_header_rendered(cfg)``; upstream registries follow the
    mirror's own files, sorted by name (EKS-A iterates a Go map).
    """
    with_auth = auth_header_rendered(cfg) if auth is None else auth
    if node_format != "legacy":
        return _hosts_files(cfg, auth=with_auth, current=node_format == "current")
    files = [NodeFile(CONFIG_APPEND_PATH, legacy_config_append(cfg, auth=with_auth))]
    if cfg.ca_cert_content:
        files.append(NodeFile(f"{CERTS_D}/{cfg.base_registry}/ca.crt", cfg.ca_cert_content))
    return files


def pull_url(mirror: str, path: str, node_format: str) -> str:
    """The URL containerd requests for ``<mirror>/<path>`` (``/v2/…`` API root).

    Without ``override_path`` (v0.24.0-v0.25.2) containerd appends ``/v2`` to a host path
    that does not end in it, so a namespaced host is asked ``/v2/<ns>/v2/…``.
    """
    if node_format == "current":
        return f"https://{to_api_endpoint(mirror)}/{path}"
    host = to_api_endpoint(mirror, bare_v2=False)
    if node_format == "hosts-toml" and not host.endswith("/v2"):
        return f"https://{host}/v2/{path}"
    return f"https://{to_api_endpoint(mirror)}/{path}"
