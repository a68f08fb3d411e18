"""The morning briefing: what changed since the channel's last briefing, and sizes that fit."""

from __future__ import annotations

import datetime as dt
import json

from bot.adapters.discord.render import render as discord_render
from bot.adapters.slack.render import render as slack_render
from bot.core.models import Evidence, Figure
from bot.core.store import Store
from bot.schedule import subscriptions as subs
from bot.schedule.deliverer import Deliverer
from bot.schedule.morning import Baseline, morning_reply, snapshot
from bot.schedule.subscriptions import parse_options
from tests.fakes.slack_api import FakeSlackAPI

SOURCE = "src-2025-12-12-hun-manet-calls"


def _newer_killed(store: Store) -> None:
    fig = Figure(id="fg-killed-2025-12-14", metric="killed", value=14, qualifier="at_least", scope="",
                 as_of=dt.date(2025, 12, 14), source_id=SOURCE,
                 evidence=[Evidence(source_id=SOURCE, quote="at least 11 people have died")])
    with store.begin() as conn:
        store.add_figure(fig, conn)
        store.bump_revision(conn)


async def test_what_changed_lists_a_figure_changed_between_two_briefings(
        store: Store, slack: FakeSlackAPI, poster) -> None:  # noqa: ANN001
    sub = subs.upsert(store, "slack", "T0TEST", "C0MORNING", parse_options("08:00 Asia/Bangkok"), "t")[0]
    deliverer = Deliverer(store, {"slack": poster})
    assert await deliverer.deliver(sub, dt.date(2025, 12, 13)) == "sent"
    first = slack.messages("C0MORNING")[0]["text"]
    assert "First morning briefing" in first

    _newer_killed(store)
    deliverer._checked = 0.0  # the revision check is throttled; look now
    assert await deliverer.deliver(sub, dt.date(2025, 12, 14)) == "sent"
    reply, _shown = deliverer.build(await deliverer.briefing(), sub, dt.date(2025, 12, 14))
    changed = next(s for s in reply.sections if s.heading.startswith("What changed"))
    assert changed.heading == "What changed since 13 Dec 2025"
    assert any(item.startswith("Killed: at least 14 people killed, up from at least 11 on 12 Dec 2025")
               for item in changed.items), changed.items
    # Injured did not change, so it is not listed as a change.
    assert not any(item.startswith("Injured") for item in changed.items)
    posted = slack.messages("C0MORNING")[1]["text"]
    assert "up from at least 11 on 12 Dec 2025" in posted


def test_nothing_new_says_so(store: Store) -> None:
    b = store.load_briefing()
    reply = morning_reply(b, dt.date(2025, 12, 13), "short", Baseline.from_shown(dt.date(2025, 12, 12), snapshot(b)))
    assert "No new figures, events or statements since the briefing of 12 Dec 2025." in reply.to_text()
    assert "unchanged since 12 Dec 2025" in reply.to_text()


def test_since_a_date_counts_everything_after_it_as_new(store: Store) -> None:
    b = store.load_briefing()
    reply = morning_reply(b, dt.date(2025, 12, 13), "full", Baseline(date=dt.date(2025, 12, 11)))
    changed = reply.sections[0]
    assert changed.heading == "What changed since 11 Dec 2025"
    assert any("Friday-evening calls" in item for item in changed.items)


def test_short_fits_one_message_and_full_splits_cleanly(store: Store) -> None:
    b = store.load_briefing()
    for baseline in (Baseline(), Baseline(date=dt.date(2025, 12, 11))):
        short = morning_reply(b, dt.date(2025, 12, 13), "short", baseline)
        assert len(slack_render(short)) == 1
        discord = discord_render(short)
        assert len(discord) == 1 and len(discord[0].embeds) == 1
    full = morning_reply(b, dt.date(2025, 12, 13), "full", Baseline(date=dt.date(2025, 12, 11)))
    parts = slack_render(full)
    text = json.dumps([p["blocks"] for p in parts], ensure_ascii=False)
    for section in full.sections:
        if section.heading:
            assert section.heading in text
    for message in discord_render(full):
        for embed in message.embeds:
            assert len(embed.get("description", "")) <= 4096
