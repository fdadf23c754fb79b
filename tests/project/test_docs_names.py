"""Every name the docs use exists: flags (against the real argparse parsers), settings (against
the server and the VS Code extension's package.json), rule codes (against the catalogue),
repository paths, links and their anchors. Synopses list every option of their command.

Names of other programs (pip's ``--platform``, EKS Anywhere's source files) are listed below
with whose they are; an example of a name that does not exist (``RM999``) is listed as one,
and must stay one.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
from pathlib import Path

import pytest

from eksa_mirror.cli.main import build_parser
from eksa_mirror.lsp.settings import parse_settings
from eksa_mirror.rules.catalogue import RULES
from support import REPO

from .docs_text import (
    NAMED_IN,
    USER_DOCS,
    anchors,
    blocks,
    code_spans,
    command_lines,
    links,
    prose,
    rel,
    shell_blocks,
    transcripts,
)

#: Flags of other programs that the docs name alone in inline code.
OTHER_FLAGS = {
    "--freeze": "pre-commit autoupdate",
    "--insecure": "eksctl anywhere import images",
    "--no-pager": "git (docs/security.md, git as a guest)",
    "--only-binary": "pip download",
    "--platform": "pip download",
    "--python-version": "pip download",
}
#: Rule codes the docs use as examples of codes that are not rules.
NOT_RULES = {
    "RM999": "configuration.md: a suppression naming a code that is not a rule",
    "RM034": "architecture.md: the rule a maintainer adds by following the guide",
}
#: Paths the docs name that are not this repository's: the path's start, and whose it is.
ELSEWHERE = {
    "docs/content/": "EKS Anywhere's documentation (aws/eks-anywhere)",
    "lsp/yamlls.lua": "nvim-lspconfig's configuration of yaml-language-server",
    "rules/mirrors.py": "architecture.md: a family module a maintainer might add",
    "dist/": "the output of scripts/build-standalone",
    "server/eksa-mirror": "the server inside a platform VS Code extension",
}
PACKAGE = REPO / "server" / "eksa_mirror"
COMMANDS = ("validate", "schema", "check", "explain", "serve")
_FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]*")
_FORMAT = re.compile(r"--format[ =]([a-z]+(?:\|[a-z]+)*)")


def subparsers() -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


PARSERS = subparsers()


def flags(command: str) -> set[str]:
    return {o for o in PARSERS[command]._option_string_actions if o.startswith("--")} - {"--help"}


def formats(command: str) -> set[str]:
    action = PARSERS[command]._option_string_actions.get("--format")
    return set(action.choices or ()) if action else set()


def eksa_mirror_uses(text: str) -> list[tuple[str, str]]:
    """(sub-command, its arguments) of each ``eksa-mirror CMD ...`` in ``text``, up to the end
    of the command (a pipe, redirection, ``;`` or ``&&``)."""
    found = []
    for match in re.finditer(r"(?<![\w/-])eksa-mirror (\w+)([^|;>&\n]*)", text):
        if match.group(1) in COMMANDS:
            found.append((match.group(1), match.group(2)))
    return found


def command_texts() -> list[tuple[str, str]]:
    """(where, text) of every command the docs show: shell lines, transcripts, inline code."""
    found = [(b.file, line) for b in shell_blocks() for line in command_lines(b)]
    found += [(b.file, b.first[2:]) for b in transcripts()]
    found += [(rel(path), span) for path in USER_DOCS for span in code_spans(path)]
    return found


# --------------------------------------------------------------------------- flags


def test_every_flag_of_a_documented_command_exists() -> None:
    wrong = []
    for where, text in command_texts():
        for command, arguments in eksa_mirror_uses(text):
            named = _FLAG.findall(arguments)
            named += [v for values in _FORMAT.findall(arguments) for v in values.split("|")]
            known = flags(command) | formats(command)
            wrong += [(where, command, name) for name in named if name not in known]
    assert wrong == []


def test_a_flag_named_alone_exists() -> None:
    """Inline code that is a flag (``--strict``, ``--format gitlab``) is one of eksa-mirror's,
    or one of OTHER_FLAGS."""
    ours = set().union(*(flags(c) for c in COMMANDS)) | {"--version"}
    choices = set().union(*(formats(c) for c in COMMANDS))
    wrong = []
    for path in USER_DOCS:
        for span in code_spans(path):
            if not re.match(r"--[a-z]", span):
                continue
            flag = span.split()[0].split("=")[0]
            if flag not in ours and flag not in OTHER_FLAGS:
                wrong.append((rel(path), span))
            for values in _FORMAT.findall(span):
                wrong += [(rel(path), v) for v in values.split("|") if v not in choices]
    assert wrong == []


def synopses() -> dict[str, list[str]]:
    """Each sub-command's synopsis blocks (``eksa-mirror CMD ...`` without a ``$``)."""
    found: dict[str, list[str]] = {}
    for path in USER_DOCS:
        for block in blocks(path):
            match = re.match(r"eksa-mirror (\w+) ", block.first)
            if block.lang in ("", "text") and match and match.group(1) in COMMANDS:
                found.setdefault(match.group(1), []).append(block.text)
    return found


