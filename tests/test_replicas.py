"""Two `briefbot run` processes on one PostgreSQL: one runs the scheduler, the other takes over when
it dies, and each briefing is posted once."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from tests.fakes.briefbot_process import BotProcess, deliveries, seed_due_subscription
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_requests import signed_headers, slash_body

TOKEN = "xoxb-replica-token"
SECRET = "replica-signing-secret"
ROOT = Path(__file__).resolve().parents[1]


async def role(bot: BotProcess) -> str:
    status, body = await bot.get("/readyz")
    assert status == 200, body
    return json.loads(body)["checks"]["scheduler"]["role"]


async def until_role(bot: BotProcess, wanted: str, within: float = 30.0) -> None:
    for _ in range(int(within / 0.1)):
        if await role(bot) == wanted:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"never became {wanted}:\n{bot.text[-3000:]}")


def posts(slack: FakeSlackAPI, channel: str) -> int:
    return len([c for c in slack.calls_to("chat.postMessage")
                if c.channel == channel and c.status == 200 and not c.error])


@pytest.mark.postgres
async def test_one_leader_failover_and_each_briefing_posted_once(pg_url: str, tmp_path: Path) -> None:
    first = seed_due_subscription(pg_url, "slack", "C1BRIEF", "T0TEST")
    second = seed_due_subscription(pg_url, "slack", "C2BRIEF", "T0TEST")
    async with FakeSlackAPI() as slack:
        env = {"SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": slack.base_url,
               "DATABASE_URL": pg_url, "LEADER_RETRY_SECONDS": "0.3",
               "SCHEDULER_SUBSCRIPTIONS_FILE": str(tmp_path / "none.toml")}
        a = await BotProcess.start(env, cwd=tmp_path)
        b = await BotProcess.start(env, cwd=tmp_path)
        try:
            assert (await role(a), await role(b)) == ("leader", "follower")
            await a.wait_for_log(lambda line: line.get("msg") == "briefing delivered"
                                 and line.get("subscription") == second, within=30)
            await a.wait_for_log(lambda line: line.get("msg") == "briefing delivered"
                                 and line.get("subscription") == first, within=30)
            # Both replicas answer questions, whichever the load balancer picks.
            for bot, channel in ((a, "C7ASK"), (b, "C8ASK")):
                body = slash_body("/casualties", response_url=slack.response_url(channel, "U1USER"))
                assert (await bot.post("/slack/events", body, signed_headers(SECRET, body)))[0] == 200
                await slack.wait_for_messages(channel, 1, within=30)

            # A briefing that falls due now, then the leader dies (SIGKILL: no goodbye, the lock's
            # connection just drops). The follower takes over and catches the briefing up.
            third = seed_due_subscription(pg_url, "slack", "C3BRIEF", "T0TEST")
            a.kill()
            await a.wait()
            await until_role(b, "leader")
            await b.wait_for_log(lambda line: line.get("msg") == "scheduler leadership gained", within=5)
            await b.wait_for_log(lambda line: line.get("msg") == "briefing delivered"
                                 and line.get("subscription") == third, within=30)

            # A replacement replica joins as a follower and posts nothing again.
            c = await BotProcess.start(env, cwd=tmp_path)
            try:
                assert await role(c) == "follower"
                c.terminate()
                assert await c.wait() == 0
            finally:
                await c.close()
            b.terminate()
            assert await b.wait() == 0
        finally:
            await a.close()
            await b.close()

        rows = deliveries(pg_url)
        assert sorted(r["subscription_id"] for r in rows) == sorted([first, second, third])
        for r in rows:
            assert r["status"] == "sent", r
        for channel, sub in (("C1BRIEF", first), ("C2BRIEF", second), ("C3BRIEF", third)):
            [row] = [r for r in rows if r["subscription_id"] == sub]
            assert posts(slack, channel) == row["parts_total"], channel
    assert not b.find(lambda line: line.get("msg") == "briefing delivered"
                      and line.get("subscription") in (first, second))


async def test_replicas_starting_together_on_a_fresh_database_all_start(store_url: str, tmp_path: Path) -> None:
    """docker-compose starts every replica at once on an empty database: each creates or upgrades the
    schema under a lock, none fails, and the shipped briefing is seeded once."""
    async with FakeSlackAPI() as slack:
        env = {"SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": slack.base_url,
               "DATABASE_URL": store_url, "SCHEDULER_SUBSCRIPTIONS_FILE": str(tmp_path / "none.toml")}
        starts = await asyncio.gather(*(BotProcess.start(env, cwd=tmp_path) for _ in range(3)),
                                      return_exceptions=True)
        bots = [b for b in starts if isinstance(b, BotProcess)]
        try:
            assert len(bots) == 3, [str(e)[-2000:] for e in starts if not isinstance(e, BotProcess)]
            for bot in bots:
                bot.terminate()
            assert [await bot.wait() for bot in bots] == [0, 0, 0]
        finally:
            for bot in bots:
                await bot.close()
    from sqlalchemy import func, select

    from bot.core.briefing_file import load_shipped_briefing
    from bot.core.store import Store, meta, sources

    store = Store(store_url)
    try:
        with store.begin() as c:
            assert c.execute(select(func.count()).select_from(sources)).scalar() == len(
                load_shipped_briefing().sources)
            assert c.execute(select(func.count()).select_from(meta).where(meta.c.key == "schema_version")).scalar() == 1
    finally:
        store.close()


def _reports(folder: Path, numbers: range) -> list[str]:
    paths = []
    for n in numbers:
        path = folder / f"report-{n}.txt"
        path.write_text(f"Round {n} of talks ends without a deal\n\n"
                        f"GENEVA, Dec 20 (Reuters) - Negotiators ended round {n} of their talks on Saturday "
                        f"without a deal, officials said, and agreed to meet again within {n + 2} days.\n")
        paths.append(str(path))
    return paths


def _copy_with_one_more_newline(path: str) -> str:
    copy = Path(path).with_name("copy-of-" + Path(path).name)
    copy.write_text(Path(path).read_text() + "\n")
    return str(copy)


async def test_concurrent_ingest_from_several_processes_loses_no_report(store_url: str, tmp_path: Path) -> None:
    """Four processes ingest at once: every distinct report is stored once, a copy (even with one more
    trailing newline) is named as the stored one, and every process exits 0."""
    import sys

    from bot.app import open_store
    from bot.config import load_settings

    open_store(load_settings(database_url=store_url)).close()
    own = [_reports(tmp_path, range(w * 6, w * 6 + 6)) for w in range(4)]
    shared = _reports(tmp_path, range(100, 102))
    copy = _copy_with_one_more_newline(shared[0])
    procs = []
    for files in own:
        procs.append(await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.fakes.ingest_worker", store_url, *files, *shared, copy,
            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
            cwd=tmp_path, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE))
    results = []
    for proc in procs:
        out, err = await asyncio.wait_for(proc.communicate(), 240)
        assert proc.returncode == 0, (out.decode()[-2000:], err.decode()[-2000:])
        results += [json.loads(line) for line in out.decode().splitlines()]
    stored = [r for r in results if r["out"].startswith("Stored ")]
    dupes = [r for r in results if r["out"].startswith("Already ingested as ")]
    assert len(stored) == 4 * 6 + 2 and len(dupes) == len(results) - len(stored)
    stored_ids = {r["out"].split()[1].rstrip(":") for r in stored}
    assert {r["out"].split()[3].rstrip(":") for r in dupes} <= stored_ids  # names a stored source

    from sqlalchemy import func, select

    from bot.core.store import Store, sources

    store = Store(store_url)
    try:
        with store.begin() as c:
            ids = set(c.execute(select(sources.c.id)).scalars())
            assert stored_ids <= ids
            assert c.execute(select(func.count()).select_from(sources).where(
                sources.c.id.in_(stored_ids))).scalar() == len(stored)
    finally:
        store.close()
