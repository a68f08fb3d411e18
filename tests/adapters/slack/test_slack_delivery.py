"""Faults on the way out: answers retried through 5xx, 429 and `ratelimited`, the asker told when one is lost.

The real Bolt app answers through the fake Web API with failures injected. Retry waits are shortened
through the app's RetryPolicy (and Retry-After fractions), so no test sleeps long.
"""

from __future__ import annotations

import pytest

from bot.retry import RetryPolicy
from tests.adapters.slack.conftest import SlackServer, blocks_text
from tests.fakes.slack_api import RESPONSE_URL
from tests.fakes.slack_requests import mention_event

FAST = RetryPolicy(deadline=5.0, first_delay=0.01, max_delay=0.05)
SHORT = RetryPolicy(deadline=0.3, first_delay=0.01, max_delay=0.05)


@pytest.fixture
def fast(server: SlackServer) -> SlackServer:
    server.service.deps.retry = FAST
    server.service.deps.askers.retry = FAST
    server.slack.precise_retry_after = True
    return server


def answers_in_thread(server: SlackServer, channel: str) -> list[dict]:
    return [m for m in server.slack.messages(channel) if m["via"] == "chat.postMessage"]


@pytest.mark.parametrize("failures", [
    [{"status": 500}],
    [{"status": 503}],
    [{"status": 429, "retry_after": 0.05, "times": 2}],
    [{"status": 200, "error": "ratelimited"}],
    [{"status": 502}, {"status": 429, "retry_after": 0.02}, {"status": 200, "error": "ratelimited"}],
])
async def test_a_mention_answer_survives_transient_failures(fast: SlackServer, failures: list[dict]) -> None:
    for f in failures:
        fast.slack.fail("chat.postMessage", **f)
    resp = await fast.event(mention_event("how many people were displaced?", channel="C3NEWS"))
    assert resp.status == 200
    await fast.settle()
    [answer] = answers_in_thread(fast, "C3NEWS")
    assert "303,000" in blocks_text(answer)
    tries = sum(f.get("times", 1) for f in failures) + 1
    assert len(fast.slack.calls_to("chat.postMessage")) == tries
    assert not fast.slack.calls_to("chat.postEphemeral")  # nothing to apologise for


@pytest.mark.parametrize("failure", [{"status": 500}, {"status": 503}, {"status": 429, "retry_after": 0.05}])
async def test_a_slash_command_answer_survives_a_failing_response_url(fast: SlackServer, failure: dict) -> None:
    fast.slack.fail(RESPONSE_URL, **failure)
    resp = await fast.command("/casualties", channel="C4OPS")
    assert resp.status == 200
    await fast.settle()
    [msg] = fast.slack.messages("C4OPS")
    assert msg["via"] == RESPONSE_URL and "at least 11 people" in blocks_text(msg)
    assert len(fast.slack.calls_to(RESPONSE_URL)) == 2


async def test_a_lost_slash_command_answer_is_admitted_to_the_asker(server: SlackServer) -> None:
    server.service.deps.retry = SHORT
    server.slack.fail(RESPONSE_URL, status=500, times=1000)
    await server.command("/casualties", channel="C4OPS", user="U5ASKER")
    await server.settle()
    assert len(server.slack.calls_to(RESPONSE_URL)) >= 2  # retried, then given up within the deadline
    [note] = server.slack.messages("C4OPS")
    assert note["via"] == "chat.postEphemeral" and note["user"] == "U5ASKER"
    assert "answer to /casualties could not be delivered" in note["text"]
    assert "try again" in note["text"]


async def test_a_lost_mention_answer_is_admitted_in_the_thread(server: SlackServer) -> None:
    server.service.deps.retry = SHORT
    server.slack.fail("chat.postMessage", status=503, times=1000)
    event = mention_event("how many people were injured?", channel="C3NEWS", user="U5ASKER")
    await server.event(event)
    await server.settle()
    [note] = server.slack.messages("C3NEWS")
    assert note["via"] == "chat.postEphemeral" and note["user"] == "U5ASKER"
    assert note["thread_ts"] == event["ts"]
    assert "could not be delivered" in note["text"]


async def test_a_refused_post_is_not_retried(fast: SlackServer) -> None:
    fast.slack.fail("chat.postMessage", status=200, error="msg_too_long")
    await fast.event(mention_event("how many people were injured?", channel="C3NEWS"))
    await fast.settle()
    assert len(fast.slack.calls_to("chat.postMessage")) == 1
    [note] = fast.slack.messages("C3NEWS")
    assert note["via"] == "chat.postEphemeral" and "msg_too_long" in note["text"]


