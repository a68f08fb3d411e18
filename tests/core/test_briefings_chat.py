"""Chat with several briefings: a channel follows one, commands name one, questions about another go there."""

from __future__ import annotations

import dataclasses

import pytest

from bot.app import build_core, open_store
from bot.config import Settings
from bot.core.reply import Asker
from tests.briefing_helpers import add_conflict

ADMIN = Asker(platform="slack", user_id="UADMIN", channel_id="C1OPS", workspace_id="T1", can_manage=True)
MEMBER = Asker(platform="slack", user_id="UMEMBER", channel_id="C1OPS", workspace_id="T1")
ELSEWHERE = Asker(platform="slack", user_id="UMEMBER", channel_id="C2NEWS", workspace_id="T1")


@pytest.fixture
def core2(settings: Settings):  # noqa: ANN201 - a Core over two briefings
    store = open_store(settings)
    add_conflict(store)
    return build_core(settings, store)


async def test_a_channel_follows_the_briefing_its_admin_chose(core2) -> None:  # noqa: ANN001
    shown = await core2.handle("follow", "", MEMBER)
    assert shown.title == "This channel follows: cambodia-thailand"
    assert any("ruritania — Ruritania–Freedonia war" in i for s in shown.sections for i in s.items)
    refused = await core2.handle("follow", "ruritania", MEMBER)
    assert refused.title == "Not allowed" and not refused.found
    unknown = await core2.handle("follow", "atlantis", ADMIN)
    assert "no briefing called “atlantis”" in unknown.to_text() and "ruritania" in unknown.to_text()
    done = await core2.handle("follow", "ruritania", ADMIN)
    assert done.found and done.briefing == "ruritania"
    here = await core2.handle("casualties", "", MEMBER)
    assert here.briefing == "ruritania" and "at least 42 people" in here.to_text()
    assert "Ruritania–Freedonia war" in here.title
    there = await core2.handle("casualties", "", ELSEWHERE)  # another channel keeps the default
    assert there.briefing == "cambodia-thailand" and "at least 11 people" in there.to_text()
    assert "42" not in there.to_text()


async def test_briefing_and_casualties_take_a_briefing_name(core2) -> None:  # noqa: ANN001
    reply = await core2.handle("briefing", "ruritania", ELSEWHERE)
    assert reply.briefing == "ruritania" and reply.title.startswith("Ruritania–Freedonia war")
    full = await core2.handle("briefing", "full ruritania", ELSEWHERE)
    assert full.briefing == "ruritania" and "Who's who" in full.to_text()
    assert (await core2.handle("casualties", "ruritania", ELSEWHERE)).briefing == "ruritania"
    assert "takes no arguments" in (await core2.handle("casualties", "atlantis", ELSEWHERE)).to_text()
    cli = await core2.handle("sources", "", None, briefing="ruritania")
    assert "Zenda valley" in cli.to_text() and "Hun Manet" not in cli.to_text()


async def test_a_question_about_another_briefings_conflict_is_answered_from_it(core2) -> None:  # noqa: ANN001
    home = await core2.handle("ask", "How many people have been killed?", ELSEWHERE)
    assert home.briefing == "cambodia-thailand" and "11" in home.answer
    away = await core2.handle("ask", "How many people have been killed in Ruritania?", ELSEWHERE)
    assert away.briefing == "ruritania" and "42" in away.answer and "11" not in away.answer
    assert away.answer.startswith("(From the Ruritania–Freedonia war briefing.)")
    assert {c.source_id for c in away.citations} == {"src-ruritania-2026-03-03"}
    # Naming the channel's own conflict keeps the answer there, and so does a question pinned by name.
    own = await core2.handle("ask", "How many people have been killed in Cambodia?", ELSEWHERE)
    assert own.briefing == "cambodia-thailand"
    pinned = await core2.handle("ask", "How many people have been killed in Ruritania?", None,
                                briefing="cambodia-thailand")
    assert pinned.briefing == "cambodia-thailand" and "42" not in pinned.answer


async def test_a_briefing_changed_elsewhere_is_reloaded(core2, settings: Settings) -> None:  # noqa: ANN001
    assert "42" in (await core2.handle("casualties", "ruritania")).to_text()
    other = open_store(settings)  # another process: this core learns of it only through the store
    add_conflict(other, "atlantis", "Atlantis–Lemuria war")
    core2.store.changed_here = True  # skip the once-a-second wait
    listed = await core2.handle("follow", "", MEMBER)
    assert any(i.startswith("atlantis — ") for s in listed.sections for i in s.items)
    assert (await core2.handle("casualties", "atlantis")).briefing == "atlantis"


async def test_a_subscription_names_its_briefing(core2) -> None:  # noqa: ANN001
    from bot.schedule import subscriptions as subs
    from bot.schedule.commands import register

    register(core2, core2.store, {})
    reply = await core2.handle("subscribe", "07:30 UTC ruritania", ADMIN)
    assert reply.found and "briefing ruritania" in reply.to_text()
    elsewhere = dataclasses.replace(ADMIN, channel_id="C3OTHER")
    await core2.handle("subscribe", "08:00", elsewhere)
    followed = dataclasses.replace(ADMIN, channel_id="C4RURI")
    await core2.handle("follow", "ruritania", followed)
    await core2.handle("subscribe", "", followed)
    by_channel = {s.channel: s.briefing for s in subs.all_subscriptions(core2.store)}
    assert by_channel == {"C1OPS": "ruritania", "C3OTHER": "cambodia-thailand", "C4RURI": "ruritania"}
    await core2.handle("subscribe", "09:00", ADMIN)  # a change that names no briefing keeps it
    assert subs.find(core2.store, "slack", "T1", "C1OPS").briefing == "ruritania"


async def test_a_follow_set_on_another_replica_is_seen(core2, settings: Settings) -> None:  # noqa: ANN001
    other = build_core(settings, open_store(settings))  # a second replica on the same database
    assert (await other.handle("casualties", "", MEMBER)).briefing == "cambodia-thailand"  # remembered now
    await core2.handle("follow", "ruritania", ADMIN)
    other.store.changed_here = True  # skip the once-a-second wait; the store's revision has moved
    assert (await other.handle("casualties", "", MEMBER)).briefing == "ruritania"
