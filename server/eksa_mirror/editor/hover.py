"""Hover text for the mirror section (pure, no LSP).

Field documentation is the published schema's ``markdownDescription``, word for word.
An ``ociNamespaces`` entry also shows where its images are really pulled from, and
``caCertContent`` a summary of the certificate (never anything of a private key).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from yaml.nodes import ScalarNode, SequenceNode

from eksa_mirror.core import pki, schema_store
from eksa_mirror.core.eksa import releases
from eksa_mirror.core.mirror import MirrorConfig
from eksa_mirror.core.model import MIRROR_KEY, ClusterModel, mirror_config
from eksa_mirror.core.positions import Position, Span
from eksa_mirror.core.source import SourceFile, get_item, go_fold
from eksa_mirror.editor.cursor import ITEM, is_eksa_cluster, locate
from eksa_mirror.explain import mirror_mapping_lines

_KEY = re.compile(
    r"^(?P<indent> *)(?P<dash>- +)?(?P<quote>[\"']?)(?P<key>[A-Za-z0-9_.-]+)(?P=quote)\s*:"
)


@dataclass(frozen=True)
class HoverText:
    markdown: str
    span: Span


def hover(
    source: SourceFile,
    models: list[ClusterModel],
    line: int,
    column: int,
    eksa_version: str = "",
) -> HoverText | None:
    """Markdown for the key (or its value) at (line, column), or None.

    ``eksa_version``: the target release when the Cluster has no ``spec.eksaVersion``.
    """
    lines = source.lines
    if line >= len(lines) or not is_eksa_cluster(lines, line):
        return None
    text = lines[line].rstrip("\r")
    match = _KEY.match(text)
    if match is None:
        return None
    key = match.group("key")
    key_start = match.start("key")
    if column < key_start:
        return None
    cursor = locate(lines, line, match.start("quote"))
    if cursor is None:
        return None
    path = [*cursor.path, key]  # on a "- key:" line the cursor path ends in the item
    if path[:1] != ["spec"] or MIRROR_KEY.lower() not in [p.lower() for p in path[1:2]]:
        return None
    field = _canonical_field(tuple(p for p in path[2:] if p != ITEM))
    docs = schema_store.documentation(field)
    if not docs:
        return None
    title = ".".join([MIRROR_KEY, *field])
    parts = [f"**`{title}`**", docs, *_spec_facts(models, line, field, eksa_version)]
    span = Span(Position(line, key_start), Position(line, match.end("key")))
    return HoverText("\n\n---\n\n".join(parts), span)


def _spec_facts(
    models: list[ClusterModel], line: int, field: tuple[str, ...], eksa_version: str
) -> list[str]:
    """What this spec adds to the field's docs: an entry's node mapping, the CA certificate,
    the release that brought the field (when the target release predates it)."""
    parts = []
    model = _model_at(models, line)
    # A masked line of the section may have held the port or more: no mapping then.
    config = mirror_config(model) if model is not None and model.mirror_whole else None
    if field in (("ociNamespaces", "registry"), ("ociNamespaces", "namespace")) and config:
        registry = _item_registry(model, line)
        if registry:
            parts.append(mapping_markdown(config, registry))
    if field == ("caCertContent",) and config and config.ca_cert_content.strip():
        parts.append(certificate_markdown(config.ca_cert_content))
    target = releases.target_release((model.eksa_version or "") if model else "", eksa_version)
    since = releases.since_markdown(field, target)
    if since:
        parts.append(since)
    return parts


def _canonical_field(field: tuple[str, ...]) -> tuple[str, ...]:
    """Key names as the schema spells them (eksctl matches keys case-insensitively)."""
    result: list[str] = []
    for name in field:
        known = {go_fold(k): k for k in schema_store.property_names(tuple(result))}
        result.append(known.get(go_fold(name), name))
    return tuple(result)


def mapping_markdown(config: MirrorConfig, registry: str) -> str:
    """Where images of ``registry`` are pulled from, as EKS-A configures the nodes."""
    return "**Mirror**\n\n" + "\n".join(
        f"- {line}" for line in mirror_mapping_lines(config, registry)
    )


def certificate_markdown(content: str) -> str:
    try:
        cert = pki.first_certificate(content)
    except pki.CertificateError as exc:
        return f"**Certificate:** {exc}"
    summary = pki.summarize(cert)
    count = sum(b.label == "CERTIFICATE" for b in pki.pem_blocks(content))
    more = f"\n\n{count} certificates: EKS-A uses the first." if count > 1 else ""
    return (
        "**Certificate** (the first PEM block, as EKS-A reads it)\n\n" + summary.markdown() + more
    )


def _model_at(models: list[ClusterModel], line: int) -> ClusterModel | None:
    for model in models:
        if model.mirror is None:
            continue
        span = model.doc.span(model.mirror)
        if span.start.line - 1 <= line <= span.end.line:
            return model
    return None


def _item_registry(model: ClusterModel | None, line: int) -> str:
    if model is None:
        return ""
    pair = get_item(model.mirror, "ociNamespaces", fold_case=True)
    if pair is None or not isinstance(pair[1], SequenceNode):
        return ""
    for entry in pair[1].value:
        span = model.doc.span(entry)
        if span.start.line <= line <= span.end.line:
            registry = get_item(entry, "registry", fold_case=True)
            if registry is not None and isinstance(registry[1], ScalarNode):
                return str(registry[1].value)
    return ""
