"""Conversations kept in the store, so a follow-up reaching another replica still has its thread.

Behind one Slack request URL or several Discord shards, the next message of a thread may be handled by
another process than the first. The turns live in a table of the store, with the same bounds as the
in-memory `Conversations`: the last few turns per conversation, forgotten after a while without use
(old rows are pruned). Context is best effort: when the database is briefly unavailable the question
is answered on its own rather than not at all.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json
import logging
import time

from sqlalchemy import Column, DateTime, Integer, String, Table, Text, delete, func, insert, select
from sqlalchemy.exc import IntegrityError

from bot.core.conversation import IDLE_SECONDS, MAX_TURNS, Turn
from bot.core.reply import Citation
from bot.core.store import Store, StoreError, metadata

log = logging.getLogger("briefbot.conversation")

PRUNE_SECONDS = 60.0

conversation_turns = Table(
    "conversation_turns", metadata,
    Column("conversation", String(200), primary_key=True),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("data", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
)


def turn_json(turn: Turn) -> str:
    return json.dumps(dataclasses.asdict(turn), ensure_ascii=False)


def turn_of(data: str) -> Turn:
    raw = json.loads(data)
    raw["citations"] = [Citation(**c) for c in raw.get("citations", [])]
    return Turn(**raw)


class StoredConversations:
    def __init__(self, store: Store, max_turns: int = MAX_TURNS, idle_seconds: float = IDLE_SECONDS) -> None:
        self.store = store
        self.max_turns = max_turns
        self.idle = dt.timedelta(seconds=idle_seconds)
        self._pruned = 0.0

    async def history(self, key: str) -> list[Turn]:
        return await asyncio.to_thread(self._history, key)

    async def add(self, key: str, turn: Turn) -> None:
        await asyncio.to_thread(self._add, key, turn)

    def _history(self, key: str) -> list[Turn]:
        since = dt.datetime.now(dt.UTC) - self.idle
        t = conversation_turns
        try:
            with self.store.begin() as conn:
                rows = conn.execute(select(t.c.data).where(t.c.conversation == key[:200], t.c.at >= since)
                                    .order_by(t.c.seq.desc()).limit(self.max_turns)).all()
        except StoreError as exc:
            log.warning("conversation history unavailable; answering the question alone",
                        extra={"conversation": key, "error": str(exc)})
            return []
        return [turn_of(r.data) for r in reversed(rows)]

    def _add(self, key: str, turn: Turn) -> None:
        t = conversation_turns
        key = key[:200]
        now = dt.datetime.now(dt.UTC)
        for _attempt in range(3):
            try:
                with self.store.begin() as conn:
                    top = conn.execute(select(func.max(t.c.seq)).where(t.c.conversation == key)).scalar() or 0
                    conn.execute(insert(t).values(conversation=key, seq=top + 1, data=turn_json(turn), at=now))
                    conn.execute(delete(t).where(t.c.conversation == key, t.c.seq <= top + 1 - self.max_turns))
                    if time.monotonic() - self._pruned > PRUNE_SECONDS:
                        self._pruned = time.monotonic()
                        conn.execute(delete(t).where(t.c.at < now - self.idle))
                return
            except IntegrityError:
                continue  # another replica wrote this conversation's next turn at the same moment
            except StoreError as exc:
                log.warning("conversation turn not kept", extra={"conversation": key, "error": str(exc)})
                return
