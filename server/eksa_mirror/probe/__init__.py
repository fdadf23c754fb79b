"""Checking a registry mirror for real (``eksa-mirror check`` and the editor's code lens).

``run_check`` contacts the configured endpoint only, bounded in time, judging TLS as Go
does, and returns a ``CheckReport``: plain data, every message redacted, no exception for a
network, certificate or registry problem. The names below load their module on first use.
The API: docs/check.md ("From an editor"); the modules: docs/architecture.md.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from eksa_mirror.probe.check import (
        PROJECTS,
        PROJECTS_BEFORE_V0_24,
        config_problem,
        parse_eksa_version,
        run_check,
    )
    from eksa_mirror.probe.registry_steps import required_projects
    from eksa_mirror.probe.report import (
        MIRROR_KEYS,
        CheckReport,
        CheckStep,
        ProjectResult,
        ProjectState,
        Status,
        render_text,
    )

#: Where each public name lives: the modules load on first use, so that the language
#: server, which only needs ``report`` at start-up, does not import the network code.
_HOME = {
    **dict.fromkeys(
        ("PROJECTS", "PROJECTS_BEFORE_V0_24", "config_problem", "parse_eksa_version",
         "run_check"),
        "check",
    ),
    "required_projects": "registry_steps",
    **dict.fromkeys(
        ("MIRROR_KEYS", "CheckReport", "CheckStep", "ProjectResult", "ProjectState",
         "Status", "render_text"),
        "report",
    ),
}  # fmt: skip


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)


__all__ = [
    "MIRROR_KEYS",
    "PROJECTS",
    "PROJECTS_BEFORE_V0_24",
    "CheckReport",
    "CheckStep",
    "ProjectResult",
    "ProjectState",
    "Status",
    "config_problem",
    "parse_eksa_version",
    "render_text",
    "required_projects",
    "run_check",
]
