"""Alerts: a short message to subscribed channels when an approved change moves a headline figure or
adds a contested claim.

Changes are read from the briefing itself (figures are append-only rows, claims are facts), so every
way a change gets in — a button in the chat, `/review`, `briefbot review`, auto-approve — alerts the
same. Each (change, channel) pair is claimed in `alerts_sent` with INSERT … ON CONFLICT DO NOTHING
before anything is posted: one message per change per channel, whichever replica gets there first.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Column, DateTime, Integer, String, Table, Text, UniqueConstraint, select, update

from bot.core.models import Claim, Figure
from bot.core.reply import Citation, Reply, Section
from bot.core.store import Store, facts, figures, metadata, sources
from bot.delivery import DeliveryError, Poster
from bot.ingest.watch import aware, insert_ignoring, named, now

log = logging.getLogger("briefbot.alerts")

DEFAULT_THRESHOLDS = {"killed": 0.0, "injured": 0.0, "displaced": 10.0}
CONTESTED = ("disputed", "contradicted")
LOOKBACK = dt.timedelta(days=7)  # after a long outage, older changes are news no more
MAX_ATTEMPTS = 3

alert_subscriptions = Table(
    "alert_subscriptions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("briefing", String(64), nullable=False),
    Column("platform", String(16), nullable=False),
    Column("workspace", String(64), nullable=False, default=""),
    Column("channel", String(64), nullable=False),
    Column("quiet", String(11), nullable=False, default=""),  # "22:00-07:00" or ""
    Column("timezone", String(64), nullable=False, default="UTC"),
    Column("created_by", String(128), nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("briefing", "platform", "workspace", "channel", name="uq_alert_subscription"),
)

alerts_sent = Table(
    "alerts_sent", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("change_id", String(200), nullable=False),
    Column("subscription_id", Integer, nullable=False),
    Column("platform", String(16), nullable=False),
    Column("workspace", String(64), nullable=False, default=""),
    Column("channel", String(64), nullable=False),
    Column("status", String(16), nullable=False),  # claimed | sent | retry | failed
    Column("owner", String(64), nullable=False, default=""),
    Column("attempts", Integer, nullable=False, default=1),
    Column("message_id", String(64), nullable=False, default=""),
    Column("reason", Text, nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("sent_at", DateTime(timezone=True)),
    UniqueConstraint("change_id", "platform", "workspace", "channel", name="uq_alert_change_channel"),
)


class AlertError(ValueError):
    """Input that cannot make an alert subscription; the message names the value."""


@dataclass(frozen=True)
class AlertSubscription:
    id: int
    briefing: str
    platform: str
    workspace: str
    channel: str
    quiet: str
    timezone: str
    created_at: dt.datetime

    def quiet_now(self, at: dt.datetime) -> bool:
        """Within the quiet hours (local time): alerts wait until they end, they are not dropped."""
        if not self.quiet:
            return False
        start, end = (dt.time.fromisoformat(t) for t in self.quiet.split("-"))
        local = at.astimezone(ZoneInfo(self.timezone)).time()
        if start <= end:
            return start <= local < end
        return local >= start or local < end  # over midnight: 22:00-07:00

    def describe(self) -> str:
        quiet = f", quiet {self.quiet} {self.timezone}" if self.quiet else ""
        return f"{self.id}: alerts of briefing {self.briefing} in channel {self.channel}{quiet}"


def _sub(r: Any) -> AlertSubscription:
    return AlertSubscription(id=r.id, briefing=r.briefing, platform=r.platform, workspace=r.workspace,
                             channel=r.channel, quiet=r.quiet, timezone=r.timezone,
                             created_at=aware(r.created_at))  # type: ignore[arg-type]


def ensure_tables(store: Store) -> None:
    metadata.create_all(store.engine, tables=[alert_subscriptions, alerts_sent])


# -- subscriptions -----------------------------------------------------------------------------------

_QUIET = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")


def parse_quiet(text: str) -> str:
    m = _QUIET.match(text.strip())
    if not m or int(m.group(1)) > 23 or int(m.group(3)) > 23 or int(m.group(2)) > 59 or int(m.group(4)) > 59:
        raise AlertError(f"quiet hours “{text}”: use HH:MM-HH:MM, e.g. 22:00-07:00")
    return f"{int(m.group(1)):02d}:{m.group(2)}-{int(m.group(3)):02d}:{m.group(4)}"


def parse_options(text: str) -> tuple[str, str]:
    """`[quiet HH:MM-HH:MM] [time zone]` -> (quiet, timezone)."""
    from bot.schedule.subscriptions import find_timezone

    quiet, tz = "", "UTC"
    words = text.split()
    i = 0
    while i < len(words):
        word = words[i]
        if word.lower() == "quiet" and i + 1 < len(words):
            quiet = parse_quiet(words[i + 1])
            i += 2
            continue
        if _QUIET.match(word):
            quiet = parse_quiet(word)
        elif find_timezone(word):
            tz = find_timezone(word) or "UTC"
        else:
            raise AlertError(f"“{word[:40]}” is not quiet hours (quiet 22:00-07:00) or a time zone")
        i += 1
    return quiet, tz


def subscribe(store: Store, briefing: str, platform: str, workspace: str, channel: str, *, quiet: str = "",
              timezone: str = "UTC", created_by: str = "") -> tuple[AlertSubscription, bool]:
    ensure_tables(store)
    briefing = named(store, briefing)
    key = ((alert_subscriptions.c.briefing == briefing) & (alert_subscriptions.c.platform == platform)
           & (alert_subscriptions.c.workspace == workspace) & (alert_subscriptions.c.channel == channel))
    with store.begin() as c:
        created = c.execute(insert_ignoring(store, alert_subscriptions).values(
            briefing=briefing, platform=platform, workspace=workspace, channel=channel, quiet=quiet,
            timezone=timezone, created_by=created_by, created_at=now(),
        ).on_conflict_do_nothing(index_elements=["briefing", "platform", "workspace", "channel"])
            .returning(alert_subscriptions.c.id)).scalar() is not None
        if not created:
            c.execute(update(alert_subscriptions).where(key).values(quiet=quiet, timezone=timezone))
        return _sub(c.execute(select(alert_subscriptions).where(key)).one()), created


def unsubscribe(store: Store, platform: str, workspace: str, channel: str, briefing: str | None = None,
                ) -> list[AlertSubscription]:
    ensure_tables(store)
    key = ((alert_subscriptions.c.platform == platform) & (alert_subscriptions.c.workspace == workspace)
           & (alert_subscriptions.c.channel == channel))
    if briefing:
        key &= alert_subscriptions.c.briefing == briefing
    with store.begin() as c:
        rows = [_sub(r) for r in c.execute(select(alert_subscriptions).where(key))]
        c.execute(alert_subscriptions.delete().where(key))
    return rows


def all_alert_subscriptions(store: Store, platform: str | None = None, workspace: str | None = None,
                            ) -> list[AlertSubscription]:
    ensure_tables(store)
    q = select(alert_subscriptions).order_by(alert_subscriptions.c.id)
    if platform is not None:
        q = q.where(alert_subscriptions.c.platform == platform)
    if workspace is not None:
        q = q.where(alert_subscriptions.c.workspace == workspace)
    with store.begin() as c:
        return [_sub(r) for r in c.execute(q)]


# -- changes -----------------------------------------------------------------------------------------

@dataclass
class Change:
    id: str  # "figure:<id>" or "claim:<id>": one alert per change per channel
    briefing: str
    created_at: dt.datetime
    reply: Reply


# The briefing a stored fact belongs to. One briefing until facts carry their briefing's name.
BriefingOfRow = Callable[[Any], str]


def _source_info(conn: Any) -> dict[str, tuple[str, str, str, str]]:
    rows = conn.execute(select(sources.c.id, sources.c.title, sources.c.published_at, sources.c.url,
                               sources.c.publisher))
    return {r.id: (r.title, r.published_at.isoformat(), r.url, r.publisher) for r in rows}


def moved_enough(old: Figure | None, new: Figure, thresholds: dict[str, float]) -> bool:
    """Whether a new current value is worth an alert: any change, or by the metric's percentage."""
    threshold = thresholds.get(new.metric)
    if threshold is None or old is None:
        return False
    if (old.value, old.value_high) == (new.value, new.value_high):
        return False
    if threshold <= 0 or old.value == 0:
        return True
    return abs(new.value - old.value) * 100.0 >= threshold * old.value


