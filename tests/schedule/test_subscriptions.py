"""Subscription input: parsing, errors naming the value, storage, and the chat commands' permissions."""

from __future__ import annotations

import pytest

from bot.core.reply import Asker
from bot.core.store import Store
from bot.schedule import commands
from bot.schedule import subscriptions as subs
from bot.schedule.subscriptions import SubscriptionError, parse_options
from tests.fakes.slack_api import FakeSlackAPI


def test_parse_options_in_any_order_with_defaults() -> None:
    opts = parse_options("full mon-fri 7:30 Asia/Phnom_Penh")
    assert (opts.local_time, opts.timezone, opts.days, opts.format) == (
        "07:30", "Asia/Phnom_Penh", "mon,tue,wed,thu,fri", "full")
    default = parse_options("")
    assert (default.local_time, default.timezone, default.days, default.format) == (
        "08:00", "UTC", "mon,tue,wed,thu,fri,sat,sun", "short")
    assert parse_options("bangkok").timezone == "Asia/Bangkok"
    assert parse_options("weekends").days == "sat,sun"
    assert parse_options("fri-mon").days == "mon,fri,sat,sun"
    assert parse_options("mon,wed,friday").days == "mon,wed,fri"


@pytest.mark.parametrize(("text", "named"), [
    ("25:00", "invalid time “25:00”"),
    ("7:61", "invalid time “7:61”"),
    ("8am", "invalid time “8am”"),
    ("Mars/Olympus_Mons", "unknown time zone “Mars/Olympus_Mons”"),
    ("UTC+25", "unknown time zone “UTC+25”"),
    ("1-5", "bad days “1-5”"),
    ("mon-fry", "bad days “mon-fry”"),
    ("tomorrow", "“tomorrow” is not a time"),
])
def test_bad_input_names_the_value(text: str, named: str) -> None:
    with pytest.raises(SubscriptionError) as err:
        parse_options(text)
    assert named in str(err.value)


def test_numeric_days_are_refused_with_the_reason() -> None:
    with pytest.raises(SubscriptionError, match="numbers are ambiguous"):
        parse_options("1-5")


def test_one_subscription_per_channel(store: Store) -> None:
    first, created = subs.upsert(store, "slack", "T1", "C1", parse_options("07:00"), "test")
    again, created_again = subs.upsert(store, "slack", "T1", "C1", parse_options("09:15 full"), "test")
    assert created and not created_again and first.id == again.id
    assert (again.local_time, again.format) == ("09:15", "full")
    assert [s.id for s in subs.all_subscriptions(store)] == [first.id]


def _asker(can_manage: bool, channel: str = "C0MORNING") -> Asker:
    return Asker(platform="slack", user_id="U1", channel_id=channel, workspace_id="T0TEST",
                 can_manage=can_manage)


async def test_subscribe_refused_without_permission(core, store: Store) -> None:  # noqa: ANN001
    commands.register(core, store, {})
    reply = await core.handle("subscribe", "07:30 Asia/Phnom_Penh", _asker(can_manage=False))
    assert not reply.found and reply.ephemeral
    assert "Only people who can manage" in reply.to_text()
    assert subs.all_subscriptions(store) == []
    reply = await core.handle("unsubscribe", "", _asker(can_manage=False))
    assert "Only people who can manage" in reply.to_text()


async def test_subscribe_change_list_unsubscribe(core, store: Store, slack: FakeSlackAPI, poster) -> None:  # noqa: ANN001
    changes = []
    commands.register(core, store, {"slack": poster}, on_change=lambda: changes.append(1))
    reply = await core.handle("subscribe", "07:30 Asia/Phnom_Penh mon-fri", _asker(True))
    assert reply.found, reply.to_text()
    assert "07:30 Asia/Phnom_Penh, weekdays (mon-fri), short" in reply.to_text()
    reply = await core.handle("subscribe", "full", _asker(True))  # changes only the format
    assert "07:30 Asia/Phnom_Penh, weekdays (mon-fri), full" in reply.to_text()
    listed = await core.handle("subscriptions", "", _asker(False))
    assert "C0MORNING" in listed.to_text()
    reply = await core.handle("unsubscribe", "", _asker(True))
    assert reply.found and subs.all_subscriptions(store) == []
    assert len(changes) == 3


async def test_subscribe_errors_name_the_value(core, store: Store, slack: FakeSlackAPI, poster) -> None:  # noqa: ANN001
    commands.register(core, store, {"slack": poster})
    reply = await core.handle("subscribe", "07:30 Europe/Atlantis", _asker(True))
    assert "unknown time zone “Europe/Atlantis”" in reply.to_text()
    reply = await core.handle("subscribe", "", _asker(True, channel="C0GONE"))
    assert not reply.found and "C0GONE" in reply.to_text()
    reply = await core.handle("subscribe", "", _asker(True, channel="C0NOTMEMBER"))
    assert not reply.found and "not in #secret" in reply.to_text()
    assert subs.all_subscriptions(store) == []
