"""The briefing store: SQLite by default, any SQLAlchemy URL (PostgreSQL for several replicas).

Other modules add their own tables to `metadata` (subscriptions, deliveries, review queue ...); the
schema is created or extended on start by `Store.migrate()`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DatabaseError, IntegrityError, OperationalError

from bot.core.models import (
    Actor,
    Agreement,
    Briefing,
    Claim,
    Event,
    Fact,
    Figure,
    Request,
    Source,
    Upcoming,
)

SCHEMA_VERSION = 1

metadata = MetaData()

meta = Table(
    "meta", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

sources = Table(
    "sources", metadata,
    Column("id", String(128), primary_key=True),
    Column("title", Text, nullable=False),
    Column("publisher", Text, nullable=False, default=""),
    Column("url", Text, nullable=False, default=""),
    Column("published_at", Date, nullable=False),
    Column("retrieved_at", DateTime(timezone=True)),
    Column("text", Text, nullable=False),
    Column("sha256", String(64), nullable=False, unique=True),
)

facts = Table(
    "facts", metadata,
    Column("id", String(128), primary_key=True),
    Column("kind", String(32), nullable=False, index=True),
    Column("data", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# Append-only: rows are inserted, never updated or deleted. The current value of a series is the
# row with the latest as_of; older rows are its history.
figures = Table(
    "figures", metadata,
    Column("row_id", Integer, primary_key=True, autoincrement=True),
    Column("id", String(128), nullable=False, unique=True),
    Column("metric", String(32), nullable=False, index=True),
    Column("scope", Text, nullable=False),
    Column("as_of", Date, nullable=False),
    Column("source_id", String(128), nullable=False),
    Column("data", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

FACT_KINDS: dict[str, type[Fact]] = {
    "actor": Actor, "event": Event, "claim": Claim, "request": Request,
    "agreement": Agreement, "upcoming": Upcoming, "note": Fact,
}
_LIST_OF_KIND = {"actor": "actors", "event": "events", "claim": "claims", "request": "requests",
                 "agreement": "agreements", "upcoming": "upcoming", "note": "notes"}


class StoreError(Exception):
    """A database problem, worded for the person running the bot (no traceback needed)."""


class DuplicateError(StoreError):
    pass


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def describe_url(url: str) -> str:
    """The database named for messages, without any password."""
    if url.startswith("sqlite"):
        return url.split("///", 1)[-1] or ":memory:"
    head, _, tail = url.rpartition("@")
    return f"{url.split('://', 1)[0]}://…@{tail}" if head else url


class Store:
    def __init__(self, url: str) -> None:
        self.url = url
        self.name = describe_url(url)
        self.changed_here = False
        if url.startswith("sqlite"):
            path = url.split("///", 1)[-1]
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            self.engine: Engine = create_engine(url, connect_args={"timeout": 30})
            event.listen(self.engine, "connect", _sqlite_pragmas)
        else:
            self.engine = create_engine(url, pool_pre_ping=True)

    # -- lifecycle -------------------------------------------------------------------------------
    def migrate(self) -> None:
        """Create missing tables and record the schema version; safe to run on every start."""
        try:
            metadata.create_all(self.engine)
            with self.engine.begin() as conn:
                row = conn.execute(select(meta.c.value).where(meta.c.key == "schema_version")).first()
                if row is None:
                    try:
                        with conn.begin_nested():
                            conn.execute(insert(meta).values(key="schema_version", value=str(SCHEMA_VERSION)))
                    except IntegrityError:
                        pass  # another replica wrote it first
                elif int(row.value) > SCHEMA_VERSION:
                    raise StoreError(f"database {self.name} has schema version {row.value}, newer than "
                                     f"this bot's {SCHEMA_VERSION}: upgrade the bot")
        except (DatabaseError, OperationalError) as exc:
            raise StoreError(f"cannot open database {self.name}: {_reason(exc)}") from None

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """One transaction; database errors come out as StoreError naming the database."""
        try:
            with self.engine.begin() as conn:
                yield conn
        except IntegrityError:
            raise
        except (DatabaseError, OperationalError) as exc:
            raise StoreError(f"database {self.name}: {_reason(exc)}") from None

    def ping(self) -> None:
        with self.begin() as conn:
            conn.exec_driver_sql("SELECT 1")

    def close(self) -> None:
        self.engine.dispose()

    # -- briefing --------------------------------------------------------------------------------
    def shipped_digest(self) -> str | None:
        with self.begin() as conn:
            row = conn.execute(select(meta.c.value).where(meta.c.key == "shipped_digest")).first()
        return row.value if row else None

    def seed(self, briefing: Briefing, digest: str = "") -> bool:
        """Write (or bring up to date) the briefing shipped with the bot; False if another process did.

        Shipped facts are replaced by their new version; shipped sources and figures are only added
        (figures are append-only). Facts and figures ingested later are left as they are."""
        try:
            with self.begin() as conn:
                info = dict(conn.execute(select(meta.c.key, meta.c.value)).all())
                if info.get("shipped_digest") == digest and "seeded" in info:
                    return False
                for key, value in (("seeded", briefing.as_of.isoformat()), ("title", briefing.title),
                                   ("conflict", briefing.conflict), ("shipped_digest", digest)):
                    conn.execute(meta.delete().where(meta.c.key == key))
                    conn.execute(insert(meta).values(key=key, value=value))
                known_sources = set(conn.execute(select(sources.c.id)).scalars())
                for source in briefing.sources:
                    if source.id not in known_sources:
                        self.add_source(source, conn)
                shipped_sources = {src.id for src in briefing.sources}
                updated = self._facts_updated_elsewhere(conn, shipped_sources)
                for kind, attr in _LIST_OF_KIND.items():
                    for fact in getattr(briefing, attr):
                        if fact.id not in updated:  # a reviewed update from a later report wins
                            self.replace_fact(kind, fact, conn)
                known_figures = set(conn.execute(select(figures.c.id)).scalars())
                for fig in briefing.figures:
                    if fig.id not in known_figures:
                        self.add_figure(fig, conn)
                self.bump_revision(conn)
        except IntegrityError:
            return False
        return True

    @staticmethod
    def _facts_updated_elsewhere(conn: Connection, shipped_sources: set[str]) -> set[str]:
        """Ids of facts whose stored version rests on a report that was not shipped with the bot."""
        out = set()
        for row in conn.execute(select(facts.c.id, facts.c.data)):
            evidence = json.loads(row.data).get("evidence", [])
            if any(ev.get("source_id") not in shipped_sources for ev in evidence):
                out.add(row.id)
        return out

    def add_source(self, source: Source, conn: Connection) -> None:
        conn.execute(insert(sources).values(
            id=source.id, title=source.title, publisher=source.publisher, url=source.url,
            published_at=source.published_at, retrieved_at=source.retrieved_at or _now(),
            text=source.text, sha256=source.sha256,
        ))

    def add_fact(self, kind: str, fact: Fact, conn: Connection) -> None:
        if kind not in FACT_KINDS:
            raise StoreError(f"unknown fact kind {kind!r}")
        conn.execute(insert(facts).values(id=fact.id, kind=kind, data=fact.model_dump_json(),
                                          created_at=_now()))

    def replace_fact(self, kind: str, fact: Fact, conn: Connection) -> None:
        """Facts other than figures may be corrected (an announced meeting that was then held)."""
        conn.execute(facts.delete().where(facts.c.id == fact.id))
        self.add_fact(kind, fact, conn)

    def add_figure(self, fig: Figure, conn: Connection) -> None:
        conn.execute(insert(figures).values(
            id=fig.id, metric=fig.metric, scope=fig.scope, as_of=fig.as_of, source_id=fig.source_id,
            data=fig.model_dump_json(), created_at=_now(),
        ))

    def bump_revision(self, conn: Connection) -> None:
        """Mark the briefing as changed so every replica reloads it on its next command."""
        value = _now().isoformat()
        # UPDATE, not delete-and-insert: two replicas committing reports at once would collide on the key
        # (and the loser's report be lost as a "duplicate"); the row lock makes them take turns instead.
        if conn.execute(update(meta).where(meta.c.key == "revision").values(value=value)).rowcount == 0:
            conn.execute(insert(meta).values(key="revision", value=value))
        self.changed_here = True  # this process wrote it: its next command reloads without waiting

    def revision(self) -> str:
        with self.begin() as conn:
            row = conn.execute(select(meta.c.value).where(meta.c.key == "revision")).first()
        return row.value if row else ""

    def source_by_hash(self, sha256: str) -> str | None:
        with self.begin() as conn:
            row = conn.execute(select(sources.c.id).where(sources.c.sha256 == sha256)).first()
        return row.id if row else None

    def load_briefing(self) -> Briefing:
        """Everything in the store as one Briefing (figures in insertion order, history included)."""
        with self.begin() as conn:
            info = dict(conn.execute(select(meta.c.key, meta.c.value)).all())
            if "seeded" not in info:
                raise StoreError(f"database {self.name} holds no briefing yet")
            srcs = [Source(id=r.id, title=r.title, publisher=r.publisher, url=r.url,
                           published_at=r.published_at, retrieved_at=r.retrieved_at, text=r.text,
                           sha256=r.sha256)
                    for r in conn.execute(select(sources).order_by(sources.c.published_at, sources.c.id))]
            lists: dict[str, list] = {attr: [] for attr in _LIST_OF_KIND.values()}
            for r in conn.execute(select(facts.c.kind, facts.c.data).order_by(facts.c.created_at, facts.c.id)):
                model = FACT_KINDS.get(r.kind)
                if model is not None:
                    lists[_LIST_OF_KIND[r.kind]].append(model.model_validate_json(r.data))
            figs = [Figure.model_validate_json(r.data)
                    for r in conn.execute(select(figures.c.data).order_by(figures.c.row_id))]
        latest = max([s.published_at for s in srcs], default=dt.date.fromisoformat(info["seeded"]))
        return Briefing(title=info.get("title", "Briefing"), conflict=info.get("conflict", ""),
                        as_of=latest, sources=srcs, figures=figs, **lists)


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # noqa: ANN001 - DB-API objects are untyped
    cur = dbapi_conn.cursor()
    # WAL lets a reader and a writer (two replicas, the CLI beside a running bot) work together.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _reason(exc: Exception) -> str:
    text = str(getattr(exc, "orig", exc)).strip().splitlines()
    return text[0] if text else exc.__class__.__name__

