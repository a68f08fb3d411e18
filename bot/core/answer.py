"""What an answer engine returns, and the interface every engine (offline, model-backed) offers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from bot.core.reply import Asker, Citation


@dataclass
class Answer:
    question: str
    answer: str
    found: bool
    citations: list[Citation] = field(default_factory=list)
    engine: str = "offline"
    fallback_reason: str | None = None
    # Ids of the facts and passages the answer rests on (what a model may cite).
    fact_ids: list[str] = field(default_factory=list)
    intent: str = ""
    # The answer with footnote markers after each sentence they support ("... [1] ... [2]"), for chat.
    marked: str = ""

    def prefix(self, text: str, marks: str = "") -> None:
        """Put a sentence (a caveat, a related event) before the answer; `marks` cite it in the chat text."""
        self.answer = f"{text} {self.answer}"
        if self.marked:
            self.marked = f"{text} {marks} {self.marked}" if marks else f"{text} {self.marked}"

    def chat_text(self) -> str:
        if self.marked:
            return self.marked
        marks = "".join(f"[{c.n}]" for c in self.citations)
        return f"{self.answer} {marks}".rstrip()

    def to_json(self) -> dict:
        data = {"question": self.question, "answer": self.answer, "found": self.found,
                "engine": self.engine, "citations": [c.to_json() for c in self.citations]}
        if self.fallback_reason:
            data["fallback_reason"] = self.fallback_reason
        return data


class Answerer(Protocol):
    """Anything that answers a question from the briefing."""

    async def answer(self, question: str, asker: Asker | None = None) -> Answer: ...
