"""A second, made-up conflict to put beside the shipped briefing in tests (no real conflict's names)."""

from __future__ import annotations

import datetime as dt

from bot.core.models import Actor, Evidence, Figure, Source
from bot.core.store import Store

TEXT = ("STRELSAU, March 3 (Wire) - Fighting between Ruritania and Freedonia spread along the Zenda valley on "
        "Monday. Ruritanian Prime Minister Rudolf Elphberg said his forces would hold the line. "
        "At least 42 people have been killed in the Zenda valley since February, Freedonia's health ministry said.")


def add_conflict(store: Store, name: str = "ruritania", title: str = "Ruritania–Freedonia war") -> None:
    """Briefing NAME: one report, one actor and one figure, stored through the store's own API."""
    src = Source(id=f"src-{name}-2026-03-03", title="Fighting spreads in the Zenda valley", publisher="Wire",
                 published_at=dt.date(2026, 3, 3), text=TEXT, sha256=f"sha-{name}")
    said = "Ruritanian Prime Minister Rudolf Elphberg said his forces would hold the line."
    toll = "At least 42 people have been killed in the Zenda valley since February"
    with store.begin() as conn:
        store.ensure_briefing(name, title, conn=conn)
        store.add_source(src, conn, name)
        store.add_fact("actor", Actor(
            id="rudolf-elphberg", name="Rudolf Elphberg", aliases=["Elphberg"], kind="person", country="Ruritania",
            role="Prime Minister of Ruritania", statement="Rudolf Elphberg is Ruritania's Prime Minister.",
            evidence=[Evidence(source_id=src.id, quote=said)]), conn, name)
        store.add_figure(Figure(id=f"fg-{name}-killed", metric="killed", value=42, qualifier="at_least",
                                as_of=dt.date(2026, 3, 3), source_id=src.id,
                                evidence=[Evidence(source_id=src.id, quote=toll)]), conn, name)
        store.bump_revision(conn, name)
