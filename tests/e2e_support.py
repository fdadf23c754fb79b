"""What an end-to-end test does when a program it drives is not installed.

On a contributor's machine (no root, macOS, Windows) such a test is skipped, and the reason
names the missing program and the command that installs it. Where the CI runs everything
(``tests/conftest.py`` decides), a skipped end-to-end test fails the run instead.
"""

from __future__ import annotations

from typing import NoReturn

import pytest

#: Every skip reason of a missing end-to-end program starts with this.
PREFIX = "end-to-end program missing"


def missing(what: str, enable: str) -> NoReturn:
    """Skip the test: ``what`` is not installed; ``enable`` is the command that installs it."""
    pytest.skip(f"{PREFIX}: {what}. To run this test: {enable}")
