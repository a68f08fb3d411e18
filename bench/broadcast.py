"""Broadcast: N morning briefings due the same minute, through the real scheduler, to fake platforms.

    .venv/bin/python bench/broadcast.py [-n 1000] [--format full|short] [--error-rate 0.05]
        [--discord-global-rate 50] [--database URL]

Half the subscriptions go to the fake Slack Web API (tests/fakes/slack_api.py, with the real
SlackPoster / slack_sdk), half to the fake Discord REST API (tests/fakes/discord_server.py, with the
real DiscordPoster / discord.py); the fakes run in a child process. Both enforce a per-channel rate
limit with 429 + Retry-After (Slack: 1 message per second per channel; Discord: `--discord-rate`) and
fail `--error-rate` of message posts with 500. The Discord fake also enforces Discord's documented
bot-wide limit (`--discord-global-rate`, 50 requests per second; 0 turns it off), which is what
binds when 500 channels are posted to at once. Every subscription's job is made due at once
(`job.modify(next_run_time=now)`), exactly as when they all share the same minute.

Prints delivered (channels that got every part exactly once), duplicates (messages beyond that),
lost (channels missing a part), total time, and the rate-limit floor: the least time the fakes'
limits allow, max(per channel: max over channels of (parts - 1) / rate; bot-wide: (Discord posts -
rate) / rate). Target at N=1,000: 1,000 delivered, 0 duplicates, 0 lost, total ≤ 1.5 × floor.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import datetime as dt
import json
import logging
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fakes.discord_server import BOT_TOKEN, FakeDiscord  # noqa: E402
from tests.fakes.slack_api import FakeSlackAPI  # noqa: E402

SLACK_RATE = 1.0  # messages per second per channel (Slack's documented chat.postMessage limit)


class FlakySlack(FakeSlackAPI):
    """The fake Slack Web API, failing a share of message posts with 500 (nothing is posted)."""

    def __init__(self, error_rate: float, seed: int = 11) -> None:
        super().__init__()
        self.error_rate = error_rate
        self.rng = random.Random(seed)

    async def _m_chat_postMessage(self, call, request):  # noqa: ANN001, ANN202 - the fake's handler shape
        if self.rng.random() < self.error_rate:
            return self._failure_response(call, 500, None, "")
        return await super()._m_chat_postMessage(call, request)


def channel_ids(n: int) -> dict[str, str]:
    """channel id -> platform: even subscriptions on Slack, odd ones on Discord."""
    return {(f"C{i:08d}" if i % 2 == 0 else str(900000000000000000 + i)): ("slack" if i % 2 == 0 else "discord")
            for i in range(n)}


class GlobalLimitedDiscord(FakeDiscord):
    """The fake Discord with its documented bot-wide limit too: `global_rate` requests per second,
    beyond which it answers 429 with "global": true (discord.py then pauses every request)."""

    def __init__(self, global_rate: float, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.global_rate = global_rate
        self._recent: collections.deque[float] = collections.deque()

    def _channel(self, method: str, parts: list[str], body: object) -> tuple[int, object]:
        if self.global_rate and method == "POST" and parts[2:] == ["messages"]:
            now = time.monotonic()
            while self._recent and now - self._recent[0] >= 1.0:
                self._recent.popleft()
            if len(self._recent) >= self.global_rate:
                wait = round(1.0 - (now - self._recent[0]), 3) + 0.001
                return 429, {"message": "You are being rate limited.", "retry_after": wait, "global": True}
            self._recent.append(now)
        return super()._channel(method, parts, body)


async def serve_fakes(n: int, error_rate: float, discord_rate: float, discord_global: float) -> None:
    """The child process: both fakes, rate limits set per channel; a report on a line from stdin."""
    slack = FlakySlack(error_rate)
    await slack.start()
    fake_discord = GlobalLimitedDiscord(discord_global, error_rate=error_rate, error_status=500)
    await fake_discord.start()
    for channel, platform in channel_ids(n).items():
        if platform == "slack":
            slack.rate_limit(channel, per_second=SLACK_RATE)
        else:
            fake_discord.channel_rate_limit(channel, discord_rate)
    print(json.dumps({"slack": slack.base_url, "discord": fake_discord.base_url}), flush=True)
    await asyncio.to_thread(sys.stdin.readline)
    got: collections.Counter[str] = collections.Counter()
    posts = slack.calls_to("chat.postMessage")
    for call in posts:
        if call.status == 200 and not call.error:
            got[call.channel] += 1
    for channel, messages in fake_discord.messages.items():
        got[channel] += len(messages)
    discord_posts = fake_discord.find("POST", "/channels/", status=None)
    slack_status = collections.Counter(c.status for c in posts)
    discord_status = collections.Counter(c.status for c in discord_posts)
    print(json.dumps({"got": got, "slack": slack_status, "discord": discord_status}), flush=True)
    await fake_discord.close()
    await slack.stop()


async def run(n: int, fmt: str, error_rate: float, discord_rate: float, discord_global: float,
              per_platform: int, database: str | None) -> int:
    import discord
    from discord.http import Route

    from bot.adapters.discord.poster import DiscordPoster
    from bot.adapters.slack.poster import SlackPoster
    from bot.config import load_settings
    from bot.core.briefing_file import load_shipped_briefing
    from bot.core.store import Store
    from bot.schedule import subscriptions as subs
    from bot.schedule.deliverer import Deliverer
    from bot.schedule.ledger import Ledger
    from bot.schedule.scheduler import BriefingScheduler
    from bot.schedule.sending import Fanout
    from bot.schedule.subscriptions import parse_options

    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("discord").setLevel(logging.ERROR)
    tmp = tempfile.mkdtemp(prefix="broadcast-")
    url = database or f"sqlite:///{tmp}/broadcast.sqlite3"
    store = Store(url)
    store.migrate()
    store.seed(load_shipped_briefing())

    # The fakes run in their own process, so their work does not slow the bot's event loop.
    fakes = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--serve-fakes", "-n", str(n), "--error-rate", str(error_rate),
        "--discord-rate", str(discord_rate), "--discord-global-rate", str(discord_global), stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
    urls = json.loads(await fakes.stdout.readline())
    Route.BASE = urls["discord"]
    client = discord.Client(intents=discord.Intents.none(), allowed_mentions=discord.AllowedMentions.none(),
                            max_ratelimit_timeout=60.0)
    await client.login(BOT_TOKEN)
    settings = load_settings(database_url=url, slack_bot_token="xoxb-broadcast-bench", slack_api_url=urls["slack"])
    posters = {"slack": SlackPoster(settings), "discord": DiscordPoster(client)}

    # Subscriptions: due in three hours (so nothing fires until we say), half on each platform.
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=3)
    opts = parse_options(f"{later:%H:%M} UTC {fmt}")
    channels = channel_ids(n)
    for channel, platform in channels.items():
        subs.upsert(store, platform, "bench", channel, opts, "bench")

    deliverer = Deliverer(store, posters, fanout=Fanout(per_platform=per_platform))
    sched = BriefingScheduler(deliverer, 7200, poll_seconds=3600)
    await sched.start(catch_up=False)
    jobs = sched.scheduler.get_jobs()
    assert len(jobs) == n, f"{len(jobs)} jobs for {n} subscriptions"

    started = time.monotonic()
    wall0 = dt.datetime.now(dt.UTC)
    for job in jobs:
        job.modify(next_run_time=wall0)
    sched.scheduler.wakeup()
    await asyncio.sleep(0.05)
    await sched.drain()
    total = time.monotonic() - started

    fakes.stdin.write(b"report\n")
    await fakes.stdin.drain()
    report = json.loads(await fakes.stdout.readline())
    await fakes.wait()
    got = collections.Counter(report["got"])
    rows = {d.channel: d for d in Ledger(store).recent(limit=n * 2)}
    for platform in ("slack", "discord"):
        took = sorted((d.finished_at - wall0).total_seconds() for d in rows.values()
                      if d.finished_at and d.platform == platform)
        if took:
            print(f"{platform}: finished by p50 {took[len(took) // 2]:.2f} s, p90 {took[int(len(took) * 0.9)]:.2f} s, "
                  f"max {took[-1]:.2f} s")
    delivered = duplicates = lost = 0
    floor = 0.0
    discord_parts = 0
    statuses = collections.Counter(d.status for d in rows.values())
    for channel, platform in channels.items():
        row = rows.get(channel)
        parts = row.parts_total if row else 0
        rate = SLACK_RATE if platform == "slack" else discord_rate
        floor = max(floor, (parts - 1) / rate) if parts else floor
        discord_parts += parts if platform == "discord" else 0
        if row is not None and row.status == "sent" and got[channel] == parts:
            delivered += 1
        duplicates += max(0, got[channel] - parts)
        if row is None or got[channel] < parts:
            lost += 1

    await sched.stop()
    await client.close()
    store.close()

    where = "SQLite" if url.startswith("sqlite") else "PostgreSQL"
    print(f"subscriptions: {n} ({n - n // 2} Slack, {n // 2} Discord), format {fmt}, database {where}")
    for platform in ("slack", "discord"):
        counts = report[platform]
        print(f"{platform} message posts: {sum(counts.values())} ({counts.get('200', 0)} ok, "
              f"{counts.get('429', 0)} answered 429, {counts.get('500', 0)} answered 500)")
    print(f"ledger: {dict(statuses)}")
    reasons = collections.Counter(d.reason[:100] for d in rows.values() if d.status == "failed")
    for reason, count in reasons.most_common(3):
        print(f"  failed x{count}: {reason}")
    print(f"delivered: {delivered}")
    print(f"duplicates: {duplicates}")
    print(f"lost: {lost}")
    print(f"total time: {total:.2f} s")
    channel_floor = floor
    global_floor = max(0.0, (discord_parts - discord_global) / discord_global) if discord_global else 0.0
    floor = max(channel_floor, global_floor)
    print(f"rate-limit floor: {floor:.2f} s = max(per channel {channel_floor:.2f} s [Slack {SLACK_RATE:g}/s, "
          f"Discord {discord_rate:g}/s per channel], Discord bot-wide {global_floor:.2f} s "
          f"[{discord_parts} posts at {discord_global:g}/s])")
    ratio = total / floor if floor else float("inf")
    print(f"total / floor: {ratio:.2f} (target ≤ 1.5)")
    ok = delivered == n and duplicates == 0 and lost == 0 and ratio <= 1.5
    print("target met" if ok else "target NOT met")
    return 0 if ok else 1


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("-n", type=int, default=1000, help="subscriptions due at the same minute")
    p.add_argument("--format", choices=["short", "full"], default="full")
    p.add_argument("--error-rate", type=float, default=0.05, help="share of message posts answered 500")
    p.add_argument("--discord-rate", type=float, default=1.0, help="Discord messages per second per channel")
    p.add_argument("--discord-global-rate", type=float, default=50.0,
                   help="Discord requests per second per bot (its documented global limit; 0 = none)")
    p.add_argument("--per-platform", type=int, default=64, help="concurrent sends per platform")
    p.add_argument("--database", help="SQLAlchemy URL (default: a fresh SQLite file)")
    p.add_argument("--serve-fakes", action="store_true", help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.serve_fakes:
        asyncio.run(serve_fakes(a.n, a.error_rate, a.discord_rate, a.discord_global_rate))
        return 0
    return asyncio.run(run(a.n, a.format, a.error_rate, a.discord_rate, a.discord_global_rate, a.per_platform,
                           a.database))


if __name__ == "__main__":
    sys.exit(main())
