"""Casualty and displacement figures in a report, offline, with qualifier, scope, as-of date and who
gives them.

A report's headline toll (scope "") is the overall count; numbers for one side, one group or one place
("three of its soldiers", "across three border provinces", "in and around Goma") become their own series.
A part of a figure ("among them 200 children") is a figure of the same metric for that group and is noted
on the whole; a running total ("taking the toll to 21") is the figure, never its increment ("four more").
"""

from __future__ import annotations

import datetime as dt
import re
from contextvars import ContextVar
from dataclasses import dataclass

from bot.ingest.dateline import MONTHS, resolve_day
from bot.ingest.sides import WEEKDAY_OR_MONTH, adjective_of, is_side_word, place_in, possessive_owner, speaker
from bot.ingest.text import Sentence

_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen".split())}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90}
_SMALL = "|".join(sorted(_WORDS, key=len, reverse=True))
_TEN = "|".join(_TENS)
NUM = (rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?)(?:\s+(?:million|thousand))?"
       rf"|half\s+a\s+million|a\s+dozen|a\s+hundred|a\s+thousand|a\s+million"
       rf"|(?:(?:{_TEN})(?:[- ](?:{_SMALL}))?|{_SMALL})(?:\s+(?:hundred|thousand|million))?")
QUALIFIERS = [
    ("at_least", r"at\s+least|no\s+fewer\s+than|not\s+less\s+than|a\s+minimum\s+of"),
    ("more_than", r"more\s+than|over|upwards\s+of|in\s+excess\s+of|above|exceeding|well\s+over"),
    ("nearly", r"nearly|almost|close\s+to|just\s+under|just\s+shy\s+of|fewer\s+than|less\s+than|under"),
    ("about", r"about|around|roughly|approximately|some|an\s+estimated|estimated|approx\.|an\s+approximate"),
    ("up_to", r"up\s+to|as\s+many\s+as"),
]
QUAL = "|".join(rx for _, rx in QUALIFIERS)
VERB_METRIC = [
    ("killed", r"killed|dead|died|slain|lost\s+their\s+lives|perished|deaths|fatalities|confirmed\s+dead"),
    ("injured", r"injured|wounded|hurt|injuries|hospitali[sz]ed"),
    ("missing", r"missing|unaccounted\s+for"),
    ("returned", r"returned\s+(?:to\s+their\s+homes|home)|gone\s+home|went\s+home"),
    ("detained", r"detained|arrested|abducted|taken\s+hostage|held\s+hostage|kidnapped"),
    ("displaced", r"displaced|evacuated|fled(?:\s+their\s+homes)?|uprooted|evacuees|homeless|relocated"
                  r"|forced\s+(?:to\s+flee|from\s+their\s+homes|out\s+of\s+their\s+homes|to\s+leave\s+their\s+homes"
                  r"|to\s+evacuate)|(?:sought|taken|taking|seeking)\s+refuge|sheltering|in\s+(?:evacuation\s+)?shelters"
                  r"|internally\s+displaced|moved\s+to\s+(?:evacuation\s+)?(?:shelters|safety|safer\s+areas"
                  r"|evacuation\s+cent(?:re|er)s)"),
]
_VERBS = "|".join(f"(?P<v_{m}>{rx})" for m, rx in VERB_METRIC)
_NP_WORD = r"(?:of\s+(?:its|their|the)\s+)?[A-Za-z'’-]+"
# "at least 10 people had been killed", "about 20 wounded", "three of its soldiers had been killed"
SUBJECT = re.compile(
    rf"(?:\bbetween\s+)?(?:(?P<q>{QUAL})\s+)?\b(?P<n>{NUM})(?:\s*(?:-|–|to|and)\s*(?P<n2>{NUM}))?\b"
    rf"(?P<np>(?:\s+{_NP_WORD}){{0,6}}?)"
    rf"\s+(?:(?:have|has|had|were|was|are|is|being|remain|remains|remained)\s+)?(?:(?:now|also|reportedly|since|already|so\s+far|still)\s+)?"
    rf"(?:been\s+)?(?:(?:reportedly|confirmed|officially)\s+)?(?:{_VERBS})\b", re.IGNORECASE)
# "killing at least 21 people", "displaced some 500,000 people", "left 12 soldiers dead"
OBJECT = re.compile(
    rf"\b(?P<verb>killed|killing|kills|left|leaving|leaves|wounded|wounding|wounds|injured|injuring|injures"
    rf"|displaced|displacing|displaces|forced|forcing|evacuated|evacuating|uprooted|uprooting)"
    rf"\s+(?:(?P<q>{QUAL})\s+)?(?P<n>{NUM})\b(?=(?P<rest>[^.;:!?]{{0,80}}))", re.IGNORECASE)
