"""/review in chat, the chart and "up from" on /casualties, and the ingest/review/changes command line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.app import build_core
from bot.cli import main
from bot.config import load_settings
from bot.core.reply import Asker
from bot.ingest.changes import changes_reply
from bot.ingest.chart import write_chart
from bot.ingest.pipeline import ingest
from tests.ingest.helpers import DEC9, DEC22, make_store

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def env(sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("STORE_PATH", str(tmp_path / "data" / "briefbot.sqlite3"))
    return sqlite_url


async def test_review_chat_command_is_for_managers_only(env: str) -> None:
    store = make_store(env)
    result = ingest(store, str(DEC9))
    core = build_core(load_settings(), store)
    assert "review" in core.command_names()
    refused = await core.handle("review", "approve all", Asker(platform="slack", can_manage=False))
    assert not refused.found and "manage" in refused.to_text()
    assert all(c.status == "pending" for _, c in result.queued)
    manager = Asker(platform="discord", can_manage=True)
    listed = await core.handle("review", "", manager)
    assert listed.ephemeral and "at least 10 people killed" in listed.to_text()
    assert "“Bangkok, Thailand (December 9, 2025)" in listed.to_text()
    first = result.queued[0][0]
    approved = await core.handle("review", f"approve {first}", manager)
    assert f"Approved: {first}." in approved.to_text()
    rejected = await core.handle("review", f"reject {result.queued[1][0]} 9999", manager)
    # An id that does not exist is named and nothing is applied (not even the good id).
    assert "No candidate 9999: nothing rejected" in rejected.to_text()
    assert result.queued[1][0] in {q.id for q in review_listing(env)}
    bad = await core.handle("review", "approve seven", manager)
    assert not bad.found
    casualties = await core.handle("casualties", "", manager)  # the reload picks up the approved figure
    killed = next(f.value for s in casualties.sections for f in s.fields if f.name == "Killed")
    assert killed.startswith("at least 11 people (as of 12 Dec 2025), up from at least 10 on 9 Dec 2025")
    assert len(casualties.attachments) == 1 and casualties.attachments[0].read_bytes().startswith(PNG)


def review_listing(url: str) -> list:
    from bot.ingest import review

    return review.listing(make_store(url))


async def test_no_chart_with_single_points(env: str) -> None:
    core = build_core(load_settings(), make_store(env))
    reply = await core.handle("casualties", "")
    assert reply.attachments == []


def test_chart_file_and_changes(env: str, tmp_path: Path) -> None:
    store = make_store(env)
    assert write_chart(store.load_briefing(), tmp_path / "none.png") is None
    for path in (DEC9, DEC22):
        ingest(store, str(path), auto_approve=True)
    from bot.ingest import review

    review.approve(store, None)
    b = store.load_briefing()
    out = write_chart(b, tmp_path / "c.png")
    assert out is not None and out.read_bytes().startswith(PNG)
    reply = changes_reply(b, dt.date(2025, 12, 10))
    text = reply.to_text()
    assert "Killed: at least 11 people as of 12 Dec 2025, up from at least 10 on 9 Dec 2025" in text
    assert "Hun Sen" not in text  # named in the December 9 report, before the date
    later = changes_reply(b, dt.date(2025, 12, 13)).to_text()
    assert "Upcoming (updated): Special ASEAN Foreign Ministers' Meeting held on 22 Dec 2025" in later
    assert "Person (new): Mohamad Hasan" in later and "Killed" not in later
    quiet = changes_reply(b, dt.date(2026, 1, 1))
    assert not quiet.found and "Nothing new" in quiet.to_text()


def test_command_line(env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ingest", str(DEC9)]) == 0
    out = capsys.readouterr().out
    assert "Stored src-2025-12-09-" in out and "wait for review" in out
    assert main(["ingest", str(DEC9)]) == 0
    assert "Already ingested" in capsys.readouterr().out
    assert main(["ingest", str(tmp_path / "missing.txt")]) == 2
    assert "cannot read" in capsys.readouterr().err
    assert main(["review"]) == 0
    listing = capsys.readouterr().out
    assert "[figure] at least 10 people killed — overall, as of 9 Dec 2025" in listing
    assert main(["review", "approve"]) == 2
    assert main(["review", "approve", "--all"]) == 0
    assert "approved: 1, 2" in capsys.readouterr().out
    assert main(["review"]) == 0 and "No candidates waiting" in capsys.readouterr().out
    chart = tmp_path / "chart.png"
    assert main(["casualties", "--chart", str(chart)]) == 0
    assert chart.read_bytes().startswith(PNG)
    assert main(["changes", "--since", "2025-12-01"]) == 0
    assert "What changed since 1 Dec 2025" in capsys.readouterr().out
    assert main(["changes", "--since", "yesterday"]) == 2
    assert main(["ingest", str(DEC22), "--published", "22/12"]) == 2
    assert "not a date" in capsys.readouterr().err
