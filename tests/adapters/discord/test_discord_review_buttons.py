"""Review on Discord: a card with buttons per new report; presses as component interactions through the
real discord.py client and the fake Discord gateway."""

from __future__ import annotations

import asyncio
import json

from sqlalchemy import func, select

from bot.adapters.discord.review import DiscordCardPoster
from bot.core.store import figures
from bot.ingest import review_cards as rc
from bot.ingest.pipeline import ingest
from bot.ingest.tables import candidates
from tests.fakes.discord_server import FakeDiscord
from tests.ingest.helpers import REPORTS

MANAGE_GUILD = 0x20


def statuses(store) -> dict[int, str]:  # noqa: ANN001
    with store.begin() as c:
        return {r.id: r.status for r in c.execute(select(candidates.c.id, candidates.c.status))}


def figure_count(store) -> int:  # noqa: ANN001
    with store.begin() as c:
        return c.execute(select(func.count()).select_from(figures)).scalar_one()


def custom_ids(components: list[dict]) -> list[str]:
    return [b["custom_id"] for row in components for b in row.get("components", [])]


async def press(fake: FakeDiscord, custom_id: str, message: dict, permissions: int) -> list:
    iid = await fake.push_component(custom_id, message, permissions=permissions)
    return await fake.wait_for_call("POST", f"/interactions/{iid}/")


async def test_a_report_is_reviewed_with_buttons(fake: FakeDiscord, bot, core) -> None:  # noqa: ANN001
    store = core.store
    channel = fake.channel_id
    rc.set_review_channel(store, "default", "discord", fake.guild_id, channel)
    result = await asyncio.to_thread(ingest, store, str(REPORTS / "2025-12-24-toll-rises.txt"))
    ids = [cid for cid, _ in result.queued]
    sender = rc.CardSender(store, {"discord": DiscordCardPoster(bot.client)})
    assert await sender.run() == 1 and await sender.run() == 0
    [card] = fake.messages[channel]
    assert "rose to 21 on Wednesday" in card["embeds"][0]["description"]
    buttons = custom_ids(card["components"])
    assert [f"review:approve:{i}" for i in ids] == [b for b in buttons if b.startswith("review:approve:")]
    assert f"review:all:{ids[0]}" in buttons
    before = figure_count(store)

    # Not a reviewer: an ephemeral refusal, nothing changes.
    [refused] = await press(fake, f"review:approve:{ids[0]}", card, permissions=0)
    assert refused.body["type"] == 4 and refused.body["data"]["flags"] & 64
    assert refused.body["data"]["content"].startswith("Not allowed")
    assert set(statuses(store).values()) == {"pending"}

    # A reviewer approves: applied once, the card is updated in place (type 7) saying who.
    [updated] = await press(fake, f"review:approve:{ids[0]}", card, permissions=MANAGE_GUILD)
    assert updated.body["type"] == 7
    assert statuses(store)[ids[0]] == "approved" and figure_count(store) == before + 1
    embed = updated.body["data"]["embeds"][0]
    assert "approved by asker at" in embed["description"]
    assert f"review:approve:{ids[0]}" not in custom_ids(updated.body["data"]["components"])

    # Pressed again on the old card: nothing applied twice; the presser is told who was first.
    [again] = await press(fake, f"review:approve:{ids[0]}", card, permissions=MANAGE_GUILD)
    assert again.body["type"] == 7 and figure_count(store) == before + 1
    follow = await fake.wait_for_call("POST", f"/webhooks/{fake.app_id}/")
    assert "already approved by asker" in json.dumps(follow[-1].body)

    # Reject one, Approve all the rest.
    await press(fake, f"review:reject:{ids[1]}", card, permissions=MANAGE_GUILD)
    [done] = await press(fake, f"review:all:{ids[0]}", card, permissions=MANAGE_GUILD)
    final = statuses(store)
    assert final[ids[1]] == "rejected" and all(final[i] == "approved" for i in ids if i != ids[1])
    assert done.body["data"]["components"] == []
