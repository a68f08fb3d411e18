"""The briefbot command as a user runs it: a real process, its output and exit code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SHARED

BRIEFBOT = [sys.executable, "-m", "bot.cli"]


def run(args: list[str], tmp_path: Path, stdin: bytes = b"", env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items()
                if not k.startswith(("SLACK_", "DISCORD_", "OPENAI_", "DATABASE_URL"))}
    full_env.update({"STORE_PATH": str(tmp_path / "db.sqlite3"), "BRIEFBOT_CONFIG_DIR": str(tmp_path / "cfg"),
                     "PYTHONPATH": str(Path(__file__).resolve().parents[1]), **(env or {})})
    return subprocess.run([*BRIEFBOT, *args], input=stdin, capture_output=True, cwd=tmp_path, env=full_env,
                          timeout=60)


def test_ask_json_lines_protocol_with_a_bad_line(tmp_path: Path) -> None:
    stdin = b"How many people have died?\n\xff\xfe not utf-8\nWhat is the capital of Australia?\n"
    proc = run(["ask", "--json", "-"], tmp_path, stdin)
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert len(lines) == 3
    first, bad, refused = lines
    assert first["found"] is True and "at least 11" in first["answer"].lower()
    assert first["engine"] == "offline"
    assert set(first["citations"][0]) >= {"source_id", "title", "published", "quote"}
    assert bad["found"] is False and "UTF-8" in bad["answer"]
    assert refused["found"] is False and refused["citations"] == []


def test_dev_question_set_scores_full_marks(tmp_path: Path) -> None:
    tool = SHARED / "tools" / "qa_eval.py"
    if not tool.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{tool} is missing: CI must have ../shared beside the checkout")
        pytest.skip("../shared is not beside this checkout")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "OPENAI_", "DATABASE_URL"))}
    env.update({"STORE_PATH": str(tmp_path / "db.sqlite3"), "BRIEFBOT_CONFIG_DIR": str(tmp_path / "cfg"),
                "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    cmd = f"{sys.executable} -m bot.cli ask --json -"
    proc = subprocess.run([sys.executable, str(tool), str(SHARED / "eval" / "dev_questions.yaml"), "--cmd", cmd,
                           "--sources", str(SHARED / "sources")], capture_output=True, text=True, env=env,
                          cwd=tmp_path, timeout=120)
    assert "score: 1.000" in proc.stdout, proc.stdout + proc.stderr


def test_corrupt_database_is_one_line_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "db.sqlite3").write_bytes(b"garbage" * 1000)
    proc = run(["ask", "who is Hun Manet?"], tmp_path)
    err = proc.stderr.decode().strip()
    assert proc.returncode == 2
    assert "db.sqlite3" in err and len(err.splitlines()) == 1 and "Traceback" not in err


def test_casualties_json_and_briefing(tmp_path: Path) -> None:
    proc = run(["casualties", "--json"], tmp_path)
    data = json.loads(proc.stdout)  # data, not display strings (see tests/test_cli_output.py)
    figures = [s["current"] for s in data["series"]]
    assert any((f["value"], f["qualifier"]) == (60, "nearly") for f in figures)
    text = run(["briefing", "--full"], tmp_path).stdout.decode()
    assert "Cambodia–Thailand border conflict" in text and "Coming up" in text


def test_run_without_tokens_opens_the_terminal_chat(tmp_path: Path) -> None:
    proc = run(["run"], tmp_path, b"/casualties\nwho requested satellite verification?\n/quit\n")
    out = proc.stdout.decode()
    assert proc.returncode == 0, proc.stderr
    assert "terminal chat" in out.lower() and "at least 11" in out and "Hun Manet asked" in out
    assert "No Slack or Discord credentials" in proc.stderr.decode()


def test_empty_and_long_questions_from_the_command_line(tmp_path: Path) -> None:
    out = json.loads(run(["ask", "--json", " "], tmp_path).stdout)
    assert out["found"] is False and "/ask" in out["answer"]
    long = json.loads(run(["ask", "--json", "x" * 1200], tmp_path).stdout)
    assert long["found"] is False and "1,000 characters" in long["answer"]
