"""Watched sources: the feeds and pages each briefing follows, and every item seen in them.

Two tables. `feeds` holds one row per (briefing, URL) with its polling state: when it is due next, the
validators for a conditional GET, the last success and the last error. `feed_items` holds one row per
item ever seen in a feed, keyed by (feed, item key): the row is inserted with INSERT … ON CONFLICT DO
NOTHING before the item is ingested, so an item seen twice, after a restart or by two replicas at once,
is ingested once. The row keeps the item as it was read (title, link, text, date), so an item whose
ingest failed is retried later even when the feed answers 304 and never lists it again.

Polling a feed is claimed too: a replica moves `next_poll_at` forward with a conditional UPDATE on the
value it read, and only the one whose UPDATE matched fetches the feed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from bot.core.store import Store, StoreError, aware, metadata, now

DEFAULT_INTERVAL_MIN = 15
MIN_INTERVAL_MIN = 1
MAX_INTERVAL_MIN = 7 * 24 * 60
MAX_BACKOFF_MIN = 6 * 60
ITEM_LEASE_SECONDS = 300
MAX_ITEM_ATTEMPTS = 3
KINDS = ("feed", "page")
OWNER = uuid.uuid4().hex[:12]

feeds = Table(
    "feeds", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("briefing", String(64), nullable=False),
    Column("url", Text, nullable=False),
    Column("kind", String(8), nullable=False),  # feed | page
    Column("interval_min", Integer, nullable=False),
    Column("title", Text, nullable=False, default=""),
    Column("etag", Text, nullable=False, default=""),
    Column("last_modified", Text, nullable=False, default=""),
    Column("page_sha", String(64), nullable=False, default=""),  # a page's last main text, hashed
    Column("next_poll_at", DateTime(timezone=True), nullable=False),
    Column("last_polled_at", DateTime(timezone=True)),
    Column("last_success_at", DateTime(timezone=True)),
    Column("last_status", Text, nullable=False, default=""),  # "200, 3 new" / "304 not modified"
    Column("last_error", Text, nullable=False, default=""),
    Column("last_error_at", DateTime(timezone=True)),
    Column("failures", Integer, nullable=False, default=0),  # consecutive; drives the backoff
    Column("items_total", Integer, nullable=False, default=0),
    Column("created_by", String(128), nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("briefing", "url", name="uq_feed_briefing_url"),
)

feed_items = Table(
    "feed_items", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("feed_id", Integer, nullable=False, index=True),
    Column("briefing", String(64), nullable=False),
    Column("item_key", String(64), nullable=False),
    # new | claimed | ingested | duplicate | failed (retried) | dropped (given up, with the reason)
    Column("status", String(16), nullable=False, index=True),
    Column("owner", String(64), nullable=False, default=""),
    Column("lease_until", DateTime(timezone=True)),
    Column("attempts", Integer, nullable=False, default=0),
    Column("payload", Text, nullable=False),  # the item as read: title, link, text, published, feed date
    Column("source_id", String(128), nullable=False, default=""),
    Column("candidates", Integer, nullable=False, default=0),
    Column("date_note", Text, nullable=False, default=""),  # "no date on the item: the feed's date …"
    Column("error", Text, nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("feed_id", "item_key", name="uq_feed_item"),
)


class WatchError(ValueError):
    """Input that cannot make or change a watched source; the message names the value."""


@dataclass
class Feed:
    id: int
    briefing: str
    url: str
    kind: str
    interval_min: int
    title: str
    etag: str
    last_modified: str
    page_sha: str
    next_poll_at: dt.datetime
    last_polled_at: dt.datetime | None
    last_success_at: dt.datetime | None
    last_status: str
    last_error: str
    last_error_at: dt.datetime | None
    failures: int
    items_total: int
    created_by: str
    created_at: dt.datetime

    @property
    def healthy(self) -> bool:
        return self.failures == 0

    def status_line(self) -> str:
        ok = f"last success {_when(self.last_success_at)}" if self.last_success_at else "never polled successfully"
        err = f"; last error {_when(self.last_error_at)}: {self.last_error}" if self.last_error else ""
        return f"{ok}{err}"


def _when(t: dt.datetime | None) -> str:
    return t.strftime("%Y-%m-%d %H:%M UTC") if t else "never"


def _feed(r: Any) -> Feed:
    return Feed(id=r.id, briefing=r.briefing, url=r.url, kind=r.kind, interval_min=r.interval_min, title=r.title,
                etag=r.etag, last_modified=r.last_modified, page_sha=r.page_sha,
                next_poll_at=aware(r.next_poll_at), last_polled_at=aware(r.last_polled_at),  # type: ignore[arg-type]
                last_success_at=aware(r.last_success_at), last_status=r.last_status, last_error=r.last_error,
                last_error_at=aware(r.last_error_at), failures=r.failures, items_total=r.items_total,
                created_by=r.created_by, created_at=aware(r.created_at))  # type: ignore[arg-type]


@dataclass
class Item:
    id: int
    feed_id: int
    briefing: str
    item_key: str
    status: str
    owner: str
    attempts: int
    payload: dict
    source_id: str
    candidates: int
    date_note: str
    error: str


def _item(r: Any) -> Item:
    return Item(id=r.id, feed_id=r.feed_id, briefing=r.briefing, item_key=r.item_key, status=r.status,
                owner=r.owner, attempts=r.attempts, payload=json.loads(r.payload), source_id=r.source_id,
                candidates=r.candidates, date_note=r.date_note, error=r.error)


def ensure_tables(store: Store) -> None:
    metadata.create_all(store.engine, tables=[feeds, feed_items])


def insert_ignoring(store: Store, table: Table):  # noqa: ANN201 - a dialect Insert with on_conflict_do_nothing
    """INSERT … ON CONFLICT DO NOTHING for the store's database: losing a race is an answer, not an error."""
    if store.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table)


