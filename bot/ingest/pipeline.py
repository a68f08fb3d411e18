"""One report in: fetch it, date it, store it as a Source and queue its candidates, all in one transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.core.models import Source
from bot.core.store import Store, StoreError, check_name, sources, text_sha256
from bot.ingest import IngestError
from bot.ingest.dateline import WHAT_WAS_LOOKED_FOR, Context, Window, find_dateline, parse_date
from bot.ingest.extract import FLAG_REASON, Candidate, Known, extract
from bot.ingest.fetch import Fetched, fetch
from bot.ingest.filing import file_under
from bot.ingest.injection import flagged, overlaps
from bot.ingest.review import apply, as_update, check, ensure_table, figure_disagrees, load_known, queue
from bot.ingest.text import sentences, slug

log = logging.getLogger("briefbot.ingest")


# Proposes more candidates for a stored-to-be source (the model-backed extractor); runs before the
# transaction, so a slow model never holds the database.
Extractor = Callable[[Source, Known], list[Candidate]]


@dataclass
class Ingested:
    source_id: str
    title: str
    published: dt.date
    duplicate: bool = False
    queued: list[tuple[int, Candidate]] = field(default_factory=list)
    briefing: str = ""
    created: bool = False  # the briefing was new

    @property
    def applied(self) -> list[tuple[int, Candidate]]:
        return [(i, c) for i, c in self.queued if c.status == "approved"]


def ingest(store: Store, target: str, *, title: str | None = None, publisher: str | None = None,
           published: str | dt.date | None = None, max_bytes: int = 2 * 1024 * 1024, timeout: float = 15.0,
           auto_approve: bool = False, today: dt.date | None = None, extractor: Extractor | None = None,
           briefing: str | None = None, briefing_title: str = "", auto_file: bool = False,
           context: list[dt.date] | Window | None = None) -> Ingested:
    """Ingest PATH, URL or '-' into BRIEFING (created when new). Without one: with `auto_file`, the
    briefing the report clearly belongs to (IngestError listing them when that is unclear), else the
    default one. IngestError for unusable input; the store is then untouched."""
    fetched = fetch(target, max_bytes, timeout)
    return ingest_text(store, fetched, title=title, publisher=publisher, published=published,
                       auto_approve=auto_approve, today=today, extractor=extractor, briefing=briefing,
                       briefing_title=briefing_title, auto_file=auto_file, context=context)


def ingest_text(store: Store, fetched: Fetched, *, title: str | None = None, publisher: str | None = None,
                published: str | dt.date | None = None, auto_approve: bool = False,
                today: dt.date | None = None, extractor: Extractor | None = None,
                briefing: str | None = None, briefing_title: str = "", auto_file: bool = False,
                context: list[dt.date] | Window | None = None) -> Ingested:
    """`context`: dates of reports that come with this one (a batch), for a dateline without a year."""
    text = fetched.text
    if not text.strip():
        raise IngestError(f"{fetched.origin}: empty, there is no text to ingest")
    sha = text_sha256(text)  # a copy with other line endings or trailing spaces is the same report
    raw_sha = hashlib.sha256(text.encode("utf-8")).hexdigest()  # how sources stored before were keyed
    report_title = (title or fetched.title or guess_title(text)).strip()[:300] or "Untitled report"
    ensure_table(store)
    existing = store.source_by_hash(sha, raw_sha)
    if existing is not None:
        owner = store.source_briefing(existing) or ""
        log.info("ingest: already have this report", extra={"source_id": existing, "origin": fetched.origin,
                                                             "briefing": owner})
        return Ingested(existing, report_title, dt.date.today(), duplicate=True, briefing=owner)
    if briefing is not None:
        check_name(briefing)
    stored = report_dates(store, briefing)
    if isinstance(context, Window):  # a batch in date order: its neighbours bound the year
        around: Context = Window((*context.anchors, *stored), context.after, context.before)
    else:
        around = [*(context or []), *stored]
    date = report_date(fetched, published, today or around or dt.date.today())
    if briefing is None:
        briefing = file_under(store, text) if auto_file else store.default_name()
    with store.begin() as conn:
        source_id = unique_source_id(conn, f"src-{date.isoformat()}-{slug(report_title, 40)}")
        known = load_known(conn, briefing) if extractor is not None else Known()
    source = Source(id=source_id, title=report_title, publisher=(publisher or fetched.publisher or "").strip(),
                    url=fetched.url, published_at=date, retrieved_at=dt.datetime.now(dt.UTC), text=text, sha256=sha)
    extra = extractor(source, known) if extractor is not None else []
    try:
        result = store_report(store, source, extra, auto_approve, briefing, briefing_title, also_known_as=raw_sha)
    except AlreadyStored as exc:
        # Another process stored the same report a moment ago.
        owner = store.source_briefing(exc.source_id) or ""
        log.info("ingest: already have this report", extra={"source_id": exc.source_id, "origin": fetched.origin,
                                                             "briefing": owner})
        return Ingested(exc.source_id, report_title, date, duplicate=True, briefing=owner)
    except IntegrityError as exc:
        raise StoreError(f"database {store.name}: could not store the report: "
                         f"{(str(exc.orig).strip().splitlines() or ['integrity error'])[0]}") from None
    log.info("ingest: stored report", extra={"source_id": result.source_id, "candidates": len(result.queued),
                                             "applied": len(result.applied), "origin": fetched.origin,
                                             "briefing": briefing})
    return result


class AlreadyStored(Exception):
    def __init__(self, source_id: str) -> None:
        super().__init__(source_id)
        self.source_id = source_id


def store_report(store: Store, source: Source, extra: list[Candidate], auto_approve: bool,
                 briefing: str | None = None, briefing_title: str = "", also_known_as: str = "") -> Ingested:
    """The source, its candidates and the new revision in one transaction.

    Marking the revision comes first: it locks that row (PostgreSQL) or the database (SQLite) until
    the commit, so concurrent ingests take turns, and the duplicate check and the id chosen below
    cannot be overtaken by another process. AlreadyStored when the same report got in first."""
    with store.begin() as conn:
        briefing = briefing or store.default_name(conn)
        created = store.ensure_briefing(briefing, briefing_title, conn=conn)  # a new name makes a briefing
        store.bump_revision(conn, briefing)
        existing = store.source_by_hash(source.sha256, *([also_known_as] if also_known_as else []), conn=conn)
        if existing is not None:
            raise AlreadyStored(existing)  # rolls the revision back: nothing changed
        base = source.id
        source_id = unique_source_id(conn, base)
        if source_id != base:  # another report with the same date and title got in first
            source, extra = _renamed(source, extra, source_id)
        known = load_known(conn, briefing)
        result = Ingested(source.id, source.title, source.published_at, briefing=briefing, created=created)
        store.add_source(source, conn, briefing)
        suspect = [(s.start, s.end) for s in flagged(sentences(source.text))]
        for c in [as_update(c, known) for c in [*extract(source, known), *extra]]:
            problem = check(c, known)
            if problem == "duplicate":
                continue
            if c.status == "flagged":
                pass
            elif any(overlaps(suspect, e.char_start, e.char_end) for e in c.fact.evidence if e.source_id == source.id):
                c.status, c.reason = "flagged", FLAG_REASON
            elif problem:
                c.status, c.reason = "conflict", problem.removeprefix("conflict: ")
            elif auto_approve and c.kind == "figure":
                why = figure_disagrees(conn, c.fact, known, briefing)  # type: ignore[arg-type]
                if why:
                    c.reason = why
                else:
                    apply(store, conn, c, known, briefing)
                    c.status = "approved"
            result.queued.append((queue(conn, source.id, c, briefing), c))
    return result


def _renamed(source: Source, extra: list[Candidate], new_id: str) -> tuple[Source, list[Candidate]]:
    """The source under another id, and the candidates proposed for it (their evidence names it)."""
    renamed = []
    for c in extra:
        data = json.loads(c.fact.model_dump_json())
        c.fact = type(c.fact).model_validate(_replace_value(data, source.id, new_id))
        renamed.append(c)
    return source.model_copy(update={"id": new_id}), renamed


def _replace_value(data: object, old: str, new: str) -> object:
    if isinstance(data, dict):
        return {k: _replace_value(v, old, new) for k, v in data.items()}
    if isinstance(data, list):
        return [_replace_value(v, old, new) for v in data]
    return new if data == old else data


def report_dates(store: Store, briefing: str | None = None) -> list[dt.date]:
    """The stored reports' dates (the briefing's, when given): a dateline without a year ("Dec 23") is
    read as the day nearest one."""
    query = select(sources.c.published_at).distinct()
    if briefing is not None:
        query = query.where(sources.c.briefing == briefing)
    with store.begin() as conn:
        return list(conn.execute(query).scalars())


def full_date(text: str) -> dt.date | None:
    early = find_dateline(text, [dt.date(1990, 1, 1)])
    late = find_dateline(text, [dt.date(2090, 1, 1)])
    return early.date if early is not None and late is not None and early.date == late.date else None


def batch_windows(texts: list[str | None]) -> list[Window]:
    """Each report's context in a batch: the batch's full dates, and when those run oldest to newest in the
    order given (reports named in date order, as files usually are), the dated neighbours of each report."""
    dates = [full_date(t) if t is not None else None for t in texts]
    known = [d for d in dates if d is not None]
    ordered = known == sorted(known)
    out = []
    for i in range(len(texts)):
        after = max((d for d in dates[:i] if d is not None), default=None) if ordered else None
        before = min((d for d in dates[i + 1:] if d is not None), default=None) if ordered else None
        out.append(Window(tuple(known), after, before))
    return out


def report_date(fetched: Fetched, published: str | dt.date | None, today: Context) -> dt.date:
    """--published, else the dateline, else the page's metadata date; a report with none is refused."""
    if isinstance(published, dt.date):
        return published
    if published:
        year = today.year if isinstance(today, dt.date) else today if isinstance(today, int) else max(
            today.anchors if isinstance(today, Window) else today or [dt.date.today()]).year
        date = parse_date(published, year)
        if date is None:
            raise IngestError(f"--published {published!r}: not a date (use YYYY-MM-DD)")
        return date
    line = find_dateline(fetched.text, today)
    if line is not None:
        return line.date
    if fetched.published:
        date = parse_date(fetched.published)
        if date is not None:
            return date
    raise IngestError(f"{fetched.origin}: no date found: {WHAT_WAS_LOOKED_FOR}; give it with --published YYYY-MM-DD")


def guess_title(text: str) -> str:
    """The headline: the longest short line before the dateline paragraph (section labels are shorter)."""
    line = find_dateline(text)
    head = text[: line.start] if line else text[:1000]
    lines = [ln.strip() for ln in head.splitlines() if ln.strip() and len(ln.strip()) <= 200]
    if not lines:
        first = text.strip().splitlines()[0]
        return re.split(r"(?<=[.!?])\s", first, maxsplit=1)[0][:120]
    return max(lines, key=len) if line else lines[0]


def unique_source_id(conn, base: str) -> str:  # noqa: ANN001 - a SQLAlchemy connection
    taken = {r.id for r in conn.execute(select(sources.c.id).where(sources.c.id.like(f"{base}%")))}
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
