"""A full `briefbot run` with every secret set: Slack (HTTP mode), Discord, the model and PostgreSQL,
all fakes on 127.0.0.1. Its logs must carry one line per request with an id, and no secret at all."""

from __future__ import annotations

import json

import pytest

from tests.fakes.briefbot_process import BotProcess
from tests.fakes.discord_server import FakeDiscord
from tests.fakes.openai_server import FakeOpenAI, grounded
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_requests import signed_headers, slash_body

SLACK_BOT_TOKEN = "xoxb-4e1f-LOGCHECK-slack-bot-token-91c2"
SLACK_SIGNING_SECRET = "c0ffee-LOGCHECK-signing-secret-77ab"
DISCORD_TOKEN = "MTE-LOGCHECK.discord-token.z9y8x7"
OPENAI_API_KEY = "sk-LOGCHECK-openai-key-5d6e7f"
PG_PASSWORD = "pgpw-LOGCHECK-3141"


@pytest.mark.postgres
async def test_a_full_run_logs_requests_and_never_a_secret(pg_url: str, tmp_path) -> None:  # noqa: ANN001
    # Trust auth ignores the password, so the URL can carry one that must never be printed.
    database_url = pg_url.replace("postgres@", f"postgres:{PG_PASSWORD}@", 1)
    model = FakeOpenAI(default=grounded)
    await model.start()
    discord = await FakeDiscord().start()
    discord.token = DISCORD_TOKEN  # the fake answers 401 to any other token
    async with FakeSlackAPI() as slack:
        env = {"SLACK_BOT_TOKEN": SLACK_BOT_TOKEN, "SLACK_SIGNING_SECRET": SLACK_SIGNING_SECRET,
               "SLACK_API_URL": slack.base_url, "DISCORD_TOKEN": DISCORD_TOKEN,
               "DISCORD_GUILD_ID": discord.guild_id, "DISCORD_APPLICATION_ID": discord.app_id,
               "OPENAI_API_KEY": OPENAI_API_KEY, "OPENAI_BASE_URL": model.base_url,
               "DATABASE_URL": database_url, "LOG_LEVEL": "DEBUG",
               "SCHEDULER_SUBSCRIPTIONS_FILE": str(tmp_path / "none.toml")}
        bot = await BotProcess.start(env, discord=discord, cwd=tmp_path)
        try:
            await discord.wait_identified()
            # Slack: a signed slash command, answered through the response URL.
            body = slash_body("/ask", "who requested satellite verification?",
                              response_url=slack.response_url("C1CHAN", "U1USER"))
            status, _ = await bot.post("/slack/events", body, signed_headers(SLACK_SIGNING_SECRET, body))
            assert status == 200
            await slack.wait_for_messages("C1CHAN", 1, within=30)
            # Discord: a slash command over the gateway, answered on the interaction callback.
            iid = await discord.push_interaction("ask", [{"name": "question", "type": 3,
                                                          "value": "how many people were killed?"}])
            await discord.wait_for_call("POST", f"/interactions/{iid}/", within=30)
            # The probes see every part, and show no secret either.
            await bot.wait_ready()
            status, ready = await bot.get("/readyz")
            assert status == 200, ready
            assert set(json.loads(ready)["checks"]) >= {"database", "slack", "discord"}
            status, metrics = await bot.get("/metrics")
            assert status == 200
            await bot.wait_for_log(lambda line: line.get("msg") == "command" and line.get("platform") == "discord")
        finally:
            bot.terminate()
            code = await bot.wait()
            await discord.close()
            await model.stop()
    assert code == 0, bot.text[-3000:]

    # The secrets were really in use: each reached its fake.
    assert any(h.get("Authorization") == f"Bearer {OPENAI_API_KEY}" for h in model.headers)
    assert slack.calls_to("auth.test")[0].headers.get("Authorization") == f"Bearer {SLACK_BOT_TOKEN}"

    everything = bot.text + ready + metrics
    for secret in (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, DISCORD_TOKEN, OPENAI_API_KEY, PG_PASSWORD,
                   database_url):
        assert secret not in everything, f"a secret leaked: {secret[:6]}…"

    # Structured lines: every one is JSON; one per HTTP request with its id; commands carry it too.
    assert not bot.find(lambda line: line.get("unparsed")), bot.find(lambda line: line.get("unparsed"))[:3]
    requests = bot.find(lambda line: line.get("msg") == "http request" and line.get("path") == "/slack/events")
    assert len(requests) == 1 and requests[0]["status"] == 200 and requests[0]["request_id"]
    slack_commands = bot.find(lambda line: line.get("msg") == "command" and line.get("platform") == "slack")
    assert slack_commands and slack_commands[0]["request_id"] == requests[0]["request_id"]
    discord_commands = bot.find(lambda line: line.get("msg") == "command" and line.get("platform") == "discord")
    assert discord_commands[0]["request_id"] == f"discord-{iid}"
    assert bot.find(lambda line: line.get("msg") == "stopped")


async def test_run_refuses_a_bad_settings_file_with_one_line(tmp_path) -> None:  # noqa: ANN001
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "settings.toml").write_text("[log]\nlevel = 'LOUD'\n")
    # The settings are read before anything connects, so no fake is needed.
    bot = await BotProcess.start({"SLACK_BOT_TOKEN": SLACK_BOT_TOKEN}, cwd=tmp_path, wait_ready=False)
    code = await bot.wait()
    assert code == 2
    assert bot.raw == ["briefbot: invalid configuration: LOG_LEVEL ([log] level in config/settings.toml): "
                       "Input should be 'DEBUG', 'INFO', 'WARNING' or 'ERROR', got 'LOUD'"]
