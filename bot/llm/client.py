"""The one place an OpenAI client is made: OpenAI itself or any compatible server (Azure's v1 endpoint,
vLLM, Ollama) through OPENAI_BASE_URL."""

from __future__ import annotations

import logging

from openai import AsyncOpenAI

from bot.config import Settings


def make_client(settings: Settings) -> AsyncOpenAI:
    # openai 3.x sends through httpx2, which logs every request at INFO; keep it quiet like httpx.
    transport_log = logging.getLogger("httpx2")
    if transport_log.level < logging.WARNING:
        transport_log.setLevel(logging.WARNING)
    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else ""
    # Local servers (vLLM, Ollama) take any key; the SDK insists on one being set.
    return AsyncOpenAI(api_key=key or "not-needed", base_url=settings.openai_base_url or None,
                       timeout=settings.openai_timeout, max_retries=settings.openai_max_retries)
