"""The morning briefing: headline figures with what changed, new events and statements, contested
claims, what is coming up, and the sources.

"What changed" is measured against a baseline: what the briefing knew when the last briefing reached
the channel (the figure and fact ids recorded in the ledger), or, for previews, a date.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from bot.core.citations import Citer
from bot.core.commands import (
    STANCE_WORDS,
    actor_name,
    contested_section,
    day,
    series_label,
    short_date,
    sorted_events,
)
from bot.core.figures import Series, change_text, is_headline, series_of
from bot.core.models import Briefing, Claim, Event, Evidence, Figure
from bot.core.reply import Reply, ReplyField, Section

SHORT_EVENTS = 3
SHORT_UPCOMING = 2


@dataclass
class Baseline:
    """What the channel last saw: a date, and (from the ledger) exactly which figures and facts."""

    date: dt.date | None = None
    figure_ids: set[str] | None = None
    fact_ids: set[str] | None = None

    @classmethod
    def from_shown(cls, date: dt.date, shown: dict) -> Baseline:
        if not shown or "figures" not in shown:
            return cls(date=date)
        return cls(date=date, figure_ids=set(shown["figures"]), fact_ids=set(shown.get("facts", [])))

    def figure_before(self, s: Series) -> Figure | None:
        if self.date is None:
            return None
        if self.figure_ids is not None:
            seen = [f for f in s.points if f.id in self.figure_ids]
            if not seen:
                return None
            latest = max(f.as_of for f in seen)
            return next(f for f in seen if f.as_of == latest)
        return s.previous(self.date + dt.timedelta(days=1))

    def is_new(self, b: Briefing, fact_id: str, evidence: list[Evidence], when: dt.date | None) -> bool:
        if self.date is None:
            return False
        if self.fact_ids is not None:
            return fact_id not in self.fact_ids
        if when is not None and when > self.date:
            return True
        published = [s.published_at for ev in evidence if (s := b.source(ev.source_id))]
        return bool(published) and min(published) > self.date


def snapshot(b: Briefing) -> dict:
    """What this briefing knows, stored with the delivery as the next one's baseline."""
    return {"figures": [f.id for f in b.figures], "facts": [f.id for f in b.facts()]}


def as_known_on(b: Briefing, date: dt.date) -> Briefing:
    """The briefing as it stood on a date: sources published by then and what rests on them."""
    kept = {s.id for s in b.sources if s.published_at <= date}
    if not kept:
        return b

    def ok(evidence: list[Evidence]) -> bool:
        return all(ev.source_id in kept for ev in evidence)

    return b.model_copy(update={
        "as_of": min(b.as_of, date),
        "sources": [s for s in b.sources if s.id in kept],
        "actors": [x for x in b.actors if ok(x.evidence)],
        "events": [x for x in b.events if ok(x.evidence)],
        "claims": [x for x in b.claims if ok(x.evidence)],
        "requests": [x for x in b.requests if ok(x.evidence)],
        "agreements": [x for x in b.agreements if ok(x.evidence)],
        "upcoming": [x for x in b.upcoming if ok(x.evidence)],
        "figures": [f for f in b.figures if f.as_of <= date and ok(f.evidence)],
        "notes": [x for x in b.notes if ok(x.evidence)],
    })


