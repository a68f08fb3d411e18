"""`briefbot ingest`, `briefbot review` and `briefbot changes` (light imports; the work is imported inside)."""

from __future__ import annotations

import argparse
import sys


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ingest", help="add a report (file, URL or '-' for stdin) and queue its facts for review")
    p.add_argument("target", metavar="PATH|URL|-")
    p.add_argument("--title", help="the report's title (default: its headline)")
    p.add_argument("--publisher", help="who published it")
    p.add_argument("--published", metavar="YYYY-MM-DD", help="its date (default: the date in its dateline)")
    p.set_defaults(func=cmd_ingest)

    r = sub.add_parser("review", help="list candidate facts; approve or reject them")
    r.add_argument("action", nargs="?", choices=["list", "approve", "reject"], default="list")
    r.add_argument("ids", nargs="*", type=int, metavar="ID")
    r.add_argument("--all", action="store_true", help="approve every pending candidate")
    r.add_argument("--force", action="store_true", help="apply conflicting candidates too (after checking them)")
    r.set_defaults(func=cmd_review)

    c = sub.add_parser("changes", help="new and changed facts and figures since a date")
    c.add_argument("--since", required=True, metavar="YYYY-MM-DD")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_changes)


def _store():  # noqa: ANN202 - bot.core.store.Store
    from bot.app import open_store
    from bot.cli import settings

    s = settings()
    return s, open_store(s)


def cmd_ingest(args: argparse.Namespace) -> int:
    from bot.cli import CliError
    from bot.ingest import IngestError
    from bot.ingest.pipeline import ingest

    s, store = _store()
    extractor = None
    dropped: list[tuple[str, str]] = []  # model candidates a check refused: (reason, statement)
    if s.openai_enabled:
        import asyncio

        from bot.ingest.model_extract import model_candidates

        def extractor(source, known):  # noqa: ANN001, ANN202 - Source, Known -> list[Candidate]
            return asyncio.run(model_candidates(source, known, s, dropped=dropped))
    try:
        result = ingest(store, args.target, title=args.title, publisher=args.publisher, published=args.published,
                        max_bytes=s.ingest_max_bytes, timeout=s.ingest_timeout, auto_approve=s.ingest_auto_approve,
                        extractor=extractor)
    except IngestError as exc:
        raise CliError(str(exc)) from None
    if result.duplicate:
        print(f"Already ingested as {result.source_id}: nothing added.")
        return 0
    print(f"Stored {result.source_id}: “{result.title}” ({result.published.isoformat()}), now searchable.")
    for cid, c in result.queued:
        mark = {"approved": "applied", "conflict": f"CONFLICT: {c.reason}",
                "flagged": f"FLAGGED: {c.reason}"}.get(c.status, "pending")
        print(f"  {cid:>4} [{c.kind}] {c.summary}  ({mark})")
    pending = sum(1 for _, c in result.queued if c.status == "pending")
    if pending:
        print(f"{pending} candidate(s) wait for review: briefbot review")
    if dropped:
        print(f"{len(dropped)} model candidate(s) dropped, not supported by their quote:")
        for reason, statement in dropped:
            print(f"       [{reason}] {statement}")
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    from bot.cli import CliError
    from bot.ingest import review

    _, store = _store()
    if args.action == "list":
        rows = review.listing(store)
        if not rows:
            print("No candidates waiting.")
        for q in rows:
            flag = f"  {q.status.upper()}: {q.reason}" if q.status in ("conflict", "flagged") else ""
            print(f"{q.id:>4} [{q.kind}] {q.summary}{flag}\n       “{q.quote}” ({q.source_id})")
        return 0
    if args.action == "approve" and args.all:
        ids = None
    elif not args.ids:
        raise CliError(f"review {args.action}: give candidate ids" + (" or --all" if args.action == "approve" else ""))
    else:
        ids = args.ids
    if args.action == "approve":
        out = review.approve(store, ids, force=args.force)
    else:
        out = review.reject(store, ids or [])
    verb = "approved" if args.action == "approve" else "rejected"
    if out.unknown:
        raise CliError(f"review {args.action}: no candidate {', '.join(map(str, out.unknown))}; nothing {verb} "
                       "(`briefbot review` lists the candidates waiting)")
    print(f"{verb}: {', '.join(map(str, out.applied)) or 'none'}")
    for cid, reason in out.conflicts:
        print(f"{cid}: not applied, conflict: {reason} (check it, then --force or reject)", file=sys.stderr)
    for cid, reason in out.skipped:
        print(f"{cid}: skipped, {reason}", file=sys.stderr)
    return 1 if out.conflicts or (ids and not out.applied) else 0


def cmd_changes(args: argparse.Namespace) -> int:
    import datetime as dt

    from bot.cli import CliError, print_reply
    from bot.ingest.changes import changes_reply

    try:
        since = dt.date.fromisoformat(args.since)
    except ValueError:
        raise CliError(f"--since {args.since!r}: not a date (use YYYY-MM-DD)") from None
    _, store = _store()
    if args.json:
        import json

        from bot.ingest.changes import changes_data

        print(json.dumps(changes_data(store.load_briefing(), since), ensure_ascii=False, indent=2))
        return 0
    print_reply(changes_reply(store.load_briefing(), since))
    return 0
