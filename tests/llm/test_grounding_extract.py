"""Model-extracted candidates during `briefbot ingest`: a statement its quote (read in its sentence) does not
support is dropped and counted in the ingest output; supported ones wait for review."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from tests.fakes.openai_server import Reply, passages_of
from tests.ingest.helpers import DEC9
from tests.llm.conftest import API_KEY

ROOT = Path(__file__).resolve().parents[2]
ITEM = {"date": "", "actor": "", "stance": "", "topic": "", "addressees": [], "name": ""}
THAI = "Thai authorities confirmed"
SUNDAY = "The clashes broke out on Sunday"
# (statement, quote, sentence start, extra fields, dropped for)
ITEMS = [
    ("Thailand accused Cambodia of provoking the escalation.", "accused Cambodia of provoking the escalation",
     THAI, {"kind": "claim", "actor": "Thailand", "stance": "asserts"}, None),
    ("The clashes broke out on Sunday.", SUNDAY, SUNDAY, {"kind": "event"}, None),
    ("Cambodia accused Thailand of provoking the escalation.", "accused Cambodia of provoking the escalation",
     THAI, {"kind": "claim", "actor": "Cambodia", "stance": "asserts"}, "wrong_attribution"),
    ("The clashes broke out near Angkor Wat on Sunday.", SUNDAY, SUNDAY, {"kind": "event"}, "unsupported_name"),
    ("The clashes broke out on Friday.", SUNDAY, SUNDAY, {"kind": "event"}, "unsupported_date"),
    ('Thai authorities said they would "crush the invaders".', "accused Cambodia of provoking the escalation",
     THAI, {"kind": "claim", "actor": "Thailand", "stance": "asserts"}, "quote_not_verbatim"),
]


def model(body: dict) -> Reply:
    passages = passages_of(body)
    items = []
    for statement, quote, start, extra, _ in ITEMS:
        sid = next(p["id"] for p in passages if p["text"].startswith(start))
        items.append({**ITEM, "statement": statement, "quote": quote, "sentence_ids": [sid], **extra})
    return Reply(content={"items": items})


async def briefbot(*args: str, env: dict[str, str]) -> str:
    full = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.cli", *args, env=full,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode == 0, err.decode()
    return out.decode()


async def test_unsupported_model_candidates_are_dropped_and_counted(fake, sqlite_url):
    fake.default = model
    env = {"DATABASE_URL": sqlite_url, "OPENAI_BASE_URL": fake.base_url, "OPENAI_API_KEY": API_KEY,
           "OPENAI_MAX_RETRIES": "0"}
    out = await briefbot("ingest", str(DEC9), env=env)
    assert len(fake.requests) == 1
    dropped = [i for i in ITEMS if i[4]]
    assert f"{len(dropped)} model candidate(s) dropped, not supported by their quote:" in out
    for statement, _q, _s, _e, reason in dropped:
        assert f"[{reason}] {statement}" in out
    queued = out.split("dropped, not supported")[0]
    assert "(model): Thailand accused Cambodia of provoking the escalation." in queued
    assert "(model): The clashes broke out on Sunday." in queued
    for statement, *_ in dropped:
        assert f"(model): {statement}" not in queued
    listing = await briefbot("review", env={"DATABASE_URL": sqlite_url})
    assert "Angkor Wat" not in listing and "crush the invaders" not in listing
