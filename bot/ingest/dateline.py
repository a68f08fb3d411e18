"""Finding a report's date in its opening lines, and reading dates relative to it ("on Monday",
"by Tuesday", "December 24").

The opening of a report takes many shapes: "Bangkok, Thailand (December 9, 2025) –", "KINSHASA, Jan 31
(Wire) -", "Geneva / Beersheba, 21.06.2025 —", "Nairobi — 24 March 2025 —", a line of its own
("Published 22 June 2025", "Updated Sat 8 Feb 2025, 19:05 EAT"), or an "(Agency) —" paragraph with the
date on the line beneath. Finding where the date is takes the patterns below; reading a date in another
language ("31 janvier 2025") is left to dateparser, imported only then.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], start=1)}
MONTH_ABBR = {m[:3]: i for m, i in MONTHS.items()} | {"sept": 9}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

_MONTH = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
MONTH_DAY = re.compile(rf"\b(?P<month>{_MONTH})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<year>(?:19|20)\d\d))?\b")
DAY_MONTH = re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month>{_MONTH})(?:,?\s+(?P<year>(?:19|20)\d\d))?\b")
ISO = re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>\d\d)-(?P<day>\d\d)\b")
# "21.06.2025", "21/06/2025": day first, as wire services outside the US write it.
NUMERIC = re.compile(r"\b(?P<day>\d{1,2})[./](?P<month>\d{1,2})[./](?P<year>(?:19|20)\d\d)\b")
_YEAR = r"(?:19|20)\d\d"

# A date as a dateline writes it; the month may be a word of any language (checked when parsed).
_WORD = r"[^\W\d_]{3,12}\.?"
_WEEKDAY = r"(?:[^\W\d_]{3,12}\.?,?\s+)?"
DATE_TOKEN = (rf"(?:{_WEEKDAY}(?:{_WORD}\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+{_YEAR})?"
              rf"|\d{{1,2}}(?:st|nd|rd|th|er)?\.?\s+(?:de\s+)?{_WORD}(?:,?\s+(?:de\s+)?{_YEAR})?"
              rf"|\d{{1,2}}[./]\d{{1,2}}[./]{_YEAR}|{_YEAR}-\d\d-\d\d))")
# Place names: capitalised words, joined by spaces, commas, slashes or a lower-case link ("Republic of Congo").
_PLACE = (r"[A-Z][\w'’.-]*(?:(?:\s*[,/]\s*|\s+|\s+(?:of|de|du|des|del|la|le|el|al|and|the|es)\s+)"
          r"[A-Z][\w'’.-]*){0,6}")
_DASH = r"[-–—:]"
# "Bangkok, Thailand (December 9, 2025) –", "KINSHASA, Jan 31 (Wire) -", "Nairobi — 24 March 2025 —",
# "BUKAVU/KINSHASA, Monday Feb. 17, 2025 —", "Geneva / Beersheba, 21.06.2025 —"
DATELINE = re.compile(
    rf"^[ \t]*(?P<place>{_PLACE})[ \t]*(?:,|[ \t]{_DASH})?[ \t]*[(\[]?[ \t]*\b(?P<date>{DATE_TOKEN})[ \t]*[)\]]?"
    rf"[ \t]*(?:\([^()\n]{{1,40}}\)[ \t]*)?{_DASH}", re.MULTILINE)
# A line that is only a date, perhaps after a word or two and before a time:
# "Published 22 June 2025", "Updated Sat 8 Feb 2025, 19:05 EAT", "Wednesday, 25 June 2025".
DATE_LINE = re.compile(
    rf"^[ \t]*(?:[A-Za-z]+(?:[ \t]+[a-z]+){{0,2}}:?[ \t]+)??(?:on[ \t]+)?\b(?P<date>{DATE_TOKEN})"
    rf"(?:,?[ \t]+(?:at[ \t]+)?\d{{1,2}}[:.]\d\d(?:[ \t]*[ap]\.?m\.?)?(?:[ \t]+[A-Z]{{2,5}}(?:[+-]\d{{1,2}})?)?)?"
    rf"[ \t]*\.?[ \t]*$", re.MULTILINE)
# "(Agency) — A ceasefire ...": a wire paragraph whose date comes on the line beneath.
AGENCY_LEAD = re.compile(rf"^[ \t]*(?:[A-Z][\w .'’/-]{{0,40}})?\([^()\n]{{1,40}}\)[ \t]*{_DASH}")

WHAT_WAS_LOOKED_FOR = ("looked for a dateline in the opening lines (“City, Month D, YYYY –”, “City (Month D, "
                       "YYYY) –”, “CITY, Mon D (Agency) -”, “City, DD.MM.YYYY —”), a line holding only a date "
                       "(“Published 22 June 2025”, “Updated Sat 8 Feb 2025, 19:05 EAT”) and the page's metadata")
@dataclass(frozen=True)
class Window:
    """Reports given in order (a batch whose dated reports run oldest to newest): one without a year falls
    between the dated reports given before and after it; `anchors` date it otherwise."""

    anchors: tuple[dt.date, ...]
    after: dt.date | None = None
    before: dt.date | None = None


# What dates a year-less dateline: a year, a date, the dates of the briefing's reports, or a Window.
Context = int | dt.date | Sequence[dt.date] | Window | None


@dataclass
class Dateline:
    date: dt.date
    place: str
    start: int  # where the dateline paragraph starts in the text
    end: int


def month_number(word: str) -> int | None:
    w = word.lower().rstrip(".")
    return MONTHS.get(w) or MONTH_ABBR.get(w[:4] if w.startswith("sept") else w[:3])


def parse_date(text: str, default_year: int | None = None) -> dt.date | None:
    """'December 9, 2025', '9 Dec 2025', '2025-12-09', '21.06.2025'; a date without a year takes default_year."""
    for rx in (MONTH_DAY, DAY_MONTH, ISO, NUMERIC):
        m = rx.search(text)
        if not m:
            continue
        month = int(m["month"]) if m["month"].isdigit() else month_number(m["month"])
        year = int(m["year"]) if m["year"] else default_year
        if month is None or year is None:
            continue
        try:
            return dt.date(year, month, int(m["day"]))
        except ValueError:
            continue
    return None


def _parts(token: str) -> tuple[int, int, int | None] | None:
    """(month, day, year or None) of a dateline's date, in English or, through dateparser, another language."""
    for rx in (MONTH_DAY, DAY_MONTH, ISO, NUMERIC):
        m = rx.search(token)
        if m is None:
            continue
        month = int(m["month"]) if m["month"].isdigit() else month_number(m["month"])
        if month is None or not 1 <= month <= 12 or not 1 <= int(m["day"]) <= 31:
            continue
        return month, int(m["day"]), int(m["year"]) if m["year"] else None
    words = [w.rstrip(".,").lower() for w in re.findall(r"[^\W\d_]+\.?", token)]
    year = re.search(_YEAR, token)
    # Another language's month only with a year beside it: "number 12:" in a headline is no date.
    if not words or year is None or all(w in WEEKDAYS or w[:3] in (d[:3] for d in WEEKDAYS) for w in words):
        return None
    parsed = _foreign(token)
    if parsed is None:
        return None
    return parsed[0], parsed[1], int(year.group())


