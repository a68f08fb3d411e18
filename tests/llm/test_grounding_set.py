"""Issue 11's set of model answers (tests/data/grounding_cases.yaml), scripted through the fake model
server with the real openai client: 0 unfaithful answers shown, at least 95% of the faithful ones shown.

Each briefing is asked twice: in-process through the model-backed answerer, and through
`briefbot ask --json -` in a subprocess whose OPENAI_BASE_URL points at the fake. The packs are their five
reports ingested into a store of their own (nothing of the shipped briefing in it): the two ../shared/corpus
packs, and the two packs of tests/data/packs whose answers were written before the checks saw them."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import pytest

from bot.config import load_settings
from tests.llm.conftest import API_KEY
from tests.llm.grounding_set import PACKS, ScriptedModel, cases, score
from tests.llm.packs import pack_store

ROOT = Path(__file__).resolve().parents[2]
BRIEFINGS = ("shipped", *PACKS)


@pytest.fixture(scope="module")
def store_urls(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """One database per briefing: the shipped one is seeded on first open, each pack is ingested."""
    root = tmp_path_factory.mktemp("grounding")
    urls = {"shipped": f"sqlite:///{root / 'shipped.sqlite3'}"}
    for pack in PACKS:
        urls[pack] = f"sqlite:///{root / (pack + '.sqlite3')}"
        pack_store(urls[pack], pack).close()
    return urls


def test_the_set_is_big_enough_and_covers_every_briefing():
    items = cases()
    assert sum(c.faithful for c in items) >= 40 and sum(not c.faithful for c in items) >= 40
    for b in BRIEFINGS:
        assert any(c.faithful for c in cases(b)) and any(not c.faithful for c in cases(b)), b


def check_rates(results: dict[str, list[dict]]) -> None:
    """Over the whole set: no unfaithful answer shown, at least 95% of the faithful ones shown."""
    items = [c for b in BRIEFINGS for c in cases(b)]
    got = score(items, [r for b in BRIEFINGS for r in results[b]])
    assert got["unfaithful_shown"] == 0, got["wrong"]
    assert got["faithful_shown"] >= 0.95 * got["faithful"], got["wrong"]


async def test_in_process_through_the_real_client(store_urls, fake):
    from bot.app import build_core

    results = {}
    for briefing in BRIEFINGS:
        items = cases(briefing)
        model = ScriptedModel(items)
        fake.default = model
        fake.requests.clear()
        settings = load_settings(database_url=store_urls[briefing], openai_base_url=fake.base_url,
                                 openai_api_key=API_KEY, openai_timeout=5, openai_max_retries=0)
        core = build_core(settings)
        results[briefing] = [(await core.answerer.answer(c.q)).to_json() for c in items]
        assert not model.unexpected and len(fake.requests) == len(items), "every answer went through the model"
    check_rates(results)


async def ask_json(briefing: str, url: str, base_url: str) -> tuple[list[dict], list[dict]]:
    """`briefbot ask --json -` over the briefing's questions: its answers and its log records."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LOG_FORMAT": "json", "OPENAI_BASE_URL": base_url,
           "OPENAI_API_KEY": API_KEY, "OPENAI_MAX_RETRIES": "0", "DATABASE_URL": url}
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.cli", "ask", "--json", "-", env=env,
                                                stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.PIPE)
    stdin = "".join(f"{c.q}\n" for c in cases(briefing)).encode()
    out, err = await asyncio.wait_for(proc.communicate(stdin), 240)
    assert proc.returncode == 0, err.decode()[-2000:]
    logged = [json.loads(line) for line in err.decode().splitlines() if line.startswith("{")]
    return [json.loads(line) for line in out.decode().splitlines()], logged


async def test_through_briefbot_ask_json(store_urls, fake):
    results = {}
    for briefing in BRIEFINGS:
        items = cases(briefing)
        fake.default = ScriptedModel(items)
        fake.requests.clear()
        results[briefing], logged = await ask_json(briefing, store_urls[briefing], fake.base_url)
        assert len(results[briefing]) == len(items) and len(fake.requests) == len(items)
        # why an answer fell back is logged with the offending span; the user gets the offline answer
        fallbacks = [r for r in logged if r.get("msg") == "llm fallback"]
        assert len(fallbacks) == sum(r["engine"] == "offline" for r in results[briefing])
        assert all(r["detail"] for r in fallbacks if r["fallback_reason"] != "prompt_leak")
        for c, r in zip(items, results[briefing], strict=True):
            if r["engine"] == "offline":
                assert r["answer"] != c.answer and "detail" not in r
    check_rates(results)
