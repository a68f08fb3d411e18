"""Several briefings in one store: each row belongs to one, stores from before briefings upgrade in place."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    insert,
    select,
)

import bot.ingest.tables  # noqa: F401 - the review queue's table is part of the schema being upgraded
from bot.core.briefing_file import load_shipped_briefing
from bot.core.models import Actor, Evidence, Figure, Source
from bot.core.store import Store, StoreError, facts

NOW = dt.datetime(2025, 12, 13, tzinfo=dt.UTC)


def old_schema(url: str) -> None:
    """The schema as version 1 of the bot created it (no briefings), holding the shipped briefing."""
    md = MetaData()
    meta = Table("meta", md, Column("key", String(64), primary_key=True), Column("value", Text, nullable=False))
    sources = Table("sources", md, Column("id", String(128), primary_key=True), Column("title", Text, nullable=False),
                    Column("publisher", Text, nullable=False), Column("url", Text, nullable=False),
                    Column("published_at", Date, nullable=False), Column("retrieved_at", DateTime(timezone=True)),
                    Column("text", Text, nullable=False), Column("sha256", String(64), nullable=False, unique=True))
    old_facts = Table("facts", md, Column("id", String(128), primary_key=True),
                      Column("kind", String(32), nullable=False, index=True), Column("data", Text, nullable=False),
                      Column("created_at", DateTime(timezone=True), nullable=False))
    figures = Table("figures", md, Column("row_id", Integer, primary_key=True, autoincrement=True),
                    Column("id", String(128), nullable=False, unique=True),
                    Column("metric", String(32), nullable=False, index=True), Column("scope", Text, nullable=False),
                    Column("as_of", Date, nullable=False), Column("source_id", String(128), nullable=False),
                    Column("data", Text, nullable=False), Column("created_at", DateTime(timezone=True), nullable=False))
    candidates = Table("candidates", md, Column("id", Integer, primary_key=True, autoincrement=True),
                       Column("source_id", String(128), nullable=False, index=True),
                       Column("kind", String(32), nullable=False), Column("payload", Text, nullable=False),
                       Column("status", String(16), nullable=False, index=True),
                       Column("reason", Text, nullable=False), Column("created_at", DateTime(timezone=True),
                                                                      nullable=False))
    shipped = load_shipped_briefing()
    engine = create_engine(url)
    md.create_all(engine)
    with engine.begin() as conn:
        for key, value in (("schema_version", "1"), ("seeded", "2025-12-12"), ("title", shipped.title),
                           ("conflict", shipped.conflict), ("shipped_digest", "old"), ("revision", "r1")):
            conn.execute(insert(meta).values(key=key, value=value))
        src = shipped.sources[0]
        conn.execute(insert(sources).values(id=src.id, title=src.title, publisher="", url="",
                                            published_at=src.published_at, text=src.text, sha256=src.sha256))
        for actor in shipped.actors:
            conn.execute(insert(old_facts).values(id=actor.id, kind="actor", data=actor.model_dump_json(),
                                                  created_at=NOW))
        for fig in shipped.figures:
            conn.execute(insert(figures).values(id=fig.id, metric=fig.metric, scope=fig.scope, as_of=fig.as_of,
                                                source_id=fig.source_id, data=fig.model_dump_json(), created_at=NOW))
        conn.execute(insert(candidates).values(source_id=src.id, kind="figure", status="pending", reason="",
                                               payload=json.dumps({"fact": {}}), created_at=NOW))
    engine.dispose()


def test_an_old_store_upgrades_in_place_and_everything_joins_the_shipped_briefing(store_url: str) -> None:
    old_schema(store_url)
    shipped = load_shipped_briefing()
    store = Store(store_url)
    store.migrate(legacy="cambodia-thailand")
    store.migrate(legacy="cambodia-thailand")  # a second start (or replica) finds nothing to do
    Store(store_url).migrate()
    b = store.load_briefing("cambodia-thailand")
    assert b.title == shipped.title and len(b.actors) == len(shipped.actors) and b.figures == shipped.figures
    assert store.default_name() == "cambodia-thailand"
    assert store.load_briefing().name == "cambodia-thailand"
    [info] = store.briefings()
    assert (info.name, info.sources, info.facts, info.figures) == (
        "cambodia-thailand", 1, len(shipped.actors), len(shipped.figures))
    with store.begin() as conn:
        rows = conn.exec_driver_sql("SELECT briefing, status FROM candidates").all()
    assert [tuple(r) for r in rows] == [("cambodia-thailand", "pending")]
    # The shipped file now seeds over the upgraded rows: nothing is duplicated.
    assert store.seed(shipped, "new") is True
    assert len(store.load_briefing().actors) == len(shipped.actors)
    # The new key: another briefing may hold a fact of the same id.
    other_briefing(store, "other")
    assert {a.id for a in store.load_briefing("other").actors} == {"trump"}
    store.close()


def other_briefing(store: Store, name: str) -> None:
    src = Source(id=f"src-{name}", title=f"{name} report", published_at=dt.date(2025, 6, 20),
                 text="Donald Trump said the talks would go on. At least 12 people were killed.", sha256=name)
    ev = [Evidence(source_id=src.id, quote="Donald Trump said the talks would go on.")]
    with store.begin() as conn:
        assert store.ensure_briefing(name, f"The {name} war", conn=conn) is True
        store.add_source(src, conn, name)
        store.add_fact("actor", Actor(id="trump", name="Donald Trump", kind="person", statement="Trump talks.",
                                      evidence=ev), conn, name)
        store.add_figure(Figure(id=f"fg-{name}", metric="killed", value=12, qualifier="at_least",
                                as_of=dt.date(2025, 6, 20), source_id=src.id,
                                evidence=[Evidence(source_id=src.id, quote="At least 12 people were killed.")]),
                         conn, name)
        store.bump_revision(conn, name)


def test_briefings_never_mix(store_url: str) -> None:
    store = Store(store_url)
    store.migrate()
    shipped = load_shipped_briefing()
    store.seed(shipped, "v1")
    before = store.revisions()
    other_briefing(store, "israel-iran")
    after = store.revisions()
    assert after["cambodia-thailand"] == before["cambodia-thailand"] and after["israel-iran"]
    ours, theirs = store.load_briefing("cambodia-thailand"), store.load_briefing("israel-iran")
    assert [f.value for f in theirs.figures] == [12] and 12 not in [f.value for f in ours.figures]
    assert [s.id for s in theirs.sources] == ["src-israel-iran"]
    assert ours.actor("trump").name == "Donald Trump" and ours.actor("trump").statement != "Trump talks."
    assert theirs.title == "The israel-iran war" and theirs.name == "israel-iran"
    listed = {i.name: i for i in store.briefings()}
    assert (listed["israel-iran"].sources, listed["israel-iran"].facts, listed["israel-iran"].figures) == (1, 1, 1)
    assert listed["israel-iran"].updated == store.revision("israel-iran")
    assert store.source_briefing("src-israel-iran") == "israel-iran"
    with store.begin() as conn:
        owners = set(conn.execute(select(facts.c.briefing)).scalars())
    assert owners == {"cambodia-thailand", "israel-iran"}
    store.close()


def test_unknown_or_badly_named_briefings_are_clear_errors(sqlite_url: str) -> None:
    store = Store(sqlite_url)
    store.migrate()
    with pytest.raises(StoreError, match="holds none yet"):
        store.load_briefing("anything")
    store.seed(load_shipped_briefing(), "v1")
    with pytest.raises(StoreError, match=r"no briefing called 'nope' \(briefings: cambodia-thailand\)"):
        store.load_briefing("nope")
    with pytest.raises(StoreError, match="lowercase letters"):
        store.ensure_briefing("Israel Iran")
    store.ensure_briefing("empty")
    with pytest.raises(StoreError, match="holds no reports yet"):
        store.load_briefing("empty")
    store.close()


def test_replicas_upgrading_an_old_store_at_once_both_start(store_url: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    old_schema(store_url)
    stores = [Store(store_url) for _ in range(3)]
    with ThreadPoolExecutor(3) as pool:
        list(pool.map(lambda s: s.migrate(legacy="cambodia-thailand"), stores))  # none raises
    [info] = stores[0].briefings()
    assert (info.name, info.sources) == ("cambodia-thailand", 1)
    for s in stores:
        s.close()
