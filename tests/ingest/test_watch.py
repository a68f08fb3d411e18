"""Watched feeds against the real poller: a local server whose feeds change over time."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.core.store import Store, sources
from bot.ingest import watch
from bot.ingest.feeds import Limits, Poller
from bot.ingest.tables import candidates
from tests.fakes.feed_server import FeedServer, atom, item, rss
from tests.fakes.web_pages import closed_port
from tests.ingest.helpers import REPORTS, make_store
from tests.test_cli import run

TOLL = (REPORTS / "2025-12-24-toll-rises.txt").read_text()
DRONES = (REPORTS / "2025-12-29-drones.txt").read_text()
PREMIER = (REPORTS / "2025-12-26-new-premier.txt").read_text()
PAGE = (REPORTS / "page.html").read_bytes()
UNDATED = ("Aid agencies said on Thursday that shelters along the border were full and that families were "
           "sleeping in schools and temples while they waited for the fighting to stop, according to local "
           "officials who asked for more tents, water and medicine to be sent before the cold nights set in.")


def count(store: Store, table) -> int:  # noqa: ANN001 - a SQLAlchemy table
    with store.begin() as c:
        return c.execute(select(func.count()).select_from(table)).scalar_one()


def poll(poller: Poller, ids: list[int] | None = None) -> list:
    return asyncio.run(poller.poll_round(ids, force=True))


@pytest.fixture
def srv():  # noqa: ANN201
    with FeedServer() as server:
        yield server


def test_new_items_are_ingested_once_with_etag_and_304(srv: FeedServer, sqlite_url: str) -> None:
    store = make_store(sqlite_url)
    before = count(store, sources)
    srv.set("/wire.xml", rss("Wire", [item("toll", "Toll rises", TOLL, "2025-12-24"),
                                      item("premier", "New premier", PREMIER, "2025-12-26")]))
    feed, created = watch.add(store, "border", srv.url("/wire.xml"))
    assert created and feed.interval_min == 15
    poller = Poller(store)
    [out] = poll(poller)
    assert out.error == "" and out.new_items == 2 and len(out.ingested) == 2
    assert count(store, sources) == before + 2
    assert count(store, candidates) > 0
    f = watch.get(store, feed.id)
    assert f.title == "Wire" and f.last_success_at is not None and f.etag and f.failures == 0

    # Unchanged: the server sees our ETag and answers 304; nothing is read again.
    [out] = poll(poller)
    assert out.status == "304 not modified" and out.new_items == 0
    assert srv.hits("/wire.xml")[-1].if_none_match == f.etag and srv.hits("/wire.xml")[-1].status == 304

    # A new item appears at the top of the feed: only it is ingested.
    srv.set("/wire.xml", rss("Wire", [item("drones", "Drones", DRONES, "2025-12-29"),
                                      item("toll", "Toll rises", TOLL, "2025-12-24"),
                                      item("premier", "New premier", PREMIER, "2025-12-26")]))
    [out] = poll(poller)
    assert out.new_items == 1 and [i.payload["title"] for i in out.ingested] == ["Drones"]
    assert count(store, sources) == before + 3
    poller.close()

    # A restart (new store object, new poller) with a server that ignores validators: nothing doubles.
    srv.set("/wire.xml", srv.routes["/wire.xml"].body, etag=False)
    again = Poller(make_store(sqlite_url))
    [out] = poll(again)
    again.close()
    assert out.error == "" and out.new_items == 0
    assert count(store, sources) == before + 3
    assert [i.status for i in watch.items_of(store, feed.id)] == ["ingested"] * 3


def test_a_broken_feed_never_stops_the_others(srv: FeedServer, sqlite_url: str) -> None:
    store = make_store(sqlite_url)
    srv.set("/good.xml", rss("Good", [item("toll", "Toll rises", TOLL, "2025-12-24")]))
    srv.fail("/down.xml", 500)
    srv.set("/slow.xml", rss("Slow", [item("premier", "New premier", PREMIER, "2025-12-26")]))
    srv.slow("/slow.xml", 3.0)
    srv.set("/broken.xml", '<?xml version="1.0"?><rss version="2.0"><channel><title>B</title>'
                           '<item><title>Half</title><description>cut off mid-', ctype="application/xml")
    srv.set("/html.xml", "<!doctype html><html><body><p>Welcome to our site</p></body></html>",
            ctype="text/html")
    srv.set("/huge.xml", rss("Huge", [item(str(n), "x" * 100, "y " * 5000, "2025-12-24") for n in range(30)]))
    srv.redirect_loop("/loop.xml")
    urls = {name: srv.url(f"/{name}.xml") for name in ("good", "down", "slow", "broken", "html", "huge", "loop")}
    urls["gone"] = f"http://127.0.0.1:{closed_port()}/feed.xml"
    ids = {name: watch.add(store, "border", url)[0].id for name, url in urls.items()}
    poller = Poller(store, limits=Limits(timeout=1.0, max_bytes=200_000))
    outcomes = {o.feed_id: o for o in poll(poller)}
    poller.close()
    assert len(outcomes) == len(urls)
    assert outcomes[ids["good"]].error == "" and len(outcomes[ids["good"]].ingested) == 1
    expected = {"down": "HTTP 500", "slow": "within 1 s", "broken": "malformed feed", "html": "an HTML page",
                "huge": "too large", "loop": "redirects", "gone": "cannot connect"}
    for name, words in expected.items():
        f = watch.get(store, ids[name])
        assert words in outcomes[ids[name]].error, (name, outcomes[ids[name]].error)
        assert words in f.last_error and f.failures == 1 and f.last_error_at is not None
        # Backoff: the next poll is twice the interval away, not the interval.
        assert f.next_poll_at - f.last_error_at > dt.timedelta(minutes=25)
    assert watch.items_of(store, ids["broken"]) == []  # nothing half-read was taken
    good = watch.get(store, ids["good"])
    assert good.failures == 0 and good.next_poll_at - good.last_success_at < dt.timedelta(minutes=17)

    # The failing feed recovers: its error count resets and its items come in.
    srv.set("/down.xml", rss("Back", [item("drones", "Drones", DRONES, "2025-12-29")]))
    [out] = poll(Poller(store), [ids["down"]])
    assert out.error == "" and len(out.ingested) == 1
    assert watch.get(store, ids["down"]).failures == 0


def test_an_undated_item_takes_the_feeds_date_and_says_so(srv: FeedServer, sqlite_url: str) -> None:
    store = make_store(sqlite_url)
    srv.set("/undated.xml", rss("Relief wire", [item("u1", "Shelters full", UNDATED, None)], updated="2025-12-27"))
    feed, _ = watch.add(store, "border", srv.url("/undated.xml"))
    [out] = poll(Poller(store))
    assert out.error == "" and len(out.ingested) == 1
    [it] = watch.items_of(store, feed.id)
    assert it.date_note == "the item carries no date; dated 2025-12-27 from the feed"
    with store.begin() as c:
        published = c.execute(select(sources.c.published_at).where(sources.c.id == it.source_id)).scalar_one()
    assert published == dt.date(2025, 12, 27)


def test_a_teaser_item_is_read_from_its_linked_page(srv: FeedServer, sqlite_url: str) -> None:
    store = make_store(sqlite_url)
    srv.set("/story.html", PAGE, ctype="text/html; charset=utf-8")
    srv.set("/teasers.xml", rss("Teasers", [item("t1", "Read more", "Fighting continued.", "2025-12-28",
                                                 link=srv.url("/story.html"))]))
    feed, _ = watch.add(store, "border", srv.url("/teasers.xml"))
    [out] = poll(Poller(store))
    assert out.error == "" and len(out.ingested) == 1
    assert srv.hits("/story.html")
    with store.begin() as c:
        text = c.execute(select(sources.c.text).where(sources.c.id == out.ingested[0].source_id)).scalar_one()
    assert len(text.split()) > 50


def test_an_atom_feed_is_read_too(srv: FeedServer, sqlite_url: str) -> None:
    store = make_store(sqlite_url)
    srv.set("/atom.xml", atom("Atom wire", [("urn:a:1", "Toll rises", TOLL, "2025-12-24")]),
            ctype="application/atom+xml")
    watch.add(store, "border", srv.url("/atom.xml"))
    [out] = poll(Poller(store))
    assert out.error == "" and len(out.ingested) == 1


def test_a_watched_page_is_a_new_report_each_time_its_text_changes(srv: FeedServer, sqlite_url: str) -> None:
    store = make_store(sqlite_url)
    srv.set("/page.html", PAGE, ctype="text/html; charset=utf-8", etag=False)
    feed, _ = watch.add(store, "border", srv.url("/page.html"), kind="page")
    poller = Poller(store)
    [out] = poll(poller)
    assert out.error == "" and len(out.ingested) == 1
    [out] = poll(poller)
    assert out.new_items == 0  # same text: nothing new
    changed = PAGE.replace(b"</article>", b"<p>Officials said on Sunday that more than 600,000 people had "
                                          b"now been displaced across the border provinces.</p></article>")
    assert changed != PAGE
    srv.set("/page.html", changed, ctype="text/html; charset=utf-8", etag=False)
    [out] = poll(poller)
    poller.close()
    assert out.new_items == 1
    assert len(watch.items_of(store, feed.id)) == 2


@pytest.mark.postgres
def test_two_replicas_ingest_each_item_once(srv: FeedServer, pg_url: str) -> None:
    a, b = make_store(pg_url), make_store(pg_url)
    before = count(a, sources)
    reports = [TOLL, DRONES, PREMIER]
    for n in range(4):
        srv.set(f"/f{n}.xml", rss(f"F{n}", [item(f"{n}-{k}", f"R{n}-{k}", f"Desk {n}\n\n{text}",
                                                 "2025-12-24") for k, text in enumerate(reports)]))
        watch.add(a, "border", srv.url(f"/f{n}.xml"))

    async def both() -> list:
        pa, pb = Poller(a, owner="replica-a"), Poller(b, owner="replica-b")
        try:
            # Both see every feed due at once; each feed's poll is claimed by one of them.
            watch.poll_now(a)
            return await asyncio.gather(pa.poll_round(), pb.poll_round())
        finally:
            pa.close()
            pb.close()

    ra, rb = asyncio.run(both())
    polled = [o.feed_id for o in ra + rb]
    assert sorted(polled) == sorted(set(polled)) and len(polled) == 4
    items = watch.items_of(a)
    assert len(items) == 12 and [(i.status, i.error) for i in items if i.status != "ingested"] == []
    assert count(a, sources) == before + 12
    # Both poll again with validators ignored by nobody: still twelve.
    asyncio.run(both())
    assert count(b, sources) == before + 12


def test_watch_commands(srv: FeedServer, tmp_path: Path) -> None:
    srv.set("/wire.xml", rss("Wire", [item("toll", "Toll rises", TOLL, "2025-12-24")]))
    srv.fail("/down.xml", 503)
    added = run(["watch", "add", "--briefing", "border", srv.url("/wire.xml"), "--interval", "30"], tmp_path)
    assert added.returncode == 0, added.stderr
    assert b"Watching feed 1" in added.stdout and b"every 30 min" in added.stdout
    assert run(["watch", "add", "--briefing", "border", srv.url("/down.xml")], tmp_path).returncode == 0
    bad = run(["watch", "add", "ftp://example.org/feed"], tmp_path)
    assert bad.returncode == 2 and b"not an http(s) URL" in bad.stderr
    polled = run(["watch", "poll"], tmp_path)
    assert polled.returncode == 0, polled.stderr
    out = polled.stdout.decode()
    assert "1 report(s) stored" in out and "ERROR HTTP 503" in out and "2 feed(s) polled, 1 new report(s), 1 failed" in out
    listed = json.loads(run(["watch", "list", "--json"], tmp_path).stdout)
    assert [f["last_error"] for f in listed] == [None, "HTTP 503 Service Unavailable"]
    assert listed[0]["last_success"] and listed[0]["items"] == 1 and listed[0]["interval_min"] == 30
    text = run(["watch", "list"], tmp_path).stdout.decode()
    assert "last error" in text and "HTTP 503" in text and "last success" in text
    gone = run(["watch", "remove", srv.url("/down.xml")], tmp_path)
    assert gone.returncode == 0 and b"Stopped watching 2" in gone.stdout
    assert run(["watch", "remove", "99"], tmp_path).returncode == 2
    assert len(json.loads(run(["watch", "list", "--json"], tmp_path).stdout)) == 1
