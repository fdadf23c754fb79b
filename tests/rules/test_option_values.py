"""The checks of a rule-code list, a severity table and a release that ``.eksa-mirror.toml``,
the editor settings and the command line share (each words the problem its own way)."""

from __future__ import annotations

import pytest

from eksa_mirror.core.eksa.releases import BadRelease
from eksa_mirror.core.findings import Severity
from eksa_mirror.rules.option_values import (
    BadLevel,
    UnknownCode,
    WrongShape,
    release,
    rule_codes,
    severities,
)


def test_rule_codes_are_read_in_upper_case_without_blanks() -> None:
    assert rule_codes(["rm008", " RM019 "]) == frozenset({"RM008", "RM019"})
    assert rule_codes([]) == frozenset()


def test_every_unknown_code_is_named_in_order() -> None:
    with pytest.raises(UnknownCode) as caught:
        rule_codes(["RM999", "RM001", "rm998"])
    assert str(caught.value) == "unknown rule code RM998, RM999"


@pytest.mark.parametrize("value", ["RM008", [8], {"RM008": True}, None])
def test_a_code_list_of_another_shape_is_wrong_shape(value: object) -> None:
    with pytest.raises(WrongShape):
        rule_codes(value)


def test_severities_by_code_in_any_case() -> None:
    assert severities({"rm008": "Error", "RM019": "hint"}) == {
        "RM008": Severity.ERROR,
        "RM019": Severity.HINT,
    }


def test_the_first_wrong_severity_entry_is_named_with_its_key() -> None:
    with pytest.raises(UnknownCode) as unknown:
        severities({"RM008": "error", "rm999": "error"})
    assert (str(unknown.value), unknown.value.key) == ("unknown rule code rm999", "rm999")
    with pytest.raises(BadLevel) as level:
        severities({"RM008": "loud"})
    assert (str(level.value), level.value.key) == (
        "'loud' is not one of error, warning, information, hint",
        "RM008",
    )
    with pytest.raises(WrongShape):
        severities(["RM008"])


def test_a_release_is_empty_or_names_one() -> None:
    assert release("") == ""
    assert release("v0.20.x") == "v0.20.x"
    with pytest.raises(BadRelease, match=r"^'latest' is not a release like \"v0\.20\.0\"$"):
        release("latest")
    with pytest.raises(WrongShape):
        release(20)