# Languages of wire copy a briefing may be fed; naming them keeps dateparser from trying its 200 locales.
FOREIGN_LANGUAGES = ["fr", "es", "pt", "de", "it", "nl", "ru", "ar", "tr", "id", "sw"]


@functools.lru_cache(maxsize=256)
def _foreign(token: str) -> tuple[int, int] | None:
    import dateparser  # heavy: only for a dateline written in another language

    parsed = dateparser.parse(token, languages=FOREIGN_LANGUAGES,
                              settings={"REQUIRE_PARTS": ["day", "month"], "DATE_ORDER": "DMY",
                                        "PREFER_DAY_OF_MONTH": "first"})
    return (parsed.month, parsed.day) if parsed is not None else None


def _named_weekday(token: str, before: str = "") -> int | None:
    """The weekday named with a date: in it ("Sat 8 Feb") or, spelt out, just before it ("Friday Jan 31")."""
    last = re.findall(r"[^\W\d_]+", before.lower())[-1:]
    for w in [*last, *re.findall(r"[^\W\d_]+", token.lower())]:
        for i, day in enumerate(WEEKDAYS):
            if w == day or (len(w) >= 3 and day.startswith(w) and w not in last):
                return i
    return None


def _dated(token: str, text: str, context: Context, before: str = "") -> dt.date | None:
    """The dateline's date; one without a year takes it from a full date elsewhere in the report, else from
    the context: the year that puts it nearest one of the dates given (the briefing's reports), else today."""
    parts = _parts(token)
    if parts is None:
        return None
    month, day, year = parts
    if year is not None:
        try:
            return dt.date(year, month, day)
        except ValueError:
            return None
    window = context if isinstance(context, Window) else None
    if window is not None:
        context = list(window.anchors)
    full = [d for d in (parse_date(m.group(0)) for rx in (MONTH_DAY, DAY_MONTH, ISO, NUMERIC)
                        for m in rx.finditer(text) if m["year"]) if d is not None]
    if full:
        anchors = [max(full)]
    elif isinstance(context, dt.date):
        anchors = [context]
    elif isinstance(context, int):
        anchors = [dt.date(context, month, min(day, 28))]
    elif context:
        anchors = list(context)
    else:
        anchors = [dt.date.today()]
    options = []
    for y in sorted({a.year + k for a in anchors for k in (-1, 0, 1)}):
        try:
            options.append(dt.date(y, month, day))
        except ValueError:
            continue
    # A report is not dated after today.
    options = [d for d in options if d <= dt.date.today() + dt.timedelta(days=1)] or options
    if window is not None and (window.after or window.before):
        inside = [d for d in options if (window.after is None or d >= window.after)
                  and (window.before is None or d <= window.before)]
        options = inside or options
    weekday = _named_weekday(token, before)
    if weekday is not None and any(d.weekday() == weekday for d in options):
        options = [d for d in options if d.weekday() == weekday]
    return min(options, key=lambda d: min(abs((d - a).days) for a in anchors), default=None)