# "the death toll rose to 21", "bringing the number of displaced people to more than 600,000"
TOLL = re.compile(
    rf"\b(?P<what>(?:death|casualty|civilian\s+death|fatality)\s+toll|toll|number\s+of\s+(?:the\s+)?(?:people\s+)?"
    rf"(?:dead|killed|deaths|fatalities|injured|wounded|injuries|displaced|evacuated|evacuees)"
    rf"(?:\s+people)?|(?:displacement|evacuee|evacuation)\s+(?:figure|count|total|toll))\b"
    rf"(?:(?P<mid>[^.;:!?]{{0,120}}?)\s(?P<link>to|at|of|reached|reaching|hit|hitting|passed|topped|exceeded|surpassed"
    rf"|stands\s+at|stood\s+at|is|was|now)\s+|,?\s+)(?:(?P<q>{QUAL})\s+)?(?P<n>{NUM})\b(?=(?P<rest>[^.;:!?]{{0,60}}))",
    re.IGNORECASE)
# "More than 450,000 Cambodians, among them about 240,000 women and 130,000 children, had been forced to leave"
WITH_PARTS = re.compile(
    rf"(?:(?P<q>{QUAL})\s+)?\b(?P<n>{NUM})\b(?P<np>(?:\s+[A-Za-z'’-]+){{0,3}}?),\s+(?:among\s+them|including"
    rf"|of\s+whom)\s+(?:[^,;]|,(?=\d{{3}})){{3,160}},\s+(?:(?:have|has|had|were|was|are|is)\s+)?(?:(?:now|also|reportedly)\s+)?"
    rf"(?:been\s+)?(?:{_VERBS})\b", re.IGNORECASE)
# "put the dead at at least 101 and the displaced at more than half a million"
PUT_AT = re.compile(
    rf"\b(?:the\s+)?(?P<what>(?:death\s+)?toll|dead|killed|displaced|injured|wounded|missing|detained"
    rf"|number\s+of\s+(?:the\s+)?(?:dead|deaths|displaced|injured|wounded|missing|detained|people\s+\w+))"
    rf"\s+at\s+(?:(?P<q>{QUAL})\s+)?(?P<n>{NUM})\b(?=(?P<rest>[^.;:!?]{{0,60}}))", re.IGNORECASE)
# "taking Thai military deaths to 21", "bringing the number killed to 30": the running total.
CUMULATIVE = re.compile(
    rf"\b(?:taking|took|takes|bringing|brought|brings|raising|raised|pushing|pushed|lifting|lifted)\s+"
    rf"(?P<what>(?:the\s+)?(?:[\w'’-]+\s+){{0,3}}?(?:deaths|dead|death\s+toll|toll|fatalities|casualties|injured"
    rf"|wounded|injuries|displaced|evacuees|number\s+of\s+[\w\s]{{1,30}}?))(?P<mid>\s+[^.;:!?\d]{{0,60}}?)?"
    rf"\s+(?:to|at)\s+(?:(?P<q>{QUAL})\s+)?(?P<n>{NUM})\b(?=(?P<rest>[^.;:!?]{{0,60}}))", re.IGNORECASE)
# "26 Thai soldiers and four Thai civilians had been killed": two figures, one verb.
_NP_SHORT = r"(?:\s+[A-Za-z'’-]+){1,3}?"
COORDINATED = re.compile(
    rf"(?:(?P<q>{QUAL})\s+)?\b(?P<n>{NUM})\b(?P<np>{_NP_SHORT}),?\s+and\s+(?:(?P<q2>{QUAL})\s+)?(?P<n2>{NUM})\b"
    rf"(?P<np2>{_NP_SHORT})\s+(?:(?:have|has|had|were|was|are|is)\s+)?(?:(?:now|also|reportedly|since|already)\s+)?"
    rf"(?:been\s+)?(?:{_VERBS})\b", re.IGNORECASE)
CLAIMED_LIVES = re.compile(rf"\bclaim(?:ed|ing|s)\s+(?:the\s+)?lives\s+of\s+(?:(?P<q>{QUAL})\s+)?(?P<n>{NUM})\b"
                           rf"(?=(?P<rest>[^.;:!?]{{0,60}}))", re.IGNORECASE)
# "... killed 25 people, including 14 Thai soldiers and 9 Cambodian civilians"
INCLUDING = re.compile(rf"\b(?:including|among\s+them|of\s+whom|of\s+them)\s+(?:(?P<q>{QUAL})\s+)?(?P<n>{NUM})\b"
                       rf"(?=(?P<rest>[^.;:!?]{{0,60}}))", re.IGNORECASE)
ALSO = re.compile(rf"\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s+as\s+well\s+as\s+)(?:(?P<q>{QUAL})\s+)?(?P<n>{NUM})\b(?=(?P<rest>[^.;:!?]{{0,60}}))",
                  re.IGNORECASE)

