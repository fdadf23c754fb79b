"""The server's settings (section ``eksaMirror``), typed, with one clear error for bad input.

They arrive as ``initializationOptions`` and through ``workspace/configuration``;
unknown keys are ignored, wrong values are reported and replaced by defaults.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from eksa_mirror.core.eksa.releases import parse_version
from eksa_mirror.core.findings import Severity
from eksa_mirror.rules.analysis import Options
from eksa_mirror.rules.registry import RULES

#: Delay before analysing after a change, in milliseconds. Analysis of a 5,000-line
#: file takes a few milliseconds, so the delay only merges keystrokes typed together.
DEFAULT_DEBOUNCE_MS = 5


@dataclass(frozen=True)
class Settings:
    ignore: frozenset[str] = frozenset()
    select: frozenset[str] | None = None
    severity: dict[str, Severity] = field(default_factory=dict)
    check_environment: bool = False
    eksa_version: str = ""
    debounce_ms: int = DEFAULT_DEBOUNCE_MS
    #: ``"git"``: RM023 against the file's last committed version (``upgrade``).
    upgrade_diff: str = "off"

    def options(self) -> Options:
        return Options(
            select=self.select,
            ignore=self.ignore,
            severity=self.severity,
            check_env=self.check_environment,
            eksa_version=self.eksa_version,
        )


def parse_settings(raw: Any) -> tuple[Settings, list[str]]:
    """Settings from a JSON object, and a message for every value that was wrong."""
    errors: list[str] = []
    if raw is None:
        return Settings(), errors
    if not isinstance(raw, dict):
        return Settings(), [f"eksaMirror settings must be an object, not {type(raw).__name__}"]
    if isinstance(raw.get("eksaMirror"), dict):
        raw = raw["eksaMirror"]

    def codes(name: str) -> frozenset[str] | None:
        value = raw.get(name)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            errors.append(f'eksaMirror.{name} must be a list of rule codes like ["RM019"]')
            return None
        upper = frozenset(v.strip().upper() for v in value)
        unknown = sorted(upper - set(RULES))
        if unknown:
            errors.append(f"eksaMirror.{name}: unknown rule code {', '.join(unknown)}")
        return upper & set(RULES)

    severity: dict[str, Severity] = {}
    raw_severity = raw.get("severity")
    if raw_severity is not None:
        if not isinstance(raw_severity, dict):
            errors.append('eksaMirror.severity must be an object like {"RM019": "error"}')
        else:
            for code, level in raw_severity.items():
                if str(code).upper() not in RULES:
                    errors.append(f"eksaMirror.severity: unknown rule code {code}")
                    continue
                try:
                    severity[str(code).upper()] = Severity(str(level).lower())
                except ValueError:
                    errors.append(
                        f"eksaMirror.severity.{code}: {level!r} is not one of error, warning, "
                        "information, hint"
                    )
    check_env = raw.get("checkEnvironment", False)
    if not isinstance(check_env, bool):
        errors.append("eksaMirror.checkEnvironment must be true or false")
        check_env = False
    version = raw.get("eksaVersion", "")
    if not isinstance(version, str):
        errors.append('eksaMirror.eksaVersion must be a string like "v0.20.0"')
        version = ""
    elif version and parse_version(version) is None:
        errors.append(f'eksaMirror.eksaVersion: {version!r} is not a release like "v0.20.0"')
        version = ""
    upgrade_diff = raw.get("upgradeDiff", "off")
    if upgrade_diff not in ("off", "git"):
        errors.append('eksaMirror.upgradeDiff must be "off" or "git"')
        upgrade_diff = "off"
    debounce = raw.get("debounceMs", DEFAULT_DEBOUNCE_MS)
    if isinstance(debounce, bool) or not isinstance(debounce, int) or not 0 <= debounce <= 5000:
        errors.append("eksaMirror.debounceMs must be a whole number of milliseconds (0-5000)")
        debounce = DEFAULT_DEBOUNCE_MS
    settings = Settings(
        ignore=codes("ignore") or frozenset(),
        select=codes("select") or None,  # an empty list selects every rule, as in the CLI
        severity=severity,
        check_environment=check_env,
        eksa_version=version,
        debounce_ms=debounce,
        upgrade_diff=upgrade_diff,
    )
    return settings, errors
