"""Conversations through the real Bolt app: a follow-up in a thread, a DM, help and cc'd users."""

from __future__ import annotations

from tests.adapters.slack.conftest import SlackServer, blocks_text
from tests.fakes.slack_requests import dm_event, mention_event, message_ts


async def test_a_follow_up_in_a_thread_reads_the_thread(server: SlackServer) -> None:
    root = message_ts()
    await server.event(mention_event("tell me about Hun Manet", ts=root))
    await server.slack.wait_for_messages("C1CHAN", 1)
    await server.event(mention_event("what did he ask for?", ts=message_ts(), thread_ts=root))
    messages = await server.slack.wait_for_messages("C1CHAN", 2)
    assert messages[1]["thread_ts"] == root and "satellite" in blocks_text(messages[1])
    await server.event(mention_event("when was that?", ts=message_ts(), thread_ts=root))
    messages = await server.slack.wait_for_messages("C1CHAN", 3)
    assert "Friday evening" in blocks_text(messages[2])


async def test_another_thread_does_not_share_the_context(server: SlackServer) -> None:
    await server.event(mention_event("how many people were killed?", ts=message_ts()))
    await server.slack.wait_for_messages("C1CHAN", 1)
    other = message_ts()
    await server.event(mention_event("who said that?", ts=other))
    messages = await server.slack.wait_for_messages("C1CHAN", 2)
    assert messages[1]["thread_ts"] == other and "given in the report" not in blocks_text(messages[1])


async def test_a_dm_is_one_conversation_even_outside_threads(server: SlackServer) -> None:
    await server.event(dm_event("tell me about Hun Manet"))
    await server.slack.wait_for_messages("D1DM", 1)
    await server.event(dm_event("what did he ask for?"))
    messages = await server.slack.wait_for_messages("D1DM", 2)
    assert "satellite" in blocks_text(messages[1])


async def test_help_in_a_mention_is_help_not_a_search(server: SlackServer) -> None:
    ts = message_ts()
    await server.event(mention_event("help", ts=ts))
    [msg] = await server.slack.wait_for_messages("C1CHAN", 1)
    text = blocks_text(msg)
    assert "/briefing" in text and "Malaysia" not in text and msg["thread_ts"] == ts


async def test_a_greeting_in_a_mention_is_greeted(server: SlackServer) -> None:
    await server.event(mention_event("hi!", ts=message_ts()))
    [msg] = await server.slack.wait_for_messages("C1CHAN", 1)
    assert "Hello" in blocks_text(msg) and "does not cover" not in blocks_text(msg)


async def test_a_ccd_user_in_a_mention_is_not_searched_for(server: SlackServer) -> None:
    await server.event(mention_event("cc <@U0BOB> how many people died?", ts=message_ts()))
    [msg] = await server.slack.wait_for_messages("C1CHAN", 1)
    text = blocks_text(msg)
    assert "At least 11" in text and "does not cover" not in text


async def test_a_ccd_user_in_ask_is_not_searched_for(server: SlackServer) -> None:
    await server.command("/ask", "<@U0BOB|bob> how many people died?")
    await server.settle()
    [msg] = server.slack.messages("C1CHAN")
    text = blocks_text(msg)
    assert "At least 11" in text and "does not cover" not in text


async def test_follow_ups_by_ask_are_one_conversation_per_person(server: SlackServer) -> None:
    await server.command("/ask", "how many people were killed?")
    await server.settle()
    await server.command("/ask", "who said that?")
    await server.settle()
    await server.command("/ask", "who said that?", user="U2OTHER")
    await server.settle()
    first, mine, theirs = server.slack.messages("C1CHAN")
    assert "given in the report" in blocks_text(mine) and "given in the report" not in blocks_text(theirs)
