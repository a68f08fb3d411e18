"""Alerts: an approved change that moves a headline figure reaches subscribed channels once."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from bot.adapters.slack.poster import SlackPoster
from bot.app import build_core
from bot.config import load_settings
from bot.core.models import Evidence, Figure
from bot.core.reply import Asker
from bot.ingest import alerts, review
from bot.ingest.alerts import Alerter, moved_enough
from bot.ingest.pipeline import ingest
from bot.ingest.watch_service import FeedService
from tests.fakes.slack_api import FakeSlackAPI
from tests.ingest.helpers import REPORTS, make_store

TOKEN = "xoxb-1234-5678-alertstestsecret"
ADMIN = Asker(platform="slack", user_id="UADMIN", channel_id="C0ALERTS", workspace_id="T0TEST", can_manage=True)


def fig(metric: str, value: int, day: int = 1) -> Figure:
    return Figure(id=f"f-{metric}-{value}-{day}", metric=metric, value=value, qualifier="at_least",  # type: ignore[arg-type]
                  as_of=dt.date(2025, 12, day), source_id="s", evidence=[Evidence(source_id="s", quote="a quote")])


def test_thresholds() -> None:
    t = dict(alerts.DEFAULT_THRESHOLDS)
    assert moved_enough(fig("killed", 10), fig("killed", 11), t)  # any change of the death toll
    assert not moved_enough(fig("killed", 10), fig("killed", 10, 2), t)  # same number, later date
    assert not moved_enough(fig("displaced", 100_000), fig("displaced", 109_000), t)  # 9%
    assert moved_enough(fig("displaced", 100_000), fig("displaced", 110_000), t)  # 10%
    assert moved_enough(fig("displaced", 100_000), fig("displaced", 80_000), t)  # down counts too
    assert not moved_enough(fig("missing", 1), fig("missing", 50), t)  # not a headline metric
    assert moved_enough(fig("missing", 1), fig("missing", 50), {**t, "missing": 0})  # configured as one
    assert not moved_enough(None, fig("killed", 3), t)  # a first number is not a move


def test_quiet_hours_wrap_midnight() -> None:
    sub = alerts.AlertSubscription(1, "b", "slack", "", "C", "22:00-07:00", "Asia/Bangkok",
                                   dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    assert sub.quiet_now(dt.datetime(2025, 12, 24, 16, 0, tzinfo=dt.UTC))  # 23:00 in Bangkok
    assert sub.quiet_now(dt.datetime(2025, 12, 24, 23, 30, tzinfo=dt.UTC))  # 06:30
    assert not sub.quiet_now(dt.datetime(2025, 12, 24, 5, 0, tzinfo=dt.UTC))  # 12:00
    with pytest.raises(alerts.AlertError):
        alerts.parse_options("quiet 25:00-07:00")
    assert alerts.parse_options("quiet 22:00-7:00 Asia/Bangkok") == ("22:00-07:00", "Asia/Bangkok")


async def test_an_approved_toll_alerts_each_subscribed_channel_once(sqlite_url: str) -> None:
    async with FakeSlackAPI() as slack:
        for ch in ("C0ALERTS", "C0QUIET", "C0OTHER"):
            slack.add_channel(ch)
        settings = load_settings(database_url=sqlite_url, slack_bot_token=TOKEN, slack_api_url=slack.base_url)
        core = build_core(settings)
        poster = SlackPoster(settings)
        service = FeedService(settings, core, {"slack": poster})
        store = core.store
        reply = await core.handle("subscribe", "alerts", ADMIN)
        assert reply.title == "Alerts on"
        quiet = Asker(**{**ADMIN.__dict__, "channel_id": "C0QUIET"})
        assert "Quiet hours 00:00-23:59" in (await core.handle("subscribe", "alerts quiet 00:00-23:59", quiet)).to_text()
        refused = await core.handle("subscribe", "alerts", Asker(**{**ADMIN.__dict__, "can_manage": False}))
        assert refused.title == "Not allowed"
        listed = await core.handle("subscriptions", "", ADMIN)
        assert "alerts of briefing cambodia-thailand in channel C0ALERTS" in listed.to_text()

        # A report comes in: nothing is alerted until a reviewer approves it.
        await asyncio.to_thread(ingest, store, str(REPORTS / "2025-12-24-toll-rises.txt"))
        assert await service.alerter.run() == 0
        await asyncio.to_thread(review.approve, store, None)
        assert await service.alerter.run() == 2
        texts = [m.get("text", "") for m in slack.messages("C0ALERTS")]
        assert len(texts) == 2 and slack.messages("C0QUIET") == [] and slack.messages("C0OTHER") == []
        killed = next(t for t in texts if "Killed" in t)
        assert "at least 11 → 21" in killed and "24 Dec 2025" in killed and "was at least 11" in killed
        assert "rose to 21 on Wednesday" in killed and "Death toll in Thailand-Cambodia border fighting" in killed
        displaced = next(t for t in texts if "Displaced" in t)
        assert "more than 303,000 → about 500,000" in displaced

        # Again, and from a second alerter (another replica): nothing more.
        other = Alerter(store, {"slack": poster}, owner="replica-b")
        assert await service.alerter.run() == 0 and await other.run() == 0
        assert len(slack.messages("C0ALERTS")) == 2
        # Quiet hours end: the held alerts go out then, once.
        assert await other.run(dt.datetime.now(dt.UTC).replace(hour=23, minute=59, second=30)) == 2
        assert len(slack.messages("C0QUIET")) == 2
        assert sorted(r["status"] for r in alerts.sent_rows(store)) == ["sent"] * 4

        off = await core.handle("unsubscribe", "alerts", ADMIN)
        assert off.title == "Alerts off"
        assert [s.channel for s in alerts.all_alert_subscriptions(store)] == ["C0QUIET"]


async def test_a_failed_send_is_retried_then_given_up(sqlite_url: str) -> None:
    async with FakeSlackAPI() as slack:
        slack.add_channel("C0ALERTS")
        settings = load_settings(database_url=sqlite_url, slack_bot_token=TOKEN, slack_api_url=slack.base_url)
        store = make_store(sqlite_url)
        alerter = Alerter(store, {"slack": SlackPoster(settings)}, thresholds={"killed": 0})
        alerts.subscribe(store, "cambodia-thailand", "slack", "T0TEST", "C0ALERTS")
        await asyncio.to_thread(ingest, store, str(REPORTS / "2025-12-24-toll-rises.txt"))
        await asyncio.to_thread(review.approve, store, None)
        slack.fail("chat.postMessage", status=503, times=1)
        assert await alerter.run() == 0
        assert [r["status"] for r in alerts.sent_rows(store)] == ["retry"]
        assert await alerter.run() == 1
        assert [r["status"] for r in alerts.sent_rows(store)] == ["sent"] and len(slack.messages("C0ALERTS")) == 1


@pytest.mark.postgres
async def test_two_replicas_alert_once(pg_url: str) -> None:
    async with FakeSlackAPI() as slack:
        slack.add_channel("C0ALERTS")
        slack.add_channel("C0SECOND")
        settings = load_settings(database_url=pg_url, slack_bot_token=TOKEN, slack_api_url=slack.base_url)
        a, b = make_store(pg_url), make_store(pg_url)
        alerts.subscribe(a, "cambodia-thailand", "slack", "T0TEST", "C0ALERTS")
        alerts.subscribe(a, "cambodia-thailand", "slack", "T0TEST", "C0SECOND")
        await asyncio.to_thread(ingest, a, str(REPORTS / "2025-12-24-toll-rises.txt"))
        await asyncio.to_thread(review.approve, a, None)
        ra = Alerter(a, {"slack": SlackPoster(settings)}, owner="a")
        rb = Alerter(b, {"slack": SlackPoster(settings)}, owner="b")
        sent = await asyncio.gather(ra.run(), rb.run(), ra.run(), rb.run())
        assert sum(sent) == 4, [(r["status"], r["reason"], r["owner"]) for r in alerts.sent_rows(a)]
        assert len(slack.messages("C0ALERTS")) == 2 and len(slack.messages("C0SECOND")) == 2
