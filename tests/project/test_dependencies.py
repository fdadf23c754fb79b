"""Every library the package imports is declared in pyproject.toml's dependencies (a
library that only arrives with another, like cattrs with pygls, breaks when that one
changes its own requirements)."""

from __future__ import annotations

import ast
import re
import sys

import tomllib

from support import REPO

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: tomli, the same parser (a dependency there)
    import tomli as tomllib

PACKAGE = REPO / "server" / "eksa_mirror"
#: Import names that differ from the distribution's name.
DISTRIBUTION = {"yaml": "pyyaml", "tomli": "tomli"}


def imported_libraries() -> dict[str, str]:
    """Top-level third-party module → the first file importing it."""
    found: dict[str, str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top != "eksa_mirror" and top not in sys.stdlib_module_names:
                    found.setdefault(top, str(path.relative_to(REPO)))
    return found


def declared() -> set[str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {re.split(r"[<>=!~; \[]", dep, maxsplit=1)[0].lower() for dep in project["dependencies"]}


def test_every_imported_library_is_declared() -> None:
    libraries = imported_libraries()
    assert {"cattrs", "attrs", "pygls", "lsprotocol", "jsonschema", "yaml"} <= set(libraries)
    missing = {
        name: where
        for name, where in libraries.items()
        if DISTRIBUTION.get(name, name).lower() not in declared()
    }
    assert missing == {}
