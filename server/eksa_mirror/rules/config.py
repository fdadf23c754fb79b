"""The project configuration file ``.eksa-mirror.toml``: found, parsed, validated, layered.

The nearest file in the checked file's folder or above wins (files are not merged); its
keys are ``select``, ``ignore``, ``eksa-version``, ``[severity]`` and ``[per-file-ignores]``;
the command line and the editor settings win over it (``layered``). See
docs/configuration.md.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType
from typing import Any

from eksa_mirror.core.findings import Severity
from eksa_mirror.rules.context import Options
from eksa_mirror.rules.option_values import (
    BadLevel,
    UnknownCode,
    WrongShape,
    release,
    rule_codes,
    severities,
)

CONFIG_NAME = ".eksa-mirror.toml"
#: Larger files are refused: a configuration is a few lines.
MAX_CONFIG_BYTES = 1024 * 1024
_KEYS = ("select", "ignore", "eksa-version", "severity", "per-file-ignores")


class ConfigError(Exception):
    """A bad configuration file: ``path:line:col: error message`` (1-based)."""

    def __init__(self, path: Path | str, line: int, column: int, message: str) -> None:
        super().__init__(f"{path}:{line}:{column}: error {message}")
        self.path, self.line, self.column, self.message = str(path), line, column, message


@dataclass(frozen=True)
class ProjectConfig:
    """A validated ``.eksa-mirror.toml``."""

    path: Path
    select: frozenset[str] | None = None
    ignore: frozenset[str] = frozenset()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    eksa_version: str = ""
    per_file_ignores: tuple[tuple[str, frozenset[str]], ...] = ()
    #: The file's (mtime in ns, size) when it was read.
    stamp: tuple[int, int] = (0, 0)

    def ignored_for(self, file: Path | None) -> frozenset[str]:
        """``ignore`` plus the per-file ignores whose glob matches ``file``."""
        if file is None or not self.per_file_ignores:
            return self.ignore
        try:
            relative = Path(os.path.abspath(file)).relative_to(self.path.parent).as_posix()
        except ValueError:
            return self.ignore
        extra = [codes for glob, codes in self.per_file_ignores if glob_matches(glob, relative)]
        return self.ignore.union(*extra)


def layered(config: ProjectConfig | None, file: Path | None, given: Options) -> Options:
    """``given`` (command line or editor settings) over ``config`` for ``file``."""
    if config is None:
        return given
    select: frozenset[str] | None = config.select
    ignore = config.ignored_for(file) | given.ignore
    if given.select is not None:  # an explicit selection replaces the file's
        select, ignore = given.select, given.ignore
    return Options(
        select=select,
        ignore=ignore,
        severity={**config.severity, **given.severity},
        check_env=given.check_env,
        env=given.env,
        now=given.now,
        eksa_version=given.eksa_version or config.eksa_version,
    )


# --- finding ---------------------------------------------------------------------------


def find_config(folder: Path) -> Path | None:
    """The nearest ``.eksa-mirror.toml`` in ``folder`` or a folder above it."""
    # os.path rather than pathlib: the language server looks once per analysis.
    current = os.path.abspath(folder)
    while True:
        candidate = os.path.join(current, CONFIG_NAME)
        if os.path.isfile(candidate):
            return Path(candidate)
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


class ConfigCache:
    """Configurations by path, read again when the file's mtime or size changes."""

    def __init__(self) -> None:
        self._loaded: dict[Path, tuple[tuple[int, int], ProjectConfig | ConfigError]] = {}

    def for_file(self, file: Path) -> ProjectConfig | None:
        """The configuration governing ``file`` (raises ``ConfigError``)."""
        found = find_config(file.parent)
        return None if found is None else self.load(found)

    def load(self, path: Path) -> ProjectConfig:
        try:
            info = path.stat()
        except OSError as exc:
            raise ConfigError(path, 1, 1, f"cannot read: {exc.strerror or exc}") from None
        stamp = (info.st_mtime_ns, info.st_size)
        cached = self._loaded.get(path)
        if cached is None or cached[0] != stamp:
            try:
                result: ProjectConfig | ConfigError = replace(load_config(path), stamp=stamp)
            except ConfigError as exc:
                result = exc
            cached = (stamp, result)
            self._loaded[path] = cached
        if isinstance(cached[1], ConfigError):
            raise cached[1]
        return cached[1]


# --- reading ---------------------------------------------------------------------------


