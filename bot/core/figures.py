"""Figure series over time: the current value, its history, and where sources disagree."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from bot.core.models import Figure

METRIC_ORDER = ("killed", "injured", "displaced", "missing", "detained")
METRIC_LABELS = {"killed": "Killed", "injured": "Injured", "displaced": "Displaced",
                 "missing": "Missing", "detained": "Detained"}


@dataclass
class Series:
    metric: str
    scope: str
    points: list[Figure] = field(default_factory=list)  # oldest first

    @property
    def current(self) -> Figure:
        latest = max(f.as_of for f in self.points)
        # Among reports for the latest day, the first one recorded stays current; the rest disagree.
        return next(f for f in self.points if f.as_of == latest)

    def disagreeing(self) -> list[Figure]:
        """Other sources' figures for the same day as the current one, with a different value ("at least 21"
        and "21" agree: only the qualifier differs)."""
        cur = self.current
        return [f for f in self.points if f.as_of == cur.as_of and f is not cur
                and (f.value, f.value_high) != (cur.value, cur.value_high)]

    def history(self) -> list[Figure]:
        """Earlier figures, oldest first (excluding the current day's)."""
        cur = self.current
        return [f for f in self.points if f.as_of < cur.as_of]

    def previous(self, before: dt.date) -> Figure | None:
        """The figure that was current before a date: the baseline for 'up from ...'."""
        older = [f for f in self.points if f.as_of < before]
        if not older:
            return None
        latest = max(f.as_of for f in older)
        return next(f for f in older if f.as_of == latest)

    def range_text(self) -> str | None:
        """'11–13' when sources disagree about the same day, else None."""
        others = self.disagreeing()
        if not others:
            return None
        values = [self.current, *others]
        low = min(f.value for f in values)
        high = max(f.value_high or f.value for f in values)
        return f"{low:,}–{high:,}"


def series_of(figures: list[Figure]) -> list[Series]:
    """Group figures into series, headline scopes first, in the usual metric order."""
    groups: dict[tuple[str, str], Series] = {}
    for fig in sorted(figures, key=lambda f: f.as_of):
        key = fig.series()
        if key not in groups:
            groups[key] = Series(metric=fig.metric, scope=fig.scope)
        groups[key].points.append(fig)

    def order(s: Series) -> tuple[int, int, str]:
        rank = METRIC_ORDER.index(s.metric) if s.metric in METRIC_ORDER else len(METRIC_ORDER)
        return (rank, 0 if is_headline(s.scope) else 1, s.scope)

    return sorted(groups.values(), key=order)


def is_headline(scope: str) -> bool:
    """Headline series count everyone in the conflict, not a subgroup."""
    return scope.strip().lower() in {"", "overall", "total", "all", "people in the conflict"}


def change_text(now: Figure, before: Figure | None) -> str:
    """'up from at least 10 on 9 Dec 2025' / 'unchanged since …' / '' when there is no baseline."""
    if before is None:
        return ""
    when = f"{before.as_of.day} {before.as_of.strftime('%b %Y')}"
    if (now.value, now.value_high, now.qualifier) == (before.value, before.value_high, before.qualifier):
        return f"unchanged since {when}"
    direction = "up" if (now.value_high or now.value) > (before.value_high or before.value) else "revised from"
    if direction == "up":
        return f"up from {before.amount()} on {when}"
    return f"revised from {before.amount()} on {when}"
