"""The feed service under `briefbot run`: APScheduler rounds, /readyz details, the /watch chat command."""

from __future__ import annotations

import asyncio

from aiohttp.test_utils import TestClient, TestServer

from bot.app import build_core
from bot.config import load_settings
from bot.core.reply import Asker
from bot.ingest import watch
from bot.ingest.watch_service import FeedService
from bot.runner import build_web_app
from tests.fakes.feed_server import FeedServer, item, rss
from tests.ingest.test_watch import TOLL

ADMIN = Asker(platform="slack", user_id="UADMIN", channel_id="C1", workspace_id="T1", can_manage=True)
MEMBER = Asker(platform="slack", user_id="UMEMBER", channel_id="C1", workspace_id="T1", can_manage=False)


def count_rounds(service: FeedService) -> asyncio.Queue:
    """A queue that gets one entry at the end of each round (a follow-up, as review and alerts are)."""
    done: asyncio.Queue = asyncio.Queue()

    async def round_done() -> None:
        done.put_nowait(service.rounds)

    service.follow_ups.append(round_done)
    return done


async def wait_rounds(done: asyncio.Queue, n: int) -> None:
    async with asyncio.timeout(30):
        for _ in range(n):
            await done.get()


async def test_rounds_run_on_the_scheduler_and_readyz_shows_each_feed(sqlite_url: str) -> None:
    settings = load_settings(database_url=sqlite_url, watch_tick_seconds=0.2)
    core = build_core(settings)
    with FeedServer() as srv:
        srv.set("/wire.xml", rss("Wire", [item("toll", "Toll rises", TOLL, "2025-12-24")]))
        srv.fail("/down.xml", 502)
        service = FeedService(settings, core)
        done = count_rounds(service)
        await service.start()
        try:
            reply = await core.handle("watch", f"add {srv.url('/wire.xml')} 5", ADMIN)
            assert "Watching feed 1" in reply.to_text() and "every 5 min" in reply.to_text()
            await core.handle("watch", f"add {srv.url('/down.xml')}", ADMIN)
            # Both feeds were due when added: the rounds that follow poll both; one more round lists them.
            await wait_rounds(done, 3)
            assert srv.hits("/down.xml") and srv.hits("/wire.xml")
            [item_] = watch.items_of(core.store)
            assert item_.status == "ingested"

            client = TestClient(TestServer(build_web_app(settings, core, [service]), host="127.0.0.1"))
            await client.start_server()
            try:
                body = await (await client.get("/readyz")).json()
            finally:
                await client.close()
            feeds = body["checks"]["feeds"]
            assert feeds["ok"] is True and "2 feed(s) watched, 1 failing" in feeds["detail"]
            by_url = {f["url"]: f for f in feeds["items"]}
            assert by_url[srv.url("/wire.xml")]["ok"] and by_url[srv.url("/wire.xml")]["last_success"]
            assert by_url[srv.url("/down.xml")]["last_error"] == "HTTP 502 Bad Gateway"

            listing = (await core.handle("watch", "", ADMIN)).to_text()
            assert "HTTP 502" in listing and "last success" in listing
            refused = await core.handle("watch", f"add {srv.url('/x.xml')}", MEMBER)
            assert refused.title == "Not allowed" and refused.ephemeral
            bad = await core.handle("watch", "add notaurl", ADMIN)
            assert bad.title == "Cannot watch" and "not an http(s) URL" in bad.to_text()
            gone = await core.handle("watch", "remove 2", ADMIN)
            assert "Stopped watching" in gone.to_text()
            assert [f.id for f in watch.listing(core.store)] == [1]
        finally:
            await service.stop()
