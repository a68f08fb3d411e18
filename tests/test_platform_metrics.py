"""Rate-limit waits and platform errors reach /metrics, whichever library handled them."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from prometheus_client import REGISTRY

from bot import metrics
from bot.config import load_settings
from bot.core.reply import Reply, Section
from tests.fakes.discord_server import BOT_TOKEN, FakeDiscord
from tests.fakes.slack_api import FakeSlackAPI


def value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture
async def discord_fake() -> AsyncIterator[FakeDiscord]:
    server = await FakeDiscord().start()
    server.install()
    yield server
    server.uninstall()
    await server.close()


async def test_slack_429_waited_out_by_the_sdk_is_counted() -> None:
    from bot.adapters.slack.app import web_client

    async with FakeSlackAPI() as slack:
        client = web_client(load_settings(slack_bot_token="xoxb-metrics", slack_api_url=slack.base_url))
        slack.fail("chat.postMessage", status=429, retry_after=0.01)
        before = value("briefbot_rate_limit_waits_total", platform="slack")
        resp = await client.chat_postMessage(channel="C1", text="hello")
        assert resp["ok"]
        assert [c.status for c in slack.calls_to("chat.postMessage")] == [429, 200]
    assert value("briefbot_rate_limit_waits_total", platform="slack") == before + 1


async def test_slack_reply_that_cannot_be_posted_is_a_platform_error() -> None:
    from bot.adapters.slack.app import web_client
    from bot.adapters.slack.deliver import post_messages

    async with FakeSlackAPI() as slack:
        slack.add_channel("C404", exists=False)
        client = web_client(load_settings(slack_bot_token="xoxb-metrics", slack_api_url=slack.base_url))
        before = value("briefbot_platform_errors_total", platform="slack", kind="reply")
        await post_messages(client, [{"text": "an answer"}], channel="C404", thread_ts=None, user="U1",
                            ephemeral=False, attachments=[])
    assert value("briefbot_platform_errors_total", platform="slack", kind="reply") == before + 1


async def test_discord_429_waited_out_inside_discord_py_is_counted(discord_fake: FakeDiscord) -> None:
    from bot.adapters.discord.poster import open_poster

    metrics.watch_discord_rate_limits()
    poster = await open_poster(BOT_TOKEN)
    try:
        path = f"/channels/{discord_fake.channel_id}/messages"
        discord_fake.fail_next("POST", path, status=429, retry_after=0.05)
        before = value("briefbot_rate_limit_waits_total", platform="discord")
        [payload] = poster.render(Reply(title="Morning", sections=[Section(text="x")]))
        await poster.send(discord_fake.channel_id, payload)
        assert [c.status for c in discord_fake.find("POST", path, status=None)] == [429, 200]
    finally:
        await poster.close()
    assert value("briefbot_rate_limit_waits_total", platform="discord") == before + 1
