"""Subscriptions: which channel gets the morning briefing, when, in which time zone, how long.

One subscription per channel (platform, workspace, channel). Input from chat, the CLI and the config
file goes through `parse_options` / `Options.validate`, so every path gives the same errors, each
naming the value at fault.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlalchemy import Column, DateTime, Integer, String, Table, UniqueConstraint, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from bot.core.store import Store, StoreError, check_name, metadata

PLATFORMS = ("slack", "discord")
FORMATS = ("short", "full")
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_TIME = "08:00"
DEFAULT_TZ = "UTC"
ALL_DAYS = ",".join(DAY_NAMES)

subscriptions = Table(
    "subscriptions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("platform", String(16), nullable=False),
    Column("workspace", String(64), nullable=False, default=""),
    Column("channel", String(64), nullable=False),
    Column("local_time", String(5), nullable=False),  # "HH:MM"
    Column("timezone", String(64), nullable=False),  # IANA name
    Column("days", String(32), nullable=False),  # "mon,tue,wed,thu,fri"
    Column("format", String(8), nullable=False),
    # The briefing posted (stores from before briefings had names give it the shipped one).
    Column("briefing", String(64), nullable=False),
    Column("created_by", String(128), nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("platform", "workspace", "channel", name="uq_subscription_channel"),
)


class SubscriptionError(ValueError):
    """Input that cannot make a subscription; the message names the value."""


@dataclass(frozen=True)
class Subscription:
    id: int
    platform: str
    workspace: str
    channel: str
    local_time: str
    timezone: str
    days: str
    format: str
    created_by: str = ""
    created_at: dt.datetime | None = None
    briefing: str = ""

    @property
    def hour(self) -> int:
        return int(self.local_time[:2])

    @property
    def minute(self) -> int:
        return int(self.local_time[3:])

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def day_set(self) -> list[str]:
        return self.days.split(",")

    def where(self) -> str:
        ws = f"{self.workspace}/" if self.workspace else ""
        return f"{self.platform}:{ws}{self.channel}"

    def schedule_text(self) -> str:
        return f"{self.local_time} {self.timezone}, {days_text(self.days)}, {self.format}"

    def full_text(self) -> str:
        """The schedule and the briefing posted."""
        return self.schedule_text() + (f", briefing {self.briefing}" if self.briefing else "")

    def signature(self) -> tuple[str, str, str]:
        """What the cron job depends on; a change means rescheduling."""
        return (self.local_time, self.timezone, self.days)


@dataclass
class Options:
    """A subscription's schedule before it is stored."""

    local_time: str = DEFAULT_TIME
    timezone: str = DEFAULT_TZ
    days: str = ALL_DAYS
    format: str = "short"
    briefing: str = ""  # "" = the channel's (or the deployment's default) briefing
    given: set[str] = field(default_factory=set)  # which of the above the user set


def days_text(days: str) -> str:
    names = days.split(",")
    if names == list(DAY_NAMES):
        return "every day"
    if names == list(DAY_NAMES[:5]):
        return "weekdays (mon-fri)"
    if names == list(DAY_NAMES[5:]):
        return "weekends (sat-sun)"
    return days


# -- parsing ---------------------------------------------------------------------------------------

_TIME = re.compile(r"^(\d{1,2})[:.h](\d{2})$")
_TIMELIKE = re.compile(r"^[\d:.h]+(am|pm)?$", re.IGNORECASE)
_DAY_ALIASES = {
    "daily": ALL_DAYS, "everyday": ALL_DAYS, "every-day": ALL_DAYS, "all": ALL_DAYS,
    "weekdays": "mon,tue,wed,thu,fri", "weekday": "mon,tue,wed,thu,fri",
    "weekends": "sat,sun", "weekend": "sat,sun",
}
_LONG_DAYS = {"monday": "mon", "tuesday": "tue", "tues": "tue", "wednesday": "wed", "thursday": "thu",
              "thur": "thu", "thurs": "thu", "friday": "fri", "saturday": "sat", "sunday": "sun"}


def parse_time(text: str) -> str:
    """'8:00' / '08:00' -> '08:00'."""
    m = _TIME.match(text.strip())
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise SubscriptionError(f"invalid time “{text}”: use 24-hour HH:MM, e.g. 07:30")
    return f"{int(m.group(1)):02d}:{m.group(2)}"


