"""Retrying an interactive answer's platform call: capped exponential backoff with jitter, within a deadline.

A person waits for these answers, so a transient failure (5xx, 429, a dropped connection) is retried
rather than dropped, but only within `RetryPolicy.deadline` seconds; after that the caller tells the
person plainly that the answer could not be delivered. A 429's Retry-After is honoured: the next try
waits at least that long, and when that wait would pass the deadline the call gives up at once.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")
log = logging.getLogger("briefbot.retry")

# What `classify` returns for an error: give up, back off, or wait the platform's Retry-After (seconds).
GIVE_UP: None = None
BACKOFF = 0.0


@dataclass(frozen=True)
class RetryPolicy:
    deadline: float = 30.0  # seconds for all tries of one call, waits included
    first_delay: float = 0.5  # the first backoff; doubled each time, up to `max_delay`
    max_delay: float = 8.0
    jitter: float = 0.5  # each backoff is scaled by a random factor in [1 - jitter, 1]

    def backoff(self, attempt: int) -> float:
        """The wait before try `attempt + 1` (attempt counts from 0) when the platform gave no Retry-After."""
        base = min(self.max_delay, self.first_delay * (2 ** attempt))
        return base * random.uniform(1 - self.jitter, 1.0)


class RetriesExhausted(Exception):
    """Every try within the deadline failed; `last` is the final error."""

    def __init__(self, last: BaseException, attempts: int) -> None:
        super().__init__(f"gave up after {attempts} tries: {type(last).__name__}: {last}")
        self.last = last
        self.attempts = attempts


async def retrying(call: Callable[[], Awaitable[T]], classify: Callable[[BaseException], float | None],
                   policy: RetryPolicy, *, what: str = "",
                   on_wait: Callable[[BaseException, float], None] | None = None) -> T:
    """`await call()`, retried while `classify(error)` is not None and the deadline allows (a try still
    running at the deadline is cancelled).

    `classify` returns None (not worth retrying: raised as is), 0 (back off) or a Retry-After in seconds.
    Raises RetriesExhausted when a retryable error persists past the deadline."""
    started = time.monotonic()
    attempt = 0
    while True:
        try:
            # The deadline bounds each try too: a client library may wait and retry inside one call.
            return await asyncio.wait_for(call(), max(0.001, policy.deadline - (time.monotonic() - started)))
        except Exception as exc:  # noqa: BLE001 - classify decides; others are re-raised below
            retry_after = classify(exc)
            if retry_after is None:
                raise
            wait = max(retry_after, policy.backoff(attempt)) if retry_after else policy.backoff(attempt)
            attempt += 1
            if time.monotonic() - started + wait > policy.deadline:
                raise RetriesExhausted(exc, attempt) from exc
            log.info("retrying", extra={"what": what, "attempt": attempt, "wait_s": round(wait, 3),
                                        "error": f"{type(exc).__name__}: {exc}"[:200]})
            if on_wait is not None:
                on_wait(exc, wait)
            await asyncio.sleep(wait)
