"""Watched feeds: a poll round of N feeds, some failing, some slow, through the real poller.

    .venv/bin/python bench/feeds.py [-n 200] [--items 3] [--failing 0.05] [--slow 0.10] [--slow-seconds 3]
        [--database URL]

A local HTTP server (tests/fakes/feed_server.py, a real threaded server) serves N RSS feeds, each with
`--items` reports (~150 words, a dateline, figures); `--failing` of them answer 500 and `--slow` of them
answer after `--slow-seconds`. Round 1 polls every feed (every item is new); then one new item is
added to each feed and round 2 polls again (the steady state: mostly one new report per feed); round 3
with nothing new shows the conditional-GET cost (304s). A second poller on the same database then
polls again at once, as a second replica would: nothing may be ingested twice.

Prints per round: wall time, feeds polled, failed, items ingested, items per second; peak memory
(max RSS); then lost (items of healthy feeds not ingested) and doubled (sources beyond the items).
Targets: a round of 200 feeds within 60 s; 0 lost; 0 doubled.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select  # noqa: E402

from bot.app import open_store  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.core.store import sources  # noqa: E402
from bot.ingest import watch  # noqa: E402
from bot.ingest.feeds import Limits, Poller  # noqa: E402
from tests.fakes.feed_server import FeedServer, item, rss  # noqa: E402

PLACES = ["PHNOM PENH, Cambodia", "BANGKOK, Thailand", "SURIN, Thailand", "SIEM REAP, Cambodia"]


def report(feed: int, k: int, rng: random.Random) -> str:
    killed = 11 + rng.randint(0, 40)
    displaced = 300_000 + 1_000 * rng.randint(0, 300)
    return (f"{rng.choice(PLACES)} (December {10 + k % 18}, 2025) — The death toll from the fighting rose to "
            f"{killed} on Wednesday, officials said, in the report numbered {feed}-{k} by this desk.\n\n"
            f"Some {displaced:,} people have been evacuated from border districts, and many remain in "
            f"temporary shelters, according to the provincial authorities who spoke to reporters on the day.\n\n"
            f"Aid agencies said that schools and temples were full and asked for more tents, water and "
            f"medicine before the cold nights, while monitors counted the damage to homes and roads in the "
            f"area. Desk {feed}, item {k}, checked against the field notes of the correspondents.")


def sources_count(store) -> int:  # noqa: ANN001
    with store.begin() as c:
        return c.execute(select(func.count()).select_from(sources)).scalar_one()


async def timed_round(poller: Poller, label: str) -> tuple[int, int]:
    started = time.perf_counter()
    outcomes = await poller.poll_round(force=True)
    wall = time.perf_counter() - started
    failed = sum(1 for o in outcomes if o.error)
    ingested = sum(len(o.ingested) for o in outcomes)
    rate = ingested / wall if wall else 0.0
    slowest = max((o.seconds for o in outcomes), default=0.0)
    print(f"{label}: {wall:6.1f} s wall, {len(outcomes)} feeds polled, {failed} failed, {ingested} items ingested "
          f"({rate:.1f}/s), slowest feed {slowest:.1f} s")
    return ingested, failed


async def run(args: argparse.Namespace, url: str) -> int:
    rng = random.Random(12)
    store = open_store(load_settings(database_url=url))
    before = sources_count(store)
    n = args.n
    failing = set(rng.sample(range(n), round(n * args.failing)))
    slow = set(rng.sample(sorted(set(range(n)) - failing), round(n * args.slow)))
    items: dict[int, list[str]] = {f: [item(f"{f}-{k}", f"Report {f}-{k}", report(f, k, rng), "2025-12-24")
                                       for k in range(args.items)] for f in range(n)}
    with FeedServer() as srv:
        for f in range(n):
            if f in failing:
                srv.fail(f"/f{f}.xml", 500)
            else:
                srv.set(f"/f{f}.xml", rss(f"Feed {f}", items[f]))
            if f in slow:
                srv.slow(f"/f{f}.xml", args.slow_seconds)
            watch.add(store, "bench", srv.url(f"/f{f}.xml"))
        print(f"{n} feeds: {len(failing)} failing (HTTP 500), {len(slow)} slow ({args.slow_seconds:g} s), "
              f"{args.items} items each; concurrency {args.concurrency}; database {store.name}")
        poller = Poller(store, limits=Limits(timeout=args.timeout, concurrency=args.concurrency), owner="bench-a")
        got1, _ = await timed_round(poller, "round 1 (all new)")
        for f in range(n):
            items[f].insert(0, item(f"{f}-new", f"Report {f}-new", report(f, 99, rng), "2025-12-25"))
            if f not in failing:
                srv.set(f"/f{f}.xml", rss(f"Feed {f}", items[f]))
            if f in slow:
                srv.slow(f"/f{f}.xml", args.slow_seconds)
        got2, _ = await timed_round(poller, "round 2 (1 new per feed)")
        got3, _ = await timed_round(poller, "round 3 (nothing new, 304)")
        second = Poller(store, limits=Limits(timeout=args.timeout, concurrency=args.concurrency), owner="bench-b")
        for f in range(n):
            if f not in failing:
                srv.set(f"/f{f}.xml", srv.routes[f"/f{f}.xml"].body, etag=False)  # validators ignored: full reads
            if f in slow:
                srv.slow(f"/f{f}.xml", args.slow_seconds)
        got4, _ = await timed_round(second, "replica b, same feeds")
        poller.close()
        second.close()
    healthy_items = sum(len(items[f]) for f in range(n) if f not in failing)
    stored = sources_count(store) - before
    recorded = len([i for i in watch.items_of(store) if i.status == "ingested"])
    lost = healthy_items - recorded
    doubled = stored - recorded + (got1 + got2 + got3 + got4 - recorded)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS): {peak_mb:.0f} MB")
    print(f"items of healthy feeds: {healthy_items}; ingested once: {recorded}; lost: {lost}; doubled: {doubled}")
    return 0 if lost == 0 and doubled == 0 else 1


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("--items", type=int, default=3)
    parser.add_argument("--failing", type=float, default=0.05)
    parser.add_argument("--slow", type=float, default=0.10)
    parser.add_argument("--slow-seconds", type=float, default=3.0)
    parser.add_argument("--timeout", type=float, default=20.0)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--database", help="SQLAlchemy URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    import logging

    logging.basicConfig(level=logging.ERROR)
    if args.database:
        return asyncio.run(run(args, args.database))
    with tempfile.TemporaryDirectory() as tmp:
        return asyncio.run(run(args, f"sqlite:///{tmp}/feeds.sqlite3"))


if __name__ == "__main__":
    sys.exit(main())
