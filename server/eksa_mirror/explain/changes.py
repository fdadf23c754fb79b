"""What a change of the mirror section does to the nodes (``explain NEW --against OLD``):
``diff_views`` compares the node views (``node_view.explain``) of two versions of a spec,
per kind of node, the image rewrites, the credentials Secret and the notes. Pure: the
follow-up steps come from ``follow_ups``, upgrade support (RM023) from the CLI."""

from __future__ import annotations

from dataclasses import dataclass

from eksa_mirror.core.mirror import MirrorConfig
from eksa_mirror.explain.ca_text import ca_summary
from eksa_mirror.explain.model import (
    PRE_KUBEADM_COMMANDS,
    BottlerocketSettings,
    EtcdNodes,
    Explanation,
    NodeFile,
    Rewrite,
)

ADDED, REMOVED, CHANGED = "added", "removed", "changed"
#: The kinds of node, in the order they are shown, with their titles.
KINDS = {
    "containerd": "Ubuntu/RHEL nodes (control plane and workers)",
    "bottlerocket": "Bottlerocket nodes (control plane and workers)",
    "etcd": "External etcd machines",
}


@dataclass(frozen=True)
class Side:
    """One version of the spec as the comparison reads it (``view`` is None when that version
    has no registry mirror, or no Cluster at all)."""

    view: Explanation | None
    config: MirrorConfig | None = None
    #: ``metadata.name`` and ``spec.managementCluster.name`` of the Cluster ("" when absent).
    cluster: str = ""
    management_cluster: str = ""
    #: Curated packages are not switched off (``spec.packages.disable`` is not true).
    packages: bool = True

    @property
    def self_managed(self) -> bool:
        """EKS-A's ``IsSelfManaged``: no management cluster named, or itself."""
        return self.management_cluster in ("", self.cluster)


@dataclass(frozen=True)
class Change:
    """One file or setting that appears, disappears or changes (text before and after)."""

    item: str
    change: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class NodeChanges:
    kind: str
    title: str
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class RewriteChange:
    registry: str
    change: str
    old: Rewrite | None
    new: Rewrite | None


@dataclass(frozen=True)
class ViewDiff:
    """Everything ``explain --against`` shows but the upgrade findings and follow-ups."""

    old: Explanation | None
    new: Explanation | None
    nodes: tuple[NodeChanges, ...]
    rewrites: tuple[RewriteChange, ...]
    #: ``added`` / ``removed`` when the credentials Secret appears or disappears.
    secret: str | None
    notes_added: tuple[str, ...]
    notes_removed: tuple[str, ...]

    @property
    def empty(self) -> bool:
        """Nothing changes on the nodes or in the cluster's objects."""
        return not (self.nodes or self.rewrites or self.secret)


def _file_items(files: tuple[NodeFile, ...]) -> dict[str, str]:
    """A node file per path; a CA file is its certificate's summary, not its PEM text."""
    return {
        f.path: ca_summary(f.content) + "\n" if f.path.endswith("/ca.crt") else f.content
        for f in files
    }


def containerd_items(view: Explanation | None) -> dict[str, str]:
    if view is None or not view.containerd_files:
        return {}
    items = _file_items(view.containerd_files)
    items["preKubeadmCommands"] = "\n".join(PRE_KUBEADM_COMMANDS) + "\n"
    return items


def _registry_mirror(br: BottlerocketSettings, ca: str) -> str:
    """The kubeadm ``registryMirror`` as YAML lines (the CA by its certificate summary)."""
    lines = [] if br.endpoint is None else [f"endpoint: {br.endpoint}"]
    if br.ca_cert:
        lines.append(f"caCert: {ca_summary(ca)}")
    if br.endpoint is None:
        lines.append("mirrors:")
        for registry, endpoint in br.mirrors:
            lines += [f'- registry: "{registry}"', "  endpoints:", f"  - {endpoint}"]
    lines += [f"ignored on Bottlerocket: {registry}" for registry in br.ignored]
    return "\n".join(lines) + "\n"


