"""The scheduler: one APScheduler cron job per subscription, in the subscription's own time zone.

Jobs live in memory and are rebuilt from the subscriptions table at start, then kept in step: at once
when this process changes a subscription, and every `poll_seconds` for changes made elsewhere (another
replica, the CLI). The ledger, not the job store, decides whether a briefing goes out, so two
schedulers running at once still post each briefing once.

A bot that was down at the scheduled time catches up at start: a briefing whose time passed within the
misfire grace and that has no ledger row is posted now; one further back is recorded as skipped, and
the log says why.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging

from apscheduler.events import EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.schedule import subscriptions as subs
from bot.schedule.deliverer import Deliverer
from bot.schedule.ledger import first_line
from bot.schedule.subscriptions import DAY_NAMES, Subscription

log = logging.getLogger("briefbot.schedule")

POLL_SECONDS = 30.0
# After the grace, sends in flight get this long to finish and be recorded (the runner allows 5 s
# beyond the grace before it gives up on a service).
SETTLE_SECONDS = 4.0


def trigger_for(sub: Subscription) -> CronTrigger:
    # Day names, never numbers: APScheduler counts Monday as 0, crontab counts Sunday as 0.
    return CronTrigger(day_of_week=sub.days, hour=sub.hour, minute=sub.minute, timezone=sub.tz)


def job_id(sub_id: int) -> str:
    return f"subscription-{sub_id}"


def last_due(sub: Subscription, now: dt.datetime) -> dt.datetime | None:
    """The latest scheduled time at or before `now` (aware), over the past week."""
    local_now = now.astimezone(sub.tz)
    for back in range(8):
        day = local_now.date() - dt.timedelta(days=back)
        if DAY_NAMES[day.weekday()] not in sub.day_set:
            continue
        # Round-trip through UTC so a wall time in a DST gap lands where the cron trigger puts it.
        at = dt.datetime.combine(day, dt.time(sub.hour, sub.minute), tzinfo=sub.tz)
        at = at.astimezone(dt.UTC).astimezone(sub.tz)
        if at <= local_now:
            return at
    return None


def run_date(sub: Subscription, now: dt.datetime, grace: float) -> dt.date:
    """The local date a firing job serves: that of the run due within the grace, else today's."""
    due = last_due(sub, now)
    if due is not None and (now - due).total_seconds() <= grace:
        return due.date()
    return now.astimezone(sub.tz).date()