ROLE_NOUNS = {"soldier", "soldiers", "troops", "troopers", "servicemen", "service members", "personnel",
              "police", "policemen", "officers", "rangers", "marines", "sailors", "pilots", "civilians",
              "civilian", "children", "women", "monks", "students", "workers", "foreigners", "nationals",
              "tourists", "teachers", "volunteers", "combatants", "militia", "guards", "border guards"}
GENERIC_NOUNS = {"people", "persons", "person", "individuals", "residents", "villagers", "inhabitants",
                 "others", "citizens", "families", "households", "evacuees", "refugees", "civilians"}
_NP_STOP = {"in", "across", "from", "along", "on", "at", "near", "during", "since", "after", "before",
            "and", "or", "while", "as", "by", "to", "with", "including", "of", "this", "last", "that", "who",
            "which"}
_BAD_NP = {"that", "which", "when", "after", "before", "days", "weeks", "hours", "months", "years", "km",
           "kilometres", "kilometers", "miles", "percent", "per", "times", "degrees", "metres", "meters",
           "clashes", "attacks", "rounds", "shells", "rockets", "villages", "tanks", "jets", "drones", "said",
           "says", "hospitals", "schools", "bases", "sites", "and", "or", "but", "while"}
# An unnamed spread ("across three border provinces") may still be the overall count.
SPREAD = re.compile(r"\b(?P<loc>(?:across|in|from|along)\s+(?:the\s+)?(?:[\w-]+\s+){0,3}?(?:border\s+)?"
                    r"(?:provinces?|districts?|regions?|states?|areas?|countries|territories|towns?|villages?))\b")
_PAST_MONTH = re.compile(r"\b(?i:in|during)\s+(?:early\s+|mid-?|late\s+)?(?P<m>" + "|".join(m.title() for m in MONTHS)
                         + r")\b(?!\s+\d)")
_HISTORIC = re.compile(r"\b(?:last\s+year|earlier\s+this\s+year|previous\s+(?:round|clashes|conflict|fighting)"
                       r"|in\s+(?:19|20)\d\d|in\s+the\s+\w+\s+(?:clashes|fighting|escalation)\s+of)\b", re.IGNORECASE)
_ASOF = re.compile(r"\b(?:by|as\s+of|as\s+at|as\s+of\s+late|through|until)\s+(?P<when>(?:last\s+)?(?:monday|tuesday"
                   r"|wednesday|thursday|friday|saturday|sunday)|yesterday|today|(?:[A-Z][a-z]+\.?\s+\d{1,2}"
                   r"|\d{1,2}\s+[A-Z][a-z]+))\b", re.IGNORECASE)

# The whole report, where a side's adjective is looked up ("Thailand said ... its soldiers" -> "Thai").
_REPORT: ContextVar[str] = ContextVar("report", default="")


def _adjective(owner: str, sentence: str) -> str:
    return adjective_of(owner, _REPORT.get() or sentence)


@dataclass
class FoundFigure:
    metric: str
    value: int
    value_high: int | None
    qualifier: str
    noun: str
    scope: str
    as_of: dt.date
    sentence: Sentence
    location_only: bool = False  # a scope that is only a place: may still be the report's overall count
    in_body: bool = True
    by: str = ""  # who gives it ("the health ministry", "the United Nations")
    detail: str = ""  # its parts ("among them more than 250 civilians")
    at: int = 0  # where its number is in the sentence
    part_of: FoundFigure | None = None


def number(text: str) -> int | None:
    t = re.sub(r"\s+", " ", text.strip().lower())
    if t == "half a million":
        return 500_000
    if t == "a dozen":
        return 12
    if t == "a hundred":
        return 100
    if t in ("a thousand", "a million"):
        return 1000 if t == "a thousand" else 1_000_000
    scale = 1
    for word, mult in (("million", 1_000_000), ("thousand", 1_000), ("hundred", 100)):
        if t.endswith(" " + word):
            scale, t = mult, t[: -len(word) - 1].strip()
            break
    if re.fullmatch(r"[\d,]+(?:\.\d+)?", t):
        value = float(t.replace(",", "")) * scale
    elif t in _WORDS:
        value = _WORDS[t] * scale
    else:
        parts = re.split(r"[- ]", t)
        if parts[0] in _TENS:
            value = (_TENS[parts[0]] + (_WORDS.get(parts[1], 0) if len(parts) > 1 else 0)) * scale
        else:
            return None
    return int(round(value))


def qualifier_of(text: str | None) -> str:
    if not text:
        return "exact"
    t = re.sub(r"\s+", " ", text.lower())
    for name, rx in QUALIFIERS:
        if re.fullmatch(rx, t):
            return name
    return "exact"


