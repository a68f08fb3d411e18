"""Faults on the way out, through the real discord.py client and the fake Discord: nothing crashes in an
error path, transient failures are retried, and an asker left on "thinking…" is told the answer was lost.

Retry waits are shortened through the client's RetryPolicy, whose deadline also cuts short discord.py's
own retries (seconds of sleep on a 5xx) inside one try.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import pytest

from bot.core.reply import Asker, Reply
from bot.retry import RetryPolicy
from tests.adapters.discord.conftest import message_payloads, start_service, text_of
from tests.fakes.discord_server import FakeDiscord

FAST = RetryPolicy(deadline=5.0, first_delay=0.01, max_delay=0.05)
SHORT = RetryPolicy(deadline=1.0, first_delay=0.01, max_delay=0.05)


@pytest.fixture
async def fast(fake: FakeDiscord, core) -> AsyncIterator:  # noqa: ANN001 - a started DiscordService
    service = await start_service(fake, core, retry=FAST, max_ratelimit_timeout=0.1)
    yield service
    await service.stop()


@pytest.fixture
async def short(fake: FakeDiscord, core) -> AsyncIterator:  # noqa: ANN001 - gives up fast, defers at once
    service = await start_service(fake, core, defer_after=0.0, retry=SHORT, max_ratelimit_timeout=0.1)
    yield service
    await service.stop()


def unhandled(caplog: pytest.LogCaptureFixture) -> list[str]:
    """What discord.py logs when a handler raises ('Ignoring exception in on_message' ...)."""
    return [r.getMessage() for r in caplog.records if "Ignoring exception" in r.getMessage()]


async def settle(check, within: float = 10.0) -> None:  # noqa: ANN001
    """Wait until check() holds (it may turn true after the fake's last call, e.g. a log line)."""
    for _ in range(int(within / 0.01)):
        if check():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition not met")


@pytest.mark.parametrize("status", [403, 404, 503])
async def test_a_mention_reply_refused_or_failing_is_logged_not_crashed(
        fake: FakeDiscord, short, caplog: pytest.LogCaptureFixture, status: int) -> None:  # noqa: ANN001
    caplog.set_level(logging.INFO)
    path = f"/channels/{fake.channel_id}/messages"
    fake.fail_next("POST", path, status=status, times=1000)
    await fake.push_message("/casualties", mention_bot=True)
    await settle(lambda: any(r.getMessage() == "could not deliver the reply" for r in caplog.records))
    assert not unhandled(caplog)
    record = next(r for r in caplog.records if r.getMessage() == "could not deliver the reply")
    assert str(status) in record.error and record.message_id
    tries = len(fake.find("POST", path, status=None))
    assert tries == 1 if status in (403, 404) else tries >= 2  # refusals are not retried; 5xx are


async def test_a_mention_whose_answer_raises_gets_the_failure_reply(fake: FakeDiscord, fast, core,
                                                                    caplog: pytest.LogCaptureFixture) -> None:  # noqa: ANN001
    async def review(_text: str, _asker: Asker) -> Reply:
        raise RuntimeError("boom")

    core.register("review", review)
    await fake.push_message("/review", mention_bot=True)
    [call] = await fake.wait_for_call("POST", f"/channels/{fake.channel_id}/messages")
    assert "Something went wrong" in text_of(call.body)
    assert not unhandled(caplog)
    assert any(r.getMessage() == "mention failed" for r in caplog.records)


async def test_a_long_rate_limit_on_a_mention_reply_is_waited_out(fake: FakeDiscord, fast) -> None:  # noqa: ANN001
    # retry_after above the client's max_ratelimit_timeout: discord.py raises RateLimited instead of waiting.
    path = f"/channels/{fake.channel_id}/messages"
    fake.fail_next("POST", path, status=429, retry_after=0.3)
    await fake.push_message("/casualties", mention_bot=True)
    await fake.wait_for_call("POST", path)
    assert len(fake.messages[fake.channel_id]) == 1
    assert "at least 11" in text_of(fake.messages[fake.channel_id][0])


async def test_a_transient_5xx_on_an_interaction_response_is_retried(fake: FakeDiscord, fast) -> None:  # noqa: ANN001
    fake.fail_next("POST", "/interactions/", status=503)
    interaction = await fake.push_interaction("casualties")
    calls = await fake.wait_for_call("POST", f"/interactions/{interaction}/")
    assert calls[0].body["type"] == 4 and "at least 11" in text_of(calls[0].body["data"])
    assert [c.status for c in fake.interaction_calls(interaction)] == [503, 200]


@pytest.mark.parametrize("status", [403, 404, 500, 503])
async def test_a_failed_followup_replaces_thinking_with_an_error(fake: FakeDiscord, short, status: int) -> None:  # noqa: ANN001
    fake.fail_next("POST", "/webhooks/", status=status, times=1000)
    interaction = await fake.push_interaction("casualties")
    edits = await fake.wait_for_call("PATCH", "/webhooks/")
    [deferred] = fake.interaction_calls(interaction)
    assert deferred.body["type"] == 5  # "thinking…"
    assert edits[0].path.endswith("/messages/@original")
    reason = "in time" if status >= 500 else str(status)  # webhooks retry 5xx inside discord.py until our deadline
    assert "could not be delivered" in edits[0].body["content"] and reason in edits[0].body["content"]
    assert edits[0].body["embeds"] == []


async def test_a_followup_that_fails_once_is_delivered(fake: FakeDiscord, core) -> None:  # noqa: ANN001
    service = await start_service(fake, core, defer_after=0.0, retry=FAST)
    try:
        fake.fail_next("POST", "/webhooks/", status=503)
        await fake.push_interaction("casualties")
        [sent] = await fake.wait_for_call("POST", "/webhooks/")
        assert "at least 11" in text_of(sent.body)
        assert not fake.find("PATCH", "/webhooks/")
    finally:
        await service.stop()


async def test_a_stale_command_gets_an_answer(fake: FakeDiscord, fast, caplog: pytest.LogCaptureFixture) -> None:  # noqa: ANN001
    interaction = await fake.push_interaction("old-command-from-last-year")
    [call] = await fake.wait_for_call("POST", f"/interactions/{interaction}/")
    assert call.body["type"] == 4
    assert "out of date" in call.body["data"]["content"] and call.body["data"]["flags"] & 64
    assert not unhandled(caplog)


async def test_briefhelp_describes_every_command(fake: FakeDiscord, fast, core) -> None:  # noqa: ANN001
    from bot.schedule.commands import register

    register(core, core.store, {})
    interaction = await fake.push_interaction("briefhelp")
    [call] = await fake.wait_for_call("POST", f"/interactions/{interaction}/")
    text = text_of(call.body["data"])
    assert "/briefhelp — " in text
    for name in ("review", "subscribe", "unsubscribe", "subscriptions"):
        [line] = [x for x in text.splitlines() if x.startswith(f"• /{name} ")]
        assert len(line.split(f"/{name}", 1)[1].strip(" —")) > 10, line


async def test_subscription_replies_link_the_channel(fake: FakeDiscord, fast, core) -> None:  # noqa: ANN001
    from bot.schedule.commands import register

    register(core, core.store, {})
    args = [{"name": "args", "type": 3, "value": "07:30"}]
    await fake.push_interaction("subscribe", args, permissions=0x20)
    await fake.wait_for_call("POST", "/interactions/")
    for name in ("subscriptions", "unsubscribe"):
        interaction = await fake.push_interaction(name, permissions=0x20)
        [call] = await fake.wait_for_call("POST", f"/interactions/{interaction}/")
        raw = str(call.body["data"]["embeds"])
        assert f"<#{fake.channel_id}>" in raw, raw
    assert len(message_payloads(fake)) == 3


async def test_guild_commands_replace_global_ones_left_from_before(fake: FakeDiscord, core) -> None:  # noqa: ANN001
    fake.synced["global"] = [{"name": "briefing", "description": "old", "type": 1}]
    service = await start_service(fake, core)
    try:
        assert fake.synced["global"] == []
        assert {c["name"] for c in fake.synced[fake.guild_id]} >= {"briefing", "ask"}
    finally:
        await service.stop()
