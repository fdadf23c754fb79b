"""The rule registry: each family declares its rules, the catalogue collects them all."""

from __future__ import annotations

import pytest

from eksa_mirror.rules import registry
from eksa_mirror.rules.catalogue import MIRROR_CHECKS, RULES
from eksa_mirror.rules.checks.certificates import check_ca
from eksa_mirror.rules.checks.node_format import check_node_format
from eksa_mirror.rules.checks.placeholders import check_placeholders
from eksa_mirror.rules.checks.providers import check_providers
from eksa_mirror.rules.checks.structure import check_structure
from eksa_mirror.rules.checks.values import check_duplicate_keys, check_flags, check_namespaces
from eksa_mirror.rules.checks.versions import check_versions


def test_every_code_is_declared_once_in_code_order() -> None:
    assert list(RULES) == [f"RM{n:03d}" for n in range(1, len(RULES) + 1)]
    assert RULES["RM033"].since == "v0.24.0"
    assert RULES["RM005"].url.endswith("docs/rules.md#rm005")


def test_a_second_declaration_of_a_code_fails_at_import() -> None:
    with pytest.raises(ValueError, match="RM014 is declared twice"):
        registry.declare("RM014", "again", registry.E, "again", since="v0.6.0")
    assert RULES["RM014"].name == "ca-not-certificate"


def test_two_mirror_checks_cannot_share_an_order() -> None:
    with pytest.raises(ValueError, match="two mirror checks have order 10"):
        registry.mirror_check(order=10)(check_ca)


def test_mirror_checks_run_in_their_declared_order() -> None:
    assert (
        check_duplicate_keys,
        check_structure,
        check_namespaces,
        check_flags,
        check_ca,
        check_providers,
        check_node_format,
        check_versions,
        check_placeholders,
    ) == MIRROR_CHECKS
