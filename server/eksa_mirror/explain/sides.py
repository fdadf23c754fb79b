"""One version of a cluster spec as ``explain --against`` compares it: the node view of its
first Cluster with a registry mirror (else its first Cluster, with no mirror), and the
Cluster facts the follow-up steps depend on (name, management cluster, packages)."""

from __future__ import annotations

from eksa_mirror.core.eksa import releases
from eksa_mirror.core.model import ClusterModel, clusters, load_source, mirror_config, true_flag
from eksa_mirror.core.source import get_value, scalar_text
from eksa_mirror.explain.changes import Side
from eksa_mirror.explain.node_view import explain


def _facts(model: ClusterModel) -> tuple[str, str, bool]:
    management = scalar_text(get_value(get_value(model.spec, "managementCluster"), "name"))
    disabled = true_flag(get_value(model.spec, "packages"), "disable") is not None
    return model.doc.parsed.name or "", management, not disabled


def read_side(text: str, eksa_version: str = "") -> Side:
    """The side of ``text``; ``eksa_version`` is the release when a Cluster names none."""
    models = clusters(load_source(text))
    for model in models:
        config = mirror_config(model)
        if config is not None:
            target = releases.target_release(config.eksa_version, eksa_version)
            name, management, packages = _facts(model)
            return Side(explain(config, target=target), config, name, management, packages)
    if models:
        name, management, packages = _facts(models[0])
        return Side(None, None, name, management, packages)
    return Side(None)
