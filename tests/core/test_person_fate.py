"""'Is X still alive?' is answered from the sentence reporting X's death, not from any sentence naming X."""

from __future__ import annotations

from pathlib import Path

from tests.core.test_packs import LOCAL, pack_engine


def test_a_reported_death_answers_whether_a_person_is_alive(tmp_path: Path) -> None:
    engine = pack_engine(tmp_path, LOCAL / "israel-hezbollah-2024")
    ans = engine.answer_now("Is Hassan Nasrallah still alive?")
    assert ans.found and ans.answer.startswith("No — ") and "had been killed" in ans.answer, ans.answer
    assert engine.answer_now("Was Nasrallah killed?").answer.startswith("Yes — ")
    # A person whose death no report gives is not declared dead.
    ans = engine.answer_now("Is Netanyahu still alive?")
    assert not ans.answer.startswith(("No —", "Yes —")), ans.answer
