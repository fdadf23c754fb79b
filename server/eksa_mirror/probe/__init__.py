"""Checking a registry mirror for real (``eksa-mirror check``).

Public API, used by the command line and by the language server's code lens:

* ``run_check(cfg, *, timeout, deadline, env, allow_token_service) -> CheckReport`` —
  contact the configured endpoint only (and a token service elsewhere only if allowed),
  bounded in time, judging TLS as Go does; returns plain data with every message
  redacted (no printing, no exceptions for network, certificate or registry problems).

The modules: ``check`` (the steps), ``gotls`` (Go's client settings), ``chain`` (the
served chain), ``why`` (naming a verification failure), ``certs`` (certificate facts),
``run`` (the state of one check), ``registry_steps`` (api, auth, projects),
``net`` (bounded TCP/TLS/HTTP), ``oci`` (login, catalog), ``parse`` (untrusted answers),
``redact`` (secrets out of messages), ``report`` (the result and its renderings).
* ``CheckReport`` / ``CheckStep`` / ``ProjectResult`` / ``Status`` / ``ProjectState`` —
  the result; each step names the mirror key it relates to.
* ``render_text(report)`` and ``CheckReport.to_dict()`` — the two output formats.
* ``required_projects(eksa_version)`` and ``parse_eksa_version(text)``.
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
