""".eksa-mirror.toml: parsing and validation (one error with its position), globs, the
nearest file winning, re-reading on change, and the command line or editor winning over it."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import pytest

from eksa_mirror.core.findings import Severity
from eksa_mirror.rules.config import (
    ConfigCache,
    ConfigError,
    ProjectConfig,
    find_config,
    glob_matches,
    layered,
    load_config,
    parse_config,
)
from eksa_mirror.rules.context import Options

FULL = """\
# the team's choices
select = ["RM001", "rm008", "RM019"]
ignore = ["RM019"]
eksa-version = "v0.20.0"

[severity]
RM008 = "information"

[per-file-ignores]
"dev/**" = ["RM008"]
"""


def test_a_full_file() -> None:
    config = parse_config(FULL, Path("/p/.eksa-mirror.toml"))
    assert config.select == frozenset({"RM001", "RM008", "RM019"})
    assert config.ignore == frozenset({"RM019"})
    assert config.eksa_version == "v0.20.0"
    assert config.severity == {"RM008": Severity.INFORMATION}
    assert config.per_file_ignores == (("dev/**", frozenset({"RM008"})),)


def test_an_empty_file_and_an_empty_select_change_nothing() -> None:
    assert parse_config("", Path("x")).select is None
    assert parse_config("select = []\n", Path("x")).select is None


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ('ignore = ["RM008"\n', "2:1: error invalid TOML: Unclosed array"),
        ("ignore = RM008\n", "1:10: error invalid TOML: Invalid value"),
        ('ignore = "RM008"\n', '1:1: error ignore must be a list of rule codes like ["RM008"]'),
        (
            '\n  select = ["RM008", 1]\n',
            '2:3: error select must be a list of rule codes like ["RM008"]',
        ),
        ('ignore = ["RM099"]\n', "1:1: error ignore: unknown rule code RM099"),
        (
            'ignores = ["RM008"]\n',
            '1:1: error unknown key "ignores" (the keys are select, '
            "ignore, eksa-version, severity, per-file-ignores)",
        ),
        ('eksa-version = "latest"\n', '1:1: error eksa-version must be a release like "v0.20.0"'),
        ("eksa-version = 20\n", '1:1: error eksa-version must be a release like "v0.20.0"'),
        (
            'ignore = []\n\neksa-version = "0.x"\n',
            '3:1: error eksa-version must be a release like "v0.20.0"',
        ),
        (
            'select = ["RM008"]\n[severity]\nRM008 = "fatal"\n',
            "3:1: error severity.RM008: 'fatal' is not one of error, warning, information, hint",
        ),
        ('[severity]\nRM999 = "error"\n', "2:1: error severity: unknown rule code RM999"),
        (
            'ignore = []\nseverity = { RM008 = "fatal" }\n',
            "2:1: error severity.RM008: 'fatal' is not one of error, warning, information, hint",
        ),
        ('severity = "error"\n', '1:1: error severity must be a table like RM019 = "error"'),
        (
            '[per-file-ignores]\n"dev/*.yaml" = "RM008"\n',
            '2:1: error per-file-ignores.dev/*.yaml must be a list of rule codes like ["RM008"]',
        ),
        (
            'per-file-ignores = ["dev"]\n',
            '1:1: error per-file-ignores must be a table like "dev/*.yaml" = [...]',
        ),
        (
            'ignore = []\nper-file-ignores = "dev"\n',
            '2:1: error per-file-ignores must be a table like "dev/*.yaml" = [...]',
        ),
        (
            "[tool.eksa-mirror]\n",
            '1:1: error unknown key "tool" (the keys are select, ignore, '
            "eksa-version, severity, per-file-ignores)",
        ),
    ],
)
def test_one_clear_error_with_its_position(text: str, error: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, Path("conf/.eksa-mirror.toml"))
    assert str(caught.value) == f"conf/.eksa-mirror.toml:{error}"


@pytest.mark.parametrize(
    ("glob", "path", "matches"),
    [
        ("dev/*.yaml", "dev/a.yaml", True),
        ("dev/*.yaml", "dev/x/a.yaml", False),
        ("dev/**", "dev/x/a.yaml", True),
        ("dev/**/*.yaml", "dev/a.yaml", True),
        ("**/dev/*.yaml", "clusters/dev/a.yaml", True),
        ("./dev/*.yaml", "dev/a.yaml", True),
        ("*.yml", "deep/er/a.yml", True),
        ("a?.yaml", "ab.yaml", True),
        ("a?.yaml", "abc.yaml", False),
        ("prod/*.yaml", "dev/a.yaml", False),
        (".hidden/*.yaml", "hidden/a.yaml", False),
        ("X*.yaml", "a.yaml", False),
        ("/Xa.yaml/", "Xa.yaml", True),
    ],
)
def test_globs(glob: str, path: str, matches: bool) -> None:
    assert glob_matches(glob, path) is matches


def _config(**kwargs: object) -> ProjectConfig:
    return ProjectConfig(path=Path("/p/.eksa-mirror.toml"), **kwargs)  # type: ignore[arg-type]


ALL = Options()


@pytest.mark.parametrize(
    ("config", "given", "enabled", "disabled"),
    [
        (_config(ignore=frozenset({"RM008"})), ALL, ["RM019"], ["RM008"]),
        (
            _config(ignore=frozenset({"RM008"})),
            Options(ignore=frozenset({"RM019"})),
            [],
            ["RM008", "RM019"],
        ),
        # A selection given on the command line or in the editor replaces the file's.
        (
            _config(ignore=frozenset({"RM008"})),
            Options(select=frozenset({"RM008"})),
            ["RM008"],
            ["RM019"],
        ),
        (_config(select=frozenset({"RM001"})), ALL, ["RM001"], ["RM008"]),
        (_config(per_file_ignores=(("dev/*", frozenset({"RM008"})),)), ALL, [], ["RM008"]),
        (_config(per_file_ignores=(("prod/*", frozenset({"RM008"})),)), ALL, ["RM008"], []),
    ],
)
def test_layers(
    config: ProjectConfig, given: Options, enabled: list[str], disabled: list[str]
) -> None:
    options = layered(config, Path("/p/dev/c.yaml"), given)
    assert all(options.enabled(code) for code in enabled)
    assert not any(options.enabled(code) for code in disabled)


def test_severity_and_release_layers() -> None:
    config = _config(
        severity={"RM008": Severity.ERROR, "RM019": Severity.ERROR}, eksa_version="v0.19.0"
    )
    options = layered(config, None, Options(severity={"RM019": Severity.HINT}))
    assert options.severity == {"RM008": Severity.ERROR, "RM019": Severity.HINT}
    assert options.eksa_version == "v0.19.0"
    assert layered(config, None, Options(eksa_version="v0.21.0")).eksa_version == "v0.21.0"
    assert layered(None, None, ALL) is ALL


def test_the_given_time_and_environment_pass_through() -> None:
    """The time certificates are checked at and the environment come from the caller."""
    now = datetime(2030, 1, 1, tzinfo=timezone.utc)
    given = Options(check_env=True, env={"REGISTRY_USERNAME": "u"}, now=now)
    options = layered(_config(), None, given)
    assert (options.check_env, options.env, options.now) == (True, {"REGISTRY_USERNAME": "u"}, now)


def test_nearest_file_wins(tmp_path: Path) -> None:
    deep = tmp_path / "a" / "b" / "c"
    deep.mkdir(parents=True)
    assert find_config(deep) is None or not str(find_config(deep)).startswith(str(tmp_path))
    (tmp_path / ".eksa-mirror.toml").write_text('ignore = ["RM008"]\n')
    (tmp_path / "a" / "b" / ".eksa-mirror.toml").write_text('ignore = ["RM019"]\n')
    assert find_config(deep) == tmp_path / "a" / "b" / ".eksa-mirror.toml"
    assert find_config(tmp_path / "a") == tmp_path / ".eksa-mirror.toml"
    cache = ConfigCache()
    config = cache.for_file(deep / "c.yaml")
    assert config is not None and config.ignore == frozenset({"RM019"})


def test_the_cache_reads_a_changed_file_again(tmp_path: Path) -> None:
    path = tmp_path / ".eksa-mirror.toml"
    path.write_text('ignore = ["RM008"]\n')
    cache = ConfigCache()
    first = cache.load(path)
    assert cache.load(path) is first
    path.write_text('ignore = ["RM008", "RM019"]\n')
    os.utime(path, ns=(1, 1))  # a different mtime, as a save would give
    assert cache.load(path).ignore == frozenset({"RM008", "RM019"})
    path.write_text("ignore = [\n")
    os.utime(path, ns=(2, 2))
    with pytest.raises(ConfigError, match=r":2:1: error invalid TOML"):
        cache.load(path)


def _unreadable(tmp_path: Path, case: str) -> Path:
    path = tmp_path / ".eksa-mirror.toml"
    if case == "not-utf8":
        path.write_bytes(b'ignore = ["\xff"]\n')
    elif case == "too-large":
        path.write_text("# " + "x" * (1024 * 1024) + "\n")
    elif case == "folder":
        path.mkdir()
    return path


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("not-utf8", "not UTF-8 (invalid byte at offset 11)"),
        ("too-large", "the file is larger than 1 MiB"),
        ("folder", "cannot read: Is a directory"),
        ("missing", "cannot read: No such file or directory"),
    ],
)
@pytest.mark.parametrize(
    "read", [load_config, lambda path: ConfigCache().load(path)], ids=["load", "cache"]
)
def test_an_unreadable_file_is_an_error(
    tmp_path: Path, case: str, message: str, read: Callable[[Path], ProjectConfig]
) -> None:
    """One error on line 1, column 1 of the file, with its path: the editor shows it there."""
    path = _unreadable(tmp_path, case)
    with pytest.raises(ConfigError) as caught:
        read(path)
    error = caught.value
    assert (error.path, error.line, error.column, error.message) == (str(path), 1, 1, message)
    assert str(error) == f"{path}:1:1: error {message}"


def test_a_file_saved_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    """Windows editors (Notepad, older VS Code settings) save UTF-8 with a BOM."""
    path = tmp_path / ".eksa-mirror.toml"
    path.write_bytes(b"\xef\xbb\xbf" + FULL.encode("utf-8"))
    config = load_config(path)
    assert config.ignore == frozenset({"RM019"})
    assert config.eksa_version == "v0.20.0"


def test_an_error_after_a_byte_order_mark_keeps_its_column(tmp_path: Path) -> None:
    """The mark is no character of the first line: the error is at column 1, as the editor
    shows the line."""
    path = tmp_path / ".eksa-mirror.toml"
    path.write_bytes(b'\xef\xbb\xbfselect = "RM008"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert (caught.value.line, caught.value.column) == (1, 1)
    assert caught.value.message.startswith("select must be a list of rule codes")
