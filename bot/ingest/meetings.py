"""A report that an announced meeting was held: match it to the briefing's Upcoming item by the meeting's
name words ("ASEAN", "Foreign", "Ministers"), and read its date, place and chair."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from bot.core.models import Upcoming
from bot.ingest.dateline import resolve_day
from bot.ingest.events import DATE_PHRASE, FUTURE, place_in
from bot.ingest.people import Person
from bot.ingest.text import Sentence

HELD = re.compile(r"\b(?:held|met|convened|took\s+place|opened|gathered|was\s+chaired|chaired|concluded)\b",
                  re.IGNORECASE)
ALIASES = [(re.compile(r"Association\s+of\s+Southeast\s+Asian\s+Nations", re.IGNORECASE), "ASEAN"),
           (re.compile(r"\bGBC\b"), "General Border Committee")]
_NAME_END = re.compile(r"\s+(?:on|about|to|in|for|over|,|announced|that|would)\b|,|\s*\(")
_GENERIC = {"special", "meeting", "the", "a", "an", "of", "on", "extraordinary", "emergency", "meet", "summit"}


@dataclass
class HeldMeeting:
    upcoming: Upcoming
    name: str
    date: dt.date
    day_text: str
    place: str | None
    chair: Person | None
    sentence: Sentence
    chair_sentence: Sentence | None


def meeting_name(u: Upcoming) -> str:
    """"Special ASEAN Foreign Ministers' Meeting" from the item's summary."""
    return _NAME_END.split(u.summary, maxsplit=1)[0].strip()


def name_words(name: str) -> set[str]:
    return {w for w in words_of(name) if w not in _GENERIC and len(w) > 1}


def expand(text: str) -> str:
    for rx, short in ALIASES:
        text = rx.sub(short, text)
    return text


def words_of(text: str) -> set[str]:
    return {w.lower().removesuffix("'s").removesuffix("’s").rstrip("'’")
            for w in re.findall(r"[A-Za-z][\w'’-]*", expand(text))}


def held_meetings(sentences: list[Sentence], report: dt.date, upcoming: list[Upcoming], people: list[Person],
                  body_start: int = 0) -> list[HeldMeeting]:
    out = []
    for u in upcoming:
        if u.status == "cancelled":
            continue
        name = meeting_name(u)
        wanted = name_words(name)
        if len(wanted) < 2:
            continue
        for s in sentences:
            if s.start < body_start:
                continue
            have = words_of(s.text)
            missing = wanted - have
            if missing and not (len(wanted) >= 4 and len(missing) == 1):
                continue
            if not HELD.search(s.text) or FUTURE.search(s.text):
                continue
            phrase = DATE_PHRASE.search(s.text)
            date = resolve_day(phrase.group(0), report) if phrase else None
            if date is None or date > report:
                continue
            chair, chair_sentence = chair_of(sentences, people)
            out.append(HeldMeeting(u, name, date, phrase.group(0).split(" ", 1)[-1], place_in(s.text), chair, s,
                                   chair_sentence))
            break
    return out


def chair_of(sentences: list[Sentence], people: list[Person]) -> tuple[Person | None, Sentence | None]:
    for s in sentences:
        at = s.text.find("chaired by")
        if at < 0:
            continue
        for p in people:
            if p.sentence is s or p.sentence.start == s.start:
                if s.text.find(p.name) > at:
                    return p, s
    return None, None
