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
