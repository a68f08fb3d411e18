"""Slack resends an event when it thinks we missed it; answer each event id once.

Each process remembers the ids it saw; with a store, ids are also claimed in the shared database
(`bot.handled`), so a retry that lands on another replica behind the load balancer is skipped too.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.handled import EventClaims, RecentIds

log = logging.getLogger("briefbot.slack")


class SeenEvents(RecentIds):
    """Event ids seen in this process, optionally backed by claims shared by every replica."""

    def __init__(self, size: int = 10_000, shared: EventClaims | None = None) -> None:
        super().__init__(size)
        self.shared = shared

    async def first_anywhere(self, event_id: str) -> bool:
        """First time in this process and, with shared claims, in any replica."""
        if not self.first_time(event_id):
            return False
        return self.shared is None or await self.shared.claim(f"slack:{event_id}")


def drop_duplicates(seen: SeenEvents) -> Callable[..., Awaitable[BoltResponse | None]]:
    """Global Bolt middleware: ack and skip an event callback whose id was already handled."""

    async def middleware(req: AsyncBoltRequest, body: dict[str, Any],
                         next: Callable[[], Awaitable[None]]) -> BoltResponse | None:
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id and not await seen.first_anywhere(event_id):
            retry = req.headers.get("x-slack-retry-num", [""])[0]
            log.info("slack duplicate event skipped", extra={"event_id": event_id, "retry": retry})
            return BoltResponse(status=200, body="")
        return await next()

    return middleware
