"""Several briefings from the command line: ingest --briefing, filing without it, --briefing on reads."""

from __future__ import annotations

import io
import json
import sys

import pytest

from bot.cli import main
from tests.conftest import SHARED

IRAN = SHARED / "corpus" / "israel-iran-2025"
DRC = SHARED / "corpus" / "drc-m23-2025"
DEC9 = SHARED / "sources" / "followups" / "2025-12-09-clashes-spread.txt"


@pytest.fixture
def db(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    return sqlite_url


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def ask_json(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, questions: list[str],
             *extra: str) -> list[dict]:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO("\n".join(questions).encode())))
    code, out, _ = run(capsys, "ask", "--json", "-", *extra)
    assert code == 0
    return [json.loads(line) for line in out.splitlines()]


def test_a_pack_in_its_own_briefing_never_mixes_with_the_shipped_one(
        db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    reports = sorted(IRAN.glob("0[12]-*.txt"))
    code, out, err = run(capsys, "ingest", "--briefing", "israel-iran", "--briefing-title", "Israel–Iran war",
                         *map(str, reports))
    assert code == 0, err
    assert out.count("Created briefing israel-iran.") == 1 and out.count("in briefing israel-iran") == 2
    code, out, _ = run(capsys, "briefings")
    lines = {line.split()[0]: line for line in out.splitlines()[1:]}
    assert set(lines) == {"cambodia-thailand", "israel-iran"}
    assert "(default)" in lines["cambodia-thailand"] and "Israel–Iran war" in lines["israel-iran"]
    assert lines["israel-iran"].split()[1] == "2"  # two sources
    code, out, _ = run(capsys, "review", "approve", "--all", "--briefing", "israel-iran")
    assert out.startswith("approved: ") and out != "approved: none\n"  # (1 when some were left as conflicts)
    [info] = [i for i in json.loads(run(capsys, "briefings", "--json")[1]) if i["name"] == "israel-iran"]
    assert info["figures"] > 0

    [answer] = ask_json(capsys, monkeypatch, ["How many people have been killed in Iran?"], "--briefing",
                        "israel-iran")
    assert answer["briefing"] == "israel-iran" and answer["citations"]
    code, out, _ = run(capsys, "sources", "--briefing", "israel-iran", "--json")
    listed = json.loads(out)
    assert code == 0 and listed["briefing"] == "israel-iran"
    assert len(listed["sources"]) == 2 and all(s["published"].startswith("2025-06-1") for s in listed["sources"])
    assert {c["published"][:7] for c in answer["citations"]} == {"2025-06"}
    [home] = ask_json(capsys, monkeypatch, ["How many people have been killed?"])
    assert home["briefing"] == "cambodia-thailand"
    assert {c["source_id"] for c in home["citations"]} == {"src-2025-12-12-hun-manet-calls"}
    code, out, _ = run(capsys, "casualties", "--briefing", "israel-iran", "--json")
    assert json.loads(out)["briefing"] == "israel-iran"
    for command in ("briefing", "timeline", "claims", "who"):
        assert run(capsys, command, "--briefing", "israel-iran")[0] in (0, 1)
    assert run(capsys, "changes", "--since", "2025-06-01", "--briefing", "israel-iran")[0] == 0


def test_without_briefing_a_report_is_filed_where_it_clearly_belongs_or_refused(
        db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "ingest", str(DEC9))
    assert code == 0 and "in briefing cambodia-thailand (it names" in out, err
    first_iran = str(IRAN / "01-israel-strikes-iran.txt")
    code, out, err = run(capsys, "ingest", first_iran)
    assert code == 2 and "--briefing NAME, one of: cambodia-thailand" in err and not out
    assert "israel-iran" not in run(capsys, "briefings")[1]  # nothing stored
    assert run(capsys, "ingest", "--briefing", "israel-iran", first_iran)[0] == 0
    assert run(capsys, "ingest", "--briefing", "drc-m23", str(DRC / "01-m23-claims-goma.txt"))[0] == 0
    code, out, err = run(capsys, "ingest", str(IRAN / "02-tolls-climb-fourth-day.txt"),
                         str(DRC / "02-tshisekedi-vows-response.txt"))
    assert code == 0, err
    assert "in briefing israel-iran (it names" in out and "in briefing drc-m23 (it names" in out
    # Approving with no --briefing approves in every briefing.
    before = {i["name"]: i["figures"] for i in json.loads(run(capsys, "briefings", "--json")[1])}
    run(capsys, "review", "approve", "--all")
    after = {i["name"]: i["figures"] for i in json.loads(run(capsys, "briefings", "--json")[1])}
    assert all(after[name] > before[name] for name in ("drc-m23", "israel-iran", "cambodia-thailand"))
    listed = json.loads(run(capsys, "briefings", "--json")[1])
    assert {i["name"]: i["sources"] for i in listed} == {"cambodia-thailand": 2, "drc-m23": 2, "israel-iran": 2}


def test_an_unknown_briefing_is_a_clear_error(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "ask", "--briefing", "nowhere", "how many killed?")
    assert code == 2 and "no briefing called 'nowhere' (briefings: cambodia-thailand)" in err
    code, _, err = run(capsys, "review", "--briefing", "nowhere")
    assert code == 2 and "briefings: cambodia-thailand" in err
    code, _, err = run(capsys, "ingest", "--briefing", "Bad Name", str(DEC9))
    assert code == 2 and "lowercase letters" in err


def test_the_terminal_chat_follows_a_briefing(db: str, tmp_path) -> None:  # noqa: ANN001
    import os
    import subprocess

    from bot.app import open_store
    from bot.config import load_settings
    from tests.briefing_helpers import add_conflict

    add_conflict(open_store(load_settings(database_url=db)))
    env = {**os.environ, "DATABASE_URL": db, "COLUMNS": "120"}
    proc = subprocess.run([sys.executable, "-m", "bot.cli", "chat"], input=b"/casualties\n/follow ruritania\n"
                          b"/casualties\nhow many were killed?\n/quit\n", env=env, cwd=tmp_path, capture_output=True,
                          timeout=120)
    out = proc.stdout.decode()
    assert proc.returncode == 0, proc.stderr.decode()
    first, _, rest = out.partition("This channel now follows: Ruritania–Freedonia war")
    assert "at least 11 people" in first and "42" not in first
    assert "at least 42 people" in rest and "at least 11" not in rest