def bottlerocket_items(view: Explanation | None, ca: str) -> dict[str, str]:
    br = view.bottlerocket if view is not None else None
    if br is None:
        return {}
    items = {"kubeadm registryMirror": _registry_mirror(br, ca)}
    if br.settings:
        items["settings (Cluster API bootstrap)"] = br.settings
    if br.settings and br.ca_cert:
        items["settings.pki.registry-mirror-ca data"] = ca_summary(ca) + "\n"
    return items


def etcd_items(etcd: EtcdNodes | None, ca: str) -> dict[str, str]:
    if etcd is None:
        return {}
    mirror = f"endpoint: {etcd.endpoint}\n"
    if etcd.ca_cert:
        mirror += f"caCert: {ca_summary(ca)}\n"
    items = {"EtcdadmCluster registryMirror": mirror, **_file_items(etcd.files)}
    if etcd.commands:
        items["preEtcdadmCommands"] = "\n".join(etcd.commands) + "\n"
    if etcd.bottlerocket_settings:
        items["Bottlerocket etcd settings"] = etcd.bottlerocket_settings
    return items


def diff_items(old: dict[str, str], new: dict[str, str]) -> tuple[Change, ...]:
    """Items in the order of the new version, then those only the old one had."""
    changes = []
    for item, text in new.items():
        before = old.get(item)
        if before is None:
            changes.append(Change(item, ADDED, None, text))
        elif before != text:
            changes.append(Change(item, CHANGED, before, text))
    changes += [Change(item, REMOVED, text, None) for item, text in old.items() if item not in new]
    return tuple(changes)


def _ca(side: Side) -> str:
    return side.config.ca_cert_content if side.config is not None else ""


def node_changes(old: Side, new: Side) -> tuple[NodeChanges, ...]:
    pairs = {
        "containerd": (containerd_items(old.view), containerd_items(new.view)),
        "bottlerocket": (
            bottlerocket_items(old.view, _ca(old)),
            bottlerocket_items(new.view, _ca(new)),
        ),
        "etcd": (
            etcd_items(old.view.etcd if old.view else None, _ca(old)),
            etcd_items(new.view.etcd if new.view else None, _ca(new)),
        ),
    }
    out = []
    for kind, (before, after) in pairs.items():
        changes = diff_items(before, after)
        if changes:
            out.append(NodeChanges(kind, KINDS[kind], changes))
    return tuple(out)


def rewrite_changes(old: Explanation | None, new: Explanation | None) -> tuple[RewriteChange, ...]:
    before = {r.registry: r for r in (old.rewrites if old else ())}
    after = {r.registry: r for r in (new.rewrites if new else ())}
    out = []
    for registry, row in after.items():
        was = before.get(registry)
        if was is None:
            out.append(RewriteChange(registry, ADDED, None, row))
        elif (was.rewritten, was.pull_url) != (row.rewritten, row.pull_url):
            out.append(RewriteChange(registry, CHANGED, was, row))
    out += [RewriteChange(r, REMOVED, row, None) for r, row in before.items() if r not in after]
    return tuple(out)


def diff_views(old: Side, new: Side) -> ViewDiff:
    """What changes from ``old`` to ``new``, per kind of node and in the cluster's objects."""
    had = old.view is not None and old.view.credentials_secret is not None
    has = new.view is not None and new.view.credentials_secret is not None
    before_notes = old.view.notes if old.view else ()
    after_notes = new.view.notes if new.view else ()
    return ViewDiff(
        old=old.view,
        new=new.view,
        nodes=node_changes(old, new),
        rewrites=rewrite_changes(old.view, new.view),
        secret=ADDED if has and not had else REMOVED if had and not has else None,
        notes_added=tuple(n for n in after_notes if n not in before_notes),
        notes_removed=tuple(n for n in before_notes if n not in after_notes),
    )
