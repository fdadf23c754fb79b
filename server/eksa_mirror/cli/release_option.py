"""``--eksa-version``: one parser and one precedence for ``validate``, ``check`` and
``explain`` (README, "The release"). A Cluster's ``spec.eksaVersion`` wins, then the flag,
then the ``eksa-version`` of the nearest ``.eksa-mirror.toml``, then the latest release known.
``validate`` also takes a minor line (``v0.20.x``); ``check`` and ``explain`` act for one
release and need an exact one.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from eksa_mirror.cli.common import CliError
from eksa_mirror.core.eksa.releases import BadRelease, parse_version, release_text


class BadFlag(ValueError):
    """``--eksa-version: 'latest' is not a release like "v0.20.0"`` (one line, exit 2)."""


def eksa_version(text: str) -> str:
    """The flag's value (``v0.20.1``, ``0.20.1``, ``v0.20.x``, ``v0.20``) as given; raises
    ``BadFlag``. Each command prints it as its other usage errors: one line, exit 2."""
    try:
        return release_text(text)
    except BadRelease as exc:
        raise BadFlag(f"--eksa-version: {exc}") from None


def add_eksa_version(parser: argparse.ArgumentParser, purpose: str) -> None:
    """The flag as every sub-command spells it; ``purpose`` ends its help text."""
    parser.add_argument(
        "--eksa-version",
        default="",
        metavar="vX.Y.Z",
        help=f"EKS Anywhere release {purpose} when the Cluster has no spec.eksaVersion"
        " (else the eksa-version of .eksa-mirror.toml, else the latest release known)",
    )


def configured(path: str) -> tuple[str, str]:
    """The ``eksa-version`` of ``path``'s ``.eksa-mirror.toml`` and that file ("", "" without
    one, or with a bad one: ``validate`` reports that)."""
    from eksa_mirror.rules.config import ConfigCache, ConfigError

    try:
        config = ConfigCache().for_file(Path(path))
    except ConfigError:
        return "", ""
    if config is None or not config.eksa_version:
        return "", ""
    return config.eksa_version, str(config.path)


def below_spec(flag: str, path: str) -> tuple[str, str]:
    """The release that applies when the spec names none, and where it comes from: the
    flag, else the configuration file's ("", "" for neither)."""
    if flag:
        return flag, "--eksa-version"
    found, where = configured(path)
    return (found, f"eksa-version of {where}") if found else ("", "")


def exact_problem(text: str, where: str, command: str) -> str:
    """Why ``command`` cannot act for ``text`` ("" when it is one release): a minor line
    names several releases, and what ``check``/``explain`` say differs between them."""
    parsed = parse_version(text) if text else None
    if parsed is None or parsed.patch is not None:
        return ""
    example = f"v{parsed.major}.{parsed.minor}.0"
    return (
        f"{where}: {text.strip()} is a minor line; {command} needs one release, such as {example}"
    )


def spec_names_release(path: str) -> bool:
    """Whether the Cluster at ``path`` has a ``spec.eksaVersion`` (False when it cannot be
    read: the command says why when it loads the spec)."""
    from eksa_mirror.cli.common import load_config

    try:
        return bool(load_config(path).eksa_version)
    except CliError:
        return False


def one_release(flag: str, path: str, command: str) -> str:
    """The release ``check``/``explain`` act for when the spec at ``path`` names none: the
    flag, else the configuration file's, else ""; raises ``CliError`` for a malformed flag,
    a minor line given as the flag, or a configuration file's minor line that would apply
    (a spec naming its own release does not need the file's)."""
    try:
        eksa_version(flag)
    except BadFlag as exc:
        raise CliError(str(exc)) from None
    chosen, where = below_spec(flag, path)
    problem = exact_problem(chosen, where, command)
    if problem and (flag or not spec_names_release(path)):
        raise CliError(problem)
    return chosen if not problem else ""
