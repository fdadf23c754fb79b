"""RM023: the mirror changes of an upgrade (pure diff and ``validate --against``; the
editor's git mode is tests/lsp/test_git_mode.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from eksa_mirror.cli.main import main
from eksa_mirror.core.findings import Severity
from eksa_mirror.rules.analysis import Options
from eksa_mirror.rules.upgrade import SECRET_HINT, changed_fields, diff_findings
from rules.helpers import INFO, MIRROR_KEY, W, body_span, span_of
from support import cluster

BASE = "endpoint: r.local"
AUTH = "endpoint: r.local\nauthenticate: true"
NS_A = "endpoint: r.local\nociNamespaces:\n  - registry: public.ecr.aws\n    namespace: a"
NS_AB = (
    "endpoint: r.local\nociNamespaces:\n  - registry: public.ecr.aws\n    namespace: a\n"
    "  - registry: docker.io\n    namespace: hub"
)
NS_BA = (
    "endpoint: r.local\nociNamespaces:\n  - registry: docker.io\n    namespace: hub\n"
    "  - registry: public.ecr.aws\n    namespace: a"
)
NS_AA = NS_A + "\n  - registry: public.ecr.aws\n    namespace: a"


def diff(old: str, new: str, **kw: Any) -> list[tuple[str, Any, tuple[int, int, int, int]]]:
    found = diff_findings(cluster(old, **kw), cluster(new, **kw))
    assert all(f.code == "RM023" for f in found)
    return [(f.code, f.severity, span_of(f)) for f in found]


#: (old body, new body, expected (severity, span) in the new file)
CASES: list[Any] = [
    # unauthenticated: endpoint, port, caCertContent, insecureSkipVerify are upgradeable
    (BASE, "endpoint: r2.local", []),
    (BASE, 'endpoint: r.local\nport: "5000"', []),
    (BASE, 'endpoint: r.local\nport: "443"', []),  # the default: no change
    (BASE, 'endpoint: r.local\ncaCertContent: "x"', []),
    (BASE, "endpoint: r.local\ninsecureSkipVerify: true", []),
    # authenticated: every change is a warning
    (AUTH, "endpoint: r2.local\nauthenticate: true", [(W, body_span(0, 0, 8))]),
    (AUTH, AUTH + '\nport: "5000"', [(W, body_span(2, 0, 4))]),
    (AUTH, AUTH + '\ncaCertContent: "x"', [(W, body_span(2, 0, 13))]),
    (AUTH, AUTH + "\ninsecureSkipVerify: true", [(W, body_span(2, 0, 18))]),
    (AUTH + "\nport: \"5000\"", AUTH, [(W, MIRROR_KEY)]),  # removed: on the section key
    # ociNamespaces: compared as a multiset
    (NS_AB, NS_BA, []),
    (NS_A, NS_A.replace("namespace: a", "namespace: b"), [(INFO, body_span(1, 0, 13))]),
    (BASE, NS_A, [(INFO, body_span(1, 0, 13))]),
    (NS_A, BASE, [(INFO, MIRROR_KEY)]),
    (NS_A, NS_AA, [(INFO, body_span(1, 0, 13))]),
    (NS_A.replace("r.local", "r.local\nauthenticate: true"),
     NS_AB.replace("r.local", "r.local\nauthenticate: true"), [(W, body_span(2, 0, 13))]),
    # authenticate itself
    (BASE, AUTH, [(INFO, body_span(1, 0, 12))]),
    (AUTH, BASE, [(INFO, MIRROR_KEY)]),
    (AUTH, "endpoint: r.local\nauthenticate: false", [(INFO, body_span(1, 0, 12))]),
]  # fmt: skip


@pytest.mark.parametrize(("old", "new", "expected"), CASES, ids=[str(i) for i in range(len(CASES))])
def test_diff(old: str, new: str, expected: list[Any]) -> None:
    assert diff(old, new) == [("RM023", s, span) for s, span in expected]


def test_messages() -> None:
    (on,) = diff_findings(cluster(BASE), cluster(AUTH))
    assert on.message == (
        "authenticate is turned on: the EKS-A upgrade docs (Upgradeable Attributes) do not list "
        "authenticate as upgradeable; on a running cluster the credentials are the Secret "
        f"eksa-system/registry-credentials ({SECRET_HINT})"
    )
    (endpoint,) = diff_findings(cluster(AUTH), cluster(AUTH.replace("r.local", "r2.local")))
    assert endpoint.message.startswith("endpoint changed while authenticate: true")
    assert "kubectl edit secret -n eksa-system registry-credentials" in endpoint.message
    assert endpoint.pointer == "/spec/registryMirrorConfiguration/endpoint"
    (ns,) = diff_findings(cluster(NS_A), cluster(NS_AB))
    assert ns.message.startswith("ociNamespaces changed (added docker.io → 'hub'): ")


NS_MANY = (
    "endpoint: r.local\nociNamespaces:\n  - registry: docker.io\n    namespace: c\n"
    "  - registry: 1.dkr.ecr.us-west-2.amazonaws.com\n    namespace: b\n"
    "  - registry: docker.io\n    namespace: hub"
)


@pytest.mark.parametrize(
    ("old", "new", "change"),
    [
        (NS_AB, NS_A, "removed docker.io → 'hub'"),
        (
            NS_A,
            NS_MANY,
            "added 1.dkr.ecr.us-west-2.amazonaws.com → 'b', docker.io → 'c', docker.io → 'hub'; "
            "removed public.ecr.aws → 'a'",
        ),
    ],
    ids=["removed", "added-and-removed-sorted"],
)
def test_namespace_changes_are_named(old: str, new: str, change: str) -> None:
    (ns,) = diff_findings(cluster(old), cluster(new))
    assert ns.message == (
        f"ociNamespaces changed ({change}): the EKS-A upgrade docs (Upgradeable Attributes) "
        "do not list ociNamespaces as upgradeable"
    )


def test_whole_section_added_or_removed() -> None:
    without = cluster(BASE).replace("  registryMirrorConfiguration:\n    endpoint: r.local\n", "")
    assert "registryMirrorConfiguration" not in without
    assert diff_findings(cluster(BASE), without) == []  # an unauthenticated mirror goes away
    (removed,) = diff_findings(cluster(NS_A), without)
    assert span_of(removed) == (4, 0, 4, 4)  # the spec key
    assert removed.pointer == "/spec"
    (added,) = diff_findings(without, cluster(AUTH))
    assert span_of(added) == body_span(1, 0, 12)


def test_bottlerocket_before_v0_17() -> None:
    old, new = cluster(BASE, cp="bottlerocket"), cluster("endpoint: r2.local", cp="bottlerocket")
    (found,) = diff_findings(old, new, Options(eksa_version="v0.16.5"))
    assert (found.severity, span_of(found)) == (W, MIRROR_KEY)
    assert "mutable for Bottlerocket only from v0.17.0" in found.message
    assert diff_findings(old, new, Options(eksa_version="v0.17.0")) == []


def test_select_and_ignore() -> None:
    assert diff_findings(cluster(BASE), cluster(AUTH), Options(ignore=frozenset({"RM023"}))) == []
    assert diff_findings(cluster(BASE), cluster(AUTH), Options(select=frozenset({"RM001"}))) == []


def test_clusters_are_paired_by_name() -> None:
    old = cluster(BASE) + "---\n" + cluster(BASE).replace("name: demo", "name: other")
    new = cluster(BASE) + "---\n" + cluster(AUTH).replace("name: demo", "name: other")
    (found,) = diff_findings(old, new)
    assert found.document > 0
    renamed = cluster(AUTH).replace("name: demo", "name: renamed")
    assert len(diff_findings(cluster(BASE), renamed)) == 1  # one on each side: paired


def test_changed_fields() -> None:
    assert changed_fields(None, None) == []


# --- validate --against -------------------------------------------------------------------


def run(capsys: Any, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_against(capsys: Any, tmp_path: Path) -> None:
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(cluster(AUTH))
    new.write_text(cluster("endpoint: r2.local\nauthenticate: true"))
    code, out, _ = run(capsys, "validate", "--against", str(old), str(new))
    line, col = body_span(0, 0, 0)[:2]
    assert out.splitlines()[0].startswith(
        f"{new}:{line + 1}:{col + 1}: warning RM023 endpoint changed while authenticate: true"
    )
    assert "1 warning" in out.splitlines()[-1]
    assert code == 0
    code, _, _ = run(capsys, "validate", "--strict", "--against", str(old), str(new))
    assert code == 1
    code, out, _ = run(capsys, "validate", "--against", str(old), str(old))
    assert "RM023" not in out


def test_validate_against_usage(capsys: Any, tmp_path: Path) -> None:
    old = tmp_path / "old.yaml"
    old.write_text(cluster(BASE))
    code, _, err = run(capsys, "validate", "--against", str(old), str(old), str(tmp_path))
    assert code == 2
    assert "--against compares exactly one NEW file" in err
    code, _, err = run(capsys, "validate", "--against", str(tmp_path / "nope.yaml"), str(old))
    assert code == 2
    assert "nope.yaml" in err


def test_validate_names_the_target_release(capsys: Any, tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(cluster(BASE))
    _, out, _ = run(capsys, "validate", str(path))
    assert "checked against EKS Anywhere v0.26.1 (latest known):" in out
    _, out, _ = run(capsys, "validate", "--eksa-version", "v0.19", str(path))
    assert "checked against EKS Anywhere v0.19.x:" in out
    path.write_text(cluster(BASE).replace("spec:\n", "spec:\n  eksaVersion: v0.20.1\n", 1))
    _, out, _ = run(capsys, "validate", "--eksa-version", "v0.19", str(path))
    assert "checked against EKS Anywhere v0.20.1:" in out
    code, _, err = run(capsys, "validate", "--eksa-version", "nineteen", str(path))
    assert code == 2
    assert "--eksa-version: 'nineteen' is not a release" in err


UPGRADE_DOCS = "the EKS-A upgrade docs (Upgradeable Attributes)"
MIRROR_POINTER = "/spec/registryMirrorConfiguration"


@pytest.mark.parametrize(
    ("old", "new", "severity", "where", "message"),
    [
        (
            AUTH,
            BASE,
            INFO,
            MIRROR_POINTER,
            f"authenticate is turned off: {UPGRADE_DOCS} do not list authenticate as upgradeable",
        ),
        (
            NS_A + "\nauthenticate: true",
            NS_AB + "\nauthenticate: true",
            W,
            MIRROR_POINTER + "/ociNamespaces",
            f"ociNamespaces changed (added docker.io → 'hub'): {UPGRADE_DOCS} do not list "
            "ociNamespaces as upgradeable and the registry is authenticated",
        ),
        (
            AUTH,
            AUTH.replace("r.local", "r2.local"),
            W,
            MIRROR_POINTER + "/endpoint",
            f"endpoint changed while authenticate: true: {UPGRADE_DOCS} list mirror fields as "
            "upgradeable only for a non-authenticated registry mirror; if the credentials change "
            "as well, update the Secret (kubectl edit secret -n eksa-system "
            "registry-credentials), not the environment variables",
        ),
    ],
    ids=["authenticate-off", "namespaces-while-authenticated", "endpoint-while-authenticated"],
)
def test_each_change_with_its_severity_and_place(
    old: str, new: str, severity: Severity, where: str, message: str
) -> None:
    (found,) = diff_findings(cluster(old), cluster(new))
    assert (found.severity, found.pointer, found.message) == (severity, where, message)