# -- input -----------------------------------------------------------------------------------------

def check_url(url: str) -> str:
    url = url.strip()
    if not url.lower().startswith(("http://", "https://")):
        raise WatchError(f"“{url[:80]}” is not an http(s) URL")
    if any(ch.isspace() for ch in url) or len(url) > 2000:
        raise WatchError(f"“{url[:80]}” is not a usable URL (spaces, or over 2000 characters)")
    return url


def check_interval(minutes: int | str | None) -> int:
    if minutes is None:
        return DEFAULT_INTERVAL_MIN
    try:
        value = int(minutes)
    except (TypeError, ValueError):
        raise WatchError(f"interval “{minutes}” is not a number of minutes") from None
    if not MIN_INTERVAL_MIN <= value <= MAX_INTERVAL_MIN:
        raise WatchError(f"interval {value} min is out of range ({MIN_INTERVAL_MIN} to {MAX_INTERVAL_MIN})")
    return value


def check_briefing(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 64 or any(ch.isspace() for ch in name):
        raise WatchError(f"briefing name “{name[:70]}” must be one word of at most 64 characters")
    return name


def named(store: Store, briefing: str) -> str:
    """The briefing's name in the store: the placeholder DEFAULT_BRIEFING ("default", what a feed, alert
    or review channel set up without naming a briefing gets) stands for the store's default briefing."""
    from bot.ingest.watch_cli import DEFAULT_BRIEFING

    if briefing.strip() == DEFAULT_BRIEFING:
        try:
            return store.default_name()
        except StoreError:
            return briefing
    return briefing


# -- feeds -------------------------------------------------------------------------------------------

def add(store: Store, briefing: str, url: str, *, kind: str = "feed", interval_min: int | None = None,
        created_by: str = "") -> tuple[Feed, bool]:
    """Watch URL for a briefing; (feed, created). Adding it again changes its interval and kind."""
    ensure_tables(store)
    briefing, url, interval = check_briefing(named(store, briefing)), check_url(url), check_interval(interval_min)
    if kind not in KINDS:
        raise WatchError(f"unknown kind “{kind}”: use feed or page")
    key = (feeds.c.briefing == briefing) & (feeds.c.url == url)
    t = now()
    with store.begin() as c:
        result = c.execute(insert_ignoring(store, feeds).values(
            briefing=briefing, url=url, kind=kind, interval_min=interval, next_poll_at=t, created_by=created_by,
            created_at=t, title="", etag="", last_modified="", page_sha="", last_status="", last_error="",
            failures=0, items_total=0).on_conflict_do_nothing(index_elements=["briefing", "url"]).returning(feeds.c.id))
        # RETURNING, not rowcount: PostgreSQL drivers do not report a row count for every INSERT.
        created = result.scalar() is not None
        if not created:
            c.execute(update(feeds).where(key).values(interval_min=interval, kind=kind))
        row = c.execute(select(feeds).where(key)).one()
    return _feed(row), created


def remove(store: Store, ref: str, briefing: str | None = None) -> list[Feed]:
    """Stop watching a feed by id or URL (every briefing's, unless one is named); the items stay recorded."""
    ensure_tables(store)
    ref = ref.strip()
    query = select(feeds)
    if ref.isdigit():
        query = query.where(feeds.c.id == int(ref))
    else:
        query = query.where(feeds.c.url == ref)
    if briefing:
        query = query.where(feeds.c.briefing == briefing)
    with store.begin() as c:
        rows = [_feed(r) for r in c.execute(query)]
        if rows:
            c.execute(feeds.delete().where(feeds.c.id.in_([f.id for f in rows])))
    return rows


def listing(store: Store, briefing: str | None = None) -> list[Feed]:
    ensure_tables(store)
    query = select(feeds).order_by(feeds.c.briefing, feeds.c.id)
    if briefing:
        query = query.where(feeds.c.briefing == briefing)
    with store.begin() as c:
        return [_feed(r) for r in c.execute(query)]


def get(store: Store, feed_id: int) -> Feed | None:
    with store.begin() as c:
        row = c.execute(select(feeds).where(feeds.c.id == feed_id)).first()
    return _feed(row) if row else None


def due(store: Store, at: dt.datetime | None = None, limit: int = 1000) -> list[Feed]:
    at = at or now()
    with store.begin() as c:
        rows = c.execute(select(feeds).where(feeds.c.next_poll_at <= at).order_by(feeds.c.next_poll_at)
                         .limit(limit))
        return [_feed(r) for r in rows]


def next_due_in(feed: Feed, failures: int) -> dt.timedelta:
    """The interval, doubled per consecutive failure up to six hours, jittered ±10% so a hundred feeds
    added together do not stay in step (and a feed's server is not hit on the same second each time)."""
    minutes = min(feed.interval_min * (2 ** min(failures, 10)), max(MAX_BACKOFF_MIN, feed.interval_min))
    return dt.timedelta(minutes=minutes * random.uniform(0.9, 1.1))


def claim_poll(store: Store, feed: Feed, at: dt.datetime | None = None) -> bool:
    """Take this round's poll of a feed: move next_poll_at on, on condition it is what we read.

    Of two replicas reading the same due feed, one UPDATE matches; the other polls nothing. A poll that
    dies half-way is simply due again after the interval."""
    at = at or now()
    with store.begin() as c:
        n = c.execute(update(feeds).where((feeds.c.id == feed.id) & (feeds.c.next_poll_at == feed.next_poll_at))
                      .values(next_poll_at=at + next_due_in(feed, feed.failures), last_polled_at=at)).rowcount
    return n == 1


def record_success(store: Store, feed: Feed, *, status: str, etag: str | None = None,
                   last_modified: str | None = None, title: str | None = None, page_sha: str | None = None,
                   new_items: int = 0) -> None:
    t = now()
    values: dict[str, Any] = dict(last_success_at=t, last_status=status[:200], failures=0,
                                  items_total=feeds.c.items_total + new_items,
                                  next_poll_at=t + next_due_in(feed, 0))
    for name, value in (("etag", etag), ("last_modified", last_modified), ("title", title), ("page_sha", page_sha)):
        if value is not None:
            values[name] = value[:2000]
    with store.begin() as c:
        c.execute(update(feeds).where(feeds.c.id == feed.id).values(**values))


def record_failure(store: Store, feed: Feed, error: str) -> None:
    t = now()
    failures = feed.failures + 1
    with store.begin() as c:
        c.execute(update(feeds).where(feeds.c.id == feed.id).values(
            last_error=error[:500], last_error_at=t, failures=failures, last_status="error",
            next_poll_at=t + next_due_in(feed, failures)))


def poll_now(store: Store, feed_ids: list[int] | None = None) -> None:
    """Make feeds due at once (the next round polls them)."""
    query = update(feeds)
    if feed_ids is not None:
        query = query.where(feeds.c.id.in_(feed_ids))
    with store.begin() as c:
        c.execute(query.values(next_poll_at=now() - dt.timedelta(seconds=1)))


# -- items -----------------------------------------------------------------------------------------

def item_key(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:40]


def claim_items(store: Store, feed: Feed, found: list[tuple[str, dict]], owner: str) -> list[Item]:
    """Record the items read from a feed; the ones this call inserted are returned, claimed by `owner`.

    The unique (feed, key) makes an item seen again — next poll, after a restart, by another replica —
    insert nothing, so it is never ingested twice."""
    t = now()
    mine: list[Item] = []
    with store.begin() as c:
        for key, payload in found:
            result = c.execute(insert_ignoring(store, feed_items).values(
                feed_id=feed.id, briefing=feed.briefing, item_key=key, status="claimed", owner=owner,
                lease_until=t + dt.timedelta(seconds=ITEM_LEASE_SECONDS), attempts=1,
                payload=json.dumps(payload, ensure_ascii=False), source_id="", candidates=0, date_note="",
                error="", created_at=t, updated_at=t,
            ).on_conflict_do_nothing(index_elements=["feed_id", "item_key"]).returning(feed_items.c.id))
            new_id = result.scalar()
            if new_id is not None:
                mine.append(Item(id=new_id, feed_id=feed.id, briefing=feed.briefing, item_key=key, status="claimed",
                                 owner=owner, attempts=1, payload=payload, source_id="", candidates=0,
                                 date_note="", error=""))
    return mine


def retryable(store: Store, limit: int = 50) -> list[Item]:
    """Items whose ingest failed for a passing reason, or whose owner died mid-ingest (lease run out)."""
    t = now()
    with store.begin() as c:
        rows = c.execute(select(feed_items).where(
            ((feed_items.c.status == "failed") & (feed_items.c.lease_until < t))
            | ((feed_items.c.status == "claimed") & (feed_items.c.lease_until < t))
        ).order_by(feed_items.c.id).limit(limit))
        return [_item(r) for r in rows]


def take_over(store: Store, item: Item, owner: str) -> Item | None:
    """Claim a failed or abandoned item again (compare-and-swap on status and owner as read)."""
    t = now()
    with store.begin() as c:
        n = c.execute(update(feed_items).where(
            (feed_items.c.id == item.id) & (feed_items.c.status == item.status) & (feed_items.c.owner == item.owner)
            & (feed_items.c.lease_until < t)
        ).values(status="claimed", owner=owner, lease_until=t + dt.timedelta(seconds=ITEM_LEASE_SECONDS),
                 attempts=item.attempts + 1, updated_at=t)).rowcount
    if n != 1:
        return None
    item.status, item.owner, item.attempts = "claimed", owner, item.attempts + 1
    return item


def finish_item(store: Store, item: Item, status: str, *, source_id: str = "", candidates: int = 0,
                date_note: str = "", error: str = "", retry_in: float = 0.0) -> bool:
    """Record how an item ended (only while we still own it)."""
    t = now()
    values: dict[str, Any] = dict(status=status, source_id=source_id, candidates=candidates, date_note=date_note,
                                  error=error[:500], updated_at=t)
    if status == "failed":
        values["lease_until"] = t + dt.timedelta(seconds=retry_in)
    try:
        with store.begin() as c:
            n = c.execute(update(feed_items).where(
                (feed_items.c.id == item.id) & (feed_items.c.owner == item.owner)
                & (feed_items.c.status == "claimed")).values(**values)).rowcount
    except IntegrityError:
        return False
    if n == 1:
        item.status, item.source_id, item.candidates, item.date_note, item.error = (
            status, source_id, candidates, date_note, error[:500])
    return n == 1


def items_of(store: Store, feed_id: int | None = None, briefing: str | None = None) -> list[Item]:
    query = select(feed_items).order_by(feed_items.c.id)
    if feed_id is not None:
        query = query.where(feed_items.c.feed_id == feed_id)
    if briefing is not None:
        query = query.where(feed_items.c.briefing == briefing)
    with store.begin() as c:
        return [_item(r) for r in c.execute(query)]


def item_for_source(store: Store, source_id: str) -> Item | None:
    with store.begin() as c:
        row = c.execute(select(feed_items).where(feed_items.c.source_id == source_id).limit(1)).first()
    return _item(row) if row else None

