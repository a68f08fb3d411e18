"""DiscordPoster: the delivery contract for scheduled posts, against the fake REST API."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from bot.adapters.discord.poster import DiscordPoster, open_poster
from bot.core.reply import Citation, Reply, ReplyField, Section
from bot.delivery import PermanentError, RateLimited, TransientError
from tests.fakes.discord_server import BOT_TOKEN, FakeDiscord, snowflake


@pytest.fixture
async def poster(fake: FakeDiscord) -> AsyncIterator[DiscordPoster]:
    p = await open_poster(BOT_TOKEN)
    yield p
    await p.close()


def morning() -> Reply:
    return Reply(title="Morning briefing", citations=[Citation(1, "s", "Report", "2025-12-12", "A quote.")],
                 sections=[Section(heading="Figures", fields=[ReplyField("Killed", "at least 11 people [1]")])])


async def test_render_gives_json_payloads_with_a_nonce_each(poster: DiscordPoster) -> None:
    payloads = poster.render(morning())
    assert len(payloads) == 1
    json.dumps(payloads)  # storable as is
    assert payloads[0]["embeds"][0]["title"] == "Morning briefing" and payloads[0]["nonce"]
    assert poster.render(morning())[0]["nonce"] != payloads[0]["nonce"]


async def test_send_posts_one_message_and_returns_its_id(fake: FakeDiscord, poster: DiscordPoster) -> None:
    [payload] = poster.render(morning())
    message_id = await poster.send(fake.channel_id, payload)
    [sent] = fake.messages[fake.channel_id]
    assert sent["id"] == message_id
    [call] = fake.find("POST", f"/channels/{fake.channel_id}/messages")
    assert call.body["allowed_mentions"] == {"parse": []}
    assert call.body["embeds"][0]["fields"][0]["value"] == "at least 11 people [1]"


async def test_429_waited_out_then_exactly_one_message(fake: FakeDiscord, poster: DiscordPoster) -> None:
    path = f"/channels/{fake.channel_id}/messages"
    fake.fail_next("POST", path, status=429, retry_after=0.05)
    await poster.send(fake.channel_id, poster.render(morning())[0])
    assert [c.status for c in fake.find("POST", path, status=None)] == [429, 200]
    assert len(fake.messages[fake.channel_id]) == 1


async def test_a_retried_part_is_delivered_once(fake: FakeDiscord, poster: DiscordPoster) -> None:
    [payload] = poster.render(morning())
    first = await poster.send(fake.channel_id, payload)
    again = await poster.send(fake.channel_id, payload)  # the caller retries after a lost answer
    assert first == again and len(fake.messages[fake.channel_id]) == 1


async def test_a_long_rate_limit_is_raised_for_the_caller(fake: FakeDiscord, poster: DiscordPoster) -> None:
    fake.fail_next("POST", f"/channels/{fake.channel_id}/messages", status=429, retry_after=600)
    with pytest.raises(RateLimited) as err:
        await poster.send(fake.channel_id, poster.render(morning())[0])
    assert err.value.retry_after == 600 and not fake.messages[fake.channel_id]


async def test_errors_map_to_transient_and_permanent(fake: FakeDiscord, poster: DiscordPoster) -> None:
    [payload] = poster.render(morning())
    fake.fail_next("POST", f"/channels/{fake.channel_id}/messages", status=503)
    with pytest.raises(TransientError):
        await poster.send(fake.channel_id, payload)
    gone, closed = snowflake(404), snowflake(403)
    fake.missing_channels.add(gone)
    fake.forbidden_channels.add(closed)
    with pytest.raises(PermanentError, match="Unknown Channel"):
        await poster.send(gone, payload)
    with pytest.raises(PermanentError, match="Missing Access"):
        await poster.send(closed, payload)
    with pytest.raises(PermanentError):
        await poster.send("general", payload)
    assert not any(fake.messages.values())


async def test_check_channel(fake: FakeDiscord, poster: DiscordPoster) -> None:
    gone, closed = snowflake(404), snowflake(403)
    fake.missing_channels.add(gone)
    fake.forbidden_channels.add(closed)
    assert await poster.check_channel(fake.channel_id) is None
    assert fake.find("GET", f"/channels/{fake.channel_id}")
    assert gone in await poster.check_channel(gone)
    assert "no access" in await poster.check_channel(closed)
    assert "not a Discord channel id" in await poster.check_channel("#general")


async def test_flaky_server_and_per_channel_rate_limit_options(fake: FakeDiscord, poster: DiscordPoster) -> None:
    fake.channel_rate_limit(fake.channel_id, per_second=100)
    fake.error_rate = 1.0
    with pytest.raises(TransientError):
        await poster.send(fake.channel_id, poster.render(morning())[0])
    fake.error_rate = 0.0
    await poster.send(fake.channel_id, poster.render(morning())[0])
    assert len(fake.messages[fake.channel_id]) == 1