def figures_in(sentences: list[Sentence], report: dt.date, body_start: int = 0, text: str = "",
               ) -> list[FoundFigure]:
    """Every figure the report states, each with who gives it; then one headline per metric and source."""
    token = _REPORT.set(text)
    try:
        return _figures_in(sentences, report, body_start, text)
    finally:
        _REPORT.reset(token)


def _figures_in(sentences: list[Sentence], report: dt.date, body_start: int, text: str) -> list[FoundFigure]:
    found: list[FoundFigure] = []
    lead_place: dict[int, str] = {}  # paragraph -> the place its first sentence opens with ("In Iran, ...")
    for s in sentences:
        if is_historic(s.text, report):
            continue
        para = text.rfind("\n", 0, s.start) if text else -1
        opening = re.match(r"^(?:[^\n]{0,80}?\s[–—-]\s+)?(?:In|Across|Inside)\s+(?P<p>[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,2})"
                           r"(?:\s+(?:on|in|at|by)\s+[^,]{1,30})?,", s.text)
        if opening and not WEEKDAY_OR_MONTH.match(re.sub(r"['’]s$", "", opening["p"].split()[0])):
            lead_place[para] = opening["p"]
        figs = figures_in_sentence(s, report, in_body=s.start >= body_start)
        for f in figs:
            if not f.by:
                f.by = speaker(s.text, f.at)
            since = _SINCE.search(s.text, f.at)
            if since and f.part_of is None and since["when"] not in f.detail:
                f.detail = f"{f.detail}; since {since['when']}".strip("; ")
            if f.part_of is None and not f.scope:
                f.scope = implied_scope(f, found, lead_place.get(para), s, text)
        found += figs
    return headline(dedupe(found))


def implied_scope(f: FoundFigure, before: list[FoundFigure], lead: str | None, s: Sentence, text: str) -> str:
    """The place a figure without one is about: the paragraph's opening place ("In Iran, ..."), the owner of
    whoever gives it ("Iran's Health Ministry"), or the place of the same count just before it in the
    paragraph ("The casualty figures remain far apart. ... HRANA said the toll was higher")."""
    if lead:
        return lead
    owner = possessive_owner(f.by + " ") if f.by else None
    if owner:
        return owner
    same_metric = [b for b in before if b.metric == f.metric and b.part_of is None]
    if same_metric and text:
        prev = same_metric[-1]
        same_para = "\n" not in text[prev.sentence.start:s.start]
        if same_para and prev.metric == f.metric and prev.scope and prev.part_of is None and not prev.location_only \
                and prev.scope[:1].isupper() and prev.by != f.by:
            return prev.scope
    return ""


def is_historic(text: str, report: dt.date) -> bool:
    """A figure about an earlier episode ("a five-day escalation in July that killed dozens"); "in late
    February" in a March report is recent."""
    if _HISTORIC.search(text):
        return True
    for m in _PAST_MONTH.finditer(text):
        if (report.month - MONTHS[m["m"].lower()]) % 12 >= 2:
            return True
    return False


# Most sentences hold no number at all: they skip every pattern below.
_PARTS_WORD = re.compile(r"\b(?:among\s+them|including|of\s+whom)\b", re.IGNORECASE)
_ANY_NUMBER = re.compile(rf"\d|\b(?:{_SMALL}|{_TEN}|hundred|thousand|million|dozen|half)\b", re.IGNORECASE)


