"""``explain --format text`` and ``--format json`` (the JSON shape is documented in
``docs/check.md``). Placeholders stand for every credential; a CA that holds a private key
is never shown."""

from __future__ import annotations

from typing import Any

from eksa_mirror.core.pki import has_private_key
from eksa_mirror.explain.model import (
    PRE_KUBEADM_COMMANDS,
    PROVIDER_NAMES,
    BottlerocketSettings,
    EtcdNodes,
    Explanation,
    NodeFile,
    Rewrite,
)

FORMAT_NAMES = {
    "legacy": "containerd registry.mirrors tables in config_append.toml (before v0.24.0)",
    "hosts-toml": "hosts.toml without override_path (v0.24.0 to v0.25.2)",
    "current": "hosts.toml with override_path (v0.25.3, v0.26.0 and later)",
}


def shown_content(content: str) -> str:
    if has_private_key(content):
        return "<caCertContent contains a private key: not shown>\n"
    return content


def _indent(text: str, prefix: str) -> list[str]:
    return [f"{prefix}{line}".rstrip() for line in text.rstrip("\n").split("\n")]


def _files(files: tuple[NodeFile, ...], prefix: str = "  ") -> list[str]:
    out: list[str] = []
    for node_file in files:
        out.append(f"{prefix}{node_file.path} ({node_file.owner})")
        content = shown_content(node_file.content) if node_file.content else "(empty)"
        out += _indent(content, prefix + "  ")
    return out


def _bottlerocket_text(br: BottlerocketSettings) -> list[str]:
    name = PROVIDER_NAMES.get(br.provider, br.provider or "provider unknown")
    out = ["", f"Bottlerocket nodes ({name}): kubeadm registryMirror"]
    out.append("  registryMirror:")
    if br.endpoint is not None:
        out.append(f"    endpoint: {br.endpoint}")
    if br.ca_cert:
        out.append("    caCert: <caCertContent>")
    if br.endpoint is None:
        out.append("    mirrors:")
        for registry, endpoint in br.mirrors:
            out.append(f'    - registry: "{registry}"')
            out.append("      endpoints:")
            out.append(f"      - {endpoint}")
    for registry in br.ignored:
        out.append(f"  ignored on Bottlerocket: {registry}")
    out += ["", "Bottlerocket nodes: settings written by the Cluster API bootstrap"]
    if br.settings:
        out += _indent(br.settings, "  ")
    else:
        out.append("  (none: the endpoint is empty, so no mirror, CA or credentials settings)")
    return out


def _etcd_text(etcd: EtcdNodes) -> list[str]:
    ca = ", caCert: <caCertContent>" if etcd.ca_cert else ""
    family = etcd.os_family or "OS family not known"
    out = ["", f"External etcd machines ({family}): registryMirror endpoint: {etcd.endpoint}{ca}"]
    if etcd.files:
        out.append("  Ubuntu/RHEL etcd files")
        out += _files(etcd.files, "    ")
        out.append("  preEtcdadmCommands:")
        out += [f"    - {command}" for command in etcd.commands]
    if etcd.bottlerocket_settings:
        out.append("  Bottlerocket etcd settings")
        out += _indent(etcd.bottlerocket_settings, "    ")
    out.append(f"  ({etcd.caveat})")
    return out


def _pulls(row: Rewrite, ignored: tuple[str, ...]) -> list[str]:
    """What the nodes pull for one rewrite: one line, or one per kind of node that differs."""
    if row.registry in ignored:
        return [f"not on these Bottlerocket nodes: pulled from {row.registry} itself"]
    bottlerocket = row.bottlerocket_pull_url
    if bottlerocket is None or bottlerocket == row.pull_url:
        return [f"nodes pull {row.pull_url}"]
    return [
        f"Ubuntu/RHEL nodes pull {row.pull_url}",
        f"Bottlerocket nodes pull {bottlerocket}"
        if bottlerocket
        else f"Bottlerocket nodes: not mirrored, pulled from {row.registry} itself",
    ]