def find_dateline(text: str, default_year: Context = None, search_chars: int = 2000,
                  ) -> Dateline | None:
    """The report's date from its opening lines, or None. `start` is where the body begins: the dateline's
    paragraph, or (for a date on a line of its own) that line, or the "(Agency) —" paragraph above it."""
    head = text[:search_chars]
    first = True
    previous: re.Match | None = None
    for line in re.finditer(r"[^\n]+", head):
        if not line.group().strip():
            continue
        m = DATELINE.match(line.group())
        if m is not None and (date := _dated(m["date"], text, default_year, m["place"])) is not None:
            place = re.sub(r"[\s,]+[A-Z][a-z]+day$", "", m["place"]).strip(" ,/")
            return Dateline(date=date, place=place, start=line.start() + m.start("place"),
                            end=line.start() + m.end())
        # The first line names the section; a date there alone is not the report's.
        m = None if first else DATE_LINE.match(line.group())
        if m is not None and (date := _dated(m["date"], text, default_year)) is not None:
            start = line.start()
            if previous is not None and AGENCY_LEAD.match(previous.group()):
                start = previous.start()
            return Dateline(date=date, place="", start=start, end=line.end())
        first, previous = False, line
    return _loose_dateline(head, text, default_year)


# Any date as a report's opening lines may write it, found anywhere in a line: "2025-05-13T09:30Z",
# "19-Sep-2023", "30/09/2023", "21 Sep '23", "2nd of August 2024", "Oct. 28, 2025", "Sept 28".
_Y = r"(?P<year>(?:19|20)\d\d|'\d\d)"
LOOSE = [
    re.compile(r"(?<!\d)(?P<year>(?:19|20)\d\d)-(?P<month>\d{1,2})-(?P<day>\d{1,2})(?!\d)"),
    re.compile(r"(?<![\d.:/-])(?P<day>\d{1,2})[./-](?P<month>\d{1,2})[./-](?P<year>(?:19|20)\d\d)(?!\d)"),
    re.compile(rf"(?<!\d)(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?[\s-]+(?P<month>{_MONTH})(?:[\s,-]+{_Y})?(?![\w'])",
               re.IGNORECASE),
    re.compile(rf"\b(?P<month>{_MONTH})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+{_Y})?(?![\w'])",
               re.IGNORECASE),
]


