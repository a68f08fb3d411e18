"""Subscriptions declared in a file (config/subscriptions.toml), applied at start.

The file is the truth for what it declares: each entry is created or updated, and a subscription the
file made earlier but no longer lists is removed. Nothing is removed when any entry has an error, so a
typo never wipes a team's briefing. Subscriptions made from chat or the CLI are left alone.
"""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.core.store import BRIEFING_NAME, Store
from bot.schedule import subscriptions as subs
from bot.schedule.subscriptions import DEFAULT_TIME, DEFAULT_TZ, Options, SubscriptionError

log = logging.getLogger("briefbot.schedule")

CREATED_BY = "config"
KEYS = {"platform", "workspace", "channel", "time", "timezone", "days", "format", "briefing"}


@dataclass
class Entry:
    platform: str
    workspace: str
    channel: str
    options: Options


def read_file(path: Path) -> tuple[list[Entry], list[str]]:
    """The valid entries and one error per bad entry, each naming the entry and the value."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        return [], [f"{path}: not valid TOML ({exc})"]
    items = raw.get("subscription", [])
    if not isinstance(items, list):
        return [], [f"{path}: use [[subscription]] tables, one per channel"]
    entries: list[Entry] = []
    errors: list[str] = []
    for n, item in enumerate(items, start=1):
        try:
            entries.append(parse_entry(item))
        except SubscriptionError as exc:
            errors.append(f"{path}, subscription {n}: {exc}")
    return entries, errors


def parse_entry(item: Any) -> Entry:
    if not isinstance(item, dict):
        raise SubscriptionError("not a table")
    unknown = sorted(set(item) - KEYS)
    if unknown:
        raise SubscriptionError(f"unknown key “{unknown[0]}” (known: {', '.join(sorted(KEYS))})")
    platform = str(item.get("platform", "")).lower()
    channel = str(item.get("channel", ""))
    opts = subs.validate(platform, channel, str(item.get("time", DEFAULT_TIME)),
                         str(item.get("timezone", DEFAULT_TZ)), str(item.get("days", "daily")),
                         str(item.get("format", "short")).lower())
    if item.get("briefing"):
        opts.briefing = str(item["briefing"]).lower()
        if not BRIEFING_NAME.match(opts.briefing):
            raise SubscriptionError(f"briefing “{opts.briefing}”: use the name `briefbot briefings` lists")
    return Entry(platform=platform, workspace=str(item.get("workspace", "")), channel=channel, options=opts)


def apply_entries(store: Store, entries: list[Entry], errors: list[str]) -> dict[str, int]:
    """Make the table match the file; returns counts (added, changed, removed, errors)."""
    counts = {"added": 0, "changed": 0, "removed": 0, "errors": len(errors)}
    declared = set()
    for e in entries:
        _sub, created = subs.upsert(store, e.platform, e.workspace, e.channel, e.options, CREATED_BY)
        counts["added" if created else "changed"] += 1
        declared.add((e.platform, e.workspace, e.channel))
    if errors:
        for error in errors:
            log.error("subscriptions file entry ignored", extra={"error": error})
        return counts
    for sub in subs.all_subscriptions(store):
        if sub.created_by == CREATED_BY and (sub.platform, sub.workspace, sub.channel) not in declared:
            subs.remove_id(store, sub.id)
            counts["removed"] += 1
            log.info("subscription removed: no longer in the subscriptions file", extra={"subscription": sub.id})
    return counts
