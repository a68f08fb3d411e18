"""The real APScheduler with the clock moved by time-machine: local times, DST, restarts, removal."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from zoneinfo import ZoneInfo

import pytest
import time_machine
from apscheduler.events import EVENT_JOB_SUBMITTED

from bot.core.reply import Asker
from bot.core.store import Store
from bot.schedule import commands
from bot.schedule import subscriptions as subs
from bot.schedule.deliverer import Deliverer
from bot.schedule.scheduler import BriefingScheduler, last_due
from bot.schedule.subscriptions import parse_options
from tests.fakes.slack_api import FakeSlackAPI

UTC = dt.UTC
PHNOM_PENH = ZoneInfo("Asia/Phnom_Penh")
NEW_YORK = ZoneInfo("America/New_York")
GRACE = 7200


def _subscribe(store: Store, spec: str, channel: str = "C0MORNING", made: dt.datetime | None = None,
               ) -> subs.Subscription:
    with time_machine.travel(made or dt.datetime(2025, 12, 1, tzinfo=UTC)):
        return subs.upsert(store, "slack", "T0TEST", channel, parse_options(spec), "test")[0]


def _scheduler(store: Store, poster) -> BriefingScheduler:  # noqa: ANN001
    return BriefingScheduler(Deliverer(store, {"slack": poster}), GRACE, poll_seconds=3600)


async def _fires_at(store: Store, slack: FakeSlackAPI, poster, sub: subs.Subscription,  # noqa: ANN001
                    due: dt.datetime) -> subs.Subscription:
    """Start half a second before `due` (local), let the real scheduler fire, check when it did."""
    with time_machine.travel(due - dt.timedelta(seconds=0.5), tick=True):
        sched = _scheduler(store, poster)
        await sched.start(catch_up=False)
        assert sched.job(sub.id).next_run_time == due
        before = len(slack.messages("C0MORNING"))
        await slack.wait_for_messages("C0MORNING", before + 1, within=15)
        await sched.drain()
        after = sched.job(sub.id).next_run_time
        await sched.stop()
    row = sched.deliverer.ledger.get(sub.id, due.date())
    assert row is not None and row.status == "sent"
    assert due <= row.claimed_at < due + dt.timedelta(seconds=30)
    return after


async def test_phnom_penh_fires_at_its_local_time(store: Store, slack: FakeSlackAPI, poster) -> None:  # noqa: ANN001
    sub = _subscribe(store, "08:00 Asia/Phnom_Penh")
    due = dt.datetime(2025, 12, 13, 8, 0, tzinfo=PHNOM_PENH)  # 01:00 UTC
    nxt = await _fires_at(store, slack, poster, sub, due)
    assert nxt == dt.datetime(2025, 12, 14, 8, 0, tzinfo=PHNOM_PENH)
    assert due.astimezone(UTC).hour == 1


async def test_new_york_fires_at_eight_local_on_both_sides_of_the_march_dst_change(
        store: Store, slack: FakeSlackAPI, poster) -> None:  # noqa: ANN001
    sub = _subscribe(store, "08:00 America/New_York mon-fri")
    friday = dt.datetime(2026, 3, 6, 8, 0, tzinfo=NEW_YORK)  # EST: 13:00 UTC
    nxt = await _fires_at(store, slack, poster, sub, friday)
    monday = dt.datetime(2026, 3, 9, 8, 0, tzinfo=NEW_YORK)  # EDT after 8 March: 12:00 UTC
    assert nxt == monday  # the weekend is skipped; the clocks changed in between
    assert friday.astimezone(UTC).hour == 13 and monday.astimezone(UTC).hour == 12
    await _fires_at(store, slack, poster, sub, monday)
    assert len(slack.messages("C0MORNING")) == 2


def test_last_due_uses_day_names_and_local_time() -> None:
    sub = subs.Subscription(id=1, platform="slack", workspace="", channel="C", local_time="07:30",
                            timezone="Asia/Phnom_Penh", days="mon,tue,wed,thu,fri", format="short")
    saturday_noon = dt.datetime(2025, 12, 13, 5, 0, tzinfo=UTC)  # 12:00 in Phnom Penh
    assert last_due(sub, saturday_noon) == dt.datetime(2025, 12, 12, 7, 30, tzinfo=PHNOM_PENH)


async def test_restart_inside_the_grace_posts_once(store: Store, slack: FakeSlackAPI, poster) -> None:  # noqa: ANN001
    sub = _subscribe(store, "08:00 Asia/Phnom_Penh")
    back = dt.datetime(2025, 12, 13, 8, 40, tzinfo=PHNOM_PENH)  # down at 08:00, back at 08:40
    for minutes in (0, 5):  # and restarted again five minutes later
        with time_machine.travel(back + dt.timedelta(minutes=minutes)):
            sched = _scheduler(store, poster)
            await sched.start()
            await sched.drain()
            await sched.stop()
    assert len(slack.messages("C0MORNING")) == 1
    assert sched.deliverer.ledger.get(sub.id, back.date()).status == "sent"


async def test_restart_outside_the_grace_posts_nothing_and_says_why(
        store: Store, slack: FakeSlackAPI, poster, caplog: pytest.LogCaptureFixture) -> None:  # noqa: ANN001
    sub = _subscribe(store, "08:00 Asia/Phnom_Penh")
    caplog.set_level(logging.INFO, logger="briefbot.schedule")
    with time_machine.travel(dt.datetime(2025, 12, 13, 11, 0, tzinfo=PHNOM_PENH)):
        sched = _scheduler(store, poster)
        await sched.start()
        await sched.drain()
        await sched.stop()
    assert slack.messages("C0MORNING") == []
    row = sched.deliverer.ledger.get(sub.id, dt.date(2025, 12, 13))
    assert row.status == "skipped" and "past the 120 min grace" in row.reason
    assert any(r.getMessage() == "morning briefing skipped for today" for r in caplog.records)


async def test_subscribed_after_todays_time_is_not_caught_up(store: Store, slack: FakeSlackAPI, poster) -> None:  # noqa: ANN001
    made = dt.datetime(2025, 12, 13, 8, 30, tzinfo=PHNOM_PENH)
    _subscribe(store, "08:00 Asia/Phnom_Penh", made=made)
    with time_machine.travel(made + dt.timedelta(minutes=5)):
        sched = _scheduler(store, poster)
        await sched.start()
        await sched.drain()
        await sched.stop()
    assert slack.messages("C0MORNING") == []


async def test_unsubscribe_removes_the_job(core, store: Store, slack: FakeSlackAPI, poster) -> None:  # noqa: ANN001
    sched = _scheduler(store, poster)
    await sched.start(catch_up=False)
    commands.register(core, store, {"slack": poster}, on_change=sched.sync)
    admin = Asker(platform="slack", user_id="U1", channel_id="C0MORNING", workspace_id="T0TEST", can_manage=True)
    await core.handle("subscribe", "07:00 Asia/Bangkok", admin)
    sub = subs.find(store, "slack", "T0TEST", "C0MORNING")
    assert sched.job(sub.id) is not None
    await core.handle("subscribe", "09:30", admin)  # rescheduled at once
    assert sched.job(sub.id).trigger.fields[5].expressions[0].first == 9
    await core.handle("unsubscribe", "", admin)
    assert sched.job(sub.id) is None
    # A change made elsewhere (the CLI, another replica) is picked up by the poll.
    other = _subscribe(store, "06:00 UTC", channel="C0EVENING")
    await sched.refresh()
    assert sched.job(other.id) is not None
    subs.remove_id(store, other.id)
    await sched.refresh()
    assert sched.job(other.id) is None
    await sched.stop()


async def test_job_run_on_demand_posts_once(store: Store, slack: FakeSlackAPI, poster,  # noqa: ANN001
                                            caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="briefbot.schedule")
    sub = _subscribe(store, "08:00 Asia/Phnom_Penh")
    sched = _scheduler(store, poster)
    await sched.start(catch_up=False)
    for _ in range(2):
        submitted = asyncio.Event()
        sched.scheduler.add_listener(lambda _e, ev=submitted: ev.set(), EVENT_JOB_SUBMITTED)
        sched.job(sub.id).modify(next_run_time=dt.datetime.now(UTC))
        sched.scheduler.wakeup()
        await asyncio.wait_for(submitted.wait(), 10)
        await sched.drain()
    await sched.stop()
    assert len(slack.messages("C0MORNING")) == 1
    assert len(slack.calls_to("chat.postMessage")) == 1
    assert [r.getMessage() for r in caplog.records].count(
        "briefing already claimed or done; not posting again") == 1
