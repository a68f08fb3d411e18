"""The store on SQLite and PostgreSQL: seeding once, append-only figures, clear errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from bot.core.briefing_file import load_shipped_briefing
from bot.core.models import Evidence, Figure
from bot.core.store import Store, StoreError

SOURCE = "src-2025-12-12-hun-manet-calls"


def fresh(url: str) -> Store:
    store = Store(url)
    store.migrate()
    return store


def test_seed_then_load_round_trips(store_url: str) -> None:
    store = fresh(store_url)
    shipped = load_shipped_briefing()
    assert store.seed(shipped, "v1") is True
    assert store.seed(shipped, "v1") is False  # a restart or a second replica adds nothing
    loaded = store.load_briefing()
    assert [f.id for f in loaded.facts()] and len(loaded.facts()) == len(shipped.facts())
    assert loaded.figures == shipped.figures
    assert loaded.sources[0].text == shipped.sources[0].text
    store.close()


def test_migrate_is_safe_to_repeat(store_url: str) -> None:
    store = fresh(store_url)
    store.migrate()
    store.seed(load_shipped_briefing(), "v1")
    Store(store_url).migrate()
    assert store.load_briefing().title
    store.close()


def test_figures_are_append_only_with_history(store_url: str) -> None:
    store = fresh(store_url)
    store.seed(load_shipped_briefing(), "v1")
    older = Figure(id="fg-killed-2025-12-09", metric="killed", value=10, qualifier="at_least",
                   as_of=dt.date(2025, 12, 9), source_id=SOURCE,
                   evidence=[Evidence(source_id=SOURCE, quote="at least 11 people have died")])
    with store.begin() as conn:
        store.add_figure(older, conn)
        store.bump_revision(conn)
    with pytest.raises(IntegrityError), store.begin() as conn:
        store.add_figure(older, conn)  # the same figure twice is refused, never overwritten
    figs = [f for f in store.load_briefing().figures if f.metric == "killed"]
    assert [(f.value, f.as_of.day) for f in figs] == [(11, 12), (10, 9)]
    store.close()


def test_upgraded_shipped_briefing_keeps_ingested_figures(store_url: str) -> None:
    store = fresh(store_url)
    shipped = load_shipped_briefing()
    store.seed(shipped, "v1")
    extra = Figure(id="fg-extra", metric="injured", value=70, qualifier="about", as_of=dt.date(2025, 12, 14),
                   source_id=SOURCE, evidence=[Evidence(source_id=SOURCE, quote="nearly 60 have been injured")])
    with store.begin() as conn:
        store.add_figure(extra, conn)
    shipped.actors[0].statement = "Changed statement."
    assert store.seed(shipped, "v2") is True
    loaded = store.load_briefing()
    assert loaded.actor("hun-manet").statement == "Changed statement."
    assert any(f.id == "fg-extra" for f in loaded.figures)
    store.close()


def test_corrupt_database_file_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.sqlite3"
    path.write_bytes(b"this is not a database" * 200)
    with pytest.raises(StoreError) as err:
        Store(f"sqlite:///{path}").migrate()
    assert str(path) in str(err.value) and "\n" not in str(err.value)


def test_unreachable_postgres_names_the_server_not_the_password() -> None:
    store = Store("postgresql+psycopg://bot:s3cret-pass@127.0.0.1:1/none?connect_timeout=2")
    with pytest.raises(StoreError) as err:
        store.migrate()
    assert "127.0.0.1:1" in str(err.value) and "s3cret-pass" not in str(err.value)


def test_upgraded_shipped_briefing_keeps_a_reviewed_update(store_url: str) -> None:
    from bot.core.models import Source

    store = fresh(store_url)
    shipped = load_shipped_briefing()
    store.seed(shipped, "v1")
    later = Source(id="later", title="Later", published_at=dt.date(2025, 12, 22), text="They met on Monday.",
                   sha256="later")
    held = shipped.upcoming[0].model_copy(update={"status": "held", "evidence": [
        Evidence(source_id="later", quote="They met on Monday.")]})
    with store.begin() as conn:
        store.add_source(later, conn)
        store.replace_fact("upcoming", held, conn)
    assert store.seed(load_shipped_briefing(), "v2") is True
    assert store.load_briefing().upcoming[0].status == "held"
    store.close()


async def test_a_database_that_never_answers_ends_start_up_with_one_line(tmp_path: Path) -> None:
    """It accepts the connection and says nothing: `briefbot run` gives up after the connect timeout
    with a one-line error and exit 2, instead of waiting minutes in silence."""
    from tests.fakes.briefbot_process import BotProcess
    from tests.fakes.tcp_proxy import TcpProxy

    async with TcpProxy("127.0.0.1", 9) as silent:
        silent.blackhole = True
        url = f"postgresql+psycopg://postgres@127.0.0.1:{silent.port}/test?connect_timeout=1"
        bot = await BotProcess.start({"DATABASE_URL": url, "SLACK_BOT_TOKEN": "xoxb-never-used",
                                      "SLACK_SIGNING_SECRET": "never-used"}, cwd=tmp_path, wait_ready=False)
        try:
            code = await bot.wait(within=60)
        finally:
            await bot.close()
        assert silent.connections >= 1
    assert code == 2, bot.text
    [line] = [ln for ln in bot.raw if ln.startswith("briefbot:")]
    assert "cannot open database" in line and "timeout" in line and "Traceback" not in bot.text


def test_a_copy_with_other_line_endings_and_trailing_space_has_the_same_fingerprint() -> None:
    from bot.core.store import text_sha256

    report = "Headline\n\nCITY, Dec 20 (Agency) - Talks ended.\nMore text.\n"
    assert text_sha256(report) == text_sha256(report + "\n") == text_sha256(report.replace("\n", "\r\n"))
    assert text_sha256(report) == text_sha256(report.replace(".\n", ".  \n"))
    assert text_sha256(report) != text_sha256(report.replace("ended", "resumed"))
    assert text_sha256(report) != text_sha256(report.replace("\n\n", "\n"))  # inner blank lines count


def test_a_database_made_by_an_older_version_gets_the_new_columns(store_url: str) -> None:
    import importlib

    from sqlalchemy import inspect

    importlib.import_module("bot.schedule.ledger")  # its table gained `sending`
    store = fresh(store_url)
    with store.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE deliveries DROP COLUMN sending")
    store.migrate()  # the next start
    with store.begin() as conn:
        assert "sending" in {c["name"] for c in inspect(conn).get_columns("deliveries")}
    store.close()
