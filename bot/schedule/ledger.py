"""The delivery ledger: one row per (subscription, local date), claimed before anything is posted.

The unique key is what makes a briefing go out once: whichever replica (or restart, or `post-now`)
inserts the row first owns that day's delivery; everyone else sees the row and stays quiet. The row
then records each part as it is sent, so a delivery cut off half-way resumes at the next part, and
ends as sent, failed (with the reason) or skipped (with why).

An owner holds a short lease (`lease_until`), renewed for every row it is delivering by a heartbeat
and by each write about the row; a row still "claimed" after its lease ran out belongs to a process
that died (or lost the database), and another may take it over within seconds (compare-and-swap on
the owner), resuming at `parts_sent`.

Before a part is sent the row says so (`sending` = that part's index) and the write that records the
part clears it. A row taken over with `sending == parts_sent` had a send in flight whose outcome its
dead owner never learnt: the platform is asked whether that part arrived before it is sent again
(see `bot.schedule.sending.recover`). Rows without it need no such question.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, IntegrityError

from bot.core.store import Store, aware, metadata, now

log = logging.getLogger("briefbot.schedule")

# Short, so a dead owner's deliveries are taken over within seconds; the heartbeat renews it three
# times per lease, so one slow write does not lose a live owner its rows. A send still in flight when
# a lease does run out (the database away too) carries its `sending` mark: the next owner asks first.
LEASE_SECONDS = 10.0
T = TypeVar("T")

deliveries = Table(
    "deliveries", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("subscription_id", Integer, nullable=False),
    Column("local_date", Date, nullable=False),
    # Where it went, kept so "what changed since the last briefing in this channel" survives a
    # subscription being removed and added again.
    Column("platform", String(16), nullable=False),
    Column("workspace", String(64), nullable=False, default=""),
    Column("channel", String(64), nullable=False),
    Column("status", String(16), nullable=False),  # claimed | sent | failed | skipped
    Column("parts_total", Integer, nullable=False, default=0),
    Column("parts_sent", Integer, nullable=False, default=0),
    Column("attempts", Integer, nullable=False, default=0),
    # The part whose send has started and whose outcome is not recorded yet (None: no send in flight).
    Column("sending", Integer),
    Column("owner", String(64), nullable=False, default=""),
    Column("lease_until", DateTime(timezone=True)),
    Column("reason", Text, nullable=False, default=""),
    Column("message_ids", Text, nullable=False, default="[]"),
    # The rendered messages, fixed at claim time: a resumed delivery sends the same remaining parts.
    Column("payloads", Text, nullable=False, default="[]"),
    # Figure and fact ids the briefing knew when it was posted: the baseline for the next one.
    Column("shown", Text, nullable=False, default="{}"),
    Column("claimed_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    UniqueConstraint("subscription_id", "local_date", name="uq_delivery_day"),
)

OWNER = f"{uuid.uuid4().hex[:12]}"  # this process


def first_line(exc: BaseException) -> str:
    """An error for a log line: its first line, short, or its type when it says nothing."""
    lines = str(exc).strip().splitlines()
    return lines[0][:200] if lines else type(exc).__name__


@dataclass
class Delivery:
    id: int
    subscription_id: int
    local_date: dt.date
    platform: str
    workspace: str
    channel: str
    status: str
    parts_total: int
    parts_sent: int
    attempts: int
    owner: str
    lease_until: dt.datetime | None
    reason: str
    message_ids: list[str]
    payloads: list[dict]
    shown: dict
    claimed_at: dt.datetime
    finished_at: dt.datetime | None
    sending: int | None = None
    lost: bool = False  # set by the heartbeat when another process took the row over

    def in_doubt(self) -> bool:
        """A part may have been posted without the ledger knowing (its owner died mid-send)."""
        return self.sending is not None and self.sending == self.parts_sent < self.parts_total

    def mark(self, part: int) -> str:
        """What identifies one part of this delivery on the platform (Slack message metadata)."""
        return f"{self.id}:{self.subscription_id}:{self.local_date.isoformat()}:{part}"


def _row(r) -> Delivery:  # noqa: ANN001 - a SQLAlchemy row
    return Delivery(id=r.id, subscription_id=r.subscription_id, local_date=r.local_date, platform=r.platform,
                    workspace=r.workspace, channel=r.channel, status=r.status, parts_total=r.parts_total,
                    parts_sent=r.parts_sent, attempts=r.attempts, owner=r.owner,
                    lease_until=aware(r.lease_until), reason=r.reason, message_ids=json.loads(r.message_ids),
                    payloads=json.loads(r.payloads),
                    shown=json.loads(r.shown), claimed_at=aware(r.claimed_at),
                    finished_at=aware(r.finished_at), sending=r.sending)


class Ledger:
    def __init__(self, store: Store, owner: str = OWNER, lease_seconds: float = LEASE_SECONDS) -> None:
        self.store = store
        self.owner = owner
        self.lease = dt.timedelta(seconds=lease_seconds)
        # Writes go through one thread in batches (group commit): SQLite has one writer at a time and
        # threads waiting for its lock back off in long sleeps; PostgreSQL gains from fewer commits too.
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ledger-write")
        self._readers = ThreadPoolExecutor(max_workers=4, thread_name_prefix="ledger-read")
        self._pending: list = []
        self._draining = False
        self._lock = threading.Lock()
        self._local = threading.local()
        # Deliveries this process is sending, by owner token: the heartbeat renews their leases.
        self.active: dict[str, Delivery] = {}
        self._beat: asyncio.Task | None = None
        self._beat_failing = False

    # -- claiming ----------------------------------------------------------------------------------
    def claim(self, sub, local_date: dt.date, payloads: list[dict], shown: dict,  # noqa: ANN001
              retry_failed: bool = False) -> Delivery | None:
        """Own the delivery of `sub` for `local_date`, or None when it is someone else's (or done).

        A row left "claimed" by a dead owner (lease run out) is taken over and resumes at its next
        part, with the payloads stored at the first claim. With `retry_failed` (post-now), a failed
        or skipped day may be claimed again."""
        t = now()
        token = self.token()
        with self._tx() as c:
            # INSERT … ON CONFLICT DO NOTHING: losing the race is an answer, not an error (and
            # needs no savepoint inside a batch).
            stmt = self._insert().values(
                subscription_id=sub.id, local_date=local_date, platform=sub.platform,
                workspace=sub.workspace, channel=sub.channel, status="claimed", owner=token,
                lease_until=t + self.lease, claimed_at=t, updated_at=t, parts_total=len(payloads),
                payloads=json.dumps(payloads), shown=json.dumps(shown))
            result = c.execute(stmt.on_conflict_do_nothing(index_elements=["subscription_id", "local_date"])
                               .returning(deliveries.c.id))
            new_id = result.scalar()
        if new_id is None:
            return self.take_over(sub.id, local_date, retry_failed, payloads, shown)
        return Delivery(id=new_id, subscription_id=sub.id, local_date=local_date,
                        platform=sub.platform, workspace=sub.workspace, channel=sub.channel,
                        status="claimed", parts_total=len(payloads), parts_sent=0, attempts=0, owner=token,
                        lease_until=t + self.lease, reason="", message_ids=[], payloads=payloads,
                        shown=shown, claimed_at=t, finished_at=None)

    def take_over(self, sub_id: int, local_date: dt.date, retry_failed: bool = False,
                  payloads: list[dict] | None = None, shown: dict | None = None) -> Delivery | None:
        """Claim an existing row: a stale one (its owner died), or with `retry_failed` a failed one."""
        with self._tx() as c:
            found = c.execute(select(deliveries).where((deliveries.c.subscription_id == sub_id)
                                                       & (deliveries.c.local_date == local_date))).first()
        if found is None:
            return None
        row = _row(found)
        t = now()
        stale = row.status == "claimed" and (row.lease_until is None or row.lease_until < t)
        retry = retry_failed and row.status in ("failed", "skipped")
        if not (stale or retry):
            return None
        # Compare-and-swap on the owner token as we saw it: of two takers, only one matches.
        cond = ((deliveries.c.id == row.id) & (deliveries.c.status == row.status)
                & (deliveries.c.owner == row.owner))
        if stale and row.lease_until is not None:
            cond &= deliveries.c.lease_until < t
        values: dict = dict(status="claimed", owner=self.token(), lease_until=t + self.lease, updated_at=t,
                            reason="", finished_at=None)
        if not row.payloads and payloads:
            # A skipped day never had messages; otherwise the stored ones are resumed, so parts
            # already posted are never posted again.
            values.update(payloads=json.dumps(payloads), parts_total=len(payloads), shown=json.dumps(shown or {}),
                          parts_sent=0, message_ids="[]", sending=None)
        with self._tx() as c:
            done = c.execute(update(deliveries).where(cond).values(**values)).rowcount
            if done != 1:
                return None
            return _row(c.execute(select(deliveries).where(deliveries.c.id == row.id)).one())

    def _insert(self):  # noqa: ANN202 - a dialect's Insert with on_conflict_do_nothing
        if self.store.engine.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            return pg_insert(deliveries)
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(deliveries)

    def token(self) -> str:
        """A fresh owner token per claim: two claims in one process are still told apart."""
        return f"{self.owner}-{uuid.uuid4().hex[:8]}"

    def skip(self, sub, local_date: dt.date, reason: str) -> bool:  # noqa: ANN001
        """Record that a day was not posted and why (e.g. the bot was down past the grace)."""
        t = now()
        try:
            with self._tx(savepoint=True) as c:
                c.execute(insert(deliveries).values(
                    subscription_id=sub.id, local_date=local_date, platform=sub.platform,
                    workspace=sub.workspace, channel=sub.channel, status="skipped", owner=self.owner,
                    reason=reason[:500], claimed_at=t, updated_at=t, finished_at=t))
        except IntegrityError:
            return False
        return True

    # -- progress (each call checks we still own the row, and renews its lease) ----------------------
    def renew(self, d: Delivery, extra_seconds: float = 0) -> bool:
        """Extend the lease; False when another process took over."""
        return self._update(d, attempts=d.attempts,
                            lease_until=now() + self.lease + dt.timedelta(seconds=extra_seconds))

    def lease_fresh(self, d: Delivery) -> bool:
        """While our lease is more than half left no one may take the row over: no write needed."""
        return d.lease_until is not None and d.lease_until - now() > self.lease / 2

    def attempt(self, d: Delivery) -> bool:
        """Renew the lease (and so check we still own the row) when it is half used."""
        if self.lease_fresh(d):
            return True
        return self._update(d, attempts=d.attempts, lease_until=now() + self.lease)

    def intend(self, d: Delivery, part: int) -> bool:
        """Say part `part` is about to be sent (and check the row is still ours) before sending it."""
        ok = self._update(d, sending=part, attempts=d.attempts, lease_until=now() + self.lease)
        if ok:
            d.sending = part
        return ok

    def part_sent(self, d: Delivery, index: int, message_id: str) -> bool:
        """Part `index` went out. Absolute values, so running it twice (a retried batch) is harmless.

        The next part is announced in the same write (it goes out next, after the channel's pace),
        which spares a write per part; a crash before it is sent costs only a look-up."""
        ids = [*d.message_ids[:index], message_id]
        done = index + 1 >= d.parts_total
        values: dict = dict(parts_sent=index + 1, message_ids=json.dumps(ids), attempts=d.attempts,
                            sending=None if done else index + 1, lease_until=now() + self.lease)
        if done:
            values.update(status="sent", finished_at=now(), lease_until=None)
        ok = self._update(d, **values)
        if ok:
            d.parts_sent, d.message_ids, d.sending = index + 1, ids, values["sending"]
            d.status = "sent" if done else d.status
        return ok

    def fail(self, d: Delivery, reason: str) -> bool:
        ok = self._update(d, status="failed", reason=reason[:500], finished_at=now(), lease_until=None,
                          attempts=d.attempts)
        d.status = "failed"
        return ok

    def release(self, d: Delivery, nothing_in_flight: bool = False) -> bool:
        """Give the row up at once (stopping): another process may resume it without waiting.

        With `nothing_in_flight` the part announced by `intend` is known not to have been sent."""
        values: dict = dict(lease_until=now() - dt.timedelta(seconds=1), attempts=d.attempts)
        if nothing_in_flight:
            values["sending"] = None
        return self._update(d, **values)

    def _update(self, d: Delivery, **values: object) -> bool:
        values["updated_at"] = now()
        with self._tx() as c:
            n = c.execute(update(deliveries).where(
                (deliveries.c.id == d.id) & (deliveries.c.owner == d.owner)
                & (deliveries.c.status == "claimed")).values(**values)).rowcount
        if n == 1 and "lease_until" in values:
            d.lease_until = values["lease_until"]  # type: ignore[assignment]
        return n == 1

    # -- heartbeat ---------------------------------------------------------------------------------
    def track(self, d: Delivery) -> None:
        """Keep `d`'s lease alive while this process sends it (call from the event loop)."""
        self.active[d.owner] = d
        if self._beat is None or self._beat.done():
            self._beat = asyncio.get_running_loop().create_task(self._heartbeat(), name="ledger-heartbeat")

    def untrack(self, d: Delivery) -> None:
        self.active.pop(d.owner, None)
        if not self.active and self._beat is not None:
            self._beat.cancel()  # nothing left to renew; the next track() starts it again
            self._beat = None

    def renew_all(self, rows: list[Delivery]) -> set[str]:
        """Renew every lease in `rows` in one statement; the owner tokens still ours."""
        until = now() + self.lease
        kept: set[str] = set()
        tokens = [d.owner for d in rows]
        with self._tx() as c:
            for i in range(0, len(tokens), 500):
                chunk = tokens[i:i + 500]
                kept.update(c.execute(update(deliveries).where(
                    (deliveries.c.status == "claimed") & deliveries.c.owner.in_(chunk))
                    .values(lease_until=until, updated_at=now()).returning(deliveries.c.owner)).scalars())
        for d in rows:
            if d.owner in kept:
                d.lease_until = until
        return kept

    async def _heartbeat(self) -> None:
        interval = self.lease.total_seconds() / 3
        while self.active:
            await asyncio.sleep(interval)
            rows = list(self.active.values())
            if not rows:
                break
            try:
                kept = await self.write(self.renew_all, rows)
            except Exception as exc:  # noqa: BLE001 - the database is away: the senders wait for it
                if not self._beat_failing:
                    log.warning("cannot renew delivery leases; retrying",
                                extra={"deliveries": len(rows), "error": first_line(exc)})
                self._beat_failing = True
                continue
            if self._beat_failing:
                log.info("delivery leases renewed again", extra={"deliveries": len(rows)})
            self._beat_failing = False
            for d in rows:
                # Finished (no longer "claimed") or taken over: either way the sender learns it on
                # its next write; a taken-over one must not start another send meanwhile.
                if d.owner not in kept and d.status == "claimed" and d.owner in self.active:
                    d.lost = True

    async def call(self, fn: Callable[..., T], *args: object) -> T:
        """Run a read (or a one-off write) off the event loop."""
        return await asyncio.get_running_loop().run_in_executor(self._readers, partial(fn, *args))

    # -- group commit ------------------------------------------------------------------------------
    async def write(self, fn: Callable[..., T], *args: object) -> T:
        """Run a ledger write off the event loop, committed together with the writes queued with it.

        When a hundred briefings are due the same minute, their claims and progress are written in
        a few transactions instead of hundreds (one commit, one fsync each)."""
        fut: Future = Future()
        with self._lock:
            self._pending.append((fn, args, fut))
            start = not self._draining
            self._draining = True
        if start:
            self._writer.submit(self._drain)
        return await asyncio.wrap_future(fut)

    def _drain(self) -> None:
        while True:
            with self._lock:
                batch, self._pending = self._pending, []
                if not batch:
                    self._draining = False
                    return
            self._run_batch(batch)

    def _run_batch(self, batch: list) -> None:
        results = []
        try:
            with self.store.begin() as conn:
                self._local.conn = conn
                try:
                    for fn, args, fut in batch:
                        try:
                            results.append((fut, fn(*args), None))
                        except DBAPIError:
                            # The transaction is lost (a deadlock between replicas, say): the writes
                            # that went before it in this batch were rolled back too, so none of
                            # them may be reported done; every one is redone on its own below.
                            raise
                        except Exception as exc:  # noqa: BLE001 - handed to that caller
                            results.append((fut, None, exc))
                finally:
                    self._local.conn = None
        except Exception:  # noqa: BLE001 - the transaction failed as a whole: write one by one
            for fn, args, fut in batch:
                try:
                    fut.set_result(fn(*args))
                except Exception as exc:  # noqa: BLE001
                    fut.set_exception(exc)
            return
        for fut, result, exc in results:
            if exc is not None:
                fut.set_exception(exc)
            else:
                fut.set_result(result)

    @contextmanager
    def _tx(self, savepoint: bool = False) -> Iterator[Connection]:
        """The batch's transaction, or a new one outside a batch.

        An insert that may hit the unique key runs in a savepoint, so its error leaves the rest of
        the batch intact; updates of our own rows need none."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            with self.store.begin() as c:
                yield c
        elif savepoint:
            with conn.begin_nested():
                yield conn
        else:
            yield conn

    # -- reading -----------------------------------------------------------------------------------
    def get(self, sub_id: int, local_date: dt.date) -> Delivery | None:
        with self.store.begin() as c:
            r = c.execute(select(deliveries).where((deliveries.c.subscription_id == sub_id)
                                                   & (deliveries.c.local_date == local_date))).first()
        return _row(r) if r else None

    def last_sent(self, platform: str, workspace: str, channel: str, before: dt.date) -> Delivery | None:
        """The latest briefing that reached this channel before a date: the baseline for 'what changed'."""
        with self.store.begin() as c:
            r = c.execute(select(deliveries).where(
                (deliveries.c.platform == platform) & (deliveries.c.workspace == workspace)
                & (deliveries.c.channel == channel) & (deliveries.c.status == "sent")
                & (deliveries.c.local_date < before)
            ).order_by(deliveries.c.local_date.desc()).limit(1)).first()
        return _row(r) if r else None

    def stale_claims(self, since: dt.date) -> list[Delivery]:
        """Deliveries whose owner stopped renewing (died mid-delivery), to be resumed."""
        with self.store.begin() as c:
            rows = c.execute(select(deliveries).where(
                (deliveries.c.status == "claimed") & (deliveries.c.local_date >= since)
                & (deliveries.c.lease_until < now()))).all()
        return [_row(r) for r in rows]

    def recent(self, limit: int = 50) -> list[Delivery]:
        with self.store.begin() as c:
            rows = c.execute(select(deliveries).order_by(deliveries.c.id.desc()).limit(limit)).all()
        return [_row(r) for r in rows]

