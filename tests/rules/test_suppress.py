"""Inline suppressions: which comments count, what they suppress, RM031 for the idle ones,
the fix that removes them, and the edit of the "Ignore RMxxx on this line" quick fix."""

from __future__ import annotations

import pytest

from eksa_mirror.core.findings import Severity
from eksa_mirror.core.fixes import apply_edits
from eksa_mirror.rules.analysis import Options, analyze
from eksa_mirror.rules.lint import fix_text, lint
from eksa_mirror.rules.suppress import comment_start, directives, ignore_edit
from support import MIRROR_HEAD

#: RM008 on line 8 (1-based), RM019 on line 9: the mirror a team keeps on purpose.
BODY = """\
    endpoint: registry.example.com
    port: 443{port}
    insecureSkipVerify: true{skip}
"""


#: A whole Cluster on one line (flow style): its line 0 is content, the file's last line.
FLOW = (
    "{apiVersion: anywhere.eks.amazonaws.com/v1alpha1, kind: Cluster, metadata: {name: c}, "
    "spec: {registryMirrorConfiguration: {endpoint: '%s'}}}"
)


def spec(port: str = "", skip: str = "", tail: str = "") -> str:
    return MIRROR_HEAD + BODY.format(port=port, skip=skip) + tail


def seen(text: str, options: Options | None = None) -> list[tuple[str, int, int, str]]:
    """(code, 1-based line, 1-based column, message) of what the user sees."""
    return [
        (f.code, f.span.start.line + 1, f.span.start.column + 1, f.message)
        for f in lint(text, options or Options()).findings
    ]


def codes(text: str, options: Options | None = None) -> list[tuple[str, int]]:
    return [(code, line) for code, line, _, _ in seen(text, options)]


# --- which comments are suppressions --------------------------------------------------


@pytest.mark.parametrize(
    ("line", "start"),
    [
        ("port: 443  # note", 11),
        ("# at the start", 0),
        ("    # indented", 4),
        ('endpoint: "a#b"  # c', 17),
        ('endpoint: "a # b"', -1),
        ("endpoint: 'it''s # x'", -1),
        ("endpoint: it's  # x", 16),
        ("endpoint: a#b", -1),
        ('path: "a\\" # b"  # c', 17),
        ("list: [a, 'b # c']  # d", 20),
        ('"key # 1": v  # c', 14),
    ],
)
def test_comment_start(line: str, start: int) -> None:
    assert comment_start(line) == start


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # (file level, codes, covers (0-based; the next line is 1), problem)
        ("port: 443  # eksa-mirror: ignore[RM008]", (False, ["RM008"], 0, "")),
        ("port: 443  # eksa-mirror: ignore[rm008, RM019] why", (False, ["RM008", "RM019"], 0, "")),
        ("port: 443  #eksa-mirror:ignore[RM008]", (False, ["RM008"], 0, "")),
        ("port: 443  # note  # eksa-mirror: ignore[RM008]", (False, ["RM008"], 0, "")),
        ("    # eksa-mirror: ignore[RM008] eksctl converts it", (False, ["RM008"], 1, "")),
        ("# eksa-mirror: ignore-file[RM008,RM010]", (True, ["RM008", "RM010"], -1, "")),
        ("port: 1  # eksa-mirror: ignore-file[RM008]", (True, ["RM008"], -1, "own")),
        ("port: 443  # eksa-mirror: ignore[]", (False, [], -1, "names no")),
        ("port: 443  # eksa-mirror: ignore RM008", (False, [], -1, "not a suppression")),
        ("port: 443  # eksa-mirror: disable[RM008]", (False, [], -1, "not a suppression")),
        # The marker in a quoted value before the comment is text: the comment's counts.
        ('endpoint: "# eksa-mirror: x"  # eksa-mirror: ignore[RM009]', (False, ["RM009"], 0, "")),
    ],
)
def test_directive_forms(line: str, expected: tuple[bool, list[str], int, str]) -> None:
    [found] = directives([line, "next: line"])
    file_level, names, covers, problem = expected
    assert found.file_level is file_level
    assert [ref.code for ref in found.codes] == names
    assert found.covers == covers
    assert (problem in found.problem) if problem else found.problem == ""


