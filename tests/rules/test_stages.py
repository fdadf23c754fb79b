"""The stages of the analysis: the catalogue names each stage's checks in run order
(``FILE_CHECKS``, ``CLUSTER_CHECKS``, ``MIRROR_GUARDS``, ``MIRROR_CHECKS``) and ``analyze``
runs them without naming a family; every stage makes its findings the same way."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys

import pytest

from eksa_mirror.core.findings import Severity
from eksa_mirror.core.positions import Position, Span
from eksa_mirror.rules import analysis, catalogue, checks
from eksa_mirror.rules.catalogue import RULES
from eksa_mirror.rules.context import Analysis, Check, Options
from support import cluster

SPEC = cluster('endpoint: "1.2.3.4"\n')
STAGES = ("FILE_CHECKS", "CLUSTER_CHECKS", "MIRROR_GUARDS", "MIRROR_CHECKS")


def _family_modules() -> list[str]:
    return [f"{checks.__name__}.{m.name}" for m in pkgutil.iter_modules(checks.__path__)]


def test_every_family_module_is_loaded_by_the_catalogue() -> None:
    """A family nobody imports would declare nothing: the catalogue imports it, or a family
    it imports does."""
    for name in _family_modules():
        assert name in sys.modules, (
            f"add `{name.rsplit('.', 1)[1]}` to the import of rules/catalogue.py"
        )


def _stage_shaped(module_name: str) -> list[str]:
    """The public functions of a family with a stage's signature: only a ``Check`` or an
    ``Analysis`` in, nothing (a check) or a bool (a guard) out."""
    module = importlib.import_module(module_name)
    found = []
    for name, function in inspect.getmembers(module, inspect.isfunction):
        if name.startswith("_") or function.__module__ != module_name:
            continue
        params = list(inspect.signature(function).parameters.values())
        returns = inspect.signature(function).return_annotation
        if (
            len(params) == 1
            and params[0].annotation in ("Check", "Analysis")
            and returns
            in (
                "None",
                "bool",
            )
        ):
            found.append(name)
    return found


def test_every_check_of_a_family_is_on_one_stage() -> None:
    """A check written but not listed would never run: each one is named once in the
    catalogue (helpers that take more or return a value are called by the checks)."""
    listed = [f"{f.__module__}.{f.__name__}" for stage in STAGES for f in getattr(catalogue, stage)]
    assert len(listed) == len(set(listed))
    for module_name in _family_modules():
        for name in _stage_shaped(module_name):
            if module_name.endswith(".upgrade"):
                continue  # RM023 compares two texts: validate --against and the editor run it
            assert f"{module_name}.{name}" in listed, (
                f"{module_name}.{name} runs on no stage: list it in rules/catalogue.py"
            )


def test_only_the_placeholder_rule_holds_its_span_alone() -> None:
    assert [code for code, r in RULES.items() if r.exclusive] == ["RM032"]


def _family(log: list[str], *, guard_passes: bool) -> dict[str, tuple[object, ...]]:
    """A family's checks, as the catalogue would list them."""

    def mirror_a(check: Check) -> None:
        log.append("mirror a")

    def mirror_b(check: Check) -> None:
        log.append("mirror b")

    def guard_a(check: Check) -> bool:
        log.append("guard a")
        return guard_passes

    def guard_b(check: Check) -> bool:
        log.append("guard b")
        return True

    def spec_check(check: Check) -> None:
        log.append("cluster")
        check.emit("RM006", "from a new cluster check", Span(Position(0, 0), Position(0, 3)), "")

    def early(result: Analysis) -> None:
        log.append("file early")

    def late(result: Analysis) -> None:
        log.append(f"file late ({len(result.clusters)} Cluster)")
        result.emit("RM030", "from a new file check", Span(Position(1, 0), Position(1, 4)), "")

    return {
        "FILE_CHECKS": (early, late),
        "CLUSTER_CHECKS": (spec_check,),
        "MIRROR_GUARDS": (guard_a, guard_b),
        "MIRROR_CHECKS": (mirror_b, mirror_a),
    }


def _run(
    monkeypatch: pytest.MonkeyPatch, stages: dict[str, tuple[object, ...]], options: Options
) -> Analysis:
    for stage, listed in stages.items():
        monkeypatch.setattr(analysis, stage, listed)
    return analysis.analyze(SPEC, options)


def test_the_stages_run_in_the_listed_order(monkeypatch: pytest.MonkeyPatch) -> None:
    log: list[str] = []
    result = _run(monkeypatch, _family(log, guard_passes=True), Options())
    assert log == [
        "file early",
        "file late (1 Cluster)",
        "cluster",
        "guard a",
        "guard b",
        "mirror b",
        "mirror a",
    ]
    assert [(f.code, f.severity, f.message) for f in result.findings] == [
        ("RM006", Severity.ERROR, "from a new cluster check"),
        ("RM030", Severity.INFORMATION, "from a new file check"),
    ]


def test_a_failing_guard_stops_the_mirror_checks_but_not_the_other_guards(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    log: list[str] = []
    _run(monkeypatch, _family(log, guard_passes=False), Options())
    assert log == ["file early", "file late (1 Cluster)", "cluster", "guard a", "guard b"]


@pytest.mark.parametrize(
    ("options", "found"),
    [
        (Options(ignore=frozenset({"RM030"})), [("RM006", Severity.ERROR)]),
        (Options(select=frozenset({"RM030"})), [("RM030", Severity.INFORMATION)]),
        (
            Options(severity={"RM030": Severity.ERROR, "RM006": Severity.HINT}),
            [("RM006", Severity.HINT), ("RM030", Severity.ERROR)],
        ),
    ],
    ids=["ignore", "select", "severity"],
)
def test_a_file_check_finding_is_selected_and_overridden_like_any_other(
    monkeypatch: pytest.MonkeyPatch, options: Options, found: list[tuple[str, Severity]]
) -> None:
    result = _run(monkeypatch, _family([], guard_passes=True), options)
    assert [(f.code, f.severity) for f in result.findings] == found
