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


def spells(acronym: str, words: list[str]) -> bool:
    """'ASEAN' for Association, Southeast, Asian, Nations; 'GBC' for General, Border, Committee: every word gives
    its initial, in order, and a letter more may come from inside a word ('southEast')."""
    i = 0
    for k, w in enumerate(words):
        if i >= len(acronym) or acronym[i] != w[0].upper():
            return False
        i += 1
        nxt = words[k + 1][0].upper() if k + 1 < len(words) else None
        rest, pos = w[1:].upper(), 0
        while i < len(acronym) and acronym[i] != nxt:
            p = rest.find(acronym[i], pos)
            if p < 0:
                return False
            pos, i = p + 1, i + 1
    return i == len(acronym)


def _runs(text: str) -> list[list[str]]:
    """Runs of capitalised words (with 'of', 'the', 'and' inside), as word lists without the small words."""
    out = []
    for m in re.finditer(r"\b[A-Z][a-z]+(?:\s+(?:(?:of|the|and|for)\s+)?[A-Z][a-z]+)+", text):
        out.append([w for w in m.group().split() if w[0].isupper()])
    return out


def acronym_in(acronym: str, text: str) -> bool:
    """The acronym spelt out somewhere in text."""
    for run in _runs(text):
        for a in range(len(run)):
            for b in range(a + 2, len(run) + 1):
                if spells(acronym, run[a:b]):
                    return True
    return False


def present(wanted: set[str], name: str, text: str) -> set[str]:
    """The wanted name words found in text, spelt out or as an acronym either way round."""
    have = words_of(text) & wanted
    for w in wanted - have:
        if 2 <= len(w) <= 6 and w.upper() in name and acronym_in(w.upper(), text):
            have.add(w)
    caps = [w for w in re.findall(r"[A-Za-z][\w'’-]*", name) if w[0].isupper()]
    for token in set(re.findall(r"\b[A-Z]{2,6}\b", text)):
        for a in range(len(caps)):
            for b in range(a + 2, len(caps) + 1):
                if spells(token, caps[a:b]):
                    have |= {w.lower() for w in caps[a:b]} & wanted
    return have


def words_of(text: str) -> set[str]:
    return {w.lower().removesuffix("'s").removesuffix("’s").rstrip("'’")
            for w in re.findall(r"[A-Za-z][\w'’-]*", text)}


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
            missing = wanted - present(wanted, name, s.text)
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