@pytest.mark.parametrize("command", ["validate", "check", "explain"])
def test_the_synopses_list_every_option(command: str) -> None:
    texts = synopses()[command]
    assert set().union(*(set(_FLAG.findall(t)) for t in texts)) == flags(command)
    shown = {v for t in texts for values in _FORMAT.findall(t) for v in values.split("|")}
    assert shown == formats(command)


# --------------------------------------------------------------------------- settings

PACKAGE_JSON = json.loads((REPO / "vscode-client" / "package.json").read_text(encoding="utf-8"))
VSCODE_SETTINGS = set(PACKAGE_JSON["contributes"]["configuration"]["properties"])
VSCODE_COMMANDS = {c["command"] for c in PACKAGE_JSON["contributes"]["commands"]}
#: The extension's own settings; the others are the server's, sent as they are.
CLIENT_ONLY = {"eksaMirror.server.path", "eksaMirror.server.pythonPath", "eksaMirror.trace.server"}
# VS Code settings the extension hands to the server in initializationOptions (never read by the
# server from workspace/configuration, which a project can set): docs/editors.md's second table.
INIT_OPTIONS = {"eksaMirror.credentialHosts"}


def server_commands() -> set[str]:
    from eksa_mirror.lsp.server import server

    return set(server.protocol.fm.commands)


def server_reads(key: str) -> bool:
    """Whether the server reads ``eksaMirror.<key>``: a value wrong for every setting is
    named in its answer (an unknown key is ignored in silence)."""
    _, errors = parse_settings({key: 12.5})
    return any(f"@ eksaMirror.{key}" in error for error in errors)


def trust_option_read(key: str) -> bool:
    """Whether the server takes ``key`` from initializationOptions: a wrong value is named."""
    from eksa_mirror.lsp.credentials import Trust, parse_trust

    _, errors = parse_trust({key: 12.5}, Trust())
    return any(f"@ eksaMirror.{key}" in error for error in errors)


def settings_table(path: Path, heading: str) -> list[str]:
    """The first column of the first table under ``heading``, without its backquotes."""
    section = prose(path).split(heading, 1)[1]
    table = re.search(r"^\|.*?(?=\n[^|]|\Z)", section.split("\n## ", 1)[0], re.M | re.S)
    rows = re.findall(r"^\| `([\w.]+)` \|", table.group(0) if table else "", re.M)
    assert rows, f"no table under {heading} in {rel(path)}"
    return rows


def test_the_server_settings_table_is_what_the_server_reads() -> None:
    documented = settings_table(REPO / "docs" / "editors.md", "## Settings")
    assert [k for k in documented if not server_reads(k)] == []
    server_settings = VSCODE_SETTINGS - CLIENT_ONLY - INIT_OPTIONS
    assert set(documented) == {s.removeprefix("eksaMirror.") for s in server_settings}


def test_the_initialization_options_table_is_what_the_server_takes() -> None:
    """docs/editors.md's table of the trust options: each is read from initializationOptions
    (a wrong value is named in the answer), and the VS Code ones are forwarded settings."""
    documented = settings_table(REPO / "docs" / "editors.md", "### Credentials and untrusted")
    assert documented == ["workspaceTrusted", "credentialHosts"]
    for key in documented:
        assert trust_option_read(key), key
    assert {f"eksaMirror.{k}" for k in documented} & VSCODE_SETTINGS == INIT_OPTIONS


def test_the_extension_readme_lists_every_setting() -> None:
    documented = settings_table(REPO / "vscode-client" / "README.md", "## Settings")
    assert sorted(documented) == sorted(VSCODE_SETTINGS)


