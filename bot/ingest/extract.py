"""Offline extraction: a report's text -> candidate facts, each with an evidence quote located in the text.

Figures, named people with roles, dated events (past ones as events, future ones as upcoming items), and
announced meetings reported as held. A candidate whose quote cannot be located is dropped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from bot.core.evidence import locate
from bot.core.models import (
    Actor,
    Claim,
    DateRef,
    Event,
    Evidence,
    Fact,
    Figure,
    Participant,
    Source,
    Upcoming,
)
from bot.ingest.claims import FoundClaim, contested
from bot.ingest.dateline import find_dateline
from bot.ingest.events import MEETING_NAME, FoundEvent, events_in
from bot.ingest.figures import FoundFigure, figures_in
from bot.ingest.injection import flagged
from bot.ingest.meetings import HeldMeeting, held_meetings
from bot.ingest.people import Person, people_in
from bot.ingest.text import content_words, sentences, slug

METRIC_KEYWORDS = {
    "killed": ["dead", "died", "deaths", "death toll", "killed", "fatalities", "lives lost", "toll"],
    "injured": ["injured", "wounded", "hurt", "injuries"],
    "displaced": ["fled", "displaced", "evacuated", "evacuees", "shelters", "homes", "refugees"],
    "missing": ["missing", "unaccounted"],
    "detained": ["detained", "arrested", "held", "prisoners"],
    "returned": ["returned", "returnees", "home"],
}


@dataclass
class Known:
    """What the briefing already holds, as far as extraction and conflict checks need it (no source texts)."""

    actors: list[Actor] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    upcoming: list[Upcoming] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)  # those applied in this transaction


@dataclass
class Candidate:
    kind: str  # figure | actor | event | upcoming | claim | note
    fact: Fact | Figure
    summary: str  # one line for the reviewer
    replaces: str | None = None  # the id of the fact this one updates (an announced meeting now held)
    status: str = "pending"
    reason: str = ""

    @property
    def quote(self) -> str:
        return self.fact.evidence[-1].quote


def extract(source: Source, known: Known) -> list[Candidate]:
    text = source.text
    report = source.published_at
    line = find_dateline(text, report.year)
    body_start = line.start if line else 0
    all_sents = sentences(text)
    short = hashlib.sha256(source.id.encode()).hexdigest()[:6]
    out: list[Candidate] = []
    # Text addressed to a reader or a model yields nothing but a flag for the reviewer.
    suspect = flagged(all_sents)
    out += [c for s in suspect if (c := flag_candidate(s, source, short))]
    sents = [s for s in all_sents if s not in suspect]
    out += [c for f in figures_in(sents, report, body_start, text) if (c := figure_candidate(f, source, short))]
    for found in contested(sents, text):
        out += claim_candidates(found, source, short)
    people = people_in(sents, text, [a.country for a in known.actors if a.country])
    out += [c for p in people if (c := actor_candidate(p, source, known))]
    held = held_meetings(sents, report, known.upcoming, people, body_start)
    for h in held:
        out += held_candidates(h, source, known)
    held_at = {h.sentence.start for h in held}
    for e in events_in(sents, report, body_start, line.end if line else 0):
        if e.sentence.start in held_at:
            continue
        if (c := event_candidate(e, source, short)) is not None:
            out.append(c)
    return out


FLAG_REASON = "text addressed to a reader or a model: nothing is taken from it as fact"


def flag_candidate(s, source: Source, short: str) -> Candidate | None:  # noqa: ANN001 - a Sentence
    ev = evidence(source, s.text)
    if ev is None:
        return None
    note = Fact(id=f"note-flagged-{short}-{s.start}", statement=(
        f"“{source.title}” quotes text addressed to a reader or a model; it is not a source for any figure "
        f"or claim: {s.text}"), keywords=["unverified", "post", "claim", "instructions"], evidence=ev)
    return Candidate("note", note, f"FLAGGED (not used): {s.text[:160]}", status="flagged", reason=FLAG_REASON)


def evidence(source: Source, *quotes: str) -> list[Evidence] | None:
    """Evidence located in the source text; None when a quote is not there (the candidate is dropped)."""
    out = []
    for quote in quotes:
        span = locate(quote, source.text)
        if span is None:
            return None
        out.append(Evidence(source_id=source.id, quote=source.text[span[0]:span[1]], char_start=span[0],
                            char_end=span[1]))
    return out


def day_label(d: dt.date) -> str:
    return f"{d.day} {d.strftime('%b %Y')}"


# -- figures --------------------------------------------------------------------------------------

def figure_candidate(f: FoundFigure, source: Source, short: str) -> Candidate | None:
    ev = evidence(source, f.sentence.text)
    if ev is None:
        return None
    scope_slug = slug(f.scope, 24) if f.scope else "all"
    fig = Figure(id=f"fg-{f.metric}-{scope_slug}-{f.as_of.isoformat()}-{short}-{f.value}", metric=f.metric,
                 value=f.value, value_high=f.value_high, qualifier=f.qualifier, noun=f.noun, scope=f.scope,
                 detail=f.detail, by=f.by, as_of=f.as_of, source_id=source.id, evidence=ev,
                 keywords=METRIC_KEYWORDS.get(f.metric, []) + sorted(content_words(f"{f.scope} {f.by}")))
    where = f" — {f.scope}" if f.scope else " — overall"
    detail = f" ({f.detail})" if f.detail else ""
    by = f", according to {f.by}" if f.by else ""
    return Candidate("figure", fig, f"{fig.phrase()}{where}{detail}, as of {day_label(f.as_of)}{by}")


# -- contested claims -----------------------------------------------------------------------------

def claim_candidates(found: FoundClaim, source: Source, short: str) -> list[Candidate]:
    """Each side of a contested point as a claim of one topic, status disputed, in the report's own words."""
    out = []
    for side in found.sides:
        ev = evidence(source, *dict.fromkeys(s.text for s in side.sentences))
        if ev is None:
            return []
        words = sorted(content_words(f"{found.topic} {side.by}"))[:20]
        claim = Claim(id=f"cl-{slug(found.topic, 30)}-{slug(side.by, 20)}-{short}", claim=side.text, by=side.by,
                      stance=side.stance, status="disputed", topic=found.topic, statement=side.text,
                      keywords=["disputed", "contested", "denied", *words], evidence=ev)
        verb = "denies" if side.stance == "denies" else "says"
        out.append(Candidate("claim", claim, f"contested — {found.topic}: {side.by} {verb}: {side.text[:140]}"))
    return out