def figures_in_sentence(s: Sentence, report: dt.date, in_body: bool = True) -> list[FoundFigure]:
    text = s.text
    if not _ANY_NUMBER.search(text):
        return []
    as_of = as_of_date(text, report)
    out: list[tuple[int, FoundFigure]] = []
    taken: list[tuple[int, int]] = []

    def add(at: int, span: tuple[int, int], fig: FoundFigure | None) -> None:
        if fig is None or any(a < span[1] and span[0] < b for a, b in taken):
            return
        taken.append(span)
        fig.at = span[0]
        out.append((at, fig))

    for m in CUMULATIVE.finditer(text):
        metric = toll_metric(m["what"], text)
        value = number(m["n"])
        if metric is None or not value or _MONEY.match(m["rest"] or ""):
            continue
        what = re.sub(r"^the\s+", "", m["what"], flags=re.IGNORECASE)
        words = re.sub(r"\b(?:deaths|dead|death\s+toll|toll|fatalities|casualties|injured|wounded|injuries|displaced"
                       r"|evacuees|number\s+of.*)$", "", what, flags=re.IGNORECASE).split()
        group = " ".join(w for w in words if not is_side_word(w))
        noun = {"military": "soldiers", "army": "soldiers", "civilian": "civilians"}.get(group.lower(), group)
        sides = [w for w in words if is_side_word(w)]
        owner = " ".join(sides).removesuffix("'s").removesuffix("’s")
        side = _adjective(owner, text) if owner else ""
        scope = f"{side} {noun}".strip() if noun or side else ""
        if not scope:
            scope, noun2, _ = toll_scope(text[max(0, m.start() - 30):m.start()], m["mid"] or "", m["rest"] or "",
                                         text, m.start())
            noun = noun2
        # "about 2,000 bodies had been buried and about 900 more remained ..., taking the toll to nearly 3,000":
        # the clause before is how the total is made up.
        parts = re.search(r"\bthat\s+(?P<parts>[^;]*\d[^;]*?),\s*$", text[:m.start()])
        detail = parts["parts"].strip() if parts and len(parts["parts"]) < 200 else ""
        add(m.start(), m.span("n"), FoundFigure(metric, value, None, qualifier_of(m["q"]), noun or "people", scope,
                                                as_of, s, False, in_body, detail=detail))
    for m in TOLL.finditer(text):
        metric = toll_metric(m["what"], text)
        value = number(m["n"])
        if metric is None or value is None or value == 0 or _MONEY.match(m["rest"] or ""):
            continue
        if not m["link"] and not m["q"]:
            continue
        qual = qualifier_of(m["q"])
        if qual == "exact" and m["link"].lower() in ("passed", "topped", "exceeded", "surpassed"):
            qual = "more_than"
        scope, noun, loc_only = toll_scope(text[max(0, m.start() - 30):m.start()], m["mid"] or "", m["rest"] or "",
                                           text, m.start())
        add(m.start(), m.span("n"), FoundFigure(metric, value, None, qual, noun, scope, as_of, s, loc_only, in_body))
    for m in PUT_AT.finditer(text):
        metric = toll_metric(m["what"], text)
        value = number(m["n"])
        if metric is None or not value or _MONEY.match(m["rest"] or ""):
            continue
        scope, noun, loc_only = toll_scope(text[max(0, m.start() - 30):m.start()], "", m["rest"] or "", text,
                                           m.start())
        add(m.start(), m.span("n"), FoundFigure(metric, value, None, qualifier_of(m["q"]), noun, scope, as_of, s,
                                                loc_only, in_body))
    for m in WITH_PARTS.finditer(text) if _PARTS_WORD.search(text) else ():
        value = number(m["n"])
        if not value or preceded_by_date(text, m.start("n")):
            continue
        metric = next(name for name, _ in VERB_METRIC if m[f"v_{name}"])
        head = (m["np"] or "").strip()
        scope, noun, loc_only = scope_of(head, "", text, m.start())
        add(m.start(), m.span("n"), FoundFigure(metric, value, None, qualifier_of(m["q"]), noun, scope, as_of, s,
                                                loc_only, in_body))
    for m in CLAIMED_LIVES.finditer(text):
        value = number(m["n"])
        if value:
            words = leading_np(m["rest"])
            scope, noun, loc_only = scope_of(words, m["rest"][len(words) + 1:], text, m.start())
            add(m.start(), m.span("n"), FoundFigure("killed", value, None, qualifier_of(m["q"]), noun, scope, as_of,
                                                    s, loc_only, in_body))
    for m in COORDINATED.finditer(text):
        metric = next(name for name, _ in VERB_METRIC if m[f"v_{name}"])
        for q, n, np in (("q", "n", "np"), ("q2", "n2", "np2")):
            value, head = number(m[n]), (m[np] or "").strip()
            if not value or any(w in _BAD_NP or w in _NOT_NOUN or w.isdigit() for w in head.lower().split()):
                continue
            scope, noun, loc_only = scope_of(head, "", text, m.start())
            add(m.start(n), m.span(n), FoundFigure(metric, value, None, qualifier_of(m[q]), noun, scope or head.lower(),
                                                   as_of, s, False, in_body))
    pos = 0
    while (m := SUBJECT.search(text, pos)) is not None:
        pos = m.start() + 1
        fig = subject_figure(m, s, as_of, out, in_body)
        if fig is not None:
            add(m.start(), m.span("n"), fig)
            pos = m.end()
    for m in OBJECT.finditer(text):
        add(m.start(), m.span("n"), object_figure(m, s, as_of, in_body))
    out.sort(key=lambda pair: pair[0])
    for m in INCLUDING.finditer(text):
        earlier = [f for at, f in out if at < m.start()]
        if not earlier:
            continue
        parent = earlier[-1]
        parts = [part_figure(m, parent, s, as_of, in_body)]
        add(m.start(), m.span("n"), parts[0])
        rest_at = m.start("n") + len(m["n"]) + len(leading_np(m["rest"])) + 1
        while (more := ALSO.match(text, rest_at)) is not None:
            part = part_figure(more, parent, s, as_of, in_body)
            if part is None:
                break
            parts.append(part)
            add(more.start(), more.span("n"), part)
            rest_at = more.start("n") + len(more["n"]) + len(leading_np(more["rest"])) + 1
        named = [p for p in parts if p is not None]
        if named:
            parent.detail = "among them " + _join([f"{_amount(p)} {p.noun}" for p in named])
    out.sort(key=lambda pair: pair[0])
    return [f for _, f in out]


