"""The review queue's table, in a module of its own so the schema can be created without loading the
extraction code (which `briefbot ask` never needs)."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Integer, String, Table, Text

from bot.core.store import metadata

candidates = Table(
    "candidates", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source_id", String(128), nullable=False, index=True),
    Column("briefing", String(64), nullable=False, index=True),
    Column("kind", String(32), nullable=False),
    Column("payload", Text, nullable=False),
    Column("status", String(16), nullable=False, index=True),  # pending | approved | rejected | conflict
    Column("reason", Text, nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
