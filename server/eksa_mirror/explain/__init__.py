"""What EKS Anywhere will configure on the nodes for a registry mirror (``eksa-mirror explain``).

Pure functions of a ``MirrorConfig`` and a target release; nothing is read from the
environment or the network. Each part names the EKS-A, Cluster API or etcdadm source it
follows, and ``releases`` holds the boundaries with their evidence:

* ``containerd``: Ubuntu/RHEL files, in the release's format (legacy ``registry.mirrors``
  before v0.24.0, ``hosts.toml`` without ``override_path`` to v0.25.2, today's form).
* ``bottlerocket``: kubeadm ``registryMirror`` and the Bottlerocket settings the Cluster
  API bootstrap writes (mirrors, CA, credentials).
* ``etcd``: external etcd machines, only when ``externalEtcdConfiguration`` is set.
* ``node_view``: ``explain()``, the image rewrite table, the notes, the hover lines.
* ``render``: text and JSON output. Credentials are always placeholders.
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
