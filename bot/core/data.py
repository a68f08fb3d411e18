"""The briefing as data, for `--json` on the command line: fields, not display strings.

Each command's JSON carries what its text shows, as values a program can use: figures with their
number(s), qualifier, unit, scope, as-of date, sources (with the verbatim quote) and history; facts with
their dates, status and evidence. Nothing here formats for reading.
"""

from __future__ import annotations

from typing import Any

from bot.core.commands import actor_name, sorted_events
from bot.core.figures import Series, is_headline, series_of
from bot.core.models import Briefing, DateRef, Evidence, Fact, Figure

SCHEMA_VERSION = 1


def evidence(b: Briefing, items: list[Evidence]) -> list[dict[str, Any]]:
    """Each piece of evidence with the report it comes from."""
    out = []
    for e in items:
        src = b.source(e.source_id)
        out.append({"source_id": e.source_id, "quote": e.quote,
                    "title": src.title if src else "", "publisher": src.publisher if src else "",
                    "published": src.published_at.isoformat() if src else None, "url": src.url if src else ""})
    return out


def date_ref(d: DateRef | None) -> dict[str, Any] | None:
    if d is None:
        return None
    return {"date": d.date.isoformat() if d.date else None, "precision": d.precision, "text": d.text,
            "around": d.around.isoformat() if d.around else None, "label": d.label()}


def figure(b: Briefing, f: Figure) -> dict[str, Any]:
    return {"id": f.id, "metric": f.metric, "value": f.value, "value_high": f.value_high,
            "qualifier": f.qualifier, "amount": f.amount(), "unit": f.noun, "scope": f.scope, "detail": f.detail, "by": f.by,
            "as_of": f.as_of.isoformat(), "sources": evidence(b, f.evidence)}


def series(b: Briefing, s: Series) -> dict[str, Any]:
    cur = s.current
    before = s.previous(cur.as_of)
    return {"metric": s.metric, "scope": s.scope, "headline": is_headline(s.scope),
            "current": figure(b, cur),
            "previous": figure(b, before) if before else None,
            # Other reports for the same day that give another number: shown as a range, never averaged.
            "disagreeing": [figure(b, f) for f in s.disagreeing()],
            "history": [figure(b, f) for f in s.history()]}


def casualties(b: Briefing) -> dict[str, Any]:
    return {"schema": SCHEMA_VERSION, "conflict": b.conflict, "as_of": b.as_of.isoformat(),
            "series": [series(b, s) for s in series_of(b.figures)]}


def fact(b: Briefing, f: Fact) -> dict[str, Any]:
    """Any fact's own fields (dates as data), its evidence with sources; search keywords left out."""
    data = f.model_dump(mode="json", exclude={"keywords", "evidence"})
    for key in ("when",):
        if key in data:
            data[key] = date_ref(getattr(f, key))
    if "signed" in data:
        data["signed"] = [date_ref(d) for d in f.signed]
    data["evidence"] = evidence(b, f.evidence)
    return data


def timeline(b: Briefing) -> dict[str, Any]:
    return {"schema": SCHEMA_VERSION, "conflict": b.conflict,
            "events": [fact(b, e) for e in sorted_events(b.events)],
            "upcoming": [fact(b, u) for u in b.upcoming]}


def claims(b: Briefing) -> dict[str, Any]:
    out = []
    for c in b.claims:
        data = fact(b, c)
        data["by_name"] = actor_name(b, c.by)
        out.append(data)
    return {"schema": SCHEMA_VERSION, "conflict": b.conflict, "claims": out}


def sources(b: Briefing) -> dict[str, Any]:
    return {"schema": SCHEMA_VERSION, "sources": [
        {"id": s.id, "title": s.title, "publisher": s.publisher, "url": s.url,
         "published": s.published_at.isoformat()} for s in b.sources]}


def who(b: Briefing, name: str) -> dict[str, Any]:
    """The actors whose name or alias matches (every actor for an empty name), with their events and claims."""
    wanted = name.strip().lower()
    found = []
    for a in b.actors:
        names = [a.name.lower(), *(x.lower() for x in a.aliases)]
        if not wanted or any(wanted == n or wanted in n.split() or (len(wanted) > 3 and wanted in n)
                             for n in names):
            data = fact(b, a)
            data["events"] = [e.id for e in b.events if any(p.actor == a.id for p in e.participants)]
            data["claims"] = [c.id for c in b.claims if c.by == a.id]
            found.append(data)
            if wanted:
                break
    return {"schema": SCHEMA_VERSION, "query": name.strip(), "found": bool(found), "actors": found}


def briefing(b: Briefing, full: bool = False) -> dict[str, Any]:
    """Everything the briefing holds (`full`), or its headline figures and the three latest events."""
    every = series_of(b.figures)
    events = sorted_events(b.events)
    data = {"schema": SCHEMA_VERSION, "title": b.title, "conflict": b.conflict, "as_of": b.as_of.isoformat(),
            "full": full,
            "figures": [series(b, s) for s in every if full or is_headline(s.scope)],
            "events": [fact(b, e) for e in (events if full else events[-3:])],
            "claims": [fact(b, c) for c in b.claims],
            "requests": [fact(b, r) for r in b.requests],
            "agreements": [fact(b, a) for a in b.agreements],
            "upcoming": [fact(b, u) for u in b.upcoming],
            "sources": sources(b)["sources"]}
    if full:
        data["actors"] = [fact(b, a) for a in b.actors]
    return data


def for_command(b: Briefing, command: str, text: str = "") -> dict[str, Any] | None:
    """The data behind a read command's reply, or None for a command without a data form."""
    if command == "casualties":
        return casualties(b)
    if command == "timeline":
        return timeline(b)
    if command == "claims":
        return claims(b)
    if command == "sources":
        return sources(b)
    if command == "who":
        return who(b, text)
    if command == "briefing":
        return briefing(b, full=text.strip().lower() == "full")
    return None
