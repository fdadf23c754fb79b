"""Rules on the Cluster documents around the mirror section: RM006 for a near miss of
``registryMirrorConfiguration`` under ``spec``, RM030 for a Cluster after the first of a
file (docs/rules.md).
"""

from __future__ import annotations

from eksa_mirror.core.eksa import errors
from eksa_mirror.core.findings import Fix
from eksa_mirror.core.known import root
from eksa_mirror.core.model import MIRROR_KEY, ClusterModel
from eksa_mirror.core.source import items
from eksa_mirror.rules.context import Analysis, Check, pointer
from eksa_mirror.rules.registry import INFO, declare

declare(
    "RM030",
    "second-cluster-ignored",
    INFO,
    "`eksctl anywhere` reads only the first Cluster of a file",
    since="v0.6.0",
)


def check_later_clusters(analysis: Analysis) -> None:
    """RM030 on the mirror section of every Cluster after the first: ``eksctl anywhere``
    (``ParseClusterConfigFromContent``) uses the first document of kind Cluster only."""
    models = analysis.clusters
    if not models or models[0].after_unknown:
        return  # a document before it may be a Cluster whose kind was masked
    first = models[0]
    first_name = _name(first)
    for model in models[1:]:
        key = model.mirror_key
        name = _name(model)
        if key is None or first_name is None or name is None:
            continue
        check = Check(model, analysis.options)
        line = _start_line(first) + 1
        check.emit(
            "RM030",
            f'eksctl anywhere reads only the first Cluster of a file ("{first_name}" '
            f'at line {line}): this Cluster ("{name}") and its '
            f"{MIRROR_KEY} are not used by create or upgrade cluster -f; put "
            "each cluster in its own file",
            model.doc.span(key),
            pointer(),
        )
        analysis.findings.extend(check.findings)


def _start_line(model: ClusterModel) -> int:
    """The file's line where the Cluster document's content starts (as written, even when
    its first line was masked by the syntax recovery)."""
    for number, text in enumerate(model.doc.parsed.text.split("\n")):
        body = text.strip()
        if body and not body.startswith(("#", "%")) and body != "---":
            return model.doc.line_offset + number
    return model.doc.line_offset


def _name(model: ClusterModel) -> str | None:
    """The Cluster's ``metadata.name`` (``None``: a masked line may hold it)."""
    return root(model.doc.parsed).path("metadata").text("name")


def check_spec_key(check: Check) -> None:
    """RM006 for a near miss of ``registryMirrorConfiguration`` under ``spec``."""
    for key, _ in items(check.model.spec):
        name = key.value
        if name == MIRROR_KEY:
            continue
        cased = name.lower() == MIRROR_KEY.lower()
        close = False
        if not cased and abs(len(name) - len(MIRROR_KEY)) <= 6:
            # quick_ratio() bounds ratio() from above at a fraction of its cost.
            import difflib  # only a key near the mirror's name

            matcher = difflib.SequenceMatcher(None, name.lower(), MIRROR_KEY.lower())
            close = matcher.quick_ratio() >= 0.85 and matcher.ratio() >= 0.85
        if not (cased or close):
            continue
        fix = Fix(
            f'Rename "{name}" to "{MIRROR_KEY}"', (check.replace(key, MIRROR_KEY),), safe=cased
        )
        detail = (
            "key names are case-sensitive for kubectl and GitOps"
            if cased
            else f'did you mean "{MIRROR_KEY}"?'
        )
        check.emit(
            "RM006",
            f"{errors.unknown_field(name)} ({detail})",
            check.span(key),
            f"/spec/{name}",
            fix,
        )
