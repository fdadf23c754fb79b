"""Golden cases for ``explain NEW --against OLD``: what a change of the spec does to each kind
of node, the image rewrites, the credentials Secret, RM023 and the follow-up steps.

Each ``tests/data/explain-diff-golden/<case>/`` holds ``old.yaml``, ``new.yaml`` and an
``expected.txt`` written by hand from EKS Anywhere's templates (the same sources as the
``explain-golden`` cases, cited in its header) and, for the follow-up steps, EKS-A's and
eks-anywhere-packages' code (docs/check.md, "What a change needs afterwards"); never from
eksa-mirror's output. ``key: <JSON>`` facts, then one ``=== <kind> <change> <item>`` section
per file or setting that changes: an added item's exact text, a changed item's ``-``/``+``
lines (as a unified diff shows them), nothing for a removed one. Every case runs through
``eksa-mirror explain --format json`` and every changed item must be in ``expected.txt``.
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any

import pytest

from support import DATA

from .helpers import run_explain

GOLDEN = DATA / "explain-diff-golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if p.is_dir())


def parse(text: str) -> tuple[dict[str, list[Any]], dict[tuple[str, str, str], str]]:
    facts: dict[str, list[Any]] = {}
    sections: dict[tuple[str, str, str], str] = {}
    current: tuple[str, str, str] | None = None
    for line in text.splitlines(keepends=True):
        if line.startswith("=== "):
            kind, change, item = line.removeprefix("=== ").rstrip("\n").split(" ", 2)
            current = (kind, change, item)
            sections[current] = ""
        elif current is not None:
            sections[current] += line
        elif line.strip() and not line.startswith("#"):
            key, _, value = line.partition(": ")
            facts.setdefault(key, []).append(json.loads(value))
    return facts, sections


def run_diff(case: Path) -> dict[str, Any]:
    result = run_explain("new.yaml", "--against", "old.yaml", "--format", "json", cwd=case)
    assert (result.returncode, result.stderr) == (0, "")
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def changed_lines(old: str, new: str) -> str:
    """The ``-``/``+`` lines of a unified diff, without headers or context."""
    diff = difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="")
    picked = [line for line in diff if line[:1] in "+-" and line[:3] not in ("---", "+++")]
    return "".join(f"{line}\n" for line in picked)


def check_items(data: dict[str, Any], sections: dict[tuple[str, str, str], str]) -> None:
    got = {(k["kind"], c["change"], c["item"]): c for k in data["nodes"] for c in k["changes"]}
    assert sorted(got) == sorted(sections)
    for key, expected in sections.items():
        change = got[key]
        if key[1] == "added":
            assert (change["old"], change["new"]) == (None, expected), key
        elif key[1] == "removed":
            assert change["new"] is None and change["old"] and expected == "", key
        else:
            assert changed_lines(change["old"], change["new"]) == expected, key


def check_facts(data: dict[str, Any], facts: dict[str, list[Any]]) -> None:
    def side(name: str, key: str) -> Any:
        return data[name][key] if data[name] is not None else None

    assert data["changed"] is facts.pop("changed")[0]
    assert [side("old", "base_registry"), side("new", "base_registry")] == facts.pop("mirror")[0]
    assert [side("old", "release"), side("new", "release")] == facts.pop("release")[0]
    assert data["credentials_secret"] == facts.pop("secret")[0]
    rows = [[r["registry"], r["change"], (r["new"] or {}).get("rewritten"),
             (r["new"] or {}).get("pull_url")] for r in data["image_rewrites"]]  # fmt: skip
    assert rows == facts.pop("rewrite", [])
    upgrade = data["upgrade"]
    expected_upgrade = facts.pop("upgrade", [])
    assert len(upgrade) == len(expected_upgrade)
    for got, (severity, line, start) in zip(upgrade, expected_upgrade, strict=True):
        assert (got["code"], got["severity"], got["line"]) == ("RM023", severity, line)
        assert got["message"].startswith(start), got["message"]
    steps = data["follow_ups"]
    expected_steps = facts.pop("follow_up", [])
    assert [s["id"] for s in steps] == [e[0] for e in expected_steps]
    for step, (_, text, command) in zip(steps, expected_steps, strict=True):
        assert text in step["text"] and command in step["command"], step
        assert bool(step["command"]) is bool(command)
    for key, got_notes in (("note_added", data["notes"]["added"]),
                           ("note_removed", data["notes"]["removed"])):  # fmt: skip
        expected_notes = facts.pop(key, [])
        assert len(got_notes) == len(expected_notes), got_notes
        for note in expected_notes:
            assert any(note in n for n in got_notes), (note, got_notes)


@pytest.mark.parametrize("case", CASES)
def test_golden_diff(case: str) -> None:
    facts, sections = parse((GOLDEN / case / "expected.txt").read_text(encoding="utf-8"))
    data = run_diff(GOLDEN / case)
    assert (data["file"], data["against"]) == ("new.yaml", "old.yaml")
    check_items(data, sections)
    check_facts(data, facts)
    assert facts == {}, f"expected.txt keys not checked: {sorted(facts)}"


def test_golden_diffs_cover_the_kinds_and_steps() -> None:
    """Node kinds, change kinds and follow-up steps the golden set must keep covering."""
    parsed = [parse((GOLDEN / c / "expected.txt").read_text(encoding="utf-8")) for c in CASES]
    keys = {key for _, sections in parsed for key in sections}
    assert {k for k, _, _ in keys} == {"containerd", "bottlerocket", "etcd"}
    assert {c for _, c, _ in keys} == {"added", "changed", "removed"}
    steps = {step[0] for facts, _ in parsed for step in facts.get("follow_up", [])}
    assert steps == {"packages-mirror-settings", "packages-ca", "packages-insecure"}
    assert any(facts.get("upgrade") for facts, _ in parsed)
    assert any(facts["changed"] == [False] for facts, _ in parsed)
    assert Path(GOLDEN / "vsphere-bottlerocket-workload-ca-rotation").is_dir()
