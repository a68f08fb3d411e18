"""The briefing store: SQLite by default, any SQLAlchemy URL (PostgreSQL for several replicas).

One store holds several briefings (one per conflict), each named by a short slug: every source, fact
and figure row carries the name of the briefing it belongs to. Other modules add their own tables to
`metadata` (subscriptions, deliveries, review queue ...); the schema is created or extended on start by
`Store.migrate()`, which also upgrades a store from before briefings had names: everything already
stored joins the briefing named by `legacy` (the shipped one).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import logging
import os
import re
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
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
    func,
    insert,
    inspect,
    select,
    update,
)
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DBAPIError, IntegrityError

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
# A database that accepts connections but never answers must not stall start-up in silence.
CONNECT_TIMEOUT = 10
LOCK_NAME = "briefbot-schema"

log = logging.getLogger("briefbot.store")

SCHEMA_VERSION = 2  # 2: briefings have names; sources, facts and figures belong to one
BRIEFING_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")

metadata = MetaData()

meta = Table(
    "meta", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

briefings = Table(
    "briefings", metadata,
    Column("name", String(64), primary_key=True),
    Column("title", Text, nullable=False),
    Column("conflict", Text, nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # Changes whenever the briefing's facts change: replicas compare it to reload just that briefing.
    Column("revision", String(64), nullable=False, default=""),
)

# Source ids and texts are unique across the store: one report belongs to one briefing.
sources = Table(
    "sources", metadata,
    Column("id", String(128), primary_key=True),
    Column("briefing", String(64), nullable=False, index=True),
    Column("title", Text, nullable=False),
    Column("publisher", Text, nullable=False, default=""),
    Column("url", Text, nullable=False, default=""),
    Column("published_at", Date, nullable=False),
    Column("retrieved_at", DateTime(timezone=True)),
    Column("text", Text, nullable=False),
    Column("sha256", String(64), nullable=False, unique=True),
)

# Fact ids are names ("donald-trump"): two briefings may each hold a fact of the same id.
facts = Table(
    "facts", metadata,
    Column("briefing", String(64), primary_key=True),
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
    Column("briefing", String(64), nullable=False, index=True),
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


@dataclass
class BriefingInfo:
    """One briefing as listed: its name, title and how much it holds."""

    name: str
    title: str
    conflict: str
    sources: int
    facts: int
    figures: int
    updated: str  # ISO time of its last change ("" when never changed)


def check_name(name: str) -> str:
    """A briefing name is a short slug ("east-timor-2026"); anything else is a clear error."""
    if not BRIEFING_NAME.match(name or ""):
        raise StoreError(f"briefing name {name!r}: use 1-64 lowercase letters, digits and hyphens, "
                         f"e.g. 'border-war-2026'")
    return name


def name_for(title: str) -> str:
    """A briefing name made from a title ("Cambodia–Thailand border conflict" -> "cambodia-thailand-border-conflict")."""
    text = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:64].strip("-")
    return text or "briefing"


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def aware(value: dt.datetime | None) -> dt.datetime | None:
    """A time read back from the store with its UTC offset (SQLite drops it; we always write UTC)."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def text_sha256(text: str) -> str:
    """A report's fingerprint for spotting a copy: line endings, trailing spaces and blank lines at
    either end do not count (a copy saved by another editor is the same report)."""
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    normal = "\n".join(line.rstrip() for line in lines).strip("\n")
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


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
        self._default = ""  # the default briefing's name, once known
        if url.startswith("sqlite"):
            path = url.split("///", 1)[-1]
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            self.engine: Engine = create_engine(url, connect_args={"timeout": 30})
            event.listen(self.engine, "connect", _sqlite_pragmas)
        else:
            args: dict = {}
            if url.startswith("postgresql") and "connect_timeout" not in make_url(url).query:
                args["connect_timeout"] = CONNECT_TIMEOUT  # libpq's, covering the whole start-up
            self.engine = create_engine(url, pool_pre_ping=True, connect_args=args)

    # -- lifecycle -------------------------------------------------------------------------------
    def migrate(self, legacy: str | None = None) -> None:
        """Create missing tables and columns, upgrade old tables in place and record the schema version;
        safe to run on every start, by any number of replicas at once (they take turns under
        `exclusive()`). `legacy` names the briefing that rows stored before briefings had names join."""
        try:
            with self.exclusive():
                metadata.create_all(self.engine)
                with self.engine.begin() as conn:
                    self._name_old_rows(conn, legacy)
                    self._add_missing_columns(conn)
                    row = conn.execute(select(meta.c.value).where(meta.c.key == "schema_version")).first()
                    if row is None:
                        conn.execute(insert(meta).values(key="schema_version", value=str(SCHEMA_VERSION)))
                    elif int(row.value) > SCHEMA_VERSION:
                        raise StoreError(f"database {self.name} has schema version {row.value}, newer than "
                                         f"this bot's {SCHEMA_VERSION}: upgrade the bot")
                    elif int(row.value) < SCHEMA_VERSION:
                        conn.execute(update(meta).where(meta.c.key == "schema_version")
                                     .values(value=str(SCHEMA_VERSION)))
        except DBAPIError as exc:
            raise StoreError(f"cannot open database {self.name}: {_reason(exc)}") from None

    def _name_old_rows(self, conn: Connection, legacy: str | None) -> None:
        """Give every table that lacks the `briefing` column one, holding `legacy` for the rows it has.

        A plain ADD COLUMN where the key stays the same; a table whose key now includes the briefing
        (facts) is rebuilt on SQLite, which cannot change a key, and re-keyed on PostgreSQL."""
        sqlite = conn.dialect.name == "sqlite"
        have = inspect(conn)
        old = [t for t in metadata.sorted_tables if "briefing" in t.c and have.has_table(t.name)
               and "briefing" not in {c["name"] for c in have.get_columns(t.name)}]
        if not old:
            return
        if sqlite:
            conn.exec_driver_sql("BEGIN")  # the rebuild below is all or nothing (SQLite's DDL is transactional)
        name = check_name(legacy or self._legacy_name(conn))
        for table in old:
            if table.c.briefing.primary_key and sqlite:
                _rebuild_sqlite(conn, table, name, have)
                continue
            conn.exec_driver_sql(f"ALTER TABLE {table.name} ADD COLUMN briefing VARCHAR(64) "
                                 f"DEFAULT '{name}' NOT NULL")
            if table.c.briefing.primary_key:
                pk = have.get_pk_constraint(table.name)
                cols = ", ".join(c.name for c in table.primary_key.columns)
                conn.exec_driver_sql(f'ALTER TABLE {table.name} DROP CONSTRAINT "{pk["name"]}"')
                conn.exec_driver_sql(f"ALTER TABLE {table.name} ADD PRIMARY KEY ({cols})")
            for index in table.indexes:
                if "briefing" in index.columns:
                    index.create(conn, checkfirst=True)
        info = dict(conn.execute(select(meta.c.key, meta.c.value)).all())
        if conn.execute(select(briefings.c.name).where(briefings.c.name == name)).first() is None:
            conn.execute(insert(briefings).values(
                name=name, title=info.get("title", name), conflict=info.get("conflict", ""),
                created_at=now(), revision=info.get("revision", "")))
        if "shipped_briefing" not in info and "seeded" in info:
            conn.execute(insert(meta).values(key="shipped_briefing", value=name))
        log.info("database upgraded: every row now belongs to a named briefing", extra={"briefing": name})

    def _add_missing_columns(self, conn: Connection) -> None:
        """Columns added to a table since the database was made (nullable, or with a plain default)."""
        found = inspect(conn)
        for table in metadata.sorted_tables:
            have = {c["name"] for c in found.get_columns(table.name)}
            for column in table.columns:
                if column.name in have:
                    continue
                prep = conn.dialect.identifier_preparer
                ddl = (f"ALTER TABLE {prep.format_table(table)} ADD COLUMN {prep.format_column(column)} "
                       f"{column.type.compile(dialect=conn.dialect)}")
                default = getattr(column.default, "arg", None)
                if isinstance(default, bool | int | str):
                    ddl += f" DEFAULT {_literal(default, conn.dialect.name)}"
                    if not column.nullable:
                        ddl += " NOT NULL"
                elif not column.nullable:
                    raise StoreError(f"database {self.name}: cannot add column {table.name}.{column.name} "
                                     "(not null without a default)")
                conn.exec_driver_sql(ddl)
                log.info("database upgraded: column added", extra={"table": table.name, "column": column.name})

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Schema changes and the first seed, one process at a time: a PostgreSQL advisory lock (per
        schema; released by the server if the holder dies), or a file lock beside a SQLite file."""
        if self.engine.dialect.name == "postgresql":
            with self.engine.connect() as conn:
                schema = conn.exec_driver_sql("SELECT current_schema()").scalar() or "public"
                key = zlib.crc32(f"{LOCK_NAME}:{schema}".encode())
                conn.exec_driver_sql("SELECT pg_advisory_lock(%s)", (key,))
                conn.commit()
                try:
                    yield
                finally:
                    conn.exec_driver_sql("SELECT pg_advisory_unlock(%s)", (key,))
                    conn.commit()
            return
        path = self.url.split("///", 1)[-1] if self.url.startswith("sqlite") else ""
        if not path or path == ":memory:" or path.startswith("file:"):
            yield
            return
        fd = os.open(path + ".schema-lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # released by the kernel if this process dies
            yield
        finally:
            os.close(fd)

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """One transaction; database errors come out as StoreError naming the database."""
        try:
            with self.engine.begin() as conn:
                yield conn
        except IntegrityError:
            raise
        except DBAPIError as exc:
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

        It is stored under its name (from its file, else made from its title) and becomes the store's
        default briefing. Shipped facts are replaced by their new version; shipped sources and figures
        are only added (figures are append-only). Facts and figures ingested later are left as they are."""
        name = check_name(briefing.name or name_for(briefing.conflict or briefing.title))
        try:
            with self.begin() as conn:
                info = dict(conn.execute(select(meta.c.key, meta.c.value)).all())
                if info.get("shipped_digest") == digest and "seeded" in info:
                    return False
                for key, value in (("seeded", briefing.as_of.isoformat()), ("title", briefing.title),
                                   ("conflict", briefing.conflict), ("shipped_digest", digest),
                                   ("shipped_briefing", name)):
                    self.put_meta(conn, key, value)
                self.ensure_briefing(name, briefing.title, briefing.conflict, conn)
                conn.execute(update(briefings).where(briefings.c.name == name)
                             .values(title=briefing.title, conflict=briefing.conflict))
                self._default = name
                known_sources = set(conn.execute(select(sources.c.id)).scalars())
                for source in briefing.sources:
                    if source.id not in known_sources:
                        self.add_source(source, conn, name)
                shipped_sources = {src.id for src in briefing.sources}
                updated = self._facts_updated_elsewhere(conn, shipped_sources, name)
                for kind, attr in _LIST_OF_KIND.items():
                    for fact in getattr(briefing, attr):
                        if fact.id not in updated:  # a reviewed update from a later report wins
                            self.replace_fact(kind, fact, conn, name)
                known_figures = set(conn.execute(select(figures.c.id)).scalars())
                for fig in briefing.figures:
                    if fig.id not in known_figures:
                        self.add_figure(fig, conn, name)
                self.bump_revision(conn, name)
        except IntegrityError:
            return False
        return True

    @staticmethod
    def _facts_updated_elsewhere(conn: Connection, shipped_sources: set[str], name: str) -> set[str]:
        """Ids of facts whose stored version rests on a report that was not shipped with the bot."""
        out = set()
        for row in conn.execute(select(facts.c.id, facts.c.data).where(facts.c.briefing == name)):
            evidence = json.loads(row.data).get("evidence", [])
            if any(ev.get("source_id") not in shipped_sources for ev in evidence):
                out.add(row.id)
        return out

    # -- briefings --------------------------------------------------------------------------------
    def default_name(self, conn: Connection | None = None) -> str:
        """The briefing rows go to when no name is given: the shipped one, else the oldest."""
        if self._default:
            return self._default
        if conn is None:
            with self.begin() as c:
                return self.default_name(c)
        row = conn.execute(select(meta.c.value).where(meta.c.key == "shipped_briefing")).first()
        name = row.value if row else conn.execute(
            select(briefings.c.name).order_by(briefings.c.created_at, briefings.c.name).limit(1)).scalar()
        if not name:
            raise StoreError(f"database {self.name} holds no briefing yet")
        self._default = name
        return name

    def _named(self, conn: Connection, briefing: str | None) -> str:
        return briefing or self.default_name(conn)

    def ensure_briefing(self, name: str, title: str = "", conflict: str = "",
                        conn: Connection | None = None) -> bool:
        """Create the briefing NAME unless it exists; True when it was created."""
        check_name(name)
        if conn is None:
            with self.begin() as c:
                return self.ensure_briefing(name, title, conflict, c)
        if conn.execute(select(briefings.c.name).where(briefings.c.name == name)).first() is not None:
            return False
        title = title or name.replace("-", " ").title()
        try:
            with conn.begin_nested():  # another replica may create it at the same moment: then it exists
                conn.execute(insert(briefings).values(name=name, title=title, conflict=conflict or title,
                                                      created_at=now(), revision=""))
        except IntegrityError:
            return False
        return True

    def briefing_names(self) -> list[str]:
        with self.begin() as conn:
            return list(conn.execute(select(briefings.c.name).order_by(briefings.c.name)).scalars())

    def has_briefing(self, name: str) -> bool:
        with self.begin() as conn:
            return conn.execute(select(briefings.c.name).where(briefings.c.name == name)).first() is not None

    def briefings(self) -> list[BriefingInfo]:
        """Every briefing with its counts and last change, by name."""
        with self.begin() as conn:
            counts: dict[str, dict[str, int]] = {}
            for label, table in (("sources", sources), ("facts", facts), ("figures", figures)):
                for name, n in conn.execute(select(table.c.briefing, func.count()).group_by(table.c.briefing)):
                    counts.setdefault(name, {})[label] = n
            rows = conn.execute(select(briefings).order_by(briefings.c.name)).all()
        return [BriefingInfo(name=r.name, title=r.title, conflict=r.conflict, updated=r.revision,
                             **{k: counts.get(r.name, {}).get(k, 0) for k in ("sources", "facts", "figures")})
                for r in rows]

    def revisions(self) -> dict[str, str]:
        """Each briefing's revision: a replica reloads the briefings whose revision moved."""
        with self.begin() as conn:
            return dict(conn.execute(select(briefings.c.name, briefings.c.revision)).all())

    def source_briefing(self, source_id: str) -> str | None:
        with self.begin() as conn:
            return conn.execute(select(sources.c.briefing).where(sources.c.id == source_id)).scalar()

    def add_source(self, source: Source, conn: Connection, briefing: str | None = None) -> None:
        conn.execute(insert(sources).values(
            id=source.id, briefing=self._named(conn, briefing), title=source.title, publisher=source.publisher, url=source.url,
            published_at=source.published_at, retrieved_at=source.retrieved_at or now(),
            text=source.text, sha256=source.sha256,
        ))

    def add_fact(self, kind: str, fact: Fact, conn: Connection, briefing: str | None = None) -> None:
        if kind not in FACT_KINDS:
            raise StoreError(f"unknown fact kind {kind!r}")
        conn.execute(insert(facts).values(briefing=self._named(conn, briefing), id=fact.id, kind=kind,
                                          data=fact.model_dump_json(), created_at=now()))

    def replace_fact(self, kind: str, fact: Fact, conn: Connection, briefing: str | None = None) -> None:
        """Facts other than figures may be corrected (an announced meeting that was then held)."""
        name = self._named(conn, briefing)
        conn.execute(facts.delete().where(facts.c.briefing == name, facts.c.id == fact.id))
        self.add_fact(kind, fact, conn, name)

    def add_figure(self, fig: Figure, conn: Connection, briefing: str | None = None) -> None:
        conn.execute(insert(figures).values(
            id=fig.id, briefing=self._named(conn, briefing), metric=fig.metric, scope=fig.scope, as_of=fig.as_of, source_id=fig.source_id,
            data=fig.model_dump_json(), created_at=now(),
        ))

    def bump_revision(self, conn: Connection, briefing: str | None = None) -> None:
        """Mark a briefing as changed so every replica reloads it on its next command.

        The store-wide revision moves too: one cheap read tells a replica whether to look closer."""
        value = self._touch(conn)
        conn.execute(update(briefings).where(briefings.c.name == self._named(conn, briefing)).values(revision=value))

    def _touch(self, conn: Connection) -> str:
        value = now().isoformat()
        # An upsert, not delete-and-insert: two replicas committing reports at once would collide on
        # the key (and the loser's report be lost as a "duplicate"); the row lock makes them take turns.
        self.put_meta(conn, "revision", value)
        self.changed_here = True  # this process wrote it: its next command reloads without waiting
        return value

    def put_meta(self, conn: Connection, key: str, value: str) -> None:
        """Insert or update one meta row in place (never delete and insert: two writers at once would
        collide on the key). The row stays locked until the transaction ends, so writers of the
        briefing (ingest, seed) take turns from here on."""
        name = self.engine.dialect.name
        if name in ("postgresql", "sqlite"):
            if name == "postgresql":
                from sqlalchemy.dialects.postgresql import insert as dialect_insert
            else:
                from sqlalchemy.dialects.sqlite import insert as dialect_insert
            conn.execute(dialect_insert(meta).values(key=key, value=value)
                         .on_conflict_do_update(index_elements=[meta.c.key], set_={"value": value}))
        elif not conn.execute(update(meta).where(meta.c.key == key).values(value=value)).rowcount:
            conn.execute(insert(meta).values(key=key, value=value))

    def touch(self, conn: Connection) -> None:
        """Move only the store-wide revision: something every replica caches changed (a channel's
        followed briefing), though no briefing did."""
        self._touch(conn)

    def revision(self, briefing: str | None = None) -> str:
        """The store-wide revision, or one briefing's."""
        with self.begin() as conn:
            if briefing is not None:
                row = conn.execute(select(briefings.c.revision).where(briefings.c.name == briefing)).first()
                return row.revision if row else ""
            row = conn.execute(select(meta.c.value).where(meta.c.key == "revision")).first()
        return row.value if row else ""

    def source_by_hash(self, *hashes: str, conn: Connection | None = None) -> str | None:
        """The stored source with any of these fingerprints (`text_sha256`; older rows: the raw text's)."""
        query = select(sources.c.id).where(sources.c.sha256.in_(hashes)).order_by(sources.c.id).limit(1)
        if conn is not None:
            return conn.execute(query).scalar()
        with self.begin() as c:
            return c.execute(query).scalar()

    def load_briefing(self, name: str | None = None) -> Briefing:
        """One briefing (the default one without a name): its sources, facts and figures (figures in
        insertion order, history included). Nothing of another briefing is read."""
        with self.begin() as conn:
            if name is None:
                name = self.default_name(conn)
            row = conn.execute(select(briefings).where(briefings.c.name == name)).first()
            if row is None:
                known = ", ".join(conn.execute(select(briefings.c.name).order_by(briefings.c.name)).scalars())
                raise StoreError(f"no briefing called {name!r}" + (f" (briefings: {known})" if known else
                                                                   f": database {self.name} holds none yet"))
            srcs = [Source(id=r.id, title=r.title, publisher=r.publisher, url=r.url,
                           published_at=r.published_at, retrieved_at=r.retrieved_at, text=r.text,
                           sha256=r.sha256)
                    for r in conn.execute(select(sources).where(sources.c.briefing == name)
                                          .order_by(sources.c.published_at, sources.c.id))]
            if not srcs:
                raise StoreError(f"briefing {name!r} holds no reports yet: briefbot ingest --briefing {name} PATH")
            lists: dict[str, list] = {attr: [] for attr in _LIST_OF_KIND.values()}
            for r in conn.execute(select(facts.c.kind, facts.c.data).where(facts.c.briefing == name)
                                  .order_by(facts.c.created_at, facts.c.id)):
                model = FACT_KINDS.get(r.kind)
                if model is not None:
                    lists[_LIST_OF_KIND[r.kind]].append(model.model_validate_json(r.data))
            figs = [Figure.model_validate_json(r.data)
                    for r in conn.execute(select(figures.c.data).where(figures.c.briefing == name)
                                          .order_by(figures.c.row_id))]
        latest = max(s.published_at for s in srcs)
        return Briefing(name=name, title=row.title, conflict=row.conflict or row.title,
                        as_of=latest, sources=srcs, figures=figs, **lists)


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # noqa: ANN001 - DB-API objects are untyped
    cur = dbapi_conn.cursor()
    # WAL lets a reader and a writer (two replicas, the CLI beside a running bot) work together.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _rebuild_sqlite(conn: Connection, table: Table, name: str, have) -> None:  # noqa: ANN001 - an Inspector
    """SQLite cannot change a table's key: copy the rows into a new table of the current shape."""
    old = f"{table.name}_before_briefings"
    for index in have.get_indexes(table.name):
        conn.exec_driver_sql(f'DROP INDEX IF EXISTS "{index["name"]}"')
    conn.exec_driver_sql(f"ALTER TABLE {table.name} RENAME TO {old}")
    table.create(conn)
    cols = [c.name for c in table.columns if c.name != "briefing"]
    listed = ", ".join(cols)
    conn.exec_driver_sql(f"INSERT INTO {table.name} (briefing, {listed}) SELECT '{name}', {listed} FROM {old}")
    conn.exec_driver_sql(f"DROP TABLE {old}")


def _literal(value: bool | int | str, dialect: str) -> str:
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE") if dialect == "postgresql" else str(int(value))
    if isinstance(value, int):
        return str(value)
    return "'" + value.replace("'", "''") + "'"


def _reason(exc: Exception) -> str:
    text = str(getattr(exc, "orig", exc)).strip().splitlines()
    return text[0] if text else exc.__class__.__name__

