"""Finding a report's date: its dateline ("Bangkok, Thailand (December 9, 2025) –"), and reading
dates relative to it ("on Monday", "by Tuesday", "December 24")."""

from __future__ import annotations

import datetime as dt
import re
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
# "Bangkok, Thailand (December 9, 2025) –", "PHNOM PENH, Dec 9 (Reuters) -", "Kuala Lumpur — 22 December 2025:"
DATELINE = re.compile(
    rf"^\s*(?P<place>[A-Z][\w'’.-]*(?:[ ,]+[A-Z][\w'’.-]*){{0,4}})\s*(?:,|\s[-–—])?\s*[(\[]?\s*(?P<date>(?:{_MONTH})\s+\d{{1,2}}(?:,?\s+(?:19|20)\d\d)?|\d{{1,2}}\s+(?:{_MONTH})(?:,?\s+(?:19|20)\d\d)?)\s*[)\]]?\s*(?:\([^)]{{1,40}}\)\s*)?[-–—:]",
    re.MULTILINE)


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
    """'December 9, 2025', '9 Dec 2025', '2025-12-09'; a date without a year takes default_year."""
    for rx in (MONTH_DAY, DAY_MONTH, ISO):
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


def find_dateline(text: str, default_year: int | dt.date | None = None, search_chars: int = 2000,
                  ) -> Dateline | None:
    """The first dateline in the report's opening, or None. A dateline without a year ("Dec 23") takes a
    year named nearby, else default_year (given a date: the year that puts it nearest that date)."""
    head = text[:search_chars]
    for m in DATELINE.finditer(head):
        date = parse_date(m["date"])
        if date is None:
            year_near = re.search(r"\b(?:19|20)\d\d\b", head)
            if year_near:
                date = parse_date(m["date"], int(year_near.group()))
            elif isinstance(default_year, dt.date):
                near = default_year
                options = [parse_date(m["date"], y) for y in (near.year - 1, near.year, near.year + 1)]
                date = min((d for d in options if d), key=lambda d: abs((d - near).days), default=None)
            elif default_year:
                date = parse_date(m["date"], default_year)
        if date is not None:
            return Dateline(date=date, place=m["place"].strip(" ,"), start=m.start("place"), end=m.end())
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