def test_every_named_setting_or_command_exists() -> None:
    known = VSCODE_SETTINGS | VSCODE_COMMANDS | server_commands()
    wrong = []
    for path in NAMED_IN:
        for name in re.findall(r"eksaMirror(?:\.\w+)+\.?\*?", path.read_text(encoding="utf-8")):
            prefix = name.rstrip("*")
            if name not in known and not (prefix.endswith(".") and any(
                k.startswith(prefix) for k in known
            )):  # fmt: skip
                wrong.append((rel(path), name))
    assert wrong == []


# --------------------------------------------------------------------------- rule codes

_RANGE = re.compile(r"(?i)`?#?(rm\d{3})`?\s*(?:-|–|…|to)\s*`?#?(rm\d{3})")


def test_every_rule_code_named_exists() -> None:
    assert not set(NOT_RULES) & set(RULES), "an example of a code that is not a rule now is one"
    files = [*NAMED_IN, REPO / ".pre-commit-hooks.yaml"]
    named = {(rel(p), c) for p in files for c in re.findall(r"RM\d{3}", p.read_text("utf-8"))}
    assert sorted((f, c) for f, c in named if c not in RULES and c not in NOT_RULES) == []


def test_no_range_of_codes_reads_as_every_rule() -> None:
    """A range from RM001 that goes far (``RM001-RM030``) reads as "every rule" and is wrong
    once a rule is added: name docs/rules.md instead. Shorter ranges name existing codes."""
    files = [*NAMED_IN, REPO / ".pre-commit-hooks.yaml", *sorted(PACKAGE.rglob("*.py"))]
    wrong = []
    for path in files:
        for start, end in _RANGE.findall(path.read_text(encoding="utf-8")):
            first, last = int(start[2:]), int(end[2:])
            ok = start.upper() in RULES and end.upper() in RULES and first < last
            if not ok or (first == 1 and last >= 20):
                wrong.append((rel(path), f"{start}-{end}"))
    assert wrong == []


# --------------------------------------------------------------------------- paths and links


def path_exists(name: str) -> bool:
    """A repository path, or a module of the package named from its folder (``lsp/codec.py``,
    ``cli/serve``, ``core/graph.NodeGraph``)."""
    candidates = [REPO / name, PACKAGE / name, PACKAGE / f"{name}.py"]
    candidates.append(PACKAGE / (name.rsplit(".", 1)[0] + ".py"))
    return any(c.exists() for c in candidates)


def tracked() -> list[str]:
    try:
        out = subprocess.run(
            ["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: the tracked files are unknown")
    return out.splitlines()


def test_every_repository_path_named_exists() -> None:
    """Inline code that looks like a path and starts with a folder of the repository or of the
    package names something that is there (or one of ELSEWHERE)."""
    roots = {name.split("/")[0] for name in tracked()}
    roots |= {p.name for p in PACKAGE.iterdir() if p.is_dir()}
    wrong = []
    for path in NAMED_IN:
        for span in code_spans(path):
            if not re.fullmatch(r"\.?[\w.-]+(/[\w.@-]+)*/?", span):
                continue
            if span.split("/")[0] not in roots or ("/" not in span and span not in roots):
                continue
            if not path_exists(span) and not span.startswith(tuple(ELSEWHERE)):
                wrong.append((rel(path), span))
    assert wrong == []


def test_every_docs_page_named_anywhere_exists() -> None:
    """``docs/<page>.md`` in any tracked text file (a script's comment included)."""
    wrong = []
    for name in tracked():
        path = REPO / name
        if "node_modules" in name or not path.is_file() or path.suffix in (".png", ".whl"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for page in re.findall(r"(?<![\w/.-])docs/[\w.-]+\.md", text):
            if not (REPO / page).is_file():
                wrong.append((name, page))
    assert wrong == []


def test_every_link_and_anchor_resolves() -> None:
    wrong = []
    for path in NAMED_IN:
        for target in links(path):
            if re.match(r"[a-z]+:", target):
                continue  # https:, mailto:
            file, _, anchor = target.partition("#")
            dest = (path.parent / file).resolve() if file else path
            missing = anchor and dest.suffix == ".md" and anchor not in anchors(dest)
            if not dest.exists() or missing:
                wrong.append((rel(path), target))
    assert wrong == []
