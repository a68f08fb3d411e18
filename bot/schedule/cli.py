"""`briefbot subscribe | unsubscribe | subscriptions | preview | post-now`.

Imports stay light here; the store, posters and platform libraries load inside the handlers.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import sys
from typing import Any


def add_commands(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("subscribe", help="post the morning briefing in a channel every day",
                       description="Create or change a channel's morning briefing. The schedule words "
                                   "are those of /subscribe: [HH:MM] [time zone] [days] [short|full].")
    s.add_argument("--platform", required=True, choices=["slack", "discord"])
    s.add_argument("--channel", required=True, help="channel id (Slack C…, Discord number)")
    s.add_argument("--workspace", default="", help="Slack team id or Discord server id")
    s.add_argument("schedule", nargs="*", help="e.g. 07:30 Asia/Phnom_Penh mon-fri short")
    s.add_argument("--no-check", action="store_true", help="save without checking the bot can post there")
    s.add_argument("--briefing", metavar="NAME", type=str.lower,
                   help="the briefing to post (default: the channel's, else the deployment's default)")
    s.set_defaults(func=cmd_subscribe)

    u = sub.add_parser("unsubscribe", help="stop a morning briefing")
    u.add_argument("subscription", nargs="?", type=int, help="subscription number (see `subscriptions`)")
    u.add_argument("--platform", choices=["slack", "discord"])
    u.add_argument("--channel")
    u.add_argument("--workspace", default="")
    u.set_defaults(func=cmd_unsubscribe)

    ls = sub.add_parser("subscriptions", help="list morning briefings and their last delivery")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_subscriptions)

    p = sub.add_parser("preview", help="print exactly what a morning briefing would post")
    p.add_argument("--date", type=_date, help="the morning to preview (YYYY-MM-DD; default today)")
    p.add_argument("--since", type=_date, help="what changed since this date (default: the channel's "
                                               "last briefing, or the day before --date)")
    p.add_argument("--subscription", type=int, help="preview for this subscription (its format and channel)")
    p.add_argument("--format", choices=["short", "full"])
    p.add_argument("--briefing", metavar="NAME", type=str.lower,
                   help="preview this briefing (default: the subscription's, else the default one)")
    p.add_argument("--platform", choices=["slack", "discord"], help="print that platform's messages as JSON")
    p.set_defaults(func=cmd_preview)

    n = sub.add_parser("post-now", help="post a subscription's briefing now (same ledger: once a day)")
    n.add_argument("subscription", type=int)
    n.set_defaults(func=cmd_post_now)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid date “{text}”: use YYYY-MM-DD") from None


def _store():  # noqa: ANN202 - bot.core.store.Store
    from bot.app import open_store
    from bot.cli import settings

    s = settings()
    return s, open_store(s)


def _fail(message: str) -> int:
    print(f"briefbot: {message}", file=sys.stderr)
    return 2


# -- posters for the command line ------------------------------------------------------------------

async def open_posters(s: Any, platforms: set[str]) -> dict[str, Any]:
    """Posters for the wanted platforms that have credentials (REST only, no gateway)."""
    posters: dict[str, Any] = {}
    if "slack" in platforms and s.slack_bot_token is not None:
        from bot.adapters.slack.poster import SlackPoster

        posters["slack"] = SlackPoster(s)
    if "discord" in platforms and s.discord_token is not None:
        from bot.adapters.discord.poster import open_poster

        posters["discord"] = await open_poster(s.discord_token.get_secret_value())
    return posters


async def close_posters(posters: dict[str, Any]) -> None:
    for poster in posters.values():
        close = getattr(poster, "close", None)
        if close is not None:
            await close()


# -- handlers ----------------------------------------------------------------------------------------

def cmd_subscribe(args: argparse.Namespace) -> int:
    from bot.schedule import subscriptions as subs
    from bot.schedule.commands import check_channel

    try:
        opts = subs.parse_options(" ".join(args.schedule))
    except subs.SubscriptionError as exc:
        return _fail(str(exc))
    s, store = _store()
    if args.briefing is not None:
        if not store.has_briefing(args.briefing):
            return _fail(f"no briefing called {args.briefing!r} (briefings: {', '.join(store.briefing_names())})")
        opts.briefing = args.briefing
    elif subs.find(store, args.platform, args.workspace, args.channel) is None:
        from bot.core.follows import followed

        opts.briefing = (followed(store, args.platform, args.workspace, args.channel) or s.briefing_default
                         or store.default_name())
    if not args.no_check:
        async def check() -> str | None:
            posters = await open_posters(s, {args.platform})
            try:
                if args.platform not in posters:
                    token = "SLACK_BOT_TOKEN" if args.platform == "slack" else "DISCORD_TOKEN"
                    return (f"cannot check channel {args.channel}: {args.platform} is not configured "
                            f"({token}); pass --no-check to save it anyway")
                return await check_channel(posters, args.platform, args.channel)
            finally:
                await close_posters(posters)

        problem = asyncio.run(check())
        if problem:
            return _fail(f"unknown channel “{args.channel}”: {problem}" if "cannot check" not in problem
                         else problem)
    existing = subs.find(store, args.platform, args.workspace, args.channel)
    if existing is not None:
        for name, attr in (("time", "local_time"), ("timezone", "timezone"), ("days", "days"),
                           ("format", "format")):
            if name not in opts.given:
                setattr(opts, attr, getattr(existing, attr))
    sub, created = subs.upsert(store, args.platform, args.workspace, args.channel, opts, "cli")
    print(f"{'subscribed' if created else 'changed'} {sub.id}: {sub.where()} at {sub.full_text()}")
    return 0


def cmd_unsubscribe(args: argparse.Namespace) -> int:
    from bot.schedule import subscriptions as subs

    if args.subscription is None and not (args.platform and args.channel):
        return _fail("give a subscription number, or --platform and --channel")
    _s, store = _store()
    if args.subscription is not None:
        sub = subs.remove_id(store, args.subscription)
        missing = f"no subscription {args.subscription} (see `briefbot subscriptions`)"
    else:
        sub = subs.remove(store, args.platform, args.workspace, args.channel)
        missing = f"no subscription for {args.platform}:{args.channel}"
    if sub is None:
        return _fail(missing)
    print(f"unsubscribed {sub.id}: {sub.where()} (was {sub.schedule_text()})")
    return 0


def cmd_subscriptions(args: argparse.Namespace) -> int:
    from bot.schedule import subscriptions as subs
    from bot.schedule.ledger import Ledger

    _s, store = _store()
    rows = subs.all_subscriptions(store)
    recent = Ledger(store).recent(limit=500)
    last = {}
    for d in reversed(recent):
        last[d.subscription_id] = d
    if args.json:
        print(json.dumps([{"id": r.id, "platform": r.platform, "workspace": r.workspace, "channel": r.channel,
                           "time": r.local_time, "timezone": r.timezone, "days": r.days, "format": r.format,
                           "briefing": r.briefing, "created_by": r.created_by,
                           "last": ({"date": last[r.id].local_date.isoformat(), "status": last[r.id].status,
                                     "reason": last[r.id].reason} if r.id in last else None)}
                          for r in rows], ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print("no subscriptions (add one with `briefbot subscribe` or /subscribe in a channel)")
    for r in rows:
        d = last.get(r.id)
        tail = f"; last: {d.local_date} {d.status}{' — ' + d.reason if d.reason else ''}" if d else ""
        print(f"{r.id:>4}  {r.where():<32} {r.full_text()}{tail}")
    return 0


def cmd_preview(args: argparse.Namespace) -> int:
    from bot.schedule import subscriptions as subs
    from bot.schedule.ledger import Ledger
    from bot.schedule.morning import Baseline, add_narrative, as_known_on, morning_reply

    _s, store = _store()
    sub = None
    if args.subscription is not None:
        sub = subs.get(store, args.subscription)
        if sub is None:
            return _fail(f"no subscription {args.subscription} (see `briefbot subscriptions`)")
    tz = sub.tz if sub else dt.UTC
    day = args.date or dt.datetime.now(tz).date()
    name = args.briefing or (sub.briefing if sub else None) or _s.briefing_default or None
    if name is not None and not store.has_briefing(name):
        return _fail(f"no briefing called {name!r} (briefings: {', '.join(store.briefing_names())})")
    b = store.load_briefing(name)
    if args.date:
        b = as_known_on(b, args.date)
    if args.since:
        baseline = Baseline(date=args.since)
    elif sub is not None and (last := Ledger(store).last_sent(sub.platform, sub.workspace, sub.channel, day)):
        baseline = Baseline.from_shown(last.local_date, last.shown)
    else:
        baseline = Baseline(date=day - dt.timedelta(days=1))
    fmt = args.format or (sub.format if sub else "short")
    reply = morning_reply(b, day, fmt, baseline)
    import asyncio

    reply = asyncio.run(add_narrative(reply, b, _s))
    platform = args.platform
    if platform is None:
        print(reply.to_text())
        return 0
    print(json.dumps(render_for(platform, reply), ensure_ascii=False, indent=2))
    return 0


def render_for(platform: str, reply: Any) -> list[dict[str, Any]]:
    """The platform's message payloads, exactly as the poster would send them."""
    if platform == "slack":
        from bot.adapters.slack.render import render

        return render(reply)
    from bot.adapters.discord.render import render

    return [{"content": m.content, "embeds": m.embeds} for m in render(reply)]


