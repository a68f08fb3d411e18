"""One scheduler among several replicas: whoever holds the leader lock runs it.

PostgreSQL: a session-level advisory lock on a dedicated connection. The server releases it the moment
that connection closes, so when the holder dies (crash, SIGKILL, lost network) a follower takes over on
its next try. SQLite (one machine): an OS file lock beside the database file, released by the kernel
when the holding process ends. Either way followers retry every few seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import zlib
from pathlib import Path
from typing import Protocol

from aiohttp import web

from bot import metrics

log = logging.getLogger("briefbot.leader")

LOCK_NAME = "briefbot-scheduler"


class LeaderLock(Protocol):
    description: str

    async def acquire(self) -> bool:
        """Try once, without waiting; True when this process now holds the lock."""
        ...

    async def held(self) -> bool:
        """Whether the lock is still ours (the connection behind it is alive)."""
        ...

    async def release(self) -> None: ...


class FileLock:
    """`flock` on `<database>.leader` — two processes on the same SQLite file elect one leader."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.description = f"file lock {path}"
        self._fd: int | None = None

    async def acquire(self) -> bool:
        if self._fd is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    async def held(self) -> bool:
        return self._fd is not None

    async def release(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


class PostgresLock:
    """`pg_try_advisory_lock` held by one connection kept only for this purpose."""

    def __init__(self, sqlalchemy_url: str, connect_timeout: float = 5.0) -> None:
        from sqlalchemy.engine import make_url

        url = make_url(sqlalchemy_url)
        # psycopg wants a libpq URI: same host, database and options, without the "+driver" part.
        self.conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self.description = f"PostgreSQL advisory lock on {url.host}:{url.port or 5432}/{url.database}"
        self.connect_timeout = connect_timeout
        self._conn = None  # psycopg.AsyncConnection while we hold the lock

    async def acquire(self) -> bool:
        if self._conn is not None:
            return await self.held()
        import psycopg

        try:
            conn = await psycopg.AsyncConnection.connect(self.conninfo, autocommit=True,
                                                         connect_timeout=max(1, int(self.connect_timeout)),
                                                         application_name="briefbot-leader")
        except psycopg.Error as exc:
            log.warning("leader lock: cannot connect", extra={"error": _first_line(exc)})
            return False
        try:
            # One lock per schema, so replicas sharing a server but not a schema do not block each other.
            cur = await conn.execute("SELECT current_schema()")
            schema = (await cur.fetchone())[0] or "public"
            key = zlib.crc32(f"{LOCK_NAME}:{schema}".encode())
            cur = await conn.execute("SELECT pg_try_advisory_lock(%s)", (key,))
            got = bool((await cur.fetchone())[0])
        except psycopg.Error as exc:
            log.warning("leader lock: query failed", extra={"error": _first_line(exc)})
            got = False
        if not got:
            await conn.close()
            return False
        self._conn = conn
        return True

    async def held(self) -> bool:
        if self._conn is None:
            return False
        import psycopg

        try:
            await asyncio.wait_for(self._conn.execute("SELECT 1"), timeout=self.connect_timeout)
            return True
        except (psycopg.Error, TimeoutError, OSError):
            await self._drop()
            return False

    async def release(self) -> None:
        # Closing the session releases the advisory lock on the server.
        await self._drop()

    async def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                await conn.close()


def lock_for(store_url: str) -> LeaderLock:
    """The lock matching the database: advisory lock on PostgreSQL, a file lock beside a SQLite file."""
    if store_url.startswith("postgresql"):
        return PostgresLock(store_url)
    path = store_url.split("///", 1)[-1] if store_url.startswith("sqlite") else ""
    if not path or path == ":memory:":
        path = "data/briefbot.sqlite3"
    return FileLock(Path(path + ".leader"))


class LeaderService:
    """Wraps the scheduler service: starts it when leadership is gained, stops it when it is lost."""

    def __init__(self, inner, lock: LeaderLock, retry_seconds: float = 5.0) -> None:  # noqa: ANN001
        self.inner = inner
        self.name = getattr(inner, "name", "scheduler")
        self.lock = lock
        self.retry_seconds = retry_seconds
        self.role = "starting"
        self._task: asyncio.Task | None = None
        self._inner_running = False
        self._change = asyncio.Lock()

    def add_routes(self, app: web.Application) -> None:
        self.inner.add_routes(app)

    async def start(self) -> None:
        await self._step()  # a lone replica leads before start() returns
        self._task = asyncio.create_task(self._loop(), name="leader-election")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        async with self._change:
            if self._inner_running:
                await self.inner.stop()  # lets an in-flight delivery finish (bounded by the scheduler)
                self._inner_running = False
            await self.lock.release()
        self._set_role("stopped")

    def ready(self) -> tuple[bool, str]:
        if self.role == "leader":
            ok, why = self.inner.ready()
            return ok, why or "leader"
        if self.role == "follower":
            return True, "standing by: another replica runs the scheduler"
        return False, f"scheduler {self.role}"

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.retry_seconds)
            try:
                await self._step()
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - the election must outlive one bad round
                log.exception("leader election round failed")

    async def _step(self) -> None:
        async with self._change:
            if self._inner_running:
                if await self.lock.held():
                    return
                log.warning("scheduler leadership lost; stopping the scheduler",
                            extra={"lock": self.lock.description})
                self._inner_running = False
                with contextlib.suppress(Exception):
                    await self.inner.stop()
                self._set_role("follower")
                return
            if await self.lock.acquire():
                log.info("scheduler leadership gained", extra={"lock": self.lock.description})
                try:
                    await self.inner.start()
                except Exception:
                    await self.lock.release()
                    raise
                self._inner_running = True
                self._set_role("leader")
            elif self.role != "follower":
                log.info("another replica runs the scheduler; standing by",
                         extra={"lock": self.lock.description, "retry_seconds": self.retry_seconds})
                self._set_role("follower")

    def _set_role(self, role: str) -> None:
        self.role = role
        metrics.LEADER.set(1 if role == "leader" else 0)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else exc.__class__.__name__