def figure_changes(store: Store, since: dt.datetime, thresholds: dict[str, float],
                   briefing_of: BriefingOfRow) -> list[Change]:
    """Figure rows added since `since` that became their series' current value and moved it enough."""
    with store.begin() as c:
        rows = list(c.execute(select(figures.c.row_id, figures.c.briefing, figures.c.data, figures.c.created_at)
                              .order_by(figures.c.row_id)))
        info = _source_info(c) if rows else {}
    current: dict[tuple[str, str, str], Figure] = {}
    out: list[Change] = []
    for r in rows:
        fig = Figure.model_validate_json(r.data)
        briefing = briefing_of(r)
        key = (briefing, *fig.series())
        old = current.get(key)
        if old is not None and fig.as_of < old.as_of:
            continue  # an older report: history, not news
        current[key] = fig
        created = aware(r.created_at)
        if created is None or created <= since or not moved_enough(old, fig, thresholds):
            continue
        out.append(Change(f"figure:{fig.id}", briefing, created, figure_reply(old, fig, info)))  # type: ignore[arg-type]
    return out


def figure_reply(old: Figure, new: Figure, info: dict[str, tuple[str, str, str, str]]) -> Reply:
    from bot.core.models import METRIC_WORDS

    what = METRIC_WORDS.get(new.metric, new.metric)
    scope = f" ({new.scope})" if new.scope else ""
    arrow = f"{old.amount()} → {new.amount()}"
    title, published, url, publisher = info.get(new.source_id, (new.source_id, "", "", ""))
    by = f", according to {new.by}" if new.by else ""
    text = (f"{new.phrase()}{scope}{by}, as of {_day(new.as_of)} [1]; was {old.phrase()} as of {_day(old.as_of)}.")
    return Reply(title=f"Alert — {what.capitalize()}{scope}: {arrow}", command="alert",
                 sections=[Section(text=text)],
                 citations=[Citation(n=1, source_id=new.source_id, title=title, published=published,
                                     quote=new.evidence[-1].quote, url=url, publisher=publisher)])


