"""Which briefing a text is about, judged only from each briefing's own data.

A briefing is recognised by the names it holds: the proper names in its title (the conflict's parties
or place), and its actors (name, aliases, country) and places. A name held by several briefings (a
mediator who appears in two conflicts) tells nothing and is ignored. Used to file a report under its
briefing and to answer a question that names another briefing's conflict from that briefing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select

from bot.core.models import Actor, Briefing
from bot.core.store import Store, briefings, facts, figures

# Capitalised words of a title that name nothing in particular (English, not of any conflict).
TITLE_FILLER = frozenset("""
the a an of in on and or at to for with war wars conflict conflicts crisis border borders fighting offensive
briefing briefings update latest news report reports situation clashes clash talks peace ceasefire truce
january february march april may june july august september october november december
monday tuesday wednesday thursday friday saturday sunday
ministry ministries health army military government forces force soldiers troops civilians people police
officials official agency council office department committee court president minister prime general
north south east west northern southern eastern western central upper lower new
""".split())
TITLE_WEIGHT = 3  # a title name (a party to the conflict) counts as much as three other names
CLEAR_SCORE = 3  # what a text must score to be filed under a briefing without asking


@dataclass
class Names:
    """One briefing's names: `core` from its title, `entities` each an actor's or place's names."""

    briefing: str
    title: str
    core: list[str] = field(default_factory=list)
    entities: list[list[str]] = field(default_factory=list)

    def all(self) -> set[str]:
        return {n.lower() for n in self.core} | {n.lower() for e in self.entities for n in e}


def title_names(title: str) -> list[str]:
    words = re.findall(r"[A-Z][A-Za-z0-9'’]*", title)
    return [w for w in dict.fromkeys(words) if w.lower() not in TITLE_FILLER]


def names_of(name: str, title: str, actors: Iterable[Actor], places: Iterable[str],
             scopes: Iterable[str] = ()) -> Names:
    """`scopes`: the scopes of the briefing's figures ("Goma", "Thai soldiers"), whose proper names
    (the places and groups the figures count) name the conflict too."""
    out = Names(briefing=name, title=title, core=title_names(title))
    for a in actors:
        out.entities.append([n for n in (a.name, *a.aliases) if n])
        if a.country:
            out.entities.append([a.country])
    out.entities += [[p] for p in dict.fromkeys(places) if p]
    counted = {w for scope in dict.fromkeys(scopes) for w in title_names(scope) if len(w) >= 4}
    out.entities += [[w] for w in sorted(counted)]
    return out


def names_of_briefing(b: Briefing) -> Names:
    return names_of(b.name, b.title, b.actors, [e.place for e in b.events if e.place], [f.scope for f in b.figures])


def stored_names(store: Store) -> list[Names]:
    """Every briefing's names, read from its actors, events and figure scopes (no source text is read)."""
    with store.begin() as conn:
        titles = dict(conn.execute(select(briefings.c.name, briefings.c.title)).all())
        actors: dict[str, list[Actor]] = {n: [] for n in titles}
        places: dict[str, list[str]] = {n: [] for n in titles}
        for r in conn.execute(select(facts.c.briefing, facts.c.kind, facts.c.data)
                              .where(facts.c.kind.in_(["actor", "event"]))):
            if r.briefing not in titles:
                continue
            if r.kind == "actor":
                actors[r.briefing].append(Actor.model_validate_json(r.data))
            else:
                place = json.loads(r.data).get("place")
                if place:
                    places[r.briefing].append(place)
        scopes: dict[str, list[str]] = {n: [] for n in titles}
        for briefing, scope in conn.execute(select(figures.c.briefing, figures.c.scope).distinct()):
            if briefing in scopes and scope:
                scopes[briefing].append(scope)
    return [names_of(n, titles[n], actors[n], places[n], scopes[n]) for n in sorted(titles)]


def _pattern(name: str) -> re.Pattern[str]:
    # A longer name also matches its adjective or plural ("Iranian", "Cambodians"); a short one
    # (an abbreviation) only as written, so "HM" never matches "hm".
    escaped = re.escape(name.strip())
    if len(name) >= 4:
        return re.compile(rf"(?<![\w]){escaped}[a-z]{{0,3}}(?![\w])", re.IGNORECASE)
    return re.compile(rf"(?<![\w]){escaped}(?![\w])")


_cache: dict[str, re.Pattern[str]] = {}


def mentions(text: str, name: str) -> bool:
    if len(name.strip()) < 2:
        return False
    pat = _cache.get(name)
    if pat is None:
        pat = _cache[name] = _pattern(name)
    return pat.search(text) is not None


def scores(text: str, every: list[Names]) -> dict[str, int]:
    """Each briefing's score for the text: title names found (weighted) plus distinct entities found,
    counting only names no other briefing holds."""
    seen: dict[str, int] = {}
    for names in every:
        for n in names.all():
            seen[n] = seen.get(n, 0) + 1
    out = {}
    for names in every:
        own = [n for n in names.core if seen[n.lower()] == 1]
        score = TITLE_WEIGHT * sum(1 for n in own if mentions(text, n))
        credited: set[str] = {n.lower() for n in own}
        for entity in names.entities:
            hits = {n.lower() for n in entity if seen[n.lower()] == 1 and mentions(text, n)}
            if hits and not hits & credited:  # one thing named twice (a country, and an actor's country) counts once
                score += 1
            credited |= hits
        out[names.briefing] = score
    return out


def clear_choice(found: dict[str, int], at_least: int = CLEAR_SCORE) -> str | None:
    """The one briefing that clearly fits: it scores at least `at_least` and twice any other."""
    ranked = sorted(found.items(), key=lambda kv: -kv[1])
    if not ranked or ranked[0][1] < at_least:
        return None
    if len(ranked) > 1 and ranked[0][1] < 2 * ranked[1][1]:
        return None
    return ranked[0][0]
