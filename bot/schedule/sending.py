"""Sending one claimed delivery, part by part, with retries that never post a part twice.

Each part is announced before it is sent (`sending`) and recorded at once after (`parts_sent`), so a
retry, a restart or another replica taking over starts at the next part; a part whose send was in
flight when its owner died is looked up on the platform before it is sent again. A record that cannot
be written (the database is away) is retried in memory until it can: the post is never forgotten. 429s wait for their Retry-After; 5xx and timeouts back off
exponentially; both are bounded. A permanent error (unknown channel, no access) ends the delivery as
failed, with the platform's reason.

Fan-out: sends to one platform share a semaphore (bounded concurrency), one channel's deliveries are
serialised, and sends are paced to each platform's documented limits (per channel, and Discord's
bot-wide one), so a burst of briefings due the same minute respects them before any 429 says so.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.exc import DBAPIError

from bot import metrics
from bot.core.store import StoreError
from bot.delivery import CannotTell, DeliveryError, PermanentError, Poster, RateLimited
from bot.schedule.ledger import Delivery, Ledger, first_line

T = TypeVar("T")

log = logging.getLogger("briefbot.schedule")


@dataclass
class RetryPolicy:
    max_transient: int = 6  # 5xx / timeouts per part
    max_rate_limited: int = 30  # 429s per part
    base_backoff: float = 0.5
    max_backoff: float = 30.0
    max_retry_after: float = 600.0


class Pace:
    """Spaces calls at least 1/rate seconds apart (no bursts), so a limit counted over any window
    of a second is never passed: callers reserve the next free slot, then sleep until it (all of
    them at once: a chain of callers waiting for each other would add every wake-up's delay)."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate
        self.next = 0.0

    def reserve(self) -> float:
        """Seconds to wait before the caller may go."""
        now = asyncio.get_running_loop().time()
        at = max(now, self.next)
        self.next = at + self.interval
        return at - now


class Window:
    """At most `limit` calls in any second, counted when each really goes: after the event loop ran
    late, callers whose paced times all passed cannot go out in one burst."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.sent: collections.deque[float] = collections.deque()

    async def turn(self, sleep: Callable[[float], Any]) -> None:
        loop = asyncio.get_running_loop()
        while True:
            now = loop.time()
            while self.sent and now - self.sent[0] >= 1.0:
                self.sent.popleft()
            if len(self.sent) < self.limit:
                self.sent.append(now)
                return
            await sleep(self.sent[0] + 1.0 - now + 0.001)


@dataclass(frozen=True)
class Limits:
    per_channel: float  # messages per second to one channel
    per_platform: float | None = None  # requests per second for the whole bot (paced)
    burst: int | None = None  # and never more than this in any second


# The platforms' documented limits for posting: Slack allows about one message per second per
# channel; Discord five per five seconds per channel and 50 requests per second per bot overall (we
# pace at 40 a second, and never let more than 44 go in any second: discord.py's own retries of a 5xx
# and network jitter need the rest).
LIMITS = {"slack": Limits(per_channel=1.0), "discord": Limits(per_channel=1.0, per_platform=40.0, burst=44)}
CHANNEL_MARGIN = 0.05  # seconds added after a channel's last post, for clock and network jitter


class Fanout:
    """Bounded concurrency per platform, one delivery at a time per channel, and sends paced to the
    platform's documented limits, so a burst of briefings due the same minute meets few 429s."""

    def __init__(self, per_platform: int = 32, limits: dict[str, Limits] | None = None) -> None:
        self.per_platform = per_platform
        self.limits = LIMITS if limits is None else limits
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._channels: dict[tuple[str, str, str], asyncio.Lock] = {}
        self._paces: dict[tuple[str, ...], Pace] = {}
        self._windows: dict[str, Window] = {}
        self._last: dict[tuple[str, str, str], float] = {}
        # Set when the process stops: no new send starts; sends in flight finish and are recorded.
        self.stopping = asyncio.Event()

    async def nap(self, seconds: float) -> None:
        """Sleep, but wake at once when stopping (the caller then hands its delivery back)."""
        if seconds <= 0:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stopping.wait(), seconds)

    def slot(self, platform: str) -> asyncio.Semaphore:
        if platform not in self._slots:
            self._slots[platform] = asyncio.Semaphore(self.per_platform)
        return self._slots[platform]

    def channel(self, platform: str, workspace: str, channel: str) -> asyncio.Lock:
        key = (platform, workspace, channel)
        if key not in self._channels:
            self._channels[key] = asyncio.Lock()
        return self._channels[key]

    async def pace(self, platform: str, workspace: str, channel: str,
                   sleep: Callable[[float], Any] = asyncio.sleep) -> None:
        """Wait until the channel may take another message."""
        limits = self.limits.get(platform)
        if limits is None:
            return
        # The platform counts from when it accepted the channel's previous message, so measure
        # from when that send returned, not from when it was started.
        last = self._last.get((platform, workspace, channel))
        if last is not None and limits.per_channel:
            wait = last + 1.0 / limits.per_channel + CHANNEL_MARGIN - asyncio.get_running_loop().time()
            if wait > 0:
                await sleep(wait)

    async def platform_turn(self, platform: str, sleep: Callable[[float], Any] = asyncio.sleep) -> None:
        """Wait for the platform's next bot-wide slot."""
        limits = self.limits.get(platform)
        if limits is None or not limits.per_platform:
            return
        wait = self._paces.setdefault((platform,), Pace(limits.per_platform)).reserve()
        if wait > 0:
            await sleep(wait)

    async def platform_burst(self, platform: str, sleep: Callable[[float], Any] = asyncio.sleep) -> None:
        """Right before the request: wait while the platform's last second is full."""
        limits = self.limits.get(platform)
        if limits is None or not limits.burst:
            return
        await self._windows.setdefault(platform, Window(limits.burst)).turn(sleep)

    def sent(self, platform: str, workspace: str, channel: str) -> None:
        self._last[(platform, workspace, channel)] = asyncio.get_running_loop().time()

