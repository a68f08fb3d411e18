"""Two scheduler replicas in two processes sharing one database post each briefing exactly once."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import sys
from pathlib import Path

import time_machine

from bot.core.store import Store
from bot.schedule import subscriptions as subs
from bot.schedule.ledger import Ledger
from bot.schedule.subscriptions import parse_options
from tests.fakes.slack_api import FakeSlackAPI

ROOT = Path(__file__).resolve().parents[2]


async def _replica(url: str, api: str) -> asyncio.subprocess.Process:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.schedule.replica_worker", url, api, env=env,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    line = await asyncio.wait_for(proc.stdout.readline(), 60)
    if line.strip() != b"ready":
        raise AssertionError(f"replica did not start: {line!r} {await proc.stderr.read()!r}")
    return proc


async def test_two_replicas_post_each_briefing_once(store_url: str, slack: FakeSlackAPI) -> None:
    store = Store(store_url)
    store.migrate()
    from bot.core.briefing_file import load_shipped_briefing

    store.seed(load_shipped_briefing())
    now = dt.datetime.now(dt.UTC)
    due = now - dt.timedelta(minutes=3)  # missed while "down": both replicas catch up at once
    later = now + dt.timedelta(hours=3)  # a normal job: both run it at the same moment
    channels = []
    with time_machine.travel(now - dt.timedelta(days=1)):
        for n in range(6):
            at = due if n % 2 else later
            channel = f"C0REPLICA{n}"
            subs.upsert(store, "slack", "T0TEST", channel, parse_options(f"{at:%H:%M} UTC"), "test")
            channels.append(channel)

    replicas = await asyncio.gather(*(_replica(store_url, slack.base_url) for _ in range(2)))
    for proc in replicas:
        proc.stdin.write(b"go\n")
    for proc in replicas:
        await proc.stdin.drain()
    for proc in replicas:
        out, err = await asyncio.wait_for(proc.communicate(), 90)
        assert proc.returncode == 0 and b"done" in out, err.decode()[-2000:]

    for channel in channels:
        assert len(slack.messages(channel)) == 1, (channel, slack.summary())
    assert len(slack.calls_to("chat.postMessage")) == len(channels)
    rows = Ledger(store).recent()
    assert len(rows) == len(channels) and {r.status for r in rows} == {"sent"}
    store.close()
