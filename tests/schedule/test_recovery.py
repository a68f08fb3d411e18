"""A part whose outcome its owner never learnt (it died mid-send) is looked up before it is sent again;
leases are kept alive by the heartbeat and run out soon after their owner stops renewing them; a stop
lets the send in flight finish and be recorded, and starts no other."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

import pytest

from bot.core.store import Store
from bot.schedule import subscriptions as subs
from bot.schedule.deliverer import Deliverer
from bot.schedule.ledger import Ledger
from bot.schedule.sending import Fanout, RetryPolicy, send_delivery
from bot.schedule.subscriptions import parse_options
from tests.fakes.slack_api import FakeSlackAPI

DAY = dt.date(2025, 12, 13)
FAST = RetryPolicy(base_backoff=0.01, max_backoff=0.05, max_transient=4)
PARTS = [{"text": f"part {n}"} for n in (1, 2, 3)]


def _sub(store: Store, channel: str = "C0MORNING") -> subs.Subscription:
    return subs.upsert(store, "slack", "T0TEST", channel, parse_options("08:00 UTC"), "test")[0]


async def _died_mid_send(store: Store, poster, sub: subs.Subscription, posted: bool) -> int:  # noqa: ANN001
    """An owner sent part 1, then announced part 2 and died (with or without Slack storing it)."""
    dead = Ledger(store, owner="dead")
    d = dead.claim(sub, DAY, PARTS, {})
    assert dead.intend(d, 0)
    assert dead.part_sent(d, 0, await poster.send(sub.channel, PARTS[0], mark=d.mark(0)))
    assert d.sending == 1  # announced with part 1's record
    if posted:
        await poster.send(sub.channel, PARTS[1], mark=d.mark(1))  # accepted; the answer never read
    dead.release(d)  # its lease ran out
    return d.id


@pytest.mark.parametrize("posted", [True, False])
async def test_a_part_in_flight_at_a_crash_is_looked_up_not_posted_twice(
        store: Store, slack: FakeSlackAPI, poster, posted: bool) -> None:  # noqa: ANN001
    sub = _sub(store)
    delivery_id = await _died_mid_send(store, poster, sub, posted)
    deliverer = Deliverer(store, {"slack": poster}, policy=FAST)
    [stale] = deliverer.ledger.stale_claims(DAY)
    assert stale.id == delivery_id and stale.in_doubt()
    assert await deliverer.resume(stale) == "sent"
    assert [m["text"] for m in slack.accepted_in("C0MORNING")] == ["part 1", "part 2", "part 3"]
    assert len(slack.calls_to("conversations.history")) == 1
    row = deliverer.ledger.get(sub.id, DAY)
    assert row.status == "sent" and row.sending is None
    assert row.message_ids == [m["ts"] for m in slack.accepted_in("C0MORNING")]


async def test_without_the_history_scope_the_part_is_posted_again_and_the_log_says_why(
        store: Store, slack: FakeSlackAPI, poster, caplog: pytest.LogCaptureFixture) -> None:  # noqa: ANN001
    caplog.set_level(logging.WARNING, logger="briefbot.schedule")
    sub = _sub(store)
    await _died_mid_send(store, poster, sub, posted=True)
    slack.missing_scopes.add("channels:history")
    deliverer = Deliverer(store, {"slack": poster}, policy=FAST)
    [stale] = deliverer.ledger.stale_claims(DAY)
    assert await deliverer.resume(stale) == "sent"
    # The documented default: a part repeated rather than a part missing.
    assert [m["text"] for m in slack.accepted_in("C0MORNING")] == ["part 1", "part 2", "part 2", "part 3"]
    [warning] = [r for r in caplog.records if r.getMessage().startswith("cannot tell whether a part")]
    assert "channels:history" in warning.reason


async def test_a_delivery_claimed_but_not_started_needs_no_lookup(store: Store, slack: FakeSlackAPI,
                                                                   poster) -> None:  # noqa: ANN001
    """Briefings waiting for their turn when the owner died: taken over and sent, no question asked."""
    sub = _sub(store)
    dead = Ledger(store, owner="dead")
    d = dead.claim(sub, DAY, PARTS, {})
    dead.release(d)
    deliverer = Deliverer(store, {"slack": poster}, policy=FAST)
    [stale] = deliverer.ledger.stale_claims(DAY)
    assert not stale.in_doubt()
    assert await deliverer.resume(stale) == "sent"
    assert slack.calls_to("conversations.history") == []
    assert [m["text"] for m in slack.accepted_in("C0MORNING")] == ["part 1", "part 2", "part 3"]


async def test_a_stop_between_parts_hands_back_a_row_that_needs_no_lookup(store: Store, slack: FakeSlackAPI,
                                                                          poster) -> None:  # noqa: ANN001
    sub = _sub(store)
    ledger = Ledger(store)
    d = ledger.claim(sub, DAY, PARTS, {})
    fanout = Fanout()  # Slack's pace: a second between parts to one channel
    sending = asyncio.create_task(send_delivery(d, poster, ledger, fanout, FAST))
    await slack.wait_for(lambda: len(slack.accepted) == 1, within=10)
    fanout.stopping.set()
    assert await sending == "stopped"
    row = ledger.get(sub.id, DAY)
    assert row.parts_sent == 1 and not row.in_doubt()


async def test_a_timeout_after_slack_stored_the_post_is_not_posted_again(store: Store,
                                                                        slack: FakeSlackAPI) -> None:
    from bot.adapters.slack.poster import SlackPoster
    from tests.schedule.conftest import slack_settings

    sub = _sub(store)
    slack.delay_reply("chat.postMessage", 2.0)  # stored at once, answered after the client gave up
    impatient = SlackPoster(slack_settings(store.url, slack.base_url), timeout=1)
    ledger = Ledger(store)
    d = ledger.claim(sub, DAY, PARTS[:1], {})
    assert await send_delivery(d, impatient, ledger, Fanout(limits={}), FAST) == "sent"
    assert len(slack.accepted_in("C0MORNING")) == 1
    assert ledger.get(sub.id, DAY).message_ids == [slack.accepted[0]["ts"]]


async def test_the_heartbeat_keeps_a_slow_delivery_and_a_silent_owner_loses_it(store: Store, slack: FakeSlackAPI,
                                                                               poster) -> None:  # noqa: ANN001
    sub = _sub(store)
    slack.delay("chat.postMessage", 0.6)
    alive = Ledger(store, owner="alive", lease_seconds=1)
    d = alive.claim(sub, DAY, PARTS, {})
    other = Ledger(store, owner="other", lease_seconds=1)
    sending = asyncio.create_task(send_delivery(d, poster, alive, Fanout(limits={}), FAST))
    # Three parts at 0.6 s each outlast the one-second lease: only the heartbeat keeps the row.
    while not sending.done():
        assert other.take_over(sub.id, DAY) is None
        await asyncio.sleep(0.1)
    assert sending.result() == "sent"
    assert len(slack.accepted_in("C0MORNING")) == 3

    silent = Ledger(store, owner="silent", lease_seconds=1)
    later = silent.claim(sub, DAY + dt.timedelta(days=1), PARTS, {})  # claimed, never tracked: no heartbeat
    assert other.take_over(sub.id, later.local_date) is None
    await asyncio.sleep(1.2)
    assert other.take_over(sub.id, later.local_date) is not None


async def test_a_stop_lets_the_send_in_flight_finish_and_starts_no_other(store: Store, slack: FakeSlackAPI,
                                                                         poster) -> None:  # noqa: ANN001
    sub = _sub(store)
    slack.delay_reply("chat.postMessage", 0.5)
    ledger = Ledger(store)
    d = ledger.claim(sub, DAY, PARTS, {})
    fanout = Fanout(limits={})
    sending = asyncio.create_task(send_delivery(d, poster, ledger, fanout, FAST))
    await slack.wait_for(lambda: len(slack.accepted) == 1, within=10)
    fanout.stopping.set()  # SIGTERM's grace is over while part 1 is in flight
    assert await sending == "stopped"
    assert len(slack.accepted_in("C0MORNING")) == 1
    row = ledger.get(sub.id, DAY)
    assert row.status == "claimed" and row.parts_sent == 1 and row.sending is None
    assert row.message_ids == [slack.accepted[0]["ts"]]
    assert row.lease_until is not None  # handed back: another process may take it at once
    assert Ledger(store, owner="next").take_over(sub.id, DAY) is not None


async def test_the_platform_window_never_lets_more_than_its_limit_go_in_a_second() -> None:
    """Callers that all find their turn at once (an event loop that ran late) still go out at most
    `limit` per second, measured when each goes."""
    from bot.schedule.sending import Window

    window = Window(3)
    loop = asyncio.get_running_loop()
    went: list[float] = []

    async def caller() -> None:
        await window.turn(asyncio.sleep)
        went.append(loop.time())

    await asyncio.gather(*(caller() for _ in range(7)))
    assert len(went) == 7
    for t in went:
        assert sum(1 for u in went if t <= u < t + 1.0) <= 3
