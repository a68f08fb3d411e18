"""Whose number or words it is, read from the report itself: the side ("Thai soldiers", "South Africa's
soldiers"), the place ("in and around Goma", "North and South Kivu") and who gives it ("according to the
health ministry", "the United Nations said").

No list of countries or peoples: a side is a capitalised word of the text, and the adjective of a country
("Cambodian" for "Cambodia") is the text's own word sharing its stem, else formed by the one regular rule
(-a -> -an).
"""

from __future__ import annotations

import re

_CAP = r"[A-Z][\w'’.-]*"
# A name: capitalised words, with "of"/"and"/"al-" links inside ("Democratic Republic of Congo").
NAME = rf"{_CAP}(?:\s+(?:(?:of|de|al|bin|and|the)\s+)?{_CAP}){{0,4}}"
_FUNCTION = {"The", "A", "An", "In", "On", "At", "By", "For", "From", "Of", "To", "And", "But", "Or", "As",
             "After", "Before", "During", "Since", "While", "When", "Where", "This", "That", "These", "Those",
             "Its", "Their", "His", "Her", "It", "They", "He", "She", "We", "Our", "Some", "More", "Most",
             "About", "Around", "Nearly", "Almost", "Over", "Under", "Up", "Least", "Between", "Among",
             "Across", "Along", "Near", "Into", "Within", "Official", "Officials", "Late", "Early", "Last", "Next"}
WEEKDAY_OR_MONTH = re.compile(r"^(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day$|^(?:January|February|March|April|May"
                              r"|June|July|August|September|October|November|December)$")
# "in and around Goma", "across North and South Kivu", "into Burundi", "in the Tel Aviv area"
PLACE = re.compile(rf"\b(?P<prep>in\s+and\s+around|in|around|across|within|into|inside|near|from|of|throughout)"
                   rf"\s+(?:the\s+)?(?:(?:southern|northern|eastern|western|central|rebel-held|occupied)\s+)?"
                   rf"(?P<place>{_CAP}(?:\s+(?:and\s+|of\s+)?{_CAP}){{0,3}}"
                   rf"(?:\s+(?:province|district|region|area|state|county|governorate|prefecture))?)")
# Whose words: "according to the health ministry", "the United Nations said", "X told the Security Council"
ACCORDING = re.compile(r"\b(?:according\s+to|cited\s+by|figures\s+from|data\s+from|a\s+tally\s+(?:by|from))"
                       r"\s+(?P<who>[^,;:.()]{2,80}?)(?=\s*(?:[,;:.()]|$|\s+(?:said|says|put|puts|gave|gives|reported"
                       r"|and|who|which|on|in|at)\b))")
SAID = re.compile(r"\b(?:said|says|say|reported|reports|told|stated|announced|confirmed|estimated|estimates"
                  r"|counted|counts|recorded|records|put|puts|gave|gives|cited|added|wrote|claimed|claims|found"
                  r"|concluded|assessed|accused|accuses|blamed|blames)\b")
_LEAD = re.compile(r"^(?:(?:[A-Z][a-z]+|on|in|at|late|early)\s+)?(?:on|in|at|by|late\s+on|early\s+on)\s+"
                   r"(?:[A-Z][\w'’-]*|\d[\w ]*|the\s+\w+|\w+day(?:\s+\w+)?)\s*,\s*")


def possessive_owner(text: str) -> str | None:
    """'Iran's Health Ministry' -> 'Iran'."""
    m = re.match(rf"^(?:the\s+)?(?P<own>{NAME})['’]s?\s", text)
    if m and m["own"].split()[0] not in _FUNCTION:
        return m["own"]
    return None


def adjective_of(owner: str, text: str) -> str:
    """The adjective the report uses for a country or people ("Thailand" -> "Thai", "Cambodia" ->
    "Cambodian"), found in the text by shared stem; else the regular -a -> -an, else the name itself."""
    owner = owner.strip()
    words = owner.split()
    last = words[-1]
    best = None
    for m in re.finditer(rf"\b{re.escape(' '.join(words[:-1]) + ' ' if len(words) > 1 else '')}"
                         rf"(?P<w>{re.escape(last[:4])}[a-z]*)\b(?!['’])", text):
        w = m["w"]
        if w == last or len(w) < 4:
            continue
        stem_ok = last.startswith(w) or (w.startswith(last[:max(4, len(last) - 2)])
                                         and re.search(r"(?:n|ns|i|is|ese|ish|ch)$", w) is not None)
        if stem_ok and (best is None or len(w) < len(best)):
            best = w.removesuffix("s") if w.endswith(("ans", "is")) else w
    if best:
        return " ".join([*words[:-1], best])
    if last.endswith("a") and len(last) > 3:
        return " ".join([*words[:-1], last + "n"])
    return owner


def is_side_word(word: str) -> bool:
    w = word.strip(",.;:'’")
    return bool(w) and w[0].isupper() and w not in _FUNCTION and not WEEKDAY_OR_MONTH.match(w)


def place_in(text: str) -> str | None:
    """The first named place in text ('in and around Goma' -> 'Goma')."""
    for m in PLACE.finditer(text):
        place = m["place"].strip()
        first = place.split()[0]
        if first in _FUNCTION or WEEKDAY_OR_MONTH.match(first) or m["prep"] == "of" and text[:m.start()].strip() \
                and not re.search(r"\b(?:capture|fall|city|town|province|region|people|residents|inhabitants)"
                                  r"\s+of\s*$", text[:m.start("place")]):
            continue
        return place.rstrip(".")
    return None


