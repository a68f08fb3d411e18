"""`briefbot watch add|list|remove|poll` (light imports; the work is imported inside)."""

from __future__ import annotations

import argparse
import sys

DEFAULT_BRIEFING = "default"


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("watch", help="feeds and pages polled for new reports, per briefing")
    wsub = p.add_subparsers(dest="watch_action", required=True, metavar="ACTION")

    a = wsub.add_parser("add", help="watch an RSS/Atom feed (or a page with --page) for a briefing")
    a.add_argument("url", metavar="URL")
    a.add_argument("--briefing", default=DEFAULT_BRIEFING, help="the briefing its reports go to")
    a.add_argument("--interval", type=int, metavar="MIN", help="minutes between polls (default: 15)")
    a.add_argument("--page", action="store_true", help="a plain web page: each change of its text is a report")
    a.set_defaults(func=cmd_add)

    ls = wsub.add_parser("list", help="watched feeds with their status (last success, last error)")
    ls.add_argument("--briefing", help="only this briefing's feeds")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_list)

    r = wsub.add_parser("remove", help="stop watching a feed (its reports stay)")
    r.add_argument("ref", metavar="ID|URL")
    r.add_argument("--briefing", help="only this briefing's feed with that URL")
    r.set_defaults(func=cmd_remove)

    rv = wsub.add_parser("review-channel", help="name the channel where a briefing's new reports are reviewed")
    rv.add_argument("--briefing", default=DEFAULT_BRIEFING)
    rv.add_argument("--platform", choices=["slack", "discord"], required=True)
    rv.add_argument("--channel", required=True, metavar="ID")
    rv.add_argument("--workspace", default="", metavar="TEAM_OR_GUILD_ID")
    rv.set_defaults(func=cmd_review_channel)

    po = wsub.add_parser("poll", help="poll now, once: every feed (or the given ids), due or not")
    po.add_argument("ids", nargs="*", type=int, metavar="ID")
    po.set_defaults(func=cmd_poll)


def _fail(message: str) -> int:
    # Printed here: under `python -m bot.cli` the CLI's own error class is another module's.
    print(f"briefbot: {message}", file=sys.stderr)
    return 2


def _store():  # noqa: ANN202 - (Settings, Store)
    from bot.app import open_store
    from bot.cli import settings

    s = settings()
    return s, open_store(s)


def cmd_add(args: argparse.Namespace) -> int:
    from bot.ingest import watch

    s, store = _store()
    try:
        feed, created = watch.add(store, args.briefing, args.url, kind="page" if args.page else "feed",
                                  interval_min=args.interval or s.watch_interval, created_by="cli")
    except watch.WatchError as exc:
        return _fail(str(exc))
    verb = "Watching" if created else "Already watched; updated"
    print(f"{verb} {feed.kind} {feed.id}: {feed.url} for briefing {feed.briefing}, every {feed.interval_min} min. "
          "`briefbot watch poll` polls it now.")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    import json

    from bot.ingest import watch

    _, store = _store()
    rows = watch.listing(store, args.briefing)
    if args.json:
        print(json.dumps([{"id": f.id, "briefing": f.briefing, "url": f.url, "kind": f.kind,
                           "interval_min": f.interval_min, "title": f.title, "items": f.items_total,
                           "last_success": f.last_success_at.isoformat() if f.last_success_at else None,
                           "last_status": f.last_status, "last_error": f.last_error or None,
                           "last_error_at": f.last_error_at.isoformat() if f.last_error_at else None,
                           "failures": f.failures, "next_poll": f.next_poll_at.isoformat()} for f in rows],
                         indent=2, ensure_ascii=False))
        return 0
    if not rows:
        print("No feeds watched. Add one: briefbot watch add --briefing NAME URL")
    for f in rows:
        title = f" “{f.title}”" if f.title else ""
        print(f"{f.id:>4} [{f.briefing}] {f.kind} {f.url}{title}, every {f.interval_min} min, "
              f"{f.items_total} item(s)\n       {f.status_line()}")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    from bot.ingest import watch

    _, store = _store()
    gone = watch.remove(store, args.ref, args.briefing)
    if not gone:
        return _fail(f"no watched feed {args.ref!r}; see briefbot watch list")
    for f in gone:
        print(f"Stopped watching {f.id}: {f.url} (briefing {f.briefing}); its reports stay in the briefing.")
    return 0


def cmd_poll(args: argparse.Namespace) -> int:
    import asyncio

    from bot.ingest import watch
    from bot.ingest.feeds import Poller, default_ingester, limits_from

    s, store = _store()
    known = {f.id for f in watch.listing(store)}
    missing = [i for i in args.ids if i not in known]
    if missing:
        return _fail(f"no watched feed {', '.join(map(str, missing))}; see briefbot watch list")
    if not known:
        print("No feeds watched. Add one: briefbot watch add --briefing NAME URL")
        return 0
    poller = Poller(store, limits=limits_from(s), ingester=default_ingester(s.ingest_auto_approve))
    try:
        outcomes = asyncio.run(poller.poll_round(args.ids or None, force=True))
    finally:
        poller.close()
    failed = 0
    for o in outcomes:
        if o.error:
            failed += 1
            print(f"{o.feed_id:>4} {o.url}: ERROR {o.error}")
        else:
            print(f"{o.feed_id:>4} {o.url}: {o.status}; {len(o.ingested)} report(s) stored")
            for item in o.ingested:
                note = f" ({item.date_note})" if item.date_note else ""
                print(f"       {item.source_id}: {item.candidates} candidate(s){note}")
    stored = sum(len(o.ingested) for o in outcomes)
    print(f"{len(outcomes)} feed(s) polled, {stored} new report(s), {failed} failed."
          + (" Review them: briefbot review" if stored else ""))
    return 1 if failed and failed == len(outcomes) else 0


def cmd_review_channel(args: argparse.Namespace) -> int:
    from bot.ingest import watch
    from bot.ingest.review_cards import set_review_channel

    _, store = _store()
    try:
        briefing = watch.check_briefing(args.briefing)
    except watch.WatchError as exc:
        return _fail(str(exc))
    ch = set_review_channel(store, briefing, args.platform, args.workspace, args.channel.strip(), "cli")
    print(f"New reports of briefing {ch.briefing} go to {ch.platform} channel {ch.channel} for review.")
    return 0
