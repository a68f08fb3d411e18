"""Mentions and DMs: a message that mentions the bot, or any DM, is answered as a reply to it.

No privileged intent is needed: Discord delivers the content of messages that mention the bot and of
DMs. The bot ignores its own messages, other bots and webhooks, and drops a message id it has seen.
"""

from __future__ import annotations

import logging
import re

import aiohttp
import discord

from bot import metrics
from bot.adapters.console import parse
from bot.adapters.discord.asker import from_message
from bot.adapters.discord.chains import ReplyChains
from bot.adapters.discord.commands import failure_reply
from bot.adapters.discord.poster import new_nonce
from bot.adapters.discord.render import render, to_embeds
from bot.core.commands import Core
from bot.core.reply import Reply
from bot.handled import RecentIds
from bot.logs import REQUEST_ID

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
    try:
        reply = await core.handle(command, text, asker)
    except Exception:  # noqa: BLE001 - the asker gets a short message; the log has the details
        log.exception("mention failed", extra={"message": message.id, "channel": message.channel.id})
        reply = failure_reply()
    try:
        sent = await send_reply(message, reply)
        if chains is not None:
            for m in sent:  # a reply to the answer continues this conversation
                chains.remember(m.id, asker.conversation)
    except (discord.HTTPException, aiohttp.ClientError, OSError, TimeoutError) as exc:
        metrics.PLATFORM_ERRORS.labels("discord", "reply").inc()
        log.error("could not deliver the reply", extra={"message": message.id, "channel": message.channel.id,
                                                        "error": f"{type(exc).__name__}: {exc}"})


async def send_reply(message: discord.Message, reply: Reply) -> list[discord.Message]:
    """The first part as a reply to the message (without pinging its author), the rest after it."""
    sent = []
    for i, part in enumerate(render(reply)):
        files = [discord.File(p) for p in part.files]
        if i == 0:
            sent.append(await message.reply(embeds=to_embeds(part), files=files, mention_author=False,
                                            nonce=new_nonce()))
        else:
            sent.append(await message.channel.send(embeds=to_embeds(part), files=files, nonce=new_nonce()))
    return sent


def register(client: discord.Client, core: Core) -> None:
    seen = RecentIds(4096)  # a message the gateway delivers twice is answered once
    chains = ReplyChains()

    async def handle(message: discord.Message) -> None:
        await on_message(client, core, seen, message, chains)

    handle.__name__ = "on_message"
    client.event(handle)
