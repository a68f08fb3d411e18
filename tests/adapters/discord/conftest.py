"""The real discord.py client, run by DiscordService against the fake Discord on 127.0.0.1."""

from __future__ import annotations

import asyncio
import re
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


async def start_service(fake: FakeDiscord, core, defer_after: float = 2.0, guild: bool = True,  # noqa: ANN001, ANN201
                        **client_options):  # noqa: ANN003 - to discord.Client / BriefingClient
    from bot.adapters.discord.service import DiscordService

    settings = load_settings(discord_token=BOT_TOKEN, discord_guild_id=int(fake.guild_id) if guild else None,
                             discord_application_id=int(fake.app_id))
    client_options.setdefault("guild_ready_timeout", 0.05)
    service = DiscordService(settings, core, defer_after=defer_after, **client_options)
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


def message_payloads(fake: FakeDiscord) -> list[dict]:
    """Every message the bot sent: interaction responses, followups and channel messages."""
    out = []
    for call in fake.calls:
        if call.status != 200 or not isinstance(call.body, dict):
            continue
        if call.path.endswith("/callback") and call.body.get("type") == 4:
            out.append(call.body["data"])
        elif call.path.startswith(("/webhooks/", "/channels/")) and call.method in ("POST", "PATCH") \
                and not call.path.endswith("/typing"):
            out.append(call.body)
    return out


def text_of(payload: dict) -> str:
    """All text of a message payload's embeds, in order, as Discord shows it (escapes removed)."""
    parts = [payload.get("content") or ""]
    for e in payload.get("embeds", []):
        parts += [e.get("title", ""), e.get("description", "")]
        parts += [f"{f['name']}: {f['value']}" for f in e.get("fields", [])]
        parts.append(e.get("footer", {}).get("text", ""))
    return re.sub(r"\\(.)", r"\1", "\n".join(p for p in parts if p))


async def response_to(fake: FakeDiscord, interaction_id: str) -> dict:
    """The interaction's immediate response (callback type 4) payload."""
    calls = await fake.wait_for_call("POST", f"/interactions/{interaction_id}/")
    assert calls[0].body["type"] == 4, calls[0].body
    return calls[0].body["data"]


def embed_chars(embed: dict) -> int:
    """Characters Discord counts toward the 6,000 per message."""
    return (len(embed.get("title", "")) + len(embed.get("description", ""))
            + sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields", []))
            + len(embed.get("footer", {}).get("text", "")))