@lru_cache(maxsize=1)
def _zones_by_lower() -> dict[str, str]:
    zones = available_timezones()
    by_lower = {z.lower(): z for z in zones}
    # "Bangkok" or "phnom_penh" alone: the city part, when only one zone has it.
    cities: dict[str, list[str]] = {}
    for z in zones:
        if "/" in z:
            cities.setdefault(z.rsplit("/", 1)[1].lower(), []).append(z)
    for city, names in cities.items():
        if len(names) == 1 and city not in by_lower:
            by_lower[city] = names[0]
    return by_lower


def find_timezone(text: str) -> str | None:
    """The IANA name for a token ('asia/bangkok', 'Bangkok', 'Phnom_Penh'), or None."""
    key = text.strip().lower().replace(" ", "_")
    name = _zones_by_lower().get(key)
    if name is None:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


def parse_timezone(text: str) -> str:
    name = find_timezone(text)
    if name is None:
        raise SubscriptionError(f"unknown time zone “{text}”: use an IANA name such as Asia/Phnom_Penh, "
                                "Asia/Bangkok, Europe/London or UTC")
    return name


def parse_days(text: str) -> str:
    """'mon-fri', 'mon,wed,fri', 'weekdays', 'fri-mon' -> 'mon,tue,...' in week order.

    Numbers are refused: crontab and APScheduler count weekdays differently (DESIGN-NOTES §4)."""
    raw = text.strip().lower()
    if raw in _DAY_ALIASES:
        return _DAY_ALIASES[raw]
    chosen: set[int] = set()
    for part in raw.split(","):
        ends = part.split("-")
        if len(ends) > 2 or not part:
            raise SubscriptionError(f"bad days “{text}”: use day names, e.g. mon-fri, sat,sun or daily")
        idx = []
        for end in ends:
            name = _LONG_DAYS.get(end, end)
            if name not in DAY_NAMES:
                hint = " (numbers are ambiguous; use day names)" if end.isdigit() else ""
                raise SubscriptionError(f"bad days “{text}”: “{end}” is not a day name{hint}; "
                                        "use e.g. mon-fri, sat,sun or daily")
            idx.append(DAY_NAMES.index(name))
        if len(idx) == 1:
            chosen.add(idx[0])
        else:
            i = idx[0]
            while True:  # a range may wrap round the week: fri-mon
                chosen.add(i)
                if i == idx[1]:
                    break
                i = (i + 1) % 7
    return ",".join(DAY_NAMES[i] for i in sorted(chosen))


def _is_day_token(token: str) -> bool:
    try:
        parse_days(token)
    except SubscriptionError:
        return False
    return True


def parse_options(text: str) -> Options:
    """`[HH:MM] [time zone] [days] [short|full]`, in any order; defaults fill what is left out."""
    opts = Options()
    for token in text.split():
        low = token.lower()
        if low in FORMATS:
            opts.format, kind = low, "format"
        elif _TIMELIKE.match(token):
            opts.local_time, kind = parse_time(token), "time"
        elif _is_day_token(token):
            opts.days, kind = parse_days(token), "days"
        elif find_timezone(token):
            opts.timezone, kind = parse_timezone(token), "timezone"
        elif "/" in token or low.startswith(("utc", "gmt")):
            parse_timezone(token)  # raises, naming the zone
            continue
        elif any(ch.isdigit() for ch in token) or "," in token or "-" in token:
            parse_days(token)  # raises, naming the days
            continue
        else:
            raise SubscriptionError(f"“{token}” is not a time (HH:MM), a time zone, days (mon-fri) "
                                    "or a format (short|full)")
        if kind in opts.given:
            raise SubscriptionError(f"{kind} given twice (“{token}”)")
        opts.given.add(kind)
    return opts


def validate(platform: str, channel: str, local_time: str, timezone: str, days: str, fmt: str) -> Options:
    """Check values from the CLI or the config file; returns them normalised."""
    if platform not in PLATFORMS:
        raise SubscriptionError(f"unknown platform “{platform}”: use slack or discord")
    if not channel.strip():
        raise SubscriptionError("a channel id is needed")
    if fmt not in FORMATS:
        raise SubscriptionError(f"unknown format “{fmt}”: use short or full")
    return Options(local_time=parse_time(local_time), timezone=parse_timezone(timezone),
                   days=parse_days(days), format=fmt)


