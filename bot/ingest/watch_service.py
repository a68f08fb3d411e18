"""`briefbot run` part for watched feeds: an APScheduler job that polls due feeds, then the follow-ups.

Every replica runs it: a feed's poll, an item's ingest, a review post and an alert are each claimed in
the database, so two replicas share the work and never do one piece twice. Each round is one job run
(`max_instances=1`): a slow round delays the next instead of piling up.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.config import Settings
from bot.core.commands import Core
from bot.core.store import Store
from bot.delivery import Poster
from bot.ingest import alert_commands, watch, watch_commands
from bot.ingest.alerts import Alerter
from bot.ingest.feeds import Poller, default_ingester, limits_from
from bot.ingest.review_cards import CardPoster, CardSender

log = logging.getLogger("briefbot.watch")

JOB_ID = "watched-feeds"
# After a round: post new candidates for review, send alerts. Each takes nothing and never raises.
FollowUp = Callable[[], Awaitable[Any]]


class FeedService:
    name = "feeds"

    def __init__(self, settings: Settings, core: Core, posters: dict[str, Poster] | None = None, *,
                 briefing_of: watch_commands.BriefingOf | None = None,
                 follow_ups: list[FollowUp] | None = None, card_posters: dict[str, CardPoster] | None = None,
                 ) -> None:
        self.settings = settings
        self.store: Store = core.store  # type: ignore[assignment]
        watch.ensure_tables(self.store)
        self.poller = Poller(self.store, limits=limits_from(settings),
                             ingester=default_ingester(settings.ingest_auto_approve))
        self.posters = posters or {}
        self.alerter = Alerter(self.store, self.posters, thresholds=settings.alerts_thresholds, owner=w_owner())
        self.cards = CardSender(self.store, card_posters or {})
        self.follow_ups: list[FollowUp] = [*(follow_ups or []), self.post_cards, self.send_alerts]
        self.scheduler: AsyncIOScheduler | None = None
        self.feeds: list[watch.Feed] = []
        self.rounds = 0
        self.error = ""
        self._round = asyncio.Lock()
        briefing_of = briefing_of or channel_briefing(core)
        watch_commands.register(core, self.store, briefing_of, default_interval=settings.watch_interval,
                                poll_now=self.poll_soon)
        alert_commands.register(core, self.store, briefing_of)

    def add_routes(self, app: web.Application) -> None:
        """No routes: feeds are managed with /watch and `briefbot watch`."""

    async def start(self) -> None:
        self.scheduler = AsyncIOScheduler(timezone=dt.UTC, job_defaults={"coalesce": True, "max_instances": 1,
                                                                           "misfire_grace_time": None})
        self.scheduler.add_job(self.tick, IntervalTrigger(seconds=self.settings.watch_tick_seconds), id=JOB_ID,
                               name="poll watched feeds", next_run_time=dt.datetime.now(dt.UTC))
        self.scheduler.start()
        log.info("feed polling started", extra={"tick_seconds": self.settings.watch_tick_seconds})

    async def stop(self) -> None:
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        self.scheduler = None
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self.settings.shutdown_grace):
                async with self._round:  # let a round in progress finish its current items
                    pass
        await asyncio.to_thread(self.poller.close)

    def poll_soon(self) -> None:
        """Run a round now (after /watch add or poll) instead of at the next tick."""
        job = self.scheduler.get_job(JOB_ID) if self.scheduler else None
        if job is not None:
            job.modify(next_run_time=dt.datetime.now(dt.UTC))

    async def tick(self) -> None:
        async with self._round:
            try:
                await self.poller.poll_round()
                self.error = ""
            except Exception as exc:  # noqa: BLE001 - a database outage must not end the polling
                self.error = f"{type(exc).__name__}: {str(exc)[:160]}"
                log.exception("feed round failed; retrying next tick")
            for follow_up in self.follow_ups:
                try:
                    await follow_up()
                except Exception:  # noqa: BLE001 - each follow-up logs its own trouble
                    log.exception("feed follow-up failed", extra={"step": getattr(follow_up, "__name__", "")})
            try:
                self.feeds = await asyncio.to_thread(watch.listing, self.store)
            except Exception:  # noqa: BLE001 - keep the last known status
                log.warning("could not read the feeds' status")
            self.rounds += 1

    async def post_cards(self) -> None:
        await self.cards.run()

    async def send_alerts(self) -> None:
        await self.alerter.run()

    def ready(self) -> tuple[bool, str]:
        """Ready unless the rounds themselves fail; one feed that is down is a detail, not an outage."""
        if self.scheduler is None or not self.scheduler.running:
            return False, "feed polling is not running"
        if self.error:
            return False, f"feed rounds failing: {self.error}"
        failing = [f for f in self.feeds if f.failures]
        return True, f"{len(self.feeds)} feed(s) watched, {len(failing)} failing"

    def details(self) -> list[dict[str, Any]]:
        """Per-feed status for /readyz."""
        return [{"id": f.id, "briefing": f.briefing, "url": f.url, "ok": f.failures == 0,
                 "last_success": f.last_success_at.isoformat() if f.last_success_at else None,
                 "last_error": f.last_error or None,
                 "last_error_at": f.last_error_at.isoformat() if f.last_error_at else None,
                 "next_poll": f.next_poll_at.isoformat()} for f in self.feeds]


def w_owner() -> str:
    return f"{watch.OWNER}-alerts"


def channel_briefing(core: Core) -> watch_commands.BriefingOf:
    """/watch and /alerts act on the briefing the channel follows."""
    async def of(asker: Any) -> str:
        return core.channel_briefing(asker)

    return of


async def default_briefing(_asker: Any) -> str:
    from bot.ingest.watch_cli import DEFAULT_BRIEFING

    return DEFAULT_BRIEFING
