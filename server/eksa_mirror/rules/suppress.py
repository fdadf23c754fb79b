"""Inline suppressions: ``# eksa-mirror: ignore[RM008]`` comments, applied to the findings.

``ignore[...]`` covers its own line, or the next line with content when it stands alone;
``ignore-file[...]`` covers the whole file. A suppression that suppresses nothing is RM031,
with a fix that removes what is unused; the quick fix that writes one is here too. See
docs/configuration.md.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from eksa_mirror.core.findings import Finding, Fix, TextEdit
from eksa_mirror.core.positions import Position, Span
from eksa_mirror.rules.context import Analysis, Options
from eksa_mirror.rules.registry import INFO, declare, declared_rules, rule

declare(
    "RM031",
    "unused-suppression",
    INFO,
    "a suppression comment that suppresses nothing",
    since="v0.6.0",
)

CODE = "RM031"
#: The marker every directive starts with (after ``#``); the fast path looks for it. The
#: marker and the words after it are read in any case, as flake8 and ruff read noqa comments
#: (docs/configuration.md): ``# EKSA-MIRROR: IGNORE[RM008]`` suppresses, never silently not.
MARKER = "eksa-mirror"
_DIRECTIVE = re.compile(r"#\s*eksa-mirror\s*:", re.IGNORECASE)
_FORM = re.compile(
    r"#\s*eksa-mirror\s*:\s*(?P<kind>ignore-file|ignore)\s*\[(?P<codes>[^\]]*)\]", re.IGNORECASE
)
_CODE_TOKEN = re.compile(r"[^\s,]+")


@dataclass(frozen=True)
class CodeRef:
    """One code written in a directive's brackets, with its span."""

    code: str
    span: Span
    #: What removing only this code deletes (the code and one comma next to it).
    removal: Span


@dataclass
class Directive:
    """One ``# eksa-mirror:`` comment."""

    line: int
    span: Span
    #: What removing the whole directive deletes (the line, or the trailing comment).
    removal: Span
    file_level: bool = False
    #: The line whose findings it suppresses (-1: none, or the whole file).
    covers: int = -1
    codes: tuple[CodeRef, ...] = ()
    #: Where ``]`` is: a new code is merged in before it.
    close: Position | None = None
    problem: str = ""
    used: set[str] = field(default_factory=set)


def comment_start(line: str) -> int:
    """Column where the line's comment starts (-1: none), skipping ``#`` in quoted scalars.

    A quote opens a quoted scalar only where a value starts (the line start, after a space,
    ``[``, ``{`` or ``,``); ``it's`` in a plain scalar is text.
    """
    quote = ""
    at_start = True
    index = 0
    while index < len(line):
        char = line[index]
        if quote:
            if char == "\\" and quote == '"':
                index += 1
            elif char == quote:
                if quote == "'" and line[index + 1 : index + 2] == "'":
                    index += 1
                else:
                    quote = ""
        elif char == "#" and (index == 0 or line[index - 1] in " \t"):
            return index
        elif char in "'\"" and at_start:
            quote = char
        at_start = char in " \t[{,"
        index += 1
    return -1


def directives(lines: Sequence[str]) -> list[Directive]:
    """Every ``# eksa-mirror:`` directive of a text's lines (without line ends)."""
    found: list[Directive] = []
    for number, raw in enumerate(lines):
        if MARKER not in raw.lower():
            continue
        line = raw.rstrip("\r")
        start = comment_start(line)
        if start < 0:
            continue
        match = _DIRECTIVE.search(line, start)
        if match is None:
            continue
        found.append(_directive(lines, number, line, start, match.start()))
    return found


def _directive(lines: Sequence[str], number: int, line: str, comment: int, at: int) -> Directive:
    own_line = not line[:comment].strip()
    span = Span(Position(number, at), Position(number, len(line)))
    if own_line and comment == at:
        removal = _line_removal(lines, number)
    else:
        before = len(line[:at].rstrip())
        removal = Span(Position(number, before), Position(number, len(line)))
    result = Directive(number, span, removal)
    form = _FORM.match(line, at)
    if form is None:
        result.problem = (
            'not a suppression comment: write "# eksa-mirror: ignore[RMxxx]" (this line or, on '
            'a line of its own, the next) or "# eksa-mirror: ignore-file[RMxxx]"'
        )
        return result
    result.file_level = form["kind"].lower() == "ignore-file"
    result.close = Position(number, form.end() - 1)
    result.codes = _codes(number, form.start("codes"), form["codes"])
    if result.file_level and not own_line:
        result.problem = "ignore-file must be on a line of its own"
    elif not result.codes:
        result.problem = "the suppression names no rule code: write ignore[RM008]"
    elif not result.file_level:
        result.covers = number if not own_line else _next_content(lines, number)
    return result


