"""What changed since a date: new and updated facts and figures, by the dates of the reports behind them."""

from __future__ import annotations

import datetime as dt

from bot.core.citations import Citer
from bot.core.figures import change_text, is_headline, series_of
from bot.core.models import Actor, Briefing, Fact
from bot.core.reply import Reply, Section

KIND_LABELS = {"actors": "Actor", "events": "Event", "claims": "Claim", "requests": "Request",
               "agreements": "Agreement", "upcoming": "Upcoming", "notes": "Note"}


def figure_changes(b: Briefing, since: dt.date, cite: Citer | None = None) -> list[str]:
    """'Killed: at least 11 people as of 12 Dec 2025, up from at least 10 on 9 Dec 2025 [1]' per changed series."""
    out = []
    for s in series_of(b.figures):
        fresh = [f for f in s.points if f.as_of >= since]
        if not fresh:
            continue
        cur = s.current
        before = s.previous(since)
        change = change_text(cur, before) or "new"
        label = s.metric.capitalize() + ("" if is_headline(s.scope) else f" ({s.scope})")
        marks = cite.cite(cur.evidence) if cite else ""
        out.append(f"{label}: {cur.amount()} {cur.noun} as of {day(cur.as_of)}, {change} {marks}".rstrip())
    return out


def fact_changes(b: Briefing, since: dt.date, cite: Citer | None = None) -> list[str]:
    """Facts resting on a report published on or after `since`: new ones, and updated ones (older
    evidence plus newer, like an announced meeting now held)."""
    out = []
    for label, verb, fact, newer in changed_facts(b, since):
        text = getattr(fact, "summary", "") or fact.statement
        marks = cite.cite(newer) if cite else ""
        out.append(f"{label} ({verb}): {text} {marks}".rstrip())
    return out


def kind_label(attr: str, fact: Fact) -> str:
    """'Person', 'Country', 'Government' ... for an actor (by its kind), else the kind of fact."""
    if isinstance(fact, Actor):
        return fact.kind.capitalize()
    return KIND_LABELS[attr]


def changed_facts(b: Briefing, since: dt.date) -> list[tuple[str, str, Fact, list]]:
    """(label, "new" | "updated", fact, its evidence from reports on or after `since`) per changed fact."""
    dates = {s.id: s.published_at for s in b.sources}
    out = []
    for attr in KIND_LABELS:
        for fact in getattr(b, attr):
            # Evidence whose report is unknown counts as neither new nor old (not as "new").
            dated = [(e, dates[e.source_id]) for e in fact.evidence if e.source_id in dates]
            newer = [e for e, d in dated if d >= since]
            if not newer:
                continue
            verb = "updated" if any(d < since for _, d in dated) else "new"
            out.append((kind_label(attr, fact), verb, fact, newer))
    return out


def changes_data(b: Briefing, since: dt.date) -> dict:
    """`changes --json`: the changed figure series and facts as data (see bot.core.data)."""
    from bot.core import data

    figures = [data.series(b, s) for s in series_of(b.figures) if any(f.as_of >= since for f in s.points)]
    facts = [{"kind": label.lower(), "change": verb, **data.fact(b, fact),
              "new_evidence": data.evidence(b, newer)} for label, verb, fact, newer in changed_facts(b, since)]
    reports = [{"id": s.id, "title": s.title, "publisher": s.publisher, "url": s.url,
                "published": s.published_at.isoformat()} for s in b.sources if s.published_at >= since]
    return {"schema": data.SCHEMA_VERSION, "since": since.isoformat(), "figures": figures, "facts": facts,
            "reports": reports}


def changes_reply(b: Briefing, since: dt.date) -> Reply:
    cite = Citer(b)
    figures = figure_changes(b, since, cite)
    facts = fact_changes(b, since, cite)
    reports = [f"{s.title} ({s.published_at.isoformat()})" for s in b.sources if s.published_at >= since]
    sections = []
    if figures:
        sections.append(Section(heading="Figures", items=figures))
    if facts:
        sections.append(Section(heading="Facts", items=facts))
    if reports:
        sections.append(Section(heading="Reports", items=reports))
    if not sections:
        sections = [Section(text=f"Nothing new since {day(since)}.")]
    return Reply(title=f"What changed since {day(since)}", sections=sections, citations=cite.citations,
                 command="changes", found=bool(figures or facts))


def day(d: dt.date) -> str:
    return f"{d.day} {d.strftime('%b %Y')}"
