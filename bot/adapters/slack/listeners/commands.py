"""Slash commands: ack at once, answer through the response URL afterwards.

Every command is routed the same way (`core.handle(name, text, asker)`), so commands other packages
register with the core (/subscribe, /review ...) work without a listener of their own; a command the
core does not know gets the help text.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.adapters.slack.deliver import respond_messages, tell_undelivered, upload_attachments
from bot.adapters.slack.deps import Deps, error_reply
from bot.adapters.slack.mrkdwn import plain
from bot.adapters.slack.render import render
from bot.core.reply import Reply

log = logging.getLogger("briefbot.slack")

# Built-in commands whose answers the whole channel sees; the rest answer the asker only.
IN_CHANNEL = {"briefing", "casualties", "follow"}  # a switch of briefing is news for the channel


def register(app: AsyncApp, deps: Deps) -> None:
    async def slash_command(ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        deps.background.spawn(answer_command(deps, command, client),
                              name=f"slack {command.get('command', '')}")

    app.command(re.compile(r"^/\S+$"))(slash_command)


async def answer_command(deps: Deps, command: dict[str, Any], client: AsyncWebClient) -> None:
    name = command.get("command", "").lstrip("/").lower()
    async with deps.slot(name):
        reply, messages = await answer_in_slot(deps, name, command, client)
    # Delivery waits on the network (and on retries): outside the slot, so other answers go on meanwhile.
    await deliver(deps, name, command, client, reply, messages)


async def answer_in_slot(deps: Deps, name: str, command: dict[str, Any], client: AsyncWebClient
                         ) -> tuple[Reply, list[dict[str, Any]]]:
    channel = command.get("channel_id", "")
    try:
        asker = await deps.askers.asker(client, user_id=command.get("user_id", ""), channel_id=channel,
                                        team_id=command.get("team_id", ""))
        # Follow-ups by /ask: one conversation per person and channel (the answers are theirs alone).
        if name == "ask":
            asker.conversation = f"slack:{asker.workspace_id}:{channel}:{asker.user_id}:slash"
        reply = await deps.core.handle(name, plain(command.get("text", "")), asker)
        messages = render(reply)
    except Exception:
        log.exception("slack command failed", extra={"command": name, "channel": channel})
        reply = error_reply()
        messages = render(reply)
    return reply, messages


async def deliver(deps: Deps, name: str, command: dict[str, Any], client: AsyncWebClient, reply: Reply,
                  messages: list[dict[str, Any]]) -> None:
    channel = command.get("channel_id", "")
    in_channel = shown_in_channel(deps, name, reply)
    # Bolt's respond() opens a new connection per call; this reuses the service's pool.
    webhook = AsyncWebhookClient(command.get("response_url", ""), session=deps.http, timeout=10)
    problem = await respond_messages(webhook, messages, in_channel=in_channel, policy=deps.retry)
    if problem:
        await tell_undelivered(client, channel=channel, user=command.get("user_id", ""), thread_ts=None,
                               what=f"/{name}", reason=problem, policy=deps.retry)
        return
    if in_channel and reply.attachments:
        await upload_attachments(client, reply.attachments, channel=channel)


def shown_in_channel(deps: Deps, name: str, reply: Reply) -> bool:
    if reply.ephemeral or not reply.found:
        return False
    if name in deps.core.extra:  # a feature command decides for itself through reply.ephemeral
        return True
    return reply.command in IN_CHANNEL
