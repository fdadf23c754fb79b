"""The rule catalogue: every finding code, its name, default severity and docs link.

Codes are stable: once given, a code keeps its meaning. Each code has a section in
``docs/rules.md`` (anchor ``#rm001`` …) that the diagnostics link to.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from eksa_mirror.core.findings import Severity

DOCS_URL = "https://github.com/eksa-mirror/eksa-mirror/blob/main/docs/rules.md"

E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFORMATION


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    summary: str
    #: The first EKS-A release the rule's behaviour applies to (see ``releases``).
    since: str = ""

    @property
    def url(self) -> str:
        return f"{DOCS_URL}#{self.code.lower()}"


_RULES = [
    Rule("RM001", "endpoint-missing", E, "`endpoint` is missing or empty"),
    Rule("RM002", "port-invalid", E, "`port` is not a port number 1-65535"),
    Rule("RM003", "oci-registry-empty", E, "an `ociNamespaces` entry has no `registry`"),
    Rule("RM004", "curated-packages-duplicate", E, "more than one curated-packages registry"),
    Rule("RM005", "insecure-skip-verify-bottlerocket", E, "`insecureSkipVerify` with Bottlerocket"),
    Rule("RM006", "unknown-key", E, "unknown or wrongly cased key"),
    Rule("RM007", "wrong-type", E, "value of the wrong type (e.g. a quoted boolean)"),
    Rule("RM008", "port-not-string", W, "`port` written as a YAML integer"),
    Rule("RM009", "endpoint-not-bare-host", E, "`endpoint` has a scheme, port, path or brackets"),
    Rule("RM010", "public-ecr-missing", W, "`ociNamespaces` lacks `public.ecr.aws`"),
    Rule("RM011", "oci-registry-duplicate", W, "the same upstream registry is mapped twice"),
    Rule("RM012", "oci-registry-not-bare-host", E, "`registry` has a scheme or path"),
    Rule("RM013", "oci-namespace-format", W, "`namespace` with `..`, edge slashes or spaces"),
    Rule("RM014", "ca-not-certificate", E, "`caCertContent` is not a PEM certificate"),
    Rule("RM015", "ca-certificate-quality", W, "CA certificate expired, not a CA, or several"),
    Rule("RM016", "authenticate-credentials", INFO, "`authenticate` needs registry credentials"),
    Rule(
        "RM017", "authenticate-no-effect", W, "`authenticate` has no node effect on this provider"
    ),
    Rule(
        "RM018",
        "bottlerocket-mapping-ignored",
        W,
        "mapping ignored by Bottlerocket on this provider",
    ),
    Rule("RM019", "insecure-skip-verify", W, "certificate verification is switched off"),
    Rule("RM020", "provider-unsupported", INFO, "provider outside the mirror support table"),
    Rule("RM021", "packages-namespace", INFO, "regional packages registry outside `eks-anywhere`"),
    Rule("RM022", "tinkerbell-airgap-images", INFO, "bare metal mirror without hook/OS image URLs"),
    Rule("RM023", "upgrade-change", INFO, "mirror change EKS-A does not support on upgrade"),
    Rule("RM024", "yaml-syntax", E, "the YAML cannot be parsed"),
    Rule("RM025", "duplicate-key", E, "a key appears twice in one mapping"),
    Rule("RM026", "credentials-in-spec", E, "credential-looking key in the mirror section"),
    Rule("RM027", "private-key-in-ca", E, "a private key pasted into `caCertContent`"),
    Rule("RM028", "not-in-target-release", E, "key or value the target EKS-A release lacks"),
    Rule("RM029", "oci-namespace-missing", W, "an `ociNamespaces` entry has no `namespace` key"),
    Rule(
        "RM030",
        "second-cluster-ignored",
        INFO,
        "`eksctl anywhere` reads only the first Cluster of a file",
    ),
    Rule("RM031", "unused-suppression", INFO, "a suppression comment that suppresses nothing"),
    Rule("RM032", "placeholder-value", E, "a documentation placeholder left as a value"),
    Rule(
        "RM033",
        "namespace-double-v2",
        E,
        "v0.24.0-v0.25.2 break namespaced mirrors (double `/v2/`)",
    ),
]

#: The first EKS-A release each rule's behaviour applies to (verified in ``releases``).
_SINCE = {
    "RM001": "v0.6.0", "RM002": "v0.7.0", "RM003": "v0.13.0", "RM004": "v0.13.0",
    "RM005": "v0.15.0", "RM006": "v0.6.0", "RM007": "v0.6.0", "RM008": "v0.7.0",
    "RM009": "v0.6.0", "RM010": "v0.13.0", "RM011": "v0.13.0", "RM012": "v0.13.0",
    "RM013": "v0.13.0", "RM014": "v0.6.0", "RM015": "v0.6.0", "RM016": "v0.12.0",
    "RM017": "v0.12.0", "RM018": "v0.13.0", "RM019": "v0.9.0", "RM020": "v0.6.0",
    "RM021": "v0.13.0", "RM022": "v0.12.0", "RM023": "v0.6.0", "RM024": "v0.6.0",
    "RM025": "v0.6.0", "RM026": "v0.6.0", "RM027": "v0.6.0", "RM028": "v0.6.0",
    "RM029": "v0.13.0",
    "RM030": "v0.6.0",
    "RM031": "v0.6.0",
    "RM032": "v0.6.0",
    "RM033": "v0.24.0",
}  # fmt: skip

RULES: dict[str, Rule] = {
    rule.code: replace(rule, since=_SINCE.get(rule.code, rule.since)) for rule in _RULES
}


def rule(code: str) -> Rule:
    return RULES[code]
