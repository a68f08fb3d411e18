"""Model-backed extraction (only with a model configured): events, claims with stance, requests and
agreements, through prompts/extract.vN.md and a structured-output schema.

Every item passes the same checks as model-backed answers (cited sentences exist, numbers and their
qualifiers are the report's, no instruction text, no links) and its quote must be found in the report;
an item that fails is dropped and logged. Figures never come from the model. Nothing here raises: on any
failure the offline candidates go on alone.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import time
from typing import Any

from bot.config import Settings
from bot.core.evidence import locate
from bot.core.models import Agreement, Claim, DateRef, Event, Evidence, Fact, Request, Source
from bot.ingest.extract import Candidate, Known, known_actor
from bot.ingest.text import content_words, sentences, slug

log = logging.getLogger("briefbot.ingest")

KINDS = ("event", "claim", "request", "agreement")
STANCES = ("asserts", "denies", "declines_to_confirm", "demands", "does_not_echo")
_ITEM = {
    "type": "object",
    "properties": {
        "kind": {"type": "string", "enum": list(KINDS)},
        "statement": {"type": "string"},
        "quote": {"type": "string"},
        "sentence_ids": {"type": "array", "items": {"type": "string"}},
        "date": {"type": "string"},
        "actor": {"type": "string"},
        "stance": {"type": "string", "enum": [*STANCES, ""]},
        "topic": {"type": "string"},
        "addressees": {"type": "array", "items": {"type": "string"}},
        "name": {"type": "string"},
    },
    "required": ["kind", "statement", "quote", "sentence_ids", "date", "actor", "stance", "topic", "addressees",
                 "name"],
    "additionalProperties": False,
}
RESPONSE_FORMAT: dict[str, Any] = {
    "type": "json_schema",
    "json_schema": {"name": "extracted_facts", "strict": True, "schema": {
        "type": "object", "properties": {"items": {"type": "array", "items": _ITEM}},
        "required": ["items"], "additionalProperties": False}},
}
TASK = "Extract the events, claims, requests and agreements of this report."
MAX_ITEMS = 30


async def model_candidates(source: Source, known: Known, settings: Settings, client: Any = None,
                           dropped: list[tuple[str, str]] | None = None) -> list[Candidate]:
    """Candidates the model proposes and the checks let through; [] when anything fails. Each candidate
    dropped by a check is added to `dropped` as (reason, statement), for the ingest output."""
    if not settings.openai_enabled:
        return []
    from bot.llm.checks import CheckFailed, Given
    from bot.llm.client import make_client
    from bot.llm.prompts import load_prompt

    started = time.perf_counter()
    prompt = load_prompt("extract")
    given = {f"s{i}": Given(id=f"s{i}", kind="passage", text=s.text, in_dispute_check=False)
             for i, s in enumerate(sentences(source.text), start=1)}
    data = {"question": TASK, "published": source.published_at.isoformat(),
            "passages": [{"id": g.id, "text": g.text} for g in given.values()]}
    try:
        items = await ask(client or make_client(settings), settings, prompt, data)
    except CheckFailed as failed:
        log.warning("llm extraction dropped", extra={"fallback_reason": failed.reason, "detail": failed.detail,
                                                     "source_id": source.id})
        return []
    except Exception as exc:  # noqa: BLE001 - the offline candidates must still be stored
        log.warning("llm extraction dropped", extra={"fallback_reason": "error", "detail": type(exc).__name__,
                                                     "source_id": source.id})
        return []
    from bot.llm.grounding import grounds_of_actors

    grounds = grounds_of_actors(known.actors)
    out: list[Candidate] = []
    reasons: list[str] = []
    for item in items[:MAX_ITEMS]:
        try:
            out.append(candidate(item, source, known, given, prompt.system, grounds))
        except CheckFailed as failed:
            reasons.append(failed.reason)
            log.info("llm candidate dropped", extra={"source_id": source.id, "fallback_reason": failed.reason,
                                                     "detail": failed.detail})
            if dropped is not None:
                dropped.append((failed.reason, str(item.get("statement", ""))[:200]))
    log.info("llm extraction", extra={"source_id": source.id, "kept": len(out), "dropped": reasons,
                                      "prompt_version": prompt.version, "model": settings.openai_model,
                                      "ms": round((time.perf_counter() - started) * 1000, 1)})
    return out


async def ask(client: Any, settings: Settings, prompt: Any, data: dict) -> list[dict]:
    import openai

    from bot.llm.checks import CheckFailed

    try:
        resp = await asyncio.wait_for(
            client.chat.completions.create(model=settings.openai_model, messages=prompt.messages(data),
                                           response_format=RESPONSE_FORMAT),
            timeout=settings.openai_timeout)
    except TimeoutError:
        raise CheckFailed("timeout") from None
    except openai.OpenAIError as exc:
        raise CheckFailed("api_error", type(exc).__name__) from None
    if not getattr(resp, "choices", None):
        raise CheckFailed("malformed_json", "no choices")
    message = resp.choices[0].message
    if getattr(message, "refusal", None):
        raise CheckFailed("refusal")
    try:
        parsed = json.loads(message.content or "")
    except ValueError:
        raise CheckFailed("malformed_json") from None
    items = parsed.get("items") if isinstance(parsed, dict) else None
    if not isinstance(items, list):
        raise CheckFailed("malformed_json", "no items")
    return [i for i in items if isinstance(i, dict)]


def candidate(item: dict, source: Source, known: Known, given: dict, system_prompt: str,
              grounds: Any = None) -> Candidate:
    """The candidate an item proposes, if its statement is supported by its quote (read in its sentence):
    the same names, dates, numbers, quotes and who-did-what; else CheckFailed."""
    from bot.llm.checks import CheckFailed, Given, Output, check, check_numbers
    from bot.llm.grounding import check_text, grounds_of

    kind = item.get("kind")
    statement = str(item.get("statement", "")).strip()
    quote = str(item.get("quote", "")).strip()
    cited = [str(i) for i in item.get("sentence_ids") or []]
    if kind not in KINDS:
        raise CheckFailed("unknown_kind")
    check(Output(answer=statement, cited_ids=cited, found=True), given, system_prompt)
    span = locate(quote, source.text) if len(quote) >= 3 else None
    if span is None:
        raise CheckFailed("quote_not_in_source")
    context = Given(id="quote", kind="quote", text=sentence_around(source.text, span), in_dispute_check=False,
                    quotes=[source.text[span[0]:span[1]]])
    check_numbers(statement, [context])
    check_text(statement, [context], grounds or grounds_of(None))
    ev = [Evidence(source_id=source.id, quote=source.text[span[0]:span[1]], char_start=span[0], char_end=span[1])]
    actor = actor_id(str(item.get("actor", "")), known)
    words = sorted(content_words(statement))[:20]
    fid = f"{kind[:2]}-{source.published_at.isoformat()}-{slug(statement, 28)}-m"
    fact: Fact
    if kind == "event":
        when = event_date(str(item.get("date", "")), source.published_at)
        fact = Event(id=fid, kind="event", summary=statement, statement=statement, when=when, modality="reported",
                     keywords=words, evidence=ev)
    elif kind == "claim":
        stance = item.get("stance") if item.get("stance") in STANCES else "asserts"
        if not actor:
            raise CheckFailed("claim_without_actor")
        fact = Claim(id=fid, claim=statement, by=actor, stance=stance, status="unverified",
                     topic=str(item.get("topic") or "Other claims")[:80], statement=statement, keywords=words,
                     evidence=ev)
    elif kind == "request":
        if not actor:
            raise CheckFailed("request_without_actor")
        addressees = [actor_id(str(a), known) for a in item.get("addressees") or [] if str(a).strip()]
        fact = Request(id=fid, requester=actor, addressees=addressees, asked=statement, statement=statement,
                       keywords=words, evidence=ev)
    else:
        name = str(item.get("name") or "").strip() or statement[:80]
        fact = Agreement(id=fid, name=name, statement=statement, keywords=words, evidence=ev)
    return Candidate(kind, fact, f"{kind} (model): {statement}")


def actor_id(name: str, known: Known) -> str:
    name = name.strip()
    if not name:
        return ""
    actor = known_actor(name, known)
    return actor.id if actor else name


def event_date(text: str, report: dt.date) -> DateRef:
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        return DateRef(precision="as_reported", text=f"reported {report.day} {report.strftime('%b %Y')}")
    if abs((day - report).days) > 400:
        return DateRef(precision="as_reported", text=f"reported {report.day} {report.strftime('%b %Y')}")
    return DateRef(date=day, precision="day")


def sentence_around(text: str, span: tuple[int, int]) -> str:
    """The sentence(s) a quote sits in: a quote cut mid-sentence keeps who said or did it."""
    start = max(text.rfind(". ", 0, span[0]), text.rfind("\n", 0, span[0]))
    ends = [i for i in (text.find(". ", span[1]), text.find("\n", span[1])) if i != -1]
    end = min(ends) + 1 if ends else len(text)
    return text[start + 1 if start != -1 else 0:end].strip()