async def test_no_auth_test_inside_the_request_path(server: SlackServer) -> None:
    """The identity comes from the start-up check: a failing or slow auth.test later cannot touch an ack."""
    assert len(server.slack.calls_to("auth.test")) == 1  # at start
    server.slack.fail("auth.test", status=200, error="invalid_auth", times=10)
    server.slack.delay("auth.test", 3.5)
    resp = await server.command("/casualties", channel="C4OPS")
    assert resp.status == 200 and await resp.text() == ""  # no "reinstall" message
    resp = await server.event(mention_event("how many people were injured?", channel="C3NEWS"))
    assert resp.status == 200
    await server.settle()
    assert len(server.slack.calls_to("auth.test")) == 1
    assert "at least 11 people" in blocks_text(server.slack.messages("C4OPS")[0])
    [answer] = server.slack.messages("C3NEWS")
    assert "nearly 60" in blocks_text(answer)
    assert "&lt;@UBOT&gt;" not in blocks_text(answer)  # the bot's own mention was known and dropped


async def test_an_admin_whose_rights_cannot_be_checked_is_told_so(fast: SlackServer) -> None:
    from bot.schedule.commands import register

    register(fast.core, fast.core.store, {})
    fast.slack.add_user("UADMIN", admin=True)
    fast.slack.fail("users.info", status=503, times=1000)
    [msg] = await command(fast, "/subscribe", "07:30", user="UADMIN")
    assert "Could not check your permissions" in blocks_text(msg) and "Not allowed" not in blocks_text(msg)
    assert "try again" in blocks_text(msg)
    # A transient users.info failure is retried and the admin gets through.
    fast.slack.reset()
    fast.service.deps.askers._cache.clear()
    fast.slack.fail("users.info", status=500)
    [msg] = await command(fast, "/subscribe", "07:30", user="UADMIN")
    assert "Subscribed" in blocks_text(msg)
    # A member really not allowed is still told so.
    [msg] = await command(fast, "/subscribe", "07:30", user="U2MEMBER")
    assert "Not allowed" in blocks_text(msg)


async def command(server: SlackServer, name: str, text: str = "", user: str = "U1USER") -> list[dict]:
    server.slack.calls.clear()
    await server.command(name, text, channel="C9OPS", user=user)
    await server.settle()
    return server.slack.messages("C9OPS")


async def test_help_lists_briefhelp_and_every_feature_command_with_a_description(fast: SlackServer) -> None:
    from bot.schedule.commands import register

    register(fast.core, fast.core.store, {})
    [msg] = await command(fast, "/briefhelp")
    text = blocks_text(msg)
    assert "/briefhelp — " in text
    for name in ("review", "subscribe", "unsubscribe", "subscriptions"):
        line = next(x for x in text.split("\\n") if x.startswith(f"• /{name} ") or x.startswith(f"/{name} "))
        assert len(line.split(f"/{name}", 1)[1].strip(" —")) > 10, line


async def test_subscriptions_and_unsubscribe_name_channels_as_links(fast: SlackServer) -> None:
    from bot.schedule.commands import register

    register(fast.core, fast.core.store, {})
    fast.slack.add_user("UADMIN", admin=True)
    await command(fast, "/subscribe", "07:30", user="UADMIN")
    [msg] = await command(fast, "/subscriptions", user="UADMIN")
    assert "<#C9OPS>" in blocks_text(msg) and "channel C9OPS" not in blocks_text(msg)
    [msg] = await command(fast, "/unsubscribe", user="UADMIN")
    assert "No more morning briefings in <#C9OPS>" in blocks_text(msg)
    # Text a user typed that merely looks like a channel link stays escaped.
    [msg] = await command(fast, "/unsubscribe", "<#C1OTHER>", user="UADMIN")
    assert "<#C1OTHER>" not in blocks_text(msg)


async def test_a_start_up_auth_test_that_fails_transiently_is_retried(slack_settings, core, slack) -> None:  # noqa: ANN001
    import asyncio

    from bot.adapters.slack.service import SlackService

    slack.fail("auth.test", status=503, times=2)
    service = SlackService(slack_settings, core)
    service.recheck = FAST
    await service.start()
    try:
        ok, why = service.ready()
        assert not ok and "auth.test failed" in why
        for _ in range(500):
            if service.ready()[0]:
                break
            await asyncio.sleep(0.01)
        assert service.ready() == (True, "")
        assert service.identity.auth["user_id"] == "UBOT"
        assert len(slack.calls_to("auth.test")) == 3
    finally:
        await service.stop()


async def test_a_rejected_token_is_not_retried(slack_settings, core, slack) -> None:  # noqa: ANN001
    import asyncio

    from bot.adapters.slack.service import SlackService

    slack.fail("auth.test", status=200, error="invalid_auth")
    service = SlackService(slack_settings, core)
    service.recheck = FAST
    await service.start()
    try:
        await asyncio.sleep(0.2)
        assert len(slack.calls_to("auth.test")) == 1 and not service.ready()[0]
    finally:
        await service.stop()
