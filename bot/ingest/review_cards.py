"""Review in the chat: each briefing's review channel gets one card per new report, with its candidates.

A card is platform-neutral here (title, candidates with quote, flags, who decided what and when); the
Slack and Discord adapters draw it with their own buttons. A press goes through `decide`, which takes
the candidate with a conditional UPDATE on its status inside the transaction that applies it: pressed
twice, or on two replicas at once, it is applied once and the second press learns who was first.
Cards are posted once per (report, channel): the post is claimed in `review_posts` before it is sent.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import Column, DateTime, Integer, String, Table, Text, UniqueConstraint, select, update

from bot.core.store import Store, metadata, sources
from bot.ingest import watch
from bot.ingest.tables import candidates
from bot.ingest.watch import aware, insert_ignoring, now

log = logging.getLogger("briefbot.review")

FLAGS = ("conflict", "flagged")  # never applied by a plain Approve; "Approve anyway" after checking
MAX_ON_CARD = 20
MAX_POST_ATTEMPTS = 3
MAX_CARDS_PER_ROUND = 10  # per channel; the rest follow in the next rounds  # candidates drawn with buttons; more are left to /review
LOOKBACK = dt.timedelta(days=7)

review_channels = Table(
    "review_channels", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("briefing", String(64), nullable=False),
    Column("platform", String(16), nullable=False),
    Column("workspace", String(64), nullable=False, default=""),
    Column("channel", String(64), nullable=False),
    Column("created_by", String(128), nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("briefing", "platform", name="uq_review_channel"),
)

review_posts = Table(
    "review_posts", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source_id", String(128), nullable=False),
    Column("platform", String(16), nullable=False),
    Column("channel", String(64), nullable=False),
    Column("status", String(16), nullable=False),  # claimed | sent | retry | failed
    Column("attempts", Integer, nullable=False, default=1),
    Column("message_id", String(64), nullable=False, default=""),
    Column("reason", Text, nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("source_id", "platform", "channel", name="uq_review_post"),
)

review_decisions = Table(
    "review_decisions", metadata,
    Column("candidate_id", Integer, primary_key=True, autoincrement=False),
    Column("action", String(16), nullable=False),  # approve | reject | force
    Column("result", String(16), nullable=False),  # approved | rejected | conflict | duplicate
    Column("decided_by", String(128), nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=False),
)


def ensure_tables(store: Store) -> None:
    metadata.create_all(store.engine, tables=[candidates, review_channels, review_posts, review_decisions])


# -- review channels ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class ReviewChannel:
    briefing: str
    platform: str
    workspace: str
    channel: str
    created_at: dt.datetime


def set_review_channel(store: Store, briefing: str, platform: str, workspace: str, channel: str,
                       created_by: str = "") -> ReviewChannel:
    """Name a briefing's review channel on a platform (one per platform; naming another moves it)."""
    ensure_tables(store)
    briefing = watch.named(store, briefing)
    key = (review_channels.c.briefing == briefing) & (review_channels.c.platform == platform)
    with store.begin() as c:
        inserted = c.execute(insert_ignoring(store, review_channels).values(
            briefing=briefing, platform=platform, workspace=workspace, channel=channel, created_by=created_by,
            created_at=now()).on_conflict_do_nothing(index_elements=["briefing", "platform"])
            .returning(review_channels.c.id)).scalar()
        if inserted is None:
            c.execute(update(review_channels).where(key).values(workspace=workspace, channel=channel,
                                                                created_by=created_by, created_at=now()))
        r = c.execute(select(review_channels).where(key)).one()
    return ReviewChannel(r.briefing, r.platform, r.workspace, r.channel, aware(r.created_at))  # type: ignore[arg-type]


def review_channels_of(store: Store) -> list[ReviewChannel]:
    ensure_tables(store)
    with store.begin() as c:
        return [ReviewChannel(r.briefing, r.platform, r.workspace, r.channel, aware(r.created_at))  # type: ignore[arg-type]
                for r in c.execute(select(review_channels).order_by(review_channels.c.id))]


# -- cards --------------------------------------------------------------------------------------------