async def send_delivery(d: Delivery, poster: Poster, ledger: Ledger, fanout: Fanout,
                        policy: RetryPolicy | None = None,
                        sleep: Callable[[float], Any] | None = None) -> str:
    """Send the remaining parts of a claimed delivery; returns its final status.

    "sent", "failed", "lost" when another process took the row over (we stop at once), or "stopped"
    when the process is stopping (the row is handed back for the next owner)."""
    policy = policy or RetryPolicy()
    nap = sleep or fanout.nap
    where = {"delivery": d.id, "subscription": d.subscription_id, "platform": d.platform,
             "channel": d.channel, "local_date": d.local_date.isoformat()}
    ledger.track(d)
    try:
        async with fanout.channel(d.platform, d.workspace, d.channel):
            if d.in_doubt():
                # The previous owner died with this part in flight: ask the platform first.
                found = await ask(d, poster, d.parts_sent, policy, nap, where)
                if found:
                    log.info("part already posted by the previous owner; not posting it again",
                             extra={**where, "part": d.parts_sent + 1, "message_id": found})
                    if not await persist(ledger, where, ledger.part_sent, d, d.parts_sent, found):
                        return "lost"
            return await _send_parts(d, poster, ledger, fanout, policy, nap, where)
    finally:
        ledger.untrack(d)


async def _send_parts(d: Delivery, poster: Poster, ledger: Ledger, fanout: Fanout, policy: RetryPolicy,
                      nap: Callable[[float], Any], where: dict) -> str:
    while d.parts_sent < d.parts_total:
        part = d.parts_sent
        transient = limited = 0
        doubtful = False  # an earlier attempt of this part may have been posted after all
        while True:
            if fanout.stopping.is_set():
                return await _stopped(d, ledger, doubtful, where)
            if d.lost:
                log.warning("delivery taken over by another process; stopping", extra=where)
                return "lost"
            # Saying which part goes out also renews the lease and checks the row is still ours; the
            # write recording the previous part announced this one already (and the heartbeat keeps
            # the lease) unless the lease is half gone.
            # The write goes on while the part waits for its pace and slot; it must be done (and say
            # the row is ours) before the request.
            d.attempts += 1
            announce = None
            if not (d.sending == part and ledger.lease_fresh(d)):
                announce = asyncio.ensure_future(persist(ledger, where, ledger.intend, d, part))
            try:
                await fanout.pace(d.platform, d.workspace, d.channel, nap)
                await fanout.platform_turn(d.platform, nap)
            except BaseException:
                if announce is not None:
                    announce.cancel()
                raise
            sent = lost = False
            try:
                async with fanout.slot(d.platform):
                    lost = announce is not None and not await announce
                    if not lost:
                        await fanout.platform_burst(d.platform, nap)
                    if not lost and not fanout.stopping.is_set():  # a slot may come after the grace
                        message_id = await poster.send(d.channel, d.payloads[part], mark=d.mark(part))
                        sent = True
                if lost:
                    log.warning("delivery taken over by another process; stopping", extra=where)
                    return "lost"
                if not sent:
                    return await _stopped(d, ledger, doubtful, where)
                fanout.sent(d.platform, d.workspace, d.channel)
            except RateLimited as exc:
                limited += 1
                metrics.RATE_LIMIT_WAITS.labels(d.platform).inc()
                if limited > policy.max_rate_limited or exc.retry_after > policy.max_retry_after:
                    return await _fail(d, ledger, f"rate limited {limited} times on part {part + 1}: {exc}",
                                       where)
                await nap(exc.retry_after + random.uniform(0, 0.05))  # spread the herd a little
                continue
            except PermanentError as exc:
                metrics.PLATFORM_ERRORS.labels(d.platform, "permanent").inc()
                return await _fail(d, ledger, str(exc), where)
            except DeliveryError as exc:
                if not exc.transient:
                    metrics.PLATFORM_ERRORS.labels(d.platform, "permanent").inc()
                    return await _fail(d, ledger, str(exc), where)
                transient += 1
                metrics.PLATFORM_ERRORS.labels(d.platform, "transient").inc()
                if getattr(exc, "maybe_sent", False):
                    # A timeout or a 5xx may come after the platform stored the message.
                    found = await ask(d, poster, part, policy, nap, where)
                    if found:
                        message_id = found
                        break
                    doubtful = doubtful or found is None
                if transient >= policy.max_transient:
                    return await _fail(d, ledger, f"gave up on part {part + 1} after {transient} "
                                                  f"attempts: {exc}", where)
                wait = min(policy.max_backoff, policy.base_backoff * 2 ** (transient - 1))
                wait *= random.uniform(0.5, 1.0)
                log.info("transient error, retrying", extra={**where, "error": str(exc), "wait": wait})
                await nap(wait)
                continue
            break
        if not await persist(ledger, where, ledger.part_sent, d, part, message_id):
            log.warning("delivery taken over while sending; stopping", extra=where)
            return "lost"
    metrics.DELIVERIES.labels(d.platform, "sent").inc()
    log.info("briefing delivered", extra={**where, "parts": d.parts_total, "attempts": d.attempts})
    return "sent"


