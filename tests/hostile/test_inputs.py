"""Hostile inputs: each gives exactly the finding (or message) named here, in bounded time
and memory, and nothing escapes ``analyze`` or the command line.

The limits come from ``docs/security.md``: ``NODE_BUDGET`` nodes after alias expansion,
``MAX_DEPTH`` nesting levels in the mirror section, ``MAX_TEXT_CHARS`` characters and
``MAX_LINES`` lines per text, ``MAX_FILE_BYTES`` per file for the command line.
"""

from __future__ import annotations

import os
import sys
import time
import tracemalloc
import types
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from eksa_mirror.cli.files import MAX_FILE_BYTES
from eksa_mirror.cli.main import main
from eksa_mirror.core import source
from eksa_mirror.core.findings import Severity
from eksa_mirror.core.model import MAX_DEPTH, NODE_BUDGET, load_mirror_config
from eksa_mirror.editor.completion import complete
from eksa_mirror.editor.hover import hover
from eksa_mirror.rules.analysis import MAX_LINES, MAX_TEXT_CHARS, Analysis, Options, analyze
from support import CLUSTER_HEAD

MIRROR = CLUSTER_HEAD + "  registryMirrorConfiguration:\n"
#: line 6 is the first key of the mirror section.
ENDPOINT = MIRROR + "    endpoint: r.example.com\n"

Found = tuple[str, tuple[int, int, int, int], str]


def found(text: str, options: Options | None = None) -> list[Found]:
    """(code, (line, column, end line, end column), message) of every finding, 0-based."""
    return [
        (f.code, (f.span.start.line, f.span.start.column, f.span.end.line, f.span.end.column),
         f.message)
        for f in analyze(text, options).findings
    ]  # fmt: skip


@pytest.fixture(autouse=True)
def _cold_cache() -> Iterator[None]:
    source.PARSE_CACHE.clear()
    yield
    source.PARSE_CACHE.clear()


def bounded(text: str, *, seconds: float = 30.0, megabytes: float | None = 64) -> Analysis:
    """Analyse ``text`` and fail if it blows up: the CPU-time bound is an order of magnitude
    above a normal run, so it catches an exponential expansion (an alias bomb never ends), not
    a slow machine; speed itself is measured by the benchmarks. Memory is measured in a second
    run under tracemalloc, which slows pure-Python code many times over."""
    began = time.process_time()
    result = analyze(text)
    elapsed = time.process_time() - began
    assert elapsed < seconds, f"analysis took {elapsed:.2f} s of CPU time"
    if megabytes is None:
        return result
    source.PARSE_CACHE.clear()
    tracemalloc.start()
    try:
        analyze(text)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < megabytes * 2**20, f"analysis allocated {peak / 2**20:.0f} MiB at its peak"
    return result


# --- alias bombs and recursive aliases -----------------------------------------------------