@dataclass
class CardItem:
    id: int
    kind: str
    summary: str
    quote: str
    status: str  # pending | conflict | approved | rejected
    reason: str = ""  # the conflict, or why it was set aside
    decided_by: str = ""
    decided_at: dt.datetime | None = None

    @property
    def open(self) -> bool:
        return self.status in ("pending", *FLAGS)

    @property
    def flag(self) -> str:
        """'Conflict' or 'Flagged' (text that reads as an instruction: possible injection), else ''."""
        return {"conflict": "Conflict", "flagged": "Flagged"}.get(self.status, "")

    def outcome(self) -> str:
        """'approved by Ana at 11:02 UTC' once decided, else ''."""
        if self.open:
            return ""
        who = f" by {self.decided_by}" if self.decided_by else ""
        when = f" at {self.decided_at:%H:%M} UTC, {self.decided_at.day} {self.decided_at:%b}" if self.decided_at else ""
        why = f" ({self.reason})" if self.reason and self.status == "rejected" else ""
        return f"{self.status}{who}{when}{why}"


@dataclass
class Card:
    source_id: str
    briefing: str
    title: str
    publisher: str
    published: str
    url: str
    date_note: str = ""
    items: list[CardItem] = field(default_factory=list)
    more: int = 0  # candidates beyond MAX_ON_CARD

    @property
    def open_ids(self) -> list[int]:
        return [i.id for i in self.items if i.status == "pending"]

    def heading(self) -> str:
        who = f"{self.publisher}, " if self.publisher else ""
        return f"New report for review: {self.title} ({who}{self.published})"

    def to_text(self) -> str:
        """The card as plain text: the notification text and what screen readers get."""
        lines = [self.heading()]
        if self.date_note:
            lines.append(f"Date: {self.date_note}")
        for i in self.items:
            flag = f" {i.flag.upper()}: {i.reason}" if i.flag else ""
            state = f" — {i.outcome()}" if i.outcome() else ""
            lines.append(f"#{i.id} [{i.kind}] {i.summary}{flag}{state}\n“{i.quote}”")
        if self.more:
            lines.append(f"{self.more} more candidate(s): use /review")
        return "\n".join(lines)


def load_card(store: Store, source_id: str) -> Card | None:
    """The card of a report as the database has it now (so every replica draws the same card)."""
    from bot.ingest.review import row_to_queued

    with store.begin() as c:
        src = c.execute(select(sources.c.id, sources.c.briefing, sources.c.title, sources.c.publisher,
                               sources.c.published_at, sources.c.url).where(sources.c.id == source_id)).first()
        if src is None:
            return None
        rows = list(c.execute(select(candidates).where(candidates.c.source_id == source_id)
                              .order_by(candidates.c.id)))
        decided = {r.candidate_id: r for r in c.execute(select(review_decisions).where(
            review_decisions.c.candidate_id.in_([r.id for r in rows])))} if rows else {}
    item = watch.item_for_source(store, source_id)
    card = Card(source_id=src.id, briefing=src.briefing, title=src.title,
                publisher=src.publisher, published=src.published_at.isoformat(), url=src.url,
                date_note=item.date_note if item else "")
    for r in rows[:MAX_ON_CARD]:
        q = row_to_queued(r)
        d = decided.get(r.id)
        card.items.append(CardItem(id=r.id, kind=r.kind, summary=q.summary, quote=q.quote, status=r.status,
                                   reason=r.reason or "", decided_by=d.decided_by if d else "",
                                   decided_at=aware(d.decided_at) if d else None))
    card.more = max(0, len(rows) - MAX_ON_CARD)
    return card


# -- decisions ----------------------------------------------------------------------------------------

@dataclass
class Decision:
    candidate_id: int
    result: str  # approved | rejected | conflict | duplicate | taken | missing
    detail: str = ""


