"""External etcd machines: what EKS-A renders into the ``EtcdadmCluster`` and what
etcdadm-bootstrap-provider writes on the machines from it.

Rendered only when ``externalEtcdConfiguration`` is set. The node files are those of
etcdadm-bootstrap-provider v1.0.19 (EKS-A v0.26 ships v1.0.22, not compared: ``CAVEAT``);
the sources followed: docs/check.md ("Where explain's files come from").
"""

from __future__ import annotations

from eksa_mirror.core.eksa import releases
from eksa_mirror.core.mirror import PUBLIC_ECR, MirrorConfig, to_api_endpoint
from eksa_mirror.explain.model import (
    CA_B64_PLACEHOLDER,
    CERTS_D,
    CONFIG_APPEND_PATH,
    CRI,
    PASSWORD_PLACEHOLDER,
    USERNAME_PLACEHOLDER,
    EtcdNodes,
    NodeFile,
)

CAVEAT = (
    "etcd machine files as written by etcdadm-bootstrap-provider v1.0.19; EKS-A v0.26 ships"
    " v1.0.22 (with a hosts.toml /v2/ fix, PR #58) whose files could not be compared, so"
    " the Ubuntu/RHEL etcd files may differ there"
)
COMMANDS = (
    "cat /etc/containerd/config_append.toml >> /etc/containerd/config.toml",
    "sudo systemctl daemon-reload",
    "sudo systemctl restart containerd",
)


def _config_append(cfg: MirrorConfig, endpoint: str) -> str:
    tls = (
        f'    ca_file = "{CERTS_D}/{endpoint}/ca.crt"'
        if cfg.ca_cert_content
        else "    insecure_skip_verify = true"
    )
    return (
        f"\n{CRI}.mirrors]\n"
        f'  {CRI}.mirrors."{PUBLIC_ECR}"]\n'
        f'    endpoint = ["https://{endpoint}"]\n'
        f'  {CRI}.configs."{endpoint}".tls]\n'
        f"{tls}\n"
    )


def _bottlerocket(cfg: MirrorConfig, endpoint: str, version: releases.Version) -> str:
    lines: list[str] = []
    if endpoint:
        lines += [
            "[settings.container-registry.mirrors]",
            f'"{PUBLIC_ECR}" = ["https://{endpoint}"]',
        ]
    if cfg.ca_cert_content:
        lines += [
            "[settings.pki.registry-mirror-ca]",
            f'data = "{CA_B64_PLACEHOLDER}"',
            "trusted=true",
        ]
    if cfg.authenticate and version >= releases.AUTHENTICATE_BOTTLEROCKET:
        for registry in (PUBLIC_ECR, endpoint):
            lines += [
                "[[settings.container-registry.credentials]]",
                f'registry = "{registry}"',
                f'username = "{USERNAME_PLACEHOLDER}"',
                f'password = "{PASSWORD_PLACEHOLDER}"',
            ]
    return "\n".join(lines) + "\n" if lines else ""


def etcd_nodes(cfg: MirrorConfig, version: releases.Version | None = None) -> EtcdNodes | None:
    """The external etcd view (``None`` without ``externalEtcdConfiguration``)."""
    if not cfg.external_etcd:
        return None
    version = version or releases.LATEST
    endpoint = to_api_endpoint(
        cfg.core_eksa_mirror(), bare_v2=version >= releases.OVERRIDE_PATH_SINCE
    )
    family = cfg.etcd_os_family
    files: tuple[NodeFile, ...] = ()
    commands: tuple[str, ...] = ()
    if family != "bottlerocket":
        files = (
            NodeFile(f"{CERTS_D}/{endpoint}/ca.crt", cfg.ca_cert_content),
            NodeFile(CONFIG_APPEND_PATH, _config_append(cfg, endpoint)),
        )
        commands = COMMANDS
    settings = _bottlerocket(cfg, endpoint, version) if family in ("bottlerocket", "") else ""
    return EtcdNodes(
        endpoint=endpoint,
        ca_cert=bool(cfg.ca_cert_content),
        os_family=family,
        files=files,
        commands=commands,
        bottlerocket_settings=settings,
        caveat=CAVEAT,
    )
