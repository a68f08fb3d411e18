"""Scheduler tests: a store, the fake Slack Web API and the real SlackPoster pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.adapters.slack.poster import SlackPoster
from bot.config import Settings, load_settings
from bot.core.store import Store
from tests.fakes.slack_api import FakeSlackAPI

BOT_TOKEN = "xoxb-1234-5678-schedulertestsecret"
CHANNELS = ("C0MORNING", "C0EVENING", "C0THIRD")


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlackAPI]:
    fake = FakeSlackAPI()
    await fake.start()
    for channel in CHANNELS:
        fake.add_channel(channel)
    fake.add_channel("C0NOTMEMBER", name="secret", is_member=False)
    fake.add_channel("C0GONE", exists=False)
    yield fake
    await fake.stop()


def slack_settings(url: str, api: str, **extra: object) -> Settings:
    return load_settings(database_url=url, slack_bot_token=BOT_TOKEN, slack_api_url=api, **extra)


@pytest.fixture
def store(settings: Settings) -> Store:
    from bot.app import open_store

    return open_store(settings)


@pytest.fixture
def poster(slack: FakeSlackAPI, sqlite_url: str) -> SlackPoster:
    return SlackPoster(slack_settings(sqlite_url, slack.base_url))
