"""The ledger and the delivery loop against the fake Slack API: once, retried, resumed, failed."""

from __future__ import annotations

import datetime as dt

from bot.core.store import Store
from bot.schedule import subscriptions as subs
from bot.schedule.deliverer import Deliverer
from bot.schedule.ledger import Ledger
from bot.schedule.sending import Fanout, Limits, RetryPolicy, send_delivery
from bot.schedule.subscriptions import parse_options
from tests.fakes.slack_api import FakeSlackAPI

DAY = dt.date(2025, 12, 13)
FAST = RetryPolicy(base_backoff=0.01, max_backoff=0.05, max_transient=4)


def _sub(store: Store, channel: str = "C0MORNING", spec: str = "08:00 Asia/Phnom_Penh") -> subs.Subscription:
    return subs.upsert(store, "slack", "T0TEST", channel, parse_options(spec), "test")[0]


def test_claim_is_unique_per_subscription_and_day(store_url: str) -> None:
    store = Store(store_url)
    store.migrate()
    sub = _sub(store)
    one, two = Ledger(store), Ledger(store)
    first = one.claim(sub, DAY, [{"text": "a"}], {})
    assert first is not None and first.status == "claimed"
    assert two.claim(sub, DAY, [{"text": "a"}], {}) is None  # another replica: stays quiet
    assert one.claim(sub, DAY, [{"text": "a"}], {}) is None  # the same process again, too
    assert two.claim(sub, DAY + dt.timedelta(days=1), [{"text": "a"}], {}) is not None


def test_stale_claim_is_taken_over_by_one_only(store_url: str) -> None:
    store = Store(store_url)
    store.migrate()
    sub = _sub(store)
    dead = Ledger(store, owner="dead")
    d = dead.claim(sub, DAY, [{"text": "1"}, {"text": "2"}], {})
    assert dead.part_sent(d, 0, "ts-1")
    dead.release(d)  # its lease ran out
    a, b = Ledger(store, owner="a"), Ledger(store, owner="b")
    taken = a.take_over(sub.id, DAY)
    assert taken is not None and taken.parts_sent == 1 and taken.payloads[1] == {"text": "2"}
    assert b.take_over(sub.id, DAY) is None
    assert not dead.part_sent(d, 1, "ts-2")  # the old owner can no longer write


async def test_429_then_200_posts_exactly_one_message(store: Store, slack: FakeSlackAPI, poster) -> None:  # noqa: ANN001
    sub = _sub(store)
    slack.fail("chat.postMessage", status=429, retry_after=1, times=1)
    deliverer = Deliverer(store, {"slack": poster}, policy=FAST)
    assert await deliverer.deliver(sub, DAY) == "sent"
    posts = slack.calls_to("chat.postMessage")
    assert [c.status for c in posts] == [429, 200]
    assert len(slack.messages("C0MORNING")) == 1
    row = deliverer.ledger.get(sub.id, DAY)
    assert row.status == "sent" and row.attempts == 2 and row.parts_sent == row.parts_total == 1
    # The same day again (a second job run, a restart, post-now): nothing more is posted.
    assert await deliverer.deliver(sub, DAY) == "taken"
    assert len(slack.messages("C0MORNING")) == 1


async def test_5xx_is_retried_with_backoff_then_gives_up_as_failed(store: Store, slack: FakeSlackAPI,
                                                                   poster) -> None:  # noqa: ANN001
    sub = _sub(store)
    slack.fail("chat.postMessage", status=500, times=2)
    deliverer = Deliverer(store, {"slack": poster}, policy=FAST)
    assert await deliverer.deliver(sub, DAY) == "sent"
    assert len(slack.messages("C0MORNING")) == 1
    other = _sub(store, "C0EVENING")
    slack.fail("chat.postMessage", status=500, times=10)
    assert await deliverer.deliver(other, DAY) == "failed"
    row = deliverer.ledger.get(other.id, DAY)
    assert row.status == "failed" and "after 4 attempts" in row.reason
    assert slack.messages("C0EVENING") == []


async def test_permanent_error_fails_with_the_reason(store: Store, slack: FakeSlackAPI, poster) -> None:  # noqa: ANN001
    sub = _sub(store, "C0GONE")
    deliverer = Deliverer(store, {"slack": poster}, policy=FAST)
    assert await deliverer.deliver(sub, DAY) == "failed"
    row = deliverer.ledger.get(sub.id, DAY)
    assert "channel_not_found" in row.reason and row.attempts == 1