def test_a_marker_inside_a_quoted_value_is_not_a_directive() -> None:
    assert directives(['endpoint: "x # eksa-mirror: ignore[RM008]"']) == []


def test_own_line_directive_skips_blank_and_comment_lines() -> None:
    lines = ["# eksa-mirror: ignore[RM008]", "", "# another note", "port: 443"]
    assert directives(lines)[0].covers == 3


# --- what is suppressed ------------------------------------------------------------------


def test_without_comments_both_findings_show() -> None:
    assert codes(spec()) == [("RM008", 8), ("RM019", 9)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (spec(port="  # eksa-mirror: ignore[RM008] eksctl converts it"), [("RM019", 9)]),
        (spec(port="  # eksa-mirror: ignore[RM008,RM019]"), [("RM019", 9), ("RM031", 8)]),
        (spec(skip="  # eksa-mirror: ignore[RM019]"), [("RM008", 8)]),
        (
            spec().replace("    port", "    # eksa-mirror: ignore[RM008] why\n    port"),
            [("RM019", 10)],
        ),
        (spec(tail="# eksa-mirror: ignore-file[RM008, RM019]\n"), []),
        ("# eksa-mirror: ignore-file[RM019]\n" + spec(), [("RM008", 9)]),
        # A malformed suppression does not hide the idle one after it.
        (
            spec(port="  # eksa-mirror: ignore[]", tail="# eksa-mirror: ignore-file[RM027]\n"),
            [("RM008", 8), ("RM019", 9), ("RM031", 8), ("RM031", 10)],
        ),
        # A trailing comment on the file's first line covers that line.
        (FLOW % "https://x" + "  # eksa-mirror: ignore[RM009]\n", []),
        # A trailing comment covers its own line only, never the next.
        (
            spec().replace("registry.example.com", "r.example.com  # eksa-mirror: ignore[RM008]"),
            [("RM031", 7), ("RM008", 8), ("RM019", 9)],
        ),
    ],
)
def test_what_is_suppressed(text: str, expected: list[tuple[str, int]]) -> None:
    assert sorted(codes(text)) == sorted(expected)


def test_unused_messages_and_positions() -> None:
    text = spec(
        port="  # eksa-mirror: ignore[RM008, RM009]",
        tail="    # eksa-mirror: ignore[RM019]\n# eksa-mirror: ignore-file[RM027]\n"
        "# eksa-mirror: ignore[RM999]\n# eksa-mirror: ignore-file[RM031]\n",
    )
    assert seen(text) == [
        ("RM031", 8, 45, "unused suppression: no RM009 finding on this line"),
        ("RM019", 9, 25, seen(spec())[1][3]),
        (
            "RM031",
            10,
            5,
            "unused suppression: no RM019 finding after it (no line with content follows)",
        ),
        ("RM031", 11, 1, "unused suppression: no RM027 finding in this file"),
        (
            "RM031",
            12,
            23,
            'unknown rule code "RM999" in a suppression: it suppresses nothing '
            "(the codes are RM001-RM033)",
        ),
        ("RM031", 13, 1, "unused suppression: no RM031 finding in this file"),
    ]


def test_a_rule_that_did_not_run_is_not_called_unused() -> None:
    text = spec(port="  # eksa-mirror: ignore[RM008]")
    assert codes(text, Options(ignore=frozenset({"RM008"}))) == [("RM019", 9)]
    assert codes(text, Options(select=frozenset({"RM019"}))) == [("RM019", 9)]