def subject_figure(m: re.Match, s: Sentence, as_of: dt.date, before: list, in_body: bool) -> FoundFigure | None:
    text = s.text
    if preceded_by_date(text, m.start("n")) or _INCREMENT.search(text[max(0, m.start() - 20):m.start()]):
        return None
    if _MORE_AFTER.match(text, m.end("n")) and not re.match(r"\s+more\s+than", text[m.end("n"):]):
        return None
    np = (m["np"] or "").strip()
    np_words = np.lower().split()
    if any(w in _BAD_NP or w in _NOT_NOUN or re.search(r"\d", w) for w in np_words):
        return None
    if np_words and all(w in ("of", "the", "its", "their", "those", "these") for w in np_words):
        return None  # "180 of the killed": a part of a count named elsewhere
    metric = next(name for name, _ in VERB_METRIC if m[f"v_{name}"])
    value = number(m["n"])
    if value is None or value == 0:
        return None
    high = number(m["n2"]) if m["n2"] else None
    qual = qualifier_of(m["q"])
    if high is not None:
        if high <= value or not re.search(r"\bbetween\b|-|–|\bto\b", m.group(0), re.IGNORECASE):
            return None
        qual = "range"
    rest = text[m.end():m.end() + 80]
    head = leading_np(np)
    tail = np[len(head):]
    if not head and before:
        # "seven civilians had been killed and about 20 wounded": the same people.
        prev = before[-1][1]
        if text[before[-1][0]:m.start()].count(",") <= 1 and re.search(r"\band\b", text[before[-1][0]:m.start()]):
            return FoundFigure(metric, value, high, qual, prev.noun, prev.scope, as_of, s, prev.location_only, in_body)
    scope, noun, loc_only = scope_of(head, tail + " " + rest, text, m.start())
    return FoundFigure(metric, value, high, qual, noun, scope, as_of, s, loc_only, in_body)


def object_figure(m: re.Match, s: Sentence, as_of: dt.date, in_body: bool) -> FoundFigure | None:
    verb = m["verb"].lower()
    rest = m["rest"] or ""
    head = leading_np(rest)
    after = rest[len(rest) - len(rest.lstrip()) + len(head):] if head else rest
    if verb.startswith("kill"):
        metric = "killed"
    elif verb.startswith(("wound", "injur")):
        metric = "injured"
    elif verb.startswith(("displac", "evacuat", "uproot")):
        metric = "displaced"
    elif verb.startswith(("forc",)):
        if not re.match(r"\s*(?:to\s+flee|from\s+their\s+homes|out\s+of\s+their\s+homes|to\s+leave|to\s+evacuate)", after):
            return None
        metric = "displaced"
    else:  # left / leaving: "left 12 dead", "leaving 3,000 people homeless"
        tail = re.match(r"\s*(dead|injured|wounded|homeless|displaced)\b", after)
        if not tail:
            return None
        metric = {"dead": "killed", "injured": "injured", "wounded": "injured"}.get(tail.group(1).lower(), "displaced")
    value = number(m["n"])
    if value is None or value == 0 or preceded_by_date(s.text, m.start("n")):
        return None
    if any(w in _BAD_NP for w in head.lower().split()):
        return None
    scope, noun, loc_only = scope_of(head, after, s.text, m.start())
    return FoundFigure(metric, value, None, qualifier_of(m["q"]), noun, scope, as_of, s, loc_only, in_body)


def part_figure(m: re.Match, parent: FoundFigure, s: Sentence, as_of: dt.date, in_body: bool,
                ) -> FoundFigure | None:
    """A part of a total named just before it: always a subgroup, never the headline."""
    value = number(m["n"])
    head = leading_np(m["rest"])
    if not value or not head or any(w in _BAD_NP for w in head.lower().split()):
        return None
    scope, noun, _ = scope_of(head, m["rest"][len(head) + 1:], s.text, m.start())
    if not scope:
        scope = head.lower()
    if parent.scope and parent.scope.lower() not in scope.lower() and not scope[:1].isupper():
        scope = f"{scope} ({parent.scope})"
    return FoundFigure(parent.metric, value, None, qualifier_of(m["q"]), noun, scope, as_of, s, False, in_body,
                       by=parent.by, part_of=parent)


