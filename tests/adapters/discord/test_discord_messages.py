"""Mentions and DMs answered as replies; own, bot and repeated messages ignored."""

from __future__ import annotations

import asyncio

from tests.adapters.discord.conftest import message_payloads, text_of
from tests.fakes.discord_server import FakeDiscord, snowflake


async def test_mention_answered_as_a_reply_with_citations(fake: FakeDiscord, bot) -> None:
    message_id = await fake.push_message("how many people were displaced?", mention_bot=True)
    [call] = await fake.wait_for_call("POST", f"/channels/{fake.channel_id}/messages")
    assert str(call.body["message_reference"]["message_id"]) == message_id
    assert call.body["allowed_mentions"]["replied_user"] is False
    text = text_of(call.body)
    assert "[1] “" in text and "Sources:" in text  # numbered footnotes with quotes, sources in the footer
    assert "303,000" in text


async def test_mention_with_a_command(fake: FakeDiscord, bot) -> None:
    await fake.push_message("/casualties", mention_bot=True)
    [call] = await fake.wait_for_call("POST", f"/channels/{fake.channel_id}/messages")
    text = text_of(call.body)
    assert "at least 11" in text and "nearly 60" in text and "more than 303,000" in text


async def test_direct_message_answered_in_the_dm(fake: FakeDiscord, bot) -> None:
    dm = snowflake(9)
    message_id = await fake.push_message("who asked for satellite verification?", dm=True)
    [call] = await fake.wait_for_call("POST", f"/channels/{dm}/messages")
    assert str(call.body["message_reference"]["message_id"]) == message_id
    assert "Hun Manet" in text_of(call.body)


async def test_own_bot_unmentioned_and_repeated_messages_ignored(fake: FakeDiscord, bot) -> None:
    await fake.push_message("I am the bot", mention_bot=True, author_id=fake.bot_id)
    await fake.push_message("another bot asks", mention_bot=True, author_id=snowflake(77), author_bot=True)
    await fake.push_message("chatter without a mention")
    # A marker message that is answered: everything pushed before it has been handled by then.
    await fake.push_message("/sources", mention_bot=True)
    await fake.wait_for_call("POST", f"/channels/{fake.channel_id}/messages")
    await asyncio.sleep(0.1)
    assert len(fake.messages[fake.channel_id]) == 1
    assert "Sources" in text_of(fake.messages[fake.channel_id][0])


async def test_a_redelivered_message_is_answered_once(fake: FakeDiscord, bot) -> None:
    message_id = await fake.push_message("/sources", mention_bot=True)
    data = fake.message(message_id, fake.channel_id, f"<@{fake.bot_id}> /sources", fake.user(),
                        mentions=[fake.bot_user()], guild_id=fake.guild_id)
    await fake.dispatch("MESSAGE_CREATE", data)
    await fake.push_message("/timeline", mention_bot=True)
    await fake.wait_for_call("POST", f"/channels/{fake.channel_id}/messages", count=2)
    await asyncio.sleep(0.1)
    assert len(fake.messages[fake.channel_id]) == 2


async def test_429_on_a_reply_is_waited_out_and_delivered_once(fake: FakeDiscord, bot) -> None:
    path = f"/channels/{fake.channel_id}/messages"
    fake.fail_next("POST", path, status=429, retry_after=0.05)
    await fake.push_message("/casualties", mention_bot=True)
    await fake.wait_for_call("POST", path)
    assert [c.status for c in fake.find("POST", path, status=None)] == [429, 200]
    assert len(fake.messages[fake.channel_id]) == 1
    assert len(message_payloads(fake)) == 1


async def test_a_long_answer_is_split_over_several_messages(fake: FakeDiscord, bot, core) -> None:
    from tests.adapters.discord.test_discord_render import long_reply

    async def review(_text: str, _asker: object) -> object:
        return long_reply()

    core.register("review", review)
    await fake.push_message("/review", mention_bot=True)
    calls = await fake.wait_for_call("POST", f"/channels/{fake.channel_id}/messages", count=3)
    assert "message_reference" in calls[0].body
    assert all("message_reference" not in c.body for c in calls[1:])
