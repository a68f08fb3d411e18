"""Model-backed answers with the offline engine behind them.

The offline engine retrieves the passages; the model phrases an answer from them as structured output;
the checks in bot.llm.checks decide whether that answer may be shown. Anything else (a failed check,
a refusal, a timeout, an API error, malformed output) gives the offline answer, with engine "offline"
and the reason in `fallback_reason` and in the logs, next to the prompt version.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from typing import Any

from bot.config import Settings
from bot.core.answer import Answer
from bot.core.language import not_english_text
from bot.core.reply import Asker, Citation
from bot.llm.checks import CheckFailed, Given, check
from bot.llm.client import make_client
from bot.llm.grounding import grounds_of
from bot.llm.languages import check_translation, translate
from bot.llm.model import complete, passage_data, strip_markers
from bot.llm.prompts import Prompt, PromptError, load_prompt
from bot.llm.ratelimit import RateLimiter

log = logging.getLogger("briefbot.llm")

# The terminal and `briefbot ask` are the operator's own: no per-user limit there.
UNLIMITED_PLATFORMS = {"console"}


def given_of(passages: list[Any], briefing: Any = None) -> list[Given]:
    """What we know of each passage: a claim's status comes from the passage or the briefing."""
    claims = {c.id: c for c in getattr(briefing, "claims", [])} if briefing is not None else {}
    out = []
    for p in passages:
        claim = claims.get(p.id)
        status = getattr(p, "status", None) or (claim.status if claim else None) or None
        cites = getattr(p, "citations", []) or []
        out.append(Given(id=p.id, kind=str(getattr(p, "kind", "")), text=p.text, status=status,
                         claim=claim.claim if claim else "", topic=claim.topic if claim else "",
                         keywords=list(claim.keywords) if claim else [],
                         quotes=[c.quote for c in cites if c.quote],
                         urls=sorted({c.url for c in cites if getattr(c, "url", "")})))
    return out


def cited_citations(passages: list[Any], cited_ids: list[str]) -> list[Citation]:
    """The verbatim citations of the cited passages, in citing order, numbered from 1 without repeats."""
    by_id = {p.id: p for p in passages}
    out: list[Citation] = []
    seen: set[tuple[str, str]] = set()
    for pid in cited_ids:
        for c in getattr(by_id[pid], "citations", []) or []:
            key = (c.source_id, c.quote)
            if key not in seen:
                seen.add(key)
                out.append(dataclasses.replace(c, n=len(out) + 1))
    return out


