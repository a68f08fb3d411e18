"""The real openai SDK against the fake server in tests/fakes/openai_server.py, with the shipped briefing."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.config import Settings, load_settings
from tests.fakes.openai_server import FakeOpenAI

API_KEY = "sk-test-llm-0123456789"


@pytest.fixture
async def fake() -> AsyncIterator[FakeOpenAI]:
    server = FakeOpenAI()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def llm_settings(fake: FakeOpenAI, sqlite_url: str) -> Settings:
    return load_settings(database_url=sqlite_url, openai_base_url=fake.base_url, openai_api_key=API_KEY,
                         openai_timeout=5, openai_max_retries=2, openai_model="fake-model")


@pytest.fixture
def llm_core(llm_settings: Settings):  # noqa: ANN201 - bot.core.commands.Core
    from bot.app import build_core

    return build_core(llm_settings)
