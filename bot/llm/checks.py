"""The checks a model's answer passes before anyone sees it. Each failure is a short reason code.

- every cited id was among the passages given, and a found answer cites at least one;
- every number in the answer (digits or words) appears in a cited passage, with the same qualifier
  ("nearly 60" never becomes "60" or "about 60");
- a claim the passages mark as disputed, contradicted, unverified or alleged is not stated as settled:
  an answer sentence about it must attribute or hedge it ("Trump said ...", "... not confirmed");
- no citing a passage that addresses the model ("ignore your instructions ..."): data that tries to
  instruct is never evidence;
- no links or mass mentions, no echo of the system prompt, a sane length.

These are deliberately strict: a false alarm costs only the model's phrasing (the offline answer goes
out instead), a miss could put a wrong figure in front of people.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache

from bot.llm.errors import CheckFailed
from bot.llm.grounding import Grounds, check_instructions, check_links, check_text, grounds_of
from bot.llm.numbers import Mention, mentions

__all__ = ["CheckFailed", "Given", "Output", "check", "parse_output"]

MAX_ANSWER_CHARS = 1200
DISPUTED_STATUS = {"disputed", "contradicted", "unverified"}
# Words in a passage that mark what it reports as not settled.
MARKER_RE = re.compile(
    r"\b(disputed|contested|unverified|unconfirmed|not (?:been )?(?:independently )?confirmed|"
    r"(?:did|does|do) not confirm|declined to confirm|allegedly|alleged|did not echo)\b", re.I)
# Words in an answer sentence that attribute or hedge what it says.
HEDGE_RE = re.compile(
    r"\b(claim(?:s|ed|ing)?|says?|said|according to|announced|announces|asserts?|asserted|"
    r"alleg(?:e|es|ed|edly)|report(?:s|ed|edly)?|contested|contradict(?:s|ed|ory)?|unverified|"
    r"unconfirmed|not (?:been )?(?:independently )?confirmed|(?:did|does|do|has|have) not confirm(?:ed)?|"
    r"(?:didn't|doesn't|hasn't|haven't) confirm(?:ed)?|declined? to confirm|den(?:y|ies|ied)|"
    r"blame[sd]?|blaming|accuse[sd]?|accusing|suggest(?:s|ed)?|whether|unclear|uncertain|"
    r"(?:did|does) not echo|insists?|maintains?|demand(?:s|ed)?|call(?:s|ed)? (?:on|for)|wrote|stated|"
    r"wants?|urge[sd]?|ask(?:s|ed)?|call(?:s|ed)?|told|tells?|describe[sd]?|referr(?:ed|ing)|refers?|termed|request(?:s|ed)?|verif(?:y|ied|ication)|investigat\w*|"
    # "disputed", but not "disputed positions": that names a place, it does not hedge a claim
    r"disputed?(?!\s+(?:positions?|territor\w*|areas?|borders?|land|zones?|regions?|temples?|sites?)))\b",
    re.I)
# Text that talks to the model rather than about the conflict: an answer may not rest on it.
SUSPECT_RE = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b.{0,40}\b(?:instructions?|rules?|prompts?|guidelines)\b|"
    r"\bsystem prompt\b|\byou are now\b|\bnew instructions\b|\bdeveloper mode\b|\bjailbreak", re.I)
SENTENCE_RE = re.compile(r"(?<=[.!?;])\s+")
WORD_RE = re.compile(r"[A-Za-z][A-Za-z'’-]+")
STOPWORDS = set("""
about above after again against also although among another any are around because been before being
below between both but can could did does doing down during each either else ever every from further
had has have having here hers herself him himself his how however into its itself just least less
like made make many more most much must near nearly neither nor not now off once only other ought our
ours over own same shall she should since some still such than that the their theirs them themselves
then there these they this those though through thus too under until upon very was were what when
where whether which while who whom whose why will with within without would yet you your
""".split())


@dataclass
class Given:
    """A passage as the model saw it, plus what we know about its standing."""

    id: str
    kind: str
    text: str
    status: str | None = None  # a claim's status when known
    claim: str = ""  # the claimed proposition, for claims
    topic: str = ""
    keywords: list[str] = field(default_factory=list)  # a claim's search phrases ("opened fire")
    quotes: list[str] = field(default_factory=list)  # the verbatim evidence quotes behind the passage
    urls: list[str] = field(default_factory=list)  # its sources' own URLs (the only links allowed)
    # Our own rendered text (the briefing under a narrative) is citable, but it mixes settled and
    # disputed items too much to say which words are which: it takes no part in the dispute check.
    in_dispute_check: bool = True

    def suspect(self) -> bool:
        return SUSPECT_RE.search(self.text) is not None

    def disputed(self) -> bool:
        if self.status:
            return self.status in DISPUTED_STATUS
        return MARKER_RE.search(self.text) is not None


@dataclass
class Output:
    answer: str
    cited_ids: list[str] = field(default_factory=list)
    found: bool = False


def parse_output(content: str | None) -> Output:
    """The model's JSON object, or CheckFailed('malformed_json')."""
    if not content or not content.strip():
        raise CheckFailed("malformed_json", "empty content")
    text = content.strip()
    if text.startswith("```"):  # some compatible servers fence JSON despite the response format
        text = re.sub(r"^```(?:json)?\s*|\s*```$", "", text)
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise CheckFailed("malformed_json", str(exc)[:120]) from None
    if not isinstance(data, dict):
        raise CheckFailed("malformed_json", "not an object")
    answer, cited, found = data.get("answer"), data.get("cited_ids"), data.get("found")
    if not isinstance(answer, str) or not isinstance(found, bool) or not isinstance(cited, list) \
            or not all(isinstance(c, str) for c in cited):
        raise CheckFailed("malformed_json", "fields missing or of the wrong type")
    return Output(answer=answer.strip(), cited_ids=list(dict.fromkeys(cited)), found=found)


