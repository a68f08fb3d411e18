"""Faults at scale: real `briefbot run` processes stopped, killed and cut off mid fan-out; replicas
starting together on an empty database; reports ingested from several processes at once.

    .venv/bin/python bench/faults.py [--channels 500] [--format full] [--latency 0.3] [--grace 2]
        [--cut-channels 100] [--cut 20] [--trials 10] [--replicas 3] [--reports 200] [--ingesters 4]
        [--database pg|sqlite] [--only sigterm,sigkill,dbcut,firststart,ingest]

Each fault runs on a fresh PostgreSQL schema (the tests' server, BRIEFBOT_TEST_POSTGRES_URL) or a
fresh SQLite file, against the fake Slack Web API (tests/fakes/slack_api.py), which stores every post
before it answers `--latency` seconds later — a post counts even when its sender dies before reading
the answer. For each fault it prints duplicates (posts beyond one per part), lost (parts never posted,
or a briefing not finished) and unrecorded (posts the ledger does not know); all should be 0.

- sigterm: SIGTERM when a quarter of the parts are posted, with `--grace`; a new process finishes.
- sigkill: two replicas; the leader is killed (SIGKILL) at a quarter; the follower finishes. Prints
  the time from the kill to the last briefing finished.
- dbcut: the database connection cut (TCP proxy) for `--cut` seconds at a quarter (PostgreSQL only).
- firststart: `--trials` times, `--replicas` processes started at once on an empty database; prints
  how many failed to start.
- ingest: `--ingesters` processes ingest `--reports` distinct reports (each also tries two shared
  ones and a copy with one more trailing newline); prints reports lost and wrong answers.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fakes.briefbot_process import BotProcess, deliveries, seed_due_subscriptions  # noqa: E402
from tests.fakes.slack_api import FakeSlackAPI  # noqa: E402
from tests.fakes.tcp_proxy import TcpProxy  # noqa: E402

PG_URL = os.environ.get("BRIEFBOT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@asynccontextmanager
async def database(kind: str) -> AsyncIterator[str]:
    """A fresh, empty database: a new PostgreSQL schema or a new SQLite file."""
    if kind == "sqlite":
        folder = tempfile.mkdtemp(prefix="faults-")
        yield f"sqlite:///{folder}/briefbot.sqlite3"
        return
    from sqlalchemy import create_engine

    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    schema = f"f_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


def env_for(slack: FakeSlackAPI, url: str, folder: str, **extra: str) -> dict[str, str]:
    return {"SLACK_BOT_TOKEN": "xoxb-faults-bench", "SLACK_SIGNING_SECRET": "faults-bench-secret",
            "SLACK_API_URL": slack.base_url, "DATABASE_URL": url,
            "SCHEDULER_SUBSCRIPTIONS_FILE": f"{folder}/none.toml", "LEADER_RETRY_SECONDS": "1", **extra}


def count(slack: FakeSlackAPI, url: str, channels: list[str]) -> dict[str, int]:
    rows = {r["channel"]: r for r in deliveries(url)}
    dup = lost = unrecorded = 0
    for channel in channels:
        row = rows.get(channel)
        posted = [m["ts"] for m in slack.accepted_in(channel)]
        total = row["parts_total"] if row else 0
        dup += max(0, len(posted) - len(set(posted))) + max(0, len(posted) - total)
        if row is None or row["status"] != "sent" or len(posted) < total:
            lost += 1
        recorded = set(json.loads(row["message_ids"])) if row else set()
        unrecorded += len([ts for ts in posted if ts not in recorded])
    return {"duplicates": dup, "lost": lost, "unrecorded": unrecorded}


async def finished(url: str, n: int, within: float = 900.0) -> float:
    """Wait until n deliveries are sent; the time the last one finished (epoch seconds)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        rows = await asyncio.to_thread(deliveries, url)
        if len(rows) == n and all(r["status"] == "sent" for r in rows):
            last = max(r["finished_at"] for r in rows)
            last = last if last.tzinfo else last.replace(tzinfo=dt.UTC)
            return last.timestamp()
        await asyncio.sleep(0.5)
    raise SystemExit(f"not every delivery finished within {within:.0f}s")


