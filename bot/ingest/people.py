"""Named people with their roles: "Thai Defence Minister Natthaphon Narkphanit", "Parat Rattanachaiphan,
a Thai navy spokesperson", "Prak Sokhonn, Cambodia's foreign minister"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.ingest.text import COUNTRY_NAME, COUNTRY_OF, NATIONALITIES, Sentence

_NAT = (r"Thai|Thailand['’]s|Cambodian|Cambodia['’]s|Khmer|Malaysian|Malaysia['’]s|US|U\.S\.|American|Chinese"
        r"|China['’]s|Indonesian|Philippine|Vietnamese|Lao|Laotian|Singaporean|Japanese|ASEAN")
_TITLE_HEAD = (r"(?:Secretary\s+of\s+State|Prime\s+Minister|Minister|President|Secretary-General|Secretary\s+General|Secretary|Spokesperson"
               r"|Spokesman|Spokeswoman|Commander(?:-in-Chief)?|Chief|Ambassador|Governor|King|Premier|Chairman"
               r"|Chair|Envoy|Senator|Speaker)")
_TITLE = rf"(?:(?:[A-Z][\w-]*|of|the)\s+){{0,5}}?{_TITLE_HEAD}"
_NAME = r"(?P<name>[A-Z][a-z’'-]+(?:\s+(?:bin\s+|binti\s+|van\s+|de\s+)?[A-Z][a-z’'-]+){1,3})"
# "Thai Defence Minister Natthaphon Narkphanit", "Cambodian Deputy Prime Minister and Foreign Minister Prak Sokhonn"
TITLED = re.compile(rf"(?P<former>\b[Ff]ormer\s+)?\b(?P<nat>{_NAT})\s+(?P<role>{_TITLE}(?:\s+and\s+{_TITLE})?)"
                    rf"\s+{_NAME}\b")
# "A Thai navy spokesperson, Parat Rattanachaiphan,"
ROLE_COMMA = re.compile(rf"\b(?P<nat>{_NAT})\s+(?P<role>(?:[a-z]+\s+){{0,3}}(?:spokesperson|spokesman|spokeswoman"
                        rf"|commander|official|minister|governor|envoy|ambassador)),\s+{_NAME}\s*[,.]")
# "Natthaphon Narkphanit, Thailand's defence minister,"
NAME_COMMA = re.compile(rf"{_NAME},\s+(?:the\s+)?(?P<nat>{_NAT})\s+(?P<role>(?:[a-z-]+\s+){{0,4}}(?:minister"
                        rf"|president|spokesperson|spokesman|spokeswoman|commander|chief|ambassador|governor"
                        rf"|secretary-general|envoy|premier))\b")
_FORMER = re.compile(r"\b(?:former|ex-|late)\s*$", re.IGNORECASE)
# Offices one person holds at a time: another name in one of them contradicts the briefing.
UNIQUE_OFFICES = re.compile(r"^(?:Prime Minister|President|King|Premier|Foreign Minister|Defence Minister"
                            r"|Interior Minister|Secretary-General|Army Chief|Commander-in-Chief)\b")
_NOT_NAMES = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "The", "This", "After",
              "On", "In", "But", "And"}


@dataclass
class Person:
    name: str
    role: str  # "Defence Minister of Thailand"
    title: str  # "Defence Minister"
    country: str | None
    former: bool
    sentence: Sentence
    quote: str  # the phrase naming the person with the role


def people_in(sentences: list[Sentence]) -> list[Person]:
    out: dict[str, Person] = {}
    for s in sentences:
        for rx in (TITLED, ROLE_COMMA, NAME_COMMA):
            for m in rx.finditer(s.text):
                person = person_from(m, s)
                if person is None:
                    continue
                key = person.name.lower()
                if key not in out or (out[key].former and not person.former):
                    out[key] = person
    # "Thai Foreign Minister Sihasak" after "... Sihasak Phuangketkeow": keep the fuller name only.
    names = list(out)
    return [p for k, p in out.items() if not any(o != k and o.startswith(k + " ") for o in names)]


def person_from(m: re.Match, s: Sentence) -> Person | None:
    name = re.sub(r"\s+", " ", m["name"]).strip()
    if name.split()[0] in _NOT_NAMES:
        return None
    nat_word = m["nat"].lower().replace("’", "'").removesuffix("'s")
    nat = NATIONALITIES.get(nat_word)
    title = normalise_title(m["role"])
    if not title:
        return None
    former = bool(m.groupdict().get("former")) or bool(_FORMER.search(s.text[:m.start()][-10:]))
    country = COUNTRY_NAME.get(nat) if nat else None
    role = f"{title} of {COUNTRY_OF[nat]}" if nat else title
    if former:
        role = f"Former {role}"
    return Person(name=name, role=role, title=title, country=country, former=former, sentence=s,
                  quote=m.group(0).rstrip(",. "))


def normalise_title(role: str) -> str:
    words = re.sub(r"\s+", " ", role).strip().split(" ")
    fixed = []
    for w in words:
        low = w.lower()
        if low in ("and", "of", "the"):
            fixed.append(low)
        elif low == "defense":
            fixed.append("Defence")
        elif low in ("spokesman", "spokeswoman"):
            fixed.append("Spokesperson")
        else:
            fixed.append(w[:1].upper() + w[1:])
    title = " ".join(fixed)
    title = re.sub(r"^(?:the|of)\s+", "", title)
    # "new prime minister" holds the same office as the prime minister the briefing names.
    title = re.sub(r"^(?:New|Current|Sitting|Newly Appointed|Newly-Appointed)\s+", "", title)
    return title.replace("Secretary General", "Secretary-General")


def is_unique_office(title: str) -> bool:
    return bool(UNIQUE_OFFICES.match(title)) and " and " not in title
