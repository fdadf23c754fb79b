"""The ``eksaMirror`` settings as the server reads them: pure parsing, no server started."""

from __future__ import annotations

from eksa_mirror.lsp.settings import parse_settings


def test_null_is_unset_for_the_rule_lists_as_vs_code_sends_them() -> None:
    """VS Code sends ``"select": null`` (the setting's default): no message, every rule."""
    raw = {"select": None, "ignore": None, "severity": None, "debounceMs": 5}
    settings, errors = parse_settings({"eksaMirror": raw})
    assert errors == []
    assert (settings.options.select, settings.options.ignore) == (None, frozenset())
    _, errors = parse_settings({"checkEnvironment": None})
    assert errors == ["must be true or false @ eksaMirror.checkEnvironment"]
