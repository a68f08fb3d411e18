"""Ingest 1,000 generated reports of about 5 KB offline; print reports/s, peak RSS and answer p99 afterwards.

Targets: >= 20 reports/s, peak RSS <= 300 MB, answer p99 <= 50 ms.
Run: .venv/bin/python bench/ingest.py [--reports 1000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.app import open_store  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.core.engine import OfflineEngine  # noqa: E402
from bot.ingest.fetch import Fetched  # noqa: E402
from bot.ingest.pipeline import ingest_text  # noqa: E402

PLACES = ["Bangkok, Thailand", "Phnom Penh, Cambodia", "Surin, Thailand", "Siem Reap, Cambodia", "Kuala Lumpur, Malaysia"]
PROVINCES = ["Oddar Meanchey", "Preah Vihear", "Banteay Meanchey", "Sisaket", "Surin", "Buriram", "Trat"]
FILLER = [
    "Residents described hearing artillery through the night as families loaded belongings onto trucks.",
    "Aid groups said supplies of drinking water and medicine in the shelters were running low.",
    "Diplomats in the region said both governments had signalled a willingness to talk, without setting a date.",
    "Schools in the border districts stayed closed for another week, local education officials said.",
    "Analysts said the dispute over the temples along the frontier had flared repeatedly over the past decades.",
    "Traders said the border crossings remained shut, stranding hundreds of lorries on both sides.",
    "Hospital staff in the provincial capital said they had cancelled routine operations to treat the wounded.",
    "Monks at a temple near the frontier said they had opened the grounds to families fleeing the shelling.",
]


def report(i: int, rng: random.Random) -> tuple[str, dt.date]:
    day = dt.date(2025, 12, 13) + dt.timedelta(days=i % 40)
    killed = 11 + i // 10 + rng.randint(0, 3)
    displaced = 300_000 + 1_000 * rng.randint(0, 300)
    province = rng.choice(PROVINCES)
    lines = [
        f"Border report number {i}: fighting continues in {province}",
        "",
        f"{rng.choice(PLACES)} ({day.strftime('%B')} {day.day}, {day.year}) – The death toll from the fighting "
        f"rose to {killed} on {day.strftime('%A')}, including {rng.randint(1, 9)} Thai soldiers, officials said.",
        "",
        f"Some {displaced:,} people have been evacuated from border districts, and about {rng.randint(20, 90)} "
        f"were wounded in {province} province.",
        "",
        f"Thai Defence Minister Natthaphon Narkphanit said on {day.strftime('%A')} that troops would hold "
        f"their positions near {province}.",
        "",
    ]
    text = "\n".join(lines)
    while len(text.encode()) < 5_000:
        text += " ".join(rng.sample(FILLER, 4)) + f" (Report {i}, paragraph {len(text) // 400}.)\n\n"
    return text, day


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--questions", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(load_settings(database_url=f"sqlite:///{tmp}/bench.sqlite3"))
        texts = [report(i, rng) for i in range(args.reports)]
        started = time.perf_counter()
        for i, (text, _day) in enumerate(texts):
            ingest_text(store, Fetched(text=text, origin=f"report-{i}"), auto_approve=True)
        elapsed = time.perf_counter() - started
        briefing = store.load_briefing()
        built = time.perf_counter()
        engine = OfflineEngine(briefing)
        index_s = time.perf_counter() - built
        questions = ["what is the death toll?", "how many people have been displaced?",
                     "who is the Thai defence minister?", "when did the ASEAN foreign ministers meet?",
                     "what happened in Sisaket?", "is there a ceasefire?", "how many Thai soldiers were killed?",
                     "who requested satellite verification?"]
        times = []
        for n in range(args.questions):
            q = questions[n % len(questions)]
            t0 = time.perf_counter()
            engine.answer_now(q)
            times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        rate = args.reports / elapsed
        print(f"ingest: {args.reports} reports (~5 KB) in {elapsed:.1f} s = {rate:.1f} reports/s (target >= 20)")
        print(f"sources in briefing: {len(briefing.sources)}, figures: {len(briefing.figures)}; "
              f"engine index built in {index_s * 1000:.0f} ms")
        print(f"answer latency over {len(times)} questions: median {statistics.median(times):.1f} ms, "
              f"p99 {p99:.1f} ms (target <= 50)")
        print(f"peak RSS: {peak_mb:.0f} MB (target <= 300)")
        ok = rate >= 20 and peak_mb <= 300 and p99 <= 50
        print("OK" if ok else "MISSED a target")
        store.close()
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