def test_rm031_follows_selection_and_severity() -> None:
    text = spec(tail="# eksa-mirror: ignore-file[RM027]\n")
    assert codes(text, Options(ignore=frozenset({"RM031"}))) == [("RM008", 8), ("RM019", 9)]
    [rm031] = [
        f
        for f in lint(text, Options(severity={"RM031": Severity.ERROR})).findings
        if f.code == "RM031"
    ]
    assert rm031.severity is Severity.ERROR


def test_suppressions_apply_to_parse_errors() -> None:
    broken = MIRROR_HEAD + "    endpoint: [registry\n"
    assert [c for c, _ in codes(broken)] == ["RM024"]
    # Comments are read from the text, so they work where the YAML does not parse.
    assert codes("# eksa-mirror: ignore-file[RM024]\n" + broken) == []


def test_plain_yaml_is_not_read() -> None:
    assert lint("a: 1  # eksa-mirror: ignore[RM008]\n", Options()).findings == []


def test_analyze_alone_does_not_suppress() -> None:
    """The core's findings are unchanged: suppression is a layer over them."""
    text = spec(port="  # eksa-mirror: ignore[RM008]")
    assert [f.code for f in analyze(text).findings] == ["RM008", "RM019"]


# --- fixes ---------------------------------------------------------------------------------


def quoted(text: str) -> str:
    """``text`` after RM008's safe fix."""
    return text.replace("port: 443", 'port: "443"')


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (spec(skip="  # eksa-mirror: ignore[RM008]"), quoted(spec())),
        (
            spec(port="  # eksa-mirror: ignore[RM008, RM009] why"),
            spec(port="  # eksa-mirror: ignore[RM008] why"),
        ),
        (
            spec(port="  # eksa-mirror: ignore[RM009, RM008]"),
            spec(port="  # eksa-mirror: ignore[RM008]"),
        ),
        (spec(port="  # note  # eksa-mirror: ignore[RM009]"), quoted(spec(port="  # note"))),
        (spec(tail="# eksa-mirror: ignore-file[RM027]\n"), quoted(spec())),
        ("# eksa-mirror: ignore-file[RM027]\n" + spec(), quoted(spec())),
        (spec(tail="# eksa-mirror: ignore-file[RM027]"), quoted(spec())[:-1]),
        # The last line of a two-line file goes with the line break before it.
        (FLOW % "x" + "\n# eksa-mirror: ignore[RM002]", FLOW % "x"),
    ],
)
def test_fix_removes_what_is_unused(before: str, after: str) -> None:
    """``validate --fix`` applies RM031's safe fix, never the fix of a suppressed finding."""
    assert fix_text(before, Options())[0] == after


def test_fix_all_rules_quotes_the_port_and_drops_the_idle_comment() -> None:
    before = spec(skip="  # eksa-mirror: ignore[RM019, RM009]")
    fixed, applied = fix_text(before, Options())
    assert fixed == spec(skip="  # eksa-mirror: ignore[RM019]").replace("443", '"443"')
    assert applied == 2


def test_a_suppressed_finding_is_not_fixed() -> None:
    text = spec(port="  # eksa-mirror: ignore[RM008]")
    assert fix_text(text, Options()) == (text, 0)


def test_unknown_code_fix_is_unsafe() -> None:
    text = spec(port="  # eksa-mirror: ignore[RM998]")
    [rm031] = [f for f in lint(text, Options()).findings if f.code == "RM031"]
    assert rm031.fix is not None and rm031.fix.safe is False
    assert apply_edits(text, rm031.fix.edits) == spec()


# --- the "Ignore RMxxx on this line" edit -----------------------------------------------

CA = """\
    caCertContent: |
      -----BEGIN CERTIFICATE-----
      MIIB
      -----END CERTIFICATE-----
    endpoint: "a
      b"
"""


