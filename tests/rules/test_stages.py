"""The stages of the analysis: each family registers its checks on a stage (``@file_check``,
``@cluster_check``, ``@mirror_guard``, ``@mirror_check``), the catalogue collects them and
``analyze`` runs them in order without naming a family."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from eksa_mirror.core.positions import Position, Span
from eksa_mirror.rules import analysis, registry
from eksa_mirror.rules.catalogue import CLUSTER_CHECKS, FILE_CHECKS, MIRROR_GUARDS, RULES
from eksa_mirror.rules.checks.graph import check_syntax, graph_guard
from eksa_mirror.rules.checks.spec import check_later_clusters, check_spec_key
from eksa_mirror.rules.context import Analysis, Check, Options
from support import cluster

SPEC = cluster('endpoint: "1.2.3.4"\n')


def test_the_catalogue_collects_each_stage_in_order() -> None:
    assert (check_syntax, check_later_clusters) == FILE_CHECKS
    assert (check_spec_key,) == CLUSTER_CHECKS
    assert (graph_guard,) == MIRROR_GUARDS


def test_only_the_placeholder_rule_holds_its_span_alone() -> None:
    assert [code for code, r in RULES.items() if r.exclusive] == ["RM032"]


@pytest.mark.parametrize(
    ("decorator", "stage"),
    [
        (registry.file_check, "file check"),
        (registry.cluster_check, "cluster check"),
        (registry.mirror_guard, "mirror guard"),
    ],
)
def test_two_checks_of_a_stage_cannot_share_an_order(
    decorator: Callable[[int], Callable[[Callable[..., bool]], object]], stage: str
) -> None:
    with pytest.raises(ValueError, match=f"two {stage}s have order 10"):
        decorator(10)(graph_guard)


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """An empty registry whose stages ``analyze`` runs; returns the log of the calls."""
    monkeypatch.setattr(registry, "_STAGES", {stage: {} for stage in registry._STAGES})
    return []


def _declare_family(log: list[str], *, guard_passes: bool) -> None:
    """What a family module does: checks registered out of order on every stage."""

    @registry.mirror_check(order=20)
    def mirror_b(check: Check) -> None:
        log.append("mirror 20")

    @registry.mirror_check(order=10)
    def mirror_a(check: Check) -> None:
        log.append("mirror 10")

    @registry.mirror_guard(order=20)
    def guard_b(check: Check) -> bool:
        log.append("guard 20")
        return True

    @registry.mirror_guard(order=10)
    def guard_a(check: Check) -> bool:
        log.append("guard 10")
        return guard_passes

    @registry.cluster_check(order=5)
    def spec_check(check: Check) -> None:
        log.append("cluster 5")
        check.emit("RM006", "from a new cluster check", Span(Position(0, 0), Position(0, 3)), "")

    @registry.file_check(order=30)
    def late(result: Analysis, options: Options) -> None:
        log.append(f"file 30 ({len(result.clusters)} Cluster)")

    @registry.file_check(order=1)
    def early(result: Analysis, options: Options) -> None:
        log.append("file 1")


def _run_declared(monkeypatch: pytest.MonkeyPatch) -> Analysis:
    """``analyze`` with the stages collected as the catalogue collects them."""
    monkeypatch.setattr(analysis, "FILE_CHECKS", registry.file_checks())
    monkeypatch.setattr(analysis, "CLUSTER_CHECKS", registry.cluster_checks())
    monkeypatch.setattr(analysis, "MIRROR_GUARDS", registry.mirror_guards())
    monkeypatch.setattr(analysis, "MIRROR_CHECKS", registry.mirror_checks())
    return analysis.analyze(SPEC)


def test_a_stage_declared_in_a_family_runs_in_order(
    fresh: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _declare_family(fresh, guard_passes=True)
    result = _run_declared(monkeypatch)
    assert fresh == [
        "file 1",
        "file 30 (1 Cluster)",
        "cluster 5",
        "guard 10",
        "guard 20",
        "mirror 10",
        "mirror 20",
    ]
    assert [(f.code, f.message) for f in result.findings] == [("RM006", "from a new cluster check")]


def test_a_failing_guard_stops_the_mirror_checks_but_not_the_other_guards(
    fresh: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _declare_family(fresh, guard_passes=False)
    _run_declared(monkeypatch)
    assert fresh == ["file 1", "file 30 (1 Cluster)", "cluster 5", "guard 10", "guard 20"]