def claim_changes(store: Store, since: dt.datetime, briefing_of: BriefingOfRow) -> list[Change]:
    with store.begin() as c:
        rows = list(c.execute(select(facts.c.id, facts.c.briefing, facts.c.data, facts.c.created_at)
                              .where((facts.c.kind == "claim") & (facts.c.created_at > since))
                              .order_by(facts.c.created_at)))
        info = _source_info(c) if rows else {}
    out = []
    for r in rows:
        claim = Claim.model_validate_json(r.data)
        if claim.status not in CONTESTED:
            continue
        ev = claim.evidence[-1]
        title, published, url, publisher = info.get(ev.source_id, (ev.source_id, "", "", ""))
        text = f"{claim.by} {claim.stance.replace('_', ' ')}: {claim.claim} — {claim.status} [1]."
        reply = Reply(title=f"Alert — contested: {claim.topic}", command="alert", sections=[Section(text=text)],
                      citations=[Citation(n=1, source_id=ev.source_id, title=title, published=published,
                                          quote=ev.quote, url=url, publisher=publisher)])
        out.append(Change(f"claim:{claim.id}", briefing_of(r), aware(r.created_at), reply))  # type: ignore[arg-type]
    return out


def _day(d: dt.date) -> str:
    return f"{d.day} {d.strftime('%b %Y')}"


# -- sending -----------------------------------------------------------------------------------------

def claim_alert(store: Store, change: Change, sub: AlertSubscription, owner: str) -> bool:
    with store.begin() as c:
        return c.execute(insert_ignoring(store, alerts_sent).values(
            change_id=change.id, subscription_id=sub.id, platform=sub.platform, workspace=sub.workspace,
            channel=sub.channel, status="claimed", owner=owner, attempts=1, message_id="", reason="",
            created_at=now(),
        ).on_conflict_do_nothing(index_elements=["change_id", "platform", "workspace", "channel"])
            .returning(alerts_sent.c.id)).scalar() is not None