async def test_restart_resumes_at_the_next_part(store: Store, slack: FakeSlackAPI, poster) -> None:  # noqa: ANN001
    sub = _sub(store)
    parts = [{"text": f"part {n}"} for n in (1, 2, 3)]
    crashed = Ledger(store, owner="crashed")
    d = crashed.claim(sub, DAY, parts, {})
    assert crashed.attempt(d) and crashed.part_sent(d, 0, "ts-earlier")  # part 1 went out, then it died
    crashed.release(d)
    deliverer = Deliverer(store, {"slack": poster}, policy=FAST)
    stale = deliverer.ledger.stale_claims(DAY)
    assert [s.id for s in stale] == [d.id]
    assert await deliverer.resume(stale[0]) == "sent"
    assert [m["text"] for m in slack.messages("C0MORNING")] == ["part 2", "part 3"]
    row = deliverer.ledger.get(sub.id, DAY)
    assert row.status == "sent" and row.message_ids[0] == "ts-earlier" and len(row.message_ids) == 3


async def test_one_channel_at_a_time_under_a_rate_limit(store: Store, slack: FakeSlackAPI, poster) -> None:  # noqa: ANN001
    """Parts to one rate-limited channel wait out each 429 and still arrive once each, in order."""
    sub = _sub(store)
    # Half a second between posts: part 2 comes sooner however busy the machine, and is refused
    # (each retry after 0.05 s, so maybe more than once) until the channel may take it.
    slack.rate_limit("C0MORNING", per_second=2, retry_after=0.05)
    ledger = Ledger(store)
    d = ledger.claim(sub, DAY, [{"text": f"part {n}"} for n in range(2)], {})
    unpaced = Fanout(per_platform=2, limits={})  # no pacing: the 429 path itself
    assert await send_delivery(d, poster, ledger, unpaced, FAST) == "sent"
    assert [m["text"] for m in slack.messages("C0MORNING")] == [f"part {n}" for n in range(2)]
    statuses = [c.status for c in slack.calls_to("chat.postMessage")]
    assert statuses[0] == statuses[-1] == 200 and set(statuses[1:-1]) == {429} and len(statuses) > 2


async def test_sends_are_paced_to_the_channel_limit(store: Store, slack: FakeSlackAPI, poster) -> None:  # noqa: ANN001
    """Paced to the platform's per-channel limit, parts go out without a single 429."""
    sub = _sub(store)
    slack.rate_limit("C0MORNING", per_second=20, retry_after=0.05)
    ledger = Ledger(store)
    d = ledger.claim(sub, DAY, [{"text": f"part {n}"} for n in range(4)], {})
    paced = Fanout(limits={"slack": Limits(per_channel=20)})
    assert await send_delivery(d, poster, ledger, paced, FAST) == "sent"
    assert [c.status for c in slack.calls_to("chat.postMessage")] == [200] * 4


async def test_discord_429_then_200_posts_exactly_one_message(store: Store) -> None:
    import discord

    from bot.adapters.discord.poster import DiscordPoster
    from tests.fakes.discord_server import BOT_TOKEN, FakeDiscord

    fake = FakeDiscord()
    await fake.start()
    fake.install()
    client = discord.Client(intents=discord.Intents.none(), max_ratelimit_timeout=60.0)
    try:
        await client.login(BOT_TOKEN)
        channel = fake.channel_id
        sub = subs.upsert(store, "discord", fake.guild_id, channel, parse_options("08:00 Asia/Bangkok"), "t")[0]
        fake.fail_next("POST", f"/channels/{channel}/messages", status=429, retry_after=0.05)
        deliverer = Deliverer(store, {"discord": DiscordPoster(client)}, policy=FAST)
        assert await deliverer.deliver(sub, DAY) == "sent"
        assert [c.status for c in fake.find("POST", f"/channels/{channel}/messages", status=None)] == [429, 200]
        assert len(fake.messages[channel]) == 1
        assert await deliverer.deliver(sub, DAY) == "taken"
        assert len(fake.messages[channel]) == 1
    finally:
        await client.close()
        fake.uninstall()
        await fake.close()


async def test_a_subscription_posts_the_briefing_it_names(store: Store, slack: FakeSlackAPI, poster) -> None:  # noqa: ANN001
    from tests.briefing_helpers import add_conflict

    add_conflict(store)
    opts = parse_options("08:00 UTC")
    opts.briefing = "ruritania"
    named = subs.upsert(store, "slack", "T0TEST", "C0RURI", opts, "test")[0]
    plain = _sub(store, "C0HOME")
    assert (named.briefing, plain.briefing) == ("ruritania", "cambodia-thailand")
    again = subs.upsert(store, "slack", "T0TEST", "C0RURI", parse_options("09:00"), "test")[0]
    assert again.briefing == "ruritania"  # a change that names no briefing keeps it
    deliverer = Deliverer(store, {"slack": poster}, policy=FAST)
    assert await deliverer.deliver(named, DAY) == "sent"
    assert await deliverer.deliver(plain, DAY) == "sent"
    [ruri] = slack.messages("C0RURI")
    [home] = slack.messages("C0HOME")
    assert "Ruritania–Freedonia war" in ruri["text"] and "42" in str(ruri["blocks"])
    assert "Cambodia–Thailand" in home["text"] and "42" not in str(home["blocks"])