class LLMAnswerer:
    def __init__(self, settings: Settings, engine: Any, client: Any = None, prompt: Prompt | None = None) -> None:
        self.settings = settings
        self.engine = engine
        self.client = client or make_client(settings)
        self.prompt: Prompt | None = prompt
        if prompt is None:
            try:
                self.prompt = load_prompt("answer")
            except PromptError as exc:
                # A broken install must not take the bot down: answer offline, and say why loudly.
                log.error("llm disabled: prompt template missing", extra={"error": str(exc)})
        self.limiter = RateLimiter(settings.openai_questions_per_minute)
        self.translator: Prompt | None = None
        try:
            self.translator = load_prompt("translate")
        except PromptError as exc:
            log.error("llm: translate prompt missing; questions in other languages are refused",
                      extra={"error": str(exc)})

    @property
    def answers_languages(self) -> bool:
        """Questions in other languages are translated, answered and checked, then translated back."""
        return self.translator is not None and self.prompt is not None

    def use_engine(self, engine: Any) -> None:
        """The briefing was reloaded: answer from the fresh engine from now on."""
        self.engine = engine

    async def answer(self, question: str, asker: Asker | None = None) -> Answer:
        if asker is not None and asker.language and self.translator is not None:
            return await self.answer_in_language(question, asker)
        started = time.perf_counter()
        if asker is not None and asker.platform not in UNLIMITED_PLATFORMS:
            wait = self.limiter.wait_seconds(f"{asker.platform}:{asker.user_id}")
            if wait:
                log.info("llm rate limited", extra={"platform": asker.platform, "user": asker.user_id,
                                                    "wait_s": wait})
                return Answer(question=question, found=False, engine="offline", fallback_reason="rate_limited",
                              answer=f"You have asked {self.settings.openai_questions_per_minute} questions in "
                                     f"the last minute. Please wait {wait} seconds and ask again.")
        engine = self.engine
        offline = engine.answer_now(question)
        if self.prompt is None:
            return self.fallback(offline, "prompt_missing", "", started, {})
        passages = list(engine.retrieve(question, k=8))
        if not passages:
            return self.fallback(offline, "no_passages", "", started, {})
        given = given_of(passages, getattr(engine, "briefing", None))
        prompt = self.prompt
        usage: dict[str, int] = {}
        try:
            result = await complete(self.client, self.settings, prompt, passage_data(question, given))
            usage = result.usage
            out = result.output
            if not out.found:
                if offline.found:
                    return self.fallback(offline, "model_not_found", "offline engine found an answer",
                                         started, usage)
                # Both agree the briefing does not cover it: the offline wording says so plainly.
                self.record("llm", None, "", started, usage, [])
                return dataclasses.replace(offline, engine="llm", fallback_reason=None)
            out.answer = strip_markers(out.answer, [g.id for g in given])
            check(out, {g.id: g for g in given}, prompt.system, grounds=grounds_of(getattr(engine, "briefing", None)))
            citations = cited_citations(passages, out.cited_ids)
            if not citations:
                raise CheckFailed("no_verbatim_citation", ", ".join(out.cited_ids))
        except CheckFailed as failed:
            return self.fallback(offline, failed.reason, failed.detail, started, usage)
        except Exception as exc:  # noqa: BLE001 - a bug on this path must cost the phrasing, not the answer
            log.exception("llm path failed")
            return self.fallback(offline, "internal_error", type(exc).__name__, started, usage)
        self.record("llm", None, "", started, usage, out.cited_ids)
        return Answer(question=question, answer=out.answer, found=True, engine="llm", citations=citations,
                      fact_ids=out.cited_ids, intent=offline.intent)

    async def answer_in_language(self, question: str, asker: Asker) -> Answer:
        """Translate the question to English, answer and check it as usual, translate the answer back;
        the translation must keep every number and qualifier, else the checked English answer goes out."""
        assert self.translator is not None
        language = asker.language
        try:
            english = await translate(self.client, self.settings, self.translator, question, language, "English")
        except CheckFailed as failed:
            log.warning("llm translation failed", extra={"fallback_reason": failed.reason, "detail": failed.detail,
                                                         "language": language})
            return Answer(question=question, answer=not_english_text(language), found=False, engine="offline",
                          fallback_reason=failed.reason)
        ans = await self.answer(english, dataclasses.replace(asker, language=""))
        if not ans.answer:
            return dataclasses.replace(ans, question=question)
        try:
            translated = await translate(self.client, self.settings, self.translator, ans.answer, "English",
                                         language)
            check_translation(ans.answer, translated, language)
        except CheckFailed as failed:
            log.warning("llm translation fallback", extra={"fallback_reason": failed.reason,
                                                           "detail": failed.detail, "language": language})
            return dataclasses.replace(ans, question=question, fallback_reason=ans.fallback_reason or failed.reason)
        log.info("llm answer translated", extra={"language": language, "engine": ans.engine})
        # The footnote markers of the English answer do not fit the translated sentences: plain marks at the end.
        return dataclasses.replace(ans, question=question, answer=translated, marked="")

    def fallback(self, offline: Answer, reason: str, detail: str, started: float,
                 usage: dict[str, int]) -> Answer:
        self.record("offline", reason, detail, started, usage, [])
        return dataclasses.replace(offline, engine="offline", fallback_reason=reason)

    def record(self, engine: str, reason: str | None, detail: str, started: float, usage: dict[str, int],
               cited: list[str]) -> None:
        extra = {"engine": engine, "prompt_version": self.prompt.version if self.prompt else None,
                 "model": self.settings.openai_model, "cited_ids": cited,
                 "ms": round((time.perf_counter() - started) * 1000, 1),
                 "prompt_tokens": usage.get("prompt_tokens", 0),
                 "completion_tokens": usage.get("completion_tokens", 0),
                 "total_tokens": usage.get("total_tokens", 0)}
        if reason:
            log.warning("llm fallback", extra={**extra, "fallback_reason": reason, "detail": detail})
        else:
            log.info("llm answer", extra=extra)
