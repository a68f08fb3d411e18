"""The Discord client: an app-command tree, mention/DM replies, and nothing that can ping anyone."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands

from bot.adapters.discord import commands, messages
from bot.core.commands import Core

log = logging.getLogger("briefbot.discord")


class BriefingClient(discord.Client):
    """Slash commands and mentions answered from the shared Core.

    `defer_after`: seconds to wait for a reply before deferring an interaction (Discord allows 3).
    `options` go to discord.Client (e.g. `guild_ready_timeout`).
    """

    def __init__(self, core: Core, *, guild_id: int | None = None, application_id: int | None = None,
                 defer_after: float = 2.0, **options: Any) -> None:
        # Default intents carry no privileged one: mentions and DMs arrive with their content anyway.
        options.setdefault("max_ratelimit_timeout", 60.0)
        super().__init__(intents=discord.Intents.default(), allowed_mentions=discord.AllowedMentions.none(),
                         application_id=application_id, **options)
        self.core = core
        self.guild_id = guild_id
        self.defer_after = defer_after
        self.tree = app_commands.CommandTree(self)
        self.synced: list[app_commands.AppCommand] = []
        commands.register(self.tree, core)
        messages.register(self, core)

    async def setup_hook(self) -> None:
        # Runs once after login; on_ready runs again on every reconnect, so nothing starts there.
        await self.sync_commands()

    async def sync_commands(self) -> None:
        if self.guild_id:
            guild = discord.Object(id=self.guild_id)
            self.tree.copy_global_to(guild=guild)
            self.synced = await self.tree.sync(guild=guild)
        else:
            self.synced = await self.tree.sync()
        log.info("slash commands synced", extra={"count": len(self.synced),
                                                 "scope": str(self.guild_id) if self.guild_id else "global"})

    async def on_ready(self) -> None:
        log.info("connected to the Discord gateway", extra={"guilds": len(self.guilds)})
