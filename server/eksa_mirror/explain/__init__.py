"""What EKS Anywhere will configure on the nodes for a registry mirror (``eksa-mirror explain``).

Pure functions of a ``MirrorConfig`` and a target release; nothing is read from the
environment or the network, and credentials are always placeholders. The modules
(``node_view``, ``containerd``, ``bottlerocket``, ``etcd``, ``model``, ``render``):
docs/architecture.md; the EKS-A sources each follows: docs/check.md.
"""

from __future__ import annotations

from eksa_mirror.explain.bottlerocket import bottlerocket_settings
from eksa_mirror.explain.containerd import auth_header_rendered, containerd_files, hosts_toml
from eksa_mirror.explain.etcd import etcd_nodes
from eksa_mirror.explain.model import (
    AUTH_PLACEHOLDER,
    BottlerocketSettings,
    EtcdNodes,
    Explanation,
    NodeFile,
    Rewrite,
)
from eksa_mirror.explain.node_view import (
    credentials_secret,
    explain,
    mirror_mapping_lines,
    rewrites,
)
from eksa_mirror.explain.render import render_text, to_dict

__all__ = [
    "AUTH_PLACEHOLDER",
    "BottlerocketSettings",
    "EtcdNodes",
    "Explanation",
    "NodeFile",
    "Rewrite",
    "auth_header_rendered",
    "bottlerocket_settings",
    "containerd_files",
    "credentials_secret",
    "etcd_nodes",
    "explain",
    "hosts_toml",
    "mirror_mapping_lines",
    "render_text",
    "rewrites",
    "to_dict",
]
