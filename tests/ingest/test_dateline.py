"""Report dates: every dateline form of the corpus packs and follow-ups, year-less dates, weekdays."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.ingest.dateline import find_dateline, resolve_day
from tests.conftest import SHARED
from tests.ingest.helpers import FOLLOWUPS

CORPUS = SHARED / "corpus"


@pytest.mark.parametrize(("text", "expected", "place"), [
    ("World / Middle East\n\nHeadline\n\nJERUSALEM, June 14 (Wire) - Israel launched strikes on Friday.",
     dt.date(2025, 6, 14), "JERUSALEM"),
    ("Middle East\n\nHeadline\n\nTel Aviv, Israel (June 16, 2025) – Israel and Iran exchanged fire.",
     dt.date(2025, 6, 16), "Tel Aviv, Israel"),
    ("World\n\nHeadline\n\nGeneva / Beersheba, 21.06.2025 — An Iranian missile struck.",
     dt.date(2025, 6, 21), "Geneva / Beersheba"),
    ("US / World\n\nHeadline\n\nPublished 22 June 2025\n\nThe United States struck three sites.",
     dt.date(2025, 6, 22), ""),
    ("Gulf\n\nHeadline\n\n(Agency) — A ceasefire was holding on Wednesday.\nWednesday, 25 June 2025\n\nMore.",
     dt.date(2025, 6, 25), ""),
    ("Africa\n\nHeadline\n\nGoma, Democratic Republic of Congo (January 28, 2025) – Gunfire shook Goma.",
     dt.date(2025, 1, 28), "Goma, Democratic Republic of Congo"),
    ("Africa\n\nHeadline\n\nKINSHASA, Jan 31 (Wire) - More than 700 people were killed.",
     dt.date(2025, 1, 31), "KINSHASA"),
    ("Africa\n\nHeadline\n\nBy staff reporters\nUpdated Sat 8 Feb 2025, 19:05 EAT\n\nDAR ES SALAAM — Leaders met.",
     dt.date(2025, 2, 8), ""),
    ("Africa\n\nHeadline\n\nBUKAVU/KINSHASA, Monday Feb. 17, 2025 — M23 rebels walked in.",
     dt.date(2025, 2, 17), "BUKAVU/KINSHASA"),
    ("Diplomacy\n\nHeadline\n\nNairobi — 24 March 2025 — Efforts to end the war stalled.",
     dt.date(2025, 3, 24), "Nairobi"),
    ("Section\n\nHeadline\n\nBangkok, Thailand (December 9, 2025) – Fighting", dt.date(2025, 12, 9),
     "Bangkok, Thailand"),
    ("Section\n\nHeadline\n\nPHNOM PENH, Dec 23 (Reuters) - The toll", dt.date(2024, 12, 23), "PHNOM PENH"),
    ("Section\n\nHeadline\n\nBANGKOK — 24 December 2025: Thai troops", dt.date(2025, 12, 24), "BANGKOK"),
    ("Section\n\nHeadline\n\nSurin, Thailand, December 25, 2025 - x", dt.date(2025, 12, 25), "Surin, Thailand"),
    ("Section\n\nHeadline\n\nLast updated: 3 March 2025 at 10:15 GMT\n\nText.", dt.date(2025, 3, 3), ""),
    ("Monde\n\nTitre\n\nKINSHASA, 31 janvier 2025 (Agence) - Plus de 700 morts.", dt.date(2025, 1, 31), "KINSHASA"),
    ("Mundo\n\nTitular\n\nJARTUM, 3 de marzo de 2025 (Agencia) - Los combates.", dt.date(2025, 3, 3), "JARTUM"),
])
def test_every_dateline_form(text: str, expected: dt.date, place: str) -> None:
    line = find_dateline(text, dt.date(2025, 3, 1))
    assert line is not None and (line.date, line.place) == (expected, place)


def test_the_body_starts_at_the_dateline_paragraph() -> None:
    text = "Gulf\n\nHeadline\n\n(Agency) — A ceasefire was holding.\nWednesday, 25 June 2025\n\nMore."
    assert text[find_dateline(text).start:].startswith("(Agency) —")
    text = "Africa\n\nHeadline\n\nBy staff\nUpdated Sat 8 Feb 2025, 19:05 EAT\n\nDAR ES SALAAM — Leaders met."
    assert text[find_dateline(text).start:].startswith("Updated Sat")


def test_a_headline_number_is_no_date() -> None:
    text = "Border report number 12: fighting continues\n\nBangkok, Thailand (December 13, 2025) – The toll rose."
    assert find_dateline(text).date == dt.date(2025, 12, 13)


def test_the_first_line_is_a_section_never_a_date() -> None:
    assert find_dateline("22 June 2025\n\nHeadline\n\nNo dateline here at all.") is None


@pytest.mark.parametrize(("text", "context", "expected"), [
    # A year elsewhere in the report wins over the context.
    ("S\n\nH\n\nKINSHASA, Jan 31 (Wire) - Talks were set for 4 February 2025.", dt.date(2026, 11, 30),
     dt.date(2025, 1, 31)),
    # Otherwise the year that puts it nearest the briefing's latest report...
    ("S\n\nH\n\nKINSHASA, Jan 31 (Wire) - Fighting.", dt.date(2025, 1, 28), dt.date(2025, 1, 31)),
    ("S\n\nH\n\nPHNOM PENH, Jan 3 (Wire) - Fighting.", dt.date(2025, 12, 28), dt.date(2026, 1, 3)),
    # ... and a weekday named with it picks the year it falls on.
    ("S\n\nH\n\nKINSHASA, Friday Jan 31 (Wire) - Fighting.", dt.date(2026, 1, 28), dt.date(2025, 1, 31)),
    # Given the briefing's report dates, the year nearest any of them.
    ("S\n\nH\n\nKINSHASA, Jan 31 (Wire) - Fighting.", [dt.date(2025, 1, 28), dt.date(2025, 12, 12)],
     dt.date(2025, 1, 31)),
])
def test_a_date_without_a_year_takes_it_from_context(text: str, context: object, expected: dt.date) -> None:
    assert find_dateline(text, context).date == expected


def _pack_reports() -> list[Path]:
    return sorted(CORPUS.glob("*/*.txt")) + sorted(FOLLOWUPS.glob("*.txt"))


def test_every_pack_and_follow_up_report_has_a_date() -> None:
    reports = _pack_reports()
    assert len(reports) >= 12
    for path in reports:
        line = find_dateline(path.read_text(encoding="utf-8"), dt.date(2025, 6, 1))
        assert line is not None, path.name


MONDAY = dt.date(2025, 2, 17)


@pytest.mark.parametrize(("phrase", "future", "expected"), [
    ("on Sunday", False, dt.date(2025, 2, 16)),
    ("on Friday", False, dt.date(2025, 2, 14)),
    ("on Monday", False, MONDAY),  # the report's own day
    ("on Wednesday night", False, dt.date(2025, 2, 12)),
    ("next Wednesday", False, dt.date(2025, 2, 19)),
    ("on Thursday", True, dt.date(2025, 2, 20)),  # said of a plan: the one to come
    ("on 4 February", False, dt.date(2025, 2, 4)),
    ("on 18 March", True, dt.date(2025, 3, 18)),
    ("yesterday", False, dt.date(2025, 2, 16)),
])
def test_weekdays_resolve_against_the_report(phrase: str, future: bool, expected: dt.date) -> None:
    assert resolve_day(phrase, MONDAY, future=future) == expected


@pytest.mark.parametrize(("line", "expected"), [
    # Forms from packs written later, without reading this code: a date anywhere in an opening line.
    ("Pahalgam / Srinagar — Tue 22 Apr 2025, 23:40 IST", dt.date(2025, 4, 22)),
    ("Dateline: New Delhi, 26th April 2025", dt.date(2025, 4, 26)),
    ("Srinagar | 10/05/2025", dt.date(2025, 5, 10)),
    ("Last updated: 2025-05-13T09:30Z", dt.date(2025, 5, 13)),
    ("BAKU/YEREVAN · 19-Sep-2023 ·", dt.date(2023, 9, 19)),
    ("Yevlakh (Azerbaijan) | 21 Sep '23", dt.date(2023, 9, 21)),
    ("Goris, Armenia — Posted: 26 Sep 2023 21:30 GMT+4", dt.date(2023, 9, 26)),
    ("From our correspondent in Yerevan\nDate: 30/09/2023", dt.date(2023, 9, 30)),
    ("By a staff reporter | 17 Sep 2024 | 21:10 GMT", dt.date(2024, 9, 17)),
    ("(Wire) -- Wednesday 2 October 2024", dt.date(2024, 10, 2)),
    ("Sidon & Jerusalem, October 14th, 2024 – A drone struck a base on Sunday evening.", dt.date(2024, 10, 14)),
    ("Dateline: Geneva/El Fasher, 2nd of August 2024", dt.date(2024, 8, 2)),
    ("NAIROBI (Wire) | Sun 26 Jan 2025, 18:40 EAT", dt.date(2025, 1, 26)),
    ("Washington | 12/31/2024", dt.date(2024, 12, 31)),  # only month first makes a date
])
def test_a_date_anywhere_in_an_opening_line(line: str, expected: dt.date) -> None:
    found = find_dateline(f"Section\n\nA headline about strikes and talks\n\n{line}\n\nThe body says more on Monday.")
    assert found is not None and found.date == expected


def test_a_body_sentence_naming_a_day_is_not_the_reports_date() -> None:
    text = ("Section\n\nHeadline\n\nFighting went on across the region as officials said talks set for May 7 "
            "would go ahead despite the shelling overnight and the rising toll.\n")
    assert find_dateline(text) is None


def test_a_yearless_report_in_an_ordered_batch_falls_after_the_one_before_it() -> None:
    from bot.ingest.pipeline import batch_windows

    dated = "Section\n\nHeadline {n}\n\nPORT SUDAN, Sudan — {d} — The body.\n"
    texts = [dated.format(n=1, d="June 14, 2024"), dated.format(n=2, d="January 26, 2025"),
             dated.format(n=3, d="April 16, 2025"), "Section\n\nHeadline 4\n\nTAWILA, Oct 30 — The body.\n"]
    windows = batch_windows(texts)
    assert windows[3].after == dt.date(2025, 4, 16) and windows[3].before is None
    # Nearest to any dated report would be 30 Oct 2024; given last, after 16 April 2025, it is 2025.
    assert find_dateline(texts[3], windows[3]).date == dt.date(2025, 10, 30)
    # Reports not given in date order bound nothing: the nearest year is kept.
    shuffled = batch_windows([texts[2], texts[0], texts[3]])
    assert shuffled[2].after is None and find_dateline(texts[3], shuffled[2]).date == dt.date(2024, 10, 30)
