"""RM023: what an upgrade from an old cluster spec to a new one changes in the mirror section,
and which of those changes EKS Anywhere does not support on upgrade.

``diff_findings`` compares two texts of a spec; ``rules.lint`` runs it for ``validate
--against`` and for the editor's git mode (the older text is read by the caller). What is
reported, and EKS-A's evidence: docs/rules.md, RM023.
"""

from __future__ import annotations

from collections import Counter

from eksa_mirror.core.eksa import releases
from eksa_mirror.core.findings import Finding, Severity
from eksa_mirror.core.mirror import MirrorConfig
from eksa_mirror.core.model import ClusterModel, clusters, load_source, mirror_config
from eksa_mirror.core.positions import Span
from eksa_mirror.core.source import get_item
from eksa_mirror.rules.context import Check, Options, pointer
from eksa_mirror.rules.registry import INFO, declare

declare(
    "RM023",
    "upgrade-change",
    INFO,
    "mirror change EKS-A does not support on upgrade",
    since="v0.6.0",
)

__all__ = ["changed_fields", "diff_findings"]

SECRET_HINT = "kubectl edit secret -n eksa-system registry-credentials"
DOCS = "the EKS-A upgrade docs (Upgradeable Attributes)"
#: The fields compared, in the order findings are reported.
FIELDS = ("endpoint", "port", "caCertContent", "insecureSkipVerify", "ociNamespaces",
          "authenticate")  # fmt: skip
_EMPTY = MirrorConfig(endpoint="")


def _value(config: MirrorConfig, field: str) -> object:
    if field == "ociNamespaces":
        return Counter((e.registry, e.namespace) for e in config.oci_namespaces)
    attribute = {
        "endpoint": "endpoint",
        "port": "port",
        "caCertContent": "ca_cert_content",
        "insecureSkipVerify": "insecure_skip_verify",
        "authenticate": "authenticate",
    }[field]
    return getattr(config, attribute)


def changed_fields(old: MirrorConfig | None, new: MirrorConfig | None) -> list[str]:
    """The mirror fields whose effective value differs (EKS-A defaults applied)."""
    if old is None and new is None:
        return []
    before, after = old or _EMPTY, new or _EMPTY
    return [f for f in FIELDS if _value(before, f) != _value(after, f)]


def _pairs(
    old: list[ClusterModel], new: list[ClusterModel]
) -> list[tuple[ClusterModel, ClusterModel]]:
    """Clusters matched by ``metadata.name``; one left over on each side are matched too."""
    by_name = {m.doc.parsed.name: m for m in old}
    pairs, rest_new = [], []
    for model in new:
        match = by_name.pop(model.doc.parsed.name, None)
        if match is None:
            rest_new.append(model)
        else:
            pairs.append((match, model))
    if len(rest_new) == 1 and len(by_name) == 1:
        pairs.append((next(iter(by_name.values())), rest_new[0]))
    return pairs


def diff_findings(old_text: str, new_text: str, options: Options | None = None) -> list[Finding]:
    """RM023 findings for upgrading from ``old_text`` to ``new_text`` (positions in the new)."""
    options = options or Options()
    old_models = clusters(load_source(old_text))
    new_models = clusters(load_source(new_text))
    findings: list[Finding] = []
    for old, new in _pairs(old_models, new_models):
        check = Check(new, options)
        _diff_cluster(check, old, new)
        findings.extend(check.findings)
    if new_text.startswith("\ufeff"):
        from eksa_mirror.rules.context import shift_bom

        findings = [shift_bom(f) for f in findings]
    return sorted(findings, key=Finding.sort_key)


def _describe_namespaces(old: MirrorConfig, new: MirrorConfig) -> str:
    before = Counter((e.registry, e.namespace) for e in old.oci_namespaces)
    after = Counter((e.registry, e.namespace) for e in new.oci_namespaces)

    def show(counter: Counter[tuple[str, str]]) -> str:
        return ", ".join(f"{r} → {n!r}" for r, n in sorted(counter.elements()))

    parts = []
    if after - before:
        parts.append(f"added {show(after - before)}")
    if before - after:
        parts.append(f"removed {show(before - after)}")
    return "; ".join(parts)


def _diff_cluster(check: Check, old: ClusterModel, new: ClusterModel) -> None:
    old_config, new_config = mirror_config(old), mirror_config(new)
    fields = changed_fields(old_config, new_config)
    if not fields:
        return
    before, after = old_config or _EMPTY, new_config or _EMPTY
    authenticated = before.authenticate and after.authenticate
    for field in fields:
        span, where = _anchor(check, new, field)
        if field == "authenticate":
            turned = "on" if after.authenticate else "off"
            message = (
                f"authenticate is turned {turned}: {DOCS} do not list authenticate as upgradeable"
            )
            if after.authenticate:
                message += (
                    "; on a running cluster the credentials are the Secret "
                    f"eksa-system/registry-credentials ({SECRET_HINT})"
                )
            check.emit("RM023", message, span, where, severity=Severity.INFORMATION)
        elif field == "ociNamespaces":
            change = _describe_namespaces(before, after)
            severity = Severity.WARNING if authenticated else Severity.INFORMATION
            extra = " and the registry is authenticated" if authenticated else ""
            check.emit(
                "RM023",
                f"ociNamespaces changed ({change}): {DOCS} do not list ociNamespaces as "
                f"upgradeable{extra}",
                span,
                where,
                severity=severity,
            )
        elif authenticated:
            check.emit(
                "RM023",
                f"{field} changed while authenticate: true: {DOCS} list mirror fields as "
                "upgradeable only for a non-authenticated registry mirror; if the credentials "
                f"change as well, update the Secret ({SECRET_HINT}), not the environment "
                "variables",
                span,
                where,
                severity=Severity.WARNING,
            )
    _bottlerocket_immutable(check, new, fields)


def _bottlerocket_immutable(check: Check, new: ClusterModel, fields: list[str]) -> None:
    """Before v0.17.0 a changed mirror did not reach Bottlerocket nodes (changelog v0.17.0:
    "Allow registry mirror configurations to be mutable for Bottlerocket OS")."""
    target = releases.target_release(new.eksa_version, check.options.eksa_version)
    bottlerocket = new.bottlerocket_machines()
    if target.version >= releases.BOTTLEROCKET_MUTABLE or not bottlerocket:
        return
    span, where = _anchor(check, new, "")
    first = bottlerocket[0]
    check.emit(
        "RM023",
        f"{', '.join(fields)} changed, but registry mirror configuration is mutable for "
        f"Bottlerocket only from {releases.BOTTLEROCKET_MUTABLE} ({first.kind} {first.name} is "
        f"bottlerocket; the target release is {target.label})",
        span,
        where,
        severity=Severity.WARNING,
    )


def _anchor(check: Check, model: ClusterModel, field: str) -> tuple[Span, str]:
    """The changed key in the new file, else ``registryMirrorConfiguration``, else ``spec``."""
    if field:
        pair = get_item(model.mirror, field, fold_case=True)
        if pair is not None:
            return check.span(pair[0]), pointer(field)
    if model.mirror_key is not None:
        return check.span(model.mirror_key), pointer()
    spec = get_item(model.doc.root, "spec")
    node = spec[0] if spec is not None else model.doc.root
    assert node is not None
    return check.span(node), "/spec"