def retake(store: Store, change: Change, sub: AlertSubscription, owner: str) -> bool:
    """A send that failed for a passing reason is tried again, by one replica (compare-and-swap)."""
    key = ((alerts_sent.c.change_id == change.id) & (alerts_sent.c.platform == sub.platform)
           & (alerts_sent.c.workspace == sub.workspace) & (alerts_sent.c.channel == sub.channel))
    with store.begin() as c:
        row = c.execute(select(alerts_sent).where(key)).first()
        if row is None or row.status != "retry":
            return False
        if row.attempts >= MAX_ATTEMPTS:
            c.execute(update(alerts_sent).where(key & (alerts_sent.c.status == "retry")).values(status="failed"))
            return False
        return c.execute(update(alerts_sent).where(key & (alerts_sent.c.status == "retry")
                                                   & (alerts_sent.c.attempts == row.attempts))
                         .values(status="claimed", owner=owner, attempts=row.attempts + 1)).rowcount == 1


def finish(store: Store, change: Change, sub: AlertSubscription, status: str, *, message_id: str = "",
           reason: str = "") -> None:
    key = ((alerts_sent.c.change_id == change.id) & (alerts_sent.c.platform == sub.platform)
           & (alerts_sent.c.workspace == sub.workspace) & (alerts_sent.c.channel == sub.channel))
    with store.begin() as c:
        c.execute(update(alerts_sent).where(key).values(status=status, message_id=message_id, reason=reason[:500],
                                                        sent_at=now() if status == "sent" else None))


def sent_rows(store: Store) -> list[dict]:
    ensure_tables(store)
    with store.begin() as c:
        return [dict(r._mapping) for r in c.execute(select(alerts_sent).order_by(alerts_sent.c.id))]


class Alerter:
    """Finds changes since each subscription began and sends each to its channels once."""

    def __init__(self, store: Store, posters: dict[str, Poster], *, thresholds: dict[str, float] | None = None,
                 briefing_of: BriefingOfRow | None = None, owner: str = "") -> None:
        self.store = store
        self.posters = posters
        self.thresholds = dict(DEFAULT_THRESHOLDS if thresholds is None else thresholds)
        self.briefing_of = briefing_of or row_briefing
        self.owner = owner or "alerter"
        ensure_tables(store)

    def changes(self, since: dt.datetime) -> list[Change]:
        return [*figure_changes(self.store, since, self.thresholds, self.briefing_of),
                *claim_changes(self.store, since, self.briefing_of)]

    async def run(self, at: dt.datetime | None = None) -> int:
        """Send what is due; the number of alerts this process sent."""
        import asyncio

        at = at or now()
        subs = [s for s in await asyncio.to_thread(all_alert_subscriptions, self.store) if s.platform in self.posters]
        if not subs:
            return 0
        since = max(min(s.created_at for s in subs), at - LOOKBACK)
        changes = await asyncio.to_thread(self.changes, since)
        sent = 0
        for change in sorted(changes, key=lambda ch: ch.created_at):
            for sub in subs:
                if sub.briefing != change.briefing or change.created_at <= sub.created_at or sub.quiet_now(at):
                    continue
                mine = await asyncio.to_thread(claim_alert, self.store, change, sub, self.owner)
                if not mine:
                    mine = await asyncio.to_thread(retake, self.store, change, sub, self.owner)
                if mine:
                    sent += await self.send(change, sub)
        return sent

    async def send(self, change: Change, sub: AlertSubscription) -> int:
        import asyncio

        poster = self.posters[sub.platform]
        try:
            ids = [await poster.send(sub.channel, payload) for payload in poster.render(change.reply)]
        except DeliveryError as exc:
            status = "retry" if exc.transient else "failed"
            await asyncio.to_thread(finish, self.store, change, sub, status, reason=str(exc))
            log.warning("alert not sent", extra={"change": change.id, "channel": sub.channel, "error": str(exc),
                                                 "retry": exc.transient})
            return 0
        await asyncio.to_thread(finish, self.store, change, sub, "sent", message_id=json.dumps(ids)[:64])
        log.info("alert sent", extra={"change": change.id, "channel": sub.channel, "platform": sub.platform})
        return 1


def row_briefing(row: Any) -> str:
    """The briefing a figure or fact row belongs to (rows carry its name)."""
    return getattr(row, "briefing", None) or default_briefing()


def default_briefing() -> str:
    from bot.ingest.watch_cli import DEFAULT_BRIEFING

    return DEFAULT_BRIEFING
