"""Events already handled, shared by every replica through the store.

Slack resends an event when an ack is late; behind a load balancer the resend may reach another
replica, whose in-memory memory of event ids is empty. The first replica to insert the event's key
answers it; the others see the key taken and skip it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections import OrderedDict
from collections.abc import Hashable

from sqlalchemy import Column, DateTime, String, Table, delete, insert
from sqlalchemy.exc import IntegrityError

from bot.core.store import Store, StoreError, metadata

log = logging.getLogger("briefbot.handled")

handled_events = Table(
    "handled_events", metadata,
    Column("event_key", String(200), primary_key=True),
    Column("handled_at", DateTime(timezone=True), nullable=False, index=True),
)

class RecentIds:
    """The last `size` ids seen in this process, oldest forgotten first."""

    def __init__(self, size: int = 10_000) -> None:
        self.size = size
        self._ids: OrderedDict[Hashable, None] = OrderedDict()

    def first_time(self, key: Hashable) -> bool:
        if key in self._ids:
            return False
        self._ids[key] = None
        if len(self._ids) > self.size:
            self._ids.popitem(last=False)
        return True


KEEP = dt.timedelta(days=1)  # Slack stops retrying within minutes; a day is ample
PRUNE_EVERY = 500


class EventClaims:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._claims = 0

    async def claim(self, key: str) -> bool:
        """True for the first replica to claim `key`; False when it was handled already."""
        return await asyncio.to_thread(self._claim, key)

    def _claim(self, key: str) -> bool:
        now = dt.datetime.now(dt.UTC)
        try:
            with self.store.begin() as conn:
                conn.execute(insert(handled_events).values(event_key=key[:200], handled_at=now))
                self._claims += 1
                if self._claims % PRUNE_EVERY == 0:
                    conn.execute(delete(handled_events).where(handled_events.c.handled_at < now - KEEP))
        except IntegrityError:
            return False
        except StoreError:
            # The database is briefly unavailable: answering twice beats not answering at all.
            log.warning("event claim failed; answering anyway", extra={"event_key": key})
        return True