def load_config(path: Path) -> ProjectConfig:
    """Read and validate one configuration file (raises ``ConfigError``)."""
    try:
        if path.stat().st_size > MAX_CONFIG_BYTES:
            raise ConfigError(path, 1, 1, "the file is larger than 1 MiB")
        # utf-8-sig: a byte-order mark, as Windows editors write it, is dropped.
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise ConfigError(path, 1, 1, f"cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(path, 1, 1, f"not UTF-8 (invalid byte at offset {exc.start})") from None
    return parse_config(text, path)


_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


def _toml() -> ModuleType:
    """tomllib, imported when a configuration file is read (most folders have none)."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # the standard library's tomllib is this package, before Python 3.11
        import tomli as tomllib
    return tomllib


def parse_config(text: str, path: Path) -> ProjectConfig:
    """A configuration from its TOML text (raises ``ConfigError`` with the position)."""
    toml = _toml()
    try:
        data = toml.loads(text)
    except toml.TOMLDecodeError as exc:
        message = str(getattr(exc, "msg", "") or exc)
        line, column = getattr(exc, "lineno", None), getattr(exc, "colno", None)
        found = _AT.search(message)
        if found is not None:
            line, column = int(found[1]), int(found[2])
            message = message[: found.start()]
        message = message.removesuffix(" (at end of document)")
        if line is None or column is None:
            line, column = _end(text)
        raise ConfigError(path, line, column, f"invalid TOML: {message}") from None
    return _Validator(text, path).config(data)


def _end(text: str) -> tuple[int, int]:
    lines = text.split("\n")
    return len(lines), len(lines[-1]) + 1


class _Validator:
    """Typed values from the parsed TOML; errors point at the key's line."""

    def __init__(self, text: str, path: Path) -> None:
        self.lines = text.split("\n")
        self.path = path

    def fail(self, keys: tuple[str, ...], message: str) -> ConfigError:
        line, column = locate(self.lines, keys)
        return ConfigError(self.path, line, column, message)

    def config(self, data: dict[str, Any]) -> ProjectConfig:
        for key in data:
            if key not in _KEYS:
                raise self.fail((key,), f'unknown key "{key}" (the keys are {", ".join(_KEYS)})')
        try:
            version = release(data.get("eksa-version", ""))
        except ValueError:
            message = 'eksa-version must be a release like "v0.20.0"'
            raise self.fail(("eksa-version",), message) from None
        # An empty list selects every rule, as on the command line.
        select = self.codes(("select",), data["select"]) if "select" in data else None
        return ProjectConfig(
            path=Path(os.path.abspath(self.path)),
            select=select or None,
            ignore=self.codes(("ignore",), data.get("ignore", [])),
            severity=self.severity(data.get("severity", {})),
            eksa_version=version,
            per_file_ignores=self.per_file(data.get("per-file-ignores", {})),
        )

    def codes(self, keys: tuple[str, ...], value: Any) -> frozenset[str]:
        name = ".".join(keys)
        try:
            return rule_codes(value)
        except WrongShape:
            raise self.fail(keys, f'{name} must be a list of rule codes like ["RM008"]') from None
        except UnknownCode as exc:
            raise self.fail(keys, f"{name}: {exc}") from None

    def severity(self, value: Any) -> dict[str, Severity]:
        try:
            return severities(value)
        except WrongShape:
            message = 'severity must be a table like RM019 = "error"'
            raise self.fail(("severity",), message) from None
        except UnknownCode as exc:
            raise self.fail(("severity", exc.key), f"severity: {exc}") from None
        except BadLevel as exc:
            raise self.fail(("severity", exc.key), f"severity.{exc.key}: {exc}") from None

    def per_file(self, value: Any) -> tuple[tuple[str, frozenset[str]], ...]:
        if not isinstance(value, dict):
            raise self.fail(
                ("per-file-ignores",), 'per-file-ignores must be a table like "dev/*.yaml" = [...]'
            )
        return tuple(
            (glob, self.codes(("per-file-ignores", glob), codes)) for glob, codes in value.items()
        )


_HEADER = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]")


def locate(lines: list[str], keys: tuple[str, ...]) -> tuple[int, int]:
    """1-based line and column of the key ``keys`` (a top-level key or one in a table); the
    table's own key when the value is an inline table (``severity = { RM008 = 1 }``)."""
    found = _locate(lines, keys)
    if found is None and len(keys) > 1:
        found = _locate(lines, keys[:1])
    return found or (1, 1)


def _locate(lines: list[str], keys: tuple[str, ...]) -> tuple[int, int] | None:
    *tables, key = keys
    table = ".".join(tables)
    current = ""
    pattern = re.compile(r"^(\s*)(?:" + re.escape(key) + r'|"' + re.escape(key) + r'"|\'' +
                         re.escape(key) + r"')\s*=")  # fmt: skip
    for number, line in enumerate(lines):
        header = _HEADER.match(line)
        if header is not None:
            current = header[1].strip().strip("\"'")
            if not tables and current == key:
                return number + 1, len(line) - len(line.lstrip()) + 1
            continue
        found = pattern.match(line)
        if found is not None and current == table:
            return number + 1, len(found[1]) + 1
    return None


# --- globs -----------------------------------------------------------------------------


def glob_matches(glob: str, relative: str) -> bool:
    """Whether a POSIX path relative to the configuration's folder matches ``glob``.

    ``*`` and ``?`` stay within one folder, ``**`` spans folders; a glob without ``/``
    matches the file name in any folder (as in .gitignore).
    """
    if "/" not in glob.strip("/"):
        return _glob_regex(glob.strip("/")).fullmatch(relative.rsplit("/", 1)[-1]) is not None
    return _glob_regex(glob.removeprefix("./")).fullmatch(relative) is not None


def _glob_regex(glob: str) -> re.Pattern[str]:
    out = []
    index = 0
    while index < len(glob):
        if glob.startswith("**/", index):
            out.append("(?:.*/)?")
            index += 3
        elif glob.startswith("**", index):
            out.append(".*")
            index += 2
        elif glob[index] == "*":
            out.append("[^/]*")
            index += 1
        elif glob[index] == "?":
            out.append("[^/]")
            index += 1
        else:
            out.append(re.escape(glob[index]))
            index += 1
    return re.compile("".join(out))
