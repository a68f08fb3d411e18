"""The Discord client: an app-command tree, mention/DM replies, and nothing that can ping anyone."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import aiohttp
import discord
from discord import app_commands

from bot.adapters.discord import commands, messages, review
from bot.adapters.discord.errors import classify, describe
from bot.core.commands import Core
from bot.retry import RetryPolicy, retrying

log = logging.getLogger("briefbot.discord")

# Answers worked on at once. The core's work runs on the event loop: without a limit, a burst of
# interactions runs back to back and the last one's first response waits for all of them. With slots,
# an interaction that finds them taken is deferred ("thinking…") at once and answered in its turn.
ANSWER_SLOTS = 4
# Connections to Discord's REST API kept open at once (measured with bench/discord_load.py -n 200 --rate 0).
HTTP_CONNECTIONS = 16
STALE_COMMAND = ("This command is unknown or out of date (the bot's commands have changed). "
                 "Type / and pick it again, or use /briefhelp.")


class Tree(app_commands.CommandTree):
    """Every interaction gets a response, even for a command this version of the bot does not know."""

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError, /) -> None:
        if isinstance(error, (app_commands.CommandNotFound, app_commands.CommandSignatureMismatch)):
            log.warning("stale or unknown application command", extra={
                "interaction": interaction.id, "error": f"{type(error).__name__}: {error}"[:200]})
            text = STALE_COMMAND
        else:
            log.error("application command failed", exc_info=error, extra={"interaction": interaction.id})
            text = "Something went wrong answering that. Please try again in a minute."
        policy: RetryPolicy = interaction.client.retry  # type: ignore[attr-defined]
        try:
            if interaction.response.is_done():
                await retrying(lambda: interaction.followup.send(content=text, ephemeral=True), classify, policy)
            else:
                await retrying(lambda: interaction.response.send_message(content=text, ephemeral=True),
                               classify, policy)
        except Exception as exc:  # noqa: BLE001 - nothing more can be done
            log.error("could not answer a failed interaction", extra={"interaction": interaction.id,
                                                                      "error": describe(exc)})


class BriefingClient(discord.Client):
    """Slash commands and mentions answered from the shared Core.

    `defer_after`: seconds to wait for a reply before deferring an interaction (Discord allows 3).
    `retry`: how long and how often a reply's sends are retried before the asker is told it was lost.
    `options` go to discord.Client (e.g. `guild_ready_timeout`).
    """

    def __init__(self, core: Core, *, guild_id: int | None = None, application_id: int | None = None,
                 defer_after: float = 2.0, retry: RetryPolicy | None = None, model_answers: bool = False,
                 **options: Any) -> None:
        # Default intents carry no privileged one: mentions and DMs arrive with their content anyway.
        options.setdefault("max_ratelimit_timeout", 60.0)
        super().__init__(intents=discord.Intents.default(), allowed_mentions=discord.AllowedMentions.none(),
                         application_id=application_id, **options)
        self.core = core
        self.guild_id = guild_id
        self.defer_after = defer_after
        self.retry = retry or RetryPolicy()
        self.model_answers = model_answers
        self.slots = asyncio.Semaphore(ANSWER_SLOTS)
        self._responding = 0  # initial responses ("thinking…") being sent
        self._responded = asyncio.Event()
        self._responded.set()
        self.tree = Tree(self)
        self.synced: list[app_commands.AppCommand] = []
        self.reviewers: set[str] = set()  # who may press review buttons besides Manage Server (REVIEW_REVIEWERS)
        commands.register(self.tree, core)
        messages.register(self, core)

    def slot(self, command: str) -> contextlib.AbstractAsyncContextManager[Any]:
        """An answer slot, except for model-backed questions, which mostly wait on the network."""
        if self.model_answers and command == "ask":
            return contextlib.nullcontext()
        return self.slots

    @contextlib.asynccontextmanager
    async def initial_response(self) -> Any:
        """Marks an initial response in flight, which answers' work waits for (initial_responses_sent)."""
        self._responding += 1
        self._responded.clear()
        try:
            yield
        finally:
            self._responding -= 1
            if not self._responding:
                self._responded.set()

    async def initial_responses_sent(self, within: float = 0.5) -> None:
        """Wait (briefly) until no initial response is in flight."""
        if self._responding:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._responded.wait(), within)

    async def login(self, token: str) -> None:
        if not self.http.connector:  # discord.py's default (made at login) has no limit
            # A burst of interactions would otherwise open one new connection per response; a bounded
            # pool keeps connections alive and reuses them. Made here: a connector needs a running loop.
            self.http.connector = aiohttp.TCPConnector(limit=HTTP_CONNECTIONS)
        await super().login(token)

    async def setup_hook(self) -> None:
        # Runs once after login; on_ready runs again on every reconnect, so nothing starts there.
        await self.sync_commands()

    async def sync_commands(self) -> None:
        if self.guild_id:
            guild = discord.Object(id=self.guild_id)
            self.tree.copy_global_to(guild=guild)
            self.synced = await self.tree.sync(guild=guild)
            # Commands registered globally by an earlier run (without a guild) would show twice in the
            # picker: the guild's copy and the global one. Clear the global ones, if there are any.
            if await self.tree.fetch_commands():
                self.tree.clear_commands(guild=None)
                await self.tree.sync()
                log.info("global slash commands removed (guild commands are used)")
        else:
            self.synced = await self.tree.sync()
        log.info("slash commands synced", extra={"count": len(self.synced),
                                                 "scope": str(self.guild_id) if self.guild_id else "global"})

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        # Slash commands go through the tree; button presses on review cards come here.
        await review.on_component(self, interaction)

    async def on_ready(self) -> None:
        log.info("connected to the Discord gateway", extra={"guilds": len(self.guilds)})
