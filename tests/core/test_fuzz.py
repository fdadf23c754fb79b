"""Property-based fuzzing of the analysis core: whatever the text, ``analyze`` answers.

Inputs are arbitrary text (free, and built from YAML-significant pieces under a Cluster
header) and random mutations (insert, delete, duplicate, indent, retype) of the real EKS-A
corpus (``../shared/corpus/eksa-testdata``) and of ``examples/``. For every input:

- no exception escapes ``analyze`` (nor hover or completion at a random spot);
- every finding's span and every fix edit lies inside the text, as LSP counts lines (split
  on ``\\n``; a column is at most the length of its line, without a trailing ``\\r``);
- each span converted to UTF-16 with ``lsp.convert.Lines`` converts back to itself;
- applying any fix (``fixes.apply_edits``) gives a text that ``analyze`` also accepts;
- the same text analysed twice, with a warm and a cold parse cache, gives the same findings.

How many examples: a hypothesis profile chosen by the environment variable
``HYPOTHESIS_PROFILE``: ``ci`` (the default, about 2,500 examples in under a minute) or
``long`` (50 times more, for a nightly run or after touching the core)::

    HYPOTHESIS_PROFILE=long pytest tests/core/test_fuzz.py
"""

from __future__ import annotations

import os
import re
from datetime import datetime, timezone
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eksa_mirror.core.findings import Finding, TextEdit
from eksa_mirror.core.fixes import apply_edits, safe_edits
from eksa_mirror.core.positions import Position, Span
from eksa_mirror.core.source import PARSE_CACHE, normalize
from eksa_mirror.editor.completion import complete
from eksa_mirror.editor.hover import hover
from eksa_mirror.lsp.convert import Lines
from eksa_mirror.rules.analysis import Analysis, Options, analyze
from support import REPO

CORPUS = (REPO / ".." / "shared" / "corpus" / "eksa-testdata").resolve()
SPECS = REPO / "tests" / "data" / "specs"
EXAMPLES = REPO / "examples"

_COMMON: dict[str, Any] = {
    "deadline": None,
    "database": None,
    "print_blob": True,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}
settings.register_profile("ci", max_examples=500, **_COMMON)
settings.register_profile("long", max_examples=25_000, **_COMMON)
PROFILE_NAME = os.environ.get("HYPOTHESIS_PROFILE", "ci")
if PROFILE_NAME not in ("ci", "long"):
    raise RuntimeError(f"HYPOTHESIS_PROFILE={PROFILE_NAME!r}: use 'ci' (default) or 'long'")
#: Examples per test are ``weight x SCALE`` (ci) or 50 times that (long).
SCALE = 1 if PROFILE_NAME == "ci" else 50


def budget(examples: int) -> settings:
    return settings(settings.get_profile(PROFILE_NAME), max_examples=examples * SCALE)


#: Certificates are judged at a fixed time, and the environment is fixed: deterministic.
OPTIONS = Options(
    now=datetime(2026, 8, 18, tzinfo=timezone.utc),
    check_env=True,
    env={"REGISTRY_USERNAME": "u"},
)


def _seeds() -> list[str]:
    """The project's specs and examples, and the real corpus where it lies beside the repo."""
    real = sorted(CORPUS.glob("*.yaml")) if CORPUS.is_dir() else []
    files = sorted(SPECS.glob("*.yaml")) + sorted(EXAMPLES.glob("*.yaml")) + real
    assert len(files) >= 10, files
    return [p.read_text(encoding="utf-8") for p in files]


SEEDS = _seeds()

# --- the properties ------------------------------------------------------------------------


_BREAK = re.compile(r"\r\n|\r|\n")


def _lsp_lines(text: str) -> list[str]:
    """Lines as LSP counts them: CR LF, CR and LF end a line (the core turns a lone CR into
    LF, and NEL, LS and PS into spaces, so it counts the same way)."""
    return _BREAK.split(text)


def _offset(text: str, pos: Position) -> int:
    starts = [0, *(m.end() for m in _BREAK.finditer(text))]
    return starts[pos.line] + pos.column


def _apply_independently(text: str, edits: tuple[TextEdit, ...]) -> str:
    """The edits applied with this test's own offsets (edits of one fix never overlap)."""
    for edit in sorted(edits, key=lambda e: (e.span.start, e.span.end), reverse=True):
        start, end = _offset(text, edit.span.start), _offset(text, edit.span.end)
        text = text[:start] + edit.new_text + text[end:]
    return text