def render_text(exp: Explanation) -> str:
    """The readable explanation (``explain --format text``)."""
    provider = PROVIDER_NAMES.get(exp.provider, exp.provider or "provider unknown")
    families = ", ".join(exp.os_families) if exp.os_families else "not known"
    out = [f"Registry mirror {exp.base_registry} ({provider}; OS families: {families})"]
    release = f"Rendered for {exp.release_source}"
    if exp.containerd_files:
        release += f"; Ubuntu/RHEL nodes: {FORMAT_NAMES[exp.node_format]}"
    out.append(release)
    out += ["", "Image rewrites"]
    width = max((len(r.image) for r in exp.rewrites), default=0)
    ignored = exp.bottlerocket.ignored if exp.bottlerocket and not exp.containerd_files else ()
    for row in exp.rewrites:
        out.append(f"  {row.image.ljust(width)} → {row.rewritten}")
        out += [f"  {''.ljust(width)}   {pull}" for pull in _pulls(row, ignored)]
    if exp.containerd_files:
        out += ["", "Ubuntu/RHEL nodes: containerd files"]
        out += _files(exp.containerd_files)
        out.append("  preKubeadmCommands:")
        out += [f"    - {command}" for command in PRE_KUBEADM_COMMANDS]
    if exp.bottlerocket is not None:
        out += _bottlerocket_text(exp.bottlerocket)
    if exp.etcd is not None:
        out += _etcd_text(exp.etcd)
    if exp.credentials_secret is not None:
        out += ["", "Credentials Secret (authenticate: true)"]
        out += _indent(exp.credentials_secret, "  ")
    if exp.notes:
        out += ["", "Notes"]
        out += [f"  - {note}" for note in exp.notes]
    return "\n".join(out) + "\n"


def _rewrite_dict(row: Rewrite) -> dict[str, str]:
    """One rewrite; ``bottlerocket_pull_url`` only with both kinds of nodes."""
    found = {
        "registry": row.registry,
        "mirror": row.mirror,
        "image": row.image,
        "rewritten": row.rewritten,
        "pull_url": row.pull_url,
    }
    if row.bottlerocket_pull_url is not None:
        found["bottlerocket_pull_url"] = row.bottlerocket_pull_url
    return found


def _file_dicts(files: tuple[NodeFile, ...]) -> list[dict[str, str]]:
    return [{"path": f.path, "owner": f.owner, "content": shown_content(f.content)} for f in files]


def _bottlerocket_dict(br: BottlerocketSettings | None) -> dict[str, Any] | None:
    if br is None:
        return None
    return {
        "provider": br.provider,
        "endpoint": br.endpoint,
        "mirrors": [{"registry": r, "endpoints": [e]} for r, e in br.mirrors],
        "ca_cert": br.ca_cert,
        "ignored": list(br.ignored),
        "settings": br.settings,
        "credentials": list(br.credentials),
    }


def _etcd_dict(etcd: EtcdNodes | None) -> dict[str, Any] | None:
    if etcd is None:
        return None
    return {
        "endpoint": etcd.endpoint,
        "ca_cert": etcd.ca_cert,
        "os_family": etcd.os_family,
        "files": _file_dicts(etcd.files),
        "pre_etcdadm_commands": list(etcd.commands),
        "bottlerocket_settings": etcd.bottlerocket_settings,
        "caveat": etcd.caveat,
    }


def to_dict(exp: Explanation) -> dict[str, Any]:
    """A JSON-ready view (``explain --format json``)."""
    return {
        "endpoint": exp.endpoint,
        "port": exp.port,
        "base_registry": exp.base_registry,
        "provider": exp.provider,
        "os_families": list(exp.os_families),
        "release": {
            "version": exp.release,
            "source": exp.release_source,
            "node_format": exp.node_format,
        },
        "ca_cert": exp.ca_cert,
        "image_rewrites": [_rewrite_dict(r) for r in exp.rewrites],
        "containerd": {
            "files": _file_dicts(exp.containerd_files),
            "pre_kubeadm_commands": list(PRE_KUBEADM_COMMANDS) if exp.containerd_files else [],
        },
        "bottlerocket": _bottlerocket_dict(exp.bottlerocket),
        "etcd_endpoint": exp.etcd.endpoint if exp.etcd is not None else None,
        "etcd": _etcd_dict(exp.etcd),
        "credentials_secret": exp.credentials_secret,
        "notes": list(exp.notes),
    }
