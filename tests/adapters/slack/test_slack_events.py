"""Mentions and DMs through the real Bolt app: answered in the asking message's thread, once."""

from __future__ import annotations

import asyncio

from tests.adapters.slack.conftest import ScriptedAnswerer, SlackServer, blocks_text, serve
from tests.fakes.slack_requests import dm_event, mention_event, message_ts


async def test_mention_answered_in_its_thread_with_citations(server: SlackServer) -> None:
    answerer = ScriptedAnswerer(server.core)
    server.core.answerer = answerer
    ts = message_ts()
    resp = await server.event(mention_event("how many people died?", ts=ts))
    assert resp.status == 200
    [msg] = await server.slack.wait_for_messages("C1CHAN", 1)
    assert msg["via"] == "chat.postMessage" and msg["thread_ts"] == ts
    # The bot's own mention is stripped from the question the core sees.
    question, asker = answerer.questions[0]
    assert question == "how many people died?"
    assert (asker.platform, asker.user_id, asker.channel_id, asker.workspace_id) == (
        "slack", "U1USER", "C1CHAN", "T0TEST")
    text = blocks_text(msg)
    assert "At least 11 people have died. [1]" in text
    assert "*[1]* “To date, at least 11 people have died, and nearly 60 have been injured.”" in text
    assert msg["text"]  # fallback


async def test_follow_up_mention_in_a_thread_stays_in_that_thread(server: SlackServer) -> None:
    server.core.answerer = ScriptedAnswerer(server.core)
    root = message_ts()
    await server.event(mention_event("how many died?", ts=root))
    await server.event(mention_event("and who says so?", ts=message_ts(), thread_ts=root))
    messages = await server.slack.wait_for_messages("C1CHAN", 2)
    assert [m["thread_ts"] for m in messages] == [root, root]


async def test_mention_answered_by_the_real_engine_with_its_citation(server: SlackServer) -> None:
    ts = message_ts()
    await server.event(mention_event("How many people have died?", ts=ts))
    [msg] = await server.slack.wait_for_messages("C1CHAN", 1)
    assert msg["thread_ts"] == ts
    footnotes = [b["text"]["text"] for b in msg["blocks"] if b["type"] == "section"
                 and b.get("text", {}).get("text", "").startswith("*[1]*")]
    assert footnotes and "“To date, at least 11 people have died" in footnotes[0]
    assert "11" in msg["blocks"][1]["text"]["text"] and "[1]" in msg["blocks"][1]["text"]["text"]


async def test_uncovered_question_with_the_real_engine(server: SlackServer) -> None:
    ts = message_ts()
    await server.event(mention_event("What is the capital of Australia?", ts=ts))
    [msg] = await server.slack.wait_for_messages("C1CHAN", 1)
    assert msg["thread_ts"] == ts and not msg["ephemeral"]
    assert "does not cover" in blocks_text(msg)


async def test_direct_message_answered_in_its_thread(server: SlackServer) -> None:
    answerer = ScriptedAnswerer(server.core)
    server.core.answerer = answerer
    ts = message_ts()
    await server.event(dm_event("death toll?", ts=ts))
    [msg] = await server.slack.wait_for_messages("D1DM", 1)
    assert msg["via"] == "chat.postMessage" and msg["thread_ts"] == ts
    assert answerer.questions[0][0] == "death toll?"
    assert "At least 11" in blocks_text(msg)


async def test_command_words_in_a_mention_work_like_slash_commands(server: SlackServer) -> None:
    ts = message_ts()
    await server.event(mention_event("/casualties", ts=ts))
    [msg] = await server.slack.wait_for_messages("C1CHAN", 1)
    assert msg["thread_ts"] == ts and "more than 303,000" in blocks_text(msg)


async def test_own_messages_bots_edits_and_deletions_are_ignored(server: SlackServer) -> None:
    ignored = [
        dm_event("from myself", user="UBOT"),
        dm_event("from another bot", user="U5OTHER", bot_id="B5OTHER"),
        dm_event("a bot message", subtype="bot_message", bot_id="B5OTHER"),
        {"type": "message", "subtype": "message_changed", "channel": "D1DM", "channel_type": "im",
         "ts": message_ts(), "message": {"type": "message", "user": "U1USER", "text": "edited question",
                                         "ts": message_ts()}},
        {"type": "message", "subtype": "message_deleted", "channel": "D1DM", "channel_type": "im",
         "ts": message_ts(), "deleted_ts": message_ts()},
        {"type": "app_mention", "user": "U5OTHER", "bot_id": "B5OTHER", "text": "<@UBOT> hi",
         "channel": "C1CHAN", "ts": message_ts()},
        # A mention inside a DM is answered by the DM's message event, not twice.
        {"type": "app_mention", "user": "U1USER", "text": "<@UBOT> hi", "channel": "D1DM",
         "ts": message_ts()},
    ]
    for event in ignored:
        resp = await server.event(event)
        assert resp.status == 200  # acked, so Slack does not retry
    await server.settle()
    # A real question afterwards is the only thing answered.
    await server.event(dm_event("What is the capital of Australia?"))
    await server.settle()
    messages = server.slack.messages()
    assert len(messages) == 1 and "capital of Australia" in blocks_text(messages[0])


