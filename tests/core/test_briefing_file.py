"""The shipped briefing: every quote really is in its source, and every fact of the article is there."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.core.briefing_file import BriefingFileError, load_briefing_file, load_shipped_briefing, shipped_dir
from bot.core.evidence import normalise

ARTICLE = shipped_dir() / "sources" / "2025-12-12-hun-manet-asks-trump-anwar.txt"


@pytest.fixture(scope="module")
def briefing():  # noqa: ANN201
    return load_shipped_briefing()


def all_text(b) -> str:  # noqa: ANN001
    parts = []
    for fact in [*b.facts(), *b.figures]:
        parts.append(getattr(fact, "statement", ""))
        parts += [e.quote for e in fact.evidence]
    return normalise(" ".join(parts)).lower()


def test_every_quote_is_verbatim_in_its_source(briefing) -> None:  # noqa: ANN001
    texts = {s.id: normalise(s.text) for s in briefing.sources}
    count = 0
    for fact in [*briefing.facts(), *briefing.figures]:
        for ev in fact.evidence:
            assert normalise(ev.quote) in texts[ev.source_id], (fact.id, ev.quote)
            assert ev.char_start is not None and ev.char_end > ev.char_start
            count += 1
    assert count > 40


def test_the_shipped_article_is_the_shared_one(briefing) -> None:  # noqa: ANN001
    shared = Path(__file__).resolve().parents[3] / "shared" / "sources" / ARTICLE.name
    if shared.exists():
        assert shared.read_text(encoding="utf-8") == ARTICLE.read_text(encoding="utf-8")
    assert briefing.sources[0].text == ARTICLE.read_text(encoding="utf-8")


REQUIRED = {
    "four leaders": [r"hun manet", r"trump", r"anwar ibrahim", r"anutin charnvirakul"],
    "friday evening calls and purpose": [r"friday evening", r"de-escalate", r"revive the kuala lumpur peace accord"],
    "trump ceasefire claim, not confirmed": [r"agreed to a ceasefire", r"did not confirm a ceasefire"],
    "anutin not echoing, demands": [r"did not echo the ceasefire narrative", r"cease firing",
                                    r"withdraw its forces from disputed positions", r"remove explosives",
                                    r"remains unverified"],
    "satellite verification request": [r"satellite imagery", r"verify who opened fire first",
                                       r"ready to cooperate fully"],
    "4 a.m. facebook post": [r"facebook post at 4 a\.m\. on december 12"],
    "december 7 bomb and clashes": [r"roadside bomb", r"december 7 clashes", r"accident",
                                    r"strong retaliation"],
    "mutual blame": [r"blamed each other"],
    "day six": [r"sixth day"],
    "koh kong saturday attack": [r"koh kong", r"saturday morning", r"reportedly"],
    "figures": [r"at least 11 people have died", r"nearly 60 have been injured",
                r"more than 303,000 individuals from six provinces", r"shelters"],
    "kuala lumpur peace accord": [r"july and october 2025", r"brokered", r"united states and malaysia",
                                  r"future of the accord is uncertain"],
    "asean foreign ministers' meeting": [r"special asean foreign ministers' meeting"],
    "diplomacy": [r"willingness to pursue diplomatic means"],
}


@pytest.mark.parametrize("topic", sorted(REQUIRED))
def test_every_fact_of_the_article_is_present(briefing, topic: str) -> None:  # noqa: ANN001
    text = all_text(briefing)
    for pattern in REQUIRED[topic]:
        assert re.search(pattern, text), f"{topic}: {pattern!r} missing"


def test_structured_facts_carry_the_model(briefing) -> None:  # noqa: ANN001
    roles = {a.id: a.role for a in briefing.actors}
    assert roles["hun-manet"] == "Prime Minister of Cambodia"
    assert roles["anutin"] == "Prime Minister of Thailand"
    assert {c.status for c in briefing.claims if c.topic == "Ceasefire"} == {"disputed"}
    accord = next(a for a in briefing.agreements if a.name == "Kuala Lumpur Peace Accord")
    assert [d.label() for d in accord.signed] == ["July 2025", "October 2025"]
    assert accord.brokers == ["anwar"] and accord.status == "uncertain"
    figs = {f.metric: (f.value, f.qualifier, f.as_of.isoformat()) for f in briefing.figures}
    assert figs == {"killed": (11, "at_least", "2025-12-12"), "injured": (60, "nearly", "2025-12-12"),
                    "displaced": (303000, "more_than", "2025-12-12")}
    koh_kong = next(e for e in briefing.events if e.id == "ev-koh-kong")
    assert koh_kong.when.date is None and koh_kong.when.precision == "as_reported"
    assert koh_kong.modality == "reported"


def write(tmp_path: Path, data: dict) -> Path:
    (tmp_path / "sources").mkdir(exist_ok=True)
    (tmp_path / "sources" / "a.txt").write_text("Alpha said the bridge was closed on Monday.", encoding="utf-8")
    path = tmp_path / "b.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


BASE = {"title": "T", "conflict": "C", "as_of": "2025-12-12",
        "sources": [{"id": "s1", "title": "S", "published_at": "2025-12-12", "file": "a.txt"}]}


def test_a_wrong_field_is_named_with_its_fact(tmp_path: Path) -> None:
    data = dict(BASE, actors=[{"id": "alpha", "name": "Alpha", "kind": "wizard", "statement": "Alpha is.",
                               "evidence": ["Alpha said"]}])
    with pytest.raises(BriefingFileError) as err:
        load_briefing_file(write(tmp_path, data))
    msg = str(err.value)
    assert "actors[0] (id 'alpha')" in msg and "field kind" in msg and "b.yaml" in msg


def test_a_quote_not_in_the_source_is_refused(tmp_path: Path) -> None:
    data = dict(BASE, notes=[{"id": "n1", "statement": "The bridge reopened.", "evidence": ["bridge reopened"]}])
    with pytest.raises(BriefingFileError, match=r"notes \(id 'n1'\), field evidence.quote: not found"):
        load_briefing_file(write(tmp_path, data))


def test_quotes_match_across_white_space_and_quote_marks(tmp_path: Path) -> None:
    data = dict(BASE, notes=[{"id": "n1", "statement": "Closed.", "evidence": ["the  bridge\nwas closed"]}])
    b = load_briefing_file(write(tmp_path, data))
    assert b.notes[0].evidence[0].char_start == 11


def test_broken_yaml_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("title: [unclosed\n", encoding="utf-8")
    with pytest.raises(BriefingFileError, match=r"bad.yaml: not valid YAML at line"):
        load_briefing_file(path)
