"""`briefbot run` part for morning briefings: the scheduler as a runner Service.

The chat commands are registered when the service is built, so every replica answers /subscribe even
when only one of them (the leader) runs the scheduler. `start()` and `stop()` may be called again and
again by a leader election.
"""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web

from bot.config import Settings
from bot.core.commands import Core
from bot.core.store import Store
from bot.delivery import Poster
from bot.schedule import commands, config_file
from bot.schedule.deliverer import Deliverer
from bot.schedule.ledger import Ledger
from bot.schedule.scheduler import POLL_SECONDS, BriefingScheduler
from bot.schedule.sending import Fanout

log = logging.getLogger("briefbot.schedule")


class SchedulerService:
    name = "scheduler"

    def __init__(self, settings: Settings, core: Core, posters: dict[str, Poster],
                 poll_seconds: float = POLL_SECONDS, fanout: Fanout | None = None) -> None:
        self.settings = settings
        self.store: Store = core.store  # type: ignore[assignment]
        self.posters = posters
        ledger = Ledger(self.store, lease_seconds=settings.scheduler_lease_seconds)
        self.deliverer = Deliverer(self.store, posters, fanout=fanout, ledger=ledger, settings=settings)
        self.scheduler = BriefingScheduler(self.deliverer, settings.scheduler_misfire_grace, poll_seconds)
        self._started = False
        commands.register(core, self.store, posters, on_change=self.scheduler.sync)

    def add_routes(self, app: web.Application) -> None:
        """No routes: subscriptions come through the chat adapters and the CLI."""

    async def start(self) -> None:
        await self.load_file()
        await self.scheduler.start()
        self._started = True

    async def stop(self) -> None:
        self._started = False
        await self.scheduler.stop(drain_seconds=self.settings.shutdown_grace)

    def ready(self) -> tuple[bool, str]:
        if self._started and not self.scheduler.running:
            return False, "the scheduler stopped"
        if self.scheduler.error:
            return False, f"subscriptions poll failing: {self.scheduler.error[:120]}"
        return True, ""

    async def load_file(self) -> None:
        path = self.settings.scheduler_subscriptions_file
        if not path.is_file():
            return
        entries, errors = await asyncio.to_thread(config_file.read_file, path)
        usable = []
        for e in entries:
            problem = await commands.check_channel(self.posters, e.platform, e.channel)
            if problem:
                errors.append(f"{path}: channel {e.platform}:{e.channel}: {problem}")
            else:
                usable.append(e)
        counts = await asyncio.to_thread(config_file.apply_entries, self.store, usable, errors)
        log.info("subscriptions file applied", extra={"path": str(path), **counts})


def build_posters(settings: Settings, services: list | None = None) -> dict[str, Poster]:
    """A poster for each configured platform, reusing a running adapter's client where there is one."""
    posters: dict[str, Poster] = {}
    if settings.slack_bot_token is not None:
        from bot.adapters.slack.poster import SlackPoster

        posters["slack"] = SlackPoster(settings)
    for service in services or []:
        poster = getattr(service, "poster", None)
        if poster is not None and getattr(poster, "platform", "") not in posters:
            posters[poster.platform] = poster
    return posters
