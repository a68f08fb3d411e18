"""Mentions and DMs: a message that mentions the bot, or any DM, is answered as a reply to it.

No privileged intent is needed: Discord delivers the content of messages that mention the bot and of
DMs. The bot ignores its own messages, other bots and webhooks, and drops a message id it has seen.
"""

from __future__ import annotations

import logging
import re

import discord

from bot import metrics
from bot.adapters.console import parse
from bot.adapters.discord.asker import from_message
from bot.adapters.discord.chains import ReplyChains
from bot.adapters.discord.commands import failure_reply
from bot.adapters.discord.errors import classify, describe
from bot.adapters.discord.poster import new_nonce
from bot.adapters.discord.render import Message, render, to_embeds
from bot.core.commands import Core
from bot.core.reply import Reply
from bot.handled import RecentIds
from bot.logs import REQUEST_ID
from bot.retry import RetryPolicy, retrying

log = logging.getLogger("briefbot.discord")

def strip_mentions(message: discord.Message, me: discord.abc.User) -> str:
    return re.sub(rf"<@!?{me.id}>", " ", message.content).strip()


def wanted(message: discord.Message, me: discord.abc.User) -> bool:
    if message.author.bot or message.author.id == me.id or message.webhook_id is not None:
        return False
    return message.guild is None or me in message.mentions


async def on_message(client: discord.Client, core: Core, seen: RecentIds, message: discord.Message,
                     chains: ReplyChains | None = None) -> None:
    me = client.user
    if me is None or not wanted(message, me) or not seen.first_time(message.id):
        return
    command, text = parse(strip_mentions(message, me))
    REQUEST_ID.set(f"discord-msg-{message.id}")  # every log line of this answer carries it
    asker = from_message(message)
    if chains is not None:
        asker.conversation = chains.conversation(message)
    # Not "message": that key is a reserved LogRecord field, and logging raises on it.
    where = {"message_id": message.id, "channel_id": message.channel.id}
    try:
        async with client.slot(command):  # type: ignore[attr-defined]
            reply = await core.handle(command, text, asker)
    except Exception:  # noqa: BLE001 - the asker gets a short message; the log has the details
        log.exception("mention failed", extra=where)
        reply = failure_reply()
    policy: RetryPolicy = client.retry  # type: ignore[attr-defined]
    try:
        sent = await send_reply(message, reply, policy)
        if chains is not None:
            for m in sent:  # a reply to the answer continues this conversation
                chains.remember(m.id, asker.conversation)
    except Exception as exc:  # noqa: BLE001 - 403/404/persistent 5xx/rate limits: logged, never raised
        # Nowhere to say so: the channel itself refuses or is unreachable.
        metrics.PLATFORM_ERRORS.labels("discord", "reply").inc()
        log.error("could not deliver the reply", extra={**where, "error": describe(exc)})


async def send_reply(message: discord.Message, reply: Reply, policy: RetryPolicy | None = None
                     ) -> list[discord.Message]:
    """The first part as a reply to the message (without pinging its author), the rest after it.

    Each part keeps its nonce across retries, so a retried send that Discord already took is not doubled."""
    sent: list[discord.Message] = []
    for i, part in enumerate(render(reply)):
        nonce = new_nonce()

        async def send(i: int = i, part: Message = part, nonce: str = nonce) -> discord.Message:
            files = [discord.File(p) for p in part.files]
            if i == 0:
                return await message.reply(embeds=to_embeds(part), files=files, mention_author=False, nonce=nonce)
            return await message.channel.send(embeds=to_embeds(part), files=files, nonce=nonce)

        sent.append(await retrying(send, classify, policy or RetryPolicy(), what="discord mention reply"))
    return sent


def register(client: discord.Client, core: Core) -> None:
    seen = RecentIds(4096)  # a message the gateway delivers twice is answered once
    chains = ReplyChains()

    async def handle(message: discord.Message) -> None:
        await on_message(client, core, seen, message, chains)

    handle.__name__ = "on_message"
    client.event(handle)
