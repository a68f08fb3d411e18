"""Soak: `briefbot run` for a long while under steady load, against the fake Slack and Discord.

    .venv/bin/python bench/soak.py [--minutes 10] [--rate 4] [--database-url URL]

Starts the real `briefbot run` as a child process (Slack in HTTP mode, Discord over the fake gateway,
the scheduler on SQLite unless --database-url), then for the whole run sends, at `--rate` per second,
a steady mix of Slack slash commands (signed, answered through response URLs) and Discord slash
commands (interactions), while two morning briefings fall due every minute (one Slack channel, one
Discord channel, subscriptions made before the start).

Prints, for the first and the last minute of load: requests, errors, p50 and p99 of the time from
sending a command to its answer reaching the fake platform; the bot's RSS after warm-up and at the end;
the briefings due, posted once, posted twice and missing; errors the bot logged; its exit code on
SIGTERM. Targets: RSS growth <= 10 %, 0 errors, last-minute p99 within 20 % of the first minute's.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import itertools
import random
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fakes.briefbot_process import BotProcess  # noqa: E402
from tests.fakes.discord_server import FakeDiscord  # noqa: E402
from tests.fakes.slack_api import FakeSlackAPI  # noqa: E402
from tests.fakes.slack_requests import signed_headers, slash_body  # noqa: E402

SECRET = "soak-signing-secret"
WARMUP_SECONDS = 20.0
ANSWER_TIMEOUT = 30.0

SLACK_MIX = [("/ask", "how many people were killed?"), ("/casualties", ""), ("/ask", "who fired first?"),
             ("/briefing", ""), ("/timeline", ""), ("/ask", "is there a ceasefire?"), ("/claims", ""),
             ("/who", "Hun Manet"), ("/sources", ""), ("/ask", "what is the capital of Australia?")]
DISCORD_MIX = [("ask", [{"name": "question", "type": 3, "value": "How many people were displaced?"}]),
               ("casualties", []), ("briefing", []), ("timeline", []),
               ("ask", [{"name": "question", "type": 3, "value": "Who asked for satellite verification?"}]),
               ("who", [{"name": "name", "type": 3, "value": "Anutin"}]), ("claims", [])]


@dataclass
class Sample:
    at: float  # seconds since load began
    platform: str
    latency: float | None  # None: error or no answer


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def seed(database_url: str, minutes: int, discord_channel: str) -> list[tuple[str, str, dt.datetime]]:
    """Two subscriptions due at each whole minute of the run: (platform, channel, due time)."""
    from bot.app import open_store
    from bot.config import load_settings
    from bot.schedule import subscriptions as subs

    store = open_store(load_settings(database_url=database_url))
    now = dt.datetime.now(dt.UTC)
    first = (now + dt.timedelta(minutes=1)).replace(second=0, microsecond=0)
    due = []
    try:
        for i in range(minutes):
            at = first + dt.timedelta(minutes=i)
            opts = subs.Options(local_time=at.strftime("%H:%M"), timezone="UTC")
            slack_channel = f"CSOAK{i:03d}"
            discord_id = str(int(discord_channel) + 1 + i)
            subs.upsert(store, "slack", "T0TEST", slack_channel, opts, created_by="soak")
            subs.upsert(store, "discord", "", discord_id, opts, created_by="soak")
            due += [("slack", slack_channel, at), ("discord", discord_id, at)]
    finally:
        store.close()
    return due


async def slack_command(bot: BotProcess, slack: FakeSlackAPI, n: int, t0: float) -> Sample:
    command, text = SLACK_MIX[n % len(SLACK_MIX)]
    channel = f"CASK{n}"
    body = slash_body(command, text, response_url=slack.response_url(channel, "U1USER"), channel_id=channel)
    started = time.perf_counter()
    at = time.monotonic()
    try:
        status, _ = await bot.post("/slack/events", body, signed_headers(SECRET, body))
        if status != 200:
            return Sample(started - t0, "slack", None)
        await slack.wait_for_messages(channel, 1, within=ANSWER_TIMEOUT)
    except (AssertionError, OSError, TimeoutError):
        return Sample(started - t0, "slack", None)
    answered = min(c.at for c in slack.calls if c.method == "response_url" and c.channel == channel)
    return Sample(started - t0, "slack", answered - at)


async def discord_command(discord: FakeDiscord, n: int, t0: float) -> Sample:
    name, options = DISCORD_MIX[n % len(DISCORD_MIX)]
    started = time.perf_counter()
    try:
        iid = await discord.push_interaction(name, options, user_id=str(10**17 + n % 50))
        calls = await discord.wait_for_call("POST", f"/interactions/{iid}/", within=ANSWER_TIMEOUT)
    except (TimeoutError, OSError):
        return Sample(started - t0, "discord", None)
    if calls[0].status != 200:
        return Sample(started - t0, "discord", None)
    return Sample(started - t0, "discord", calls[0].at - discord.pushed[iid])


def window(samples: list[Sample], start: float, end: float) -> tuple[int, int, float, float]:
    inside = [s for s in samples if start <= s.at < end]
    ok = [s.latency for s in inside if s.latency is not None]
    return len(inside), len(inside) - len(ok), percentile(ok, 50), percentile(ok, 99)


async def soak(minutes: float, rate: float, database_url: str | None) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="briefbot-soak-"))
    database_url = database_url or f"sqlite:///{workdir / 'soak.sqlite3'}"
    discord = await FakeDiscord().start()
    slack = FakeSlackAPI()
    await slack.start()
    due = seed(database_url, max(1, int(minutes) - 1), discord.channel_id)
    env = {"SLACK_BOT_TOKEN": "xoxb-soak", "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": slack.base_url,
           "DISCORD_TOKEN": discord.token, "DISCORD_GUILD_ID": discord.guild_id,
           "DISCORD_APPLICATION_ID": discord.app_id, "DATABASE_URL": database_url, "LOG_LEVEL": "INFO",
           "SCHEDULER_SUBSCRIPTIONS_FILE": str(workdir / "none.toml")}
    bot = await BotProcess.start(env, discord=discord, cwd=workdir)
    await discord.wait_identified()
    await bot.wait_ready()
    pid = bot.proc.pid
    rss_ready = rss_kb(pid)
    print(f"briefbot run pid {pid} ready; RSS {rss_ready / 1024:.1f} MiB; load {rate:g}/s for {minutes:g} min "
          f"(first {WARMUP_SECONDS:g} s warm-up); {len(due)} briefings due", flush=True)

    samples: list[Sample] = []
    pending: set[asyncio.Task] = set()
    rss: list[tuple[float, int]] = []
    counter = itertools.count()
    rng = random.Random(8)
    t0 = time.perf_counter()
    total = minutes * 60
    next_rss = 0.0
    rss_warm = 0
    while (elapsed := time.perf_counter() - t0) < total:
        n = next(counter)
        coro = slack_command(bot, slack, n, t0) if rng.random() < 0.6 else discord_command(discord, n, t0)
        task = asyncio.create_task(coro)
        pending.add(task)
        task.add_done_callback(lambda t: (pending.discard(t), samples.append(t.result())))
        if elapsed >= next_rss:
            rss.append((elapsed, rss_kb(pid)))
            if not rss_warm and elapsed >= WARMUP_SECONDS:
                rss_warm = rss[-1][1]
            next_rss += 10
        if n and n % int(max(1, rate * 60)) == 0:
            print(f"  {elapsed / 60:4.1f} min: {len(samples)} answered, RSS {rss[-1][1] / 1024:.1f} MiB",
                  flush=True)
        await asyncio.sleep(max(0.0, t0 + (n + 1) / rate - time.perf_counter()))
    if pending:
        await asyncio.wait(pending)
    rss_end = rss_kb(pid)
    await asyncio.sleep(2)  # the last minute's briefings finish posting
    bot.terminate()
    code = await bot.wait()
    await discord.close()
    await slack.stop()

    # -- figures ----------------------------------------------------------------------------------
    measured = [s for s in samples if s.at >= WARMUP_SECONDS]
    first = window(measured, WARMUP_SECONDS, WARMUP_SECONDS + 60)
    last = window(measured, total - 60, total)
    all_errors = sum(1 for s in measured if s.latency is None)
    posted: Counter[tuple[str, str]] = Counter()
    for c in slack.calls_to("chat.postMessage"):
        if c.channel.startswith("CSOAK") and c.status == 200 and not c.error:
            posted[("slack", c.channel)] += 1
    for channel, messages in discord.messages.items():
        posted[("discord", channel)] += len(messages)
    finished = [(p, ch) for p, ch, at in due if at.timestamp() < time.time() - 5]
    missing = [d for d in finished if posted[d] == 0]
    twice = [d for d in finished if posted[d] > 1]
    logged_errors = bot.find(lambda line: line.get("level") in ("error", "critical"))

    print()
    print(f"{'window':<14}{'requests':>9}{'errors':>8}{'p50 ms':>9}{'p99 ms':>9}")
    for label, (count, errors, p50, p99) in (("first minute", first), ("last minute", last)):
        print(f"{label:<14}{count:>9}{errors:>8}{p50 * 1000:>9.1f}{p99 * 1000:>9.1f}")
    growth = (rss_end - rss_warm) / rss_warm * 100 if rss_warm else float("nan")
    print(f"RSS: ready {rss_ready / 1024:.1f} MiB, after warm-up {rss_warm / 1024:.1f} MiB, "
          f"end {rss_end / 1024:.1f} MiB ({growth:+.1f} %)")
    print(f"requests {len(measured)} measured ({len(samples)} sent), errors {all_errors}; "
          f"bot error log lines {len(logged_errors)}")
    print(f"briefings: {len(finished)} due, {len(finished) - len(missing) - len(twice)} posted once, "
          f"{len(twice)} posted twice, {len(missing)} missing")
    print(f"exit code on SIGTERM: {code}")
    p99_change = (last[3] - first[3]) / first[3] * 100 if first[3] else float("nan")
    checks = {"RSS growth <= 10 %": growth <= 10,
              "0 errors": all_errors == 0 and not logged_errors and not missing and not twice and code == 0,
              "p99 within 20 %": abs(p99_change) <= 20 or last[3] <= first[3]}
    print(f"p99 change: {p99_change:+.1f} %")
    for name, ok in checks.items():
        print(f"  {'PASS' if ok else 'FAIL'}  {name}")
    for line in logged_errors[:5]:
        print("  logged:", line)
    return 0 if all(checks.values()) else 1


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--minutes", type=float, default=10.0)
    p.add_argument("--rate", type=float, default=4.0, help="commands per second")
    p.add_argument("--database-url", help="e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = p.parse_args()
    if args.minutes < 2:
        p.error("--minutes must be at least 2 (a first and a last minute to compare)")
    return asyncio.run(soak(args.minutes, args.rate, args.database_url))


if __name__ == "__main__":
    sys.exit(main())