def _loose(line: str) -> tuple[str, int, int, bool] | None:
    """The first date written anywhere in the line, as "D Month [YYYY]" for `_dated`, with its span and whether
    it names a year; numbers alone are read day first, unless only the other order makes a date."""
    found = []
    for rx in LOOSE:
        m = rx.search(line)
        if m is None:
            continue
        month = int(m["month"]) if m["month"].isdigit() else month_number(m["month"])
        day = int(m["day"])
        if m["month"].isdigit() and month is not None and month > 12 and day <= 12:
            day, month = month, day
        if month is None or not 1 <= month <= 12 or not 1 <= day <= 31:
            continue
        year = m["year"]
        if year and year.startswith("'"):
            year = f"20{year[1:]}"
        token = f"{day} {list(MONTHS)[month - 1].capitalize()}" + (f" {year}" if year else "")
        found.append((m.start(), token, m.end(), bool(year)))
    if not found:
        return None
    start, token, end, has_year = min(found)
    return token, start, end, has_year


def _loose_dateline(head: str, text: str, context: Context) -> Dateline | None:
    """A date in the opening lines that no dateline pattern above knows ("Srinagar | 10/05/2025", "Dateline:
    New Delhi, 26th April 2025", "Last updated: 2025-05-13T09:30Z"): the first line after the section name
    whose opening holds a dated day, or a short line holding a day without a year."""
    lines = [m for m in re.finditer(r"[^\n]+", head) if m.group().strip()][1:9]
    for line in lines:
        text_line = line.group()
        found = _loose(text_line[:90])
        if found is None:
            continue
        token, start, end, has_year = found
        if not has_year and len(text_line.strip()) > 60:
            continue  # "on May 7" in a body sentence is an event, not the report's date
        date = _dated(token, text, context, text_line[:start])
        if date is None:
            continue
        short = len(text_line.strip()) <= 100
        rest = re.match(rf"[ \t]*(?:\([^()\n]{{1,40}}\)[ \t]*)?(?:{_DASH}+|[|·])?", text_line[end:])
        stop = line.end() if short else line.start() + end + (rest.end() if rest else 0)
        return Dateline(date=date, place="", start=line.start(), end=stop)
    return None


def weekday_before(report: dt.date, weekday: str, allow_same: bool = True) -> dt.date:
    """The latest given weekday on or before the report's date ("on Monday" in a Monday report is today)."""
    target = WEEKDAYS.index(weekday.lower())
    back = (report.weekday() - target) % 7
    if back == 0 and not allow_same:
        back = 7
    return report - dt.timedelta(days=back)


def weekday_after(report: dt.date, weekday: str) -> dt.date:
    target = WEEKDAYS.index(weekday.lower())
    ahead = (target - report.weekday()) % 7 or 7
    return report + dt.timedelta(days=ahead)


def resolve_day(text: str, report: dt.date, future: bool = False) -> dt.date | None:
    """A date named in a phrase, read against the report's date: explicit dates take the report's year
    (a December report naming 'January 3' about the future means next year), weekdays the nearest one."""
    date = parse_date(text, report.year)
    if date is not None:
        if future and date < report - dt.timedelta(days=180) and not re.search(r"(?:19|20)\d\d", text):
            date = date.replace(year=date.year + 1)
        return date
    m = re.search(r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", text, re.IGNORECASE)
    if m:
        if future or re.search(r"\bnext\s+" + m.group(1), text, re.IGNORECASE):
            return weekday_after(report, m.group(1))
        return weekday_before(report, m.group(1))
    low = text.lower()
    if "yesterday" in low:
        return report - dt.timedelta(days=1)
    if "today" in low:
        return report
    if "tomorrow" in low:
        return report + dt.timedelta(days=1)
    return None
