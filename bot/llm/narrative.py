"""A short model-written paragraph over the daily briefing, under the same checks as answers.

`narrative(briefing_reply_text, passages)` returns the paragraph, or None whenever the model is not
configured or anything fails (the plain briefing then goes out alone). It never raises.
"""

from __future__ import annotations

import logging
import re
import time
from typing import Any

from bot.config import Settings
from bot.llm.checks import CheckFailed, Given, check

log = logging.getLogger("briefbot.llm")

MAX_NARRATIVE_CHARS = 600
TASK = "Write the opening paragraph of today's briefing."


async def narrative(briefing_reply_text: str, passages: list[Any], settings: Settings | None = None,
                    client: Any = None, briefing: Any = None) -> str | None:
    """The paragraph, grounded in `passages` (e.g. `engine.retrieve(...)`) and the briefing text."""
    if settings is None:
        from bot.config import load_settings

        settings = load_settings()
    if not settings.openai_enabled:
        return None
    from bot.llm.answerer import given_of
    from bot.llm.client import make_client
    from bot.llm.grounding import grounds_of
    from bot.llm.model import complete, passage_data, strip_markers
    from bot.llm.prompts import load_prompt

    started = time.perf_counter()
    prompt = load_prompt("narrative")
    # The rendered briefing is our own text: citable (its figures carry their qualifiers), but too
    # broad to say which words are undisputed.
    # Footnote markers ("[3]") are not figures.
    text_only = re.sub(r"\[\d+\]", "", briefing_reply_text)
    given = [Given(id="briefing", kind="briefing", text=text_only, in_dispute_check=False),
             *given_of(passages, briefing)]
    usage: dict[str, int] = {}
    reason, detail, text = None, "", None
    try:
        result = await complete(client or make_client(settings), settings, prompt, passage_data(TASK, given))
        usage, out = result.usage, result.output
        if not out.found:
            raise CheckFailed("model_not_found")
        out.answer = strip_markers(out.answer, [g.id for g in given])
        check(out, {g.id: g for g in given}, prompt.system, max_chars=MAX_NARRATIVE_CHARS,
              grounds=grounds_of(briefing))
        text = out.answer
    except CheckFailed as failed:
        reason, detail = failed.reason, failed.detail
    except Exception as exc:  # noqa: BLE001 - a narrative must never stop the briefing going out
        reason, detail = "error", type(exc).__name__
    extra = {"prompt_version": prompt.version, "model": settings.openai_model,
             "ms": round((time.perf_counter() - started) * 1000, 1), **{k: usage.get(k, 0) for k in
             ("prompt_tokens", "completion_tokens", "total_tokens")}}
    if reason:
        log.warning("llm narrative dropped", extra={**extra, "fallback_reason": reason, "detail": detail})
    else:
        log.info("llm narrative", extra=extra)
    return text