def decide(store: Store, candidate_id: int, action: str, who: str) -> Decision:
    """Approve, reject or force one candidate, exactly once.

    The conditional UPDATE on the candidate's status is the lock: a second press (here or on another
    replica) finds the status changed, updates nothing and is told who decided first."""
    from bot.ingest.extract import Candidate
    from bot.ingest.review import apply, check, fact_exists, load_known, row_to_queued, set_status

    if action not in ("approve", "reject", "force"):
        raise ValueError(f"unknown review action {action!r}")
    ensure_tables(store)
    allowed = ("pending", *FLAGS) if action in ("reject", "force") else ("pending",)
    with store.begin() as conn:
        taken = conn.execute(update(candidates).where((candidates.c.id == candidate_id)
                                                      & candidates.c.status.in_(allowed))
                             .values(status="deciding")).rowcount
        if taken != 1:
            row = conn.execute(select(candidates.c.status, candidates.c.reason)
                               .where(candidates.c.id == candidate_id)).first()
            if row is None:
                return Decision(candidate_id, "missing", "no such candidate")
            if row.status in FLAGS:
                return Decision(candidate_id, "conflict", row.reason or row.status)
            d = conn.execute(select(review_decisions).where(review_decisions.c.candidate_id == candidate_id)).first()
            first = f" by {d.decided_by}" if d else ""
            return Decision(candidate_id, "taken", f"already {row.status}{first}")
        r = conn.execute(select(candidates).where(candidates.c.id == candidate_id)).one()
        result, detail = "rejected", ""
        if action == "reject":
            set_status(conn, candidate_id, "rejected", r.reason or "")
        else:
            q = row_to_queued(r)
            c = Candidate(q.kind, q.fact, q.summary, replaces=q.replaces)  # type: ignore[arg-type]
            known = load_known(conn, r.briefing)  # checked against its own briefing only
            problem = check(c, known)
            if problem == "duplicate" or (problem is None and fact_exists(conn, q, r.briefing)):
                set_status(conn, candidate_id, "rejected", "already in the briefing")
                result, detail = "duplicate", "already in the briefing"
            elif problem and action != "force":
                detail = problem.removeprefix("conflict: ")
                set_status(conn, candidate_id, "conflict", detail)
                result = "conflict"
            else:
                apply(store, conn, c, known, r.briefing)
                set_status(conn, candidate_id, "approved", "")
                store.bump_revision(conn, r.briefing)
                result = "approved"
        if result != "conflict":
            conn.execute(review_decisions.insert().values(candidate_id=candidate_id, action=action, result=result,
                                                          decided_by=who[:128], decided_at=now()))
    return Decision(candidate_id, result, detail)


def decide_many(store: Store, ids: list[int], action: str, who: str) -> list[Decision]:
    return [decide(store, i, action, who) for i in ids]


def candidate_source(store: Store, candidate_id: int) -> str | None:
    with store.begin() as c:
        return c.execute(select(candidates.c.source_id).where(candidates.c.id == candidate_id)).scalar()


def decisions_text(decisions: list[Decision]) -> str:
    """What a press did, for the presser when it did not go as they pressed."""
    parts = []
    for d in decisions:
        if d.result == "conflict":
            parts.append(f"#{d.candidate_id} not applied: it is flagged ({d.detail}); "
                         "check it, then press Approve anyway or Reject")
        elif d.result in ("taken", "missing", "duplicate"):
            parts.append(f"#{d.candidate_id}: {d.detail}")
    return "; ".join(parts)


def is_reviewer(asker: Any, reviewers: list[str] | set[str]) -> bool:
    """The admin rule of subscriptions (can_manage), or a configured reviewer ("slack:U123" or "U123")."""
    return bool(getattr(asker, "can_manage", False)) or asker.user_id in reviewers \
        or f"{asker.platform}:{asker.user_id}" in reviewers


# -- posting cards ------------------------------------------------------------------------------------

class CardPoster(Protocol):
    platform: str

    async def post_card(self, channel_id: str, card: Card) -> str:
        """Post the card with its buttons; the message id. Raises bot.delivery.DeliveryError."""
        ...


def claim_post(store: Store, source_id: str, platform: str, channel: str) -> bool:
    with store.begin() as c:
        return c.execute(insert_ignoring(store, review_posts).values(
            source_id=source_id, platform=platform, channel=channel, status="claimed", attempts=1, message_id="",
            reason="", created_at=now()).on_conflict_do_nothing(index_elements=["source_id", "platform", "channel"])
            .returning(review_posts.c.id)).scalar() is not None


def retake_post(store: Store, source_id: str, platform: str, channel: str) -> bool:
    """A card whose post failed for a passing reason is tried again (by one replica), up to MAX_POST_ATTEMPTS."""
    key = ((review_posts.c.source_id == source_id) & (review_posts.c.platform == platform)
           & (review_posts.c.channel == channel))
    with store.begin() as c:
        row = c.execute(select(review_posts.c.status, review_posts.c.attempts).where(key)).first()
        if row is None or row.status != "retry":
            return False
        if row.attempts >= MAX_POST_ATTEMPTS:
            c.execute(update(review_posts).where(key & (review_posts.c.status == "retry")).values(status="failed"))
            return False
        return c.execute(update(review_posts).where(key & (review_posts.c.status == "retry")
                                                    & (review_posts.c.attempts == row.attempts))
                         .values(status="claimed", attempts=row.attempts + 1)).rowcount == 1


