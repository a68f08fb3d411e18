"""One structured-output call to the model, inside the time budget, mapped to a result or a reason.

Everything that can go wrong on the wire (timeout, HTTP errors after the SDK's retries, a body that is
not JSON, a refusal) becomes CheckFailed with a short reason code, so callers have one path back to
the offline answer.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass, field
from typing import Any

import openai

from bot.config import Settings
from bot.llm.checks import CheckFailed, Given, Output, parse_output
from bot.llm.prompts import Prompt

log = logging.getLogger("briefbot.llm")

RESPONSE_FORMAT: dict[str, Any] = {
    "type": "json_schema",
    "json_schema": {
        "name": "grounded_answer",
        "strict": True,
        "schema": {
            "type": "object",
            "properties": {
                "answer": {"type": "string"},
                "cited_ids": {"type": "array", "items": {"type": "string"}},
                "found": {"type": "boolean"},
            },
            "required": ["answer", "cited_ids", "found"],
            "additionalProperties": False,
        },
    },
}


@dataclass
class Completion:
    output: Output
    usage: dict[str, int] = field(default_factory=dict)


def passage_data(question: str, given: list[Given]) -> dict:
    """The data block: the question and the passages, each with its id (what the model may cite)."""
    items = []
    for g in given:
        item = {"id": g.id, "kind": g.kind, "text": g.text}
        if g.status:
            item["status"] = g.status
        items.append(item)
    return {"question": question, "passages": items}


async def complete(client: openai.AsyncOpenAI, settings: Settings, prompt: Prompt, data: dict) -> Completion:
    """Ask the model; the whole call, the SDK's own retries included, gets settings.openai_timeout."""
    try:
        resp = await asyncio.wait_for(
            client.chat.completions.create(model=settings.openai_model, messages=prompt.messages(data),
                                           response_format=RESPONSE_FORMAT),  # type: ignore[arg-type]
            timeout=settings.openai_timeout)
    except TimeoutError:
        raise CheckFailed("timeout", f"no answer within {settings.openai_timeout:g} s") from None
    except openai.APITimeoutError:
        raise CheckFailed("timeout", "the SDK timed out") from None
    except openai.APIStatusError as exc:
        raise CheckFailed("api_error", f"HTTP {exc.status_code}") from None
    except openai.APIConnectionError as exc:
        raise CheckFailed("api_error", f"connection: {type(exc).__name__}") from None
    except openai.OpenAIError as exc:
        raise CheckFailed("api_error", type(exc).__name__) from None
    except ValueError as exc:  # a response body that is not JSON at all
        raise CheckFailed("malformed_json", f"response body: {str(exc)[:80]}") from None
    usage = {}
    if getattr(resp, "usage", None) is not None:
        usage = {k: getattr(resp.usage, k, None) or 0
                 for k in ("prompt_tokens", "completion_tokens", "total_tokens")}
    if not getattr(resp, "choices", None):
        raise CheckFailed("malformed_json", "no choices")
    choice = resp.choices[0]
    message = choice.message
    if getattr(message, "refusal", None) or choice.finish_reason == "content_filter":
        raise CheckFailed("refusal", (message.refusal or "content filter")[:120])
    if choice.finish_reason == "length":
        raise CheckFailed("malformed_json", "output cut off at the length limit")
    output = parse_output(message.content)
    return Completion(output=output, usage=usage)


def strip_markers(text: str, ids: list[str]) -> str:
    """Drop footnote markers a model adds despite the prompt ("[1]", "[ev-calls]"): we add our own."""
    text = re.sub(r"\s*\[\d{1,2}\]", "", text)
    for i in ids:
        text = text.replace(f"[{i}]", "")
    return re.sub(r"\s+([.,;:])", r"\1", text).strip()
