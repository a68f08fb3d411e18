"""Offline answer engine (placeholder while the real one is written)."""

from __future__ import annotations

from bot.core.answer import Answer
from bot.core.models import Briefing
from bot.core.reply import Asker


class OfflineEngine:
    def __init__(self, briefing: Briefing) -> None:
        self.briefing = briefing

    async def answer(self, question: str, asker: Asker | None = None) -> Answer:
        return self.answer_now(question)

    def answer_now(self, question: str) -> Answer:
        return Answer(question=question, answer="The briefing does not cover that.", found=False)