async def when_posted(slack: FakeSlackAPI, at_least: int) -> None:
    await slack.wait_for(lambda: len(slack.accepted) >= at_least, within=600)


async def fanout_fault(name: str, a: argparse.Namespace, channels_n: int,
                       act: Callable[[FakeSlackAPI, str, str, list[str]], object]) -> None:
    channels = [f"C{name[:4].upper()}{n:05d}" for n in range(channels_n)]
    async with database(a.database) as url, FakeSlackAPI() as slack:
        folder = tempfile.mkdtemp(prefix="faults-")
        await asyncio.to_thread(seed_due_subscriptions, url, "slack", channels, "T0BENCH", a.format)
        slack.delay_reply("chat.postMessage", a.latency)
        extra = await act(slack, url, folder, channels)  # type: ignore[misc]
        figures = count(slack, url, channels)
    more = "".join(f", {k} {v}" for k, v in (extra or {}).items())
    print(f"{name:<10} channels {channels_n}, parts {len(slack.accepted)} posted: duplicates {figures['duplicates']}, "
          f"lost {figures['lost']}, unrecorded {figures['unrecorded']}{more}", flush=True)


async def sigterm(slack: FakeSlackAPI, url: str, folder: str, channels: list[str], a: argparse.Namespace) -> dict:
    env = env_for(slack, url, folder, SHUTDOWN_GRACE=str(a.grace))
    bot = await BotProcess.start(env, cwd=folder)
    try:
        await when_posted(slack, len(channels) // 4)
        at = len(slack.accepted)
        bot.terminate()
        code = await bot.wait(within=120)
    finally:
        await bot.close()
    again = await BotProcess.start(env, cwd=folder)
    try:
        await finished(url, len(channels))
        again.terminate()
        await again.wait(within=120)
    finally:
        await again.close()
    errors = len(bot.find(lambda line: line.get("level") == "error"))
    return {"exit": code, "posted at SIGTERM": at, "error lines": errors}


async def sigkill(slack: FakeSlackAPI, url: str, folder: str, channels: list[str], a: argparse.Namespace) -> dict:
    env = env_for(slack, url, folder)
    bots = await asyncio.gather(*(BotProcess.start(env, cwd=folder) for _ in range(2)))
    try:
        await when_posted(slack, len(channels) // 4)
        [leader] = [b for b in bots if b.find(lambda line: line.get("msg") == "scheduler leadership gained")]
        killed_at = time.time()
        leader.kill()
        await leader.wait()
        last = await finished(url, len(channels))
        for bot in bots:
            bot.terminate()
            await bot.wait(within=120)
    finally:
        for bot in bots:
            await bot.close()
    return {"finished after the kill": f"{last - killed_at:.1f} s"}


async def dbcut(slack: FakeSlackAPI, url: str, folder: str, channels: list[str], a: argparse.Namespace) -> dict:
    where = urlsplit(PG_URL)
    async with TcpProxy(where.hostname or "127.0.0.1", where.port or 5432) as proxy:
        env = env_for(slack, proxy.rewrite(url), folder)
        bot = await BotProcess.start(env, cwd=folder)
        try:
            await when_posted(slack, len(channels) // 4)
            cut_at = time.time()
            proxy.cut()
            await asyncio.sleep(a.cut)
            proxy.restore()
            last = await finished(url, len(channels))
            bot.terminate()
            await bot.wait(within=120)
        finally:
            await bot.close()
    return {"cut": f"{a.cut:g} s", "finished after the cut began": f"{last - cut_at:.1f} s"}


async def firststart(a: argparse.Namespace) -> None:
    failed = 0
    async with FakeSlackAPI() as slack:
        for _ in range(a.trials):
            async with database(a.database) as url:
                folder = tempfile.mkdtemp(prefix="faults-")
                env = env_for(slack, url, folder)
                starts = await asyncio.gather(*(BotProcess.start(env, cwd=folder) for _ in range(a.replicas)),
                                              return_exceptions=True)
                failed += sum(1 for s in starts if not isinstance(s, BotProcess))
                for bot in starts:
                    if isinstance(bot, BotProcess):
                        bot.terminate()
                        failed += await bot.wait(within=120) != 0
                        await bot.close()
    print(f"firststart {a.trials} trials of {a.replicas} replicas on an empty database: {failed} failed to start "
          "or stop cleanly", flush=True)


async def ingest(a: argparse.Namespace) -> None:
    from sqlalchemy import func, select

    from bot.app import open_store
    from bot.config import load_settings
    from bot.core.store import Store, sources

    async with database(a.database) as url:
        folder = Path(tempfile.mkdtemp(prefix="faults-"))
        await asyncio.to_thread(lambda: open_store(load_settings(database_url=url)).close())
        with Store(url).engine.connect() as c:
            before = c.execute(select(func.count()).select_from(sources)).scalar()

        def report(n: int, suffix: str = "") -> str:
            path = folder / f"report-{n}{suffix}.txt"
            path.write_text(f"Round {n} of talks ends without a deal\n\nGENEVA, Dec 20 (Reuters) - Negotiators "
                            f"ended round {n} of their talks on Saturday without a deal, officials said, and "
                            f"agreed to meet again within {n + 2} days.\n" + ("\n" if suffix else ""))
            return str(path)

        shared = [report(100000), report(100001), report(100000, "-copy")]
        per = a.reports // a.ingesters
        started = time.monotonic()
        procs = [await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.fakes.ingest_worker", url,
            *[report(w * per + i) for i in range(per)], *shared, cwd=folder,
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT)},
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE) for w in range(a.ingesters)]
        results, codes = [], []
        for proc in procs:
            out, _err = await proc.communicate()
            codes.append(proc.returncode)
            results += [json.loads(line) for line in out.decode().splitlines() if line.startswith("{")]
        took = time.monotonic() - started
        for r in results:
            if r["code"]:
                print("  failed:", r["file"].rsplit("/", 1)[-1], (r["err"] or r["out"]).strip().splitlines()[-1:], flush=True)
        with Store(url).engine.connect() as c:
            stored = c.execute(select(func.count()).select_from(sources)).scalar() - before
    expected = per * a.ingesters + 2
    empty = sum(1 for r in results if r["out"].startswith("Already ingested as :"))
    print(f"ingest     {a.ingesters} processes, {per * a.ingesters} distinct reports + 2 shared + 1 copy each: "
          f"stored {stored} of {expected} (lost {max(0, expected - stored)}, extra {max(0, stored - expected)}), "
          f"duplicates named with no id {empty}, non-zero exits {sum(1 for c in codes if c)}, {took:.1f} s",
          flush=True)