class BriefingScheduler:
    def __init__(self, deliverer: Deliverer, misfire_grace: float, poll_seconds: float = POLL_SECONDS) -> None:
        self.deliverer = deliverer
        self.store = deliverer.store
        self.grace = misfire_grace
        self.poll_seconds = poll_seconds
        self.scheduler: AsyncIOScheduler | None = None
        self._signatures: dict[int, tuple[str, str, str]] = {}
        self._tasks: set[asyncio.Task] = set()
        self._poller: asyncio.Task | None = None
        self._watcher: asyncio.Task | None = None
        self.error = ""

    @property
    def running(self) -> bool:
        return self.scheduler is not None and self.scheduler.running

    async def start(self, catch_up: bool = True) -> None:
        self.deliverer.fanout.stopping.clear()
        self.scheduler = AsyncIOScheduler(timezone=dt.UTC, job_defaults={
            "coalesce": True, "max_instances": 1, "misfire_grace_time": int(self.grace) or None})
        self.scheduler.add_listener(self._missed, EVENT_JOB_MISSED)
        self.scheduler.start()
        await self.refresh()
        if catch_up:
            self._spawn(self.catch_up())
        self._poller = asyncio.create_task(self._poll(), name="subscriptions-poll")
        self._watcher = asyncio.create_task(self._watch_stale(), name="stale-deliveries")
        log.info("scheduler started", extra={"jobs": len(self._signatures), "grace_seconds": self.grace})

    async def stop(self, drain_seconds: float = 10.0, settle_seconds: float = SETTLE_SECONDS) -> None:
        """No new runs; deliveries going on get `drain_seconds` to finish. Then no new send starts:
        the sends in flight finish (each bounded by its own timeout, at most `settle_seconds`), are
        recorded, and the unfinished deliveries are handed back for another process to resume."""
        for task in (self._poller, self._watcher):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._poller = self._watcher = None
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.pause()  # no new runs while the current ones finish
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=drain_seconds)
        self.deliverer.fanout.stopping.set()
        if self._tasks:
            _done, pending = await asyncio.wait(set(self._tasks), timeout=settle_seconds)
            for task in pending:
                task.cancel()  # the deliverer hands its ledger row back for another process
            if pending:
                log.warning("deliveries cut off by the stop; the next owner checks their last part",
                            extra={"deliveries": len(pending)})
                await asyncio.gather(*pending, return_exceptions=True)
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        self.scheduler = None
        self._signatures.clear()
        log.info("scheduler stopped")

    # -- keeping jobs in step with the table --------------------------------------------------------
    def sync(self) -> None:
        """Add, change and remove jobs so they match the subscriptions table."""
        if self.scheduler is not None:
            self.apply(subs.all_subscriptions(self.store))

    async def refresh(self) -> None:
        rows = await self.deliverer.ledger.call(subs.all_subscriptions, self.store)
        self.apply(rows)

    def apply(self, table: list[Subscription]) -> None:
        if self.scheduler is None:
            return
        rows = {s.id: s for s in table}
        for sub_id in list(self._signatures):
            if sub_id not in rows:
                self._remove(sub_id)
        for sub in rows.values():
            if sub.platform not in self.deliverer.posters:
                continue  # that platform is not configured on this replica
            if self._signatures.get(sub.id) == sub.signature():
                continue
            self.scheduler.add_job(self._fire, trigger_for(sub), args=[sub.id], id=job_id(sub.id),
                                   name=sub.where(), replace_existing=True)
            if sub.id in self._signatures:
                log.info("subscription rescheduled", extra={"subscription": sub.id, "schedule": sub.schedule_text()})
            self._signatures[sub.id] = sub.signature()

    def _remove(self, sub_id: int) -> None:
        self._signatures.pop(sub_id, None)
        if self.scheduler is not None:
            with contextlib.suppress(Exception):
                self.scheduler.remove_job(job_id(sub_id))
        log.info("subscription job removed", extra={"subscription": sub_id})

    def job(self, sub_id: int):  # noqa: ANN201 - an APScheduler Job or None
        return self.scheduler.get_job(job_id(sub_id)) if self.scheduler else None

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(self.poll_seconds)
            try:
                await self.refresh()
                await self.resume_stale()
                self.error = ""
            except Exception as exc:  # noqa: BLE001 - a database hiccup must not end the scheduler
                self.error = str(exc)
                log.exception("subscriptions poll failed; retrying next round")

    async def _watch_stale(self) -> None:
        """Take over a dead owner's deliveries soon after their short lease runs out."""
        interval = max(0.5, self.deliverer.ledger.lease.total_seconds() / 4)
        while True:
            await asyncio.sleep(interval)
            try:
                await self.resume_stale()
            except Exception as exc:  # noqa: BLE001 - the poll reports a lasting database problem
                log.debug("stale deliveries check failed", extra={"error": first_line(exc)})

    # -- running ------------------------------------------------------------------------------------
    async def drain(self) -> None:
        """Wait until no delivery (or catch-up) started by this scheduler is still running."""
        for _ in range(3):  # let a job just handed to the loop start and register itself
            await asyncio.sleep(0)
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
            await asyncio.sleep(0)

    def _spawn(self, coro) -> asyncio.Task:  # noqa: ANN001 - a coroutine
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _fire(self, sub_id: int) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            sub = await self.deliverer.ledger.call(subs.get, self.store, sub_id)
            if sub is None:  # removed elsewhere since the last poll
                self._remove(sub_id)
                return
            local_date = run_date(sub, dt.datetime.now(dt.UTC), self.grace)
            await self.deliverer.deliver(sub, local_date)
        except asyncio.CancelledError:
            # Cut off by a stop past its bound: the row is handed back; not an error to report
            # (APScheduler would log a traceback for it).
            log.info("morning briefing job interrupted by the stop", extra={"subscription": sub_id})
        except Exception:
            log.exception("morning briefing job failed", extra={"subscription": sub_id})
        finally:
            if task is not None:
                self._tasks.discard(task)

    async def catch_up(self) -> None:
        """Post what was due while the bot was down, within the grace; record what is past it."""
        now = dt.datetime.now(dt.UTC)
        rows = await self.deliverer.ledger.call(subs.all_subscriptions, self.store)
        for sub in rows:
            if sub.platform not in self.deliverer.posters:
                continue
            due = last_due(sub, now)
            if due is None or (sub.created_at is not None and sub.created_at > due):
                continue  # nothing was due since the subscription was made
            if await self.deliverer.ledger.call(self.deliverer.ledger.get, sub.id, due.date()) is not None:
                continue
            late = (now - due).total_seconds()
            where = {"subscription": sub.id, "channel": sub.where(), "due": due.isoformat(),
                     "late_seconds": round(late)}
            if late <= self.grace:
                log.info("catching up a briefing missed while the bot was down", extra=where)
                self._spawn(self.deliverer.deliver(sub, due.date()))
            elif due.date() == now.astimezone(sub.tz).date():
                reason = (f"the bot was not running at {due:%H:%M} {sub.timezone} and came back "
                          f"{late / 60:.0f} min later, past the {self.grace / 60:.0f} min grace")
                if await self.deliverer.ledger.write(self.deliverer.ledger.skip, sub, due.date(), reason):
                    log.warning("morning briefing skipped for today", extra={**where, "reason": reason})
        await self.resume_stale()

    async def resume_stale(self) -> None:
        """Finish deliveries whose owner died (or stopped) half-way; give up on ones past the grace."""
        now = dt.datetime.now(dt.UTC)
        since = (now - dt.timedelta(seconds=self.grace + 86400)).date()
        ledger = self.deliverer.ledger
        for d in await self.deliverer.ledger.call(ledger.stale_claims, since):
            if (now - d.claimed_at).total_seconds() <= self.grace:
                self._spawn(self.deliverer.resume(d))
                continue
            mine = await self.deliverer.ledger.write(ledger.take_over, d.subscription_id, d.local_date)
            if mine is not None:
                reason = (f"interrupted after {mine.parts_sent} of {mine.parts_total} parts and not "
                          "resumed within the grace")
                await self.deliverer.ledger.write(ledger.fail, mine, reason)
                log.warning("interrupted briefing abandoned", extra={"delivery": d.id, "reason": reason})

    def _missed(self, event: JobExecutionEvent) -> None:
        # The process was running but could not run the job in time (suspended, loop blocked).
        log.warning("morning briefing skipped: its run was missed by more than the grace",
                    extra={"job": event.job_id, "scheduled": str(event.scheduled_run_time)})
