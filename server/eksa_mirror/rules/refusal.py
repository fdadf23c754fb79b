"""Which findings mean EKS Anywhere refuses the spec: its decoder, its static validation or its
CLI preflight fails, so nothing reaches the nodes (``explain`` renders nothing then). The
other errors (an endpoint with a scheme, a double /v2 on v0.24.0-v0.25.2) are specs EKS-A
accepts and renders badly: ``explain`` shows what it renders. docs/check.md has the table.
"""

from __future__ import annotations

from collections.abc import Iterable

from eksa_mirror.core.findings import Finding, Severity

#: The rules whose error EKS-A refuses on, each with where (docs/check.md, "What explain
#: refuses"). A warning of these rules (RM028 for a release that renders less) is no refusal.
REFUSED: dict[str, str] = {
    "RM001": "validateMirrorConfig: no value set for RegistryMirrorConfiguration.Endpoint",
    "RM002": "validateMirrorConfig: registry mirror port is invalid",
    "RM003": "validateMirrorConfig: registry can't be set to empty in OCINamespaces",
    "RM004": "validateMirrorConfig: only one registry mirror for curated packages",
    "RM005": "CLI preflight: InsecureSkipVerify is not supported for bottlerocket",
    "RM006": "the CLI's strict decoder (unknown field); kubectl's strict field validation",
    "RM007": "the decoder: a value of the wrong type",
    "RM014": "CLI preflight: invalid registry certificate",
    "RM024": "the decoder: the YAML cannot be parsed",
    "RM025": "the strict decoder: a key defined twice",
    "RM026": "the CLI's strict decoder (unknown field)",
    "RM028": "the target release's decoder or validation (unknown field, refused value)",
    "RM032": "a documentation placeholder: the port and CA ones fail validation, and what "
    "the others would render is not the user's spec",
}


def refusals(findings: Iterable[Finding]) -> list[Finding]:
    """The findings that say EKS-A refuses the spec: errors of the ``REFUSED`` rules."""
    return [f for f in findings if f.code in REFUSED and f.severity is Severity.ERROR]
