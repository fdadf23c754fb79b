"""``--eksa-version`` as ``validate`` and ``explain`` read it (``cli/release_option.py``): each
form (exact, a minor line, newer than known, malformed) and the one precedence: the spec's
``eksaVersion``, then the flag, then ``.eksa-mirror.toml``, then the latest known. ``check``
reads it the same way: tests/e2e/test_registry_check.py (it needs a registry)."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from eksa_mirror.cli.main import main
from support import cluster

BODY = "endpoint: r.local"
LATEST_NOTE = "EKS Anywhere v0.26.1, the newest release eksa-mirror knows"
NEWER = (
    "EKS Anywhere v0.26.1 (v0.99.0 is newer than the releases eksa-mirror knows: checked as "
    "v0.26.1, the newest it knows)"
)
MALFORMED = "--eksa-version: 'latest' is not a release like \"v0.20.0\""


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def spec(tmp_path: Path, eksa_version: str = "", config: str = "") -> str:
    text = cluster(BODY)
    if eksa_version:
        text = text.replace("spec:\n", f"spec:\n  eksaVersion: {eksa_version}\n", 1)
    if config:
        (tmp_path / ".eksa-mirror.toml").write_text(f'eksa-version = "{config}"\n')
    path = tmp_path / "cluster.yaml"
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize(
    ("flag", "target"),
    [
        ("v0.20.1", "EKS Anywhere v0.20.1"),
        ("0.20.1", "EKS Anywhere v0.20.1"),
        ("v0.20.x", "EKS Anywhere v0.20.x"),
        ("v0.20", "EKS Anywhere v0.20.x"),
        ("v0.99.0", NEWER),
    ],
)
def test_validate_takes_a_release_or_a_minor_line(tmp_path: Path, flag: str, target: str) -> None:
    code, out, err = run("validate", "--eksa-version", flag, spec(tmp_path))
    assert (code, err) == (0, "")
    assert out == f"1 file checked against {target}: 0 errors, 0 warnings, 0 other\n"


@pytest.mark.parametrize("command", ["validate", "explain"])
def test_a_malformed_release_is_one_line_exit_2(tmp_path: Path, command: str) -> None:
    code, out, err = run(command, "--eksa-version", "latest", spec(tmp_path))
    prefix = "eksa-mirror:" if command == "validate" else "eksa-mirror explain:"
    assert (code, out, err) == (2, "", f"{prefix} {MALFORMED}\n")


@pytest.mark.parametrize(
    ("spec_version", "flag", "config", "target"),
    [
        ("", "", "", "EKS Anywhere v0.26.1 (latest known)"),
        ("", "", "v0.21.0", "EKS Anywhere v0.21.0"),
        ("", "v0.22.0", "v0.21.0", "EKS Anywhere v0.22.0"),
        ("v0.23.0", "v0.22.0", "v0.21.0", "EKS Anywhere v0.23.0"),
    ],
    ids=["latest", "config", "flag-over-config", "spec-wins"],
)
def test_one_precedence(
    tmp_path: Path, spec_version: str, flag: str, config: str, target: str
) -> None:
    path = spec(tmp_path, spec_version, config)
    args = ["--eksa-version", flag] if flag else []
    _, out, _ = run("validate", *args, path)
    assert out.endswith(f"checked against {target}: 0 errors, 0 warnings, 0 other\n")
    code, out, err = run("explain", *args, path)
    assert (code, err) == (0, "")
    rendered = out.splitlines()[1]
    if spec_version:
        assert rendered.startswith(f"Rendered for {target} (from spec.eksaVersion)")
    elif flag or config:
        assert rendered.startswith(f"Rendered for {target} (from --eksa-version")
    else:
        assert rendered.startswith("Rendered for EKS Anywhere v0.26.1 (the latest release known")


@pytest.mark.parametrize("flag", ["v0.20.1", "0.20.1"])
def test_explain_renders_for_an_exact_release(tmp_path: Path, flag: str) -> None:
    code, out, err = run("explain", "--eksa-version", flag, spec(tmp_path))
    assert (code, err) == (0, "")
    assert out.splitlines()[1].startswith(
        "Rendered for EKS Anywhere v0.20.1 (from --eksa-version / eksaMirror.eksaVersion)"
    )


def test_explain_renders_a_newer_release_as_the_newest_known(tmp_path: Path) -> None:
    code, out, err = run("explain", "--eksa-version", "v0.99.0", spec(tmp_path))
    assert (code, err) == (0, "")
    assert out.splitlines()[1].startswith(
        f"Rendered for {LATEST_NOTE} (v0.99.0 from --eksa-version / eksaMirror.eksaVersion is "
        "newer)"
    )


@pytest.mark.parametrize("args", [[], ["--against", ""], ["--format", "markdown"]])
def test_explain_needs_one_release_not_a_minor_line(tmp_path: Path, args: list[str]) -> None:
    path = spec(tmp_path)
    code, out, err = run("explain", "--eksa-version", "v0.20.x", *args, path)
    assert (code, out) == (2, "")
    assert err == (
        "eksa-mirror explain: --eksa-version: v0.20.x is a minor line; explain needs one "
        "release, such as v0.20.0\n"
    )


def test_explain_names_the_configuration_file_of_a_minor_line(tmp_path: Path) -> None:
    path = spec(tmp_path, config="v0.20.x")
    code, out, err = run("explain", path)
    assert (code, out) == (2, "")
    assert err == (
        f"eksa-mirror explain: eksa-version of {tmp_path / '.eksa-mirror.toml'}: v0.20.x is a "
        "minor line; explain needs one release, such as v0.20.0\n"
    )
    assert run("explain", "--eksa-version", "v0.20.1", path)[0] == 0  # the flag wins
    assert run("validate", path)[0] == 0  # validate takes the line


def test_a_configured_minor_line_is_not_needed_by_a_spec_naming_its_release(
    tmp_path: Path,
) -> None:
    """A team's ``.eksa-mirror.toml`` may hold a minor line for ``validate``; ``explain`` of a
    spec with its own ``spec.eksaVersion`` renders that release without asking for the flag."""
    code, out, err = run("explain", spec(tmp_path, eksa_version="v0.24.0", config="v0.20.x"))
    assert (code, err) == (0, "")
    assert out.splitlines()[1].startswith(
        "Rendered for EKS Anywhere v0.24.0 (from spec.eksaVersion)"
    )
