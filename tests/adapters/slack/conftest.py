"""The real Bolt app served on 127.0.0.1, its Web API and response URLs pointed at the fake Slack API."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from bot.adapters.slack.service import SlackService
from bot.config import Settings, load_settings
from bot.core.answer import Answer
from bot.core.citations import Citer
from bot.core.commands import Core
from bot.core.reply import Asker
from bot.runner import build_web_app
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_requests import event_body, signed_headers, slash_body

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_TOKEN = "xoxb-1234-5678-secrettokenvalue"


@dataclass
class SlackServer:
    url: str  # the events URL
    root: str
    service: SlackService
    core: Core
    slack: FakeSlackAPI
    session: aiohttp.ClientSession

    async def post(self, body: str, headers: dict[str, str]) -> aiohttp.ClientResponse:
        async with self.session.post(self.url, data=body.encode(), headers=headers) as resp:
            await resp.read()
            return resp

    async def command(self, command: str, text: str = "", *, channel: str = "C1CHAN", user: str = "U1USER",
                      **headers: Any) -> aiohttp.ClientResponse:
        body = slash_body(command, text, response_url=self.slack.response_url(channel, user),
                          channel_id=channel, user_id=user)
        return await self.post(body, signed_headers(SECRET, body, **headers))

    async def event(self, event: dict[str, Any], *, event_id: str | None = None,
                    retry_num: int | None = None) -> aiohttp.ClientResponse:
        body = event_body(event, event_id=event_id)
        return await self.post(body, signed_headers(SECRET, body, content_type="application/json",
                                                    retry_num=retry_num))

    async def settle(self) -> None:
        """Wait until every answer started by the app has finished."""
        while self.service.deps.background.tasks:
            await asyncio.gather(*self.service.deps.background.tasks, return_exceptions=True)


def blocks_text(message: dict[str, Any]) -> str:
    """Every piece of text a message shows, blocks and fallback."""
    return message["text"] + "\n" + json.dumps(message["blocks"], ensure_ascii=False)


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlackAPI]:
    async with FakeSlackAPI() as fake:
        yield fake


@pytest.fixture
def slack_settings(sqlite_url: str, slack: FakeSlackAPI) -> Settings:
    return load_settings(database_url=sqlite_url, slack_bot_token=BOT_TOKEN, slack_signing_secret=SECRET,
                         slack_api_url=slack.base_url, http_host="127.0.0.1", http_port=0)


async def serve(settings: Settings, core: Core, slack: FakeSlackAPI) -> AsyncIterator[SlackServer]:
    service = SlackService(settings, core)
    app = build_web_app(settings, core, [service])
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    await service.start()
    root = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as session:
        server = SlackServer(url=root + settings.slack_events_path, root=root, service=service, core=core,
                             slack=slack, session=session)
        try:
            yield server
        finally:
            await service.stop()
            await runner.cleanup()


@pytest.fixture
async def server(slack_settings: Settings, core: Core, slack: FakeSlackAPI) -> AsyncIterator[SlackServer]:
    async for s in serve(slack_settings, core, slack):
        yield s


class ScriptedAnswerer:
    """Answers every question with the briefing's death toll and its real citation; can be held back.

    Stands in for the answer engine (being rewritten elsewhere) where a test needs a cited or a slow
    answer whatever the engine says; the citation is built by the core's own Citer from the briefing."""

    def __init__(self, core: Core, release: asyncio.Event | None = None) -> None:
        self.core = core
        self.release = release
        self.started = asyncio.Event()
        self.questions: list[tuple[str, Asker | None]] = []

    async def answer(self, question: str, asker: Asker | None = None) -> Answer:
        self.questions.append((question, asker))
        self.started.set()
        if self.release is not None:
            await self.release.wait()
        b = self.core.briefing
        killed = next(f for f in b.figures if f.metric == "killed")
        cite = Citer(b)
        cite.cite(killed.evidence)
        return Answer(question=question, answer="At least 11 people have died.", found=True,
                      citations=cite.citations)