def check(out: Output, given: dict[str, Given], system_prompt: str = "",
          max_chars: int = MAX_ANSWER_CHARS, grounds: Grounds | None = None) -> None:
    """Raise CheckFailed unless `out` (a found answer) may be shown as it is.

    `grounds` is what the briefing knows (who is who, contested topics); without it, names and
    who-did-what must be in the cited text itself."""
    unknown = [c for c in out.cited_ids if c not in given]
    if unknown:
        raise CheckFailed("unknown_citation", ", ".join(unknown)[:200])
    if not out.cited_ids:
        raise CheckFailed("no_citation")
    suspect = [c for c in out.cited_ids if given[c].suspect()]
    if suspect:
        raise CheckFailed("cites_instruction_text", ", ".join(suspect)[:200])
    if not out.answer:
        raise CheckFailed("empty_answer")
    if system_prompt and echoes(out.answer, system_prompt):
        raise CheckFailed("prompt_leak")
    check_instructions(out.answer)
    if len(out.answer) > max_chars:
        raise CheckFailed("too_long", f"{len(out.answer)} chars")
    cited = [given[c] for c in out.cited_ids]
    check_links(out.answer, [u for g in cited for u in g.urls])
    check_numbers(out.answer, cited)
    check_disputes(out.answer, list(given.values()))
    check_text(out.answer, cited, grounds or grounds_of(None), [u for g in cited for u in g.urls])


def check_numbers(answer: str, cited: list[Given]) -> None:
    known: dict[float | str, set[str | None]] = {}
    for g in cited:
        for m in mentions(g.text):
            known.setdefault(m.value, set()).add(m.qualifier)
    for m in mentions(answer):
        if m.value not in known:
            raise CheckFailed("uncited_number", m.text)
        if m.qualifier not in known[m.value]:
            raise CheckFailed("qualifier_changed", f"{describe(m)} vs {sorted(map(str, known[m.value]))}")


def describe(m: Mention) -> str:
    return f"{m.qualifier or 'bare'} {m.text}"


def stem(word: str) -> str:
    # Crude but enough to match "attacks"/"attacked", "agreed"/"agreement".
    return word.lower().replace("’", "'")[:5]


def content_stems(text: str, keep_capitalised: bool = False) -> set[str]:
    return set(_content_stems(text, keep_capitalised))


@lru_cache(maxsize=4096)
def _content_stems(text: str, keep_capitalised: bool) -> frozenset[str]:
    out = set()
    for i, w in enumerate(WORD_RE.findall(text)):
        low = w.lower()
        if len(low) < 4 or low in STOPWORDS or HEDGE_RE.fullmatch(low):
            continue
        # names are shared by every passage about a party; they say nothing of the claim (a sentence's
        # first word is capitalised for being first, so it is kept when asked)
        if w[0].isupper() and not (keep_capitalised and i == 0):
            continue
        out.add(stem(low))
    return frozenset(out)


def dispute_terms(g: Given) -> tuple[set[str], int, list[str]]:
    """What marks a sentence as being about this disputed item: stems (and how many must match) and
    phrases (any one does)."""
    phrases = [k.lower() for k in g.keywords if " " in k.strip()]
    if g.claim or g.topic:
        topic = g.topic[:1].lower() + g.topic[1:]  # "Ceasefire" is a word, not a name
        return content_stems(f"{g.claim} {topic}"), 1, phrases
    marked = [s for s in SENTENCE_RE.split(g.text) if MARKER_RE.search(s)]
    return content_stems(" ".join(marked)), 2, phrases


def check_disputes(answer: str, given: list[Given]) -> None:
    settled: set[str] = set()
    given = [g for g in given if g.in_dispute_check]
    for g in given:
        if not g.disputed():
            settled |= content_stems(g.text)
    items = []
    for g in given:
        if g.disputed():
            terms, need, phrases = dispute_terms(g)
            # Words that undisputed passages use too (dates, places, "bombing") do not make a sentence
            # about the dispute; what is left is what only the disputed material says.
            terms -= settled
            if terms or phrases:
                items.append((g, terms, need, phrases))
    for sentence in SENTENCE_RE.split(answer):
        if HEDGE_RE.search(sentence):
            continue
        words = content_stems(sentence, keep_capitalised=True)
        low = " ".join(WORD_RE.findall(sentence.lower()))
        for g, terms, need, phrases in items:
            said = [p for p in phrases if re.search(rf"\b{re.escape(p)}\b", low)]
            if len(words & terms) >= need or said:
                hit = sorted(words & terms) + said
                raise CheckFailed("disputed_as_settled", f"{g.id}: {hit} in {sentence[:120]!r}")


def echoes(answer: str, system_prompt: str, n: int = 8) -> bool:
    """True when the answer repeats any run of n words of the system prompt."""
    def grams(text: str) -> set[tuple[str, ...]]:
        words = [w.lower() for w in WORD_RE.findall(text)]
        return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}

    return bool(grams(answer) & grams(system_prompt))
