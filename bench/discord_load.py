"""Load on the Discord adapter: N slash-command interactions through the fake gateway.

    .venv/bin/python bench/discord_load.py [-n 2000] [--rate 200]

Runs the real discord.py client (DiscordService) against tests/fakes/discord_server.py, pushes
INTERACTION_CREATE events at `--rate` per second (0 = all at once) for a mix of commands, and prints
the time from each push to the interaction callback reaching the fake (p50, p90, p99, max) and the
errors (callbacks that failed or never came, and errors the bot logged). Target at N=2,000: p99 ≤
200 ms, 0 errors. The bot and the fake share one process and event loop, so the figures include the
fake's own work.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fakes.discord_server import BOT_TOKEN, FakeDiscord  # noqa: E402

MIX = [
    ("casualties", []),
    ("briefing", []),
    ("ask", [{"name": "question", "type": 3, "value": "How many people were displaced?"}]),
    ("timeline", []),
    ("ask", [{"name": "question", "type": 3, "value": "Who asked for satellite verification?"}]),
    ("claims", []),
    ("who", [{"name": "name", "type": 3, "value": "Hun Manet"}]),
    ("ask", [{"name": "question", "type": 3, "value": "What is the capital of Australia?"}]),
    ("sources", []),
]


class ErrorCount(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


async def run(n: int, rate: float) -> int:
    from bot.adapters.discord.service import DiscordService
    from bot.app import build_core
    from bot.config import load_settings

    errors = ErrorCount()
    logging.getLogger().addHandler(errors)
    logging.getLogger().setLevel(logging.WARNING)
    workdir = Path(tempfile.mkdtemp(prefix="discord-bench-"))
    settings = load_settings(database_url=f"sqlite:///{workdir / 'bench.sqlite3'}", discord_token=BOT_TOKEN)
    core = build_core(settings)
    fake = await FakeDiscord().start()
    fake.install()
    settings = load_settings(database_url=f"sqlite:///{workdir / 'bench.sqlite3'}", discord_token=BOT_TOKEN,
                             discord_guild_id=int(fake.guild_id))
    service = DiscordService(settings, core, guild_ready_timeout=0.05)
    await service.start()
    await service.client.wait_until_ready()

    ids = []
    started = time.perf_counter()
    for i in range(n):
        name, options = MIX[i % len(MIX)]
        ids.append(await fake.push_interaction(name, options, user_id=str(10**17 + i % 50)))
        if rate:
            await asyncio.sleep(max(0.0, started + (i + 1) / rate - time.perf_counter()))
    pushed_in = time.perf_counter() - started

    def answered() -> int:
        return sum(1 for c in fake.calls if c.path.endswith("/callback") and c.status == 200)

    try:
        await fake.wait_for(lambda: answered() >= n, within=60)
    except TimeoutError:
        pass
    # Followups (second parts of long replies) come after the callback: stop only once all is quiet,
    # or closing the fake would cut them off and count as errors.
    seen = -1
    while seen != len(fake.calls):
        seen = len(fake.calls)
        await asyncio.sleep(0.3)
    callbacks = {c.path.split("/")[2]: c for c in fake.calls if c.path.endswith("/callback")}
    latencies = [(callbacks[i].at - fake.pushed[i]) * 1000 for i in ids if i in callbacks]
    missing = n - len(latencies)
    failed = sum(1 for c in callbacks.values() if c.status != 200)
    await service.stop()
    fake.uninstall()
    await fake.close()

    total_errors = missing + failed + errors.count
    print(f"discord_load: N={n} rate={'burst' if not rate else f'{rate:g}/s'} pushed in {pushed_in:.1f}s")
    if latencies:
        last = max(callbacks[i].at for i in ids if i in callbacks)
        print(f"  throughput: {len(latencies) / (last - fake.pushed[ids[0]]):.0f} interactions/s answered")
        print(f"  time to interaction callback: p50 {statistics.median(latencies):.1f} ms, "
              f"p90 {percentile(latencies, 90):.1f} ms, p99 {percentile(latencies, 99):.1f} ms, "
              f"max {max(latencies):.1f} ms")
    print(f"  errors: {total_errors} (no callback {missing}, failed callbacks {failed}, "
          f"errors logged {errors.count})")
    ok = total_errors == 0 and latencies and percentile(latencies, 99) <= 200
    print(f"  target p99 <= 200 ms and 0 errors: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=2000, help="interactions to push (default 2000)")
    parser.add_argument("--rate", type=float, default=200, help="interactions per second; 0 = all at once")
    args = parser.parse_args()
    return asyncio.run(run(args.n, args.rate))


if __name__ == "__main__":
    sys.exit(main())
