"""The real discord.py client, run by DiscordService against the fake Discord on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.config import load_settings
from tests.fakes.discord_server import BOT_TOKEN, FakeDiscord


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = await FakeDiscord().start()
    server.install()
    yield server
    server.uninstall()
    await server.close()


async def start_service(fake: FakeDiscord, core, defer_after: float = 2.0, guild: bool = True):  # noqa: ANN001, ANN201
    from bot.adapters.discord.service import DiscordService

    settings = load_settings(discord_token=BOT_TOKEN, discord_guild_id=int(fake.guild_id) if guild else None,
                             discord_application_id=int(fake.app_id))
    service = DiscordService(settings, core, defer_after=defer_after)
    await service.start()
    failures: list[BaseException] = []
    # A missing payload key kills the connect task silently: make it fail the test instead.
    service.task.add_done_callback(
        lambda t: failures.append(t.exception()) if not t.cancelled() and t.exception() else None)
    ready = asyncio.ensure_future(service.client.wait_until_ready())
    await asyncio.wait([ready, service.task], timeout=15, return_when=asyncio.FIRST_COMPLETED)
    if not ready.done():
        ready.cancel()
        pytest.fail(f"the client did not get ready: {failures or 'timeout'}")
    service.failures = failures
    return service


@pytest.fixture
async def bot(fake: FakeDiscord, core):  # noqa: ANN001, ANN201 - a started DiscordService
    service = await start_service(fake, core)
    yield service
    await service.stop()
    assert not service.failures, f"the gateway task failed: {service.failures!r}"
