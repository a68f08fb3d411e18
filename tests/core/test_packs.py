"""Conflict packs, each ingested into an empty briefing by the real ingest path, every candidate approved,
then scored by ../shared/tools/qa_eval.py's own rules (its refusal pattern, its quote normalisation).

The corpus packs come from ../shared/corpus; tests/data/packs holds packs about other conflicts that were
written without reading the code (their first-contact scores are in their README). A report whose dateline
the ingest cannot read yet takes its date from the pack's published.yaml, as `--published` would.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import re
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from bot.core.engine import OfflineEngine
from tests.conftest import SHARED

HERE = Path(__file__).resolve().parent
LOCAL = HERE.parent / "data" / "packs"
# Floors at or a little below what the engine reaches (the corpus packs at the 0.9 the issue asks for).
FLOORS = {"israel-iran-2025": 0.9, "drc-m23-2025": 0.9, "india-pakistan-2025": 0.8, "karabakh-2023": 0.9,
          "israel-hezbollah-2024": 0.9, "sudan-elfasher-2025": 0.83,
          # Held out: never tuned on, gated where they stood when they were added (see tests/data/packs/README.md).
          "red-sea-houthis-2023": 0.46, "ukraine-kursk-2024": 0.6}


def need_shared() -> None:
    if not (SHARED / "tools" / "qa_eval.py").exists():
        if os.environ.get("CI"):
            pytest.fail(f"{SHARED} is missing: CI must have ../shared beside the checkout")
        pytest.skip("../shared is not beside this checkout")


def scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("qa_eval", SHARED / "tools" / "qa_eval.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pack_folder(name: str) -> Path:
    local = LOCAL / name
    return local if local.is_dir() else SHARED / "corpus" / name


def pack_engine(tmp: Path, folder: Path) -> OfflineEngine:
    """The pack's reports alone in a fresh store (the shipped briefing kept out), all candidates approved."""
    from bot.app import TABLE_MODULES
    from bot.core.briefing_file import shipped_digest
    from bot.core.models import Briefing
    from bot.core.store import Store
    from bot.ingest import IngestError, review
    from bot.ingest.cli import batch_context
    from bot.ingest.pipeline import ingest

    for module in TABLE_MODULES:
        importlib.import_module(module)
    store = Store(f"sqlite:///{tmp / (folder.name + '.sqlite3')}")
    store.migrate()
    empty = Briefing.model_construct(title=folder.name, conflict=folder.name, as_of=dt.date(2000, 1, 1), sources=[],
                                     actors=[], events=[], claims=[], requests=[], agreements=[], upcoming=[],
                                     figures=[], notes=[])
    store.seed(empty, shipped_digest())
    review.ensure_table(store)
    published = {}
    if (folder / "published.yaml").exists():
        published = yaml.safe_load((folder / "published.yaml").read_text(encoding="utf-8"))
    paths = sorted(folder.glob("*.txt"))
    # As `briefbot ingest FILES...` does: the batch dates a report whose dateline gives no year.
    windows = batch_context([str(p) for p in paths])
    for path in paths:
        try:
            ingest(store, str(path), context=windows[str(path)])  # type: ignore[arg-type]
        except IngestError:
            if path.name not in published:
                raise
            ingest(store, str(path), published=str(published[path.name]))
    review.approve(store, None)
    return OfflineEngine(store.load_briefing())


def score(engine: OfflineEngine, folder: Path) -> tuple[float, list[str]]:
    qa = scorer()
    sources = [qa.norm(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.txt"))]
    items = yaml.safe_load((folder / "questions.yaml").read_text(encoding="utf-8"))
    failed = []
    for item in items:
        ans = engine.answer_now(item["q"]).to_json()
        text = ans["answer"]
        if item["kind"] == "refuse":
            ok = ans["found"] is False or bool(qa.REFUSAL.search(text))
        else:
            cites = ans["citations"]
            ok = ans["found"] is True and all(any(re.search(p, text, re.I) for p in g) for g in item.get("expect", [])) \
                and not any(re.search(p, text, re.I) for p in item.get("forbid", [])) \
                and any(qa.norm(c["quote"]) in s for c in cites for s in sources)
        if not ok:
            failed.append(f"{item['id']}: {item['q']} -> {text[:120]}")
    return 1 - len(failed) / len(items), failed


@pytest.mark.parametrize("name", list(FLOORS))
def test_a_pack_ingested_alone_scores_above_its_floor(tmp_path: Path, name: str) -> None:
    need_shared()
    folder = pack_folder(name)
    if not folder.is_dir():
        pytest.fail(f"{folder} is missing")
    got, failed = score(pack_engine(tmp_path, folder), folder)
    print(f"{name}: {got:.3f}")
    assert got >= FLOORS[name], failed
