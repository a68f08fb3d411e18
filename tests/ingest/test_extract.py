"""Offline extraction on differently worded reports: figures, people, dates."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.ingest.dateline import find_dateline
from bot.ingest.figures import figures_in
from bot.ingest.people import people_in
from bot.ingest.text import sentences

DAY = dt.date(2025, 12, 23)  # a Tuesday


def figures(body: str) -> set[tuple]:
    text = f"Headline\n\nBANGKOK, Thailand (December 23, 2025) – {body}\n"
    line = find_dateline(text)
    return {(f.metric, f.value, f.qualifier, f.scope) for f in figures_in(sentences(text), line.date, line.start)}


@pytest.mark.parametrize(("body", "expected"), [
    ("The death toll rose to 21.", {("killed", 21, "exact", "")}),
    ("The death toll from more than two weeks of fighting along the border has climbed to at least 32.",
     {("killed", 32, "at_least", "")}),
    ("Some 500,000 people have been evacuated.", {("displaced", 500_000, "about", "")}),
    ("An estimated 600,000 people have fled their homes.", {("displaced", 600_000, "about", "")}),
    ("Shelling killed at least 32 people and wounded more than 100.",
     {("killed", 32, "at_least", ""), ("injured", 100, "more_than", "")}),
    ("The fighting has left at least 40 dead and nearly 150 injured.",
     {("killed", 40, "at_least", ""), ("injured", 150, "nearly", "")}),
    ("Twenty-three people have been killed and 120 injured.",
     {("killed", 23, "exact", ""), ("injured", 120, "exact", "")}),
    ("Over 1.2 million people have been displaced.", {("displaced", 1_200_000, "more_than", "")}),
    ("More than half a million people have fled.", {("displaced", 500_000, "more_than", "")}),
    ("At least 21 deaths have been recorded.", {("killed", 21, "at_least", "")}),
    ("The number of displaced people has risen to more than 800,000.", {("displaced", 800_000, "more_than", "")}),
    ("Up to 30 people may have died.", {("killed", 30, "up_to", "")}),
    ("Around 45 people were killed.", {("killed", 45, "about", "")}),
    ("Between 15 and 18 people died.", {("killed", 15, "range", "")}),
    ("The fighting has now killed 25 people, including 14 Thai soldiers and 9 Cambodian civilians.",
     {("killed", 25, "exact", ""), ("killed", 14, "exact", "Thai soldiers"),
      ("killed", 9, "exact", "Cambodian civilians")}),
    ("18 Cambodian civilians have been killed.", {("killed", 18, "exact", "Cambodian civilians")}),
    ("Cambodia's Defence Ministry said eight of its soldiers were killed.", {("killed", 8, "exact", "Cambodian soldiers")}),
    ("Thai officials said 12 soldiers had died.", {("killed", 12, "exact", "Thai soldiers")}),
    ("More than 20,000 people had been displaced across three border provinces.",
     {("displaced", 20_000, "more_than", "")}),
    ("At least 30 people have been killed. More than 20,000 people had been displaced in Oddar Meanchey province, "
     "and 400,000 have fled overall.",
     {("killed", 30, "at_least", ""), ("displaced", 20_000, "more_than", "Oddar Meanchey province"),
      ("displaced", 400_000, "exact", "")}),
    ("A further 5 soldiers died on Monday, raising the military death toll to 19.",
     {("killed", 19, "exact", "soldiers")}),
    ("The Thai military death toll rose to 19.", {("killed", 19, "exact", "Thai soldiers")}),
    ("Cambodia's death toll rose to 15.", {("killed", 15, "exact", "Cambodia")}),
    ("The toll among Cambodian civilians rose to 30.", {("killed", 30, "exact", "Cambodian civilians")}),
    ("Cambodia says 20 civilians killed.", {("killed", 20, "exact", "Cambodian civilians")}),
    ("Rockets killed 12 and injured 40.", {("killed", 12, "exact", ""), ("injured", 40, "exact", "")}),
    ("In July, a five-day round of fighting killed 43 people and displaced about 300,000.", set()),
    ("The clashes on December 7, 2025 were the worst in years.", set()),
    ("The army deployed 40 tanks and 3,000 troops along the border.", set()),
])
def test_figures(body: str, expected: set) -> None:
    assert figures(body) == expected


def test_as_of_follows_the_dateline() -> None:
    text = "T\n\nBANGKOK, Thailand (December 23, 2025) – By Sunday, at least 30 people had been killed.\n"
    (fig,) = figures_in(sentences(text), DAY)
    assert fig.as_of == dt.date(2025, 12, 21)


@pytest.mark.parametrize(("text", "name", "role"), [
    ("Thai Defence Minister Natthaphon Narkphanit said the army would hold.", "Natthaphon Narkphanit",
     "Defence Minister of Thailand"),
    ("Malaysian Foreign Minister Mohamad Hasan chaired the talks.", "Mohamad Hasan", "Foreign Minister of Malaysia"),
    ("Prak Sokhonn, Cambodia's foreign minister, said talks would go on.", "Prak Sokhonn",
     "Foreign Minister of Cambodia"),
    ("Thailand's new prime minister, Srettha Thavisin, said the army would hold.", "Srettha Thavisin",
     "Prime Minister of Thailand"),
    ("Thailand's Prime Minister Anutin Charnvirakul visited Surin.", "Anutin Charnvirakul",
     "Prime Minister of Thailand"),
    ("Former Cambodian Prime Minister Hun Sen wrote on Facebook.", "Hun Sen", "Former Prime Minister of Cambodia"),
    ("US Secretary of State Marco Rubio said the United States spoke to both sides.", "Marco Rubio",
     "Secretary of State of the United States"),
    ("Iran's ambassador to the United Nations, Amir Saeid Iravani, told the Security Council.", "Amir Saeid Iravani",
     "Ambassador to the United Nations (Iran)"),
    ("Congo's Prime Minister Judith Suminwa told the council.", "Judith Suminwa", "Prime Minister of Congo"),
    ("Rafael Grossi, director general of the International Atomic Energy Agency (IAEA), said so.", "Rafael Grossi",
     "Director-General of the International Atomic Energy Agency"),
    ("In Goma, Corneille Nangaa, who leads the Congo River Alliance (AFC), spoke.", "Corneille Nangaa",
     "Leader of Congo River Alliance (AFC)"),
    ("Khamenei named Abdolrahim Mousavi as the new chief of staff.", "Abdolrahim Mousavi", "Chief of Staff"),
    ("Qatar's Emir, Sheikh Tamim bin Hamad Al Thani, hosted them.", "Tamim bin Hamad Al Thani", "Emir of Qatar"),
    ("Government spokeswoman Yolande Makolo has described it as defensive.", "Yolande Makolo",
     "Government Spokesperson"),
    ("Kenyan President William Ruto said so.", "William Ruto", "Kenyan President"),  # no country named: as written
    ("Kenyan President William Ruto said Kenya would host talks.", "William Ruto", "President of Kenya"),
])
def test_people(text: str, name: str, role: str) -> None:
    # The briefing's known countries ("Thailand", "Malaysia", "Cambodia") let "Thai" name its country.
    found = {p.name: p.role for p in people_in(sentences(text), places=["Thailand", "Malaysia", "Cambodia"])}
    assert found == {name: role}


@pytest.mark.parametrize(("head", "expected"), [
    ("Bangkok, Thailand (December 9, 2025) – Fighting", dt.date(2025, 12, 9)),
    ("PHNOM PENH, Dec 23 (Reuters) - The toll", dt.date(2025, 12, 23)),
    ("BANGKOK — 24 December 2025: Thai troops", dt.date(2025, 12, 24)),
    ("Section\n\nTitle\n\nSurin, Thailand, December 25, 2025 - x", dt.date(2025, 12, 25)),
])
def test_datelines(head: str, expected: dt.date) -> None:
    assert find_dateline(head, 2025).date == expected


MONDAY_JUN_23 = dt.date(2025, 6, 23)


@pytest.mark.parametrize(("sentence", "report", "kind", "date", "future", "status"), [
    # The day dates the statement; the plan has none of its own: an announced plan to watch.
    ("On Saturday the rebel alliance said it would pull its forces back from Walikale.", dt.date(2025, 3, 24),
     "plan", dt.date(2025, 3, 22), True, "announced"),
    ("He said he would travel to Moscow for consultations with President Vladimir Putin on Monday.",
     dt.date(2025, 6, 22), "plan", MONDAY_JUN_23, True, "scheduled"),
    ("Its director general called an emergency meeting of the agency's Board of Governors for Monday.",
     dt.date(2025, 6, 22), "meeting", MONDAY_JUN_23, True, "scheduled"),
    ("The Security Council was due to hold an emergency meeting later on Sunday.", dt.date(2025, 6, 22), "meeting",
     dt.date(2025, 6, 22), True, "scheduled"),
    ("At a NATO summit in The Hague, Trump said US officials would talk to Iran next week.", dt.date(2025, 6, 25),
     "meeting", dt.date(2025, 7, 2), True, "announced"),
    ("Oman's foreign minister said on Saturday that the nuclear talks planned for Sunday in Muscat would not take "
     "place.", dt.date(2025, 6, 16), "meeting", dt.date(2025, 6, 15), True, "cancelled"),
    ("In Geneva on Friday, the UN Human Rights Council, meeting in special session, agreed to set up a mission.",
     dt.date(2025, 2, 8), "meeting", dt.date(2025, 2, 7), False, "scheduled"),
    ("Trump had said on Thursday that he would decide within the next two weeks whether to strike.",
     dt.date(2025, 6, 22), "clash", dt.date(2025, 7, 3), True, "announced"),
    ("Israel launched strikes on Iran before dawn on Friday.", dt.date(2025, 6, 14), "clash", dt.date(2025, 6, 13),
     False, "scheduled"),
])
def test_events_and_plans(sentence: str, report: dt.date, kind: str, date: dt.date, future: bool,
                          status: str) -> None:
    from bot.ingest.events import events_in

    (e,) = events_in(sentences(sentence), report)
    assert (e.kind, e.date, e.future, e.status) == (kind, date, future, status)


def test_an_appointment_says_who_was_named() -> None:
    from bot.core.models import Source
    from bot.ingest.extract import Known, extract

    text = ("World\n\nStrikes\n\nJERUSALEM, June 22, 2025 (Wire) - Supreme Leader Ayatollah Ali Khamenei named "
            "Abdolrahim Mousavi as the new chief of staff. The United States struck three sites in the early hours "
            "of Sunday.\n")
    out = extract(Source(id="s", title="t", published_at=dt.date(2025, 6, 22), text=text), Known())
    (named,) = [c.fact for c in out if c.kind == "actor" and c.fact.name == "Abdolrahim Mousavi"]
    assert named.statement.startswith("Abdolrahim Mousavi was named the new Chief of Staff") and \
        "replaced" in named.keywords
    assert [c.fact.when.date for c in out if c.kind == "event" and "struck" in c.fact.statement] == \
        [dt.date(2025, 6, 22)]
