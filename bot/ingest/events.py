"""Dated events in a report ("The clashes broke out on Sunday", "agreed to hold a General Border Committee
meeting on December 24"), and whether two descriptions are the same event."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from bot.ingest.dateline import MONTHS, WEEKDAYS, resolve_day
from bot.ingest.text import NATIONALITIES, Sentence, content_words

_MONTH = "|".join(m.title() for m in MONTHS) + r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec"
_WEEKDAY = "|".join(d.title() for d in WEEKDAYS)
DATE_PHRASE = re.compile(
    rf"\b(?:on)\s+(?:(?:{_WEEKDAY}),?\s+)?(?:the\s+)?(?:(?:{_MONTH})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTH}))(?:,?\s+(?:19|20)\d\d)?\b"
    rf"|\b(?:on|next|last)\s+(?:{_WEEKDAY})(?:\s+(?:morning|afternoon|evening|night))?\b"
    rf"|\b(?:yesterday|tomorrow)\b")
KINDS = [
    ("call", r"\b(?:calls?|phoned|phone\s+call|spoke\s+by\s+phone)\b"),
    ("meeting", r"\b(?:met|meet|meets|meeting|talks|summit|convened|convene|session|conference)\b"),
    ("ceasefire", r"\b(?:ceasefire|cease-fire|truce|armistice)\b"),
    ("agreement", r"\b(?:signed|sign|agreement|accord|deal)\b"),
    ("explosion", r"\b(?:bomb|bombing|blast|exploded|explosion|landmine|mine)\b"),
    ("clash", r"\b(?:clash|clashes|fighting|fired|fire|shelling|shelled|attack|attacks|attacked|airstrikes?"
              r"|offensive|operations|broke\s+out|erupted|resumed|struck|strikes?|drones?|artillery|rockets?)\b"),
    ("decision", r"\b(?:decision|decided)\b"),
    ("statement", r"\b(?:post|said|announced|confirmed|wrote|posted|declared|statement|accused)\b"),
]
FUTURE = re.compile(r"\b(?:will|would|shall|agreed\s+to|plans?\s+to|planned|scheduled|is\s+due|are\s+due|to\s+be\s+held"
                    r"|expected\s+to|set\s+to|next|tomorrow|upcoming)\b", re.IGNORECASE)
SAID_BEFORE = re.compile(r"\b(?:said|says|announced|told\s+\w+|stated|confirmed|wrote|posted|declared)\s*$")
PLACE = re.compile(r"\b(?:in|at)\s+(?P<place>(?:[A-Z][\w'’-]+)(?:\s+[A-Z][\w'’-]+){0,2})")
# "a General Border Committee meeting", "Special ASEAN Foreign Ministers' Meeting": the name a meeting goes by.
MEETING_NAME = re.compile(r"\b((?:[A-Z][\w'’-]*\s+){1,6})((?i:meeting|talks|summit|session|conference))\b")
_DATELINE_PREFIX = re.compile(r"^[^()\n]{2,60}\([^)]{6,40}\)\s*[-–—]\s*")
_GENERIC = {"said", "says", "thai", "thailand", "cambodia", "cambodian", "both", "sides", "countries", "border",
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


def events_in(sentences: list[Sentence], report: dt.date, body_start: int = 0) -> list[FoundEvent]:
    out = []
    for s in sentences:
        if s.start < body_start:
            continue  # the headline repeats the story
        m = DATE_PHRASE.search(s.text)
        if m is None:
            continue
        kind = kind_of(s.text, m.start())
        if kind is None:
            continue
        # "said on Monday that ... would": the date is the statement's, not the plan's.
        said = bool(SAID_BEFORE.search(s.text[:m.start()]))
        future = bool(FUTURE.search(s.text)) and not said
        if said:
            kind = "statement"
        date = resolve_day(m.group(0), report, future=future)
        if date is None:
            continue
        if date > report:
            future = True
        elif future and date <= report:
            future = False  # "agreed to" about a past day: it happened
        if abs((date - report).days) > 400:
            continue
        summary = _DATELINE_PREFIX.sub("", s.text).strip()
        out.append(FoundEvent(kind=kind, summary=summary, date=date, day_text=m.group(0).split(" ", 1)[-1],
                              place=place_in(s.text), future=future, sentence=s))
    return out


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
        if first in MONTHS or first.lower() in MONTHS or first.lower() in WEEKDAYS or first.lower() in NATIONALITIES:
            continue
        if first in ("July", "October", "The", "A", "An"):
            continue
        return place
    return None


def identity_words(text: str) -> set[str]:
    """Words that name an event (its body, its place, its subject), without dates and generic words."""
    return {w for w in content_words(text) if w not in _GENERIC and not w.isdigit()}


def name_words(text: str) -> set[str]:
    """Words of the first named meeting in text ("general", "border", "committee"), or an empty set."""
    text = re.sub(r"Association\s+of\s+Southeast\s+Asian\s+Nations", "ASEAN", text)
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
