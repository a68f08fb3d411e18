"""Which conversation a Discord message belongs to: its DM, its thread, or its chain of replies.

A reply to the bot's answer (or to the message that asked) continues that conversation; a new mention
in a channel starts one. Message ids seen in a chain are remembered, boundedly, so replies can be
followed back without fetching history from Discord.
"""

from __future__ import annotations

from collections import OrderedDict

import discord


class ReplyChains:
    def __init__(self, max_ids: int = 20_000) -> None:
        self.max_ids = max_ids
        self._chain: OrderedDict[int, str] = OrderedDict()

    def conversation(self, message: discord.Message) -> str:
        """The conversation id of a message the bot is about to answer (and remember it in it)."""
        if message.guild is None:
            key = f"discord:dm:{message.channel.id}"
        elif isinstance(message.channel, discord.Thread):
            key = f"discord:thread:{message.channel.id}"
        else:
            ref = message.reference.message_id if message.reference else None
            key = self._chain.get(ref) if ref else None
            if key is None and ref:
                key = self._from_replied(message)
            if key is None:
                key = f"discord:{message.channel.id}:{ref or message.id}"
        self.remember(message.id, key)
        return key

    def _from_replied(self, message: discord.Message) -> str | None:
        """A reply to one of the bot's answers that another process (a replica, or before a restart) sent:
        the answer is itself a reply to the question that began the conversation."""
        replied = message.reference.resolved if message.reference else None
        if not isinstance(replied, discord.Message) or not replied.author.bot or replied.reference is None:
            return None
        question = replied.reference.message_id
        if question is None:
            return None
        return self._chain.get(question) or f"discord:{message.channel.id}:{question}"

    def remember(self, message_id: int, key: str) -> None:
        self._chain[message_id] = key
        self._chain.move_to_end(message_id)
        while len(self._chain) > self.max_ids:
            self._chain.popitem(last=False)