@pytest.mark.parametrize(
    ("text", "line", "code", "after"),
    [
        (spec(), 7, "RM008", spec(port="  # eksa-mirror: ignore[RM008]")),
        (
            spec(port="  # eksa-mirror: ignore[RM008] why"),
            8,
            "RM019",
            spec(port="  # eksa-mirror: ignore[RM008] why", skip="  # eksa-mirror: ignore[RM019]"),
        ),
        (
            spec(port="  # eksa-mirror: ignore[RM002] why"),
            7,
            "RM008",
            spec(port="  # eksa-mirror: ignore[RM002, RM008] why"),
        ),
        (
            spec(port="  # the port  # eksa-mirror: ignore[RM002]"),
            7,
            "RM008",
            spec(port="  # the port  # eksa-mirror: ignore[RM002, RM008]"),
        ),
        (
            spec(port="  # the port"),
            7,
            "RM008",
            spec(port="  # the port  # eksa-mirror: ignore[RM008]"),
        ),
        (spec(port="  # eksa-mirror: ignore[RM008]"), 7, "RM008", None),
        (
            MIRROR_HEAD + CA,
            6,
            "RM014",
            MIRROR_HEAD + CA.replace("|\n", "|  # eksa-mirror: ignore[RM014]\n", 1),
        ),
        (MIRROR_HEAD + CA, 7, "RM014", None),  # inside the block scalar
        (MIRROR_HEAD + CA, 9, "RM014", None),  # its last line
        (MIRROR_HEAD + CA, 10, "RM009", None),  # a quoted scalar that runs on
        (
            MIRROR_HEAD + CA,
            11,
            "RM009",
            MIRROR_HEAD + CA.replace('b"', 'b"  # eksa-mirror: ignore[RM009]'),
        ),
        (spec(), 99, "RM008", None),
        (MIRROR_HEAD + "    # a comment\n", 6, "RM008", None),
    ],
)
def test_ignore_edit(text: str, line: int, code: str, after: str | None) -> None:
    analysis = analyze(text)
    edit = ignore_edit(analysis, line, code)
    if after is None:
        assert edit is None
    else:
        assert edit is not None
        assert apply_edits(text, [edit]) == after


def test_ignore_edit_suppresses_and_keeps_the_bom() -> None:
    text = "\ufeff" + spec()
    analysis = analyze(text)
    edit = ignore_edit(analysis, 7, "RM008")
    assert edit is not None
    fixed = apply_edits(text, [edit])
    assert fixed == "\ufeff" + spec(port="  # eksa-mirror: ignore[RM008]")
    assert [f.code for f in lint(fixed, Options()).findings] == ["RM019"]


NOT_A_SUPPRESSION = (
    'not a suppression comment: write "# eksa-mirror: ignore[RMxxx]" (this line or, on a line '
    'of its own, the next) or "# eksa-mirror: ignore-file[RMxxx]"'
)


@pytest.mark.parametrize(
    ("comment", "end", "message"),
    [
        ("  # eksa-mirror: ignor[RM008]", 42, NOT_A_SUPPRESSION),
        ("  # eksa-mirror: ignor[RM008] see TICKET-X", 55, NOT_A_SUPPRESSION),
        (
            "  # eksa-mirror: ignore[]",
            38,
            "the suppression names no rule code: write ignore[RM008]",
        ),
        ("  # eksa-mirror: ignore-file[RM008]", 48, "ignore-file must be on a line of its own"),
    ],
    ids=["misspelt", "misspelt-ending-in-x", "no-code", "file-level-after-a-value"],
)
def test_a_malformed_suppression_is_named_and_not_fixed(
    comment: str, end: int, message: str
) -> None:
    """RM031 on the whole comment, with what to write instead; there is nothing to remove."""
    [rm031] = [f for f in lint(spec(port=comment), Options()).findings if f.code == "RM031"]
    assert (rm031.span.start.line, rm031.span.start.column, rm031.span.end.column) == (7, 15, end)
    assert rm031.message == message
    assert rm031.fix is None


