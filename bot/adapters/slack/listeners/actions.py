"""Review cards on Slack: Block Kit with Approve / Reject per candidate and Approve all, and the presses.

A press arrives as a signed `block_actions` request on the same URL as everything else (Bolt checks the
signature and age before any listener runs). The listener acks at once; the decision and the card's
update follow. Only reviewers may press: anyone else gets an ephemeral "not allowed" and the card stays
as it was.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.deps import Deps
from bot.adapters.slack.errors import api_error
from bot.adapters.slack.mrkdwn import escape, link
from bot.delivery import TransientError
from bot.ingest import review_cards as rc

log = logging.getLogger("briefbot.slack")

ACTIONS = {"review_approve": "approve", "review_reject": "reject", "review_force": "force",
           "review_approve_all": "approve"}
NOT_ALLOWED = ("Not allowed: only reviewers may approve or reject candidates (workspace admins and owners, "
               "SLACK_ADMINS or REVIEW_REVIEWERS).")


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def card_blocks(card: rc.Card) -> list[dict[str, Any]]:
    title = link(card.url, card.title) if card.url else escape(card.title)
    who = f"{escape(card.publisher)}, " if card.publisher else ""
    blocks: list[dict[str, Any]] = [{"type": "section", "text": {"type": "mrkdwn", "text": _clip(
        f"*New report for review:* {title} ({who}{card.published})", 3000)}}]
    if card.date_note:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": f":warning: Date: {escape(card.date_note)}"}]})
    for item in card.items:
        flag = f"\n:warning: *{item.flag}:* {escape(item.reason)}" if item.flag else ""
        text = f"*#{item.id}* [{item.kind}] {escape(item.summary)}\n>{escape(_clip(item.quote, 1500))}{flag}"
        blocks.append({"type": "section", "block_id": f"cand-{item.id}", "text": {"type": "mrkdwn", "text": _clip(text, 3000)}})
        if item.open:
            approve = ({"action_id": "review_force", "text": "Approve anyway", "style": "danger"}
                       if item.flag else {"action_id": "review_approve", "text": "Approve", "style": "primary"})
            blocks.append({"type": "actions", "block_id": f"act-{item.id}", "elements": [
                {"type": "button", "action_id": approve["action_id"], "value": str(item.id), "style": approve["style"],
                 "text": {"type": "plain_text", "text": approve["text"]}},
                {"type": "button", "action_id": "review_reject", "value": str(item.id),
                 "text": {"type": "plain_text", "text": "Reject"}}]})
        else:
            mark = ":white_check_mark:" if item.status == "approved" else ":x:"
            blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": f"{mark} {escape(item.outcome())}"}]})
    if card.more:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": f"{card.more} more candidate(s): use /review"}]})
    if card.open_ids:
        blocks.append({"type": "actions", "block_id": "all", "elements": [
            {"type": "button", "action_id": "review_approve_all", "value": card.source_id, "style": "primary",
             "text": {"type": "plain_text", "text": f"Approve all ({len(card.open_ids)})"}}]})
    return blocks[:50]


class SlackCardPoster:
    """Posts review cards with chat.postMessage (no retries of its own: a card is posted at most once)."""

    platform = "slack"

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client

    async def post_card(self, channel_id: str, card: rc.Card) -> str:
        try:
            resp = await self.client.chat_postMessage(channel=channel_id, text=_clip(card.to_text(), 3000),
                                                      blocks=card_blocks(card), unfurl_links=False)
        except SlackApiError as exc:
            from bot.adapters.slack.poster import classify  # here: the poster module imports the app

            raise classify(exc, channel_id) from None
        except (TimeoutError, OSError, aiohttp.ClientError) as exc:
            raise TransientError(f"Slack unreachable posting to {channel_id}: {type(exc).__name__}") from None
        return str(resp.get("ts", ""))


def register(app: AsyncApp, deps: Deps) -> None:
    async def pressed(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        deps.background.spawn(handle_press(deps, body, client), name="slack review press")

    app.action(re.compile(r"^review_(approve|reject|force|approve_all)$"))(pressed)


async def handle_press(deps: Deps, body: dict[str, Any], client: AsyncWebClient) -> None:
    store = deps.core.store
    action = (body.get("actions") or [{}])[0]
    action_id, value = action.get("action_id", ""), str(action.get("value", ""))
    user = (body.get("user") or {}).get("id", "")
    channel = (body.get("channel") or {}).get("id", "") or (body.get("container") or {}).get("channel_id", "")
    ts = (body.get("message") or {}).get("ts", "") or (body.get("container") or {}).get("message_ts", "")
    team = (body.get("team") or {}).get("id", "")
    try:
        asker = await deps.askers.asker(client, user_id=user, channel_id=channel, team_id=team)
        if not rc.is_reviewer(asker, deps.reviewers):
            await client.chat_postEphemeral(channel=channel, user=user, text=NOT_ALLOWED)
            log.info("review press refused", extra={"user": user, "action": action_id})
            return
        who = asker.display_name or user
        if action_id == "review_approve_all":
            source_id = value
            card = await asyncio.to_thread(rc.load_card, store, source_id)
            ids = card.open_ids if card else []
        else:
            if not value.isdigit():
                return
            ids = [int(value)]
            source_id = await asyncio.to_thread(rc.candidate_source, store, ids[0]) or ""
        decisions = await asyncio.to_thread(rc.decide_many, store, ids, ACTIONS[action_id], who)
        log.info("review press", extra={"user": user, "action": action_id,
                                        "results": ",".join(f"{d.candidate_id}:{d.result}" for d in decisions)})
        card = await asyncio.to_thread(rc.load_card, store, source_id)
        if card is not None and channel and ts:
            await client.chat_update(channel=channel, ts=ts, text=_clip(card.to_text(), 3000), blocks=card_blocks(card))
        problem = rc.decisions_text(decisions)
        if problem:
            await client.chat_postEphemeral(channel=channel, user=user, text=escape(problem))
    except SlackApiError as exc:
        log.error("review press could not be answered", extra={"error": api_error(exc), "action": action_id})
    except Exception:
        log.exception("review press failed", extra={"action": action_id})
