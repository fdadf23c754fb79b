"""The values every face validates the same way: a list of rule codes, a severity per rule
code and a release string (``.eksa-mirror.toml``, the editor settings, the command line).

Each check returns the value or raises the problem; a value of the wrong type raises
``WrongShape``, which each face names in its own words (a TOML table, a JSON object).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeGuard

from eksa_mirror.core.eksa.releases import release_text
from eksa_mirror.core.findings import Severity
from eksa_mirror.rules.catalogue import RULES

#: The severities a user may choose, as written in the messages.
LEVELS = ", ".join(level.value for level in Severity)


class WrongShape(ValueError):
    """The value is not of the expected type (each face says which it expects)."""


class UnknownCode(ValueError):
    """``unknown rule code RM998, RM999``; ``key`` is the severity entry that names it."""

    def __init__(self, codes: Iterable[str], key: str = "") -> None:
        super().__init__(f"unknown rule code {', '.join(codes)}")
        self.key = key


class BadLevel(ValueError):
    """``'loud' is not one of error, warning, information, hint`` at severity entry ``key``."""

    def __init__(self, key: str, level: object) -> None:
        super().__init__(f"{level!r} is not one of {LEVELS}")
        self.key = key


def is_code_list(value: object) -> TypeGuard[list[str]]:
    """Whether ``value`` is a list of strings (the shape of ``select`` and ``ignore``)."""
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def rule_codes(value: object) -> frozenset[str]:
    """The rule codes of a list of strings, in upper case; raises ``WrongShape`` or
    ``UnknownCode`` (naming every unknown code)."""
    if not is_code_list(value):
        raise WrongShape(value)
    codes = frozenset(v.strip().upper() for v in value)
    unknown = sorted(codes - set(RULES))
    if unknown:
        raise UnknownCode(unknown)
    return codes


def _level(value: object) -> Severity | None:
    """The severity named by ``value`` (any case), or ``None``."""
    try:
        return Severity(str(value).lower())
    except ValueError:
        return None


def severities(value: object) -> dict[str, Severity]:
    """A severity per rule code from a mapping; raises ``WrongShape``, or ``UnknownCode`` or
    ``BadLevel`` for the first wrong entry."""
    if not isinstance(value, dict):
        raise WrongShape(value)
    result: dict[str, Severity] = {}
    for code, named in value.items():
        key = str(code)
        if key.upper() not in RULES:
            raise UnknownCode([key], key)
        chosen = _level(named)
        if chosen is None:
            raise BadLevel(key, named)
        result[key.upper()] = chosen
    return result


def release(value: object) -> str:
    """A release to check against (``""``: the latest known); raises ``WrongShape`` for a
    value that is no string, ``releases.BadRelease`` for one that names no release."""
    if not isinstance(value, str):
        raise WrongShape(value)
    return release_text(value)