def _amount(f: FoundFigure) -> str:
    words = {"exact": "", "at_least": "at least", "more_than": "more than", "nearly": "nearly", "about": "about",
             "up_to": "up to"}
    return f"{words.get(f.qualifier, '')} {f.value:,}".strip()


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def leading_np(text: str) -> str:
    """The noun phrase at the start of text: words up to a preposition or a verb-like word."""
    words = []
    for w in text.split():
        bare = w.strip(",;:").lower()
        if bare in _NP_STOP and not (bare == "of" and not words):
            break
        if bare in ("have", "has", "had", "were", "was", "are", "is", "been", "being", "dead", "injured",
                    "wounded", "homeless", "displaced", "killed"):
            break
        words.append(w.strip(",;:"))
        if w.endswith((",", ";", ":")) or len(words) >= 5:
            break
    return " ".join(words)


def scope_of(np: str, after: str, sentence: str, at: int) -> tuple[str, str, bool]:
    """(scope, noun, location_only) for a figure whose noun phrase is np and whose clause goes on with after."""
    words = np.split()
    possessive = False
    if len(words) >= 3 and words[0].lower() == "of" and words[1].lower() in ("its", "their", "the"):
        possessive = words[1].lower() in ("its", "their")
        words = words[2:]
    sides = [w for w in words if is_side_word(w)]
    nouns = [w for w in words if not is_side_word(w)]
    head = " ".join(nouns).lower()
    last = nouns[-1].lower() if nouns else ""
    noun = " ".join(words) if words else "people"
    side = " ".join(sides).removesuffix("'s").removesuffix("’s") if sides else None
    if side and not nouns:
        # "nine South Africans", "three Malawians": people named by where they are from.
        return side, side, False
    loc = SPREAD.search(after[:80])
    location = loc.group("loc") if loc else ""
    place = place_in(after[:80])
    if place and not (side and place.startswith(side)):
        location = place
    role = last in ROLE_NOUNS or head in ROLE_NOUNS
    if (role or possessive) and side is None:
        side = attribution(sentence, at)
    if role and last not in ("civilians", "civilian"):
        scope = f"{side} {head}" if side else head
        return (f"{scope} in {location}" if place and location == place else scope), noun, False
    if side is not None and (role or possessive or words):
        return f"{side} {head or 'people'}", noun, False
    if location:
        # Only an unnamed spread ("from six provinces") may still be the overall count; a named place is a part.
        unnamed = not place or location != place
        return location, noun, unnamed
    return "", noun, False


def attribution(sentence: str, at: int) -> str | None:
    """The side whose count this is: 'Thailand said three of its soldiers ...' -> 'Thai' (the report's own
    adjective for it), 'South Africa said 13 of its soldiers' -> 'South African'."""
    who = speaker(sentence[:at], at)
    if not who:
        return None
    owner = possessive_owner(who + " ") or (who if re.fullmatch(r"(?:[A-Z][\w'’-]*\s*){1,3}", who) else None)
    if owner is None:
        first = who.split()[0]
        return first if is_side_word(first) and re.search(r"(?:an|ian|ese|i|ish|ch)$", first) else None
    return _adjective(owner, sentence)


_TOLL_OWNER = re.compile(r"(?:\b(?P<own>[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,2}))?\s*(?P<group>military|army|soldiers['’]?"
                         r"|troops['’]?|civilian)?\s*$")
_AMONG = re.compile(r"^\s*(?:among|of)\s+(?P<np>(?:[A-Za-z'’-]+\s*){1,3}?)(?=\s+(?:rose|has|had|climbed|stood|stands"
                    r"|reached|is|was|now|increased|jumped|to|at)\b)", re.IGNORECASE)


def toll_scope(before: str, mid: str, rest: str, sentence: str, at: int) -> tuple[str, str, bool]:
    """Whose toll: 'the Thai military death toll', 'Cambodia's death toll', 'the toll among civilians',
    'the toll in Israel', 'the toll from the capture of Goma'."""
    trimmed = re.sub(r"\b(?:the|death|casualty|overall|official|new|latest|total)\b", "", before,
                     flags=re.IGNORECASE).rstrip()
    owner = _TOLL_OWNER.search(trimmed)
    own = owner["own"] if owner and owner["own"] and is_side_word(owner["own"].split()[0]) else None
    side = _adjective(own.removesuffix("'s").removesuffix("’s"), sentence) if own else None
    group = owner["group"].lower().rstrip("'’") if owner and owner["group"] else ""
    if group:
        noun = "civilians" if group == "civilian" else "soldiers"
        return (f"{side} {noun}" if side else noun), noun, False
    among = _AMONG.match(mid)
    if among:
        return scope_of(among["np"].strip(), mid[among.end():] + " " + rest, sentence, at)
    place = place_in(mid)
    if place:
        return place, "people", False
    if own:
        # "Cambodia's death toll": the count on that side.
        return own.removesuffix("'s").removesuffix("’s"), "people", False
    return scope_of("", mid + " " + rest, sentence, at)


