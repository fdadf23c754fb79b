"""The rule registry: each family declares its rules, the catalogue collects them all."""

from __future__ import annotations

import pytest

from eksa_mirror.rules import registry
from eksa_mirror.rules.catalogue import RULES


def test_every_code_is_declared_once_in_code_order() -> None:
    assert list(RULES) == [f"RM{n:03d}" for n in range(1, len(RULES) + 1)]
    assert RULES["RM033"].since == "v0.24.0"
    assert RULES["RM005"].url.endswith("docs/rules.md#rm005")


def test_a_second_declaration_of_a_code_fails_at_import() -> None:
    with pytest.raises(ValueError, match="RM014 is declared twice"):
        registry.declare("RM014", "again", registry.E, "again", since="v0.6.0")
    assert RULES["RM014"].name == "ca-not-certificate"
