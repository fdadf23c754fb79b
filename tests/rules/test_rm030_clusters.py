"""RM030: the mirror of a second Cluster in one file is not used by eksctl anywhere."""

from __future__ import annotations

from eksa_mirror.core.findings import Severity
from eksa_mirror.rules.analysis import analyze

ONE = (
    "apiVersion: anywhere.eks.amazonaws.com/v1alpha1\nkind: Cluster\nmetadata:\n  name: {name}\n"
    "spec:\n{mirror}"
)
MIRROR = "  registryMirrorConfiguration:\n    endpoint: 10.0.0.5\n"


def test_second_cluster_with_a_mirror() -> None:
    text = ONE.format(name="mgmt", mirror=MIRROR) + "---\n" + ONE.format(name="w1", mirror=MIRROR)
    findings = analyze(text).findings
    assert [(f.code, f.severity, f.span.start.line, f.span.start.column, f.span.end.column)
            for f in findings] == [("RM030", Severity.INFORMATION, 13, 2, 29)]  # fmt: skip
    assert findings[0].pointer == "/spec/registryMirrorConfiguration"
    assert findings[0].message.startswith(
        'eksctl anywhere reads only the first Cluster of a file ("mgmt" at line 1): '
        'this Cluster ("w1")'
    )


def test_third_cluster_too_and_both_are_still_checked() -> None:
    bad = "  registryMirrorConfiguration:\n    endpoint: https://10.0.0.5\n"
    text = "---\n".join(
        ONE.format(name=n, mirror=m) for n, m in (("a", MIRROR), ("b", bad), ("c", MIRROR))
    )
    found = sorted((f.code, f.span.start.line) for f in analyze(text).findings)
    assert found == [("RM009", 14), ("RM030", 13), ("RM030", 21)]


def test_single_cluster_or_later_cluster_without_mirror() -> None:
    assert analyze(ONE.format(name="a", mirror=MIRROR)).findings == []
    text = ONE.format(name="a", mirror=MIRROR) + "---\n" + ONE.format(name="b", mirror="")
    assert analyze(text).findings == []


def test_a_mirror_key_in_another_case_is_still_checked() -> None:
    # Go's encoding/json (under sigs.k8s.io/yaml) matches field names in any case, so eksctl
    # anywhere reads this section; kubectl does not (RM006): both are reported.
    bad = "  RegistryMirrorConfiguration:\n    endpoint: https://10.0.0.5\n"
    found = [
        (f.code, f.span.start.line, f.pointer)
        for f in analyze(ONE.format(name="a", mirror=bad)).findings
    ]
    assert found == [
        ("RM006", 5, "/spec/RegistryMirrorConfiguration"),
        ("RM009", 6, "/spec/registryMirrorConfiguration/endpoint"),
    ]
