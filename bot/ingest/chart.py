"""Each figure series over time as one PNG or SVG (matplotlib, Agg backend, imported only when drawing)."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from bot.core.figures import METRIC_LABELS, Series, is_headline, series_of
from bot.core.models import Briefing
from bot.core.reply import Reply

log = logging.getLogger("briefbot.chart")


def charted(b: Briefing) -> list[Series]:
    """Series with two points or more (a single point is no trend)."""
    return [s for s in series_of(b.figures) if len(s.points) >= 2]


def label(s: Series) -> str:
    name = METRIC_LABELS.get(s.metric, s.metric.title())
    return name if is_headline(s.scope) else f"{name} ({s.scope})"


FORMATS = {".png": "png", ".svg": "svg"}


def chart_path_problem(path: str | Path) -> str | None:
    """Why a chart cannot be written to `path` (format by extension; the folder must exist), or None."""
    path = Path(path)
    if path.suffix.lower() not in FORMATS:
        return f"{path.name}: a chart is written as .png or .svg; give a file name ending in one of those"
    if not path.parent.is_dir():
        return f"{path.parent}: no such folder (create it first)"
    return None


def write_chart(b: Briefing, path: str | Path) -> Path | None:
    """Draw every series with ≥ 2 points into one image, PNG or SVG by the file's extension; None when
    there is nothing to draw. Raises ValueError for another extension or a folder that does not exist."""
    problem = chart_path_problem(path)
    if problem:
        raise ValueError(problem)
    series = charted(b)
    if not series:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    path = Path(path)
    fmt = FORMATS[path.suffix.lower()]
    # SVG keeps its text as text (searchable, smaller) instead of drawing each letter as a path.
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        fig, axes = plt.subplots(len(series), 1, figsize=(7, 2.4 * len(series)), squeeze=False)
        try:
            for ax, s in zip(axes[:, 0], series, strict=True):
                xs = [f.as_of for f in s.points]
                ys = [f.value_high or f.value for f in s.points]
                ax.plot(xs, ys, marker="o", color="#b03a2e" if s.metric == "killed" else "#1f618d")
                for f, y in zip(s.points, ys, strict=True):
                    ax.annotate(f.amount(), (f.as_of, y), textcoords="offset points", xytext=(0, 6),
                                ha="center", fontsize=8)
                ax.set_title(label(s), fontsize=10, loc="left")
                ax.set_ylim(bottom=0, top=max(ys) * 1.25 or 1)
                # Whole days only: over a few days the automatic locator puts ticks every few hours, and
                # each shows the same "12 Dec".
                days = sorted(set(xs))
                span = (days[-1] - days[0]).days
                if len(days) <= 8:
                    ax.set_xticks(days)
                else:
                    ax.xaxis.set_major_locator(mdates.DayLocator(interval=max(1, -(-span // 7))))
                ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
                ax.grid(alpha=0.3)
            fig.suptitle(f"{b.conflict} — figures as reported", fontsize=11)
            fig.tight_layout()
            fig.savefig(path, format=fmt, dpi=100)
        finally:
            plt.close(fig)
    return path


def chart_key(b: Briefing) -> str:
    ids = "|".join(sorted(f.id for s in charted(b) for f in s.points))
    return hashlib.sha256(ids.encode()).hexdigest()[:16]


def attach_chart(directory: Path):  # noqa: ANN201 - returns an enricher for Core.enrichers
    """An enricher: /casualties gets the chart attached when a series has ≥ 2 points (drawn once per data)."""

    def enrich(b: Briefing, reply: Reply) -> None:
        if not charted(b):
            return
        path = directory / f"casualties-{chart_key(b)}.png"
        try:
            if not path.exists():
                directory.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(".tmp.png")
                write_chart(b, tmp)
                tmp.replace(path)
            reply.attachments.append(path)
        except OSError as exc:  # a chart is a nicety: the figures still go out
            log.warning("chart not drawn", extra={"error": str(exc)})

    return enrich
