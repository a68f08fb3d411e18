"""The scheduler as a runner service, the subscriptions file, and the `briefbot` subcommands."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import load_settings
from bot.core.store import Store
from bot.runner import build_services
from bot.schedule import subscriptions as subs
from bot.schedule.ledger import Ledger
from bot.schedule.service import SchedulerService
from tests.fakes.slack_api import FakeSlackAPI
from tests.schedule.conftest import BOT_TOKEN, slack_settings

FILE = """
[[subscription]]
platform = "slack"
workspace = "T0TEST"
channel = "C0MORNING"
time = "07:30"
timezone = "Asia/Phnom_Penh"
days = "mon-fri"

[[subscription]]
platform = "slack"
channel = "C0EVENING"
timezone = "Asia/Atlantis"
"""


async def test_subscriptions_file_applied_at_start(core, store: Store, slack: FakeSlackAPI, sqlite_url: str,  # noqa: ANN001
                                                   tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "subscriptions.toml"
    path.write_text(FILE, encoding="utf-8")
    settings = slack_settings(sqlite_url, slack.base_url, scheduler_subscriptions_file=path)
    from bot.adapters.slack.poster import SlackPoster

    service = SchedulerService(settings, core, {"slack": SlackPoster(settings)}, poll_seconds=3600)
    kept = subs.upsert(store, "slack", "T0TEST", "C0THIRD", subs.parse_options("09:00"), "slack:U1")[0]
    caplog.set_level(logging.INFO, logger="briefbot.schedule")
    for _ in range(2):  # started and stopped again, as a leader election does
        await service.start()
        assert service.ready() == (True, "")
        await service.stop()
    rows = {s.channel: s for s in subs.all_subscriptions(store)}
    assert set(rows) == {"C0MORNING", "C0THIRD"}
    assert rows["C0MORNING"].schedule_text() == "07:30 Asia/Phnom_Penh, weekdays (mon-fri), short"
    assert any("unknown time zone “Asia/Atlantis”" in getattr(r, "error", "") for r in caplog.records)

    # An entry dropped from a valid file stops; what chat made is left alone; bad channels are named.
    path.write_text('[[subscription]]\nplatform = "slack"\nchannel = "C0GONE"\n', encoding="utf-8")
    await service.load_file()
    rows = {s.channel: s for s in subs.all_subscriptions(store)}
    assert set(rows) == {"C0MORNING", "C0THIRD"}  # the file had an error: nothing removed
    assert any("C0GONE" in getattr(r, "error", "") for r in caplog.records)
    path.write_text("", encoding="utf-8")
    await service.load_file()
    assert [s.id for s in subs.all_subscriptions(store)] == [kept.id]


def test_run_adds_the_scheduler_only_with_a_platform(core, sqlite_url: str) -> None:  # noqa: ANN001
    assert build_services(load_settings(database_url=sqlite_url), core) == []
    settings = load_settings(database_url=sqlite_url, slack_bot_token=BOT_TOKEN, slack_signing_secret="s" * 32)
    names = [s.name for s in build_services(settings, core)]
    assert "scheduler" in names
    assert "subscribe" in core.command_names()
    off = load_settings(database_url=sqlite_url, slack_bot_token=BOT_TOKEN, slack_signing_secret="s" * 32,
                        scheduler_enabled=False)
    assert "scheduler" not in [s.name for s in build_services(off, core)]


async def _cli(*argv: str) -> int:
    return await asyncio.to_thread(main, list(argv))


async def test_cli_subscribe_preview_post_now_unsubscribe(
        slack: FakeSlackAPI, sqlite_url: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_API_URL", slack.base_url)
    assert await _cli("subscribe", "--platform", "slack", "--channel", "C0MORNING", "25:00") == 2
    assert "invalid time “25:00”" in capsys.readouterr().err
    assert await _cli("subscribe", "--platform", "slack", "--channel", "C0MORNING", "Asia/Nowhere") == 2
    assert "unknown time zone “Asia/Nowhere”" in capsys.readouterr().err
    assert await _cli("subscribe", "--platform", "slack", "--channel", "C0GONE") == 2
    assert "unknown channel “C0GONE”" in capsys.readouterr().err

    assert await _cli("subscribe", "--platform", "slack", "--channel", "C0MORNING", "--workspace", "T0TEST",
                      "07:30", "Asia/Phnom_Penh", "weekdays") == 0
    out = capsys.readouterr().out
    assert "07:30 Asia/Phnom_Penh, weekdays (mon-fri), short" in out
    sub_id = out.split()[1].rstrip(":")

    assert await _cli("preview", "--date", "2025-12-13", "--since", "2025-12-11") == 0
    out = capsys.readouterr().out
    assert "What changed since 11 Dec 2025" in out and "Killed: at least 11 people" in out
    assert await _cli("preview", "--subscription", sub_id, "--platform", "slack") == 0
    assert '"blocks"' in capsys.readouterr().out

    assert await _cli("post-now", sub_id) == 0
    assert "posted 1 message(s) to slack:T0TEST/C0MORNING" in capsys.readouterr().out
    assert await _cli("post-now", sub_id) == 2  # same ledger: once a day
    assert "already sent" in capsys.readouterr().err
    assert len(slack.messages("C0MORNING")) == 1

    assert await _cli("subscriptions") == 0
    assert " sent" in capsys.readouterr().out
    assert await _cli("unsubscribe", sub_id) == 0
    assert await _cli("unsubscribe", sub_id) == 2
    store = Store(sqlite_url)
    assert subs.all_subscriptions(store) == [] and len(Ledger(store).recent()) == 1
