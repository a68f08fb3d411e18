"""Wiring: settings -> store (created, migrated, seeded) -> briefing -> answer engine -> Core."""

from __future__ import annotations

import asyncio
import importlib
import logging
import time

from bot.config import Settings
from bot.core.answer import Answerer
from bot.core.briefing_file import load_shipped_briefing, shipped_digest
from bot.core.commands import Core
from bot.core.engine import OfflineEngine
from bot.core.models import Briefing
from bot.core.store import Store

log = logging.getLogger("briefbot.app")
RELOAD_CHECK_SECONDS = 1.0


# Feature modules that add their own tables to the store's metadata; imported before the schema is
# created so that every table exists from the first start, whichever feature runs first.
TABLE_MODULES = ("bot.schedule.subscriptions", "bot.schedule.ledger", "bot.ingest.tables", "bot.handled",
                 "bot.ingest.watch", "bot.ingest.alerts", "bot.ingest.review_cards", "bot.core.conversation_store")


def open_store(settings: Settings) -> Store:
    """Open the configured database, create or extend its schema, and seed the first briefing once."""
    for module in TABLE_MODULES:
        importlib.import_module(module)
    store = Store(settings.store_url())
    store.migrate()
    digest = shipped_digest()
    if store.shipped_digest() != digest:
        with store.exclusive():  # replicas starting together: one seeds, the others then see it done
            if store.shipped_digest() != digest:
                store.seed(load_shipped_briefing(), digest)
    return store


def build_core(settings: Settings, store: Store | None = None) -> Core:
    """The Core every adapter shares. The model-backed answerer wraps the offline one when configured."""
    store = store or open_store(settings)
    briefing = store.load_briefing()
    engine = OfflineEngine(briefing)
    answerer: Answerer = engine
    if settings.openai_enabled:
        from bot.llm.answerer import LLMAnswerer  # the openai SDK is imported only on this path

        answerer = LLMAnswerer(settings, engine)
    core = Core(store, briefing, answerer)
    # Follow-ups find their thread's turns in the store, whichever replica answered before.
    from bot.core.asking import Dialogue
    from bot.core.conversation_store import StoredConversations

    core.dialogue = Dialogue(StoredConversations(store))
    from bot.ingest.commands import register as register_review  # /review and the chart on /casualties

    register_review(core, store, settings)
    revision = store.revision()

    def fresh_engine() -> tuple[Briefing, OfflineEngine]:
        briefing = store.load_briefing()
        return briefing, OfflineEngine(briefing)

    checked = time.monotonic()

    async def reload() -> None:
        nonlocal revision, checked
        # One look at the store's revision a second is plenty for a briefing that changes by ingest.
        if time.monotonic() - checked < RELOAD_CHECK_SECONDS and not store.changed_here:
            return
        checked = time.monotonic()
        store.changed_here = False
        current = store.revision()
        if current != revision:
            revision = current
            # Off the event loop: a large briefing takes a moment to index, and chat must keep flowing.
            core.briefing, fresh = await asyncio.to_thread(fresh_engine)
            if hasattr(core.answerer, "use_engine"):
                core.answerer.use_engine(fresh)
            else:
                core.answerer = fresh
            log.info("briefing reloaded", extra={"revision": current})

    core.reload_briefing = reload
    return core
