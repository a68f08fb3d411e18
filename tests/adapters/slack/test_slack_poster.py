"""SlackPoster against the fake Web API: one call per send, failures mapped for the delivery loop."""

from __future__ import annotations

import pytest

from bot.adapters.slack.poster import SlackPoster
from bot.config import Settings
from bot.core.commands import Core
from bot.delivery import PermanentError, RateLimited, TransientError
from tests.fakes.slack_api import FakeSlackAPI


@pytest.fixture
def poster(slack_settings: Settings) -> SlackPoster:
    return SlackPoster(slack_settings, timeout=1)


async def test_render_and_send_the_casualties(poster: SlackPoster, core: Core, slack: FakeSlackAPI) -> None:
    reply = await core.handle("casualties")
    payloads = poster.render(reply)
    ids = [await poster.send("C5DAILY", p) for p in payloads]
    messages = slack.messages("C5DAILY")
    assert len(messages) == len(payloads) and all(ids) and len(set(ids)) == len(ids)
    assert "at least 11 people" in str(messages[0]["blocks"])
    assert slack.calls_to("chat.postMessage")[0].headers["Authorization"] == "Bearer xoxb-1234-5678-secrettokenvalue"


async def test_429_is_rate_limited_with_retry_after_and_not_retried(poster: SlackPoster,
                                                                    slack: FakeSlackAPI) -> None:
    slack.fail("chat.postMessage", status=429, retry_after=7)
    with pytest.raises(RateLimited) as info:
        await poster.send("C5DAILY", {"text": "hello"})
    assert info.value.retry_after == 7 and info.value.transient
    assert len(slack.calls_to("chat.postMessage")) == 1
    assert await poster.send("C5DAILY", {"text": "hello"})  # the caller's retry goes through


async def test_per_channel_rate_limit(poster: SlackPoster, slack: FakeSlackAPI) -> None:
    slack.rate_limit("C6BUSY", per_second=0.01, retry_after=30)
    await poster.send("C6BUSY", {"text": "one"})
    with pytest.raises(RateLimited) as info:
        await poster.send("C6BUSY", {"text": "two"})
    assert info.value.retry_after == 30
    await poster.send("C7QUIET", {"text": "elsewhere is fine"})


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_5xx_is_transient(poster: SlackPoster, slack: FakeSlackAPI, status: int) -> None:
    slack.fail("chat.postMessage", status=status)
    with pytest.raises(TransientError):
        await poster.send("C5DAILY", {"text": "hello"})
    assert len(slack.calls_to("chat.postMessage")) == 1


async def test_timeout_is_transient(poster: SlackPoster, slack: FakeSlackAPI) -> None:
    slack.delay("chat.postMessage", 1.5)  # the poster's timeout is 1 s
    with pytest.raises(TransientError):
        await poster.send("C5DAILY", {"text": "hello"})


async def test_unreachable_is_transient(slack_settings: Settings) -> None:
    settings = slack_settings.model_copy(update={"slack_api_url": "http://127.0.0.1:9/api/"})
    with pytest.raises(TransientError):
        await SlackPoster(settings, timeout=1).send("C5DAILY", {"text": "hello"})


@pytest.mark.parametrize("error", ["channel_not_found", "not_in_channel", "is_archived", "invalid_blocks"])
async def test_refusals_are_permanent(poster: SlackPoster, slack: FakeSlackAPI, error: str) -> None:
    slack.fail("chat.postMessage", status=200, error=error)
    with pytest.raises(PermanentError) as info:
        await poster.send("C5DAILY", {"text": "hello"})
    assert error in str(info.value) and not info.value.transient


async def test_check_channel(poster: SlackPoster, slack: FakeSlackAPI) -> None:
    slack.add_channel("C1OK", name="news")
    slack.add_channel("C2OUT", name="ops", is_member=False)
    slack.add_channel("C3OLD", name="old", is_archived=True)
    slack.add_channel("C4GONE", exists=False)
    assert await poster.check_channel("C1OK") is None
    assert "#ops" in (await poster.check_channel("C2OUT") or "") and "invite" in (
        await poster.check_channel("C2OUT") or "")
    assert "archived" in (await poster.check_channel("C3OLD") or "")
    assert "C4GONE" in (await poster.check_channel("C4GONE") or "")
    slack.fail("conversations.info", status=500)
    with pytest.raises(TransientError):
        await poster.check_channel("C1OK")
