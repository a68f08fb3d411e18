"""An answer quoting 'he said ...' also quotes the report's sentence before it, which names him."""

from __future__ import annotations

from pathlib import Path

from bot.core.answer import Answer
from bot.core.briefing_file import load_shipped_briefing
from bot.core.engine import SPEAKER_PRONOUN, OfflineEngine
from bot.core.reply import Citation
from tests.core.test_packs import LOCAL, pack_engine


def test_a_pronoun_speaker_is_named_by_the_sentence_before(tmp_path: Path) -> None:
    # Every fresh pack's wire reports hold a 'he said' sentence somewhere; the first pack is enough.
    engine = pack_engine(tmp_path, sorted(p for p in LOCAL.iterdir() if p.is_dir())[0])
    cases = [s for s in engine.index.sentences if SPEAKER_PRONOUN.match(s.text) and engine.index.before(s.text)]
    assert cases, "the shipped sources hold no 'he said' sentence"
    s = cases[0]
    prev = engine.index.before(s.text)
    assert prev is not None
    ans = Answer(question="who said it?", answer=f"According to the report: {s.text}", found=True,
                 citations=[Citation(n=1, source_id=s.source.id, title=s.source.title, published="", quote=s.text)])
    out = engine.name_speaker(ans)
    assert f"{prev.text} {s.text}" in out.answer
    assert [c.quote for c in out.citations][-1] == prev.text and out.citations[-1].n == 2


def test_a_sentence_naming_its_speaker_is_left_alone() -> None:
    engine = OfflineEngine(load_shipped_briefing())
    s = next(s for s in engine.index.sentences if not SPEAKER_PRONOUN.match(s.text))
    ans = Answer(question="q", answer=s.text, found=True,
                 citations=[Citation(n=1, source_id=s.source.id, title=s.source.title, published="", quote=s.text)])
    assert engine.name_speaker(ans).answer == s.text
