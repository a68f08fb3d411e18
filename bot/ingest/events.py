"""Dated events in a report ("The clashes broke out on Sunday", "agreed to hold a General Border Committee
meeting on December 24"), and whether two descriptions are the same event."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from bot.ingest.dateline import MONTHS, WEEKDAYS, resolve_day
from bot.ingest.text import Sentence, content_words

_MONTH = "|".join(m.title() for m in MONTHS) + r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec"
_WEEKDAY = "|".join(d.title() for d in WEEKDAYS)
DATE_PHRASE = re.compile(
    rf"\b(?i:on)\s+(?:(?:{_WEEKDAY}),?\s+)?(?:the\s+)?(?:(?:{_MONTH})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTH}))(?:,?\s+(?:19|20)\d\d)?\b"
    rf"|\b(?i:in\s+the\s+(?:early|small)\s+hours\s+of|early|late)\s+(?:{_WEEKDAY})\b"
    rf"|\b(?i:on|next|last|for|by|until)\s+(?:{_WEEKDAY})(?:\s+(?:morning|afternoon|evening|night))?\b"
    rf"|\b(?i:for|by|until)\s+(?:the\s+)?(?:(?:{_MONTH})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTH}))\b"
    rf"|\b(?:yesterday|tomorrow)\b")
# A time to come without a day: "next week", "within five days", "within the next two weeks".
VAGUE_FUTURE = re.compile(
    r"\b(?P<v>next\s+week|next\s+month|later\s+this\s+week|in\s+the\s+coming\s+(?:days|weeks)"
    r"|within\s+(?:the\s+next\s+)?(?P<n>a|one|two|three|four|five|six|seven|ten|\d+)\s+(?P<unit>days?|weeks?))\b",
    re.IGNORECASE)
_COUNT = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "ten": 10}
REPORTING = re.compile(r"\b(?:said|says|announced|told|wrote|posted|warned|declared|claimed|stated|statement"
                       r"|address|briefing|news\s+conference|replied|added|insisted)\b", re.IGNORECASE)
CANCELLED = re.compile(r"\b(?:would\s+not\s+(?:take\s+place|go\s+ahead)|will\s+not\s+(?:take\s+place|go\s+ahead)"
                       r"|(?:was|were|had\s+been|has\s+been)\s+(?:cancelled|canceled|called\s+off|postponed|scrapped)"
                       r"|collapsed\s+before|did\s+not\s+take\s+place|never\s+took\s+place)\b", re.IGNORECASE)
# Plans worth following even without a day: talks, trips, votes, withdrawals.
PLAN = re.compile(r"\b(?:meet|meeting|talks?|summit|negotiat\w*|travel|visit|trip|vote|withdraw\w*|pull\s+(?:\w+\s+){0,3}back"
                  r"|pull\s+out|decide|hold|resume|sign|ceasefire|truce)\b", re.IGNORECASE)
KINDS = [
    ("call", r"\b(?:calls?|phoned|phone\s+call|spoke\s+by\s+phone)\b"),
    ("meeting", r"\b(?:met|meet|meets|meeting|talks|summit|convened|convene|session|conference)\b"),
    ("ceasefire", r"\b(?:ceasefire|cease-fire|truce|armistice)\b"),
    ("agreement", r"\b(?:signed|sign|agreement|accord|deal)\b"),
    ("explosion", r"\b(?:bomb|bombing|blast|exploded|explosion|landmine|mine)\b"),
    ("clash", r"\b(?:clash|clashes|fighting|fired|fire|shelling|shelled|attack|attacks|attacked|airstrikes?"
              r"|offensive|operations|broke\s+out|erupted|resumed|struck|strikes?|drones?|artillery|rockets?)\b"),
    ("decision", r"\b(?:decision|decided|voted|vote|adopted|resolution)\b"),
    ("statement", r"\b(?:post|said|announced|confirmed|wrote|posted|declared|statement|accused)\b"),
]
FUTURE = re.compile(r"\b(?:will|would|shall|agreed\s+to|plans?\s+to|planned|scheduled|is\s+due|are\s+due|was\s+due"
                    r"|were\s+due|due\s+to|due\s+within|to\s+be\s+held"
                    r"|expected\s+to|set\s+to|next|tomorrow|upcoming)\b", re.IGNORECASE)
SAID_BEFORE = re.compile(r"\b(?:said|says|announced|told\s+\w+|stated|confirmed|wrote|posted|declared)\s*$")
PLACE = re.compile(r"\b(?:in|at)\s+(?P<place>(?:[A-Z][\w'’-]+)(?:\s+[A-Z][\w'’-]+){0,2})")
# "a General Border Committee meeting", "Special ASEAN Foreign Ministers' Meeting": the name a meeting goes by.
MEETING_NAME = re.compile(r"\b((?:[A-Z][\w'’-]*\s+){1,6})((?i:meeting|talks|summit|session|conference))\b")
_DATELINE_PREFIX = re.compile(r"^[^()\n]{2,60}\([^)]{6,40}\)\s*[-–—]\s*")
_GENERIC = {"said", "says", "both", "sides", "countries", "border",
            "officials", "week", "day", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
            "sunday", "morning", "evening", "december", "november", "january", "held", "hold", "took", "part",
            "discuss", "discussed", "after", "meeting", "meet", "met"}


@dataclass
class FoundEvent:
    kind: str
    summary: str
    date: dt.date
    day_text: str  # the words that gave the date ("Sunday", "December 24")
    place: str | None
    future: bool
    sentence: Sentence
    precision: str = "day"  # or "approximate" ("next week")
    status: str = "scheduled"  # of a future item: scheduled | announced | cancelled


def events_in(sentences: list[Sentence], report: dt.date, body_start: int = 0, dateline_end: int = 0,
              ) -> list[FoundEvent]:
    out = []
    for s in sentences:
        if s.start < body_start:
            continue  # the headline repeats the story
        found = event_in(s, report, dateline_end)
        if found is not None and abs((found.date - report).days) <= 400:
            out.append(found)
    return out


# A sentence naming no day or time to come has no event to date.
_ANY_DAY = re.compile(rf"\b(?:{_WEEKDAY}|{_MONTH}|yesterday|tomorrow|next|within|later|coming)\b", re.IGNORECASE)


def event_in(s: Sentence, report: dt.date, dateline_end: int = 0) -> FoundEvent | None:
    text = s.text
    if not _ANY_DAY.search(text):
        return None
    summary = (text[dateline_end - s.start:] if s.start < dateline_end < s.end else _DATELINE_PREFIX.sub("", text)).strip()
    phrases = [m for m in DATE_PHRASE.finditer(text) if m.start() >= dateline_end - s.start]
    vague = VAGUE_FUTURE.search(text)
    fut = FUTURE.search(text)
    if not phrases and vague is None:
        return None
    first = phrases[0] if phrases else None
    # "X said on Thursday that he would decide within two weeks": the day dates the statement; a later day or
    # span after 'would' dates the plan.
    statement_day = None
    if first is not None and fut is not None and first.start() < fut.start() and \
            (REPORTING.search(text[:first.start()]) or SAID_BEFORE.search(text[:first.start()])
             or REPORTING.search(text[first.end():fut.start()])):
        statement_day = resolve_day(first.group(0), report)
    plan = next((m for m in phrases if fut is not None and m.start() > fut.start()), None)
    base = statement_day or report
    if CANCELLED.search(text) and (kind := kind_of(text, 0)) in ("meeting", "call", "agreement", "ceasefire"):
        when = next((m for m in phrases if m.group(0).lower().startswith("for")), plan or first)
        date = resolve_day(when.group(0), base, future=True) if when is not None else None
        if date is not None:
            return FoundEvent(kind, summary, date, _day_words(when.group(0)), place_in(text), True, s,
                              status="cancelled")
    if plan is not None or (vague is not None and fut is not None and vague.start() > fut.start()):
        kind = kind_of(text, (plan or vague).start())
        if kind is None or kind == "statement":
            kind = "plan" if PLAN.search(text[fut.start():]) else None
        if kind is None:
            return None
        if plan is not None:
            date = resolve_day(plan.group(0), base, future=True)
            if re.search(r"\blater\b", text) and resolve_day(plan.group(0), base) == base:
                date = base  # "later on Sunday" in a Sunday report
            if date is None:
                return None
            return FoundEvent(kind, summary, date, _day_words(plan.group(0)), place_in(text), date >= report, s)
        days = _vague_days(vague)
        return FoundEvent(kind, summary, base + dt.timedelta(days=days), vague["v"], place_in(text), True, s,
                          precision="approximate", status="announced")
    if statement_day is not None:
        # An announced plan without its own day ("said it would pull its forces back"): to watch, undated.
        if PLAN.search(text[fut.start():]) and not re.search(r"\b(?:unclear|whether)\b", text[fut.start():]) \
                and not re.match(r"agreed", fut.group(0), re.IGNORECASE):
            return FoundEvent("plan", summary, statement_day, _day_words(first.group(0)), place_in(text), True, s,
                              status="announced")
        kind = kind_of(text, first.start())
        if kind not in (None, "statement", "clash"):
            return FoundEvent(kind, summary, statement_day, _day_words(first.group(0)), place_in(text), False, s)
        if False:
            return FoundEvent("plan", summary, statement_day, _day_words(first.group(0)), place_in(text), True, s,
                              status="announced")
        return FoundEvent("statement", summary, statement_day, _day_words(first.group(0)), place_in(text), False, s)
    if first is None:
        return None
    kind = kind_of(text, first.start())
    if kind is None:
        return None
    said = bool(SAID_BEFORE.search(text[:first.start()]))
    # "agreed on Friday to set up a mission": a plan word after the day is the day's decision, not a plan.
    future = fut is not None and fut.start() < first.start() and not said
    if said:
        kind = "statement"
    phrase = first.group(0)
    date = resolve_day(phrase, report, future=future or phrase.lower().startswith("for "))
    if date is None:
        return None
    if future and re.search(r"\blater\b", text) and resolve_day(phrase, report) == report:
        date = report  # "later on Sunday" in a Sunday report
    if date > report:
        future = True
    elif future and date < report:
        future = False  # "agreed to" about a past day: it happened
    elif future and date == report and not re.search(r"\b(?:later|due|will|scheduled|expected|to\s+be\s+held)\b", text):
        future = False
    return FoundEvent(kind, summary, date, _day_words(phrase), place_in(text), future, s)


def _day_words(phrase: str) -> str:
    return phrase.split(" ", 1)[-1] if phrase.split(" ", 1)[0].lower() in ("on", "for", "by", "until") else phrase


def _vague_days(m: re.Match) -> int:
    v = m["v"].lower()
    if m["unit"]:
        n = _COUNT.get(m["n"].lower()) or int(m["n"])
        return n * (7 if m["unit"].lower().startswith("week") else 1)
    return {"next week": 7, "next month": 30, "later this week": 3}.get(v, 7)


def kind_of(text: str, at: int = 0) -> str | None:
    """The kind named nearest to the date in the sentence ("the agreement signed on October 26"); a mere
    statement only when nothing else happened in it."""
    best: tuple[int, int, str] | None = None
    for rank, (kind, rx) in enumerate(KINDS):
        if kind == "statement" and best is not None:
            break
        for m in re.finditer(rx, text, re.IGNORECASE):
            distance = abs(m.start() - at)
            if best is None or (distance, rank) < best[:2]:
                best = (distance, rank, kind)
    return best[2] if best else None


def place_in(text: str) -> str | None:
    for m in PLACE.finditer(text):
        place = m["place"]
        first = place.split()[0]
        if first in MONTHS or first.lower() in MONTHS or first.lower() in WEEKDAYS:
            continue
        if first in ("The", "A", "An"):
            continue
        return place
    return None


def identity_words(text: str) -> set[str]:
    """Words that name an event (its body, its place, its subject), without dates and generic words."""
    # The parties' names (capitalised, and their adjectives) are in every report of a conflict: they tell two
    # events apart no better than "said" does.
    names = {w.lower()[:5] for w in re.findall(r"\b[A-Z][a-z]{3,}", text)}
    return {w for w in content_words(text) if w not in _GENERIC and not w.isdigit() and w[:5] not in names}


def name_words(text: str) -> set[str]:
    """Words of the first named meeting in text ("general", "border", "committee"), or an empty set."""
    m = MEETING_NAME.search(text)
    if m is None:
        return set()
    words = {w.lower().removesuffix("'s").removesuffix("’s").rstrip("'’") for w in m.group(1).split()}
    return words - {"the", "a", "an", "special", "after", "before", "opening", "during"}


def same_event(kind_a: str, text_a: str, kind_b: str, text_b: str) -> bool:
    """Same kind, and the same named meeting, or (unnamed) enough distinctive words in common."""
    if kind_a != kind_b:
        return False
    name_a, name_b = name_words(text_a), name_words(text_b)
    if name_a and name_b:
        return len(name_a & name_b) >= max(1, min(len(name_a), len(name_b)) - 1)
    a, b = identity_words(text_a), identity_words(text_b)
    shared = a & b
    return len(shared) >= 3 or (len(shared) >= 2 and len(shared) >= 0.6 * min(len(a), len(b)))