def laughs(indent: str, levels: int = 9) -> str:
    """Billion laughs: ``a{levels - 1}`` expands to 10**levels scalars."""
    lines = [f"{indent}a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"{indent}a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


BOMB = (
    'the value of "a4" expands through YAML aliases into more than 100,000 nodes (an alias '
    "bomb?): sigs.k8s.io/yaml rejects excessive aliasing"
)
NOT_FURTHER = "; the mirror section is not analysed further"


def test_budget_is_the_documented_one() -> None:
    assert NODE_BUDGET == 100_000
    assert MAX_DEPTH == 100


def test_alias_bomb_in_the_mirror_section() -> None:
    text = ENDPOINT + "    ociNamespaces:\n" + laughs("      ")
    result = bounded(text)
    # a4 is the first anchor past the budget: 111,111 nodes (a3 has 11,111).
    assert found(text) == [("RM024", (12, 6, 12, 8), BOMB + NOT_FURTHER)]
    assert result.findings[0].pointer == "/spec/registryMirrorConfiguration/ociNamespaces/a4"


def test_alias_bomb_elsewhere_in_the_cluster_document() -> None:
    """Reported, and the mirror section (which is fine) is still checked."""
    text = MIRROR + '    endpoint: ""\n  clusterNetwork:\n' + laughs("    ")
    bounded(text)
    assert found(text) == [
        ("RM001", (6, 14, 6, 16), "no value set for RegistryMirrorConfiguration.Endpoint"),
        ("RM024", (12, 4, 12, 6), BOMB),
    ]


def test_alias_bomb_in_another_document_is_not_ours() -> None:
    """Only Cluster documents are measured; a ConfigMap's aliases are never expanded."""
    text = ENDPOINT + "---\napiVersion: v1\nkind: ConfigMap\ndata:\n" + laughs("  ")
    assert bounded(text).findings == []


def test_alias_bomb_reached_through_a_list_item() -> None:
    """The bomb is defined outside the mirror and used as a list item inside it: the finding
    is at the smallest node past the budget, where it is defined, with the path to it."""
    text = (
        CLUSTER_HEAD + "  clusterNetwork:\n" + laughs("    ")
        + "  registryMirrorConfiguration:\n    endpoint: r.example.com\n    ociNamespaces: [*a8]\n"
    )  # fmt: skip
    result = bounded(text)
    assert found(text) == [
        (
            "RM024",
            (10, 8, 10, 9),
            "this node expands through YAML aliases into more than 100,000 nodes (an alias "
            "bomb?): sigs.k8s.io/yaml rejects excessive aliasing" + NOT_FURTHER,
        )
    ]
    assert result.findings[0].pointer == "/spec/registryMirrorConfiguration/ociNamespaces/0/0/0/0/0"


def test_the_budget_is_hit_not_approached() -> None:
    """Just under the budget the section is analysed (and its aliases are used)."""
    text = ENDPOINT + "    ociNamespaces:\n" + laughs("      ", levels=4)  # 11,111 nodes
    assert [code for code, _, _ in found(text)] == ["RM007"]  # a mapping, not a list


def test_recursive_alias() -> None:
    text = ENDPOINT + "    ociNamespaces: &loop\n      - registry: public.ecr.aws\n      - *loop\n"
    result = bounded(text)
    assert result.findings[0].pointer == "/spec/registryMirrorConfiguration/ociNamespaces"
    assert found(text) == [
        (
            "RM024",
            (7, 4, 7, 17),
            'the value of "ociNamespaces" contains an alias to itself (a recursive anchor): '
            "sigs.k8s.io/yaml, which EKS-A and kubectl use, cannot decode it" + NOT_FURTHER,
        )
    ]


def test_recursive_mirror_section() -> None:
    """A block mapping whose last value is itself: spans and checks stop (no endless loop)."""
    text = (
        CLUSTER_HEAD
        + "  registryMirrorConfiguration: &m\n    endpoint: r.example.com\n    self: *m\n"
    )
    bounded(text)
    assert found(text) == [
        (
            "RM024",
            (5, 2, 5, 29),
            'the value of "registryMirrorConfiguration" contains an alias to itself (a '
            "recursive anchor): sigs.k8s.io/yaml, which EKS-A and kubectl use, cannot decode "
            "it" + NOT_FURTHER,
        )
    ]


# --- nesting -------------------------------------------------------------------------------

LIBYAML_FLOW = (
    "the YAML cannot be parsed: while increasing flow level exceeded maximum nesting depth"
)
LIBYAML_BLOCK = (
    "the YAML cannot be parsed: while increasing block level exceeded maximum nesting depth"
)


def test_nesting_10000_flow_levels() -> None:
    """libyaml (0.2.5 and later) stops at 1,000 levels, at the bracket that goes too deep."""
    text = ENDPOINT + "    ociNamespaces: " + "[" * 10_000 + "]" * 10_000 + "\n"
    bounded(text)
    assert found(text) == [("RM024", (7, 1016, 7, 1017), LIBYAML_FLOW)]


def test_nesting_10000_block_levels() -> None:
    text = ENDPOINT + "    ociNamespaces:\n      " + "- " * 10_000 + "x\n"
    bounded(text)
    assert found(text) == [("RM024", (8, 1998, 8, 1999), LIBYAML_BLOCK)]


def test_nesting_deep_outside_the_mirror_section() -> None:
    text = ENDPOINT + "  clusterNetwork: " + "{a: " * 10_000 + "b" + "}" * 10_000 + "\n"
    bounded(text)
    assert found(text) == [("RM024", (7, 4010, 7, 4011), LIBYAML_FLOW)]


def test_nesting_that_libyaml_accepts_but_the_checks_refuse() -> None:
    """500 levels parse; the checks walk recursively, so the section is not analysed."""
    text = ENDPOINT + "    ociNamespaces: " + "[" * 500 + "]" * 500 + "\n"
    bounded(text)
    assert found(text) == [
        (
            "RM024",
            (7, 118, 7, 119),
            "the mirror section nests more than 100 levels deep here; it is not analysed further",
        )
    ]


def test_nesting_at_the_limit_is_analysed() -> None:
    """The mirror mapping and 99 brackets are 100 levels: still analysed (one more is not)."""
    text = ENDPOINT + "    ociNamespaces: " + "[" * 99 + "]" * 99 + "\n"
    assert found(text) == [
        (
            "RM007",
            (7, 20, 7, 216),
            "json: cannot unmarshal array into Go struct field RegistryMirrorConfiguration.spec."
            "registryMirrorConfiguration.ociNamespaces of type v1alpha1.OCINamespace",
        )
    ]


def test_a_syntax_error_beside_deep_nesting_with_the_pure_python_parser(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Recovery re-parses the text: a parse that recurses too deep is one more failed try
    (no traceback), and the syntax error above is reported at its cause, the bracket."""
    monkeypatch.setattr(source, "_Loader", yaml.SafeLoader)
    text = ENDPOINT.replace("kind: Cluster\n", "kind: Cluster\nfoo: [unclosed\n", 1)
    text += "    ociNamespaces: " + "[" * 3000 + "]" * 3000 + "\n"
    assert found(text) == [
        (
            "RM024",
            (2, 5, 2, 6),
            "the YAML cannot be parsed: the [ opened here is not closed on its line, so YAML "
            "fails at line 4 (while parsing a flow sequence expected ',' or ']', but got ':'): "
            "close it with ]",
        )
    ]


def test_nesting_with_the_pure_python_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without libyaml the composer recurses: the RecursionError becomes a positioned finding."""
    monkeypatch.setattr(source, "_Loader", yaml.SafeLoader)
    text = ENDPOINT + "    ociNamespaces: " + "[" * 10_000 + "]" * 10_000 + "\n"
    bounded(text, seconds=60, megabytes=None)  # the scanner is slow under tracemalloc
    assert found(text) == [
        (
            "RM024",
            (7, 116, 7, 117),
            "the YAML cannot be parsed: the document is nested more than 100 levels deep",
        )
    ]


# --- size ----------------------------------------------------------------------------------

TOO_LARGE = (
    "the file is too large to analyse ({chars:,} characters, {lines:,} lines; the limits are "
    "5,000,000 characters and 200,000 lines): split it or check it with a smaller excerpt"
)


def test_limits_are_the_documented_ones() -> None:
    assert (MAX_TEXT_CHARS, MAX_LINES, MAX_FILE_BYTES) == (5_000_000, 200_000, 10 * 2**20)


def test_text_over_the_character_limit() -> None:
    text = ENDPOINT + "# " + "x" * MAX_TEXT_CHARS + "\n"
    began = time.process_time()
    assert found(text) == [
        ("RM024", (0, 0, 0, 47), TOO_LARGE.format(chars=len(text), lines=9)),
    ]
    assert time.process_time() - began < 10, "the text was parsed before its size was checked"


def test_text_over_the_line_limit() -> None:
    text = ENDPOINT + "\n" * MAX_LINES
    assert found(text) == [
        ("RM024", (0, 0, 0, 47), TOO_LARGE.format(chars=len(text), lines=MAX_LINES + 8)),
    ]


def test_text_just_under_the_limits_is_analysed() -> None:
    text = ENDPOINT + "    port: 443\n" + "\n" * (MAX_LINES - 10)
    assert [code for code, _, _ in found(text)] == ["RM008"]


def test_too_large_follows_selection_and_severity() -> None:
    """The size finding is RM024 like any other: ``--ignore`` drops it, ``[severity]`` sets it."""
    text = ENDPOINT + "\n" * MAX_LINES
    assert found(text, Options(ignore=frozenset({"RM024"}))) == []
    [default] = analyze(text).findings
    [raised] = analyze(text, Options(severity={"RM024": Severity.INFORMATION})).findings
    assert (default.severity, raised.severity) == (Severity.ERROR, Severity.INFORMATION)


def test_large_text_that_is_not_eksa_is_left_alone() -> None:
    assert found("key: value\n" * 600_000) == []


def test_large_text_with_a_bom() -> None:
    """The finding's columns count the byte-order mark, as the editor does."""
    text = "\ufeff" + ENDPOINT + "\n" * MAX_LINES
    assert found(text)[0][1] == (0, 1, 0, 48)


def test_cli_refuses_a_file_over_the_byte_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: no 10 MiB written
    assert main(["validate", str(big)]) == 2
    captured = capsys.readouterr()
    assert captured.err == f"eksa-mirror: {big}: file is larger than 10 MiB\n"
    assert "Traceback" not in captured.out


# --- bytes that are not YAML text ----------------------------------------------------------


def unacceptable(char: str) -> str:
    return (
        f"the YAML cannot be parsed: unacceptable character #x{ord(char):04x}: "
        "control characters are not allowed"
    )


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\ufffe"])
def test_binary_bytes_are_reported_where_they_are(char: str) -> None:
    text = MIRROR + f"    endpoint: é😀{char}x\n"
    assert found(text) == [("RM024", (6, 16, 6, 17), unacceptable(char))]


def test_nul_in_a_later_document() -> None:
    text = ENDPOINT + (
        "---\napiVersion: anywhere.eks.amazonaws.com/v1alpha1\nkind: VSphereMachineConfig\n"
        "metadata:\n  name: cp\nspec:\n  osFamily: ub\x00untu\n"
    )
    assert found(text) == [("RM024", (13, 14, 13, 15), unacceptable("\x00"))]


def test_lone_surrogate_from_the_editor() -> None:
    """JSON can carry an unpaired surrogate (a file cannot: it is decoded as UTF-8)."""
    text = MIRROR + "    endpoint: r\udcffx\n"
    assert found(text) == [
        (
            "RM024",
            (6, 15, 6, 16),
            "the YAML cannot be parsed: unacceptable character #xdcff: a lone surrogate",
        )
    ]


def test_not_utf8_names_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(ENDPOINT.encode() + "    # café\n".encode("latin-1"))
    assert main(["validate", str(path)]) == 2
    captured = capsys.readouterr()
    offset = len(ENDPOINT.encode()) + 9
    assert captured.err == f"eksa-mirror: {path}: not UTF-8 (invalid byte at offset {offset})\n"
    assert "Traceback" not in captured.out + captured.err


def test_bom(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Same findings as without it; columns on line 0 count it; --fix keeps it."""
    plain = ENDPOINT + "    Port: '443'\n"
    assert found("\ufeff" + plain) == found(plain)
    assert found("\ufeff" + plain)[0][0] == "RM006"
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + plain.encode())
    main(["validate", "--fix", str(path)])
    assert path.read_bytes() == b"\xef\xbb\xbf" + plain.replace("Port", "port").encode()
    capsys.readouterr()


def test_bom_with_a_syntax_error_on_line_0() -> None:
    assert found("\ufeffapiVersion: anywhere.eks.amazonaws.com/v1alpha1\x00\n") == [
        ("RM024", (0, 48, 0, 49), unacceptable("\x00"))
    ]


# --- tabs, tags, numbers and keys ----------------------------------------------------------


def test_tab_used_for_indentation() -> None:
    text = MIRROR + "\tendpoint: r.example.com\n"
    assert found(text) == [
        (
            "RM024",
            (6, 0, 6, 1),
            "the YAML cannot be parsed: a tab in the indentation: YAML allows only spaces "
            "there; replace the tab with spaces",
        )
    ]


def test_tabs_as_separators_are_fine() -> None:
    assert found(ENDPOINT + '    port:\t"443"\t# tab\n') == []


@pytest.fixture
def trap(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A module whose functions record being called, and a guarded os.system."""
    calls: list[str] = []
    module = types.ModuleType("eksa_hostile_trap")
    module.boom = lambda *args: calls.append(f"boom{args}")  # type: ignore[attr-defined]
    module.Boom = type("Boom", (), {"__init__": lambda self, *a: calls.append("Boom()")})  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "eksa_hostile_trap", module)
    monkeypatch.setattr(os, "system", lambda command: calls.append(f"os.system({command})"))
    return calls


PYTHON_TAGS = (
    "    endpoint: !!python/object/apply:os.system ['touch pwned']\n"
    "    port: !!python/object/apply:eksa_hostile_trap.boom ['443']\n"
    "    caCertContent: !!python/object/new:eksa_hostile_trap.Boom []\n"
    "    authenticate: !!python/name:eksa_hostile_trap.boom\n"
    "    insecureSkipVerify: !!python/object:eksa_hostile_trap.Boom {a: 1}\n"
    "    ociNamespaces: !custom [x]\n"
)


def test_python_tags_are_never_constructed(trap: list[str], tmp_path: Path) -> None:
    text = MIRROR + PYTHON_TAGS
    result = analyze(text, Options(check_env=True, env={}))
    hover(result.source, result.clusters, 7, 10)
    complete(text.split("\n"), 7, 10)
    load_mirror_config(text)
    assert trap == []
    assert not (tmp_path / "pwned").exists() and not Path("pwned").exists()
    # Each value is judged by its YAML kind, as sigs.k8s.io/yaml would decode it.
    assert [(code, span[0]) for code, span, _ in found(text)] == [
        # No RM010 on line 11: the entry "x" names no registry (RM007), it may be public.ecr.aws.
        ("RM007", 6), ("RM007", 7), ("RM007", 8), ("RM007", 9), ("RM007", 10), ("RM007", 11),
    ]  # fmt: skip
    assert found(text)[0][2] == (
        "json: cannot unmarshal array into Go struct field RegistryMirrorConfiguration."
        "spec.registryMirrorConfiguration.endpoint of type string"
    )


def test_huge_integer_port() -> None:
    assert found(ENDPOINT + "    port: 999999999999999999999\n") == [
        (
            "RM002",
            (7, 10, 7, 31),
            "registry mirror port 999999999999999999999 is invalid, please provide a valid port",
        ),
        (
            "RM008",
            (7, 10, 7, 31),
            "port is written as the YAML integer 999999999999999999999: the CRD type is string, "
            "so kubectl and GitOps reject it (only the eksctl CLI converts it); quote it: "
            '"999999999999999999999"',
        ),
    ]


def test_non_string_keys_in_the_mirror_section() -> None:
    text = ENDPOINT + "    1: x\n    ? [a]\n    : b\n    ? {k: v}\n    : c\n"
    assert found(text) == [
        ("RM006", (7, 4, 7, 5), 'json: unknown field "1"'),
        (
            "RM024",
            (8, 6, 8, 7),
            "a list cannot be a mapping key: sigs.k8s.io/yaml, which EKS-A uses, fails with "
            '"invalid map key"',
        ),
        (
            "RM024",
            (10, 6, 10, 7),
            "a mapping cannot be a mapping key: sigs.k8s.io/yaml, which EKS-A uses, fails with "
            '"invalid map key"',
        ),
    ]


# --- nothing, or the same thing twice ------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["", "\n", "   \n\t\n", "# only\n# comments\n", "---\n", "---\n---\n---\n", "...\n",
             "--- # c\n...\n---\n", "\ufeff", "\r\n\r\n"],
)  # fmt: skip
def test_nothing_to_check(text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = analyze(text)
    assert result.findings == [] and not result.has_cluster
    path = tmp_path / "empty.yaml"
    path.write_text(text, encoding="utf-8", newline="")
    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{path}: no EKS Anywhere Cluster document, nothing to check"
    assert out[1].startswith("1 file checked")
    assert out[1].endswith(": 0 errors, 0 warnings, 0 other")


def test_the_same_cluster_twice_is_checked_twice() -> None:
    """eksctl anywhere uses the first Cluster document only (RM030 on the second one's
    mirror); kubectl applies both. Both are checked, so the one being edited always gets its
    diagnostics."""
    doc = ENDPOINT + "    port: 443\n"
    result = analyze(doc + "---\n" + doc)
    assert [(f.code, f.span.start.line, f.document) for f in result.findings] == [
        ("RM008", 7, 0),
        ("RM030", 14, 1),
        ("RM008", 16, 1),
    ]
