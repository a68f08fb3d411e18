"""`briefbot ingest`, `briefbot review` and `briefbot changes` (light imports; the work is imported inside)."""

from __future__ import annotations

import argparse
import sys


def add_commands(sub: argparse._SubParsersAction) -> None:
    from bot.cli import add_briefing_option

    p = sub.add_parser("ingest", help="add reports (files, URLs or '-' for stdin) and queue their facts for review")
    p.add_argument("targets", nargs="+", metavar="PATH|URL|-")
    p.add_argument("--title", help="the report's title (default: its headline)")
    p.add_argument("--publisher", help="who published it")
    p.add_argument("--published", metavar="YYYY-MM-DD", help="its date (default: the date in its dateline)")
    add_briefing_option(p, "file the reports under briefing NAME, created when new (default: the briefing "
                           "each report clearly belongs to)")
    p.add_argument("--briefing-title", metavar="TEXT", default="",
                   help="the title of a briefing created by --briefing (default: made from NAME)")
    p.set_defaults(func=cmd_ingest)

    r = sub.add_parser("review", help="list candidate facts; approve or reject them")
    r.add_argument("action", nargs="?", choices=["list", "approve", "reject"], default="list")
    r.add_argument("ids", nargs="*", type=int, metavar="ID")
    r.add_argument("--all", action="store_true", help="approve every pending candidate (of every briefing "
                                                       "unless --briefing names one)")
    r.add_argument("--force", action="store_true", help="apply conflicting candidates too (after checking them)")
    add_briefing_option(r, "only the candidates of briefing NAME (default: every briefing)")
    r.set_defaults(func=cmd_review)

    c = sub.add_parser("changes", help="new and changed facts and figures since a date")
    c.add_argument("--since", required=True, metavar="YYYY-MM-DD")
    c.add_argument("--json", action="store_true")
    add_briefing_option(c)
    c.set_defaults(func=cmd_changes)


def _store():  # noqa: ANN202 - bot.core.store.Store
    from bot.app import open_store
    from bot.cli import settings

    s = settings()
    return s, open_store(s)


def known_briefing(store, name: str | None) -> str | None:  # noqa: ANN001 - a Store
    """NAME when the store holds it; a one-line error naming the ones it holds otherwise."""
    from bot.cli import CliError

    if name is not None and not store.has_briefing(name):
        raise CliError(f"no briefing called {name!r} (briefings: {', '.join(store.briefing_names())})")
    return name


def cmd_ingest(args: argparse.Namespace) -> int:
    from bot.cli import CliError
    from bot.core.store import check_name

    if args.briefing is not None:
        check_name(args.briefing)
    if len(args.targets) > 1 and args.title:
        raise CliError("--title names one report: give one PATH with it")
    if args.targets.count("-") > 1:
        raise CliError("'-' (stdin) can be given once")
    s, store = _store()
    args.context = batch_context(args.targets) if len(args.targets) > 1 else {}
    status = 0
    for target in args.targets:
        status = max(status, ingest_one(s, store, target, args))
    return status


def batch_context(targets: list[str]) -> dict[str, object]:
    """Each local file's context in the batch (bot.ingest.pipeline.batch_windows): the batch's full dates
    date the reports whose dateline has no year, between their dated neighbours when given in date order."""
    from pathlib import Path

    from bot.ingest.pipeline import batch_windows

    texts: list[str | None] = []
    for target in targets:
        path = Path(target)
        text = None
        if target != "-" and path.is_file():
            try:
                text = path.read_text(encoding="utf-8", errors="replace")[:20000]
            except OSError:
                pass  # the ingest of that file says what is wrong with it
        texts.append(text)
    return dict(zip(targets, batch_windows(texts), strict=True))


def ingest_one(s, store, target: str, args: argparse.Namespace) -> int:  # noqa: ANN001 - Settings, Store
    """Ingest one report and print what was stored; 2 (after printing why) when it was refused."""
    from bot.ingest import IngestError
    from bot.ingest.pipeline import ingest

    several = len(args.targets) > 1
    extractor = None
    dropped: list[tuple[str, str]] = []  # model candidates a check refused: (reason, statement)
    if s.openai_enabled:
        import asyncio

        from bot.ingest.model_extract import model_candidates

        def extractor(source, known):  # noqa: ANN001, ANN202 - Source, Known -> list[Candidate]
            return asyncio.run(model_candidates(source, known, s, dropped=dropped))
    try:
        result = ingest(store, target, title=args.title, publisher=args.publisher, published=args.published,
                        max_bytes=s.ingest_max_bytes, timeout=s.ingest_timeout, auto_approve=s.ingest_auto_approve,
                        extractor=extractor, briefing=args.briefing, briefing_title=args.briefing_title,
                        auto_file=args.briefing is None, context=args.context.get(target))
    except IngestError as exc:
        print(f"briefbot: {target + ': ' if several else ''}{exc}", file=sys.stderr)
        return 2
    if result.duplicate:
        where = f" in briefing {result.briefing}" if result.briefing else ""
        print(f"Already ingested as {result.source_id}{where}: nothing added.")
        return 0
    if result.created:
        print(f"Created briefing {result.briefing}.")
    filed = " (it names this briefing's actors and places)" if args.briefing is None else ""
    print(f"Stored {result.source_id} in briefing {result.briefing}{filed}: “{result.title}” "
          f"({result.published.isoformat()}), now searchable.")
    for cid, c in result.queued:
        mark = {"approved": "applied", "conflict": f"CONFLICT: {c.reason}",
                "flagged": f"FLAGGED: {c.reason}"}.get(c.status, "pending")
        print(f"  {cid:>4} [{c.kind}] {c.summary}  ({mark})")
    pending = sum(1 for _, c in result.queued if c.status == "pending")
    if pending:
        print(f"{pending} candidate(s) wait for review: briefbot review --briefing {result.briefing}")
    if dropped:
        print(f"{len(dropped)} model candidate(s) dropped, not supported by their quote:")
        for reason, statement in dropped:
            print(f"       [{reason}] {statement}")
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    from bot.cli import CliError
    from bot.ingest import review

    _, store = _store()
    name = known_briefing(store, args.briefing)
    if args.action == "list":
        rows = review.listing(store, briefing=name)
        if not rows:
            print("No candidates waiting." if name is None else f"No candidates waiting in briefing {name}.")
        several = len({q.briefing for q in rows}) > 1
        for q in rows:
            flag = f"  {q.status.upper()}: {q.reason}" if q.status in ("conflict", "flagged") else ""
            where = f" {q.briefing}" if several else ""
            print(f"{q.id:>4}{where} [{q.kind}] {q.summary}{flag}\n       “{q.quote}” ({q.source_id})")
        return 0
    if args.action == "approve" and args.all:
        ids = None
    elif not args.ids:
        raise CliError(f"review {args.action}: give candidate ids" + (" or --all" if args.action == "approve" else ""))
    else:
        ids = args.ids
    if args.action == "approve":
        out = review.approve(store, ids, force=args.force, briefing=name)
    else:
        out = review.reject(store, ids or [], briefing=name)
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
    s, store = _store()
    name = known_briefing(store, args.briefing or s.briefing_default or None)
    if args.json:
        import json

        from bot.ingest.changes import changes_data

        print(json.dumps(changes_data(store.load_briefing(name), since), ensure_ascii=False, indent=2))
        return 0
    print_reply(changes_reply(store.load_briefing(name), since))
    return 0