# "The UN's own figure of nearly 3,000", "HRANA's count"
OWN_COUNT = re.compile(rf"\b(?P<who>(?:the\s+)?{NAME})['’]s?\s+(?:own\s+|latest\s+|new\s+|official\s+)?"
                       rf"(?:figure|count|tally|toll|estimate|data)\b")


def speaker(sentence: str, at: int) -> str:
    """Who gives what is said at `at`: 'according to X', else the subject of the nearest saying verb."""
    for m in ACCORDING.finditer(sentence):
        who = clean_who(m["who"])
        if who:
            return who
    for m in OWN_COUNT.finditer(sentence):
        who = clean_who(m["who"])
        if who and who.split()[0] not in _FUNCTION:
            return who
    best = ""
    best_distance = 10_000
    for m in SAID.finditer(sentence):
        who = subject_before(sentence, m.start())
        if not who:
            continue
        distance = abs(m.start() - at)
        if distance < best_distance:
            best, best_distance = who, distance
    return best


def subject_before(sentence: str, at: int) -> str:
    """The noun phrase just before a verb: back to a clause start ('..., the United Nations said')."""
    head = sentence[:at].rstrip()
    # A relative clause between subject and verb: "HRANA, which compiles its own count, said".
    head = re.sub(r",\s+(?:which|who|whose)\s+[^,]{2,120},$", "", head).rstrip()
    # A name with its office in apposition: "Iran's ambassador to the UN, Amir Saeid Iravani, told ..."
    pair = re.search(r"(?:^|[;:]\s*|\s[-–—]\s+|\bthat\s+|,\s+(?=[A-Z]))(?P<a>[^,;:–—]{2,80}),\s+(?P<b>[^,;:–—]{2,80}),$",
                     head)
    if pair and re.match(r"[a-z]+ed\b", pair["b"]) and re.search(r"[A-Z]", pair["a"]):
        return clean_who(pair["a"])  # "A preliminary assessment, leaked on Tuesday, found ..."
    if pair and (re.search(r"[A-Z]", pair["a"]) and re.search(r"[A-Z]", pair["b"])):
        return clean_who(f"{pair['a']}, {pair['b']}")
    # An apposition ends the subject: "HRANA, the US-based rights group, put ..." -> "HRANA".
    appo = re.search(rf"(?:^|[,;:)]\s*|\s[-–—]\s+|\bthat\s+|\band\s+)(?P<who>{NAME}),\s+(?:the|a|an)\s+[^,;]{{2,60}},\s*$", head)
    if appo and appo["who"].split()[0] not in _FUNCTION and not WEEKDAY_OR_MONTH.match(appo["who"].split()[0]):
        return clean_who(appo["who"])
    m = re.search(r"(?:^|[,;:()]\s*|\s[-–—]\s+|\bthat\s+|\bwhile\s+|\bas\s+|\band\s+|\bbut\s+)"
                  r"(?P<who>[^,;:–—]{2,90}?)"
                  r"(?:\s+(?:also|had|has|have|was|were|then|later|again|earlier|previously|separately))*\s*$", head)
    if m is None:
        return ""
    return clean_who(m["who"])


_TIME_LEAD = re.compile(r"^(?:(?:a|one|two|three|\d+)\s+(?:days?|weeks?|months?)\s+(?:earlier|later|before|ago)"
                        r"|earlier|later|previously|last\s+\w+|this\s+\w+|on\s+\w+day)\s*,?\s+", re.IGNORECASE)


_DAY_LEAD = re.compile(r"^(?:(?:early|late|by|on|in|from|until)\s+)*(?:(?:on|by)\s+)?(?:the\s+)?"
                       r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|morning|afternoon|evening|night|today|yesterday)"
                       r"(?:\s+(?:morning|afternoon|evening|night))?\s*,?\s+", re.IGNORECASE)


def clean_who(who: str) -> str:
    who = re.sub(r"^(?:but|and|while|as|that|so)\s+", "", who.strip(), flags=re.IGNORECASE)
    who = _TIME_LEAD.sub("", _LEAD.sub("", who))
    who = _DAY_LEAD.sub("", _DAY_LEAD.sub("", who))
    if re.match(r"(?:its|his|her|their)\b", who, re.IGNORECASE):
        return ""  # "Its military": whose, the sentence does not say
    who = re.sub(r"(?:\s+(?:has|have|had|was|were|is|are|also|again|repeatedly|consistently|firmly|flatly|strongly"
                 r"|long|continues\s+to|continue\s+to|then|later|quickly|swiftly|publicly))+$", "", who)
    who = re.sub(r"^The\s+(?=[A-Za-z])", "the ", who)
    who = re.sub(r"\s+(?:on|late\s+on|early\s+on|in\s+a\s+statement|this\s+week|last\s+week|on\s+\w+day)$", "", who)
    who = re.sub(r"^(?:but|and|while|as|that|so)\s+", "", who, flags=re.IGNORECASE).strip(" ,\"'“”")
    words = who.split()
    if not words or len(words) > 16:
        return ""
    low = who.lower()
    if low in ("he", "she", "it", "they", "we", "i", "you", "who", "which", "this", "that", "there", "officials"):
        return "officials" if low == "officials" else ""
    # A subject has a capitalised word or a body's noun ("the health ministry", "aid agencies").
    if not re.search(r"[A-Z]", who) and not re.search(
            r"\b(?:ministry|officials?|authorities|government|agency|agencies|group|military|army|police|"
            r"service|services|spokes\w+|office|council|mission|organi[sz]ation|media|television|workers|"
            r"rescuers|hospital|doctors|monitors?|observers?|experts?|residents|witnesses|count|tally)\b", low):
        return ""
    if re.search(r"\d", who) and not re.search(r"[A-Z]", who):
        return ""
    return who
