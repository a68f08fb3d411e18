"""/healthz, /readyz and /metrics on the shared aiohttp app, served for real on 127.0.0.1."""

from __future__ import annotations

import asyncio
import logging
import socket

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client import REGISTRY
from pydantic import SecretStr

from bot.config import Settings
from bot.core.store import Store
from bot.health import Readiness
from bot.runner import build_web_app, serve


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def client_for(settings: Settings, core, services=(), readiness=None) -> TestClient:  # noqa: ANN001
    app = build_web_app(settings, core, list(services), readiness)
    client = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    return client


async def test_healthz_answers(settings: Settings, core) -> None:  # noqa: ANN001
    client = await client_for(settings, core)
    try:
        resp = await client.get("/healthz")
        assert resp.status == 200
        assert (await resp.json()) == {"status": "ok"}
        assert resp.headers["X-Request-Id"]
    finally:
        await client.close()


async def test_readyz_ready_names_the_database(settings: Settings, core) -> None:  # noqa: ANN001
    client = await client_for(settings, core)
    try:
        resp = await client.get("/readyz")
        body = await resp.json()
        assert resp.status == 200, body
        assert body["status"] == "ready"
        assert body["checks"]["database"]["ok"] is True
        assert body["failing"] == []
    finally:
        await client.close()


async def test_readyz_503_when_the_database_is_down(settings: Settings, core) -> None:  # noqa: ANN001
    down = Store(f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/test")
    client = await client_for(settings, core, readiness=Readiness(down, []))
    try:
        resp = await client.get("/readyz")
        body = await resp.json()
        assert resp.status == 503
        assert body["failing"] == ["database"]
        assert "127.0.0.1" in body["checks"]["database"]["detail"]
    finally:
        await client.close()
        down.close()


async def test_readyz_503_when_the_sqlite_file_is_gone(tmp_path, core, settings) -> None:  # noqa: ANN001
    path = tmp_path / "gone" / "db.sqlite3"
    store = Store(f"sqlite:///{path}")
    store.migrate()
    store.close()
    for f in path.parent.iterdir():
        f.unlink()
    path.parent.rmdir()  # SQLite cannot even create the file again: the directory is gone
    client = await client_for(settings, core, readiness=Readiness(store, []))
    try:
        resp = await client.get("/readyz")
        assert resp.status == 503
        assert (await resp.json())["failing"] == ["database"]
    finally:
        await client.close()


def sample(name: str, labels: dict[str, str]) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_metrics_count_questions_and_latency_after_a_question(settings: Settings, caplog) -> None:  # noqa: ANN001
    from bot.app import build_core

    core = build_core(settings)
    stop = asyncio.Event()
    s = settings.model_copy(update={"http_host": "127.0.0.1", "http_port": closed_port(),
                                    "scheduler_enabled": False})
    before_q = sample("briefbot_questions_total", {"engine": "offline", "found": "true"}) + \
        sample("briefbot_questions_total", {"engine": "offline", "found": "false"})
    before_lat = sample("briefbot_command_seconds_count", {"command": "ask"})
    task = asyncio.create_task(serve(s, core, [], stop))
    try:
        async with aiohttp.ClientSession() as http:
            base = f"http://127.0.0.1:{s.http_port}"
            for _ in range(100):
                try:
                    async with http.get(base + "/healthz") as r:
                        if r.status == 200:
                            break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.05)
            reply = await core.handle("ask", "who requested satellite verification?")
            assert reply.command == "ask"
            async with http.get(base + "/metrics") as r:
                assert r.status == 200
                assert r.headers["Content-Type"].startswith("text/plain")
                text = await r.text()
            async with http.get(base + "/readyz") as r:
                assert r.status == 200, await r.text()
    finally:
        stop.set()
        await task
    after_q = sample("briefbot_questions_total", {"engine": "offline", "found": "true"}) + \
        sample("briefbot_questions_total", {"engine": "offline", "found": "false"})
    assert after_q == before_q + 1
    assert sample("briefbot_command_seconds_count", {"command": "ask"}) == before_lat + 1
    assert 'briefbot_questions_total{engine="offline"' in text
    assert "briefbot_command_seconds_bucket" in text
    for name in ("briefbot_deliveries_total", "briefbot_platform_errors_total",
                 "briefbot_rate_limit_waits_total", "briefbot_model_fallbacks_total"):
        assert f"# HELP {name} " in text


