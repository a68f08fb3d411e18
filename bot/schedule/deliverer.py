"""One morning briefing for one subscription and day: build it, claim it, send it.

Used by the scheduler's jobs, the catch-up at start, stale-claim resumption and `briefbot post-now`,
so every path goes through the same ledger.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time

from bot.config import Settings, load_settings
from bot.core.models import Briefing
from bot.core.reply import Reply
from bot.core.store import Store
from bot.delivery import Poster
from bot.schedule.ledger import Delivery, Ledger
from bot.schedule.morning import Baseline, add_narrative, morning_reply, snapshot
from bot.schedule.sending import Fanout, RetryPolicy, send_delivery
from bot.schedule.subscriptions import Subscription

log = logging.getLogger("briefbot.schedule")

REVISION_CHECK_SECONDS = 2.0


class Deliverer:
    def __init__(self, store: Store, posters: dict[str, Poster], fanout: Fanout | None = None,
                 policy: RetryPolicy | None = None, ledger: Ledger | None = None,
                 settings: Settings | None = None) -> None:
        self.store = store
        # Read once, not per briefing: a thousand due at once would each parse the whole configuration.
        self.settings = settings
        self.posters = posters
        self.fanout = fanout or Fanout()
        self.policy = policy or RetryPolicy()
        self.ledger = ledger or Ledger(store)
        # Briefing name -> (briefing, its revision); revisions are looked at once per check window.
        self._briefings: dict[str, tuple[Briefing, str]] = {}
        self._checked = 0.0
        self._load_lock = asyncio.Lock()

    async def briefing(self, name: str = "") -> Briefing:
        """Briefing NAME (the store's default without one) as it is now, reloaded when another process
        changed it (checked every few seconds)."""
        async with self._load_lock:
            name = name or await asyncio.to_thread(self.store.default_name)
            cached = self._briefings.get(name)
            if cached is not None and time.monotonic() - self._checked <= REVISION_CHECK_SECONDS:
                return cached[0]
            revision = await asyncio.to_thread(self.store.revision, name)
            self._checked = time.monotonic()
            if cached is None or revision != cached[1]:
                cached = (await asyncio.to_thread(self.store.load_briefing, name), revision)
                self._briefings[name] = cached
            return cached[0]

    def build(self, b: Briefing, sub: Subscription, local_date: dt.date) -> tuple[Reply, dict]:
        last = self.ledger.last_sent(sub.platform, sub.workspace, sub.channel, before=local_date)
        baseline = Baseline.from_shown(last.local_date, last.shown) if last else Baseline()
        return morning_reply(b, local_date, sub.format, baseline), snapshot(b)

    async def deliver(self, sub: Subscription, local_date: dt.date, retry_failed: bool = False) -> str:
        """Post `sub`'s briefing for `local_date` unless the ledger says it is someone else's or done.

        Returns "sent", "failed", "lost", "taken" (already claimed or finished), "stopped" (handed
        back for another process: this one is stopping) or "no-poster"."""
        if self.fanout.stopping.is_set():
            return "stopped"
        poster = self.posters.get(sub.platform)
        if poster is None:
            log.warning("no poster for this platform here; not delivering",
                        extra={"subscription": sub.id, "platform": sub.platform})
            return "no-poster"
        b = await self.briefing(sub.briefing)
        reply, shown = await self.ledger.call(self.build, b, sub, local_date)
        if self.settings is None:
            self.settings = load_settings()
        # A checked model paragraph on top, when a model is configured.
        reply = await add_narrative(reply, b, self.settings)
        payloads = poster.render(reply)
        d = await self.ledger.write(self.ledger.claim, sub, local_date, payloads, shown, retry_failed)
        if d is None:
            log.info("briefing already claimed or done; not posting again",
                     extra={"subscription": sub.id, "local_date": local_date.isoformat()})
            return "taken"
        return await self.send(d, poster)

    async def resume(self, d: Delivery) -> str:
        """Take over a delivery whose owner died, and send the parts it had not sent."""
        poster = self.posters.get(d.platform)
        if poster is None:
            return "no-poster"
        if self.fanout.stopping.is_set():
            return "stopped"
        mine = await self.ledger.write(self.ledger.take_over, d.subscription_id, d.local_date)
        if mine is None:
            return "taken"
        log.info("resuming an interrupted delivery", extra={"delivery": d.id, "parts_sent": mine.parts_sent,
                                                            "parts_total": mine.parts_total})
        return await self.send(mine, poster)

    async def send(self, d: Delivery, poster: Poster) -> str:
        try:
            return await send_delivery(d, poster, self.ledger, self.fanout, self.policy)
        except asyncio.CancelledError:
            # Cut off past the stop's bound (a send still in flight keeps its `sending` mark, so the
            # next owner asks the platform): hand the row back at once for whoever resumes it.
            with contextlib.suppress(Exception):
                self.ledger.release(d)  # a quick write of its own, done before the task ends
            raise