def _codes(line: int, offset: int, text: str) -> tuple[CodeRef, ...]:
    tokens = list(_CODE_TOKEN.finditer(text))
    refs = []
    for index, token in enumerate(tokens):
        start, end = offset + token.start(), offset + token.end()
        if index + 1 < len(tokens):  # up to the next code: "RM008, " goes
            cut = (start, offset + tokens[index + 1].start())
        elif index > 0:  # the last one takes the comma before it: ", RM019" goes
            cut = (offset + tokens[index - 1].end(), end)
        else:
            cut = (start, end)
        refs.append(
            CodeRef(
                token.group().upper(),
                Span(Position(line, start), Position(line, end)),
                Span(Position(line, cut[0]), Position(line, cut[1])),
            )
        )
    return tuple(refs)


def _next_content(lines: Sequence[str], line: int) -> int:
    for number in range(line + 1, len(lines)):
        stripped = lines[number].strip()
        if stripped and not stripped.startswith("#"):
            return number
    return -1


def _line_removal(lines: Sequence[str], line: int) -> Span:
    """The whole line with its line break (the one before it on the last line)."""
    if line + 1 < len(lines):
        return Span(Position(line, 0), Position(line + 1, 0))
    end = Position(line, len(lines[line].rstrip("\r")))
    if line > 0:
        return Span(Position(line - 1, len(lines[line - 1].rstrip("\r"))), end)
    return Span(Position(line, 0), end)


def apply_suppressions(
    text: str, lines: Sequence[str], findings: list[Finding], options: Options, *, bom: bool
) -> list[Finding]:
    """``findings`` without the suppressed ones, plus RM031 for suppressions that did nothing.

    ``text`` and ``lines`` are the analysed text (without a byte-order mark); findings on
    line 0 count the mark (``bom``), so RM031 spans there are shifted by one.
    """
    if MARKER not in text.lower():  # str.lower is 10 times as fast as a re.IGNORECASE search
        return findings
    found = directives(lines)
    if not found:
        return findings
    by_line: dict[int, list[Directive]] = {}
    whole_file: list[Directive] = []
    for directive in found:
        if directive.problem:
            continue
        if directive.file_level:
            whole_file.append(directive)
        elif directive.covers >= 0:
            by_line.setdefault(directive.covers, []).append(directive)
    kept = [f for f in findings if not _suppressed(f, by_line, whole_file)]
    if options.enabled(CODE):
        kept.extend(_unused(found, options, bom))
        kept.sort(key=Finding.sort_key)
    return kept


def _suppressed(
    finding: Finding, by_line: dict[int, list[Directive]], whole_file: list[Directive]
) -> bool:
    """Whether a directive covering the finding's first line, or the whole file, names it."""
    if finding.code == CODE:
        return False
    for directive in by_line.get(finding.span.start.line, []) + whole_file:
        if any(ref.code == finding.code for ref in directive.codes):
            directive.used.add(finding.code)
            return True
    return False


def _unused(found: list[Directive], options: Options, bom: bool) -> list[Finding]:
    # The catalogue imports this module, so the declared rules are read at call time.
    known = declared_rules()
    result: list[Finding] = []
    for directive in found:
        if directive.problem:
            result.append(_finding(directive.problem, directive.span, None, options, bom))
            continue
        idle = [ref for ref in directive.codes if _idle(ref, directive, options)]
        where = "in this file" if directive.file_level else _where(directive)
        whole = len(idle) == len(directive.codes)
        if whole and idle and all(ref.code in known for ref in idle):
            names = ", ".join(ref.code for ref in idle)
            message = f"unused suppression: no {names} finding {where}"
            fix = Fix("Remove the unused suppression", (TextEdit(directive.removal, ""),))
            result.append(_finding(message, directive.span, fix, options, bom))
            continue
        for ref in idle:
            removal = directive.removal if whole and len(idle) == 1 else ref.removal
            if ref.code in known:
                message = f"unused suppression: no {ref.code} finding {where}"
                fix = Fix(f"Remove {ref.code} from the suppression", (TextEdit(removal, ""),))
            else:
                message = (
                    f'unknown rule code "{ref.code}" in a suppression: it suppresses nothing '
                    f"(the codes are RM001-{list(known)[-1]})"
                )
                fix = Fix(f'Remove "{ref.code}"', (TextEdit(removal, ""),), safe=False)
            result.append(_finding(message, ref.span, fix, options, bom))
    return result


