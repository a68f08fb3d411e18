"""Shared fixtures: a fresh SQLite file or PostgreSQL schema per test, settings that touch nothing real."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import Settings, load_settings

PG_URL = os.environ.get("BRIEFBOT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REQUIRE_PG = os.environ.get("BRIEFBOT_REQUIRE_POSTGRES") == "1"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture(autouse=True)
def _isolated_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the developer's .env, config/ or real credentials."""
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith(("SLACK_", "DISCORD_", "OPENAI_", "DATABASE_URL", "STORE_", "SCHEDULER_",
                            "INGEST_", "HTTP_", "LOG_", "WATCH_", "REVIEW_", "ALERTS_")):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BRIEFBOT_CONFIG_DIR", str(tmp_path / "config"))
    import bot.config

    monkeypatch.setattr(bot.config, "CONFIG_DIR", tmp_path / "config")


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'briefbot.sqlite3'}"


def _pg_admin():  # noqa: ANN202 - a SQLAlchemy engine
    from sqlalchemy import create_engine

    return create_engine(PG_URL, isolation_level="AUTOCOMMIT")


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema, dropped afterwards."""
    from sqlalchemy.exc import OperationalError

    admin = _pg_admin()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    except OperationalError as exc:
        admin.dispose()
        if REQUIRE_PG:
            pytest.fail(f"PostgreSQL is required here (BRIEFBOT_REQUIRE_POSTGRES=1) but unreachable: {exc}")
        pytest.skip(f"no PostgreSQL reachable at {PG_URL}")
    sep = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest) -> str:
    """Run a store test on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def settings(sqlite_url: str) -> Settings:
    return load_settings(database_url=sqlite_url)


@pytest.fixture
def core(settings: Settings):  # noqa: ANN201 - bot.core.commands.Core
    from bot.app import build_core

    return build_core(settings)
