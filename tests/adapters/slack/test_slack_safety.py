"""Only Slack can make the bot act, and nothing it echoes can ping anyone."""

from __future__ import annotations

import json
import logging
import time

import pytest

from tests.adapters.slack.conftest import BOT_TOKEN, SECRET, SlackServer, blocks_text
from tests.fakes.slack_requests import event_body, mention_event, signed_headers, slash_body

PINGS = ("<!channel>", "<!here>", "<!everyone>", "<@U9VICTIM>", "<!subteam^S1TEAM|@oncall>", "<#C1CHAN>")


async def proves_nothing_ran(server: SlackServer) -> None:
    """A valid request afterwards is answered, and is the only thing that ever reached Slack."""
    resp = await server.command("/sources", channel="C3CHECK")
    assert resp.status == 200
    await server.settle()
    assert [m["channel"] for m in server.slack.messages()] == ["C3CHECK"]


@pytest.mark.parametrize("kind", ["command", "event"])
async def test_forged_signature_is_rejected_and_nothing_runs(server: SlackServer, kind: str) -> None:
    server.slack.calls.clear()
    if kind == "command":
        body = slash_body("/casualties", response_url=server.slack.response_url("C1CHAN"))
        headers = signed_headers("not-the-secret", body)
    else:
        body = event_body(mention_event("<!channel> hello"))
        headers = signed_headers("not-the-secret", body, content_type="application/json")
    resp = await server.post(body, headers)
    assert resp.status == 401
    await server.settle()
    assert server.slack.calls == []
    await proves_nothing_ran(server)


async def test_tampered_body_is_rejected(server: SlackServer) -> None:
    server.slack.calls.clear()
    body = slash_body("/casualties", response_url=server.slack.response_url("C1CHAN"))
    headers = signed_headers(SECRET, body)
    resp = await server.post(body.replace("casualties", "briefing"), headers)
    assert resp.status == 401
    await server.settle()
    assert server.slack.calls == []
    await proves_nothing_ran(server)


async def test_stale_timestamp_is_rejected(server: SlackServer) -> None:
    server.slack.calls.clear()
    body = slash_body("/casualties", response_url=server.slack.response_url("C1CHAN"))
    resp = await server.post(body, signed_headers(SECRET, body, timestamp=int(time.time()) - 6 * 60))
    assert resp.status == 401
    body = event_body(mention_event("hello"))
    resp = await server.post(body, signed_headers(SECRET, body, timestamp=int(time.time()) - 6 * 60,
                                                  content_type="application/json"))
    assert resp.status == 401
    await server.settle()
    assert server.slack.calls == []
    await proves_nothing_ran(server)


async def test_missing_signature_is_rejected(server: SlackServer) -> None:
    body = slash_body("/casualties", response_url=server.slack.response_url("C1CHAN"))
    resp = await server.post(body, {"Content-Type": "application/x-www-form-urlencoded"})
    assert resp.status == 401


def assert_no_ping(payload: object) -> None:
    raw = json.dumps(payload, ensure_ascii=False)
    for ping in PINGS:
        assert ping not in raw, ping
    assert "<!" not in raw and "<@" not in raw and "<#" not in raw


async def test_question_with_channel_ping_in_a_mention_is_never_echoed_as_a_ping(server: SlackServer) -> None:
    # What Slack sends when someone types "@channel @here ... <b> & @victim" in a mention.
    question = ("<!channel> <!here> <!everyone> what about <@U9VICTIM> and <!subteam^S1TEAM|@oncall> "
                "in <#C1CHAN> &lt;b&gt; &amp; co?")
    await server.event(mention_event(question))
    [msg] = await server.slack.wait_for_messages("C1CHAN", 1)
    assert_no_ping(msg["args"])
    header = msg["blocks"][0]["text"]["text"]
    assert header.startswith("@channel @here @everyone what about @U9VICTIM and @oncall in #C1CHAN")
    assert "&lt;b&gt; &amp; co?" in header  # shown as typed, escaped


async def test_slash_command_text_with_pings_is_never_echoed_as_a_ping(server: SlackServer) -> None:
    await server.command("/ask", "<!here> is <!channel> safe? <@U9VICTIM>")
    await server.command("/who", "<!everyone>")
    await server.command("/casualties", "<!channel>")
    await server.settle()
    messages = server.slack.messages("C1CHAN")
    assert len(messages) == 3
    for msg in messages:
        assert_no_ping(msg["args"])
    # Answers arrive in any order (each is delivered as soon as it is ready): the /ask one shows the text.
    assert any("@here is @channel safe? @U9VICTIM" in blocks_text(m) for m in messages)


async def test_model_text_with_pings_is_escaped(server: SlackServer) -> None:
    from bot.core.answer import Answer

    class Mischief:
        async def answer(self, question: str, asker: object = None) -> Answer:
            return Answer(question=question, found=True,
                          answer="Ping <!channel> and <@U9VICTIM> & <https://evil.example|click>")

    server.core.answerer = Mischief()
    await server.event(mention_event("what happened?"))
    [msg] = await server.slack.wait_for_messages("C1CHAN", 1)
    assert_no_ping(msg["args"])
    assert "<https://evil" not in json.dumps(msg["args"])
    assert "Ping &lt;!channel&gt; and &lt;@U9VICTIM&gt; &amp; &lt;https://evil.example|click&gt;" in (
        blocks_text(msg))


async def test_tokens_and_secret_never_logged(server: SlackServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    server.slack.fail("chat.postMessage", status=200, error="not_in_channel")
    await server.command("/casualties")
    await server.event(mention_event("What is the capital of Australia?"))
    body = slash_body("/casualties", response_url=server.slack.response_url("C1CHAN"))
    await server.post(body, signed_headers("forged", body))
    await server.settle()
    assert any("slack post failed" in r.getMessage() for r in caplog.records)
    logged = caplog.text + "".join(str(r.__dict__) for r in caplog.records)
    assert BOT_TOKEN not in logged and SECRET not in logged
