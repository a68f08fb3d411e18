"""Shared bits of the ingest tests: a store with the shipped briefing, and a snapshot of its contents."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from bot.app import open_store
from bot.config import load_settings
from bot.core.store import Store, facts, figures, meta, sources
from bot.ingest.review import candidates, ensure_table
from tests.conftest import SHARED

FOLLOWUPS = SHARED / "sources" / "followups"
DEC9 = FOLLOWUPS / "2025-12-09-clashes-spread.txt"
DEC22 = FOLLOWUPS / "2025-12-22-asean-ministers-meet.txt"
REPORTS = Path(__file__).parent / "reports"


def make_store(url: str) -> Store:
    store = open_store(load_settings(database_url=url))
    ensure_table(store)
    return store


def snapshot(store: Store) -> tuple:
    """Row counts and the revision: equal snapshots mean nothing was written."""
    with store.begin() as conn:
        counts = tuple(conn.execute(select(func.count()).select_from(t)).scalar_one()
                       for t in (sources, facts, figures, candidates))
        revision = conn.execute(select(meta.c.value).where(meta.c.key == "revision")).scalar()
        data = tuple(conn.execute(select(facts.c.data).order_by(facts.c.id)).scalars())
    return counts, revision, hash(data)
