"""The /review chat command for reviewers, and the chart on /casualties: `register(core, store, settings)`."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.core.commands import Core
from bot.core.reply import Asker, Reply, Section, refusal
from bot.core.store import Store
from bot.ingest.chart import attach_chart

if TYPE_CHECKING:
    from bot.ingest import review

USAGE = "/review — list candidates; /review approve ID… (or all); /review reject ID…"
MAX_LISTED = 20


def register(core: Core, store: Store, settings: Settings) -> None:
    async def handler(text: str, asker: Asker) -> Reply:
        return await review_command(store, text, asker)

    core.register("review", handler, "[approve|reject ID…] — candidate facts from new reports, for reviewers")
    core.enrichers.setdefault("casualties", []).append(attach_chart(chart_dir(settings)))


def chart_dir(settings: Settings) -> Path:
    return Path(settings.store_path).parent / "charts"


def note(title: str, text: str, found: bool = True) -> Reply:
    return Reply(title=title, sections=[Section(text=text)], ephemeral=True, found=found, command="review")


async def review_command(store: Store, text: str, asker: Asker) -> Reply:
    if not asker.can_manage:
        return refusal(asker, "Only people who manage the bot here can review candidate facts.", "review")
    from bot.ingest import review  # the extraction code loads only when someone reviews

    words = text.split()
    if not words:
        rows = await asyncio.to_thread(review.listing, store)
        return listing_reply(rows)
    action, rest = words[0].lower(), words[1:]
    if action not in ("approve", "reject"):
        return note("Review", f"Unknown action “{action[:20]}”. {USAGE}", found=False)
    if action == "approve" and [w.lower() for w in rest] in (["all"], ["--all"]):
        ids = None
    else:
        if not rest or not all(w.isdigit() for w in rest):
            return note("Review", f"Give candidate numbers. {USAGE}", found=False)
        ids = [int(w) for w in rest]
    if action == "approve":
        outcome = await asyncio.to_thread(review.approve, store, ids)
    else:
        outcome = await asyncio.to_thread(review.reject, store, ids or [])
    return note("Review", outcome_text(action, outcome))


def listing_reply(rows: list[review.QueuedCandidate]) -> Reply:
    if not rows:
        return note("Review", "No candidates waiting.")
    items = [line(q) for q in rows[:MAX_LISTED]]
    more = f" ({len(rows) - MAX_LISTED} more: use `briefbot review`)" if len(rows) > MAX_LISTED else ""
    return Reply(title=f"Candidates waiting for review: {len(rows)}{more}", ephemeral=True, command="review",
                 sections=[Section(items=items), Section(text=USAGE)])


def line(q: review.QueuedCandidate) -> str:
    flag = f" {q.status.upper()}: {q.reason}." if q.status in ("conflict", "flagged") else ""
    return f"{q.id} [{q.kind}] {q.summary} — “{q.quote[:200]}”{flag}"


def outcome_text(action: str, outcome: review.Outcome) -> str:
    verb = "Approved" if action == "approve" else "Rejected"
    if outcome.unknown:
        return (f"No candidate {', '.join(map(str, outcome.unknown))}: nothing {verb.lower()}. "
                "/review lists the candidates waiting.")
    parts = [f"{verb}: {', '.join(map(str, outcome.applied))}." if outcome.applied else f"{verb}: none."]
    for cid, reason in outcome.conflicts:
        parts.append(f"{cid} not applied, conflict: {reason}.")
    for cid, reason in outcome.skipped:
        parts.append(f"{cid} skipped: {reason}.")
    return " ".join(parts)
