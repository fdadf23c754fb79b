"""docs/rules.md: a section per rule, a table that matches the catalogue, and examples that work.

Each section ``<a id="rm0xx"></a>`` + ``## RM0xx name`` holds YAML examples, each a whole file
as a user would paste it, introduced by an HTML comment: ``fails``, ``fixed`` or ``before`` (the
old spec of an upgrade, RM023), then optionally ``check-env: NAME=value …`` (analyse as
``validate --check-env`` with exactly that environment).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest

import support
from eksa_mirror.core.findings import Finding, Severity
from eksa_mirror.rules.analysis import Options
from eksa_mirror.rules.catalogue import RULES
from eksa_mirror.rules.lint import lint

DOCS = support.DOCS / "rules.md"
TEXT = DOCS.read_text(encoding="utf-8")

_ANCHOR = re.compile(r'^<a id="(rm\d{3})"></a>$', re.MULTILINE)
_EXAMPLE = re.compile(r"^<!-- (?P<meta>[^>]*?) -->\n```yaml\n(?P<body>.*?)^```$", re.M | re.S)
_ROW = re.compile(
    r"^\| \[(RM\d{3})\]\(#(rm\d{3})\) \| ([\w-]+) \| (\w+) \| ([\w/]+) \| (.+) \|$", re.M
)


@dataclass
class Example:
    role: str
    text: str
    env: dict[str, str] | None = None


@dataclass
class Section:
    code: str
    heading: str
    examples: list[Example] = field(default_factory=list)

    def one(self, role: str) -> Example:
        found = [e for e in self.examples if e.role == role]
        assert len(found) == 1, f"{self.code}: expected one '{role}' example, got {len(found)}"
        return found[0]


def _example(meta: str, body: str) -> Example:
    items = [item.strip() for item in meta.split(";")]
    role, options = items[0], dict(item.partition(":")[::2] for item in items[1:])
    options = {k.strip(): v.strip() for k, v in options.items()}
    assert role in ("fails", "fixed", "before"), meta
    assert set(options) <= {"check-env"}, meta
    env = None
    if "check-env" in options:
        env = dict(pair.split("=", 1) for pair in options["check-env"].split())
    return Example(role, body, env)


def sections() -> dict[str, Section]:
    result: dict[str, Section] = {}
    anchors = list(_ANCHOR.finditer(TEXT))
    for match, following in zip(anchors, [*anchors[1:], None], strict=True):
        chunk = TEXT[match.end() : following.start() if following else len(TEXT)]
        code = match.group(1).upper()
        heading = re.search(r"^## (.+)$", chunk, re.M)
        assert heading, code
        section = Section(code, heading.group(1))
        section.examples = [_example(m["meta"], m["body"]) for m in _EXAMPLE.finditer(chunk)]
        result[code] = section
    return result


SECTIONS = sections()


def run(example: Example, before: Example | None = None) -> list[Finding]:
    options = Options(check_env=example.env is not None, env=example.env)
    # The pipeline of validate and the language server (RM023, then suppressions: RM031).
    return lint(example.text, options, None if before is None else before.text).findings


def test_every_rule_has_a_section_in_order() -> None:
    assert list(SECTIONS) == list(RULES)
    for code, section in SECTIONS.items():
        assert section.heading == f"{code} {RULES[code].name}"


def test_table_matches_the_catalogue() -> None:
    rows = _ROW.findall(TEXT)
    assert [row[0] for row in rows] == list(RULES)
    for code, anchor, name, severity, fix, summary in rows:
        rule = RULES[code]
        assert anchor == code.lower()
        assert (name, severity, summary) == (rule.name, rule.severity.value, rule.summary)
        assert fix in ("safe", "unsafe", "safe/unsafe", "none")


@pytest.mark.parametrize("code", list(RULES))
def test_failing_example_gives_the_rule(code: str) -> None:
    section = SECTIONS[code]
    before = next((e for e in section.examples if e.role == "before"), None)
    found = [f for f in run(section.one("fails"), before) if f.code == code]
    assert found, f"{code}: the failing example does not give {code}"
    fix = dict((row[0], row[4]) for row in _ROW.findall(TEXT))[code]
    if fix == "none":
        assert all(f.fix is None for f in found), code
    elif fix in ("safe", "unsafe"):
        assert any(f.fix is not None and f.fix.safe is (fix == "safe") for f in found), code
    else:
        assert any(f.fix is not None for f in found), code


@pytest.mark.parametrize("code", list(RULES))
def test_fixed_example_is_clean(code: str) -> None:
    section = SECTIONS[code]
    before = next((e for e in section.examples if e.role == "before"), None)
    found = run(section.one("fixed"), before)
    assert [f for f in found if f.code == code] == [], code
    assert [f.code for f in found if f.severity is Severity.ERROR] == [], code


def test_anchor_links_resolve() -> None:
    anchors = set(_ANCHOR.findall(TEXT))
    for target in re.findall(r"\]\(#(rm\d{3})\)", TEXT):
        assert target in anchors
    for code, rule in RULES.items():
        assert rule.url.endswith("docs/rules.md#" + code.lower())


def test_the_recovery_limit_the_docs_give_is_the_codes() -> None:
    """RM024's section says how many broken lines a document may have and still be checked:
    the number the recovery really stops at."""
    from eksa_mirror.core.recovery import MAX_ROUNDS

    said = re.findall(r"up to (\d+) lines per\s+document", TEXT)
    assert said and all(int(n) == MAX_ROUNDS for n in said), (said, MAX_ROUNDS)
