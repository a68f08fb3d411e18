"""Leader election: one scheduler among replicas, taken over when the holder goes away."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest

from bot.leader import FileLock, LeaderService, PostgresLock, lock_for


class Recorder:
    """Stands in for the scheduler: records when the election starts and stops it."""

    name = "scheduler"

    def __init__(self) -> None:
        self.events: list[str] = []

    def add_routes(self, app) -> None:  # noqa: ANN001
        pass

    async def start(self) -> None:
        self.events.append("start")

    async def stop(self) -> None:
        self.events.append("stop")

    def ready(self) -> tuple[bool, str]:
        return True, "running"


async def until(predicate, seconds: float = 20.0) -> None:  # noqa: ANN001
    for _ in range(int(seconds / 0.02)):
        if predicate():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition not reached")


async def test_file_lock_has_one_holder(tmp_path: Path) -> None:
    a, b = FileLock(tmp_path / "db.leader"), FileLock(tmp_path / "db.leader")
    assert await a.acquire()
    assert not await b.acquire()
    await a.release()
    assert await b.acquire()
    assert await b.held()
    await b.release()


def test_file_lock_is_released_when_the_holding_process_dies(tmp_path: Path) -> None:
    path = tmp_path / "db.leader"
    code = ("import asyncio,sys,time; from pathlib import Path; from bot.leader import FileLock\n"
            f"l = FileLock(Path({str(path)!r})); assert asyncio.run(l.acquire()); print('held', flush=True);"
            " time.sleep(60)")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                            cwd=Path(__file__).resolve().parents[1])
    try:
        assert proc.stdout.readline().strip() == "held"
        assert not asyncio.run(FileLock(path).acquire())
        proc.kill()
        proc.wait()
        mine = FileLock(path)
        assert asyncio.run(mine.acquire())
    finally:
        proc.kill()
        proc.wait()


def test_lock_matches_the_database(tmp_path: Path) -> None:
    assert isinstance(lock_for(f"sqlite:///{tmp_path}/x.sqlite3"), FileLock)
    assert lock_for(f"sqlite:///{tmp_path}/x.sqlite3").path == Path(f"{tmp_path}/x.sqlite3.leader")
    lock = lock_for("postgresql+psycopg://u:pw@db.example:5433/brief")
    assert isinstance(lock, PostgresLock)
    assert lock.conninfo == "postgresql://u:pw@db.example:5433/brief"
    assert "pw" not in lock.description


@pytest.mark.postgres
async def test_postgres_advisory_lock_one_holder_then_takeover(pg_url: str) -> None:
    a, b = PostgresLock(pg_url), PostgresLock(pg_url)
    assert await a.acquire()
    assert not await b.acquire()
    assert await a.held()
    # The holder's session ends (as when its process dies): the server releases the lock.
    await a._conn.close()
    assert not await a.held()
    assert await b.acquire()
    await b.release()


async def test_postgres_lock_on_a_closed_port_is_not_acquired() -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    lock = PostgresLock(f"postgresql+psycopg://postgres@127.0.0.1:{port}/test", connect_timeout=2)
    assert not await lock.acquire()


async def test_one_replica_runs_the_scheduler_and_the_other_takes_over(tmp_path: Path) -> None:
    first, second = Recorder(), Recorder()
    a = LeaderService(first, FileLock(tmp_path / "db.leader"), retry_seconds=0.05)
    b = LeaderService(second, FileLock(tmp_path / "db.leader"), retry_seconds=0.05)
    await a.start()
    await b.start()
    try:
        assert (a.role, b.role) == ("leader", "follower")
        assert first.events == ["start"] and second.events == []
        assert a.ready() == (True, "running")
        assert b.ready()[0] is True and "standing by" in b.ready()[1]
        await a.stop()
        assert first.events == ["start", "stop"]
        await until(lambda: b.role == "leader")
        assert second.events == ["start"]
    finally:
        await b.stop()
    assert second.events == ["start", "stop"]


@pytest.mark.postgres
async def test_leadership_lost_stops_the_scheduler(pg_url: str) -> None:
    inner = Recorder()
    svc = LeaderService(inner, PostgresLock(pg_url), retry_seconds=0.05)
    await svc.start()
    try:
        assert svc.role == "leader"
        await svc.lock._conn.close()  # the database dropped our session
        await until(lambda: inner.events[-1:] == ["stop"] or inner.events.count("start") == 2)
        # Either it noticed and stood down, or it already won the lock back; never two at once.
        assert inner.events[:2] == ["start", "stop"]
    finally:
        await svc.stop()
