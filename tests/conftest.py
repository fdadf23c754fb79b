"""Suite-wide rules: where the CI runs everything, no end-to-end test may be skipped.

The CI (``CI=true`` on Linux as root, as ``.ci/run`` and the Linux job of
``.github/workflows/ci.yml`` run it) installs every program the end-to-end tests drive, so
a skipped ``e2e`` test there means a broken install step: the run fails and lists them.
``EKSA_MIRROR_REQUIRE_E2E=1`` (or ``0``) forces the rule on (or off) anywhere. Tests skipped
for other reasons (the EKS-A corpus beside the repository is absent) are not ``e2e`` tests.

The raw LSP client of the tests where pytest-lsp cannot be used is the benchmarks' client
(``benchmarks/lspclient.py`` on its wire ``benchmarks/lspwire.py``): that folder is importable.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.append(str(Path(__file__).resolve().parents[1] / "benchmarks"))


def e2e_required() -> bool:
    """Whether a skipped end-to-end test fails this run."""
    forced = os.environ.get("EKSA_MIRROR_REQUIRE_E2E")
    if forced in ("0", "1"):
        return forced == "1"
    root = hasattr(os, "geteuid") and os.geteuid() == 0
    return os.environ.get("CI") == "true" and sys.platform == "linux" and root


class SkippedEndToEnd:
    """Records the skipped ``e2e`` tests, lists them, and fails the run where required."""

    def __init__(self) -> None:
        self.skipped: list[tuple[str, str]] = []

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.skipped and "e2e" in report.keywords:
            longrepr = report.longrepr
            reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
            self.skipped.append((report.nodeid, reason))

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if not self.skipped:
            return
        required = e2e_required()
        title = "end-to-end tests skipped" + (" (not allowed in CI: failing)" if required else "")
        terminalreporter.section(title, red=required, yellow=not required)
        for nodeid, reason in self.skipped:
            terminalreporter.line(f"{nodeid}: {reason}")

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if self.skipped and e2e_required() and exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(SkippedEndToEnd(), "eksa-mirror-e2e-skips")
