"""Conversations through the real discord.py client: a reply to the bot's answer is a follow-up, a DM is
one conversation, help and cc'd users in a mention, and a cc'd user in /ask."""

from __future__ import annotations

from tests.adapters.discord.conftest import response_to, text_of
from tests.fakes.discord_server import FakeDiscord, snowflake


def option(name: str, value: object) -> dict:
    return {"name": name, "type": 3, "value": value}


async def answer_to(fake: FakeDiscord, channel: str, n: int) -> dict:
    calls = await fake.wait_for_call("POST", f"/channels/{channel}/messages", count=n)
    return calls[n - 1].body


async def test_a_reply_to_the_answer_is_a_follow_up(fake: FakeDiscord, bot) -> None:
    await fake.push_message("tell me about Hun Manet", mention_bot=True)
    await answer_to(fake, fake.channel_id, 1)
    answer_id = fake.messages[fake.channel_id][-1]["id"]
    await fake.push_message("what did he ask for?", mention_bot=True, reply_to=answer_id)
    follow_up = text_of(await answer_to(fake, fake.channel_id, 2))
    assert "satellite" in follow_up
    # A reply to the follow-up's answer is still the same conversation.
    await fake.push_message("when was that?", mention_bot=True, reply_to=fake.messages[fake.channel_id][-1]["id"])
    assert "Friday evening" in text_of(await answer_to(fake, fake.channel_id, 3))


async def test_a_new_mention_starts_a_new_conversation(fake: FakeDiscord, bot) -> None:
    await fake.push_message("how many people were killed?", mention_bot=True)
    await answer_to(fake, fake.channel_id, 1)
    await fake.push_message("who said that?", mention_bot=True)  # not a reply: nothing to refer to
    text = text_of(await answer_to(fake, fake.channel_id, 2))
    assert "given in the report" not in text


async def test_a_dm_is_one_conversation(fake: FakeDiscord, bot) -> None:
    dm = snowflake(9)
    await fake.push_message("tell me about Hun Manet", dm=True)
    await answer_to(fake, dm, 1)
    await fake.push_message("what did he ask for?", dm=True)
    assert "satellite" in text_of(await answer_to(fake, dm, 2))


async def test_help_and_a_ccd_user_in_a_mention(fake: FakeDiscord, bot) -> None:
    await fake.push_message("help", mention_bot=True)
    help_text = text_of(await answer_to(fake, fake.channel_id, 1))
    assert "/briefing" in help_text and "Malaysia" not in help_text
    await fake.push_message("<@!123456789012345678> how many people died?", mention_bot=True)
    text = text_of(await answer_to(fake, fake.channel_id, 2))
    assert "at least 11" in text.lower() and "does not cover" not in text


async def test_a_ccd_user_in_ask(fake: FakeDiscord, bot) -> None:
    data = await response_to(fake, await fake.push_interaction(
        "ask", [option("question", "cc <@123456789012345678> how many people died?")]))
    text = text_of(data)
    assert "at least 11" in text.lower() and "does not cover" not in text


async def test_a_reply_reaching_a_fresh_process_keeps_the_thread(fake: FakeDiscord, core) -> None:
    """The process that answered is gone (a restart, or another replica answers): the reply still finds its
    conversation, from the answer it replies to and the turns kept in the store."""
    from tests.adapters.discord.conftest import start_service

    first = await start_service(fake, core)
    await fake.push_message("tell me about Hun Manet", mention_bot=True)
    await answer_to(fake, fake.channel_id, 1)
    answer_id = fake.messages[fake.channel_id][-1]["id"]
    await first.stop()
    second = await start_service(fake, core)
    try:
        await fake.push_message("what did he ask for?", mention_bot=True, reply_to=answer_id)
        assert "satellite" in text_of(await answer_to(fake, fake.channel_id, 2))
    finally:
        await second.stop()
