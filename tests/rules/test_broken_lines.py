"""A broken line never adds a finding: the property of docs/rules.md, RM024.

Every line of every document of many specs (machine configs, datacenter configs, the Cluster
outside and inside its mirror section; specs whose findings rest on other documents:
Bottlerocket and Ubuntu machines, external etcd, worker groups) is broken in each way people
break YAML while typing (``breaks.breaks``). Whenever the break makes the text invalid YAML,
the findings of the broken file may only be RM024 on the broken line plus findings of the
unbroken file (``breaks.judge``); on a line that holds no fact the rules read, none may be
lost either.

CI runs a third of the breaks of each spec (a different third per spec: about 13,000 breaks,
12,000 of them invalid YAML; 16,000 with the EKS-A corpus beside the workspace; half a minute);
set ``EKSA_MIRROR_ALL_BREAKS=1`` to run every one (about 49,000 breaks, 46,000 invalid YAML,
three minutes).
"""

from __future__ import annotations

import os
import zlib
from pathlib import Path

import pytest

from eksa_mirror.rules.analysis import analyze

from .breaks import OPTIONS, bystanders, judge, spec_files, trials

SPECS = spec_files()
#: Every how many breaks one is tried (all of them with ``EKSA_MIRROR_ALL_BREAKS=1``).
EVERY = 1 if os.environ.get("EKSA_MIRROR_ALL_BREAKS") == "1" else 3


def test_the_property_runs_on_specs_that_need_other_documents() -> None:
    names = {p.name for p in SPECS}
    assert {
        "vsphere-ubuntu-insecure.yaml",  # Ubuntu machines: no RM005 (the case)
        "vsphere-bottlerocket-worker-group.yaml",  # a Bottlerocket worker group, etcd
        "vsphere-default-bottlerocket-etcd.yaml",  # no osFamily: Bottlerocket by default
        "vsphere-ubuntu-namespaced-v0-24.yaml",  # RM033 on RHEL nodes of v0.24.0
        "tinkerbell-bottlerocket-mappings.yaml",  # RM018, RM022 from the datacenter
        "snow-ubuntu-workers-authenticate.yaml",  # RM017 from the Ubuntu workers
    } <= names
    assert len(SPECS) >= 60


@pytest.mark.parametrize("path", SPECS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_broken_line_adds_no_finding(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    expected = analyze(text, OPTIONS).findings
    facts_free = bystanders(text)
    offset = zlib.crc32(path.name.encode()) % EVERY
    broken = 0
    wrong: list[str] = []
    for index, (line, name, trial) in enumerate(trials(text)):
        if (index + offset) % EVERY:
            continue
        # A "..." stands for whatever the documentation left out: facts too.
        bystander = line in facts_free and name != "dots"
        found = judge(expected, trial, line, bystander=bystander)
        broken += 1
        wrong += [f"{path.name}:{line + 1} {name}: {problem}" for problem in found]
    assert wrong == []
    assert broken > 20