async def test_one_log_line_per_request_with_its_id(settings: Settings, core, caplog) -> None:  # noqa: ANN001
    client = await client_for(settings, core)
    try:
        with caplog.at_level(logging.INFO, logger="briefbot.run"):
            resp = await client.get("/nowhere", headers={"X-Request-Id": "req-abc123"})
            assert resp.status == 404
    finally:
        await client.close()
    lines = [r for r in caplog.records if r.getMessage() == "http request"]
    assert len(lines) == 1
    assert lines[0].request_id == "req-abc123"
    assert lines[0].status == 404 and lines[0].path == "/nowhere"


@pytest.mark.parametrize("stopping", [True])
async def test_readyz_503_while_stopping(settings: Settings, core, stopping: bool) -> None:  # noqa: ANN001
    readiness = Readiness(core.store, [])
    readiness.stopping = stopping
    client = await client_for(settings, core, readiness=readiness)
    try:
        resp = await client.get("/readyz")
        assert resp.status == 503
        assert (await resp.json())["failing"] == ["process"]
    finally:
        await client.close()


async def poll_readyz(base: str, want_status: int, tries: int = 300) -> dict:
    async with aiohttp.ClientSession() as http:
        body: dict = {}
        for _ in range(tries):
            try:
                async with http.get(base + "/readyz") as r:
                    body = await r.json()
                    if r.status == want_status:
                        return body
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.05)
    raise AssertionError(f"/readyz never answered {want_status}: {body}")


async def test_readyz_names_a_disconnected_discord_and_a_slack_that_failed_auth(settings: Settings) -> None:
    from bot.app import build_core
    from bot.runner import build_services
    from tests.fakes.discord_server import BOT_TOKEN, FakeDiscord
    from tests.fakes.slack_api import FakeSlackAPI

    discord_fake = await FakeDiscord().start()
    discord_fake.install()
    try:
        async with FakeSlackAPI() as slack:
            s = settings.model_copy(update={
                "http_host": "127.0.0.1", "http_port": closed_port(), "scheduler_enabled": False,
                "watch_enabled": False,
                "discord_token": SecretStr(BOT_TOKEN), "discord_guild_id": int(discord_fake.guild_id),
                "slack_bot_token": SecretStr("xoxb-ready"), "slack_signing_secret": SecretStr("ready-secret"),
                "slack_api_url": slack.base_url})
            core = build_core(s)
            services = build_services(s, core)
            assert [x.name for x in services] == ["slack", "discord"]
            stop = asyncio.Event()
            task = asyncio.create_task(serve(s, core, services, stop))
            base = f"http://127.0.0.1:{s.http_port}"
            try:
                body = await poll_readyz(base, 200)
                assert body["checks"]["discord"]["ok"] and body["checks"]["slack"]["ok"]
                # Discord goes away: the gateway connection drops and /readyz says so.
                await discord_fake.close()
                body = await poll_readyz(base, 503)
                assert body["failing"] == ["discord"]
                assert "gateway" in body["checks"]["discord"]["detail"]
            finally:
                stop.set()
                await task
            # Slack refuses the token at start: the rest runs, /readyz names Slack.
            slack.fail("auth.test", status=200, error="invalid_auth")
            s2 = s.model_copy(update={"discord_token": None, "http_port": closed_port()})
            core2 = build_core(s2)
            stop2 = asyncio.Event()
            task2 = asyncio.create_task(serve(s2, core2, build_services(s2, core2), stop2))
            try:
                body = await poll_readyz(f"http://127.0.0.1:{s2.http_port}", 503)
                assert body["failing"] == ["slack"]
                assert "invalid_auth" in body["checks"]["slack"]["detail"]
            finally:
                stop2.set()
                await task2
    finally:
        discord_fake.uninstall()
        await discord_fake.close()


async def test_readyz_logs_when_readiness_changes_not_on_every_probe(
        settings: Settings, core, caplog: pytest.LogCaptureFixture) -> None:  # noqa: ANN001
    caplog.set_level(logging.INFO, logger="briefbot.health")
    down = Store(f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/test")
    readiness = Readiness(down, [])
    client = await client_for(settings, core, readiness=readiness)
    try:
        for _ in range(3):
            assert (await client.get("/readyz")).status == 503
        readiness.store = core.store  # the database is back
        for _ in range(3):
            assert (await client.get("/readyz")).status == 200
    finally:
        await client.close()
        down.close()
    said = [r.getMessage() for r in caplog.records if r.name == "briefbot.health"]
    assert said == ["not ready", "ready again"]


async def test_an_http_port_in_use_is_a_one_line_error(settings: Settings, core) -> None:  # noqa: ANN001
    from bot.config import ConfigError

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = settings.model_copy(update={"http_host": "127.0.0.1", "http_port": port})
        with pytest.raises(ConfigError) as err:
            await serve(busy, core, [])
    message = str(err.value)
    assert f"127.0.0.1:{port}" in message and "HTTP_PORT" in message and "\n" not in message