def _inside(span: Span, lines: list[str], what: str) -> None:
    assert span.start <= span.end, f"{what}: reversed span {span}"
    for pos in (span.start, span.end):
        assert 0 <= pos.line < len(lines), f"{what}: line {pos.line} of {len(lines)}"
        assert 0 <= pos.column <= len(lines[pos.line]), (
            f"{what}: column {pos.column} past the end of line {pos.line} "
            f"({len(lines[pos.line])} characters)"
        )


def _round_trip(span: Span, lines: Lines, what: str) -> None:
    for pos in (span.start, span.end):
        back = lines.to_core(lines.to_lsp(pos))
        assert back == pos, f"{what}: {pos} -> UTF-16 {lines.to_lsp(pos)} -> {back}"


def _summary(analysis: Analysis) -> list[tuple[Any, ...]]:
    return [(f.code, f.severity, f.message, f.span, f.pointer, f.document, f.fix)
            for f in analysis.findings]  # fmt: skip


def check_text(text: str, probe: tuple[int, int] = (0, 0)) -> Analysis:
    """Every property above, for one text; returns its analysis."""
    first = analyze(text, OPTIONS)
    PARSE_CACHE.clear()
    second = analyze(text, OPTIONS)
    assert _summary(first) == _summary(second), "analysis is not deterministic"

    lines = _lsp_lines(text)
    utf16 = Lines(normalize(text))  # as the server builds it
    findings: list[Finding] = first.findings
    for finding in findings:
        what = f"{finding.code} {finding.message[:60]!r}"
        _inside(finding.span, lines, what)
        _round_trip(finding.span, utf16, what)
        if finding.fix is None:
            continue
        for edit in finding.fix.edits:
            _inside(edit.span, lines, f"fix of {what}")
            _round_trip(edit.span, utf16, f"fix of {what}")
    fixes = {f.fix.edits for f in findings if f.fix is not None}
    for edits in fixes:
        fixed = apply_edits(text, edits)
        assert fixed == _apply_independently(text, edits), f"fix misapplied: {edits}"
        analyze(fixed, OPTIONS)
    together = safe_edits(findings)
    if together:
        analyze(apply_edits(text, together), OPTIONS)

    # The editor features on the same analysis, at a spot derived from the input.
    line = probe[0] % len(lines)
    column = probe[1] % (len(lines[line]) + 1)
    hover(first.source, first.clusters, line, column)
    complete(utf16.lines, line, column)
    return first


# --- arbitrary text ------------------------------------------------------------------------

HEADER = (
    "apiVersion: anywhere.eks.amazonaws.com/v1alpha1\nkind: Cluster\n"
    "metadata:\n  name: c\nspec:\n  datacenterRef:\n    kind: VSphereDatacenterConfig\n"
    "    name: c\n  registryMirrorConfiguration:\n"
)

PIECES = [
    "endpoint: ", "port: ", "ociNamespaces:", "registry: ", "namespace: ", "caCertContent: ",
    "authenticate: ", "insecureSkipVerify: ", "password: ", "CACertContent: ", "Endpoint: ",
    "registryMirrorConfiguration:", "kind: Cluster",
    "apiVersion: anywhere.eks.amazonaws.com/v1alpha1",
    "public.ecr.aws", "783794618700.dkr.ecr.us-west-2.amazonaws.com", "https://", "r.example.com",
    ":5000", "/path", "curated-packages", "eks-anywhere", "..", "true", "false", '"true"', "yes",
    "443", "0443", "0x1bb", "999999999999999999999", "1e999", "-1", "~", "null", "", "x",
    "- ", "? ", ": ", ":", ",", "[", "]", "{", "}", "&a ", "*a", "&b ", "*b", "!!str ", "!!int ",
    "!!python/object/apply:os.system ", "!custom ", "|", "|-", ">", "'", '"', "\\", "#", " #",
    "---", "...", "%YAML 1.1", "\n", "\n", "\n", "\r\n", "\r", "\t", " ", "  ", "    ", "      ",
    "\x00", "\x07", "\x0c", "\x1c", "\x85", "\u2028", "\u2029", "\ufeff", "\ud83d", "\udc00",
    "é", "日本", "😀", "\U0001f600x",
    "-----BEGIN CERTIFICATE-----", "-----END CERTIFICATE-----", "MIIB",
    "-----BEGIN PRIVATE KEY-----",
]  # fmt: skip

