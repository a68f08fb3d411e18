"""Review in Slack: a card per new report, and signed block_actions presses through the real Bolt app."""

from __future__ import annotations

import asyncio
import json

from sqlalchemy import func, select

from bot.adapters.slack.listeners.actions import SlackCardPoster
from bot.core.store import figures
from bot.ingest import review_cards as rc
from bot.ingest.pipeline import ingest
from bot.ingest.tables import candidates
from tests.adapters.slack.conftest import SECRET, SlackServer
from tests.fakes.slack_requests import block_actions_body, signed_headers
from tests.ingest.helpers import REPORTS

CHANNEL = "C0REVIEW"


def statuses(store) -> dict[int, str]:  # noqa: ANN001
    with store.begin() as c:
        return {r.id: r.status for r in c.execute(select(candidates.c.id, candidates.c.status))}


def figure_count(store) -> int:  # noqa: ANN001
    with store.begin() as c:
        return c.execute(select(func.count()).select_from(figures)).scalar_one()


async def press(server: SlackServer, action_id: str, value: str, user: str, ts: str, *,
                secret: str = SECRET) -> int:
    body = block_actions_body(action_id, value, channel_id=CHANNEL, message_ts=ts, user_id=user)
    resp = await server.post(body, signed_headers(secret, body))
    await server.settle()
    return resp.status


async def test_a_report_is_reviewed_with_buttons(server: SlackServer) -> None:
    slack, store = server.slack, server.core.store
    slack.add_channel(CHANNEL, name="review")
    slack.add_user("UADMIN", name="Ana", admin=True)
    slack.add_user("UMEMBER", name="Max")
    rc.set_review_channel(store, "default", "slack", "T0TEST", CHANNEL)
    result = await asyncio.to_thread(ingest, store, str(REPORTS / "2025-12-24-toll-rises.txt"))
    ids = [cid for cid, _ in result.queued]
    sender = rc.CardSender(store, {"slack": SlackCardPoster(server.service.client)})
    assert await sender.run() == 1
    assert await sender.run() == 0  # one card per report, however often the round runs
    [card] = slack.messages(CHANNEL)
    ts = slack.calls_to("chat.postMessage")[-1].args["ts"]
    shown = json.dumps(card["blocks"], ensure_ascii=False)
    assert "New report for review" in shown and "rose to 21 on Wednesday" in shown
    assert shown.count('"review_approve"') == len(ids) and '"review_approve_all"' in shown
    before = figure_count(store)

    # A forged press is refused by the signature check before any listener runs.
    assert await press(server, "review_approve", str(ids[0]), "UADMIN", ts, secret="not-the-secret") == 401
    # Someone who is not a reviewer: an ephemeral "not allowed", nothing changes.
    assert await press(server, "review_approve", str(ids[0]), "UMEMBER", ts) == 200
    [refusal] = [m for m in slack.messages(CHANNEL) if m["ephemeral"]]
    assert refusal["user"] == "UMEMBER" and refusal["text"].startswith("Not allowed")
    assert set(statuses(store).values()) == {"pending"} and slack.calls_to("chat.update") == []

    # The reviewer approves the death toll: applied, and the card says who and when, in place.
    assert await press(server, "review_approve", str(ids[0]), "UADMIN", ts) == 200
    assert statuses(store)[ids[0]] == "approved" and figure_count(store) == before + 1
    [update] = slack.calls_to("chat.update")
    assert update.args["ts"] == ts and update.channel == CHANNEL
    blocks = json.dumps(update.args["blocks"], ensure_ascii=False)
    assert "approved by Ana at" in blocks and blocks.count('"review_approve"') == len(ids) - 1

    # Pressed again (a double click, or a second replica): applied once; the presser is told.
    await asyncio.gather(press(server, "review_approve", str(ids[0]), "UADMIN", ts),
                         press(server, "review_approve", str(ids[0]), "UADMIN", ts))
    assert figure_count(store) == before + 1
    told = [m["text"] for m in slack.messages(CHANNEL) if m["ephemeral"] and m["user"] == "UADMIN"]
    assert len(told) == 2 and all("already approved by Ana" in t for t in told)

    # Reject one, then Approve all takes the rest.
    assert await press(server, "review_reject", str(ids[1]), "UADMIN", ts) == 200
    assert statuses(store)[ids[1]] == "rejected"
    assert await press(server, "review_approve_all", result.source_id, "UADMIN", ts) == 200
    final = statuses(store)
    assert final[ids[1]] == "rejected" and all(final[i] == "approved" for i in ids if i != ids[1])
    last = json.dumps(slack.calls_to("chat.update")[-1].args["blocks"], ensure_ascii=False)
    assert '"review_approve"' not in last and '"review_approve_all"' not in last and "rejected by Ana" in last


async def test_a_conflict_is_flagged_and_needs_approve_anyway(server: SlackServer) -> None:
    slack, store = server.slack, server.core.store
    slack.add_channel(CHANNEL, name="review")
    slack.add_user("UADMIN", name="Ana", admin=True)
    rc.set_review_channel(store, "default", "slack", "T0TEST", CHANNEL)
    result = await asyncio.to_thread(ingest, store, str(REPORTS / "2025-12-26-new-premier.txt"))
    conflicts = [cid for cid, c in result.queued if c.status == "conflict"]
    assert conflicts, "the report names another prime minister"
    assert await rc.CardSender(store, {"slack": SlackCardPoster(server.service.client)}).run() == 1
    [card] = slack.messages(CHANNEL)
    shown = json.dumps(card["blocks"], ensure_ascii=False)
    assert "Conflict:" in shown and '"review_force"' in shown
    ts = slack.calls_to("chat.postMessage")[-1].args["ts"]
    assert await press(server, "review_force", str(conflicts[0]), "UADMIN", ts) == 200
    assert statuses(store)[conflicts[0]] == "approved"