# -- people ---------------------------------------------------------------------------------------

def known_actor(name: str, known: Known) -> Actor | None:
    low = name.lower()
    for a in known.actors:
        if low == a.name.lower() or low in (x.lower() for x in a.aliases):
            return a
    return None


def actor_candidate(p: Person, source: Source, known: Known) -> Candidate | None:
    if known_actor(p.name, known) is not None:
        return None
    ev = evidence(source, p.sentence.text)
    if ev is None:
        return None
    role = p.role[0].lower() + p.role[1:] if p.former else p.role
    # The report's title stays out: its words would make this profile match questions about the story.
    statement = f"{p.name} is {'a' if p.former else 'the'} {role}."
    keywords = sorted(content_words(p.role))
    if p.appointed:
        # "named X as the new chief of staff": who replaced whom is asked of such a sentence.
        statement = f"{p.name} was named the new {role}: {p.sentence.text}"
        keywords += ["named", "appointed", "new", "replaced", "replacement", "successor"]
    aliases = [p.name.split()[-1], p.quote] if len(p.name.split()) > 1 else [p.quote]
    if p.rank:
        aliases.append(f"{p.rank} {p.name}")
    actor = Actor(id=slug(p.name), name=p.name, aliases=aliases, kind="person", country=p.country, role=p.role,
                  statement=statement, keywords=keywords, evidence=ev)
    return Candidate("actor", actor, f"{p.name} — {p.role}")


# -- events ---------------------------------------------------------------------------------------

