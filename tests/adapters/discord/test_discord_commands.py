"""Slash commands through the real discord.py client and the fake gateway."""

from __future__ import annotations

import asyncio

from bot.adapters.discord.render import render
from bot.core.answer import Answer
from bot.core.reply import Asker, Reply, Section
from tests.adapters.discord.conftest import embed_chars, message_payloads, response_to, start_service, text_of
from tests.fakes.discord_server import FakeDiscord

EPHEMERAL = 64
MANAGE_GUILD = 0x20


def option(name: str, value: object, kind: int = 3, focused: bool = False) -> dict:
    data = {"name": name, "type": kind, "value": value}
    if focused:
        data["focused"] = True
    return data


async def test_commands_sync_to_the_guild_with_names_options_descriptions(fake: FakeDiscord, bot) -> None:
    body = fake.synced[fake.guild_id]
    assert "global" not in fake.synced
    by_name = {c["name"]: c for c in body}
    assert set(by_name) == {"briefing", "casualties", "ask", "timeline", "claims", "sources", "briefhelp",
                            "who", "follow", "subscribe", "unsubscribe", "subscriptions", "review", "watch"}
    assert all(c["description"] for c in body)
    assert by_name["briefing"]["options"] == [
        {"type": 5, "name": "full", "description": "Show every figure, event and claim", "required": False},
        {"type": 3, "name": "name", "description": "Another briefing than the one this channel follows",
         "required": False, "autocomplete": True}]
    follow = by_name["follow"]["options"][0]
    assert (follow["name"], follow["required"], follow["autocomplete"]) == ("name", False, True)
    assert by_name["follow"]["default_member_permissions"] is None  # everyone may see which; admins switch
    ask = by_name["ask"]["options"][0]
    assert (ask["name"], ask["type"], ask["required"], ask["autocomplete"]) == ("question", 3, True, True)
    who = by_name["who"]["options"][0]
    assert (who["name"], who["required"], who["autocomplete"]) == ("name", True, True)
    assert by_name["subscribe"]["options"][0]["name"] == "args"
    for name in ("subscribe", "unsubscribe", "subscriptions", "review", "watch"):
        assert by_name[name]["default_member_permissions"] == MANAGE_GUILD
    assert by_name["casualties"]["default_member_permissions"] is None


async def test_commands_sync_globally_without_a_guild_id(fake: FakeDiscord, core) -> None:
    service = await start_service(fake, core, guild=False)
    try:
        assert fake.find("PUT", f"/applications/{fake.app_id}/commands")
        assert len(fake.synced["global"]) == 14 and fake.guild_id not in fake.synced
    finally:
        await service.stop()


async def test_casualties_embed_has_figures_qualifiers_dates_and_source(fake: FakeDiscord, bot) -> None:
    data = await response_to(fake, await fake.push_interaction("casualties"))
    assert not data.get("flags", 0) & EPHEMERAL  # public
    fields = {f["name"]: f["value"] for e in data["embeds"] for f in e.get("fields", [])}
    assert "at least 11" in fields["Killed"] and "12 Dec 2025" in fields["Killed"]
    assert "nearly 60" in fields["Injured"]
    assert "more than 303,000" in fields["Displaced"]
    text = text_of(data)
    assert data["embeds"][0]["title"].startswith("Casualties")
    assert "Sources: Hun Manet Asks Trump, Anwar" in data["embeds"][-1]["footer"]["text"]
    assert "2025-12-12" in text
    # Footnotes carry the verbatim quote.
    assert "“To date, at least 11 people have died, and nearly 60 have been injured.”" in text


async def test_briefing_short_and_full(fake: FakeDiscord, bot, core) -> None:
    short = await response_to(fake, await fake.push_interaction("briefing"))
    assert "as of" in short["embeds"][0]["title"]
    assert not short.get("flags", 0) & EPHEMERAL
    assert "**Latest**" in text_of(short)
    iid = await fake.push_interaction("briefing", [option("full", True, kind=5)])
    first = await response_to(fake, iid)
    # The full briefing may need more than one message (6,000 characters each): wait for every part.
    parts = len(render(await core.handle("briefing", "full")))
    follow = await fake.wait_for_call("POST", f"/webhooks/{fake.app_id}/tok-{iid}", count=parts - 1) if parts > 1 else []
    full = "\n".join([text_of(first), *(text_of(c.body) for c in follow)])
    assert "**Timeline**" in full and "Who's who" in full
    assert len(full) > len(text_of(short))


