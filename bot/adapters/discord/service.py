"""`briefbot run` part for Discord: log in, connect the gateway in a task, close on stop."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import discord
from aiohttp import web

from bot.adapters.discord.client import BriefingClient
from bot.adapters.discord.poster import DiscordPoster
from bot.config import ConfigError, Settings
from bot.core.commands import Core

log = logging.getLogger("briefbot.discord")


class DiscordService:
    name = "discord"

    def __init__(self, settings: Settings, core: Core, *, defer_after: float = 2.0, **client_options: Any) -> None:
        self.settings = settings
        self.client = BriefingClient(core, guild_id=settings.discord_guild_id,
                                     application_id=settings.discord_application_id, defer_after=defer_after,
                                     model_answers=settings.openai_enabled, **client_options)
        self.client.reviewers = set(settings.review_reviewers)
        self.poster = DiscordPoster(self.client)
        self.task: asyncio.Task | None = None
        self.failure: BaseException | None = None

    def add_routes(self, app: web.Application) -> None:
        """Discord talks to us over the gateway; no HTTP routes."""

    async def start(self) -> None:
        token = self.settings.discord_token
        if token is None or not token.get_secret_value().strip():
            raise ConfigError("DISCORD_TOKEN is not set")
        try:
            await self.client.login(token.get_secret_value())
        except discord.LoginFailure:
            await self.client.close()
            raise ConfigError("DISCORD_TOKEN was rejected by Discord (reset it on the Bot page of your "
                              "application and set it again)") from None
        self.task = asyncio.create_task(self.client.connect(reconnect=True), name="discord-gateway")
        self.task.add_done_callback(self._connect_done)

    def _connect_done(self, task: asyncio.Task) -> None:
        # Without this a failure in the gateway task (bad payload, fatal close code) would pass silently.
        if task.cancelled():
            return
        self.failure = task.exception()
        if self.failure is not None:
            log.error("Discord gateway connection ended", exc_info=self.failure)

    def ready(self) -> tuple[bool, str]:
        if self.failure is not None:
            return False, f"gateway failed: {type(self.failure).__name__}"
        ws = self.client.ws
        if self.client.is_closed() or ws is None or not ws.open or not self.client.is_ready():
            return False, "not connected to the Discord gateway"
        return True, ""

    async def stop(self) -> None:
        await self.client.close()
        if self.task is not None:
            try:
                await asyncio.wait_for(self.task, timeout=10)
            except (Exception, asyncio.CancelledError):  # noqa: BLE001 - already logged by the callback
                pass