def cmd_post_now(args: argparse.Namespace) -> int:
    from bot.schedule import subscriptions as subs
    from bot.schedule.deliverer import Deliverer

    s, store = _store()
    sub = subs.get(store, args.subscription)
    if sub is None:
        return _fail(f"no subscription {args.subscription} (see `briefbot subscriptions`)")
    day = dt.datetime.now(sub.tz).date()

    async def post() -> tuple[str, Any]:
        posters = await open_posters(s, {sub.platform})
        try:
            if sub.platform not in posters:
                return "no-poster", None
            deliverer = Deliverer(store, posters)
            status = await deliverer.deliver(sub, day, retry_failed=True)
            return status, deliverer.ledger.get(sub.id, day)
        finally:
            await close_posters(posters)

    status, row = asyncio.run(post())
    if status == "no-poster":
        return _fail(f"{sub.platform} is not configured here; cannot post to {sub.where()}")
    if status == "sent":
        print(f"posted {row.parts_total} message(s) to {sub.where()} for {day}")
        return 0
    if status == "taken" and row is not None:
        when = f" at {row.finished_at:%H:%M} UTC" if row.finished_at else ""
        return _fail(f"the briefing for {day} was already {row.status}{when} in {sub.where()}; "
                     "it is posted once a day")
    return _fail(f"posting to {sub.where()} {status}: {row.reason if row else ''}".rstrip(": "))
