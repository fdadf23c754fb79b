"""The Neovim 0.11+ the editor tests share (``nvim_find``)."""

from __future__ import annotations

import pytest
from nvim_find import find_nvim011


@pytest.fixture(scope="session")
def nvim011() -> str:
    return find_nvim011()
