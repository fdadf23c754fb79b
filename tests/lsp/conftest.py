"""The shared clients: one server per test module and recorded client (VS Code, Neovim)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_lsp

from .support import CLIENTS, CONFIG, RecordingClient, capabilities, initialize


@pytest_lsp.fixture(config=CONFIG, scope="module", params=CLIENTS)
async def client(
    lsp_client: RecordingClient, request: pytest.FixtureRequest
) -> AsyncIterator[None]:
    """A server initialised with the capabilities of ``request.param``'s recording.

    VS Code 1.65 has no pull diagnostics (push, UTF-16); Neovim 0.11 pulls and negotiates
    UTF-8 positions.
    """
    await initialize(lsp_client, capabilities(request.param))
    yield
    await lsp_client.shutdown_session()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A response the declared client cannot handle (snippets, markdown, ...) fails the test."""
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).parent == here:
            item.add_marker(pytest.mark.filterwarnings("error::pytest_lsp.LspSpecificationWarning"))
