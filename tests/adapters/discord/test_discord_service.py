"""DiscordService as `briefbot run` uses it: start, ready, stop, failures reported, tokens unlogged."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.adapters.discord.service import DiscordService
from bot.config import ConfigError, load_settings
from bot.runner import build_services
from tests.adapters.discord.conftest import response_to, start_service
from tests.fakes.discord_server import BOT_TOKEN, FakeDiscord


def settings_for(fake: FakeDiscord, token: str = BOT_TOKEN):  # noqa: ANN201 - Settings
    return load_settings(discord_token=token, discord_guild_id=int(fake.guild_id))


async def test_runner_builds_the_discord_service_when_a_token_is_set(fake: FakeDiscord, core) -> None:
    services = build_services(settings_for(fake), core)
    assert [s.name for s in services if s.name == "discord"] == ["discord"]
    assert "discord" not in [s.name for s in build_services(load_settings(), core)]


async def test_ready_follows_the_gateway(fake: FakeDiscord, core) -> None:
    service = DiscordService(settings_for(fake), core, guild_ready_timeout=0.05)
    assert service.ready() == (False, "not connected to the Discord gateway")
    service = await start_service(fake, core)
    assert service.ready() == (True, "")
    assert fake.identifies == 1 and fake.last_identify["intents"] & (1 << 15) == 0  # no message content intent
    await service.stop()
    assert service.ready()[0] is False
    assert not service.failures


async def test_a_rejected_token_is_a_clear_error(fake: FakeDiscord, core, caplog) -> None:
    service = DiscordService(settings_for(fake, token="wrong-token-value"), core)
    with pytest.raises(ConfigError, match="DISCORD_TOKEN was rejected") as err:
        await service.start()
    assert "wrong-token-value" not in str(err.value)


async def test_a_gateway_failure_is_logged_and_shown_by_ready(fake: FakeDiscord, core, caplog) -> None:
    fake.identify_close_code = 4004
    service = DiscordService(settings_for(fake), core)
    await service.start()
    with pytest.raises(Exception):  # noqa: B017 - discord.py's ConnectionClosed
        await asyncio.wait_for(service.task, 10)
    await asyncio.sleep(0)  # let the done-callback run
    ok, why = service.ready()
    assert not ok and "gateway failed" in why
    assert "Discord gateway connection ended" in caplog.text
    await service.stop()


async def test_the_token_never_reaches_the_logs(fake: FakeDiscord, core, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    service = await start_service(fake, core)
    try:
        await response_to(fake, await fake.push_interaction("casualties"))
        await fake.push_message("/sources", mention_bot=True)
        await fake.wait_for_call("POST", f"/channels/{fake.channel_id}/messages")
    finally:
        await service.stop()
    logged = "\n".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert "casualties" in logged  # the logs were captured, extras included
    assert BOT_TOKEN not in logged


async def test_briefbot_run_serves_discord_and_stops_cleanly(fake: FakeDiscord, core, caplog) -> None:
    import aiohttp

    from bot.runner import serve

    caplog.set_level(logging.INFO)
    settings = load_settings(discord_token=BOT_TOKEN, discord_guild_id=int(fake.guild_id), http_port=0,
                             http_host="127.0.0.1")
    service = DiscordService(settings, core, guild_ready_timeout=0.05)  # one guild: no need to wait 2 s
    stop = asyncio.Event()
    task = asyncio.create_task(serve(settings, core, [service], stop))
    await fake.wait_identified()
    await asyncio.wait_for(service.client.wait_until_ready(), 10)
    data = await response_to(fake, await fake.push_interaction("casualties"))
    assert "at least 11" in str(data)
    port = next(r.port for r in caplog.records if r.getMessage() == "http server listening")
    async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{port}/readyz") as resp:
        body = await resp.text()
    assert resp.status == 200, body
    stop.set()
    await asyncio.wait_for(task, 20)
    assert service.client.is_closed() and service.ready()[0] is False


async def test_slash_command_in_a_dm(fake: FakeDiscord, bot, core) -> None:
    from bot.core.reply import Asker, Reply

    seen: list[Asker] = []

    async def subscriptions(_text: str, asker: Asker) -> Reply:
        seen.append(asker)
        return Reply(title="None here", ephemeral=True)

    core.register("subscriptions", subscriptions)
    data = await response_to(fake, await fake.push_interaction("casualties", guild=False))
    assert "more than 303,000" in str(data)
    await response_to(fake, await fake.push_interaction("subscriptions", guild=False, permissions=0x20))
    assert (seen[0].workspace_id, seen[0].can_manage) == ("", False)
