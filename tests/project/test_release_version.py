"""One version everywhere: pyproject.toml, the VS Code extension, ``__version__``, the
README's pre-commit example and the top entry of CHANGELOG.md agree."""

from __future__ import annotations

import json
import re
import sys

import eksa_mirror
from support import REPO

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: the version line of the [project] table
    tomllib = None


def pyproject_version() -> str:
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    if tomllib is not None:
        return str(tomllib.loads(text)["project"]["version"])
    match = re.search(r'^\[project\][^\[]*?^version = "([^"]+)"', text, re.MULTILINE | re.DOTALL)
    assert match, "no version in the [project] table"
    return match.group(1)


def test_every_place_names_the_same_version() -> None:
    version = pyproject_version()
    package = json.loads((REPO / "vscode-client" / "package.json").read_text(encoding="utf-8"))
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    hook_revs = re.findall(
        r"- repo: https://github\.com/eksa-mirror/eksa-mirror\n\s+rev: v(\S+)", readme
    )
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    top = re.search(r"^## \[([^\]]+)\]", changelog, re.MULTILINE)
    assert top is not None, "CHANGELOG.md has no '## [VERSION]' entry"
    assert {
        "vscode-client/package.json": package["version"],
        "eksa_mirror.__version__": eksa_mirror.__version__,
        "README pre-commit rev": hook_revs,
        "CHANGELOG.md top entry": top.group(1),
    } == {
        "vscode-client/package.json": version,
        "eksa_mirror.__version__": version,
        "README pre-commit rev": [version],
        "CHANGELOG.md top entry": version,
    }


def test_the_lock_file_names_the_extension_version() -> None:
    lock = json.loads((REPO / "vscode-client" / "package-lock.json").read_text(encoding="utf-8"))
    assert lock["version"] == lock["packages"][""]["version"] == pyproject_version()


def test_the_install_section_says_when_nothing_is_released_yet() -> None:
    """Until a CHANGELOG entry has a date, the README's Install section says that its
    downloads (PyPI, the Marketplace, release files, the tag) do not exist yet; once one has,
    it no longer does."""
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    entries = re.findall(r"^## \[[^\]]+\] - (.+)$", changelog, re.MULTILINE)
    assert entries, "CHANGELOG.md has no '## [VERSION] - DATE' entry"
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    install = readme.split("\n## Install\n", 1)[1].split("\n## ", 1)[0]
    says_so = "**Before the first release**" in install
    assert says_so == all(entry.strip() == "unreleased" for entry in entries)
