"""Wiring: settings -> store (created, migrated, seeded) -> briefing -> answer engine -> Core."""

from __future__ import annotations

import asyncio
import importlib
import logging
import time

from bot.config import Settings
from bot.core.answer import Answerer
from bot.core.briefing_file import load_shipped_briefing, shipped_digest, shipped_name
from bot.core.commands import Core, Loaded, UnknownBriefing
from bot.core.engine import OfflineEngine
from bot.core.follows import asker_follows, asker_set
from bot.core.models import Briefing
from bot.core.reply import Asker
from bot.core.store import Store, StoreError
from bot.core.which_briefing import clear_choice, scores, stored_names

log = logging.getLogger("briefbot.app")
RELOAD_CHECK_SECONDS = 1.0
MAX_REMEMBERED_CHANNELS = 100_000


# Feature modules that add their own tables to the store's metadata; imported before the schema is
# created so that every table exists from the first start, whichever feature runs first.
TABLE_MODULES = ("bot.schedule.subscriptions", "bot.schedule.ledger", "bot.ingest.tables", "bot.handled",
                 "bot.ingest.watch", "bot.ingest.alerts", "bot.ingest.review_cards", "bot.core.conversation_store",
                 "bot.core.follows")


def open_store(settings: Settings) -> Store:
    """Open the configured database, create or extend its schema, and seed the first briefing once."""
    for module in TABLE_MODULES:
        importlib.import_module(module)
    store = Store(settings.store_url())
    store.migrate(legacy=shipped_name())
    digest = shipped_digest()
    if store.shipped_digest() != digest:
        with store.exclusive():  # replicas starting together: one seeds, the others then see it done
            if store.shipped_digest() != digest:
                store.seed(load_shipped_briefing(), digest)
    return store


def build_core(settings: Settings, store: Store | None = None) -> Core:
    """The Core every adapter shares. The model-backed answerer wraps the offline one when configured.

    The default briefing is read at once; the others when first asked for. Each reloads when its
    revision in the store moves (another replica or the command line ingested or approved)."""
    store = store or open_store(settings)
    default = settings.briefing_default or store.default_name()
    first_model: list[object] = []

    def make_answerer(briefing: Briefing) -> Answerer:
        engine = OfflineEngine(briefing)
        if not settings.openai_enabled:
            return engine
        from bot.llm.answerer import LLMAnswerer  # the openai SDK is imported only on this path

        if not first_model:
            first_model.append(LLMAnswerer(settings, engine))
            return first_model[0]  # type: ignore[return-value]
        shared = first_model[0]
        answerer = LLMAnswerer(settings, engine, client=shared.client, prompt=shared.prompt)  # type: ignore[attr-defined]
        answerer.limiter = shared.limiter  # type: ignore[attr-defined]  # one question budget per person
        return answerer

    def load(name: str) -> Loaded:
        revision = store.revision(name)
        try:
            briefing = store.load_briefing(name)
        except StoreError as exc:
            if not store.has_briefing(name):
                raise UnknownBriefing(name) from None
            raise exc
        return Loaded(briefing, make_answerer(briefing), revision)

    first = load(default)
    core = Core(store, first.briefing, first.answerer, default=default)
    core.loaded[default].revision = first.revision
    core.load = load
    # Follow-ups find their thread's turns in the store, whichever replica answered before.
    from bot.core.asking import Dialogue
    from bot.core.conversation_store import StoredConversations

    core.dialogue = Dialogue(StoredConversations(store))
    from bot.ingest.commands import register as register_review  # /review and the chart on /casualties

    register_review(core, store, settings)
    names: dict[str, object] = {"revision": None, "titles": {}, "mentions": []}

    def refresh_names() -> None:
        revision = store.revision()
        if names["revision"] != revision:
            names["titles"] = {i.name: i.title for i in store.briefings()}
            names["mentions"] = stored_names(store) if len(names["titles"]) > 1 else []  # type: ignore[arg-type]
            names["revision"] = revision

    def catalogue() -> dict[str, str]:
        if names["revision"] is None:
            refresh_names()
        return names["titles"]  # type: ignore[return-value]

    def route(question: str, current: str) -> str | None:
        catalogue()
        every = names["mentions"]
        if not every:
            return None
        found = scores(question, every)  # type: ignore[arg-type]
        if found.get(current, 0) > 0:
            return None  # it names the channel's own conflict: stay
        return clear_choice({k: v for k, v in found.items() if k != current}, at_least=1)

    core.catalogue = catalogue
    core.route = route
    # Which briefing each channel follows, remembered until the store's revision moves (a /follow
    # anywhere touches it), so a command costs no database read for it.
    following: dict[tuple[str, str, str], str | None] = {}

    def followed(asker: Asker) -> str | None:
        key = (asker.platform, asker.workspace_id, asker.channel_id)
        if key not in following:
            if len(following) > MAX_REMEMBERED_CHANNELS:
                following.clear()
            following[key] = asker_follows(store, asker)
        return following[key]

    def set_follow(asker: Asker, name: str) -> None:
        asker_set(store, asker, name)
        following.pop((asker.platform, asker.workspace_id, asker.channel_id), None)

    core.followed = followed
    core.set_follow = set_follow
    revision = store.revision()
    checked = time.monotonic()

    async def reload() -> None:
        nonlocal revision, checked
        # One look at the store's revision a second is plenty for briefings that change by ingest.
        if time.monotonic() - checked < RELOAD_CHECK_SECONDS and not store.changed_here:
            return
        checked = time.monotonic()
        store.changed_here = False
        current = store.revision()
        if current == revision:
            return
        revision = current
        following.clear()
        await asyncio.to_thread(refresh_names)
        latest = await asyncio.to_thread(store.revisions)
        for name, loaded in list(core.loaded.items()):
            if latest.get(name, loaded.revision) == loaded.revision:
                continue
            # Off the event loop: a large briefing takes a moment to index, and chat must keep flowing.
            fresh = await asyncio.to_thread(load, name)
            if hasattr(loaded.answerer, "use_engine"):
                loaded.answerer.use_engine(OfflineEngine(fresh.briefing))  # keeps the model client and limits
                fresh.answerer = loaded.answerer
            core.loaded[name] = fresh
            log.info("briefing reloaded", extra={"briefing": name, "revision": fresh.revision})

    core.reload_briefing = reload
    return core