async def ask(d: Delivery, poster: Poster, part: int, policy: RetryPolicy, nap: Callable[[float], Any],
              where: dict) -> str | None | bool:
    """Whether part `part` reached the platform: its message id, False when it did not (or sending it
    again cannot duplicate it), None when the platform cannot tell — then it is sent again: a part
    repeated is visible and harmless, a part missing is silent (README: "Exactly once")."""
    find = getattr(poster, "find_sent", None)
    if find is None:
        return None
    for attempt in range(1, policy.max_transient + 1):
        try:
            found = await find(d.channel, d.payloads[part], d.mark(part), d.claimed_at)
            return found or False
        except CannotTell as exc:
            log.warning("cannot tell whether a part was posted; posting it again",
                        extra={**where, "part": part + 1, "reason": str(exc)})
            return None
        except RateLimited as exc:
            await nap(min(exc.retry_after, policy.max_retry_after))
        except DeliveryError as exc:
            await nap(min(policy.max_backoff, policy.base_backoff * 2 ** (attempt - 1)))
            log.info("asking the platform failed, retrying", extra={**where, "error": str(exc)})
    log.warning("could not ask whether a part was posted; posting it again", extra={**where, "part": part + 1})
    return None


async def persist(ledger: Ledger, where: dict, fn: Callable[..., T], *args: object) -> T:
    """A ledger write that must not be lost: retried (in memory, backing off) until the database is back.

    Ends only with the write's answer, or when the task is cancelled (a stop past its grace: the row's
    `sending` mark then tells the next owner to ask the platform)."""
    delay = 0.2
    failing = False
    while True:
        try:
            result = await ledger.write(fn, *args)
        except (StoreError, DBAPIError) as exc:
            if not failing:
                log.warning("cannot record delivery progress; retrying until the database is back",
                            extra={**where, "error": first_line(exc)})
            failing = True
            await asyncio.sleep(delay)
            delay = min(5.0, delay * 2)
            continue
        if failing:
            log.info("delivery progress recorded after the database came back", extra=where)
        return result


async def _stopped(d: Delivery, ledger: Ledger, doubtful: bool, where: dict) -> str:
    """Stopping: nothing more is sent; hand the row back so the next owner resumes it at once."""
    try:
        await ledger.write(ledger.release, d, not doubtful)
    except Exception as exc:  # noqa: BLE001 - the lease runs out by itself soon
        log.warning("could not hand a delivery back; its lease runs out instead",
                    extra={**where, "error": first_line(exc)})
    log.info("delivery paused for the stop; another process resumes it", extra={**where, "parts_sent": d.parts_sent})
    return "stopped"


async def _fail(d: Delivery, ledger: Ledger, reason: str, where: dict) -> str:
    await persist(ledger, where, ledger.fail, d, reason)
    metrics.DELIVERIES.labels(d.platform, "failed").inc()
    log.error("briefing delivery failed", extra={**where, "reason": reason})
    return "failed"
