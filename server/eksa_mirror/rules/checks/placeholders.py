"""RM032: a value still holding a placeholder from the documentation.

EKS Anywhere's docs write ``endpoint: <private registry IP or hostname>`` and shorten the CA
to ``MIIF1DCCA...`` / ``...``; users paste that. Each such value is one finding that says
what belongs there; the analysis drops other findings on the same value (a port that is
not a number, a host with spaces), which would only describe it (``exclusive``).
"""

from __future__ import annotations

import re

from yaml.nodes import Node, ScalarNode

from eksa_mirror.core.positions import Span
from eksa_mirror.rules.context import Check, pointer
from eksa_mirror.rules.registry import E, declare

declare(
    "RM032",
    "placeholder-value",
    E,
    "a documentation placeholder left as a value",
    since="v0.6.0",
    exclusive=True,  # the other findings on a placeholder would only describe it
)

#: A whole value in angle brackets, as the docs write them: ``<private registry port>``.
_ANGLE = re.compile(r"^<[^<>\n]+>$")
#: A PEM body shortened with an ellipsis, as in the docs' ``MIIF1DCCA...`` lines.
_SHORTENED = re.compile(
    r"-----BEGIN CERTIFICATE-----.*?(\.\.\.|…).*?-----END CERTIFICATE-----", re.S
)

_WHAT = {
    "endpoint": "the registry's hostname or IP address (no scheme, no port)",
    "port": 'the registry\'s port as a quoted string, e.g. "443" (or remove it for 443)',
    "registry": "the upstream registry, e.g. public.ecr.aws",
    "namespace": 'the namespace in your registry, e.g. "" for its root or eks-anywhere',
    "authenticate": "true or false, without quotes",
    "insecureSkipVerify": "true or false, without quotes (or remove it)",
}


def is_placeholder(value: object) -> bool:
    """Whether a scalar's text is a documentation placeholder in angle brackets."""
    return isinstance(value, str) and bool(_ANGLE.match(value.strip()))


def placeholder_spans(check: Check) -> list[tuple[Span, str, str]]:
    """(span, field, pointer) of each placeholder value of the mirror section."""
    scope = check.mirror_scope
    found: list[tuple[Span, str, str]] = []
    for name in ("endpoint", "port", "authenticate", "insecureSkipVerify"):
        _scalar(check, scope.get(name, fold_case=True).pair, name, pointer(name), found)
    listed = scope.child("ociNamespaces", fold_case=True).entries()
    for index, entry in enumerate(listed.items):
        for name in ("registry", "namespace"):
            where = pointer("ociNamespaces", index, name)
            if listed.index_known(index):
                _scalar(check, entry.get(name, fold_case=True).pair, name, where, found)
    ca = scope.get("caCertContent", fold_case=True).pair
    if ca is not None and isinstance(ca[1], ScalarNode) and isinstance(ca[1].value, str):
        value = ca[1].value
        if is_placeholder(value) or _SHORTENED.search(value):
            found.append((check.span(ca[1]), "caCertContent", pointer("caCertContent")))
    return found


def _scalar(
    check: Check,
    pair: tuple[Node, Node] | None,
    name: str,
    where: str,
    found: list[tuple[Span, str, str]],
) -> None:
    if pair is not None and isinstance(pair[1], ScalarNode) and is_placeholder(pair[1].value):
        found.append((check.span(pair[1]), name, where))


def check_placeholders(check: Check) -> None:
    """RM032 for each placeholder value."""
    spans = placeholder_spans(check)
    for span, name, where in spans:
        written = check.line(span.start.line)[span.start.column : span.end.column]
        if name == "caCertContent" and is_placeholder(written):
            message = (
                f"caCertContent is still the documentation placeholder {written}: paste the PEM "
                "of the CA that signed the registry certificate, as a literal block (|)"
            )
        elif name == "caCertContent":
            message = (
                "caCertContent is the shortened example of the documentation (its certificate "
                'is cut with "..."): paste the whole PEM of the CA that signed the registry '
                "certificate"
            )
        else:
            message = (
                f"{name} is still the documentation placeholder {written}: replace it with "
                f"{_WHAT[name]}"
            )
        check.emit("RM032", message, span, where)
