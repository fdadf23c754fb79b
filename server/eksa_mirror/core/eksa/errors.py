"""EKS Anywhere's own error messages, word for word (pkg/api/v1alpha1/cluster.go and the
cluster-spec reader): the rules, ``check``'s static steps and ``explain`` quote them from here.
"""

from __future__ import annotations

#: ``validateMirrorConfig`` on an empty endpoint (RM001).
NO_ENDPOINT = "no value set for RegistryMirrorConfiguration.Endpoint"


def invalid_port(port: object) -> str:
    """``validateMirrorConfig`` on a port ``networkutils.IsPortValid`` refuses (RM002)."""
    return f"registry mirror port {port} is invalid, please provide a valid port"


def unknown_field(name: str) -> str:
    """encoding/json's strict decoder on a key the struct does not have (RM006, RM028)."""
    return f'json: unknown field "{name}"'


def cert_file_unreadable(path: str, reason: str) -> str:
    """``eksctl anywhere`` when the file ``EKSA_REGISTRY_MIRROR_CA`` names cannot be read."""
    return f"reading the cert file {path}: {reason}"