@pytest.mark.parametrize(
    ("comment", "title", "removed"),
    [
        ("  # eksa-mirror: ignore[RM009]", "Remove the unused suppression", (13, 43)),
        ("  # eksa-mirror: ignore[RM008, RM009]", "Remove RM009 from the suppression", (42, 49)),
    ],
    ids=["whole-comment", "one-code"],
)
def test_unused_fix_titles_and_removals(comment: str, title: str, removed: tuple[int, int]) -> None:
    [rm031] = [f for f in lint(spec(port=comment), Options()).findings if f.code == "RM031"]
    assert rm031.fix is not None
    assert rm031.fix.title == title
    [edit] = rm031.fix.edits
    assert (edit.span.start.line, edit.span.start.column, edit.span.end.column) == (7, *removed)
    assert edit.new_text == ""


@pytest.mark.parametrize(
    ("directive", "message"),
    [
        ("# eksa-mirror: ignore-file[RM027]", "unused suppression: no RM027 finding in this file"),
        ("# eksa-mirror: ignor", NOT_A_SUPPRESSION),
    ],
    ids=["unused", "malformed"],
)
@pytest.mark.parametrize("bom", [False, True], ids=["plain", "bom"])
def test_rm031_on_the_first_line_counts_the_bom(directive: str, message: str, bom: bool) -> None:
    """A byte order mark is a character the editor shows: columns on line 1 move by one."""
    text = ("\ufeff" if bom else "") + directive + "\n" + spec()
    [rm031] = [f for f in lint(text, Options()).findings if f.code == "RM031"]
    assert rm031.message == message
    shift = int(bom)
    start, end = rm031.span.start, rm031.span.end
    assert (start.line, start.column, end.line, end.column) == (0, shift, 0, len(directive) + shift)
    if rm031.fix is not None:
        [edit] = rm031.fix.edits
        assert (edit.span.start.column, edit.span.end.line, edit.span.end.column) == (shift, 1, 0)


# --- the case of the marker ----------------------------------------------------------------


@pytest.mark.parametrize(
    "comment",
    [
        "  # EKSA-MIRROR: ignore[RM008]",
        "  # eksa-mirror: IGNORE[RM008]",
        "  # Eksa-Mirror: Ignore[rm008]",
        "  # EKSA-MIRROR: IGNORE[RM008]",
    ],
)
def test_the_directive_is_read_in_any_case(comment: str) -> None:
    """As flake8 and ruff read ``# NOQA``: the marker and its words in any case suppress."""
    assert codes(spec(port=comment)) == [("RM019", 9)]


@pytest.mark.parametrize(
    ("comment", "message"),
    [
        ("  # EKSA-MIRROR: ignore[RM009]", "unused suppression: no RM009 finding on this line"),
        ("  # EKSA-MIRROR: IGNOR[RM008]", NOT_A_SUPPRESSION),
    ],
)
def test_an_upper_case_directive_gets_rm031_like_any_other(comment: str, message: str) -> None:
    """Never silently nothing: an idle or malformed directive in capitals is RM031 too."""
    rm031 = [f for f in lint(spec(port=comment), Options()).findings if f.code == "RM031"]
    assert [(f.span.start.line, f.span.start.column, f.message) for f in rm031] == [
        (7, 15, message)
    ]


def test_an_upper_case_file_directive_covers_the_file() -> None:
    assert codes("# EKSA-MIRROR: IGNORE-FILE[RM008, RM019]\n" + spec()) == []


def test_the_ignore_quick_fix_merges_into_an_upper_case_directive() -> None:
    text = spec(skip="  # EKSA-MIRROR: IGNORE[RM019]")
    edit = ignore_edit(analyze(text, Options()), 8, "RM005")
    assert edit is not None
    assert apply_edits(text, [edit]) == spec(skip="  # EKSA-MIRROR: IGNORE[RM019, RM005]")
