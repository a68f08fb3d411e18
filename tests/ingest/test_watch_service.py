"""The feed service under `briefbot run`: APScheduler rounds, /readyz details, the /watch chat command."""

from __future__ import annotations

import asyncio

import pytest
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


@pytest.mark.postgres
async def test_two_replicas_ingest_review_and_alert_once(pg_url: str) -> None:
    """Two `briefbot run` replicas on one PostgreSQL: each round's work is done once between them."""
    from bot.adapters.slack.listeners.actions import SlackCardPoster
    from bot.adapters.slack.poster import SlackPoster
    from bot.ingest import alerts
    from bot.ingest import review_cards as rc
    from tests.fakes.slack_api import FakeSlackAPI

    async with FakeSlackAPI() as slack:
        for ch in ("C0REVIEW", "C0ALERTS"):
            slack.add_channel(ch)
        settings = load_settings(database_url=pg_url, slack_bot_token="xoxb-1-2-replicas",
                                 slack_api_url=slack.base_url)
        replicas = []
        for _ in range(2):
            core = build_core(settings)
            poster = SlackPoster(settings)
            replicas.append(FeedService(settings, core, {"slack": poster},
                                        card_posters={"slack": SlackCardPoster(poster.client)}))
        store = replicas[0].store
        rc.set_review_channel(store, "default", "slack", "T0TEST", "C0REVIEW")
        alerts.subscribe(store, "default", "slack", "T0TEST", "C0ALERTS")
        with FeedServer() as srv:
            srv.set("/wire.xml", rss("Wire", [item("toll", "Toll rises", TOLL, "2025-12-24")]))
            watch.add(store, "default", srv.url("/wire.xml"))
            await asyncio.gather(*(r.tick() for r in replicas))
            await asyncio.gather(*(r.tick() for r in replicas))
        [it] = watch.items_of(store)
        assert it.status == "ingested"
        assert len(slack.messages("C0REVIEW")) == 1  # one card, whichever replica posted it
        card = rc.load_card(store, it.source_id)
        # Both replicas press Approve all at once (two editors, or one double click on two replicas).
        results = await asyncio.gather(*(asyncio.to_thread(rc.decide_many, r.store, card.open_ids, "approve", n)
                                         for n, r in (("ana", replicas[0]), ("max", replicas[1]))))
        applied = [d for ds in results for d in ds if d.result == "approved"]
        assert len(applied) == len(card.open_ids)
        await asyncio.gather(*(r.tick() for r in replicas))
        await asyncio.gather(*(r.tick() for r in replicas))
        texts = [m["text"] for m in slack.messages("C0ALERTS")]
        assert len(texts) == 2 and any("at least 11 → 21" in t for t in texts)
        for r in replicas:
            await asyncio.to_thread(r.poller.close)
