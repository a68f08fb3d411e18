"""Named people with their roles, from any report: "Thai Defence Minister Natthaphon Narkphanit", "Iran's
ambassador to the United Nations, Amir Saeid Iravani,", "Rafael Grossi, director general of the International
Atomic Energy Agency", "Congo's Prime Minister Judith Suminwa", "Corneille Nangaa, who leads the Congo River
Alliance (AFC)".

Only office words are vocabulary here (minister, spokesman, ambassador ...); whose office it is comes from the
text: a possessive ("Congo's"), an adjective ("Thai", turned into the country the report names), or the body
named after the office ("of the International Atomic Energy Agency").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.ingest.text import Sentence

_HEAD = (r"(?:Secretary\s+of\s+State|Prime\s+Minister|Minister\s+of\s+State|Foreign\s+Minister|Minister|President"
         r"|Vice[- ]President|Secretary-General|Secretary\s+General|Director[- ]General|Director|Secretary"
         r"|Spokesperson|Spokesman|Spokeswoman|Commander(?:-in-Chief)?|Chief\s+of\s+Staff|Chief|Ambassador|Envoy"
         r"|Governor|King|Queen|Emir|Premier|Chancellor|Chairman|Chairwoman|Chair|Senator|Speaker|Leader|Head"
         r"|Mayor|General|Representative|Coordinator|High\s+Commissioner|Commissioner|Rapporteur|Press\s+Secretary)")
_HEAD_LOW = _HEAD.lower().replace(r"\s", r"\s")
# A person's name: two to five capitalised words, particles allowed inside ("Vivian van de Perre",
# "Tamim bin Hamad Al Thani"); a rank or honorific before it is kept apart.
_RANK = (r"(?:(?:Major|Lieutenant|Brigadier|Maj\.|Lt\.|Brig\.)\s+General|General|Gen\.|Colonel|Col\.|Admiral"
         r"|Ayatollah|Sheikh|Sheik|Dr\.?|Mr\.?|Mrs\.?|Ms\.?|Prince|Princess|Field\s+Marshal|Marshal)")
_NAME = (r"(?P<rank>" + _RANK + r"\s+)?(?P<name>[A-Z][a-zà-ÿ’'-]+(?:\s+(?:(?:van|de|der|den|da|del|bin|binti|ibn|al|el|la|le|von)"
         r"\s+)*[A-Z][a-zà-ÿ’'-]+){1,4})")
_OWNER = r"(?P<owner>(?:[A-Z][\w.-]*\s+){0,3}[A-Z][\w.-]*['’]s)"
# "Iranian Foreign Minister Abbas Araghchi", "Congo's Prime Minister Judith Suminwa", "CIA Director John Ratcliffe"
TITLED = re.compile(
    rf"(?P<former>\b[Ff]ormer\s+)?(?:{_OWNER}\s+|\b(?:the\s+)?)?(?P<role>(?:(?:[A-Z][\w.-]*|of|and|the|for)\s+){{0,5}}?"
    rf"{_HEAD}(?:\s+and\s+(?:[A-Z][\w-]*\s+){{0,3}}{_HEAD})?|(?:[A-Z][\w.-]*\s+){{1,4}}(?:[a-z]+\s+)?{_HEAD_LOW})"
    rf"\s+{_NAME}\b")
# "Iran's ambassador to the United Nations, Amir Saeid Iravani,", "Oman's foreign minister, Badr Albusaidi,"
ROLE_COMMA = re.compile(
    rf"(?:{_OWNER}\s+|\b(?:[Tt]he|[Aa]n?)\s+)(?P<role>(?:[\w-]+\s+){{0,4}}?(?:{_HEAD_LOW}|{_HEAD})"
    rf"(?:\s+(?:to|of|for|at)\s+[^,;]{{2,60}})?),\s+{_NAME}\s*[,.;]")
# "Rafael Grossi, director general of the International Atomic Energy Agency", "James Kabarebe, Rwanda's
# minister of state for regional integration", "Corneille Nangaa, the leader of the rebel alliance"
NAME_COMMA = re.compile(
    rf"{_NAME},\s+(?:(?:the|a|an)\s+)?(?:{_OWNER}\s+)?(?P<role>(?:[\w-]+\s+){{0,3}}?(?:{_HEAD_LOW}|{_HEAD})"
    rf"(?:\s+(?:of|for|at|to)\s+(?:the\s+)?[\w'’ -]{{2,60}}?)?)(?=\s*[,;.(]|\s+(?:who|which|said|and)\b)")
# "named Abdolrahim Mousavi as the new chief of staff"
AS_ROLE = re.compile(rf"\b(?:named|appointed|nominated|installed|chose|picked)\s+{_NAME}\s+as\s+(?:the\s+)?(?:new\s+)?"
                     rf"(?P<role>(?:[\w-]+\s+){{0,3}}?(?:{_HEAD_LOW}|{_HEAD})(?:\s+(?:of|for|at|to)\s+[^,;.]{{2,60}}?)?)"
                     rf"(?=\s*[,;.]|\s+(?:and|who|after)\b)")
# "Corneille Nangaa, who leads the Congo River Alliance (AFC)"
WHO_LEADS = re.compile(rf"{_NAME},\s+who\s+(?:leads|heads|chairs|runs|commands)\s+(?P<org>(?:the\s+)?[A-Z][^,;.()]{{2,60}}"
                       rf"(?:\s*\([A-Z]{{2,8}}\))?)")
# Only a sentence naming an office (or who leads something) can name a person with one.
_ANY_OFFICE = re.compile(rf"\b{_HEAD}\b|\bwho\s+(?:leads|heads|chairs|runs|commands)\b", re.IGNORECASE)
# An office right before a capitalised name: only then can TITLED match.
_OFFICE_THEN_NAME = re.compile(rf"\b(?:{_HEAD}|{_HEAD_LOW})\s+(?:{_RANK}\s+)?[A-Z]")
_FORMER = re.compile(r"\b(?:former|ex-|late)\s*$", re.IGNORECASE)
# Offices one person holds at a time: another name in one of them contradicts the briefing.
UNIQUE_OFFICES = re.compile(r"^(?:Prime Minister|President|King|Premier|Foreign Minister|Defence Minister"
                            r"|Interior Minister|Secretary-General|Army Chief|Commander-in-Chief|Emir|Chancellor)\b")
_NOT_NAMES = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "The", "This", "After",
              "On", "In", "But", "And", "January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December", "Council", "Ministry", "Office", "Agency",
              "Organization", "Organisation", "House", "Department", "Forces", "Army", "Guards", "Union", "Nations"}
_ORG_WORD = re.compile(r"^(?:Committee|Commission|Council|Ministry|Office|Agency|Court|Bank|Group|Force|Forces"
                       r"|Mission|Assembly|Parliament|Party|Front|Alliance|Movement|Headquarters|Command)$")
_ROLE_NOISE = re.compile(r"^(?:(?:the|a|an|its|his|her|their|and|of|for|to|as|by|with|new|current|sitting"
                         r"|newly(?:[- ]appointed)?)\s+)+",
                         re.IGNORECASE)


@dataclass
class Person:
    name: str
    role: str  # "Defence Minister of Thailand"
    title: str  # "Defence Minister"
    country: str | None
    former: bool
    sentence: Sentence
    quote: str  # the phrase naming the person with the role
    rank: str = ""
    appointed: bool = False  # "named X as the new chief of staff"


def people_in(sentences: list[Sentence], text: str = "", places: list[str] | None = None) -> list[Person]:
    """People named with an office. `places` are the briefing's known countries: "Thai" finds "Thailand"
    there when the report itself never names the country."""
    doc = (text or " ".join(s.text for s in sentences)) + " " + " ".join(places or [])
    out: dict[str, Person] = {}
    for s in sentences:
        if not _ANY_OFFICE.search(s.text):
            continue
        for rx in (TITLED, ROLE_COMMA, NAME_COMMA, AS_ROLE, WHO_LEADS):
            if rx is TITLED and not _OFFICE_THEN_NAME.search(s.text):
                continue
            if rx in (ROLE_COMMA, NAME_COMMA) and "," not in s.text:
                continue
            for m in rx.finditer(s.text):
                person = person_from(m, s, doc, rx is WHO_LEADS)
                if person is None:
                    continue
                person.appointed = rx is AS_ROLE
                key = person.name.lower()
                have = out.get(key)
                # The fullest office wins ("Prime Minister of Congo" over "Prime Minister").
                if have is None or (have.former and not person.former) or (
                        have.former == person.former and len(person.role) > len(have.role)):
                    out[key] = person
    # "Thai Foreign Minister Sihasak" after "... Sihasak Phuangketkeow": keep the fuller name only.
    names = list(out)
    return [p for k, p in out.items() if not any(o != k and o.startswith(k + " ") for o in names)]


def person_from(m: re.Match, s: Sentence, doc: str, leads: bool = False) -> Person | None:
    name = re.sub(r"['’]s$", "", re.sub(r"\s+", " ", m["name"]).strip())
    words = name.split()
    if len(words) < 2 or words[0] in _NOT_NAMES or words[-1] in _NOT_NAMES or _ORG_WORD.search(words[-1]):
        return None
    if re.search(_HEAD, name) and not m.groupdict().get("rank"):
        return None  # "President Joao" swallowed by an office
    groups = m.groupdict()
    if leads:
        org = re.sub(r"^the\s+", "", m["org"].strip())
        title, owner, adjective = "Leader", org, None
        role = f"Leader of {org}"
    else:
        raw_role = groups.get("role") or ""
        if re.match(r"(?i)and\b", raw_role):
            return None  # "X, and the commander of ..., Y": the office is Y's
        owner = (groups.get("owner") or "").removesuffix("'s").removesuffix("’s").strip() or None
        raw_role, adjective = split_adjective(raw_role)
        title = normalise_title(raw_role)
        if not title or not re.search(_HEAD, title) or re.fullmatch(_RANK, title) or re.match(r"(?i)and\b", raw_role):
            return None
        role = title
        if owner is not None and re.fullmatch(r"(?i)its|his|her|their", owner):
            owner = None
        if owner is None and adjective:
            owner = country_of(adjective, doc)
            if owner == adjective:
                # No country the report names goes with it: the adjective stays as written.
                title, owner = f"{adjective} {title}", None
                role = title
        if owner and " to " not in title.lower():
            role = f"{title} of {owner}"
        elif owner:
            role = f"{title} ({owner})"
    former = bool(groups.get("former")) or bool(_FORMER.search(s.text[:m.start()][-10:]))
    if former:
        role = f"Former {role}"
    rank = (groups.get("rank") or "").strip()
    return Person(name=name, role=role, title=title, country=owner if owner and _is_country(owner) else None,
                  former=former, sentence=s, quote=m.group(0).rstrip(",.; "), rank=rank)


def split_adjective(role: str) -> tuple[str, str | None]:
    """'Thai Defence Minister' -> ('Defence Minister', 'Thai'); 'US Secretary of State' -> (.., 'US')."""
    role = _ROLE_NOISE.sub("", role.strip())
    first = role.split(" ", 1)
    if len(first) == 2 and re.fullmatch(r"[A-Z][a-z]+(?:an|ian|ese|i|ish|ch|ic)|[A-Z]{2,3}|U\.S\.", first[0]) \
            and re.search(_HEAD, first[1]) is not None and first[0] not in ("Deputy", "Foreign", "Defence", "Interior"):
        return first[1], first[0]
    if len(first) == 2 and first[0][:1].isupper() and re.match(_HEAD, first[1]) is not None \
            and country_of(first[0], "") != first[0] \
            and first[0] not in ("Deputy", "Vice", "Acting", "Interim", "Foreign", "Defence", "Defense", "Interior",
                                 "Finance", "Health", "Supreme", "Senior", "Chief", "Press", "Prime", "Secretary"):
        # "Thai Foreign Minister" is caught above; a capitalised word that is not an office part ("Kenyan",
        # "Thai") names whose office it is.
        return first[1], first[0]
    return role, None


def country_of(adjective: str, doc: str) -> str:
    """The country the report names for an adjective ("Thai" -> "Thailand", "Cambodian" -> "Cambodia"), by
    shared stem among its capitalised words; an acronym stays as it is ("US")."""
    adjective = adjective.strip()
    if re.fullmatch(r"[A-Z]{2,3}|U\.S\.", adjective):
        initials = adjective.replace(".", "")
        for m in re.finditer(r"\b(?:the\s+)?((?:[A-Z][a-z]+\s+){1,3}[A-Z][a-z]+)", doc):
            if "".join(w[0] for w in m.group(1).split()) == initials:
                return f"the {m.group(1)}"
        return "the " + adjective.replace(".", "")
    stem = adjective[:4]
    best = None
    for m in re.finditer(rf"\b({re.escape(stem)}[a-z]*)\b(?!\s+[A-Z][a-z]+\s+(?:Minister|President))", doc):
        w = m.group(1)
        if w == adjective or re.search(r"(?:an|ian|ese|i|ish|ans|is)$", w) and len(w) >= len(adjective):
            continue
        if best is None or len(w) < len(best):
            best = w
    if best:
        return best
    return adjective


def _is_country(owner: str) -> bool:
    """An owner that is a place rather than a body ('Congo', 'the United States'; not 'Health Ministry')."""
    return not re.search(r"\b(?:Ministry|Office|Council|Agency|Organi[sz]ation|House|Department|Forces|Army"
                         r"|Guards|Union|Community|Alliance|Group|Party|Movement|Mission|Committee|Bank|Court)\b",
                         owner)


def normalise_title(role: str) -> str:
    words = re.sub(r"\s+", " ", role).strip().split(" ")
    fixed = []
    for w in words:
        low = w.lower()
        if low in ("and", "of", "the", "to", "for", "at"):
            fixed.append(low)
        elif low == "defense":
            fixed.append("Defence")
        elif low in ("spokesman", "spokeswoman"):
            fixed.append("Spokesperson")
        elif w.isupper() and len(w) > 1:
            fixed.append(w)
        else:
            fixed.append(w[:1].upper() + w[1:])
    title = " ".join(fixed)
    title = re.sub(r"^(?:the|of|a|an)\s+", "", title)
    # "new prime minister" holds the same office as the prime minister the briefing names.
    title = re.sub(r"^(?:New|Current|Sitting|Newly Appointed|Newly-Appointed)\s+", "", title)
    return title.replace("Secretary General", "Secretary-General").replace("Director General", "Director-General")


def is_unique_office(title: str) -> bool:
    return bool(UNIQUE_OFFICES.match(title)) and " and " not in title
