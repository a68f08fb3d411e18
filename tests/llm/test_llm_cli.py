"""`briefbot ask --json` end to end in a subprocess, with OPENAI_BASE_URL pointed at the fake server."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

from tests.fakes.openai_server import error
from tests.llm.conftest import API_KEY
from tests.llm.fake_models import answer

ROOT = Path(__file__).resolve().parents[2]
DEATHS = "how many people died?"
PROBE = """
import sys
from bot.cli import main
main(["ask", "--json", "how many people died?"])
print("OPENAI_IMPORTED=" + str("openai" in sys.modules))
"""


async def run(args: list[str], env: dict[str, str]) -> tuple[str, str]:
    full = {**os.environ, "PYTHONPATH": str(ROOT), "LOG_FORMAT": "json", **env}
    proc = await asyncio.create_subprocess_exec(sys.executable, *args, env=full, stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode == 0, err.decode()
    return out.decode(), err.decode()


def openai_env(fake, sqlite_url: str) -> dict[str, str]:  # noqa: ANN001
    return {"OPENAI_BASE_URL": fake.base_url, "OPENAI_API_KEY": API_KEY, "DATABASE_URL": sqlite_url,
            "OPENAI_MAX_RETRIES": "0"}


async def test_ask_json_reports_the_llm_engine(fake, sqlite_url):
    fake.push(answer("At least 11 people have been killed, as of 12 Dec 2025.", "fg-killed"))
    out, err = await run(["-m", "bot.cli", "ask", "--json", DEATHS], openai_env(fake, sqlite_url))
    data = json.loads(out)
    assert data["engine"] == "llm" and data["found"] and "fallback_reason" not in data
    assert data["citations"][0]["quote"].startswith("To date, at least 11 people have died")
    assert len(fake.requests) == 1


async def test_ask_json_reports_the_fallback_reason(fake, sqlite_url):
    fake.push(error(500))
    out, err = await run(["-m", "bot.cli", "ask", "--json", DEATHS], openai_env(fake, sqlite_url))
    data = json.loads(out)
    assert data["engine"] == "offline" and data["fallback_reason"] == "api_error" and data["found"]
    logged = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    fallback = next(r for r in logged if r["msg"] == "llm fallback")
    assert fallback["fallback_reason"] == "api_error" and fallback["prompt_version"] == "answer.v2"
    assert API_KEY not in err and API_KEY not in out


async def test_ask_json_lines_mode_reports_each_reason(fake, sqlite_url):
    fake.push(answer("At least 500 people have been killed.", "fg-killed"),
              answer("At least 11 people have been killed, as of 12 Dec 2025.", "fg-killed"))
    env = openai_env(fake, sqlite_url)
    full = {**os.environ, "PYTHONPATH": str(ROOT), "LOG_FORMAT": "json", **env}
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.cli", "ask", "--json", "-", env=full,
                                                stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.PIPE)
    out, _ = await asyncio.wait_for(proc.communicate(f"{DEATHS}\n{DEATHS}\n".encode()), 120)
    first, second = (json.loads(line) for line in out.decode().splitlines())
    assert (first["engine"], first["fallback_reason"]) == ("offline", "uncited_number")
    assert second["engine"] == "llm" and "fallback_reason" not in second


async def test_without_configuration_the_openai_sdk_is_never_imported(fake, sqlite_url):
    out, _ = await run(["-c", PROBE], {"DATABASE_URL": sqlite_url})
    assert out.strip().endswith("OPENAI_IMPORTED=False")
    assert json.loads(out.splitlines()[0])["engine"] == "offline"
    # the same probe sees the SDK once the model is configured, so the check above can fail
    fake.push(answer("At least 11 people have been killed, as of 12 Dec 2025.", "fg-killed"))
    out, _ = await run(["-c", PROBE], openai_env(fake, sqlite_url))
    assert out.strip().endswith("OPENAI_IMPORTED=True")