def finish_post(store: Store, source_id: str, platform: str, channel: str, status: str, message_id: str = "",
                reason: str = "") -> None:
    with store.begin() as c:
        c.execute(update(review_posts).where((review_posts.c.source_id == source_id)
                                             & (review_posts.c.platform == platform)
                                             & (review_posts.c.channel == channel))
                  .values(status=status, message_id=message_id, reason=reason[:500]))


def posts(store: Store) -> list[dict]:
    ensure_tables(store)
    with store.begin() as c:
        return [dict(r._mapping) for r in c.execute(select(review_posts).order_by(review_posts.c.id))]


def posted(store: Store, since: dt.datetime) -> set[tuple[str, str, str]]:
    """(source, platform, channel) of cards posted, being posted or given up since `since` (not retries)."""
    with store.begin() as c:
        rows = c.execute(select(review_posts.c.source_id, review_posts.c.platform, review_posts.c.channel)
                         .where((review_posts.c.status != "retry") & (review_posts.c.created_at > since)))
        return {(r.source_id, r.platform, r.channel) for r in rows}


def reports_to_post(store: Store, since: dt.datetime) -> list[str]:
    """Reports with candidates waiting that came in since `since` (newest last)."""
    with store.begin() as c:
        rows = c.execute(select(candidates.c.source_id, candidates.c.created_at)
                         .where(candidates.c.status.in_(["pending", *FLAGS]) & (candidates.c.created_at > since))
                         .order_by(candidates.c.id))
        out: list[str] = []
        for r in rows:
            if r.source_id not in out:
                out.append(r.source_id)
    return out


class CardSender:
    """After each feed round: post a card for every new report to its briefing's review channel, once."""

    def __init__(self, store: Store, posters: dict[str, CardPoster]) -> None:
        self.store = store
        self.posters = posters
        ensure_tables(store)

    async def run(self) -> int:
        chans = [ch for ch in await asyncio.to_thread(review_channels_of, self.store) if ch.platform in self.posters]
        if not chans:
            return 0
        since = max(min(ch.created_at for ch in chans), now() - LOOKBACK)
        done = await asyncio.to_thread(posted, self.store, since)
        sent = 0
        per_channel: dict[tuple[str, str], int] = {}
        for source_id in await asyncio.to_thread(reports_to_post, self.store, since):
            if all((source_id, ch.platform, ch.channel) in done for ch in chans):
                continue  # its cards are out (or given up): no need to read it again
            card = await asyncio.to_thread(load_card, self.store, source_id)
            if card is None or not any(i.open for i in card.items):
                continue
            for ch in chans:
                if ch.briefing != card.briefing or (source_id, ch.platform, ch.channel) in done:
                    continue
                if per_channel.get((ch.platform, ch.channel), 0) >= MAX_CARDS_PER_ROUND:
                    continue  # a feed added with fifty old items does not flood the channel at once
                per_channel[(ch.platform, ch.channel)] = per_channel.get((ch.platform, ch.channel), 0) + 1
                if not (await asyncio.to_thread(claim_post, self.store, source_id, ch.platform, ch.channel)
                        or await asyncio.to_thread(retake_post, self.store, source_id, ch.platform, ch.channel)):
                    continue
                try:
                    message_id = await self.posters[ch.platform].post_card(ch.channel, card)
                except Exception as exc:  # noqa: BLE001 - DeliveryError or a client error: recorded
                    # A passing failure (rate limit, 5xx, timeout) is tried again next round; others are not.
                    status = "retry" if getattr(exc, "transient", False) else "failed"
                    await asyncio.to_thread(finish_post, self.store, source_id, ch.platform, ch.channel, status,
                                            reason=f"{type(exc).__name__}: {exc}")
                    log.warning("review card not posted", extra={"source_id": source_id, "channel": ch.channel,
                                                                 "error": str(exc)[:200]})
                    continue
                await asyncio.to_thread(finish_post, self.store, source_id, ch.platform, ch.channel, "sent",
                                        message_id=message_id)
                log.info("review card posted", extra={"source_id": source_id, "channel": ch.channel,
                                                      "platform": ch.platform, "candidates": len(card.items)})
                sent += 1
        return sent


def default_briefing() -> str:
    from bot.ingest.watch_cli import DEFAULT_BRIEFING

    return DEFAULT_BRIEFING
