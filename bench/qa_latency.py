"""Answer latency of the offline engine, at the shipped briefing and at 10,000 synthetic facts and passages.

Also measured through Core.ask with conversation context on (every question asked as a follow-up in
one thread, so the manners, language check and follow-up reading run too), against the same targets.

With --briefings N (default 20) it also builds N briefings totalling --facts facts in one store (SQLite
in a temporary directory) and asks through Core.handle as chat does: each channel following one briefing,
some questions naming another briefing's conflict (answered from that one), some pinned by name.

Usage: python bench/qa_latency.py [--facts 10000] [--rounds 20] [--cold 5] [--briefings 20]
Prints p50/p99 per briefing size, and the wall time of a cold `briefbot ask` process.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.core.briefing_file import load_shipped_briefing  # noqa: E402
from bot.core.commands import Core  # noqa: E402
from bot.core.engine import OfflineEngine  # noqa: E402
from bot.core.models import Briefing, Evidence, Fact, Source  # noqa: E402
from bot.core.reply import Asker  # noqa: E402

WORDS = ("border province village army convoy minister talks shelling artillery temple market bridge road "
         "hospital school aid convoy refugees camp river checkpoint drone patrol navy coast airport ceasefire "
         "mediator envoy delegation summit statement spokesperson governor district commune police monks "
         "farmers traders exports rice rubber fuel power water supplies curfew evacuation").split()
NAMES = ("Sokha Dara Vanna Somchai Niran Kanya Malee Rith Sophea Chai Arun Ploy Boran Chenda Lina Vichet").split()


def synthetic(n: int, seed: int = 7) -> Briefing:
    """The shipped briefing plus n/2 notes and n/2 source sentences of plausible-looking text."""
    rng = random.Random(seed)
    base = load_shipped_briefing()
    sentences = []
    for _ in range(n // 2):
        w = rng.sample(WORDS, 9)
        sentences.append(f"{rng.choice(NAMES)} said the {w[0]} near the {w[1]} {w[2]} was hit, and {w[3]} "
                         f"{w[4]} moved to the {w[5]} {w[6]} as {w[7]} {w[8]} continued.")
    chunk = 200
    sources = list(base.sources)
    notes = list(base.notes)
    for i in range(0, len(sentences), chunk):
        text = "\n".join(sentences[i:i + chunk])
        sid = f"syn-{i // chunk}"
        sources.append(Source(id=sid, title=f"Synthetic report {i // chunk}", published_at=dt.date(2025, 12, 13),
                              text=text, sha256=sid))
    for j in range(n - n // 2):
        sid = f"syn-{(j % len(sentences)) // chunk}"
        quote = sentences[j % len(sentences)]
        notes.append(Fact(id=f"syn-fact-{j}", statement=quote, keywords=rng.sample(WORDS, 3),
                          evidence=[Evidence(source_id=sid, quote=quote)]))
    return base.model_copy(update={"sources": sources, "notes": notes})


def questions() -> list[str]:
    items = yaml.safe_load((ROOT / "tests" / "data" / "paraphrases.yaml").read_text(encoding="utf-8"))
    return [i["q"] for i in items]


def measure(engine: OfflineEngine, qs: list[str], rounds: int) -> tuple[float, float]:
    times = []
    for _ in range(rounds):
        for q in qs:
            t = time.perf_counter()
            engine.answer_now(q)
            times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.99) - 1]


def measure_in_conversation(engine: OfflineEngine, qs: list[str], rounds: int) -> tuple[float, float]:
    """Each question as the next turn of one conversation (follow-ups included), through Core.ask."""
    import asyncio

    core = Core(None, engine.briefing, engine)
    follow_ups = ["and the injured?", "who said that?", "what did he ask for?", "when was that?"]
    asker = Asker(platform="bench", conversation="bench")
    times = []

    async def run() -> None:
        for _ in range(rounds):
            for i, q in enumerate(qs):
                for text in (q, follow_ups[i % len(follow_ups)]):
                    t = time.perf_counter()
                    await core.handle("ask", text, asker)
                    times.append((time.perf_counter() - t) * 1000)

    asyncio.run(run())
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.99) - 1]


# Made-up places, so that every briefing has names of its own (none of a real conflict).
REGIONS = ("Arvale Brenmoor Calddun Dorswick Elmarch Fenhollow Garrowby Harnmere Islecote Jorvath Kestrel Lunmoor "
           "Marrowick Norvane Oakhurst Pellory Quenby Rossmere Sallowfield Thornbury Ulverdale Varnholt").split()


def store_with_briefings(url: str, count: int, facts: int, seed: int = 11) -> list[str]:
    """COUNT briefings of FACTS/COUNT facts each (an actor and notes, each resting on one of half as many
    source sentences), plus the shipped one."""
    from bot.app import open_store
    from bot.config import load_settings
    from bot.core.models import Actor, Figure

    rng = random.Random(seed)
    store = open_store(load_settings(database_url=url))
    names = []
    per = facts // count
    for b in range(count):
        region = REGIONS[b % len(REGIONS)]
        name = f"{region.lower()}-{b}"
        names.append(name)
        sentences = []
        for _ in range(per // 2):
            w = rng.sample(WORDS, 9)
            sentences.append(f"{rng.choice(NAMES)} said the {w[0]} near the {w[1]} {w[2]} in {region} was hit, and "
                             f"{w[3]} {w[4]} moved to the {w[5]} {w[6]} as {w[7]} {w[8]} continued.")
        leader = f"{rng.choice(NAMES)} {region}son"
        sentences.append(f"{leader}, the governor of {region}, said at least {10 + b} people had been killed.")
        with store.begin() as conn:
            store.ensure_briefing(name, f"{region} conflict", conn=conn)
            chunk = 200
            for i in range(0, len(sentences), chunk):
                sid = f"{name}-src-{i // chunk}"
                store.add_source(Source(id=sid, title=f"{region} report {i // chunk}", published_at=dt.date(2026, 3, 1),
                                        text="\n".join(sentences[i:i + chunk]), sha256=sid), conn, name)
            last = f"{name}-src-{(len(sentences) - 1) // chunk}"
            toll = sentences[-1]
            store.add_fact("actor", Actor(id="governor", name=leader, kind="person", role=f"Governor of {region}",
                                          statement=toll, evidence=[Evidence(source_id=last, quote=toll)]), conn, name)
            store.add_figure(Figure(id=f"{name}-killed", metric="killed", value=10 + b, qualifier="at_least",
                                    scope="", as_of=dt.date(2026, 3, 1), source_id=last,
                                    evidence=[Evidence(source_id=last, quote=toll)]), conn, name)
            for j in range(per - 1):
                quote = sentences[j % (len(sentences) - 1)]
                sid = f"{name}-src-{(j % (len(sentences) - 1)) // chunk}"
                store.add_fact("note", Fact(id=f"n{j}", statement=quote, keywords=rng.sample(WORDS, 3),
                                            evidence=[Evidence(source_id=sid, quote=quote)]), conn, name)
            store.bump_revision(conn, name)
    store.close()
    return names


def measure_briefings(count: int, facts: int, rounds: int) -> None:
    """Asking through Core.handle in a store of COUNT briefings: the channel's own, another's by name."""
    import asyncio

    from sqlalchemy import func, select

    from bot.app import build_core, open_store
    from bot.config import load_settings
    from bot.core.follows import set_followed
    from bot.core.store import facts as facts_table

    qs = questions()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.sqlite3"
        t = time.perf_counter()
        names = store_with_briefings(url, count, facts)
        settings = load_settings(database_url=url)
        store = open_store(settings)
        with store.begin() as conn:
            stored = conn.execute(select(func.count()).select_from(facts_table)).scalar_one()
        for i, name in enumerate(names):
            set_followed(store, "bench", "", f"C{i}", name)
        core = build_core(settings, store)
        built = time.perf_counter() - t

        async def run() -> tuple[list[float], list[float], int]:
            own, routed, moved = [], [], 0
            # Warm up: every briefing's engine is built on its first question (measured apart).
            for i in range(len(names)):
                await core.handle("ask", "how many people have been killed?", Asker(platform="bench", channel_id=f"C{i}"))
            for r in range(rounds):
                for i, name in enumerate(names):
                    asker = Asker(platform="bench", channel_id=f"C{i}")
                    for q in qs[r % 3::3][:4]:
                        t0 = time.perf_counter()
                        await core.handle("ask", q, asker)
                        own.append((time.perf_counter() - t0) * 1000)
                    other = REGIONS[(i + 3) % count % len(REGIONS)]
                    t0 = time.perf_counter()
                    reply = await core.handle("ask", f"how many people were killed in {other}?", asker)
                    routed.append((time.perf_counter() - t0) * 1000)
                    moved += reply.briefing != name
            return own, routed, moved

        t = time.perf_counter()
        own, routed, moved = asyncio.run(run())
        wall = time.perf_counter() - t
        for label, times in (("the channel's briefing", own), ("a question naming another briefing", routed)):
            times.sort()
            print(f"{count} briefings, {stored} facts in one store, {label}: p50 {statistics.median(times):.2f} ms  "
                  f"p99 {times[int(len(times) * 0.99) - 1]:.2f} ms over {len(times)} questions   "
                  f"(targets: p50 <= 5 ms, p99 <= 50 ms)")
        print(f"  store built in {built:.1f} s; {moved}/{len(routed)} questions naming another briefing answered "
              f"from it; {wall:.1f} s asking")
        store.close()


def cold_ask(runs: int) -> list[float]:
    exe = Path(sys.executable).with_name("briefbot")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "bot.cli"]
    walls = []
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "STORE_PATH": str(Path(tmp) / "db.sqlite3"), "BRIEFBOT_CONFIG_DIR": str(Path(tmp) / "c")}
        subprocess.run([*cmd, "ask", "warm up the database"], env=env, capture_output=True, check=True, cwd=tmp)
        for _ in range(runs):
            t = time.perf_counter()
            subprocess.run([*cmd, "ask", "How many people have died?"], env=env, capture_output=True, check=True,
                           cwd=tmp)
            walls.append(time.perf_counter() - t)
    return walls


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--facts", type=int, default=10_000)
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--cold", type=int, default=5)
    ap.add_argument("--briefings", type=int, default=20, help="briefings sharing --facts in one store (0: skip)")
    args = ap.parse_args()
    qs = questions()
    shipped = OfflineEngine(load_shipped_briefing())
    p50, p99 = measure(shipped, qs, args.rounds)
    print(f"shipped briefing ({len(shipped.docs)} facts+passages): p50 {p50:.2f} ms  p99 {p99:.2f} ms")
    t = time.perf_counter()
    big = OfflineEngine(synthetic(args.facts))
    build = time.perf_counter() - t
    p50, p99 = measure(big, qs, max(1, args.rounds // 4))
    print(f"synthetic briefing ({len(big.docs)} facts+passages, index built in {build:.2f} s): "
          f"p50 {p50:.2f} ms  p99 {p99:.2f} ms   (targets: p50 <= 5 ms, p99 <= 50 ms)")
    p50, p99 = measure_in_conversation(big, qs, max(1, args.rounds // 4))
    print(f"synthetic briefing through Core.ask with conversation context: p50 {p50:.2f} ms  p99 {p99:.2f} ms   "
          f"(targets: p50 <= 5 ms, p99 <= 50 ms)")
    if args.briefings:
        measure_briefings(args.briefings, args.facts, max(1, args.rounds // 4))
    if args.cold:
        walls = cold_ask(args.cold)
        print(f"cold `briefbot ask`: median {statistics.median(walls):.3f} s  max {max(walls):.3f} s "
              f"over {len(walls)} runs   (target <= 0.6 s)")


if __name__ == "__main__":
    main()
