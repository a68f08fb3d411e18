"""Report dates: a year misread is put back; a long war's reports half a year apart are left as dated."""

from __future__ import annotations

import datetime as dt

from bot.core.models import Source
from bot.core.passages import report_dates


def sources(*days: str) -> list[Source]:
    return [Source(id=f"s{i}", title="t", published_at=dt.date.fromisoformat(d), text="x") for i, d in enumerate(days)]


def test_a_report_a_whole_year_after_the_others_is_put_back_a_year() -> None:
    got = report_dates(sources("2025-06-20", "2025-06-24", "2025-06-26", "2026-06-28"))
    assert got["s3"] == dt.date(2025, 6, 28)


def test_reports_months_apart_in_a_long_war_keep_their_years() -> None:
    days = ("2024-06-14", "2024-08-02", "2025-01-26", "2025-04-16", "2025-10-30")
    got = report_dates(sources(*days))
    assert [got[f"s{i}"] for i in range(5)] == [dt.date.fromisoformat(d) for d in days]
