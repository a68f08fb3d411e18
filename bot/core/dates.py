"""Dates inside report sentences, resolved against the report's own date.

"on Sunday" in a report of Tuesday 28 January is 26 January; "would travel ... on Monday" in a report of
Sunday 22 June is the next day; "A day later" is the day after the sentence before it. Dates the text does
not pin down stay unresolved rather than guessed.
"""

from __future__ import annotations

import datetime as dt
import re

MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december".split(), 1)}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
          r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH})\b\.?(?:,?\s+((?:19|20)\d\d))?", re.I)
MONTH_DAY = re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?!\s*(?:%|percent|km|people))"
                       rf"(?:,?\s+((?:19|20)\d\d))?", re.I)
NUMERIC = re.compile(r"\b(\d{1,2})[./](\d{1,2})[./]((?:19|20)\d\d)\b")
WEEKDAY = re.compile(r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?\b", re.I)
# Words that put a weekday after the report rather than before it.
FUTURE = re.compile(r"\b(will|would|due|expected|scheduled|planned|plans?|next|upcoming|set\s+to|to\s+be\s+held|"
                    r"going\s+to)\b", re.I)
NEXT_DAY = re.compile(r"\b(a|one)\s+day\s+later\b|\bthe\s+(next|following)\s+day\b", re.I)
DAY_BEFORE = re.compile(r"\b(a|one)\s+day\s+earlier\b|\bthe\s+(previous|preceding)\s+day\b", re.I)
WEEK_BEFORE = re.compile(r"\b(a|one)\s+week\s+earlier\b", re.I)
SAME_DAY = re.compile(r"\b(on\s+)?the\s+same\s+day\b", re.I)
YESTERDAY = re.compile(r"\byesterday\b", re.I)
TODAY = re.compile(r"\btoday\b|\bthis\s+(morning|afternoon|evening)\b", re.I)


def month_day(month: int, day: int, year: int | None, anchor: dt.date) -> dt.date | None:
    """A month and day, in the anchor's year unless given (a date well after the anchor is last year's)."""
    try:
        if year:
            return dt.date(year, month, day)
        d = dt.date(anchor.year, month, day)
    except ValueError:
        return None
    if d > anchor + dt.timedelta(days=200):
        d = d.replace(year=anchor.year - 1)
    return d


def absolute_dates(text: str, anchor: dt.date) -> list[dt.date]:
    """'13 June', 'June 13, 2025', 'Jan 31', '21.06.2025' in a text; a missing year is the anchor's."""
    out: list[tuple[int, dt.date]] = []
    for m in DAY_MONTH.finditer(text):
        d = month_day(MONTHS[m.group(2).lower()[:4] if m.group(2).lower().startswith("sept") else
                             m.group(2).lower()[:3]], int(m.group(1)), int(m.group(3) or 0), anchor)
        if d:
            out.append((m.start(), d))
    for m in MONTH_DAY.finditer(text):
        name = m.group(1).lower()
        d = month_day(MONTHS["sept" if name.startswith("sept") else name[:3]], int(m.group(2)),
                      int(m.group(3) or 0), anchor)
        if d and all(abs(p - m.start()) > 3 for p, _ in out):
            out.append((m.start(), d))
    for m in NUMERIC.finditer(text):
        try:
            out.append((m.start(), dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))))
        except ValueError:
            continue
    return [d for _, d in sorted(out)]


def weekday_date(name: str, anchor: dt.date, future: bool) -> dt.date:
    """The named weekday nearest the anchor: on or before it, or on or after it for what is to come."""
    target = WEEKDAYS.index(name.lower().rstrip("s"))
    back = (anchor.weekday() - target) % 7
    if future and back:
        return anchor + dt.timedelta(days=7 - back)
    return anchor - dt.timedelta(days=back)


def sentence_dates(text: str, report: dt.date, previous: dt.date | None = None) -> list[dt.date]:
    """Every date a sentence points to, resolved against its report's date and the sentence before it."""
    found = absolute_dates(text, report)
    future = bool(FUTURE.search(text))
    for m in WEEKDAY.finditer(text):
        # "Tuesday, 4 February": the weekday only names the date beside it.
        if any(d.strftime("%A").lower() == m.group(1).lower() for d in found):
            continue
        found.append(weekday_date(m.group(1), report, future))
    base = found[0] if found else previous
    if base is not None:
        if NEXT_DAY.search(text):
            found.insert(0, base + dt.timedelta(days=1))
        elif DAY_BEFORE.search(text):
            found.insert(0, base - dt.timedelta(days=1))
        elif WEEK_BEFORE.search(text):
            found.insert(0, base - dt.timedelta(days=7))
    if not found and previous is not None and SAME_DAY.search(text):
        found.append(previous)
    if YESTERDAY.search(text):
        found.append(report - dt.timedelta(days=1))
    if TODAY.search(text):
        found.append(report)
    return found


def question_dates(text: str, anchor: dt.date) -> list[dt.date]:
    """Dates a question names ('on 22 June', 'as of 9 December'), in the briefing's year."""
    return absolute_dates(text, anchor)


def label(d: dt.date) -> str:
    """'Monday 23 June 2025'."""
    return f"{d.strftime('%A')} {d.day} {d.strftime('%B %Y')}"
