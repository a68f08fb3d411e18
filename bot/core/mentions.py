"""Numbers in report sentences: what each counts, with its qualifier, as the sentence says it.

"at least 610 people had been killed" -> 610, "at least", people, killed; "three Malawians" -> 3, Malawians;
"no Americans were harmed" -> 0; "No casualty figure ... had been published" -> a stated absence.
The engine reads these straight from the sources, so an answer never depends on a figure being extracted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.dates import DAY_MONTH, MONTH_DAY, NUMERIC
from bot.core.text import STOPWORDS, term, words

NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
                "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
                "forty": 40, "fifty": 50, "hundred": 100, "dozen": 12}
_NUM = (r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)))
QUALIFIERS = ("at least", "more than", "over", "nearly", "almost", "about", "around", "some", "roughly",
              "approximately", "up to", "fewer than", "less than", "close to", "no fewer than", "upwards of",
              "an estimated", "as many as", "above", "below", "under", "in excess of", "upward of")
NUMBER = re.compile(rf"(?<![\w.-])(?:(?P<qual>{'|'.join(QUALIFIERS)})\s+)?(?:between\s+(?P<low>{_NUM})\s+and\s+)?"
                    rf"(?P<num>{_NUM})(?P<scale>\s+(?:million|billion|thousand|dozen))?(?![\w:-])", re.I)
SCALES = {"million": 1_000_000, "billion": 1_000_000_000, "thousand": 1000, "dozen": 12}
METRIC_TERMS = {"kill": "killed", "injur": "injured", "displac": "displaced"}
# A number that is a unit of time, distance or a share is not a count of people or things.
UNITS = frozenset("percent per cent km kilometres kilometers miles metres meters pounds kg tonnes tons hours hour "
                  "days day weeks week months month years year minutes a.m p.m am pm times round rounds".split())
ZERO = re.compile(r"\bno\s+(?:one|([a-z]+))\s+(?:was|were|had\s+been|has\s+been|have\s+been)\s+"
                  r"(killed|harmed|hurt|injured|wounded)\b|\bno\s+(casualties|deaths|injuries|fatalities)\b|"
                  r"\bnobody\s+was\s+(killed|harmed|hurt|injured)\b", re.I)
ABSENCE = re.compile(r"\bno\b[^.;]{0,40}\b(toll|figure|estimate|count|tally|number)s?\b|"
                     r"\b(toll|figure|estimate|count|tally)s?\b[^.;]{0,40}\b(was|were|is|are|had|has)\s+(not|never)\b",
                     re.I)
HARM = frozenset({"kill", "injur"})


@dataclass
class Mention:
    value: int | None  # None: the sentence says no figure exists
    text: str  # the number as written, with its qualifier ("at least 610", "between 3,000 and 4,000")
    noun: str  # what it counts, as written ("people", "Malawians", "ballistic missiles")
    metrics: frozenset[str]  # concept terms near it: kill, injur, displac
    start: int
    zero: bool = False
    noun_before: bool = False  # what is counted was named before the number ("soldiers killed was above 200")

    @property
    def absent(self) -> bool:
        return self.value is None

    def counts(self, noun_terms: set[str]) -> bool:
        return bool(noun_terms & set(term(w) for w in words(self.noun)))


def _value(num: str, scale: str | None) -> int | None:
    low = num.lower()
    if low in NUMBER_WORDS:
        value: float = NUMBER_WORDS[low]
    else:
        try:
            value = float(num.replace(",", ""))
        except ValueError:
            return None
    if scale:
        value *= SCALES[scale.strip().lower()]
    return int(value)


def _date_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for rx in (DAY_MONTH, MONTH_DAY, NUMERIC):
        spans += [m.span() for m in rx.finditer(text)]
    return spans


def mentions_in(text: str) -> list[Mention]:
    """Every count the sentence gives, in order, with the metric words around it."""
    out: list[Mention] = []
    dates = _date_spans(text)
    matches = list(NUMBER.finditer(text))
    for i, m in enumerate(matches):
        num = m.group("num")
        if any(a <= m.start("num") < b for a, b in dates) or text[max(0, m.start() - 1):m.start()] == ":":
            continue
        if re.fullmatch(r"(19|20)\d\d", num) or (num.isalpha() and num.lower() == "one" and not m.group("qual")):
            continue  # years; "one" is far more often a pronoun than a count
        before = text[max(0, m.start() - 100):m.start()]
        if re.search(r"[A-Z][\w-]*\s*$", before) and not re.search(r"\b(to|at|of|put|said|and|by|from|than|that)\s*$",
                                                                 before, re.I) and not num.isalpha():
            continue  # "Resolution 2773", "Group of Seven"
        value = _value(num, m.group("scale"))
        if value is None:
            continue
        nxt = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        after = text[m.end():min(nxt, m.end() + 70)]
        after_words = re.findall(r"[A-Za-z][\w'-]*", after)
        if after_words and after_words[0].lower() in UNITS:
            continue
        noun_words = []
        for w in after_words[:4]:
            if w.lower() in ("of", "its", "their", "the", "his", "her", "them") and not noun_words:
                continue
            if w.lower() in STOPWORDS or w.lower() in ("had", "have", "were", "was", "been", "more", "among"):
                break
            noun_words.append(w)
        # Metric words: the clause after the number, or a verb just before it ("killing four people").
        clause = re.split(r"[;:,]|\band\s+(?=(?:about|more|at|nearly|some|over)?\s*\d)", after)[0]
        metric = {term(w) for w in words(clause)[:8]} & set(METRIC_TERMS)
        if not metric:
            lead = re.split(r"[;:]|\d", before)[-1]
            metric = {term(w) for w in words(lead)[-12:]} & set(METRIC_TERMS)
        if not metric and out and re.search(r"\bfrom\s*$", before):
            metric = set(out[-1].metrics)  # "killed 24 people ..., up from three"
        noun_before = False
        if not noun_words:
            # "the number of soldiers killed was above 200": what is counted comes before the number.
            lead_words = re.split(r"[;:,]|\d", before)[-1].split()
            noun_words = [w for w in lead_words[-6:] if w.lower() not in STOPWORDS and w.isalpha()
                          and term(w.lower()) not in METRIC_TERMS][-3:]
            noun_before = bool(noun_words)
        out.append(Mention(value=value, text=m.group(0).strip(), noun=" ".join(noun_words), metrics=frozenset(metric),
                           start=m.start(), noun_before=noun_before))
    for z in ZERO.finditer(text):
        metric = {term(w) for w in words(z.group(0))} & set(METRIC_TERMS)
        out.append(Mention(value=0, text=z.group(0), noun=z.group(1) or "people",
                           metrics=frozenset(metric | HARM), start=z.start(), zero=True))
    a = ABSENCE.search(text)
    if a:
        metric = {term(w) for w in words(text)} & set(METRIC_TERMS)
        out.append(Mention(value=None, text=a.group(0), noun="", metrics=frozenset(metric), start=a.start()))
    return out
