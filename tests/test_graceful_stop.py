"""SIGTERM: answers and deliveries in flight finish (bounded), connections close, exit 0; a delivery cut
off part-way is resumed on the next start and never posted twice."""

from __future__ import annotations

from pathlib import Path

from tests.fakes.briefbot_process import BotProcess, deliveries, seed_due_subscription
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_requests import signed_headers, slash_body

TOKEN = "xoxb-graceful-stop-token"
SECRET = "graceful-stop-signing-secret"


def bot_env(slack: FakeSlackAPI, database_url: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    return {"SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": slack.base_url,
            "DATABASE_URL": database_url, "SCHEDULER_SUBSCRIPTIONS_FILE": str(tmp_path / "none.toml"),
            **extra}


def posted(slack: FakeSlackAPI, channel: str) -> list:
    return [c for c in slack.calls_to("chat.postMessage") if c.channel == channel and c.status == 200
            and not c.error]


async def test_sigterm_lets_a_delivery_and_an_answer_in_flight_finish(tmp_path: Path, sqlite_url: str) -> None:
    seed_due_subscription(sqlite_url, "slack", "C1BRIEF", "T0TEST")
    async with FakeSlackAPI() as slack:
        slack.delay("chat.postMessage", 1.0)  # every part of the briefing is slow to post
        slack.delay("users.info", 1.0)  # and so is the answer to a question
        bot = await BotProcess.start(bot_env(slack, sqlite_url, tmp_path, SHUTDOWN_GRACE="20"), cwd=tmp_path)
        try:
            body = slash_body("/casualties", response_url=slack.response_url("C2ASK", "U1USER"))
            status, _ = await bot.post("/slack/events", body, signed_headers(SECRET, body))
            assert status == 200
            await slack.wait_for(lambda: bool(slack.calls_to("users.info"))
                                 and bool(slack.calls_to("chat.postMessage")), within=30)
            bot.terminate()  # while the briefing's first part and the answer are both in flight
            code = await bot.wait()
        finally:
            await bot.close()
        assert code == 0, bot.text[-3000:]
        [row] = deliveries(sqlite_url)
        assert row["status"] == "sent" and row["parts_sent"] == row["parts_total"] >= 1
        assert len(posted(slack, "C1BRIEF")) == row["parts_total"]
        assert len(slack.messages("C2ASK")) == 1  # the answer reached the asker before the exit
    assert bot.find(lambda line: line.get("msg") == "stopping")
    assert bot.find(lambda line: line.get("msg") == "stopped")


async def test_a_delivery_cut_off_by_sigterm_resumes_once_on_next_start(tmp_path: Path, sqlite_url: str) -> None:
    seed_due_subscription(sqlite_url, "slack", "C1BRIEF", "T0TEST")
    async with FakeSlackAPI() as slack:
        # Slack says "wait a minute": longer than the stop may take, so the delivery is cut off.
        slack.fail("chat.postMessage", status=429, retry_after=60)
        env = bot_env(slack, sqlite_url, tmp_path, SHUTDOWN_GRACE="2")
        bot = await BotProcess.start(env, cwd=tmp_path)
        try:
            await slack.wait_for(lambda: bool(slack.calls_to("chat.postMessage")), within=30)
            bot.terminate()
            code = await bot.wait()
        finally:
            await bot.close()
        assert code == 0, bot.text[-3000:]
        [row] = deliveries(sqlite_url)
        assert row["status"] == "claimed" and row["parts_sent"] == 0
        assert posted(slack, "C1BRIEF") == []

        # Next start: the interrupted delivery is taken up again and finished, each part once.
        again = await BotProcess.start(env, cwd=tmp_path)
        try:
            await again.wait_for_log(lambda line: line.get("msg") == "briefing delivered", within=30)
            again.terminate()
            assert await again.wait() == 0
        finally:
            await again.close()
        [row] = deliveries(sqlite_url)
        assert row["status"] == "sent" and row["parts_sent"] == row["parts_total"]
        assert len(posted(slack, "C1BRIEF")) == row["parts_total"]

        # And a third start posts nothing more: the day is done.
        third = await BotProcess.start(env, cwd=tmp_path)
        try:
            third.terminate()
            assert await third.wait() == 0
        finally:
            await third.close()
        assert len(posted(slack, "C1BRIEF")) == row["parts_total"]
        assert len(deliveries(sqlite_url)) == 1