async def main(a: argparse.Namespace) -> int:
    only = set(a.only.split(",")) if a.only else {"sigterm", "sigkill", "dbcut", "firststart", "ingest"}
    print(f"database: {'PostgreSQL' if a.database == 'pg' else 'SQLite'}; format {a.format}; "
          f"Slack answers after {a.latency:g} s", flush=True)
    if "sigterm" in only:
        await fanout_fault("sigterm", a, a.channels, lambda *x: sigterm(*x, a))
    if "sigkill" in only:
        await fanout_fault("sigkill", a, a.channels, lambda *x: sigkill(*x, a))
    if "dbcut" in only and a.database == "pg":
        await fanout_fault("dbcut", a, a.cut_channels, lambda *x: dbcut(*x, a))
    if "firststart" in only:
        await firststart(a)
    if "ingest" in only:
        await ingest(a)
    return 0


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--channels", type=int, default=500)
    p.add_argument("--format", choices=["short", "full"], default="full")
    p.add_argument("--latency", type=float, default=0.3, help="seconds Slack takes to answer a post")
    p.add_argument("--grace", type=float, default=2.0, help="SHUTDOWN_GRACE for the SIGTERM fault")
    p.add_argument("--cut-channels", type=int, default=100)
    p.add_argument("--cut", type=float, default=20.0, help="seconds the database is unreachable")
    p.add_argument("--trials", type=int, default=10)
    p.add_argument("--replicas", type=int, default=3)
    p.add_argument("--reports", type=int, default=200)
    p.add_argument("--ingesters", type=int, default=4)
    p.add_argument("--database", choices=["pg", "sqlite"], default="pg")
    p.add_argument("--only", help="comma-separated faults to run")
    sys.exit(asyncio.run(main(p.parse_args())))
