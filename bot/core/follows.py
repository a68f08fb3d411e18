"""Which briefing each chat channel follows (set by its admins with /follow NAME)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, DateTime, String, Table, select

from bot.core.reply import Asker
from bot.core.store import Store, check_name, metadata

follows = Table(
    "follows", metadata,
    Column("platform", String(16), primary_key=True),
    Column("workspace_id", String(64), primary_key=True),
    Column("channel_id", String(64), primary_key=True),
    Column("briefing", String(64), nullable=False),
    Column("set_by", String(64), nullable=False, default=""),
    Column("set_at", DateTime(timezone=True), nullable=False),
)


def followed(store: Store, platform: str, workspace_id: str, channel_id: str) -> str | None:
    with store.begin() as conn:
        return conn.execute(select(follows.c.briefing).where(
            follows.c.platform == platform, follows.c.workspace_id == (workspace_id or ""),
            follows.c.channel_id == channel_id)).scalar()


def set_followed(store: Store, platform: str, workspace_id: str, channel_id: str, briefing: str,
                 set_by: str = "") -> None:
    """The channel follows `briefing` from now on (replacing what it followed)."""
    check_name(briefing)
    key = (follows.c.platform == platform, follows.c.workspace_id == (workspace_id or ""),
           follows.c.channel_id == channel_id)
    with store.begin() as conn:
        conn.execute(follows.delete().where(*key))
        conn.execute(follows.insert().values(platform=platform, workspace_id=workspace_id or "",
                                             channel_id=channel_id, briefing=briefing, set_by=set_by,
                                             set_at=dt.datetime.now(dt.UTC)))
        store.touch(conn)  # replicas drop what they remember of who follows what


def asker_follows(store: Store, asker: Asker) -> str | None:
    return followed(store, asker.platform, asker.workspace_id, asker.channel_id)


def asker_set(store: Store, asker: Asker, briefing: str) -> None:
    set_followed(store, asker.platform, asker.workspace_id, asker.channel_id, briefing, asker.user_id)