def event_candidate(e: FoundEvent, source: Source, short: str) -> Candidate | None:
    ev = evidence(source, e.sentence.text)
    if ev is None:
        return None
    words = sorted(content_words(e.summary))[:20]
    fact_id = f"{'up' if e.future else 'ev'}-{e.date.isoformat()}-{slug(e.summary, 28)}-{short}"
    if e.future:
        if e.kind == "plan" and e.status == "announced" and e.precision == "day":
            # Announced on that day, for no given day: the item is the plan, dated by nothing yet.
            when = None
            label = f"announced {day_label(e.date)}, no date given"
        else:
            when = DateRef(date=e.date, precision="approximate" if e.precision == "approximate" else "day",
                           text=_when_text(e))
            label = f"{'around ' if e.precision == 'approximate' else ''}{day_label(e.date)}"
        named = MEETING_NAME.search(e.summary)
        summary = f"{named.group(1).strip()} {named.group(2)} ({label})" if named else e.summary
        status = e.status if e.status in ("announced", "cancelled") else "scheduled"
        fact: Fact = Upcoming(id=fact_id, summary=summary, statement=e.summary, when=when, status=status,
                              keywords=[e.kind, status, "next", "upcoming", *words], evidence=ev)
        return Candidate("upcoming", fact, f"upcoming {e.kind} ({status}), {label}: {e.summary}")
    when = DateRef(date=e.date, precision="day", text=_when_text(e))
    fact = Event(id=fact_id, kind=e.kind, summary=e.summary, statement=e.summary, when=when, place=e.place,
                 modality="happened", keywords=[e.kind, *words], evidence=ev)
    return Candidate("event", fact, f"{e.kind}, {day_label(e.date)}: {e.summary}")


def _when_text(e: FoundEvent) -> str:
    first = e.day_text.split()[0] if e.day_text.split() else ""
    return e.day_text if not e.day_text[:1].isdigit() and first not in MONTH_WORDS and first != "the" else ""


MONTH_WORDS = {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct",
               "Nov", "Dec"}


def held_candidates(h: HeldMeeting, source: Source, known: Known) -> list[Candidate]:
    """The announced item updated to 'held' (date, place, chair), and the meeting as an event."""
    quotes = [h.sentence.text] + ([h.chair_sentence.text] if h.chair_sentence is not None
                                  and h.chair_sentence.start != h.sentence.start else [])
    ev = evidence(source, *quotes)
    if ev is None:
        return []
    u = h.upcoming
    when = DateRef(date=h.date, precision="day", text=h.day_text if h.day_text.split()[0] not in MONTH_WORDS else "")
    where = f" in {h.place}" if h.place else ""
    chaired = ""
    participants = []
    extra_words = ["held", "met", "meet", "took place", "when", "date"]
    if h.chair is not None:
        chair_actor = known_actor(h.chair.name, known)
        chaired = f", chaired by {h.chair.quote}"
        participants.append(Participant(actor=chair_actor.id if chair_actor else slug(h.chair.name), role="chair"))
        extra_words += ["chaired", "chair", *h.chair.name.lower().split()]
    if h.place:
        extra_words += [h.place.lower(), *h.place.lower().split()]
    summary = f"{h.name} held on {day_label(h.date)}{where}{chaired}"
    announced = f"; it had been announced by {actor_name(u.announced_by, known)}" if u.announced_by else ""
    statement = f"The {h.name} was held on {day_label(h.date)}{where}{chaired}{announced}."
    keywords = list(dict.fromkeys([*u.keywords, *extra_words]))
    updated = u.model_copy(update={"status": "held", "when": when, "summary": summary, "statement": statement,
                                   "keywords": keywords, "evidence": [*u.evidence, *ev]})
    event = Event(id=f"ev-{u.id.removeprefix('up-')}-held", kind="meeting", summary=summary, statement=statement,
                  when=when, place=h.place, participants=participants, modality="happened",
                  keywords=keywords, evidence=ev)
    return [Candidate("upcoming", updated, f"held: {summary} (was: {u.status})", replaces=u.id),
            Candidate("event", event, f"meeting, {day_label(h.date)}: {summary}")]


def actor_name(actor_id: str, known: Known) -> str:
    a = next((a for a in known.actors if a.id == actor_id), None)
    return a.name if a else actor_id
