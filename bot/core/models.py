"""The briefing model: every fact carries the evidence it rests on.

Shapes borrowed from event data (ACLED/UCDP), attribution (PROV, ClaimReview) and humanitarian
figures (HXL/IDMC); see ../shared/DESIGN-NOTES.md section 2.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Precision = Literal["day", "month", "approximate", "as_reported"]
Qualifier = Literal["exact", "at_least", "more_than", "nearly", "about", "up_to", "range"]
Metric = Literal["killed", "injured", "displaced", "missing", "detained", "returned"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class Evidence(Strict):
    source_id: str
    quote: str = Field(min_length=3)
    char_start: int | None = None
    char_end: int | None = None


class Source(Strict):
    id: str
    title: str
    publisher: str = ""
    url: str = ""
    published_at: dt.date
    retrieved_at: dt.datetime | None = None
    text: str
    sha256: str = ""


class DateRef(Strict):
    """A date as precise as the source is: a day, or only what it reported ("Saturday morning")."""

    date: dt.date | None = None
    precision: Precision = "day"
    text: str = ""
    # Only for ordering a date known just as reported ("Friday evening"); never shown as the date.
    around: dt.date | None = None

    def sort_key(self) -> dt.date:
        return self.date or self.around or dt.date.max

    @model_validator(mode="after")
    def _needs_something(self) -> DateRef:
        if self.date is None and not self.text:
            raise ValueError("a date needs either 'date' or 'text'")
        return self

    def label(self) -> str:
        if self.date is None:
            return self.text
        if self.precision == "month":
            day = self.date.strftime("%B %Y")
        else:
            day = f"{self.date.day} {self.date.strftime('%b %Y')}"
        if self.precision == "approximate":
            day = f"around {day}"
        return f"{day} ({self.text})" if self.text and self.text.lower() not in day.lower() else day


class Fact(Strict):
    """What every fact shares: an id, our one-sentence statement, search terms and its evidence."""

    id: str
    statement: str = Field(min_length=3)
    keywords: list[str] = []
    evidence: list[Evidence] = Field(min_length=1)


class Actor(Fact):
    name: str
    aliases: list[str] = []
    kind: Literal["person", "government", "military", "organisation", "country"]
    country: str | None = None
    role: str | None = None
    role_since: str | None = None


class Participant(Strict):
    actor: str
    role: str


class Event(Fact):
    kind: str
    summary: str
    when: DateRef
    place: str | None = None
    participants: list[Participant] = []
    modality: Literal["happened", "scheduled", "reported"] = "happened"


class Claim(Fact):
    claim: str
    by: str
    stance: Literal["asserts", "denies", "declines_to_confirm", "demands", "does_not_echo"]
    status: Literal["confirmed", "unverified", "disputed", "contradicted"]
    topic: str


class Request(Fact):
    requester: str
    addressees: list[str]
    asked: str
    response: str = "no public response reported"


class Agreement(Fact):
    name: str
    signed: list[DateRef] = []
    parties: list[str] = []
    brokers: list[str] = []
    backers: list[str] = []
    status: str = ""


class Upcoming(Fact):
    summary: str
    announced_by: str | None = None
    when: DateRef | None = None
    status: Literal["announced", "scheduled", "held", "cancelled"] = "announced"


class Figure(Strict):
    """One reported number. Append-only: a new report is a new row, never an edit."""

    id: str
    metric: Metric
    value: int = Field(ge=0)
    value_high: int | None = None
    qualifier: Qualifier
    noun: str = "people"
    scope: str = ""
    # What else the source says of the same people ("sought refuge in shelters", "among them 250 civilians").
    detail: str = ""
    # Who gives the number, as the report names them ("the health ministry", "the United Nations").
    by: str = ""
    as_of: dt.date
    source_id: str
    evidence: list[Evidence] = Field(min_length=1)
    keywords: list[str] = []

    @model_validator(mode="after")
    def _range_has_high(self) -> Figure:
        if self.qualifier == "range" and (self.value_high is None or self.value_high < self.value):
            raise ValueError("a 'range' figure needs value_high >= value")
        return self

    def series(self) -> tuple[str, str]:
        """Figures of one series describe the same thing over time."""
        return (self.metric, self.scope.strip().lower())

    def amount(self) -> str:
        """The value with its qualifier, never rounded away from it ("nearly 60")."""
        if self.qualifier == "range":
            return f"{self.value:,}–{self.value_high:,}"
        prefix = QUALIFIER_WORDS[self.qualifier]
        return f"{prefix} {self.value:,}".strip()

    def phrase(self) -> str:
        """'at least 11 people killed'"""
        return f"{self.amount()} {self.noun} {METRIC_WORDS[self.metric]}".strip()


QUALIFIER_WORDS: dict[str, str] = {
    "exact": "",
    "at_least": "at least",
    "more_than": "more than",
    "nearly": "nearly",
    "about": "about",
    "up_to": "up to",
    "range": "",
}

METRIC_WORDS: dict[str, str] = {
    "killed": "killed",
    "injured": "injured",
    "displaced": "displaced",
    "missing": "missing",
    "detained": "detained",
    "returned": "returned home",
}


class Briefing(Strict):
    """The whole briefing: what the bot knows, each piece tied to a source."""

    # The short name the briefing goes by in the store, commands and chat ("" until stored).
    name: str = ""
    title: str
    conflict: str
    as_of: dt.date
    sources: list[Source]
    actors: list[Actor] = []
    events: list[Event] = []
    claims: list[Claim] = []
    requests: list[Request] = []
    agreements: list[Agreement] = []
    upcoming: list[Upcoming] = []
    figures: list[Figure] = []
    notes: list[Fact] = []

    @field_validator("sources")
    @classmethod
    def _at_least_one_source(cls, value: list[Source]) -> list[Source]:
        if not value:
            raise ValueError("a briefing needs at least one source")
        return value

    def facts(self) -> list[Fact]:
        return [*self.actors, *self.events, *self.claims, *self.requests, *self.agreements,
                *self.upcoming, *self.notes]

    def source(self, source_id: str) -> Source | None:
        return next((s for s in self.sources if s.id == source_id), None)

    def actor(self, actor_id: str) -> Actor | None:
        return next((a for a in self.actors if a.id == actor_id), None)
