"""Mentions and direct messages: answered in the thread of the message that asked.

Ignored: the bot's own messages (Bolt drops them), other bots, edits, deletions and every other message
subtype; duplicates of an event already handled are dropped earlier by the dedupe middleware.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.deliver import post_messages, tell_undelivered
from bot.adapters.slack.deps import Deps, error_reply
from bot.adapters.slack.mrkdwn import plain
from bot.adapters.slack.render import render

log = logging.getLogger("briefbot.slack")

# Message subtypes that are still a person writing to us.
PERSON_SUBTYPES = {None, "file_share", "thread_broadcast"}
_COMMAND = re.compile(r"^/(\w[\w-]*)\s*(.*)$", re.S)


def register(app: AsyncApp, deps: Deps) -> None:
    async def app_mention(event: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient) -> None:
        # In a DM the message event answers; answering the mention too would reply twice.
        if is_dm(event) or not from_a_person(event, context):
            return
        deps.background.spawn(answer(deps, event, context, client, dm=False), name="slack mention")

    async def message(event: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient) -> None:
        if not is_dm(event) or not from_a_person(event, context):
            return
        deps.background.spawn(answer(deps, event, context, client, dm=True), name="slack dm")

    app.event("app_mention")(app_mention)
    # Every message event is matched here (and acked) so Slack never sees a 404 and retries it.
    app.event("message")(message)


def is_dm(event: dict[str, Any]) -> bool:
    return event.get("channel_type") == "im" or str(event.get("channel", "")).startswith("D")


def from_a_person(event: dict[str, Any], context: AsyncBoltContext) -> bool:
    if event.get("subtype") not in PERSON_SUBTYPES or event.get("bot_id") or event.get("bot_profile"):
        return False
    user = event.get("user")
    return bool(user) and user != context.bot_user_id


def conversation_id(team: str, channel: str, thread_ts: str, *, dm: bool) -> str:
    """A thread is one conversation; a DM is one conversation whether or not the person replies in threads."""
    return f"slack:{team}:{channel}" if dm else f"slack:{team}:{channel}:{thread_ts}"


async def answer(deps: Deps, event: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient,
                 *, dm: bool) -> None:
    channel = event.get("channel", "")
    user = event.get("user", "")
    thread_ts = event.get("thread_ts") or event.get("ts")
    text = plain(event.get("text", ""), drop_user=context.bot_user_id)
    name, args = "ask", text
    m = _COMMAND.match(text)
    if m:  # "@bot /casualties" works like the slash command
        name, args = m.group(1).lower(), m.group(2)
    async with deps.slot(name):
        try:
            asker = await deps.askers.asker(client, user_id=user, channel_id=channel,
                                            team_id=event.get("team") or context.team_id or "")
            asker.conversation = conversation_id(asker.workspace_id, channel, thread_ts, dm=dm)
            reply = await deps.core.handle(name, args, asker)
            messages = render(reply)
        except Exception:
            log.exception("slack answer failed", extra={"channel": channel})
            reply = error_reply()
            messages = render(reply)
    # Delivery waits on the network (and on retries): outside the slot, so other answers go on meanwhile.
    problem = await post_messages(client, messages, channel=channel, thread_ts=thread_ts, user=user,
                                  ephemeral=reply.ephemeral and not dm, attachments=reply.attachments,
                                  policy=deps.retry)
    if problem:
        await tell_undelivered(client, channel=channel, user=user, thread_ts=thread_ts,
                               what="your question" if name == "ask" else f"/{name}", reason=problem,
                               policy=deps.retry)
