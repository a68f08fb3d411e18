"""Filing a report given without --briefing under the briefing it clearly belongs to."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.core.models import Actor
from bot.core.store import Store
from bot.core.which_briefing import Names, clear_choice, scores, stored_names, title_names
from bot.ingest import IngestError
from bot.ingest.tables import candidates


def file_under(store: Store, text: str) -> str:
    """The briefing whose names the report shares; IngestError (listing the briefings) when none or
    several fit, so that nothing is stored under a guess."""
    every = names_with_candidates(store)
    if not every:
        raise IngestError("the store holds no briefing yet: name one with --briefing NAME (it is created)")
    found = scores(text, every)
    choice = clear_choice(found)
    if choice is not None:
        return choice
    listed = ", ".join(n.briefing for n in every)
    fits = [name for name, score in sorted(found.items(), key=lambda kv: -kv[1]) if score > 0]
    if not fits:
        why = "it shares no names with any briefing"
    elif len(fits) > 1:
        why = f"it could belong to {' or '.join(fits[:3])}"
    else:
        why = f"it shares too few names with {fits[0]} to be sure"
    raise IngestError(f"which briefing is this report for? {why}. Give --briefing NAME, one of: {listed} "
                      f"(a new name creates a briefing)")


def names_with_candidates(store: Store) -> list[Names]:
    """Each briefing's names, with those of actors and places still waiting for review: a briefing
    made of reports nobody has reviewed yet is recognised too."""
    every = {n.briefing: n for n in stored_names(store)}
    with store.begin() as conn:
        rows = conn.execute(select(candidates.c.briefing, candidates.c.kind, candidates.c.payload)
                            .where(candidates.c.kind.in_(["actor", "event", "figure"]),
                                   candidates.c.status.in_(["pending", "conflict"])))
        for r in rows:
            names = every.get(r.briefing)
            if names is None:
                continue
            fact = json.loads(r.payload).get("fact", {})
            if r.kind == "actor":
                actor = Actor.model_validate(fact)
                names.entities.append([n for n in (actor.name, *actor.aliases) if n])
            elif r.kind == "figure":
                names.entities += [[w] for w in title_names(fact.get("scope") or "") if len(w) >= 4]
            elif fact.get("place"):
                names.entities.append([fact["place"]])
    return list(every.values())
