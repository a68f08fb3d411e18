"""The JSON lines protocol of `briefbot ask --json -` with conversations, manners and other languages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def ask_lines(lines: list[str], tmp_path: Path) -> list[dict]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "OPENAI_", "DATABASE_URL"))}
    env.update({"STORE_PATH": str(tmp_path / "db.sqlite3"), "BRIEFBOT_CONFIG_DIR": str(tmp_path / "cfg"),
                "PYTHONPATH": str(ROOT)})
    proc = subprocess.run([sys.executable, "-m", "bot.cli", "ask", "--json", "-"], cwd=tmp_path, env=env,
                          input="".join(line + "\n" for line in lines), capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return [json.loads(line) for line in proc.stdout.splitlines()]


def turn(question: str, conversation: str) -> str:
    return json.dumps({"question": question, "conversation": conversation})


def test_lines_sharing_a_conversation_id_are_one_thread(tmp_path: Path) -> None:
    out = ask_lines([turn("tell me about Hun Manet", "a"), turn("tell me about Anutin", "b"),
                     turn("what did he ask for?", "a"), turn("what did he ask for?", "b"),
                     "what did he ask for?",  # a plain line stands alone
                     turn("how many people were killed?", "c"), turn("who said that?", "c")], tmp_path)
    assert len(out) == 7
    assert out[2]["question"] == "what did he ask for?" and "satellite" in out[2]["answer"]
    assert "withdraw" in out[3]["answer"] and "satellite" not in out[3]["answer"]
    assert "satellite" not in out[4]["answer"]
    assert out[6]["found"] and "report" in out[6]["answer"] and out[6]["citations"]


def test_help_greetings_mentions_and_other_languages(tmp_path: Path) -> None:
    out = ask_lines(["help", "hi", "<@U0BOB> how many people died?", "Combien de morts à Goma?",
                     "តើមានមនុស្សស្លាប់ប៉ុន្មាននាក់?", '{"question": 5}'], tmp_path)
    helped, hello, ccd, french, khmer, odd = out
    assert "/briefing" in helped["answer"] and "Malaysia" not in helped["answer"]
    assert hello["answer"].startswith("Hello")
    # Not answers from the briefing: nothing cited, found false.
    assert hello["found"] is False and helped["found"] is False and hello["citations"] == []
    assert "at least 11" in ccd["answer"].lower() and "U0BOB" not in ccd["answer"]
    assert french["found"] is False and "French" in french["answer"]
    assert khmer["found"] is False and "Khmer" in khmer["answer"] and "does not cover" not in khmer["answer"]
    assert odd["found"] is False  # a JSON line without a text question is read as text, not a crash


def test_the_terminal_chat_prints_no_log_lines(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "OPENAI_", "DATABASE_URL"))}
    env.update({"STORE_PATH": str(tmp_path / "db.sqlite3"), "BRIEFBOT_CONFIG_DIR": str(tmp_path / "cfg"),
                "PYTHONPATH": str(ROOT), "LOG_LEVEL": "INFO"})
    proc = subprocess.run([sys.executable, "-m", "bot.cli", "run"], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=60,
                          input="tell me about Hun Manet\nwhat did he ask for?\nthanks\n/quit\n")
    assert proc.returncode == 0, proc.stderr
    assert "satellite" in proc.stdout and "welcome" in proc.stdout
    # Only the one-line notice that no platform is configured; no log line between the answers.
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert all("No Slack or Discord credentials" in line for line in lines), lines