def _idle(ref: CodeRef, directive: Directive, options: Options) -> bool:
    """A code that suppressed nothing although its rule ran (or that is no rule at all).

    RM031 itself is never suppressed by a comment, so naming it is always idle."""
    if ref.code not in declared_rules():
        return True
    return options.enabled(ref.code) and ref.code not in directive.used


def _where(directive: Directive) -> str:
    if directive.covers < 0:
        return "after it (no line with content follows)"
    if directive.covers == directive.line:
        return "on this line"
    return f"on line {directive.covers + 1}"


def _finding(message: str, span: Span, fix: Fix | None, options: Options, bom: bool) -> Finding:
    severity = options.severity.get(CODE) or rule(CODE).severity
    if bom:
        span = _shift(span)
        if fix is not None:
            fix = replace(fix, edits=tuple(TextEdit(_shift(e.span), "") for e in fix.edits))
    return Finding(CODE, severity, message, span, "", fix)


def _shift(span: Span) -> Span:
    def move(pos: Position) -> Position:
        return Position(pos.line, pos.column + 1) if pos.line == 0 else pos

    return Span(move(span.start), move(span.end))


def suppress_in(analysis: Analysis, options: Options) -> None:
    """Apply the inline suppressions of an analysed text to its findings, in place.

    A text with no EKS-A Cluster and no finding was not checked: its comments are not read.
    """
    if not analysis.has_cluster and not analysis.findings:
        return
    source = analysis.source
    analysis.findings = apply_suppressions(
        source.text, source.lines, analysis.findings, options, bom=analysis.bom
    )


def ignore_edit(analysis: Analysis, line: int, code: str) -> TextEdit | None:
    """The edit that suppresses ``code`` on ``line``: ``  # eksa-mirror: ignore[CODE]`` at the
    end of the line, or the code merged into a suppression already there.

    None where a comment cannot go: a blank or comment-only line, or a line that a
    multi-line scalar continues past (the comment would become part of its value).
    """
    lines = analysis.source.lines
    if not 0 <= line < len(lines):
        return None
    text = lines[line].rstrip("\r")
    stripped = text.strip()
    if not stripped or stripped.startswith("#") or _continued(analysis, line):
        return None
    shift = 1 if analysis.bom and line == 0 else 0
    for directive in directives([text]):
        if directive.problem or directive.file_level or directive.close is None:
            continue
        if any(ref.code == code for ref in directive.codes):
            return None
        at = Position(line, directive.close.column + shift)
        return TextEdit(Span(at, at), f", {code}")
    end = Position(line, len(text) + shift)
    return TextEdit(Span(end, end), f"  # eksa-mirror: ignore[{code}]")


def _continued(analysis: Analysis, line: int) -> bool:
    """Whether ``line`` is inside a multi-line scalar (a comment there would join its
    value): a block scalar's body, or a quoted or plain scalar that runs on to the next line.
    """
    docs = [doc for doc in analysis.source.documents if doc.line_offset <= line]
    root = docs[-1].root if docs else None
    if root is None:
        return False
    doc = docs[-1]
    pending: list[Node] = [root]
    seen: set[int] = set()
    while pending:
        node = pending.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, ScalarNode):
            span = doc.span(node)
            if node.style in ("|", ">"):  # the header line may end with a comment
                if span.start.line < line <= span.end.line:
                    return True
            elif span.start.line <= line < span.end.line:
                return True
        elif isinstance(node, MappingNode):
            for key, value in node.value:
                pending.extend((key, value))
        elif isinstance(node, SequenceNode):
            pending.extend(node.value)
    return False