pieces = st.lists(st.sampled_from(PIECES), max_size=60).map("".join)
probe = st.tuples(st.integers(0, 10_000), st.integers(0, 500))


@budget(1500)
@given(text=st.text(max_size=400), at=probe)
def test_any_text(text: str, at: tuple[int, int]) -> None:
    check_text(text, at)


@budget(1500)
@given(body=pieces, at=probe)
def test_yaml_pieces(body: str, at: tuple[int, int]) -> None:
    check_text(body, at)


@budget(2500)
@given(body=pieces, at=probe)
def test_mirror_section_pieces(body: str, at: tuple[int, int]) -> None:
    """Random pieces as the body of a Cluster's mirror section: the rules run on them."""
    check_text(HEADER + body, at)


# --- mutations of real files ---------------------------------------------------------------

VALUES = [
    "true", '"true"', "false", "1", "443", '"443"', "0443", "0x1bb", "999999999999999999999",
    "1e999", "-1", "~", "null", "''", '""', "[]", "{}", "[a, b]", "{a: b}", "*a", "&a x",
    "!!binary AAAA", "!!python/name:os.system", "!!str", "|", ">-", "'unterminated", '"open',
    "https://r.example.com:5000/x", "public.ecr.aws", "日本", "😀", "\t", "x: y", "- x", "#",
]  # fmt: skip


def _line_bounds(text: str, line: int) -> tuple[int, int]:
    starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
    line %= len(starts)
    start = starts[line]
    end = text.find("\n", start)
    return start, len(text) if end < 0 else end


@st.composite
def mutation(draw: st.DrawFn, text: str) -> str:
    op = draw(st.sampled_from(["insert", "delete", "duplicate", "indent", "retype"]))
    line = draw(st.integers(0, 10_000))
    start, end = _line_bounds(text, line)
    if op == "insert":
        at = start + draw(st.integers(0, end - start))
        piece = draw(st.one_of(st.sampled_from(PIECES), st.text(max_size=8)))
        return text[:at] + piece + text[at:]
    if op == "delete":
        at = start + draw(st.integers(0, end - start))
        length = draw(st.one_of(st.integers(1, 3), st.integers(1, 400)))
        return text[:at] + text[at + length :]
    if op == "duplicate":
        count = draw(st.integers(1, 12))
        stop = end
        for _ in range(count - 1):
            nxt = text.find("\n", stop + 1)
            stop = len(text) if nxt < 0 else nxt
        block = text[start:stop]
        return text[:stop] + "\n" + block + text[stop:]
    if op == "indent":
        delta = draw(st.sampled_from([-4, -2, -1, 1, 2, 4]))
        line_text = text[start:end]
        if delta > 0:
            return text[:start] + " " * delta + line_text + text[end:]
        stripped = line_text[:-delta].lstrip(" ") + line_text[-delta:]
        return text[:start] + stripped + text[end:]
    # retype: replace what follows the first ": " (or "- ") on the line with another value
    line_text = text[start:end]
    cut = line_text.find(": ")
    if cut >= 0:
        cut += 2
    else:
        cut = line_text.find("- ") + 2 if "- " in line_text else len(line_text)
    value = draw(st.sampled_from(VALUES))
    return text[: start + cut] + value + text[end:]


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 6))):
        text = draw(mutation(text))
    return text


@budget(3000)
@given(text=mutated(), at=probe)
def test_mutated_real_files(text: str, at: tuple[int, int]) -> None:
    check_text(text, at)


def test_seeds_pass_unchanged() -> None:
    """The unmutated corpus and examples satisfy the properties (and are not all clean)."""
    codes: set[str] = set()
    for seed in SEEDS:
        codes.update(f.code for f in check_text(seed).findings)
        for variant in (seed.replace("\n", "\r\n"), seed.replace("\n", "\r"), "\ufeff" + seed):
            assert [f.code for f in check_text(variant).findings] == [
                f.code for f in analyze(seed, OPTIONS).findings
            ]
    assert {"RM003", "RM008", "RM010", "RM016", "RM019"} <= codes