# -- storage ---------------------------------------------------------------------------------------

def _row(r) -> Subscription:  # noqa: ANN001 - a SQLAlchemy row
    created = r.created_at
    if created is not None and created.tzinfo is None:
        created = created.replace(tzinfo=dt.UTC)  # SQLite drops the offset
    return Subscription(id=r.id, platform=r.platform, workspace=r.workspace, channel=r.channel,
                        local_time=r.local_time, timezone=r.timezone, days=r.days, format=r.format,
                        created_by=r.created_by, created_at=created, briefing=r.briefing)


def upsert(store: Store, platform: str, workspace: str, channel: str, opts: Options,
           created_by: str, conn: Connection | None = None) -> tuple[Subscription, bool]:
    """Create the channel's subscription or change it; (subscription, created). Without a briefing
    named in `opts`, a new subscription gets the store's default one and a changed one keeps its own."""
    values = dict(local_time=opts.local_time, timezone=opts.timezone, days=opts.days, format=opts.format)
    if opts.briefing:
        values["briefing"] = check_name(opts.briefing)
    key = ((subscriptions.c.platform == platform) & (subscriptions.c.workspace == workspace)
           & (subscriptions.c.channel == channel))
    for _ in range(2):  # a second replica may insert between our select and insert
        with store.begin() as c:
            if c.execute(select(subscriptions.c.id).where(key)).first():
                c.execute(update(subscriptions).where(key).values(**values))
                return _row(c.execute(select(subscriptions).where(key)).one()), False
            try:
                with c.begin_nested():
                    c.execute(insert(subscriptions).values(
                        platform=platform, workspace=workspace, channel=channel, created_by=created_by,
                        created_at=dt.datetime.now(dt.UTC), **{"briefing": _default(store, c), **values}))
            except IntegrityError:
                continue
            return _row(c.execute(select(subscriptions).where(key)).one()), True
    raise SubscriptionError(f"could not save the subscription for {platform}:{channel}; try again")


def _default(store: Store, conn: Connection) -> str:
    """The store's default briefing; "" (the default at delivery time) in a store that holds none yet."""
    try:
        return store.default_name(conn)
    except StoreError:
        return ""


def remove(store: Store, platform: str, workspace: str, channel: str) -> Subscription | None:
    key = ((subscriptions.c.platform == platform) & (subscriptions.c.workspace == workspace)
           & (subscriptions.c.channel == channel))
    with store.begin() as c:
        row = c.execute(select(subscriptions).where(key)).first()
        if row is None:
            return None
        c.execute(subscriptions.delete().where(subscriptions.c.id == row.id))
    return _row(row)


def remove_id(store: Store, sub_id: int) -> Subscription | None:
    with store.begin() as c:
        row = c.execute(select(subscriptions).where(subscriptions.c.id == sub_id)).first()
        if row is None:
            return None
        c.execute(subscriptions.delete().where(subscriptions.c.id == sub_id))
    return _row(row)


def get(store: Store, sub_id: int) -> Subscription | None:
    with store.begin() as c:
        row = c.execute(select(subscriptions).where(subscriptions.c.id == sub_id)).first()
    return _row(row) if row else None


def find(store: Store, platform: str, workspace: str, channel: str) -> Subscription | None:
    with store.begin() as c:
        row = c.execute(select(subscriptions).where(
            (subscriptions.c.platform == platform) & (subscriptions.c.workspace == workspace)
            & (subscriptions.c.channel == channel))).first()
    return _row(row) if row else None


def all_subscriptions(store: Store, platform: str | None = None, workspace: str | None = None,
                      ) -> list[Subscription]:
    q = select(subscriptions).order_by(subscriptions.c.id)
    if platform is not None:
        q = q.where(subscriptions.c.platform == platform)
    if workspace is not None:
        q = q.where(subscriptions.c.workspace == workspace)
    with store.begin() as c:
        return [_row(r) for r in c.execute(q)]
