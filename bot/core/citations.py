"""Numbered citations with verbatim quotes, shared by every command and answer."""

from __future__ import annotations

from bot.core.evidence import verbatim
from bot.core.models import Briefing, Evidence
from bot.core.reply import Citation


class Citer:
    """Hands out footnote numbers; the same quote cited twice keeps its number."""

    def __init__(self, briefing: Briefing) -> None:
        self.briefing = briefing
        self.citations: list[Citation] = []
        self._numbers: dict[tuple[str, str], int] = {}

    def cite(self, evidence: Evidence | list[Evidence]) -> str:
        """'[1]' (or '[1][2]') for the evidence; '' when no quote could be found in its source."""
        items = evidence if isinstance(evidence, list) else [evidence]
        marks = []
        for ev in items:
            n = self.number(ev)
            if n is not None:
                marks.append(f"[{n}]")
        return "".join(marks)

    def number(self, ev: Evidence) -> int | None:
        key = (ev.source_id, ev.quote)
        if key in self._numbers:
            return self._numbers[key]
        source = self.briefing.source(ev.source_id)
        if source is None:
            return None
        quote = verbatim(ev.quote, source.text)
        if quote is None:
            return None  # never show a fact whose quote is not in its source
        n = len(self.citations) + 1
        self.citations.append(Citation(n=n, source_id=source.id, title=source.title,
                                       published=source.published_at.isoformat(), quote=quote,
                                       url=source.url, publisher=source.publisher))
        self._numbers[key] = n
        return n
