"""A name typed by ear is read as the briefing's own word before the engine decides it is not covered."""

from __future__ import annotations

from bot.core.briefing_file import load_shipped_briefing
from bot.core.engine import OfflineEngine
from bot.core.text import typo_distance


def test_typo_distance_counts_a_swap_as_one_edit_and_stops_past_its_limit() -> None:
    assert typo_distance("isreali", "israeli", 1) == 1
    assert typo_distance("fashir", "fasher", 1) == 1
    assert typo_distance("atack", "attack", 1) == 1
    assert typo_distance("kitten", "sitting", 2) == 3  # past the limit: limit + 1
    assert typo_distance("same", "same", 1) == 0


def test_a_misspelt_source_name_is_corrected_not_refused() -> None:
    engine = OfflineEngine(load_shipped_briefing())
    # A capitalised word of the sources, two of its inner letters swapped: what a reader types by ear.
    names = sorted({w.strip(".,;:\"'()") for s in engine.briefing.sources for w in s.text.split()
                    if w[:1].isupper() and 6 <= len(w.strip(".,;:\"'()")) <= 7 and w.strip(".,;:\"'()").isalpha()})
    tried = 0
    for name in names:
        typo = name[:3] + name[4] + name[3] + name[5:]
        if typo.lower() in engine.raw_words or engine.index.knows(typo) or typo == name:
            continue
        fixed = engine.correct(f"what happened to {typo.lower()}")
        if name.lower() in fixed:
            tried += 1
    assert tried >= 3, names
    assert engine.correct("what happened to zqxwvy") == "what happened to zqxwvy"