def morning_reply(b: Briefing, local_date: dt.date, fmt: str = "short",
                  baseline: Baseline | None = None) -> Reply:
    baseline = baseline or Baseline()
    full = fmt == "full"
    cite = Citer(b)
    sections: list[Section] = []

    # Figures, each with its change since the baseline.
    fields: list[ReplyField] = []
    changed: list[str] = []
    for s in series_of(b.figures):
        if not (full or is_headline(s.scope)):
            continue
        cur = s.current
        before = baseline.figure_before(s)
        change = change_text(cur, before) if before is not None else ""
        if baseline.date is not None and before is None:
            change = "new since the last briefing"
        value = f"{cur.amount()} {cur.noun} (as of {short_date(cur.as_of)})"
        if s.disagreeing():
            value += f"; sources disagree: {s.range_text()}"
        if change:
            value += f", {change}"
        fields.append(ReplyField(name=series_label(s), value=f"{value} {cite.cite(cur.evidence)}".rstrip()))
        if before is not None and before is not cur and not change.startswith("unchanged"):
            changed.append(f"{series_label(s)}: {cur.phrase()}, {change} {cite.cite(cur.evidence)}".rstrip())
        elif before is None and baseline.date is not None:
            changed.append(f"{series_label(s)}: {cur.phrase()} (first reported) {cite.cite(cur.evidence)}".rstrip())

    # New events and statements since the baseline; lines are made (and cited) only for what is shown.
    fresh: list[Callable[[], str]] = []
    for e in sorted_events(b.events):
        if baseline.is_new(b, e.id, e.evidence, e.when.date):
            fresh.append(lambda e=e: _event_line(e, cite))
    for c in b.claims:
        if baseline.is_new(b, c.id, c.evidence, None):
            fresh.append(lambda c=c: _claim_line(b, c, cite))
    for r in b.requests:
        if baseline.is_new(b, r.id, r.evidence, None):
            fresh.append(lambda r=r: f"{r.statement} {cite.cite(r.evidence)}".rstrip())

    if baseline.date is not None:
        since = short_date(baseline.date)
        shown = fresh if full else fresh[:SHORT_EVENTS]
        items = changed + [line() for line in shown]
        if len(shown) < len(fresh):
            items.append(f"… and {len(fresh) - len(shown)} more (see /timeline and /claims)")
        text = "" if items else f"No new figures, events or statements since the briefing of {since}."
        sections.append(Section(heading=f"What changed since {since}", text=text, items=items))
    else:
        sections.append(Section(text="First morning briefing in this channel: here is the situation now."))

    if fields and full:
        sections.append(Section(heading="Figures", fields=fields))
    elif fields:
        # As lines, not fields: Discord draws text after fields in a new embed, and short is one embed.
        sections.append(Section(heading="Figures", items=[f"{f.name}: {f.value}" for f in fields]))

    if baseline.date is None or full:
        recent = sorted_events(b.events) if full else sorted_events(b.events)[-SHORT_EVENTS:]
        if recent:
            sections.append(Section(heading="Timeline" if full else "Latest",
                                    items=[_event_line(e, cite) for e in recent]))

    contested = contested_section(b, cite.cite, full)
    if contested:
        sections.append(contested)

    ahead = [f"{u.summary} ({day(u.when) if u.when else 'date not set'}) {cite.cite(u.evidence)}".rstrip()
             for u in b.upcoming if u.status in ("announced", "scheduled")]
    if ahead:
        sections.append(Section(heading="Coming up", items=ahead if full else ahead[:SHORT_UPCOMING]))

    title = f"Morning briefing — {b.conflict} — {local_date.strftime('%a')} {short_date(local_date)}"
    return Reply(title=title, sections=sections, citations=cite.citations, command="morning")


async def add_narrative(reply: Reply, b: Briefing, settings: object = None, client: object = None) -> Reply:
    """The morning briefing with a model-written opening paragraph on top, when a model is configured and
    the paragraph passes every check (numbers, names, dates, quotes, who-did-what, contested sides);
    otherwise the briefing exactly as it was. Never raises."""
    try:
        from bot.config import load_settings

        settings = settings or load_settings()
        if not getattr(settings, "openai_enabled", False):
            return reply
        from bot.core.engine import OfflineEngine
        from bot.llm.narrative import narrative

        passages = OfflineEngine(b).retrieve("latest situation figures contested claims what comes next", k=8)
        paragraph = await narrative(reply.to_text(), passages, settings=settings, client=client, briefing=b)
    except Exception:  # noqa: BLE001 - the plain briefing must go out whatever happens to the paragraph
        return reply
    if not paragraph:
        return reply
    return dataclasses.replace(reply, sections=[Section(text=paragraph), *reply.sections])


def _event_line(e: Event, cite: Citer) -> str:
    return f"{day(e.when)} — {e.summary} {cite.cite(e.evidence)}".rstrip()


def _stance(c: Claim) -> str:
    return STANCE_WORDS.get(c.stance, c.stance)


def _claim_line(b: Briefing, c: Claim, cite: Citer) -> str:
    return f"{actor_name(b, c.by)} {_stance(c)}: {c.claim} ({c.status}) {cite.cite(c.evidence)}".rstrip()