async def test_timeline_claims_sources_help_and_who(fake: FakeDiscord, bot) -> None:
    timeline = text_of(await response_to(fake, await fake.push_interaction("timeline")))
    assert "Timeline" in timeline and "• " in timeline and "Friday evening" in timeline
    claims = text_of(await response_to(fake, await fake.push_interaction("claims")))
    assert "Contested claims" in claims and "disputed" in claims
    sources = text_of(await response_to(fake, await fake.push_interaction("sources")))
    assert "Hun Manet Asks Trump, Anwar" in sources and "2025-12-12" in sources
    help_data = await response_to(fake, await fake.push_interaction("briefhelp"))
    assert help_data["flags"] & EPHEMERAL and "/casualties" in text_of(help_data)
    who = text_of(await response_to(fake, await fake.push_interaction("who", [option("name", "Hun Manet")])))
    assert "Prime Minister" in who and "[1]" in who
    nobody = await response_to(fake, await fake.push_interaction("who", [option("name", "Napoleon")]))
    assert nobody["flags"] & EPHEMERAL and "does not cover" in text_of(nobody)


async def test_ask_a_question_the_briefing_cannot_answer(fake: FakeDiscord, bot) -> None:
    question = "What is the capital of Australia?"
    data = await response_to(fake, await fake.push_interaction("ask", [option("question", question)]))
    text = text_of(data)
    assert question in text
    assert "does not cover" in text or "not covered" in text
    assert "Sources:" not in text  # no citations for an answer it does not have


async def test_ask_answered_with_citations(fake: FakeDiscord, bot) -> None:
    data = await response_to(fake, await fake.push_interaction(
        "ask", [option("question", "How many people were displaced?")]))
    text = text_of(data)
    assert "303,000" in text and "[1] “" in text and data["embeds"][-1]["footer"]["text"].startswith("Sources:")


async def test_oversized_question_refused_politely(fake: FakeDiscord, bot) -> None:
    data = await response_to(fake, await fake.push_interaction("ask", [option("question", "why? " * 300)]))
    assert data["flags"] & EPHEMERAL
    assert "under 1,000 characters" in text_of(data)


async def test_feature_command_gets_text_and_a_managing_asker(fake: FakeDiscord, bot, core) -> None:
    seen: list[tuple[str, Asker]] = []

    async def subscribe(text: str, asker: Asker) -> Reply:
        seen.append((text, asker))
        return Reply(title="Subscribed", ephemeral=True, sections=[Section(text=f"OK: {text}")])

    core.register("subscribe", subscribe)
    args = "07:30 Asia/Phnom_Penh mon-fri short"
    data = await response_to(fake, await fake.push_interaction(
        "subscribe", [option("args", args)], permissions=MANAGE_GUILD | 0x800))
    text, asker = seen[0]
    assert text == args
    assert (asker.platform, asker.user_id, asker.channel_id, asker.workspace_id, asker.can_manage) == (
        "discord", fake.user_id, fake.channel_id, fake.guild_id, True)
    assert data["flags"] & EPHEMERAL and args in text_of(data)
    await response_to(fake, await fake.push_interaction("subscribe", [option("args", "x")], permissions=0x800))
    assert seen[1][1].can_manage is False


async def test_feature_command_absent_from_the_core_answers_help(fake: FakeDiscord, bot, core) -> None:
    core.extra.pop("review", None)  # as when the review feature is not installed
    data = await response_to(fake, await fake.push_interaction("review", permissions=MANAGE_GUILD))
    assert data["flags"] & EPHEMERAL and "/briefing" in text_of(data)


async def test_who_autocomplete_offers_briefing_actors(fake: FakeDiscord, bot, core) -> None:
    iid = await fake.push_interaction("who", [option("name", "hun", focused=True)], kind=4)
    call = (await fake.wait_for_call("POST", f"/interactions/{iid}/"))[0]
    assert call.body["type"] == 8
    names = [c["name"] for c in call.body["data"]["choices"]]
    assert "Hun Manet" in names
    assert set(names) <= {a.name for a in core.briefing.actors}
    iid = await fake.push_interaction("ask", [option("question", "killed", focused=True)], kind=4)
    call = (await fake.wait_for_call("POST", f"/interactions/{iid}/"))[0]
    assert [c["value"] for c in call.body["data"]["choices"]] == ["How many people have been killed?"]


