"""The faithful / unfaithful model answers of tests/data/grounding_cases.yaml, and a fake model that gives
each in turn, citing every passage it was sent (as the answers of issue 11 do)."""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.llm.grounding import INSTRUCTION_RE
from tests.fakes.openai_server import Reply, request_data

CASES_FILE = Path(__file__).resolve().parents[1] / "data" / "grounding_cases.yaml"
# the ../shared/corpus packs, then the packs of tests/data/packs (other conflicts, written without reading the code)
PACKS = ("israel-iran-2025", "drc-m23-2025", "india-pakistan-2025", "karabakh-2023")


@dataclass(frozen=True)
class Case:
    briefing: str
    q: str
    answer: str
    faithful: bool
    reason: str = ""
    why: str = ""


def cases(briefing: str | None = None) -> list[Case]:
    items = [Case(**c) for c in yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))]
    return [c for c in items if briefing is None or c.briefing == briefing]


class ScriptedModel:
    """Answers each question with the next scripted answer for it, citing all passages it was given (a
    faithful answer leaves out a passage that addresses the model, as a careful model would)."""

    def __init__(self, items: list[Case]) -> None:
        self.queue: dict[str, deque[Case]] = defaultdict(deque)
        for c in items:
            self.queue[c.q].append(c)
        self.unexpected: list[str] = []

    def __call__(self, body: dict) -> Reply:
        data = request_data(body)
        pending = self.queue.get(data["question"])
        if not pending:
            self.unexpected.append(data["question"])
            return Reply(content={"answer": "", "cited_ids": [], "found": False})
        case = pending.popleft()
        ids = [p["id"] for p in data["passages"] if not case.faithful or not INSTRUCTION_RE.search(p["text"])]
        return Reply(content={"answer": case.answer, "cited_ids": ids, "found": True})


def score(items: list[Case], results: list[dict[str, Any]]) -> dict[str, Any]:
    """Shown rates, and the cases judged wrongly (with what happened), from `ask --json`-shaped results."""
    wrong = []
    faithful = [c for c in items if c.faithful]
    shown_faithful = shown_unfaithful = 0
    for c, r in zip(items, results, strict=True):
        shown = r["engine"] == "llm"
        if c.faithful:
            shown_faithful += shown
        else:
            shown_unfaithful += shown
        if shown != c.faithful or (not shown and c.reason and r.get("fallback_reason") != c.reason):
            wrong.append((c.briefing, c.answer, r.get("fallback_reason")))
    return {"faithful": len(faithful), "unfaithful": len(items) - len(faithful),
            "faithful_shown": shown_faithful, "unfaithful_shown": shown_unfaithful, "wrong": wrong}
