"""Contested claims from report text: each side, who says what, quoted from the report."""

from __future__ import annotations

import pytest

from bot.ingest.claims import contested
from bot.ingest.text import sentences


def sides(text: str) -> list[tuple[str, list[tuple[str, str]]]]:
    return [(c.topic, [(s.stance, s.by) for s in c.sides]) for c in contested(sentences(text), text)]


@pytest.mark.parametrize(("text", "topic", "expected"), [
    ("Iranian state media claimed that air defences had shot down Israeli F-35 fighter jets. The Israeli military "
     "denied losing any aircraft and called the reports false.", "losing any aircraft",
     [("asserts", "Iranian state media"), ("denies", "the Israeli military")]),
    ("Israel then accused Iran of firing after the ceasefire began; Iran's armed forces denied firing any missiles "
     "after the deadline.", "firing any missiles after the deadline",
     [("asserts", "Israel"), ("denies", "Iran's armed forces")]),
    ("Rwanda denies backing the rebels with troops. Its foreign ministry said the fighting was a threat to its "
     "security. A group of UN experts reported last year that between 3,000 and 4,000 Rwandan soldiers were "
     "operating in eastern Congo.", "backing the rebels with troops",
     [("asserts", "A group of UN experts"), ("denies", "Rwanda")]),
    ("In a statement, Congo's government said Bukavu was occupied by Rwandan troops. Rwanda has repeatedly denied "
     "that its soldiers are fighting in Congo.", "its soldiers are fighting in Congo",
     [("asserts", "Congo's government"), ("denies", "Rwanda")]),
    ("In Bukavu on 27 February, explosions at an M23 rally killed at least 11 people, according to Corneille "
     "Nangaa, the leader of the rebel alliance, who blamed Tshisekedi's government. Tshisekedi's office blamed "
     "what it called a foreign army present illegally on Congolese soil.",
     "who is to blame for explosions at an M23 rally",
     [("asserts", "Corneille Nangaa"), ("asserts", "Tshisekedi's office")]),
    ("Late on Monday, Trump announced that Israel and Iran had agreed to a complete and total ceasefire. Israel "
     "said on Tuesday that it had accepted the proposal. Iranian Foreign Minister Abbas Araghchi said there was no "
     "agreement on a ceasefire, but that Iran had no intention of continuing.", "agreement on a ceasefire",
     [("asserts", "Trump"), ("denies", "Iranian Foreign Minister Abbas Araghchi")]),
    ("A preliminary assessment, leaked on Tuesday, found the strikes had set the programme back by only a few "
     "months. The White House called it \"flat-out wrong\". The spokesman said the sites had been badly damaged.",
     "the strikes had set the programme back by only a few months",
     [("asserts", "A preliminary assessment"), ("denies", "the White House")]),
])
def test_each_side_of_a_contested_point(text: str, topic: str, expected: list) -> None:
    assert sides(text) == [(topic, expected)]


def test_a_different_account_goes_on_in_the_next_sentence() -> None:
    text = ("Defense Secretary Pete Hegseth said the strikes had devastated Iran's nuclear programme.\n\n"
            "Iran gave a different account. The Atomic Energy Organization of Iran said it would not allow its work "
            "to be stopped.")
    (claim,) = contested(sentences(text), text)
    assert claim.sides[0].by == "Defense Secretary Pete Hegseth"
    assert claim.sides[1].by == "Iran" and "Atomic Energy Organization" in claim.sides[1].text


def test_a_state_of_dispute_is_not_a_side() -> None:
    assert sides("The military said 550 missiles were fired. How badly the site was hit remains disputed.") == []
