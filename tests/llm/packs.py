"""Stores holding one corpus pack: its five reports ingested and every candidate approved, nothing else."""

from __future__ import annotations

import datetime as dt
import importlib
import re
from pathlib import Path

import yaml

from bot.app import TABLE_MODULES
from bot.core.briefing_file import shipped_digest
from bot.core.models import Briefing
from bot.core.store import Store
from tests.conftest import SHARED

PACKS = SHARED / "corpus"
MORE_PACKS = Path(__file__).resolve().parents[1] / "data" / "packs"  # written without reading the code


def pack_store(url: str, pack: str) -> Store:
    """A store with only `pack`'s reports (the shipped briefing is marked as seeded so it stays out)."""
    from bot.ingest import IngestError, review
    from bot.ingest.pipeline import ingest

    for module in TABLE_MODULES:
        importlib.import_module(module)
    store = Store(url)
    store.migrate()
    folder = PACKS / pack if (PACKS / pack).is_dir() else MORE_PACKS / pack
    reports = sorted(folder.glob("*.txt"))
    dates_file = folder / "published.yaml"
    published = yaml.safe_load(dates_file.read_text(encoding="utf-8")) if dates_file.is_file() else {}
    empty = Briefing.model_construct(title=pack, conflict=pack, as_of=dt.date(2025, 1, 1),
                                     sources=[], actors=[], events=[], claims=[], requests=[], agreements=[],
                                     upcoming=[], figures=[], notes=[])
    store.seed(empty, shipped_digest())
    review.ensure_table(store)
    for path in reports:
        if path.name in published:
            ingest(store, str(path), published=str(published[path.name]))
            continue
        try:
            ingest(store, str(path))
        except IngestError:
            # A dateline today's ingest cannot read yet: the date from the report's first lines.
            ingest(store, str(path), published=first_date(path.read_text(encoding="utf-8")))
    review.approve(store, None)
    return store


def first_date(text: str) -> str:
    head = "\n".join(text.splitlines()[:8])
    m = re.search(r"\b(\d{1,2})\.(\d{2})\.(\d{4})\b", head)
    if m:
        return f"{m[3]}-{m[2]}-{int(m[1]):02d}"
    for rx, order in ((r"\b(\d{1,2}) ([A-Z][a-z]+) (\d{4})\b", (1, 0, 2)),
                      (r"\b([A-Z][a-z]+)\.? (\d{1,2}),? (\d{4})\b", (0, 1, 2))):
        m = re.search(rx, head)
        if m:
            parts = m.groups()
            month, day, year = parts[order[0]], parts[order[1]], parts[order[2]]
            for fmt in ("%B %d %Y", "%b %d %Y"):
                try:
                    return dt.datetime.strptime(f"{month} {day} {year}", fmt).date().isoformat()
                except ValueError:
                    continue
    raise ValueError("no date in the report's first lines")
