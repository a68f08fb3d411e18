"""The review queue: candidate facts wait here until a person approves or rejects them.

Approving applies a candidate in one transaction (figures append-only, facts added or, for an announced
meeting now held, replaced) and bumps the briefing revision so every replica reloads. A candidate that
contradicts an approved fact is a 'conflict': it is never applied unless a reviewer forces it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection

from bot.core.models import Actor, Agreement, Claim, Event, Fact, Figure, Request, Upcoming
from bot.core.store import Store, facts, figures, metadata
from bot.ingest.events import identity_words, same_event
from bot.ingest.extract import Candidate, Known
from bot.ingest.people import is_unique_office
from bot.ingest.tables import candidates
from bot.ingest.text import content_words

MODELS = {"figure": Figure, "actor": Actor, "event": Event, "upcoming": Upcoming, "claim": Claim,
          "request": Request, "agreement": Agreement, "note": Fact}
_KNOWN_LISTS = {"actor": "actors", "event": "events", "upcoming": "upcoming"}


@dataclass
class QueuedCandidate:
    id: int
    source_id: str
    briefing: str
    kind: str
    status: str
    reason: str
    summary: str
    quote: str
    replaces: str | None
    fact: object


def ensure_table(store: Store) -> None:
    """The queue table exists even where the store was migrated before this module was imported."""
    metadata.create_all(store.engine, tables=[candidates])


# -- what the briefing holds ------------------------------------------------------------------------

def load_known(conn: Connection, briefing: str) -> Known:
    """The briefing's actors, events and upcoming items: what conflicts are checked against. Neither
    source texts nor figures (append-only, they never conflict) are read, so ingest stays fast as the
    briefing grows; nothing of another briefing is read, so two conflicts never clash."""
    known = Known()
    for r in conn.execute(select(facts.c.kind, facts.c.data)
                          .where(facts.c.briefing == briefing, facts.c.kind.in_(["actor", "event", "upcoming"]))
                          .order_by(facts.c.created_at, facts.c.id)):
        model = MODELS[r.kind]
        getattr(known, _KNOWN_LISTS[r.kind]).append(model.model_validate_json(r.data))
    return known


# -- conflicts --------------------------------------------------------------------------------------

def check(c: Candidate, known: Known) -> str | None:
    """'conflict: <reason>', 'duplicate' or None (fine to queue)."""
    fact = c.fact
    if isinstance(fact, Actor):
        return actor_conflict(fact, known)
    if isinstance(fact, Upcoming) and c.replaces:
        old = next((u for u in known.upcoming if u.id == c.replaces), None)
        if old is None:
            return None
        if old.status == "held" and old.when and old.when.date and fact.when and fact.when.date:
            if old.when.date == fact.when.date:
                return "duplicate"
            return (f"conflict: the briefing has “{old.summary}” held on {label(old.when.date)}, this report says "
                    f"{label(fact.when.date)}")
        return None
    if isinstance(fact, Event | Upcoming):
        return date_conflict(c, known)
    return None


def as_update(c: Candidate, known: Known) -> Candidate:
    """A report that an item the briefing awaits was called off updates that item (it stays one item, now
    cancelled, with both reports as evidence) instead of standing beside it."""
    fact = c.fact
    if not isinstance(fact, Upcoming) or fact.status != "cancelled" or c.replaces or fact.when is None:
        return c
    text = f"{fact.summary} {fact.statement}"
    for u in known.upcoming:
        if u.status in ("cancelled", "held") or u.when is None or u.when.date != fact.when.date:
            continue
        other = f"{u.summary} {u.statement}"
        if same_event("meeting", text, "meeting", other) or len(content_words(text) & content_words(other)) >= 3:
            updated = u.model_copy(update={
                "status": "cancelled", "statement": f"{u.statement} Then: {fact.statement}",
                "keywords": list(dict.fromkeys([*u.keywords, "cancelled", "called off", "not take place"])),
                "evidence": [*u.evidence, *fact.evidence]})
            return Candidate("upcoming", updated, f"cancelled: {u.summary}", replaces=u.id, status=c.status,
                             reason=c.reason)
    return c


def actor_conflict(actor: Actor, known: Known) -> str | None:
    if not actor.role or actor.role.lower().startswith("former") or not is_unique_office(actor.role):
        return None
    if " of " not in actor.role and not actor.country:
        return None  # "Prime Minister" of whom? Two such names need not contradict each other
    for a in known.actors:
        if a.role and a.role.lower() == actor.role.lower() and a.name.lower() != actor.name.lower():
            return f"conflict: the briefing names {a.name} as {a.role}; this report names {actor.name}"
    return None


def date_conflict(c: Candidate, known: Known) -> str | None:
    fact = c.fact
    kind = fact.kind if isinstance(fact, Event) else "meeting"
    when = fact.when
    if when is None or when.date is None:
        return None
    text = f"{fact.summary} {fact.statement}"
    others: list[tuple[str, str, str, dt.date | None, str]] = []
    for e in known.events:
        others.append((e.id, e.kind, f"{e.summary} {e.statement}", e.when.date if e.when.precision == "day" else None,
                       e.summary))
    for u in known.upcoming:
        # A held item has its own event (compared above); an announced one is not yet dated for sure.
        if u.status != "held" and u.when is not None and u.when.precision == "day":
            others.append((u.id, "meeting", f"{u.summary} {u.statement}", u.when.date, u.summary))
    for other_id, other_kind, other_text, other_date, summary in others:
        if other_date is None or not same_event(kind, text, other_kind, other_text):
            continue
        if other_date == when.date:
            return "duplicate"
        if kind in ("clash", "statement", "plan"):
            continue  # fighting and statements recur day after day: another day is another event
        shared = identity_words(text) & identity_words(other_text)
        if len(shared) >= 3:
            return (f"conflict: the briefing dates “{summary[:80]}” ({other_id}) {label(other_date)}, this report "
                    f"says {label(when.date)}")
    return None


def figure_disagrees(conn: Connection, fig: Figure, known: Known, briefing: str | None = None) -> str | None:
    """Why a figure should wait for a person rather than be applied automatically: the briefing holds a count of
    the same thing from another source that it is far from (more than a third apart), or that it would
    lower although it is no older. Both are kept side by side once a reviewer approves it."""
    query = (select(figures.c.data).where(figures.c.metric == fig.metric)
             .where(func.lower(figures.c.scope) == fig.scope.strip().lower())
             .where(figures.c.as_of >= fig.as_of - dt.timedelta(days=2))
             .where(figures.c.source_id != fig.source_id))
    if briefing is not None:  # another conflict's counts say nothing about this one's
        query = query.where(figures.c.briefing == briefing)
    rows = conn.execute(query)
    others = [Figure.model_validate_json(r.data) for r in rows] + \
        [f for f in known.figures if f.metric == fig.metric and f.source_id != fig.source_id]
    value = fig.value_high or fig.value
    for other in others:
        if other.scope.strip().lower() != fig.scope.strip().lower():
            continue
        theirs = other.value_high or other.value
        if abs(other.as_of - fig.as_of) <= dt.timedelta(days=2) and max(value, theirs) > 1.34 * min(value, theirs):
            return f"differs from {other.amount()} as of {label(other.as_of)} from another source; left for review"
        if other.as_of <= fig.as_of and value < theirs and fig.metric in ("killed", "injured"):
            return f"lower than {other.amount()} as of {label(other.as_of)}; left for review"
    return None


def label(d: dt.date) -> str:
    return f"{d.day} {d.strftime('%b %Y')}"


# -- the queue --------------------------------------------------------------------------------------

def queue(conn: Connection, source_id: str, c: Candidate, briefing: str) -> int:
    payload = {"fact": c.fact.model_dump(mode="json"), "summary": c.summary, "replaces": c.replaces}
    result = conn.execute(insert(candidates).values(
        source_id=source_id, briefing=briefing, kind=c.kind, payload=json.dumps(payload, ensure_ascii=False), status=c.status,
        reason=c.reason, created_at=dt.datetime.now(dt.UTC)))
    return int(result.inserted_primary_key[0])


def row_to_queued(r) -> QueuedCandidate:  # noqa: ANN001 - a SQLAlchemy row
    payload = json.loads(r.payload)
    fact = MODELS[r.kind].model_validate(payload["fact"])
    return QueuedCandidate(id=r.id, source_id=r.source_id, briefing=r.briefing, kind=r.kind, status=r.status, reason=r.reason or "",
                           summary=payload.get("summary", ""), quote=fact.evidence[-1].quote,
                           replaces=payload.get("replaces"), fact=fact)


def listing(store: Store, statuses: tuple[str, ...] = ("pending", "conflict", "flagged"),
            briefing: str | None = None) -> list[QueuedCandidate]:
    """Candidates waiting (of one briefing, or of every briefing when none is named)."""
    ensure_table(store)
    query = select(candidates).where(candidates.c.status.in_(statuses)).order_by(candidates.c.id)
    if briefing is not None:
        query = query.where(candidates.c.briefing == briefing)
    with store.begin() as conn:
        return [row_to_queued(r) for r in conn.execute(query)]


def waiting(store: Store) -> dict[str, int]:
    """How many candidates wait for review in each briefing."""
    ensure_table(store)
    with store.begin() as conn:
        return dict(conn.execute(select(candidates.c.briefing, func.count())
                                 .where(candidates.c.status.in_(("pending", "conflict", "flagged")))
                                 .group_by(candidates.c.briefing)).all())


@dataclass
class Outcome:
    applied: list[int]
    conflicts: list[tuple[int, str]]
    skipped: list[tuple[int, str]]  # already decided, duplicates
    # Ids with no candidate: when there are any, nothing at all was applied (a typo must not half-apply).
    unknown: list[int] = field(default_factory=list)


def approve(store: Store, ids: list[int] | None, force: bool = False, briefing: str | None = None) -> Outcome:
    """Apply candidates in one transaction: the given ids, or (ids None) every pending one of the
    briefing, or of every briefing when none is named. Each is checked against its own briefing."""
    ensure_table(store)
    out = Outcome([], [], [])
    with store.begin() as conn:
        query = select(candidates).order_by(candidates.c.id)
        if ids is None:
            query = query.where(candidates.c.status == "pending")
        else:
            query = query.where(candidates.c.id.in_(ids))
        if briefing is not None:
            query = query.where(candidates.c.briefing == briefing)
        rows = list(conn.execute(query))
        found = {r.id for r in rows}
        # An id of no candidate (of this briefing, when one is named): nothing at all is applied.
        out.unknown = sorted({i for i in ids or [] if i not in found})
        if out.unknown:
            return out
        knowns: dict[str, Known] = {}
        changed: set[str] = set()
        for r in rows:
            if r.briefing not in knowns:
                knowns[r.briefing] = load_known(conn, r.briefing)
            known = knowns[r.briefing]
            if r.status not in ("pending", "conflict", "flagged"):
                out.skipped.append((r.id, f"already {r.status}"))
                continue
            if r.status in ("conflict", "flagged") and not force:
                out.conflicts.append((r.id, r.reason))
                continue
            q = row_to_queued(r)
            c = as_update(Candidate(q.kind, q.fact, q.summary, replaces=q.replaces), known)  # type: ignore[arg-type]
            problem = check(c, known)
            if problem == "duplicate" or (problem is None and fact_exists(conn, q, r.briefing)):
                set_status(conn, r.id, "rejected", "already in the briefing")
                out.skipped.append((r.id, "already in the briefing"))
                continue
            if problem and not force:
                set_status(conn, r.id, "conflict", problem.removeprefix("conflict: "))
                out.conflicts.append((r.id, problem.removeprefix("conflict: ")))
                continue
            apply(store, conn, c, known, r.briefing)
            set_status(conn, r.id, "approved", "")
            out.applied.append(r.id)
            changed.add(r.briefing)
        for name in sorted(changed):
            store.bump_revision(conn, name)
    return out


def reject(store: Store, ids: list[int], briefing: str | None = None) -> Outcome:
    ensure_table(store)
    out = Outcome([], [], [])
    query = select(candidates).where(candidates.c.id.in_(ids))
    if briefing is not None:
        query = query.where(candidates.c.briefing == briefing)
    with store.begin() as conn:
        rows = {r.id: r for r in conn.execute(query)}
        out.unknown = sorted({i for i in ids if i not in rows})
        if out.unknown:
            return out
        for i in dict.fromkeys(ids):
            r = rows[i]
            if r.status not in ("pending", "conflict", "flagged"):
                out.skipped.append((i, f"already {r.status}"))
            else:
                set_status(conn, i, "rejected", r.reason or "")
                out.applied.append(i)
    return out


def set_status(conn: Connection, cid: int, status: str, reason: str) -> None:
    conn.execute(update(candidates).where(candidates.c.id == cid).values(status=status, reason=reason))


def fact_exists(conn: Connection, q: QueuedCandidate, briefing: str) -> bool:
    if q.kind == "figure":
        return conn.execute(select(figures.c.id).where(figures.c.id == q.fact.id)).first() is not None  # type: ignore[attr-defined]
    if q.replaces:
        return False
    return conn.execute(select(facts.c.id).where(facts.c.briefing == briefing,
                                                 facts.c.id == q.fact.id)).first() is not None  # type: ignore[attr-defined]


def apply(store: Store, conn: Connection, c: Candidate, known: Known, briefing: str) -> None:
    """Write one candidate into the briefing (inside the caller's transaction) and into `known`."""
    fact = c.fact
    if isinstance(fact, Figure):
        store.add_figure(fact, conn, briefing)
        known.figures.append(fact)
    elif c.replaces:
        store.replace_fact(c.kind, fact, conn, briefing)
        known.upcoming = [fact if u.id == c.replaces else u for u in known.upcoming]  # type: ignore[misc]
    else:
        store.add_fact(c.kind, fact, conn, briefing)
        if c.kind in _KNOWN_LISTS:
            getattr(known, _KNOWN_LISTS[c.kind]).append(fact)
