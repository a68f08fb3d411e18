"""Slack resends an event when it thinks we missed it; answer each event id once.

The set of seen ids lives in this process only: with several replicas behind one request URL, a retry
that lands on another replica is answered again (Slack retries only after a late or failed ack).
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

log = logging.getLogger("briefbot.slack")


class SeenEvents:
    """A bounded set of event ids, oldest forgotten first."""

    def __init__(self, size: int = 10_000) -> None:
        self.size = size
        self._ids: OrderedDict[str, None] = OrderedDict()

    def first_time(self, event_id: str) -> bool:
        if event_id in self._ids:
            return False
        self._ids[event_id] = None
        if len(self._ids) > self.size:
            self._ids.popitem(last=False)
        return True


def drop_duplicates(seen: SeenEvents) -> Callable[..., Awaitable[BoltResponse | None]]:
    """Global Bolt middleware: ack and skip an event callback whose id was already handled."""

    async def middleware(req: AsyncBoltRequest, body: dict[str, Any],
                         next: Callable[[], Awaitable[None]]) -> BoltResponse | None:
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id and not seen.first_time(event_id):
            retry = req.headers.get("x-slack-retry-num", [""])[0]
            log.info("slack duplicate event skipped", extra={"event_id": event_id, "retry": retry})
            return BoltResponse(status=200, body="")
        return await next()

    return middleware