class SlowAnswerer:
    """The real offline engine behind a delay, as a model call would be."""

    def __init__(self, engine: object, delay: float, gate: asyncio.Event) -> None:
        self.engine, self.delay, self.gate = engine, delay, gate

    async def answer(self, question: str, asker: Asker | None = None) -> Answer:
        await self.gate.wait()
        return await self.engine.answer(question, asker)  # type: ignore[attr-defined]


async def test_slow_answer_is_deferred_then_followed_up(fake: FakeDiscord, core) -> None:
    gate = asyncio.Event()
    core.answerer = SlowAnswerer(core.answerer, 0, gate)
    service = await start_service(fake, core, defer_after=0.05)
    try:
        iid = await fake.push_interaction("ask", [option("question", "How many people were displaced?")])
        callback = (await fake.wait_for_call("POST", f"/interactions/{iid}/"))[0]
        assert callback.body["type"] == 5  # deferred: "the bot is thinking"
        assert not fake.find("POST", f"/webhooks/{fake.app_id}/tok-{iid}")
        gate.set()
        follow = (await fake.wait_for_call("POST", f"/webhooks/{fake.app_id}/tok-{iid}"))[0]
        assert "303,000" in text_of(follow.body)
        assert follow.body["allowed_mentions"] == {"parse": []}
    finally:
        await service.stop()


async def test_429_on_the_interaction_response_is_waited_out_and_sent_once(fake: FakeDiscord, bot) -> None:
    fake.fail_next("POST", "/interactions/", status=429, retry_after=0.05)
    iid = await fake.push_interaction("casualties")
    calls = await fake.wait_for(lambda: (c := fake.interaction_calls(iid)) and c[-1].status == 200 and c)
    assert [c.status for c in calls] == [429, 200]
    assert len(fake.interaction_calls(iid)) == 2 and "at least 11" in text_of(calls[-1].body["data"])


async def test_a_reply_over_the_limits_is_split_into_followups(fake: FakeDiscord, bot, core) -> None:
    from tests.adapters.discord.test_discord_render import long_reply

    reply = long_reply()

    async def review(_text: str, _asker: Asker) -> Reply:
        return reply

    core.register("review", review)
    iid = await fake.push_interaction("review", permissions=MANAGE_GUILD)
    await fake.wait_for_call("POST", f"/webhooks/{fake.app_id}/tok-{iid}", count=2)
    await asyncio.sleep(0.2)  # let any further followups land
    payloads = message_payloads(fake)
    assert len(payloads) >= 3
    for p in payloads:
        assert len(p["embeds"]) <= 10
        assert sum(embed_chars(e) for e in p["embeds"]) <= 6000
    text = "\n".join(text_of(p) for p in payloads)
    for c in reply.citations:
        assert text.count(f"“{c.quote}”") == 1  # every quote whole, exactly once


async def test_every_message_pings_nobody(fake: FakeDiscord, bot) -> None:
    await response_to(fake, await fake.push_interaction("ask", [option("question", "@everyone <@&1> hi")]))
    await fake.push_message("@everyone who fired first?", mention_bot=True)
    await fake.wait_for_call("POST", f"/channels/{fake.channel_id}/messages")
    payloads = message_payloads(fake)
    assert len(payloads) >= 2
    for p in payloads:
        mentions = p["allowed_mentions"]
        assert mentions.get("parse") == [] and not mentions.get("users") and not mentions.get("roles")
        assert mentions.get("replied_user") in (None, False)


async def test_follow_switches_the_channels_briefing(fake: FakeDiscord, bot, core) -> None:
    from tests.briefing_helpers import add_conflict

    add_conflict(core.store)
    refused = await response_to(fake, await fake.push_interaction("follow", [option("name", "ruritania")],
                                                                   permissions=0x800))
    assert refused["flags"] & EPHEMERAL and "Not allowed" in text_of(refused)
    done = await response_to(fake, await fake.push_interaction("follow", [option("name", "ruritania")],
                                                                permissions=MANAGE_GUILD | 0x800))
    assert "Ruritania–Freedonia war" in text_of(done)
    here = await response_to(fake, await fake.push_interaction("casualties", []))
    assert "at least 42 people" in text_of(here) and "at least 11" not in text_of(here)
    named = await response_to(fake, await fake.push_interaction("briefing", [option("name", "cambodia-thailand")]))
    assert "at least 11" in text_of(named)
