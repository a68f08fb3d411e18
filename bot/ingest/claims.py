"""Contested claims, offline: "X said ...; Y denied / rejected / gave a different account / blamed someone
else" becomes one topic with each side's words, both quoted from the report."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.ingest.sides import clean_who, speaker, subject_before
from bot.ingest.text import Sentence

# The answering side: a denial, a rejection, a different account, a reply.
DENY = re.compile(
    r"\b(?P<verb>denied|denies|deny|denying|rejected|rejects|dismissed|dismisses|disputed|disputes|refuted|refutes"
    r"|contested|contests|gave\s+a\s+different\s+account|said\s+(?:that\s+)?there\s+(?:was|were|had\s+been)\s+no"
    r"|did\s+not\s+confirm|has\s+not\s+confirmed|would\s+not\s+confirm|offered\s+a\s+different\s+account|replied|countered|hit\s+back"
    r"|called\s+(?:it|them|this|that|the\s+(?:reports?|claims?|assessment|accusations?|allegations?))\s+[\"“‘]?"
    r"(?:false|untrue|baseless|fabricated|flat-out\s+wrong|wrong|lies|a\s+lie|propaganda|unjustified))\b")
# The asserting side.
ASSERT = re.compile(
    r"\b(?:said|says|claimed|claims|accused|accuses|alleged|alleges|reported|reports|announced|blamed|blames|found"
    r"|finds|assessed|stated|insisted|insists|told|wrote|confirmed)\b")
BLAME = re.compile(r"\bblamed\b|\bblames\b")
_OBJECT = re.compile(r"^\s*(?:the\s+(?:accusation|allegation|claim|charge|suggestion|report)s?\s+(?:that\s+)?|that\s+)?"
                     r"(?P<obj>[^.;:]{3,140}?)(?=\s+(?:and\s+called|and\s+said|and\s+accused)\b|[.;:]|,\s+(?:saying|and|but|while)\b|$)")


# "remains disputed", "is contested": a state, not someone disputing.
_PASSIVE = re.compile(r"\b(?:remains?|is|was|are|were|been|be|being|still)\s+$")
_PRONOUN = re.compile(r"^(?:Its|His|Her|Their|It|He|She|They)\b")


@dataclass
class Side:
    by: str
    stance: str  # asserts | denies
    text: str  # what this side says, in the report's words
    sentences: list[Sentence]


@dataclass
class FoundClaim:
    topic: str
    sides: list[Side]


def _para(text: str, s: Sentence) -> int:
    return text.rfind("\n", 0, s.start)


def contested(sentences: list[Sentence], text: str) -> list[FoundClaim]:
    out: list[FoundClaim] = []
    used: set[int] = set()
    for i, s in enumerate(sentences):
        m = next((d for d in DENY.finditer(s.text) if not _PASSIVE.search(s.text[:d.start()])), None)
        counter_blame = False
        if m is None:
            b = BLAME.search(s.text)
            prev = sentences[i - 1] if i else None
            if b is None or prev is None or not BLAME.search(prev.text) or _para(text, prev) != _para(text, s):
                continue
            m, counter_blame = b, True
        denier = clean_who(subject_before(s.text, m.start()))
        if not denier or i in used:
            continue
        what = _OBJECT.match(s.text[m.end():])
        denial_object = what["obj"].strip() if what and not counter_blame and not m["verb"].startswith(
            ("called", "replied", "countered", "gave", "offered", "did", "has", "would")) else ""
        # The asserting side: earlier in the same sentence ("X accused Y of ...; Y denied ..."), else a nearby
        # sentence of the same paragraph (before, then after) whose speaker is someone else.
        assertion: Side | None = None
        head = s.text[:m.start()]
        cut = max(head.rfind(";"), head.rfind(", while"), head.rfind(" but "))
        if cut > 0 and ASSERT.search(head[:cut]):
            a = ASSERT.search(head[:cut])
            who = clean_who(subject_before(head, a.start()))
            if who and who != denier:
                assertion = Side(who, "asserts", head[:cut].strip(" ,;"), [s])
        if assertion is None:
            options: list[tuple[int, int, Side, int]] = []
            for rank, j in enumerate((i - 1, i - 2, i + 1, i + 2)):
                if not 0 <= j < len(sentences) or j in used:
                    continue
                other = sentences[j]
                if j > i and _para(text, other) != _para(text, s):
                    continue
                if j < i - 1 and _para(text, other) != _para(text, s):
                    continue
                a = ASSERT.search(other.text)
                if a is None or DENY.search(other.text):
                    continue
                who = speaker(other.text, a.start())
                if who and not _same_side(who, denier) and not _PRONOUN.match(who):
                    # The nearest account on the same point: most words in common with the denial first.
                    options.append((-_overlap(other.text, s.text), rank, Side(who, "asserts", other.text, [other]), j))
            if options:
                # "called it false": 'it' is what was said just before.
                refers_back = bool(re.match(r"called\s+(?:it|them|this|that)\b", m.groupdict().get("verb") or ""))
                _, _, assertion, j = min(options, key=lambda o: (o[1], o[0]) if refers_back else (o[0], o[1]))
                used.add(j)
        if assertion is None:
            continue
        # The denying side goes on in the next sentence when it names the same side ("Iran gave a different
        # account. The Atomic Energy Organization of Iran said ...").
        denial_sents = [s]
        if assertion.sentences == [s]:
            # "X accused Y of ...; Y denied ...": each side is its own clause of the sentence.
            at = cut + 1
            lead = len(s.text[at:]) - len(s.text[at:].lstrip())
            denial_sents = [Sentence(s.start + at + lead, s.end, s.text[at + lead:])]
            assertion.sentences = [Sentence(s.start, s.start + cut, s.text[:cut])]
        follow = sentences[i + 1] if i + 1 < len(sentences) else None
        if follow is not None and _para(text, follow) == _para(text, s) and i + 1 not in used and (
                _same_side(speaker(follow.text, 0) or "", denier) or _PRONOUN.match(follow.text)):
            denial_sents.append(sentences[i + 1])
            used.add(i + 1)
        used.add(i)
        stance = "asserts" if counter_blame else "denies"
        denial = Side(denier, stance, " ".join(x.text for x in denial_sents), denial_sents)
        if counter_blame:
            topic = "who is to blame for " + _topic(_lead_stripped(assertion.text), 8)
        else:
            topic = _topic(denial_object or _claim_clause(assertion.text))
        if topic:
            out.append(FoundClaim(topic, [assertion, denial]))
    return out


def _overlap(a: str, b: str) -> int:
    def stems(t: str) -> set[str]:
        return {w[:5].lower() for w in re.findall(r"[A-Za-z]{5,}", t)} - {"which", "their", "there", "would", "about",
                                                                          "after", "said", "other"}
    return len(stems(a) & stems(b))


def _same_side(a: str, b: str) -> bool:
    """'Iran' and 'Iranian state media', 'Israel' and 'the Israeli military': one side."""
    names_a = {w[:4].lower() for w in re.findall(r"\b[A-Z][\w'’-]{3,}", a)}
    names_b = {w[:4].lower() for w in re.findall(r"\b[A-Z][\w'’-]{3,}", b)}
    return bool(names_a & names_b) or a.lower() == b.lower()


def _claim_clause(text: str) -> str:
    m = re.search(r"\b(?:said|says|claimed|claims|alleged|found|reported|accused|blamed|stated|insisted)\s+(?:that\s+)?"
                  r"(?P<c>[^.;]{3,160})", text)
    return m["c"] if m else text


def _topic(phrase: str, limit: int = 12) -> str:
    words = re.sub(r"[\"“”‘’]", "", phrase).split()
    return " ".join(words[:limit]).rstrip(",") if words else ""


def _lead_stripped(text: str) -> str:
    """'In Bukavu on 27 February, explosions at an M23 rally killed ...' -> 'explosions at an M23 rally'."""
    text = re.sub(r"^(?:[A-Z][\w ]{0,40}?\s+on\s+[^,]{1,30}|In\s+[^,]{1,40}|On\s+[^,]{1,30}),\s+", "", text)
    m = re.match(r"(?P<np>.{3,80}?)\s+(?:killed|hit|struck|wounded|destroyed|damaged|was|were|had|has)\b", text)
    return m["np"] if m else text