def toll_metric(what: str, sentence: str) -> str | None:
    w = what.lower()
    if "injur" in w or "wound" in w:
        return "injured"
    if "displac" in w or "evacu" in w:
        return "displaced"
    if "missing" in w:
        return "missing"
    if "detain" in w:
        return "detained"
    if w == "toll" and re.search(r"\b(?:economic|financial|emotional|psychological|road|trade)\s+toll\b", sentence,
                                 re.IGNORECASE):
        return None
    return "killed"


def preceded_by_date(text: str, at: int) -> bool:
    """'December 7, 20 people ...' or 'on the 7' — a number that is part of a date."""
    before = text[max(0, at - 14):at].lower()
    return bool(re.search(r"(?:" + "|".join(m[:3] for m in MONTHS) + r")[a-z]*\.?\s*$", before))


_SINCE = re.compile(r"\bsince\s+(?P<when>the\s+(?:start|beginning)\s+of\s+(?:the\s+)?\w+(?:\s+\w+)?"
                    r"|the\s+war\s+began|the\s+fighting\s+(?:began|started)|the\s+\w+\s+began"
                    r"|(?:early\s+|late\s+|mid-)?[A-Z][a-z]+(?:\s+\d{1,2})?|\d{1,2}\s+[A-Z][a-z]+)\b")
_EARLIER = re.compile(r"\b(?P<n>a|one|two|three|four|\d+)\s+(?P<unit>day|week)s?\s+(?:earlier|before|ago)\b",
                      re.IGNORECASE)
# Words that never name who was counted: a verb or another metric ("20 people had died and 300 had ...").
_NOT_NOUN = {"had", "have", "has", "was", "were", "been", "died", "killed", "injured", "wounded", "missing", "dead",
             "detained", "displaced", "still"}
_MONEY = re.compile(r"\s*(?:%|percent|per\s+cent|billion|dollars|baht|riel|usd|\$)", re.IGNORECASE)
_INCREMENT = re.compile(r"\b(?:a\s+further|another|an\s+additional|additional)\s*$", re.IGNORECASE)
# "four more Thai soldiers had died": an increment, not a count of its own.
_MORE_AFTER = re.compile(r"\s+(?:more|further|additional|new)\b", re.IGNORECASE)


def as_of_date(sentence: str, report: dt.date) -> dt.date:
    back = _EARLIER.search(sentence)
    if back:
        n = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4}.get(back["n"].lower()) or int(back["n"])
        return report - dt.timedelta(days=n * (7 if back["unit"].lower() == "week" else 1))
    m = _ASOF.search(sentence)
    if m:
        when = resolve_day(m["when"], report)
        if when is not None and when <= report and (report - when).days < 60:
            return when
    return report


def dedupe(found: list[FoundFigure]) -> list[FoundFigure]:
    """One figure per (metric, scope, value, qualifier) in a report; the body's wording wins over the headline's."""
    seen: dict[tuple, FoundFigure] = {}
    body = {(f.metric, f.value) for f in found if f.in_body}
    for f in sorted(found, key=lambda f: not f.in_body):
        if not f.in_body and (f.metric, f.value) in body:
            continue  # the headline repeats a body figure in fewer words
        key = (f.metric, f.scope.lower(), f.value, f.value_high, f.qualifier)
        seen.setdefault(key, f)
    return sorted(seen.values(), key=lambda f: (f.sentence.start, f.metric))


def headline(found: list[FoundFigure]) -> list[FoundFigure]:
    """Per metric, one overall count: the largest unscoped figure (a total is never below its parts).
    Without one, the largest figure scoped only by place ("from six provinces") is the overall count.
    Another source's count of the same thing stays beside it: two tallies disagree, neither replaces the other."""
    out = []
    for metric in dict.fromkeys(["killed", "injured", "displaced", *(f.metric for f in found)]):
        group = [f for f in found if f.metric == metric]
        overall = [f for f in group if not f.scope]
        if not overall:
            placed = [f for f in group if f.location_only]
            if placed:
                best = max(placed, key=lambda f: f.value_high or f.value)
                best.noun = f"{best.noun} {best.scope}".strip()
                best.scope, best.location_only = "", False
                overall = [best]
        top = max(overall, key=lambda f: (f.value_high or f.value, f.in_body)) if overall else None
        # Smaller unscoped numbers in the same report are partial counts (one day, one incident): left out.
        out += [f for f in group if f.scope or f is top or (top is not None and f.by and f.by != top.by)]
    return sorted(out, key=lambda f: f.sentence.start)
