"""The server's settings (section ``eksaMirror``): typed, structured with cattrs.

They arrive as ``initializationOptions`` and through ``workspace/configuration``. The
analysis fields are the analysis's own ``Options`` (``rules/context.py``); the editor's
own fields are ``Settings``. Unknown keys are ignored; a wrong value is named once, in
``cattrs.transform_error``'s words, and its default applies.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from typing import Any

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, override
from cattrs.v import format_exception, transform_error

from eksa_mirror.core.findings import Severity
from eksa_mirror.rules.context import Options
from eksa_mirror.rules.option_values import (
    BadLevel,
    WrongShape,
    is_code_list,
    release,
    rule_codes,
    severities,
)

#: Delay before analysing after a change, in milliseconds. Analysis of a 5,000-line
#: file takes a few milliseconds, so the delay only merges keystrokes typed together.
DEFAULT_DEBOUNCE_MS = 5


@attrs.frozen
class Settings:
    """What the analysis needs (``options``) and what only the editor needs."""

    options: Options = attrs.field(factory=Options)
    debounce_ms: int = DEFAULT_DEBOUNCE_MS
    #: ``"git"``: RM023 against the file's last committed version (``upgrade``).
    upgrade_diff: str = "off"
    #: The bundle manifest or downloads folder "Check images" reads ("": no such lens).
    images_bundle: str = ""


def _codes(value: Any, _: type) -> frozenset[str]:
    try:
        return rule_codes(value)
    except WrongShape:
        raise ValueError('must be a list of rule codes like ["RM019"]') from None


def _selected(value: Any, kind: type) -> frozenset[str] | None:
    return _codes(value, kind) or None  # an empty list selects every rule, as in the CLI


def _severity(value: Any, _: type) -> Mapping[str, Severity]:
    try:
        return severities(value)
    except WrongShape:
        raise ValueError('must be an object like {"RM019": "error"}') from None
    except BadLevel as exc:
        raise ValueError(f"{exc.key}: {exc}") from None


def _flag(value: Any, _: type) -> bool:
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


def _release(value: Any, _: type) -> str:
    try:
        return release(value)
    except WrongShape:
        raise ValueError('must be a string like "v0.20.0"') from None


def _debounce(value: Any, _: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 5000:
        raise ValueError("must be a whole number of milliseconds (0-5000)")
    return value


def _upgrade_diff(value: Any, _: type) -> str:
    if value not in ("off", "git"):
        raise ValueError('must be "off" or "git"')
    return str(value)


def _path(value: Any, _: type) -> str:
    if not isinstance(value, str):
        raise ValueError("must be a path (a string)")
    return value


def _field(key: str, hook: Callable[[Any, type], Any]) -> Any:
    return override(rename=key, struct_hook=hook)


_PATH = re.compile(r"@ eksaMirror\.(\w+)")
_converter = cattrs.Converter(detailed_validation=True)
#: Each setting's hook, by the field it fills (of ``Options`` or ``Settings``).
_HOOKS: dict[str, Callable[[Any, type], Any]] = {
    "select": _selected, "ignore": _codes, "severity": _severity, "check_env": _flag,
    "eksa_version": _release, "debounce_ms": _debounce, "upgrade_diff": _upgrade_diff,
    "images_bundle": _path,
}  # fmt: skip
#: The fields no setting fills (the environment and clock of tests, the nested options).
_NOT_SETTINGS = frozenset({"env", "now", "options"})
#: A setting's key is its field's name in camelCase, except for these.
_RENAMED = {"check_env": "checkEnvironment"}


def _field_names(kind: type) -> list[str]:
    fields = dataclasses.fields(kind) if dataclasses.is_dataclass(kind) else attrs.fields(kind)
    return [f.name for f in fields]


def _keys(kind: type) -> dict[str, str]:
    """Field name → settings key of each field of ``kind`` a setting fills."""
    names = _field_names(kind)
    unknown = set(names) - set(_HOOKS) - _NOT_SETTINGS
    if unknown:  # a new field of Options or Settings: give it a hook, or list it above
        raise TypeError(f"{kind.__name__} fields without a settings hook: {sorted(unknown)}")
    return {
        name: _RENAMED.get(name) or re.sub(r"_([a-z])", lambda m: m[1].upper(), name)
        for name in names
        if name in _HOOKS
    }


_KEYS: dict[type, dict[str, str]] = {kind: _keys(kind) for kind in (Options, Settings)}
for _kind, _keys_of_kind in _KEYS.items():
    _overrides: dict[str, Any] = {
        **{name: _field(key, _HOOKS[name]) for name, key in _keys_of_kind.items()},
        **{name: override(omit=True) for name in _NOT_SETTINGS & {*_field_names(_kind)}},
    }
    _converter.register_structure_hook(
        _kind, make_dict_structure_fn(_kind, _converter, **_overrides)
    )


def _message(exc: BaseException, kind: type | None) -> str:
    """Our hooks' own words for a wrong value; cattrs' for anything else."""
    if isinstance(exc, ValueError) and exc.args and not isinstance(exc, cattrs.BaseValidationError):
        return str(exc.args[0])
    return format_exception(exc, kind)


def _structure(raw: dict[str, Any], kind: type, errors: list[str]) -> Any:
    """``raw`` as ``kind``; each wrong value is named in ``errors`` and left to its default."""
    try:
        return _converter.structure(raw, kind)
    except cattrs.ClassValidationError as exc:
        # transform_error names an attribute (``check_env``); the user wrote its key.
        keys = _KEYS[kind]
        for line in transform_error(exc, path="eksaMirror", format_exception=_message):
            errors.append(_PATH.sub(lambda m: f"@ eksaMirror.{keys.get(m[1], m[1])}", line))
        named, _ = exc.group_exceptions()
        wrong = {_KEYS[kind][note.name] for _, note in named}
        kept = {key: _salvage(key, value) for key, value in raw.items() if key not in wrong}
        kept.update({key: _salvage(key, raw[key]) for key in wrong if key in _PARTS})
        return _converter.structure({k: v for k, v in kept.items() if v is not None}, kind)


def _accepted(check: Callable[[Any], object], value: Any) -> bool:
    try:
        check(value)
    except ValueError:
        return False
    return True


def _known_codes(value: Any) -> Any:
    if is_code_list(value):
        return [v for v in value if _accepted(rule_codes, [v])]
    return None


def _known_levels(value: Any) -> Any:
    if not isinstance(value, dict):
        return None
    return {code: level for code, level in value.items() if _accepted(severities, {code: level})}


#: The keys whose good parts stay when some are wrong (known codes, valid levels).
_PARTS: dict[str, Callable[[Any], Any]] = {
    "select": _known_codes,
    "ignore": _known_codes,
    "severity": _known_levels,
}


def _salvage(key: str, value: Any) -> Any:
    part = _PARTS.get(key)
    return value if part is None else part(value)


def parse_settings(raw: Any) -> tuple[Settings, list[str]]:
    """Settings from a JSON object, and a message for every value that was wrong."""
    if raw is None:
        return Settings(), []
    if not isinstance(raw, dict):
        return Settings(), [f"eksaMirror settings must be an object, not {type(raw).__name__}"]
    if isinstance(raw.get("eksaMirror"), dict):
        raw = raw["eksaMirror"]
    # null is unset for the lists and the table (VS Code's default for ``select`` is null).
    raw = {k: v for k, v in raw.items() if not (v is None and k in _PARTS)}
    errors: list[str] = []
    options = _structure(raw, Options, errors)
    settings = _structure(raw, Settings, errors)
    return attrs.evolve(settings, options=options), errors
