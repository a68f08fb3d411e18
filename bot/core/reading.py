"""Reading questions and sources: the patterns, word lists and small text functions the engine uses.

Kept apart from the engine so that what counts as a figure question, a name, a date or a generic word
can be found (and extended) in one place.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from bot.core.text import term, terms, words

AUTHOR = re.compile(r"\b(who\s+wrote|author|byline|publisher|written\s+by)\b", re.I)
PROVINCE_LIST = re.compile(r"\b(which|what|list|name|names\s+of)\b.{0,25}\bprovinces\b", re.I)
MONTH_NAMES = frozenset("january february march april may june july august september october november december".split())
# "Our draft says X — is that right?", "is it true that X?", "can we say X?"
CHECK_STATEMENT = re.compile(
    r"\b(is\s+(that|this|it)\s+(right|correct|true|accurate)|is\s+it\s+true\s+that|can\s+we\s+(say|write|report|"
    r"state|quote)|our\s+(draft|story|copy)\s+says|correct\s*\?|right\s*\?|true\s*\?|accurate\s*\?)", re.I)
VERDICT_WORDS = frozenset("draft story copy says say write report state quote right correct true accurate is it "
                          "that this can we our".split())
CHAT_MARKUP = re.compile(r"<[!@#][^>]*>")
NOT_COVERED = "The briefing does not cover that."
METRICS = ("kill", "injur", "displac")
METRIC_OF_TERM = {"kill": "killed", "injur": "injured", "displac": "displaced"}
FIGURE_CUES = re.compile(
    r"\bhow\s+many\b|\bnumber\s+of\b|\btolls?\b|\bcounts?\b|\bfigures?\b|\btally\b|\bcasualt|\bstatistic|"
    r"\bhow\s+much\b|\bnumbers\b|\bhow\s+bad\b", re.I)
# Words that describe a subgroup of a toll ("soldiers killed"); the briefing's headline figures don't split.
SUBGROUP_WORDS = re.compile(
    r"\b(soldiers?|troops?|military|servicemen|army|civilians?|children|kids|women|men|monks?|"
    r"police|officers?|foreigners?|villagers|students|journalists?)\b", re.I)
OVERVIEW = re.compile(
    r"\b(summary|summari[sz]e|overview|situation|sitrep|update|latest|what'?s\s+going\s+on|"
    r"what\s+is\s+going\s+on|catch\s+me\s+up|big\s+picture|state\s+of\s+play|brief\s+me|the\s+gist)\b", re.I)
MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december".split(), 1)}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9
DATE_IN_TEXT = re.compile(
    r"\b(?:(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([a-z]{3,9})\.?|([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?)\b", re.I)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
BOILERPLATE = re.compile(r"leave a reply|email address will not|required fields|cookie|subscribe to|"
                         r"share this|all rights reserved|^advertisement$", re.I)
SENTENCE_END = re.compile(r"(?<=[.!?])[\u201d\"']?\s+(?=[\u201c\"A-Z0-9])")
# A full stop after these ends an abbreviation, not a sentence ("Feb. 17", "Gen. Caine", "4 a.m. Tehran").
ABBREVIATION = re.compile(r"\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Gen|Gov|Lt|Col|Maj|Capt|Sgt|St|Mr|Mrs|"
                          r"Ms|Dr|No|[a-z]\.[a-z]|[A-Z]\.[A-Z]|[A-Z])\.$")
MIN_COVERAGE = 0.4
SOURCE_META = re.compile(
    r"\bwhat\s+date\b.*\b(article|story|piece|report)\b|\bwhen\s+was\s+(the|this)\s+(article|story|piece|report)\b|"
    r"\b(who\s+wrote|author|byline|publisher|written\s+by)\b|\bdateline\b|\b(date|dated)\s+(of|on)\s+(the\s+|this\s+)?(article|story|report|piece)\b|"
    r"\b(article|story|report|piece|source)\b.*\b(date|dated|when|where|filed|published|written|from|datelined?)\b|"
    r"\b(when|where)\b.*\b(article|story|report|piece)\b.*\b(published|written|filed|from|dated)\b", re.I)
DATELINE = re.compile(r"^([A-Z][^\n(]{2,60}?)\s*\((\w+ \d{1,2}, \d{4})\)", re.M)
HEAD_NOUN = re.compile(
    r"(?:what|which)(?:'s|\s+is|\s+are|\s+was|\s+were)\s+(?:(?:the|a|an)\s+|[a-z]+(?:'s|’s)\s+)"
    r"((?:[a-z-]+\s*){1,3}?)(?:\s+(?:of|for|in|at|on|like|between|from|to|with|during)\b.*)?\s*\??$")
# Terms that place a question in any conflict without saying what it asks about; a briefing adds its own
# parties (see OfflineEngine.generic_terms).
GENERIC_WORDS = frozenset({"military", "people", "clash", "border", "leader", "premier", "country", "government",
                           "region", "province"})
COMPARE = re.compile(r"\b(differen\w*|differ|differs|compare|compared|comparison|contrast|versus|vs\.?|"
                     r"discrepanc\w*|contradict\w*|conflicting)\b", re.I)
SUMMARY = re.compile(r"\b(summari[sz]e|summary|sum\s+up|recap|overview|outline)\b", re.I)
LIST_PEOPLE = re.compile(r"\b(list|name|who\s+are)\b.{0,30}\b(leaders|people|officials|players|figures|"
                         r"politicians|heads\s+of\s+government|actors)\b(?!\s+(killed|injured|displaced|died|dead))",
                         re.I)
OVERVIEW_TERMS = frozenset(terms("summary summarise overview situation update recap picture gist status conflict"))
METRIC_NOUNS = frozenset({"died", "hurt", "fled", "evacuated", "perished", "lost",
                          "dead", "deaths", "killed", "injured", "wounded", "displaced", "casualties", "victims",
                          "fatalities", "people", "ppl", "persons", "civilians", "individuals", "refugees",
                          "evacuees", "lives"})
PROFILE_FILLER = frozenset({"role", "story", "article", "report", "here", "mention", "mentioned", "named",
                            "briefing", "clash", "news", "piece", "current"})
ROLE_WORDS = re.compile(r"\b(minister|president|king|queen|secretary|general|commander|chief|spokes\w*|"
                        r"ambassador|envoy|governor|mayor|head|leader|chair\w*|director|official)\b", re.I)
GENERIC_HEADS = frozenset("""reason reasons purpose cause causes point goal aim aims meaning significance source sources
basis background context story deal situation news outcome result results response reaction plan plans idea
name names number numbers figure figures total count amount scale extent size level date time day place
location status state latest update role position view stance demand demands request requests claim claims
question issue problem matter main key biggest""".split())
CLOCK = re.compile(r"\b\d{1,2}(:\d{2})?\s*(a\.m\.|p\.m\.|am|pm|h\b)|\b\d{1,2}:\d{2}\b", re.I)
NUMBER_WORDS = frozenset("""one two three four five six seven eight nine ten eleven twelve dozen dozens hundreds
thousands first second third fourth fifth sixth seventh eighth ninth tenth multiple several""".split())
NUMBERED_DURATION = re.compile(r"\b(\d+|one|two|three|four|five|six|seven|first|second|third|fourth|fifth|"
                               r"sixth|seventh)(?:st|nd|rd|th)?\s+(day|week|month|hour)s?\b", re.I)


FIGURE_GENERIC = frozenset({"kill", "injur", "displac", "people", "clash", "border", "number",
                            "many", "much", "total", "so", "far", "date", "toll", "casualt", "figure", "count",
                            "military", "attack", "duration", "start", "confirm", "latest", "report"})
PEOPLE_NOUNS = frozenset({"people", "persons", "individuals", "civilians", "ppl", "refugees", "evacuees", "dead",
                          "deaths", "casualties", "injured", "wounded", "displaced", "lives", "fatalities",
                          "victims", "residents", "villagers"})


def counted_in(text: str, noun: str) -> bool:
    """Whether the text gives a count of `noun` ("six provinces", "303,000 individuals", "sixth day")."""
    want = term(noun.lower())
    ws = words(text)
    for i, w in enumerate(ws[1:], 1):
        if term(w) == want or (want == "people" and w in ("people", "individuals")):
            before = ws[i - 1]
            if before.isdigit() or before in NUMBER_WORDS:
                return True
    return noun.lower() in PEOPLE_NOUNS


def dates_in(text: str) -> set[tuple[int, int]]:
    out = set()
    for m in DATE_IN_TEXT.finditer(text):
        d1, mon1, mon2, d2 = m.groups()
        mon, dd = (mon1, d1) if mon1 else (mon2, d2)
        month = MONTHS.get(mon.lower().rstrip("."))
        if month and 1 <= int(dd) <= 31:
            out.add((month, int(dd)))
    return out


def weekdays_in(text: str) -> set[str]:
    low = text.lower()
    return {w for w in WEEKDAYS if w in low}


@lru_cache(maxsize=200_000)
def analyse(text: str) -> tuple[Counter, set[tuple[int, int]], set[str]]:
    """Terms, dates and weekdays of a text. Cached: a reloaded briefing re-reads only what is new."""
    tf = Counter(terms(text))
    days = weekdays_in(text)
    if days:
        tf["weekday"] += 1  # "which day of the week ...?"
    return tf, dates_in(text), days


def split_sentences(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) pairs of a source text, headings and site boilerplate left out."""
    out = []
    for para in re.finditer(r"[^\n]+", text):
        chunk = para.group(0)
        pieces: list[str] = []
        for piece in SENTENCE_END.split(chunk):
            if pieces and ABBREVIATION.search(pieces[-1]) and not pieces[-1].endswith(("...", "..")):
                pieces[-1] = chunk[chunk.find(pieces[-1]):chunk.find(piece, chunk.find(pieces[-1]) + len(pieces[-1]))
                                   + len(piece)]
                continue
            pieces.append(piece)
        for piece in pieces:
            piece = piece.strip()
            if len(piece.split()) < 6 or BOILERPLATE.search(piece):
                continue
            out.append((para.start() + chunk.find(piece), piece))
    return out