async def test_retried_event_answered_once(server: SlackServer) -> None:
    event = mention_event("What is the capital of Australia?")
    for retry in (None, 1, 2):
        resp = await server.event(event, event_id="Ev0RETRY01", retry_num=retry)
        assert resp.status == 200
    await server.settle()
    assert len(server.slack.messages("C1CHAN")) == 1
    # A different event with the same text is a new question.
    await server.event(mention_event("What is the capital of Australia?"), event_id="Ev0OTHER02")
    await server.settle()
    assert len(server.slack.messages("C1CHAN")) == 2


async def test_long_question_in_a_channel_refused_to_the_asker_only(server: SlackServer) -> None:
    ts = message_ts()
    await server.event(mention_event("why " * 300, ts=ts))
    [msg] = await server.slack.wait_for_messages("C1CHAN", 1)
    assert msg["via"] == "chat.postEphemeral" and msg["user"] == "U1USER" and msg["thread_ts"] == ts
    assert "under 1,000 characters" in blocks_text(msg)


async def test_slow_answer_is_acked_first_and_delivered_afterwards(server: SlackServer) -> None:
    release = asyncio.Event()
    answerer = ScriptedAnswerer(server.core, release=release)
    server.core.answerer = answerer
    # The slash command's HTTP ack comes back while the answer is still being worked out ...
    resp = await server.command("/ask", "how many died?")
    assert resp.status == 200
    await answerer.started.wait()
    assert not release.is_set() and server.slack.messages("C1CHAN") == []
    # ... and so does a mention's.
    ts = message_ts()
    resp = await server.event(mention_event("and injured?", channel="C2NEWS", ts=ts))
    assert resp.status == 200
    assert server.slack.messages() == []
    release.set()
    [answer] = await server.slack.wait_for_messages("C1CHAN", 1)
    assert answer["via"] == "response_url" and "At least 11" in blocks_text(answer)
    [threaded] = await server.slack.wait_for_messages("C2NEWS", 1)
    assert threaded["thread_ts"] == ts


async def test_a_failing_answer_gets_a_short_private_apology(server: SlackServer) -> None:
    class Broken:
        async def answer(self, question: str, asker: object = None) -> object:
            raise RuntimeError("engine exploded")

    server.core.answerer = Broken()
    await server.command("/ask", "how many died?")
    [msg] = await server.slack.wait_for_messages("C1CHAN", 1)
    assert msg["response_type"] == "ephemeral" and "try again" in blocks_text(msg)
    assert "exploded" not in blocks_text(msg)


async def count_started(server: SlackServer, asks: int, expected: int) -> int:
    """Send `asks` slow /ask commands; return how many answers are being worked on at once."""
    await server.command("/sources")  # fills the asker cache, so answers start without a network call
    await server.settle()
    release, reached = asyncio.Event(), asyncio.Event()
    started: list[str] = []

    class Held(ScriptedAnswerer):
        async def answer(self, question: str, asker: object = None) -> object:
            started.append(question)
            if len(started) >= expected:
                reached.set()
            await release.wait()
            return await super().answer(question)

    server.core.answerer = Held(server.core)
    for i in range(asks):
        assert (await server.command("/ask", f"question {i}?")).status == 200
    # Every ack is back. Wait for the answers that can start, then give the rest every chance to.
    await asyncio.wait_for(reached.wait(), 10)
    for _ in range(100):
        await asyncio.sleep(0)
    working = len(started)
    release.set()
    await server.slack.wait_for_messages("C1CHAN", asks + 1)
    return working


async def test_offline_answers_take_turns_so_acks_never_wait(server: SlackServer) -> None:
    from bot.adapters.slack.deps import ANSWER_SLOTS

    assert await count_started(server, ANSWER_SLOTS + 3, ANSWER_SLOTS) == ANSWER_SLOTS


async def test_model_backed_questions_are_not_held_back(server: SlackServer) -> None:
    from bot.adapters.slack.deps import ANSWER_SLOTS

    server.service.deps.model_answers = True  # as when OPENAI_API_KEY is set
    assert await count_started(server, ANSWER_SLOTS + 3, ANSWER_SLOTS + 3) == ANSWER_SLOTS + 3


async def test_request_url_verification_challenge(server: SlackServer) -> None:
    import json

    from tests.adapters.slack.conftest import SECRET
    from tests.fakes.slack_requests import signed_headers

    body = json.dumps({"token": "legacy", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
                       "type": "url_verification"})
    async with server.session.post(server.url, data=body, headers=signed_headers(
            SECRET, body, content_type="application/json")) as resp:
        assert resp.status == 200
        assert (await resp.json())["challenge"].startswith("3eZbrw1aBm2")


async def test_retry_reaching_another_replica_is_answered_once(slack_settings, slack) -> None:  # noqa: ANN001
    """Two replicas share one database behind a load balancer: Slack's retry lands on the second."""
    from bot.app import build_core

    replicas = [serve(slack_settings, build_core(slack_settings), slack) for _ in range(2)]
    first, second = [await anext(r) for r in replicas]
    event = mention_event("What is the capital of Australia?")
    assert (await first.event(event, event_id="Ev0SHARED1")).status == 200
    assert (await second.event(event, event_id="Ev0SHARED1", retry_num=1)).status == 200
    await first.settle()
    await second.settle()
    assert len(slack.messages("C1CHAN")) == 1
    for r in replicas:
        await r.aclose()
