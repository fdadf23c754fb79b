"""Bottlerocket nodes: the kubeadm ``registryMirror`` EKS-A renders, and the user-data
settings the Cluster API bootstrap EKS-A builds turns it into (mirrors, CA, credentials).

Both depend on the provider and the target release; what each renders, and the EKS-A and
eks-anywhere-build-tooling sources followed: docs/check.md ("Where explain's files come
from") and docs/releases.md.
"""

from __future__ import annotations

import re

from eksa_mirror.core.eksa import releases
from eksa_mirror.core.eksa.providers import BOTTLEROCKET_PUBLIC_ONLY
from eksa_mirror.core.mirror import PUBLIC_ECR, MirrorConfig, to_api_endpoint
from eksa_mirror.explain.model import (
    CA_B64_PLACEHOLDER,
    PASSWORD_PLACEHOLDER,
    USERNAME_PLACEHOLDER,
    BottlerocketSettings,
)

_ENDPOINT_HOST = re.compile(r"^(https?://)?[\w.:\-]+")


def _credentials(registries: list[str]) -> list[str]:
    lines: list[str] = []
    for registry in registries:
        lines += [
            "[[settings.container-registry.credentials]]",
            f'registry = "{registry}"',
            f'username = "{USERNAME_PLACEHOLDER}"',
            f'password = "{PASSWORD_PLACEHOLDER}"',
        ]
    return lines


def _ca(cfg: MirrorConfig) -> list[str]:
    if not cfg.ca_cert_content:
        return []
    return ["[settings.pki.registry-mirror-ca]", f'data = "{CA_B64_PLACEHOLDER}"', "trusted=true"]


def node_settings(
    cfg: MirrorConfig, mirrors: dict[str, str], version: releases.Version
) -> tuple[str, tuple[str, ...]]:
    """The CAPI Bottlerocket settings for a kubeadm mirror map (registry → endpoint), and
    the registries that get credentials. Empty when the map is empty (no mirror at all)."""
    if not mirrors:
        return "", ()
    auth = cfg.authenticate and version >= releases.AUTHENTICATE_BOTTLEROCKET
    first = mirrors[sorted(mirrors)[0]]
    if version < releases.BOTTLEROCKET_MIRROR_LIST:
        lines = ["[settings.container-registry.mirrors]", f'"{PUBLIC_ECR}" = ["https://{first}"]']
        creds = [PUBLIC_ECR, first] if auth else []
    else:
        lines = []
        for registry in sorted(mirrors):
            lines += [
                "[[settings.container-registry.mirrors]]",
                f'registry = "{registry}"',
                f'endpoint = ["{mirrors[registry]}"]',
            ]
        match = _ENDPOINT_HOST.match(first)
        creds = [r for r in (PUBLIC_ECR,) if r in mirrors] + ([match.group(0)] if match else [])
        creds = creds if auth else []
    lines += _ca(cfg) + _credentials(creds)
    return "\n".join(lines) + "\n", tuple(creds)


def bottlerocket_settings(
    cfg: MirrorConfig, version: releases.Version | None = None
) -> BottlerocketSettings | None:
    """Bottlerocket ``registryMirror`` and node settings (``None`` when no such nodes)."""
    if "bottlerocket" not in cfg.os_families:
        return None
    version = version or releases.LATEST
    bare_v2 = version >= releases.OVERRIDE_PATH_SINCE
    mapping = cfg.namespaced_registry_map()
    provider = cfg.datacenter_kind
    ca = bool(cfg.ca_cert_content)
    public_only = (
        provider in BOTTLEROCKET_PUBLIC_ONLY or version < releases.BOTTLEROCKET_MULTIPLE_OCI
    )
    if public_only or list(mapping) == [PUBLIC_ECR]:
        ignored = tuple(sorted(r for r in mapping if r != PUBLIC_ECR))
        endpoint = to_api_endpoint(mapping.get(PUBLIC_ECR, ""), bare_v2=bare_v2)
        settings, creds = node_settings(cfg, {PUBLIC_ECR: endpoint} if endpoint else {}, version)
        return BottlerocketSettings(
            provider=provider,
            endpoint=endpoint,
            mirrors=(),
            ca_cert=ca,
            ignored=ignored,
            settings=settings,
            credentials=creds,
        )
    mirrors = tuple(sorted((r, to_api_endpoint(m, bare_v2=bare_v2)) for r, m in mapping.items()))
    settings, creds = node_settings(cfg, dict(mirrors), version)
    return BottlerocketSettings(
        provider=provider,
        endpoint=None,
        mirrors=mirrors,
        ca_cert=ca,
        ignored=(),
        settings=settings,
        credentials=creds,
    )
