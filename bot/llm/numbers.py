"""Numbers in running text, with the qualifier in front of them ("nearly 60", "more than 303,000").

Digits ("303,000", "1.5 million", "7th") and number words ("eleven", "sixty-two", "sixth") both count,
so a model cannot slip an uncited figure past the checks by spelling it out. A lone "one" used as a
pronoun ("no one", "one another") is not a number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

UNITS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
         "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
         "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "dozen": 12}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
        "ninety": 90}
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
# "first" and "second" are left out: they are far more often order or time than a count.
ORDINALS = {"third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
            "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
            "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20,
            "thirtieth": 30, "hundredth": 100, "thousandth": 1000}
# Vague quantities are numbers too: "hundreds of people" must come from a source as well.
VAGUE = ("dozens", "scores", "hundreds", "thousands", "millions", "billions")
NUMBER_WORDS = set(UNITS) | set(TENS) | set(SCALES) | set(ORDINALS)

# Each qualifier phrase maps to one meaning, so "over" in an answer matches "more than" in a source.
QUALIFIERS = {
    "at least": "at_least", "no fewer than": "at_least", "no less than": "at_least", "a minimum of": "at_least",
    "more than": "more_than", "over": "more_than", "upwards of": "more_than", "in excess of": "more_than",
    "nearly": "nearly", "almost": "nearly", "close to": "nearly", "just under": "nearly",
    "about": "about", "around": "about", "approximately": "about", "roughly": "about", "some": "about",
    "an estimated": "about", "estimated": "about", "an approximate": "about", "circa": "about",
    "up to": "up_to", "as many as": "up_to", "at most": "up_to", "no more than": "up_to",
    "fewer than": "less_than", "less than": "less_than", "under": "less_than", "below": "less_than",
}
_QUALIFIER_RE = re.compile(r"(?:^|\W)(" + "|".join(sorted((re.escape(q) for q in QUALIFIERS), key=len,
                                                            reverse=True)) + r")(?:\s+an?)?\W*$")
_DIGITS_RE = re.compile(
    r"(?<![\w.])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s*(million|billion|thousand|bn|m|k)\b|(?:st|nd|rd|th)\b)?(%?)", re.I)
_WORD_RE = re.compile(r"[a-z]+", re.I)
_PRONOUN_ONE = re.compile(r"\b(no|any|each|every|some|which|this|that|the|anyone|someone)\s+one\b|"
                          r"\bone\s+(another|of them|day)\b", re.I)
_SUFFIX_SCALE = {"million": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9, "thousand": 1e3, "k": 1e3}


@dataclass(frozen=True)
class Mention:
    value: float | str  # a number, or a vague word such as "hundreds"
    qualifier: str | None  # a key of QUALIFIERS' values ("nearly"), None when bare
    text: str  # as written
    start: int


def qualifier_before(text: str, start: int) -> str | None:
    match = _QUALIFIER_RE.search(text[max(0, start - 32):start].lower())
    return QUALIFIERS[match.group(1)] if match else None


def mentions(text: str) -> list[Mention]:
    """Every number in `text`, in order, with the qualifier written right before it."""
    return list(_mentions(text))


@lru_cache(maxsize=4096)
def _mentions(text: str) -> tuple[Mention, ...]:  # cached: the same passages are cited again and again
    found: list[Mention] = []
    taken: list[tuple[int, int]] = []
    for m in _DIGITS_RE.finditer(text):
        value = float(m.group(1).replace(",", ""))
        if m.group(2):
            value *= _SUFFIX_SCALE[m.group(2).lower()]
        found.append(Mention(value, qualifier_before(text, m.start()), m.group(0), m.start()))
        taken.append(m.span())
    pronoun_spans = [p.span() for p in _PRONOUN_ONE.finditer(text)]
    words = [w for w in _WORD_RE.finditer(text) if not any(a <= w.start() < b for a, b in taken)]
    i = 0
    while i < len(words):
        word = words[i].group(0).lower()
        if word in VAGUE:
            found.append(Mention(word, qualifier_before(text, words[i].start()), words[i].group(0),
                                 words[i].start()))
            i += 1
            continue
        if word not in NUMBER_WORDS:
            i += 1
            continue
        j = i
        run = []
        while j < len(words):
            w = words[j].group(0).lower()
            gap = text[words[j - 1].end():words[j].start()] if j > i else ""
            if j > i and gap.strip(" -") != "":
                break
            if w in NUMBER_WORDS:
                run.append(w)
                j += 1
            elif w == "and" and run and j + 1 < len(words) and words[j + 1].group(0).lower() in NUMBER_WORDS \
                    and run[-1] in SCALES:
                j += 1
            else:
                break
        start = words[i].start()
        if run == ["one"] and any(a <= start < b for a, b in pronoun_spans):
            i = j
            continue
        # "a hundred", "a thousand": the article is the number one
        if run and run[0] in SCALES and i > 0 and words[i - 1].group(0).lower() == "a":
            run = ["one", *run]
        found.append(Mention(words_value(run), qualifier_before(text, start),
                             text[start:words[j - 1].end()], start))
        i = j
    return tuple(sorted(found, key=lambda x: x.start))


def words_value(run: list[str]) -> float:
    total, current = 0, 0
    for w in run:
        if w in UNITS:
            current += UNITS[w]
        elif w in TENS:
            current += TENS[w]
        elif w in ORDINALS:
            current += ORDINALS[w] if ORDINALS[w] < 100 else 0
            if ORDINALS[w] >= 100:
                current = (current or 1) * ORDINALS[w]
        elif w == "hundred":
            current = (current or 1) * 100
        else:
            total += (current or 1) * SCALES[w]
            current = 0
    return float(total + current)
