"""What every Slack listener needs, built once per app."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from bot.adapters.slack.askers import AskerDirectory
from bot.adapters.slack.background import Background
from bot.adapters.slack.dedupe import SeenEvents
from bot.core.commands import Core
from bot.core.reply import Reply, Section
from bot.retry import RetryPolicy

# Answers worked on at once (core work, rendering, posting). Acks and answers share one event loop:
# without a limit, a burst of 50 answers runs their steps back to back and the next ack waits behind
# them. Acks must arrive within 3 s; an answer may follow a little later, so answers take turns.
ANSWER_SLOTS = 4


@dataclass
class Deps:
    core: Core
    askers: AskerDirectory
    # Questions go to a model (network-bound, seconds each): they are not limited by ANSWER_SLOTS.
    model_answers: bool = False
    background: Background = field(default_factory=Background)
    seen: SeenEvents = field(default_factory=SeenEvents)
    slots: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(ANSWER_SLOTS))
    # One connection pool for the Web API and response URLs, opened by SlackService.start().
    http: aiohttp.ClientSession | None = None
    # Who may press review buttons besides admins ("slack:U123" or "U123"; REVIEW_REVIEWERS).
    reviewers: set[str] = field(default_factory=set)
    # How long and how often a reply's posts are retried before the asker is told it was lost.
    retry: RetryPolicy = field(default_factory=RetryPolicy)

    def slot(self, command: str) -> contextlib.AbstractAsyncContextManager[Any]:
        """An answer slot, except for model-backed questions, which mostly wait on the network."""
        if self.model_answers and command == "ask":
            return contextlib.nullcontext()
        return self.slots


def error_reply() -> Reply:
    return Reply(title="Something went wrong", ephemeral=True, found=False, sections=[Section(
        text="The bot could not answer that just now. Please try again in a minute.")])
