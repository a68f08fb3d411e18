"""Claim-level grounding: every name, date, quote and who-did-what in model-written text must be in the
text it cites (or in what the briefing records about the cited facts).

The model's text is read clause by clause:
- **names**: every capitalised word (a person, body or place) must occur in the cited text, or belong to
  an actor the cited text mentions (its name, aliases, role and country: "the Cambodian leader" is Hun
  Manet when the briefing's actor data says so); "Iranian" matches "Iran" and "Thai" "Thailand";
- **dates and times**: a day ("December 7", "7 Dec"), a weekday, a time of day ("4 a.m.", "Friday
  evening") and a relative date ("next Tuesday", "tomorrow") must be in the cited text;
- **quotes**: a quoted span must be verbatim (quote marks, case and white space normalised) in a cited
  passage or one of its evidence quotes;
- **who did what**: a subject followed by a verb of saying, asking or doing ("Anutin asked ...") must
  be backed by one cited sentence in which the same actor (or its side) says, asks or does so, to the
  same others, and not the opposite ("did not confirm");
- **contested topics**: text touching a claim the briefing holds as disputed names every side of it;
- **links**: only the cited sources' own URLs; **instruction-like text** and text addressing the
  reader as a model fail.

Every word list here is general English; who is who comes from the briefing's actors, never from code.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from bot.llm.errors import CheckFailed

# -- words ------------------------------------------------------------------------------------------

MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december".split(), 1)}
MONTHS |= {m[:3]: i for m, i in list(MONTHS.items())} | {"sept": 9}
WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
DAY_PARTS = "morning afternoon evening night".split()

# Words that may open a sentence without being a name (general English).
COMMON = set("""
a about above according after again against all also although among an and another any as at because before
both but by despite during each earlier either even every few following for from further given had has
have he her here his however if in instead it its later latest many meanwhile more most much neither no nor
not now of on once one only or other others our over overall per reportedly several she since so some
such than that the their them then there these they this those though thus to today under until up
we what when where whether which while who whom whose why with within without yes yet you your i
still separately officially currently publicly specifically asked told said just nobody nothing none
last next first second third finally ultimately notably importantly similarly likewise accordingly
""".split())

# Between a subject and its verb: auxiliaries, negation, adverbs ("Anutin has also reportedly said").
GAP_WORDS = set("""
has have had did does do was were is are will would could should may might can has been be being
not never also then later again first still both all each separately reportedly publicly specifically
already subsequently himself herself itself themselves too had already once just even in turn who
""".split())
NEGATORS = {"not", "never", "n't", "no", "neither", "nor"}
NEGATING_VERBS = re.compile(r"\b(?:declin|refus|fail)\w*\s+to\s*$", re.I)
DETERMINERS = {"the", "a", "an", "its", "their", "his", "her", "our", "these", "those", "this", "that"}

VERB_CLASSES: dict[str, str] = {}
for _cls, _bases in {
    "say": "say tell state write post announce declare claim insist stress emphasise emphasize reiterate note "
           "add acknowledge describe refer argue warn vow pledge promise confirm deny reject accuse blame echo "
           "mention suggest report tweet reply respond admit allege term label dismiss condemn welcome praise "
           "threaten predict clarify underline underscore recall maintain express voice signal indicate explain "
           "assert highlight outline comment concede affirm reaffirm repeat retort answer estimate",
    "ask": "ask request urge demand appeal press seek invite plead push implore",
    "agree": "agree accept approve endorse",
    "do": "launch attack strike fire kill bomb shell seize capture take withdraw deploy meet visit broker "
          "mediate host convene sanction impose name appoint speak talk phone open halt stop cease resume "
          "shoot intercept destroy damage hit invade occupy evacuate flee enter retake cut sever expel suspend "
          "recall close reopen telephone contact travel fly arrive leave resign dissolve detain arrest release "
          "free apologise apologize thank propose offer veto adopt vote order authorise authorize chair lead "
          "attend skip boycott summon visit sign",
    "call": "call",
}.items():
    for _b in _bases.split():
        VERB_CLASSES[_b] = _cls
# "called" may be asking (called on), saying (called it an accident) or doing (called Trump).
CLASS_MATCH = {"say": {"say", "call"}, "ask": {"ask", "call"}, "agree": {"agree"}, "do": {"do", "call"},
               "call": {"say", "ask", "do", "call"}}
IRREGULAR = {"cut": ["cut"], "say": ["said"], "tell": ["told"], "write": ["wrote", "written"], "speak": ["spoke", "spoken"],
             "take": ["took", "taken"], "strike": ["struck", "stricken"], "seek": ["sought"], "meet": ["met"],
             "withdraw": ["withdrew", "withdrawn"], "shoot": ["shot"], "hit": ["hit"], "flee": ["fled"],
             "retake": ["retook", "retaken"]}
DOUBLING = {"admit", "refer", "stop", "ban", "plan", "shell"}


def _forms(base: str) -> list[str]:
    out = [base, *IRREGULAR.get(base, [])]
    if base.endswith(("s", "sh", "ch", "x", "z", "o")):
        out.append(base + "es")
    elif base.endswith("y") and base[-2] not in "aeiou":
        out.append(base[:-1] + "ies")
    else:
        out.append(base + "s")
    if base in IRREGULAR and base not in {"hit"}:
        stem_ing = base[:-1] if base.endswith("e") and not base.endswith("ee") else base
        out.append(stem_ing + "ing")
        return out
    if base.endswith("e"):
        out += [base + "d", (base[:-1] if not base.endswith("ee") else base) + "ing"]
    elif base.endswith("y") and base[-2] not in "aeiou":
        out += [base[:-1] + "ied", base + "ing"]
    elif base in DOUBLING and not base.endswith("ll"):
        out += [base + base[-1] + "ed", base + base[-1] + "ing"]
    else:
        out += [base + "ed", base + "ing"]
    return out


VERB_FORMS: dict[str, str] = {f: b for b in VERB_CLASSES for f in _forms(b)}

WORD_RE = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ][0-9A-Za-zÀ-ÖØ-öø-ÿ'’.\-]*")
SENTENCE_SPLIT = re.compile(r"(?<=[.!?;])\s+(?=[\"“‘'(\[]?[A-Z0-9])|\n+")
CLAUSE_END = re.compile(r"[;:]|,\s+(?:while|but|whereas|although|though)\b|\s(?:but|whereas)\s", re.I)
QUOTE_RE = re.compile(r"“([^”]{1,400})”|\"([^\"]{1,400})\"|(?:(?<=\s)|^)‘([^’]{2,400}?)’(?=[\s.,;:!?)]|$)")

_DATE_MD = re.compile(r"\b(?P<m>[A-Za-z]{3,9})\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?\b(?!\s*(?:%|,\d))")
_DATE_DM = re.compile(r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m>[A-Za-z]{3,9})\b\.?")
_DATE_ISO = re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b")
_DATE_DOTS = re.compile(r"\b(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})\b")
_TIME = re.compile(r"\b(?P<h>\d{1,2})(?::(?P<mi>\d{2}))?\s*(?P<ap>[ap])\.?\s?m\b\.?", re.I)
_CLOCK = re.compile(r"\b(?P<h>[01]?\d|2[0-3])[:.h](?P<mi>[0-5]\d)\b")
_RELATIVE = re.compile(
    r"\b(?:today|tonight|tomorrow|yesterday|(?:next|last|this|coming|past)\s+(?:week(?:end)?|month|year|"
    + "|".join(WEEKDAYS) + r"))\b", re.I)
_WEEKDAY_PART = re.compile(r"\b(" + "|".join(WEEKDAYS) + r")\s+(" + "|".join(DAY_PARTS) + r")\b", re.I)

URL_RE = re.compile(
    r"(?i)\b(?:https?://|ftp://|www\.)\S+|"
    r"\b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,24})/\S*|"
    r"\b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:com|org|net|info|biz|io|gov|edu|mil|int|example|invalid|"
    r"test|local|onion|co|uk|us|eu|ru|cn|de|fr|ly|me|tv|xyz|app|dev|site|online|top|news|link|click)\b")
MENTION_RE = re.compile(r"(?i)<[!@#]|@everyone|@here|@channel")
INSTRUCTION_RE = re.compile(
    r"\b(?:ignore|disregard|forget|override|bypass)\b.{0,40}\b(?:instructions?|rules?|prompts?|guidelines|"
    r"directives?|messages?)\b|\bsystem (?:prompt|message)\b|\bdeveloper (?:mode|message)\b|\byou are now\b|"
    r"\bnew instructions\b|\bjailbreak|\bas an? (?:ai|artificial intelligence|language model|llm|assistant|"
    r"chatbot)\b|\b(?:i am|i'm|i’m) (?:an? )?(?:ai|language model|llm|assistant|chatbot)\b|\blanguage model\b|"
    r"\bmy (?:instructions|guidelines|programming|training data|system prompt|rules)\b|"
    r"\b(?:reveal|print|show|repeat|output)\b.{0,30}\b(?:prompt|instructions)\b|\bact as\b|"
    r"\byou (?:must|should) (?:now )?(?:ignore|obey|follow)\b|\bpretend (?:to be|you are)\b",
    re.I)


def fold(text: str) -> str:
    """Lower case, quote marks and dashes unified, accents and extra white space dropped."""
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    text = text.replace("–", "-").replace("—", "-")
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.lower().split())


def word_key(word: str) -> str:
    """'Trump’s' -> 'trump', 'U.S.' -> 'us'."""
    w = word.replace("’", "'")
    w = re.sub(r"'s?$", "", w)
    if re.fullmatch(r"(?:[A-Za-z]\.){2,}", w + ("." if not w.endswith(".") else "")):
        w = w.replace(".", "")
    return fold(w.strip(".-'"))


_ACRONYM_DOTS = re.compile(r"\b(?:[a-z]\.){2,}")
_POSSESSIVE = re.compile(r"'s?\b")
_LOWER_WORD = re.compile(r"[a-z0-9]*[a-z][a-z0-9]*")


def words_of(text: str) -> list[str]:
    """Folded words: 'Trump’s' -> 'trump', 'U.S.' -> 'us', 'al-Anbiya' -> 'al', 'anbiya'."""
    t = fold(text)
    t = _ACRONYM_DOTS.sub(lambda m: m.group(0).replace(".", ""), t)
    return _LOWER_WORD.findall(_POSSESSIVE.sub("", t))


# Demonyms that are not a short extension of the country's name (general English, any conflict).
DEMONYMS = {"british": "britain", "french": "france", "dutch": "netherlands", "swiss": "switzerland",
            "welsh": "wales", "irish": "ireland", "spanish": "spain", "danish": "denmark", "swedish": "sweden",
            "finnish": "finland", "polish": "poland", "turkish": "turkey", "greek": "greece",
            "filipino": "philippines", "norwegian": "norway", "english": "england", "scottish": "scotland",
            "emirati": "emirates", "icelandic": "iceland", "peruvian": "peru", "portuguese": "portugal",
            "yemeni": "yemen", "cypriot": "cyprus", "lao": "laos", "burmese": "myanmar"}


def related(a: str, b: str) -> bool:
    """'iranian'~'iran', 'thai'~'thailand', 'congolese'~'congo': one a short extension of the other."""
    if a == b or DEMONYMS.get(a) == b or DEMONYMS.get(b) == a:
        return True
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    return len(short) >= 4 and long_.startswith(short) and len(long_) - len(short) <= 5


# -- what the briefing knows ------------------------------------------------------------------------

@dataclass
class ActorForms:
    id: str
    kind: str
    forms: list[str]  # folded phrases naming this actor
    country: str = ""  # folded country name, the actor's side


@dataclass
class Topic:
    name: str
    claim_ids: set[str]
    sides: list[str]  # actor ids (or names) making each claim
    terms: list[set[str]]  # per claim: content words that mark text as about it
    phrases: list[str]
    stance_of: dict[str, tuple[str, str]] = field(default_factory=dict)  # claim id -> (by, stance)


@dataclass(eq=False)
class Grounds:
    """Who is who, contested topics, and what the briefing adds about each fact, from a briefing."""

    actors: dict[str, ActorForms] = field(default_factory=dict)
    topics: list[Topic] = field(default_factory=list)
    extra: dict[str, str] = field(default_factory=dict)  # fact id -> text the fact's data adds
    claim_topic: dict[str, str] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)  # the reports' texts, to find what "he" stands for
    _pattern: re.Pattern[str] | None = None
    _acronyms: re.Pattern[str] | None = None
    _by_form: dict[str, set[str]] = field(default_factory=dict)
    _words: dict[str, set[str]] = field(default_factory=dict)
    _lower: set[str] | None = None

    def compile(self) -> Grounds:
        for a in self.actors.values():
            for f in a.forms:
                self._by_form.setdefault(f, set()).add(a.id)
        plain = sorted((f for f in self._by_form if not f.isupper()), key=len, reverse=True)
        acro = sorted((f for f in self._by_form if f.isupper()), key=len, reverse=True)
        if plain:
            self._pattern = re.compile(r"(?<![\w'])(?:" + "|".join(re.escape(f) for f in plain) + r")(?![\w])")
        if acro:
            self._acronyms = re.compile(r"(?<![\w])(?:" + "|".join(re.escape(f) for f in acro) + r")(?![\w])")
        return self

    def mentions(self, text: str) -> list[tuple[int, int, set[str]]]:
        """(start, end, actor ids) of every actor named in `text` (text as is; matching is folded)."""
        out: list[tuple[int, int, set[str]]] = []
        low = text.lower().replace("’", "'")
        if self._pattern is not None:
            out += [(m.start(), m.end(), self._by_form[m.group(0)]) for m in self._pattern.finditer(low)]
        if self._acronyms is not None:
            out += [(m.start(), m.end(), self._by_form[m.group(0)]) for m in self._acronyms.finditer(text)]
        return sorted(out)

    def lower_words(self) -> set[str]:
        """Words the reports write in lower case: ordinary words, so a sentence may open with one."""
        if self._lower is None:
            self._lower = {w for text in self.sources for w in re.findall(r"(?<![\w'’-])[a-z][a-z-]+", text)}
        return self._lower

    def sentence_before(self, sentence: str) -> str:
        """The sentence before `sentence` in the report it comes from ("" when not found)."""
        for text in self.sources:
            at = text.find(sentence)
            if at > 0:
                prior = sentences(text[max(0, at - 400):at].strip())
                return prior[-1] if prior else ""
        return ""

    def name_words(self, aid: str) -> set[str]:
        """Every word naming an actor (its forms and country), or a country marker's words."""
        got = self._words.get(aid)
        if got is None:
            a = self.actors.get(aid)
            got = set(words_of(aid[8:])) if a is None and aid.startswith("country:") else set()
            if a is not None:
                for f in [*a.forms, a.country]:
                    got |= set(words_of(f))
            self._words[aid] = got
        return got

    def side(self, ids: Iterable[str]) -> set[str]:
        """Actors plus the countries they stand for (a leader speaks for his country, and back)."""
        out = set(ids)
        countries = {self.actors[i].country for i in out if i in self.actors and self.actors[i].country}
        out |= {a.id for a in self.actors.values() if a.country in countries and a.kind == "country"}
        out |= {f"country:{c}" for c in countries}
        return out


_CACHE: dict[int, tuple[Any, Grounds]] = {}


def grounds_of(briefing: Any) -> Grounds:
    """The briefing's grounds, built once per briefing object (a reload makes a new one)."""
    if briefing is None:
        return Grounds().compile()
    hit = _CACHE.get(id(briefing))
    if hit is not None and hit[0] is briefing:
        return hit[1]
    grounds = build_grounds(briefing)
    if len(_CACHE) > 8:
        _CACHE.clear()
    _CACHE[id(briefing)] = (briefing, grounds)
    return grounds


def grounds_of_actors(actors: list[Any]) -> Grounds:
    """Grounds from actors alone (ingest knows the briefing's actors, not its whole text)."""
    from types import SimpleNamespace

    return build_grounds(SimpleNamespace(actors=list(actors), claims=[], sources=[], facts=lambda: []))


def role_forms(role: str, country: str, demonyms: list[str]) -> list[str]:
    """'Prime Minister of Cambodia' -> 'cambodia's prime minister', 'cambodian prime minister'..."""
    out = [role]
    m = re.fullmatch(r"(.+?) of (?:the )?(.+)", role)
    if m:
        title, where = m.groups()
        out += [f"{where}'s {title}", f"{where} {title}"]
        if where == country:
            out += [f"{d} {title}" for d in demonyms]
    return out


def build_grounds(briefing: Any) -> Grounds:
    g = Grounds(sources=[src.text for src in getattr(briefing, "sources", []) or []])
    actors = list(getattr(briefing, "actors", []) or [])
    # Demonyms from the data: "Thai government" names Thailand, so "thai" is Thailand's adjective.
    demonyms: dict[str, list[str]] = {}
    for a in actors:
        if a.kind == "country":
            found = []
            for alias in a.aliases:
                parts = alias.split()
                if len(parts) > 1 and parts[0][:1].isupper() and parts[0] != a.name:
                    found.append(fold(parts[0]))
            demonyms[fold(a.name)] = sorted(set(found))
    for a in actors:
        country = fold(a.country or (a.name if a.kind == "country" else ""))
        forms = [a.name, *a.aliases]
        if a.kind == "person" and a.role and ";" not in a.role:
            forms += role_forms(fold(a.role), country, demonyms.get(country, []))
        if a.kind == "country":
            forms += demonyms.get(fold(a.name), [])
        folded = []
        for f in forms:
            f = f.strip()
            if len(f) < 2:
                continue
            folded.append(f if (f.isupper() and len(f) <= 6) else fold(f))
        g.actors[a.id] = ActorForms(a.id, a.kind, sorted(set(folded)), country)
    name_of = {a.id: a.name for a in actors}

    def names(ids: Iterable[str]) -> str:
        return " ".join(name_of.get(i, i) for i in ids if i)

    for fact in briefing.facts() if hasattr(briefing, "facts") else []:
        parts: list[str] = []
        for attr in ("by", "requester", "announced_by"):
            if getattr(fact, attr, None):
                parts.append(names([getattr(fact, attr)]))
        for attr in ("addressees", "parties", "brokers", "backers"):
            parts.append(names(getattr(fact, attr, []) or []))
        for p in getattr(fact, "participants", []) or []:
            parts.append(names([p.actor]))
        if getattr(fact, "place", None):
            parts.append(fact.place)
        dates = list(getattr(fact, "signed", []) or [])
        if getattr(fact, "when", None) is not None:
            dates.append(fact.when)
        for d in dates:
            if d.date is not None and d.precision in ("day", "approximate"):
                parts.append(d.date.isoformat())
            elif d.date is not None:
                parts.append(d.date.strftime("%B %Y"))
            if d.text:
                parts.append(d.text)
        text = " . ".join(p for p in parts if p)
        if text:
            g.extra[fact.id] = text
    by_topic: dict[str, list[Any]] = {}
    for c in getattr(briefing, "claims", []) or []:
        if c.status in ("disputed", "contradicted", "unverified"):
            by_topic.setdefault(c.topic, []).append(c)
    for topic, claims in by_topic.items():
        sides = list(dict.fromkeys(c.by for c in claims))
        g.topics.append(Topic(name=topic, claim_ids={c.id for c in claims}, sides=sides,
                              terms=[content(fold(re.sub(r"\b[A-Z][\w'’-]*", " ", c.claim))) for c in claims],
                              phrases=sorted({fold(k) for c in claims for k in c.keywords if " " in k.strip()}),
                              stance_of={c.id: (c.by, c.stance) for c in claims}))
        for c in claims:
            g.claim_topic[c.id] = topic
    return g.compile()


STOP = COMMON | GAP_WORDS | set("""
been into onto upon amid among than more less very same own out off down per via be being say said says
""".split())


SUFFIXES = ("ations", "ation", "ments", "ment", "ings", "ing", "edly", "ed", "es", "s", "ly")


@lru_cache(maxsize=16384)
def stem(word: str) -> str:
    """A light stem: 'started'/'starting' -> 'start', 'agreed'/'agree' -> 'agre', 'ceasefire' stays apart
    from 'cease'."""
    for suf in SUFFIXES:
        if word.endswith(suf) and len(word) - len(suf) >= 4:
            word = word[:-len(suf)]
            break
    return word[:-1] if word.endswith("e") and len(word) > 4 else word


def content(text: str) -> set[str]:
    """Content stems of lower-case words (function words left out)."""
    return {stem(w) for w in re.findall(r"[a-z][a-z'-]+", text) if len(w) > 3 and w not in STOP}


# -- the support: what the cited text says -----------------------------------------------------------

@dataclass
class Unit:
    """One cited sentence, with the actors it names (a leading pronoun stands for the one before)."""

    text: str
    low: str
    mentions: list[tuple[int, int, set[str]]]
    verbs: list[tuple[int, str, bool]]  # (position, lemma, negated)
    antecedent: str = ""  # the sentence before, when this one opens with a pronoun ("He said ...")
    words: frozenset[str] = frozenset()  # content stems
    acts: dict[int, Act] = field(default_factory=dict)  # verb position -> who does it, when clear
    title: bool = False  # a headline in title case: its verbs count only with a clear subject
    follow: Unit | None = None  # the next sentence when it goes on about the same one ("He said ...")
    inner: list[Act] = field(default_factory=list)  # acts inside what was said or asked


@dataclass
class Support:
    texts: list[str]
    low: str
    words: set[str]
    names: set[str]
    actors: set[str]
    dates: set[tuple[int, int]]
    months: set[int]
    weekdays: set[str]
    times: set[tuple[int, int, str]]
    units: list[Unit]


@dataclass(frozen=True)
class TextFacts:
    """What one cited text contributes (cached: the same fact statements are cited again and again)."""

    low: str
    words: frozenset[str]
    names: frozenset[str]
    actors: frozenset[str]
    dates: tuple[frozenset, frozenset, frozenset, frozenset]
    units: tuple[Unit, ...]


@lru_cache(maxsize=4096)
def initials(text: str) -> frozenset[str]:
    """Initials of multi-word names: "United Nations" stands behind "UN"."""
    out = set()
    for m in re.finditer(r"\b[A-Z][a-z]+(?:\s+(?:(?:of|for|and|the)\s+)*[A-Z][a-z]+)+", text):
        caps = [w for w in m.group(0).split() if w[:1].isupper()]
        out.add("".join(w[0] for w in caps).lower())
    return frozenset(out)


@lru_cache(maxsize=4096)
def text_facts(text: str, grounds: Grounds) -> TextFacts:
    actors: set[str] = set()
    for _s, _e, ids in grounds.mentions(text):
        actors |= ids
    # An actor named in the cited text brings its names, aliases, role and country along.
    names: set[str] = set()
    for aid in grounds.side(actors):
        names |= grounds.name_words(aid)
    names |= initials(text)
    dates = tuple(frozenset(x) for x in date_facts(text))
    return TextFacts(fold(text), frozenset(words_of(text)), frozenset(names), frozenset(actors),
                     dates, tuple(units_of(text, grounds)))  # type: ignore[arg-type]


def support_of(texts: list[str], grounds: Grounds, unit_texts: list[str] | None = None) -> Support:
    facts = [text_facts(t, grounds) for t in texts]
    unit_set = set(unit_texts) if unit_texts is not None else None
    units = [u for t, f in zip(texts, facts, strict=True) if unit_set is None or t in unit_set for u in f.units]
    return Support(texts, "\n".join(f.low for f in facts), set().union(*(f.words for f in facts)),
                   set().union(*(f.names for f in facts)), set().union(*(f.actors for f in facts)),
                   set().union(*(f.dates[0] for f in facts)), set().union(*(f.dates[1] for f in facts)),
                   set().union(*(f.dates[2] for f in facts)), set().union(*(f.dates[3] for f in facts)), units)


def month_of(token: str) -> int | None:
    return MONTHS.get(token.lower().rstrip("."))


def date_facts(text: str) -> tuple[set[tuple[int, int]], set[int], set[str], set[tuple[int, int, str]]]:
    dates: set[tuple[int, int]] = set()
    months: set[int] = set()
    full_dates: set[str] = set()  # weekdays of dates given with their year
    for rx in (_DATE_MD, _DATE_DM):
        for m in rx.finditer(text):
            mo = month_of(m.group("m"))
            if mo and 1 <= int(m.group("d")) <= 31:
                dates.add((mo, int(m.group("d"))))
    for rx in (_DATE_ISO, _DATE_DOTS):
        for m in rx.finditer(text):
            mo, d = int(m.group("m")), int(m.group("d"))
            if 1 <= mo <= 12 and 1 <= d <= 31:
                dates.add((mo, d))
                months.add(mo)
                try:
                    full_dates.add(WEEKDAYS[dt.date(int(m.group("y")), mo, d).weekday()])
                except ValueError:
                    pass
    for w in re.findall(r"[A-Za-z]+", text):
        mo = month_of(w)
        if mo and (len(w) > 3 or w[:1].isupper()):
            months.add(mo)
    weekdays = {w for w in WEEKDAYS if re.search(rf"\b{w}\b", text, re.I)} | full_dates
    times = set()
    for m in _TIME.finditer(text):
        times.add((int(m.group("h")), int(m.group("mi") or 0), m.group("ap").lower()))
    for m in _CLOCK.finditer(text):
        h = int(m.group("h"))
        times.add((h % 12 or 12, int(m.group("mi")), "a" if h < 12 else "p"))
    return dates, months, weekdays, times


def sentences(text: str) -> list[str]:
    return [s for s in SENTENCE_SPLIT.split(text) if s and s.strip()]


def verbs_in(text: str, low: str) -> list[tuple[int, str, bool]]:
    """(position, lemma, negated) of each verb of saying, asking or doing in `text`."""
    out = []
    for m in re.finditer(r"[a-z]+", low):
        lemma = VERB_FORMS.get(m.group(0))
        if lemma is None:
            continue
        before = low[max(0, m.start() - 30):m.start()]
        near = re.findall(r"[a-z']+", before)[-3:]
        negated = any(w in NEGATORS or w.endswith("n't") for w in near) or bool(NEGATING_VERBS.search(before))
        out.append((m.start(), lemma, negated))
    return out


PRONOUN_START = re.compile(r"^\s*(?:he|she|they|it)\b", re.I)


PRONOUN_ANYWHERE = re.compile(r"\b(?:he|she|they)\b|^\s*it\b", re.I)


def doer_before(antecedent: str, grounds: Grounds) -> list[set[str] | str]:
    """Whom "he" stands for after `antecedent`: who did the last thing there, else the first one named."""
    prior = acts_of(antecedent, grounds) if antecedent else []
    if prior:
        return prior[-1].subjects[:1]
    named = answer_mentions(antecedent, grounds) if antecedent else []
    return [named[0][2]] if named else []


def units_of(text: str, grounds: Grounds) -> list[Unit]:
    out: list[Unit] = []
    before = ""
    for i, s in enumerate(sentences(text)):
        mentions = grounds.mentions(s)
        low = s.lower().replace("’", "'")
        antecedent = ""
        doer: list[set[str] | str] = []
        if PRONOUN_ANYWHERE.search(s):
            # the sentence before in this text, or in the report it was cut from
            antecedent = before if i else grounds.sentence_before(s)
            doer = doer_before(antecedent, grounds)
            if PRONOUN_START.match(s):
                mentions = [(-1, 0, d) for d in doer if isinstance(d, set)] + mentions
        words = s.split()
        title = len(words) >= 4 and sum(w[:1].isupper() for w in words) >= 0.6 * len(words)
        acts = acts_of(s, grounds, doer or None)
        out.append(Unit(s, low, mentions, verbs_in(s, low), antecedent,
                        frozenset(content(fold(strip_names(s, grounds)))),
                        {a.at: a for a in acts if not a.embedded}, title, inner=[a for a in acts if a.embedded]))
        if i and PRONOUN_START.match(s):
            out[-2].follow = out[-1]
        before = s
    return out


# -- the checks --------------------------------------------------------------------------------------

def check_text(answer: str, cited: list[Any], grounds: Grounds, urls: Iterable[str] = (),
               support: Support | None = None) -> None:
    """Raise CheckFailed unless every claim of `answer` is grounded in the cited passages (Given)."""
    check_instructions(answer)
    check_links(answer, urls)
    if support is None:
        texts, units = support_texts(cited, grounds)
        support = support_of(texts, grounds, units)
    check_quotes(answer, support, grounds)
    check_dates(answer, support)
    check_names(answer, support, grounds)
    check_actions(answer, support, grounds)
    check_sides(answer, cited, grounds)


def support_texts(cited: list[Any], grounds: Grounds) -> tuple[list[str], list[str]]:
    texts, units = [], []
    for g in cited:
        texts.append(g.text)
        units.append(g.text)
        for q in getattr(g, "quotes", []) or []:
            texts.append(q)
            units.append(q)
        extra = grounds.extra.get(g.id)
        if extra:
            texts.append(extra)
    return texts, units


def check_instructions(answer: str) -> None:
    m = INSTRUCTION_RE.search(answer)
    if m:
        raise CheckFailed("instruction_text", m.group(0)[:80])


def check_links(answer: str, urls: Iterable[str] = ()) -> None:
    if MENTION_RE.search(answer):
        raise CheckFailed("link_or_mention", MENTION_RE.search(answer).group(0))  # type: ignore[union-attr]
    allowed = {u.strip().rstrip("/").lower() for u in urls if u and u.strip()}
    for m in URL_RE.finditer(answer):
        link = m.group(0).rstrip(".,;:)!?\"'”’").rstrip("/").lower()
        bare = re.sub(r"^(?:https?://)?(?:www\.)?", "", link)
        if not any(bare == re.sub(r"^(?:https?://)?(?:www\.)?", "", a) for a in allowed):
            raise CheckFailed("link_or_mention", m.group(0)[:80])


@lru_cache(maxsize=4096)
def norm_quote(text: str) -> str:
    text = fold(text)
    text = text.replace('"', "").replace("'", "")
    text = re.sub(r"[^\w\s\[\]]", " ", text)
    return " ".join(text.split())


def quotes_in(answer: str) -> list[str]:
    out = []
    for m in QUOTE_RE.finditer(answer):
        q = next(g for g in m.groups() if g is not None)
        if q.strip():
            out.append(q)
    return out


def in_cited_report(quote: str, support: Support, grounds: Grounds) -> bool:
    """A quote that runs on past a cited sentence ("... ceasefire? Explosions heard ...") is verbatim when
    it is so in the report that sentence was cut from and begins within the cited sentence."""
    n = norm_quote(quote)
    if not n:
        return True
    head = " ".join(n.split()[:4])
    cited = [norm_quote(t) for t in support.texts]
    for src in grounds.sources:
        full = norm_quote(src)
        if f" {n} " in f" {full} " and any(head in c and c[:80] in full for c in cited if c):
            return True
    return False


def check_quotes(answer: str, support: Support, grounds: Grounds | None = None) -> None:
    quotes = quotes_in(answer)
    if not quotes:
        return
    haystack = " | ".join(norm_quote(t) for t in support.texts)
    for q in quotes:
        if grounds is not None and in_cited_report(q, support, grounds):
            continue  # verbatim in the report a cited sentence comes from, starting in that sentence
        # an ellipsis joins pieces, and a quote of two sentences may be two cited sentences
        for part in re.split(r"\.\.\.|…|\[\s*\.\.\.\s*\]|(?<=[.!?])\s+(?=[A-Z])", q):
            n = norm_quote(part)
            if n and f" {n} " not in f" {haystack} ":
                raise CheckFailed("quote_not_verbatim", q[:80])


def check_dates(answer: str, support: Support) -> None:
    dates, months, weekdays, times = date_facts(answer)
    for d in dates:
        if d not in support.dates:
            raise CheckFailed("unsupported_date", f"{d[1]} {list(MONTHS)[d[0] - 1].title()}")
    for mo in months:
        if mo not in support.months and not any(d[0] == mo for d in support.dates):
            raise CheckFailed("unsupported_date", list(MONTHS)[mo - 1].title())
    for w in weekdays:
        if w not in support.weekdays:
            raise CheckFailed("unsupported_date", w.title())
    for t in times:
        if t not in support.times:
            raise CheckFailed("unsupported_date", f"{t[0]}:{t[1]:02d} {t[2]}m")
    for m in _RELATIVE.finditer(answer):
        if fold(m.group(0)) not in support.low:
            raise CheckFailed("unsupported_date", m.group(0))
    for m in _WEEKDAY_PART.finditer(answer):
        if fold(m.group(0)) not in support.low:
            raise CheckFailed("unsupported_date", m.group(0))


def capitalised(answer: str) -> list[tuple[str, bool]]:
    """(word, opens a sentence) for every capitalised word of `answer`."""
    out = []
    for s in sentences(answer):
        first = True
        for m in WORD_RE.finditer(s):
            raw = m.group(0)
            parts = [raw] if re.fullmatch(r"(?:[A-Z]\.){2,}", raw) else re.split(r"[-.](?=[A-Za-z])", raw)
            for p in parts:
                if p[:1].isupper():
                    out.append((p, first))
                first = False
            if s[m.end():m.end() + 1] in (":", ";") or (s[m.end():m.end() + 2] in ('. ', '! ', '? ')):
                first = True
        # after a colon or an opening quote a new sentence may start
    return out


def check_names(answer: str, support: Support, grounds: Grounds | None = None) -> None:
    known = support.words | support.names
    ordinary = grounds.lower_words() if grounds is not None else set()
    for raw, opens in capitalised(answer):
        key = word_key(raw)
        if not key or key == "i":
            continue
        if opens and (key in COMMON or key in ordinary):
            continue
        if month_of(key) or key in WEEKDAYS:
            continue  # the date check judges these
        parts = [p for p in key.split("-") if re.search("[a-z]", p)] or [key]
        if all(p in known or any(related(p, k) for k in known if k[:2] == p[:2] or p in DEMONYMS)
               for p in parts):
            continue
        raise CheckFailed("unsupported_name", raw)


def answer_mentions(clause: str, grounds: Grounds) -> list[tuple[int, int, set[str] | str]]:
    """Actors (ids) and other capitalised names (as a folded string) in a clause, in order."""
    found: list[tuple[int, int, set[str] | str]] = list(grounds.mentions(clause))
    taken = [(s, e) for s, e, _ in found]
    for m in re.finditer(r"(?<![\w'’])(?:[A-Z][\w'’-]*)(?:\s+(?:of\s+|al-|bin\s+)?[A-Z][\w'’-]*)*", clause):
        if any(s <= m.start() < e or m.start() <= s < m.end() for s, e in taken):
            continue
        start, text = m.start(), m.group(0)
        first_word = text.split()[0]
        if " " in text and word_key(first_word) in COMMON:  # "The Congolese": the article is no name
            start, text = start + len(first_word) + 1, text[len(first_word) + 1:]
        name = word_key(text)
        if not name or name in COMMON or month_of(name) or name in WEEKDAYS:
            continue
        opening = not clause[:start].strip() or clause[:start].rstrip()[-1:] in ".!?:;\"“("
        if opening and " " not in name and (name in VERB_FORMS or name.endswith(("ing", "ly", "ed"))):
            continue  # "Speaking in French, ...": a sentence's first word, not a name
        end = m.end() - 2 if re.search(r"['’]s$", m.group(0)) else m.end()
        found.append((start, end, name))
    return sorted(found, key=lambda x: x[0])


def gap_ok(gap: str) -> tuple[bool, bool]:
    """(the words between a subject and a verb allow it to be the verb's subject, they negate it)."""
    negated = bool(NEGATING_VERBS.search(gap))
    gap = NEGATING_VERBS.sub(" ", gap)
    gap = re.sub(r",[^,]{1,80},", " ", gap)  # an apposition: "Hun Manet, Cambodia's prime minister, asked"
    gap = gap.replace("’", "'")
    # "Tshisekedi's office blamed": the possessor's side speaks; "Trump's claims" alone is a noun
    possessive = re.match(r"'s?\s+((?:[a-z-]+\s+){1,2})", gap.lower())
    if possessive:
        gap = gap[possessive.end():]
    elif gap.startswith("'"):
        return False, negated
    else:
        # the noun a name qualifies: "the Congolese army said", "Iranian state media claimed"
        head = re.match(r"\s+((?:[a-z-]+\s+){1,2})", gap)
        if head and not any(w in COMMON or w in GAP_WORDS or w in NEGATORS or w in VERB_FORMS
                            for w in head.group(1).split()):
            gap = gap[head.end():]
    for w in re.findall(r"[a-z']+|[^\sa-z']", gap.lower()):
        if w in NEGATORS or w.endswith("n't"):
            negated = True
            continue
        if w in GAP_WORDS or w.endswith("ly"):
            continue
        return False, negated
    return True, negated


def in_unit(target: set[str] | str, unit: Unit, grounds: Grounds, before: int | None = None,
            after: int | None = None) -> bool:
    """Whether `unit` names `target` (an actor, its side, or a plain name), before position `before`
    or after position `after` when given."""
    if isinstance(target, str):
        # every word of the name, or a close form of it ("Iranian" in the answer, "Iran" in the source)
        names = [w for w in words_of(target) if w not in COMMON] or words_of(target)
        for text, offset in ((unit.text, 0), (unit.antecedent, -10_000)):
            low = fold(text)
            firsts, lasts = [], []
            for w in names:
                hit = [m.start() for m in re.finditer(r"[a-z0-9]+", low) if related(w, m.group(0))]
                if not hit:
                    break
                firsts.append(min(hit))
                lasts.append(max(hit))
            else:
                if firsts and (before is None or min(firsts) + offset < before) and \
                        (after is None or (offset == 0 and min(lasts) > after)):
                    return True
        # "EU" for "European Union"
        return len(names) == 1 and len(names[0]) <= 5 and names[0] in initials(unit.text)
    side = grounds.side(target)
    for s, _e, ids in unit.mentions:
        if (ids & side or grounds.side(ids) & target) and (before is None or s < before) and \
                (after is None or s > after):
            return True
    return False


@dataclass
class Act:
    """Who did what in one clause of the answer: "Anutin asked Trump and Anwar ..."."""

    subjects: list[set[str] | str]
    lemma: str
    negated: bool
    objects: list[set[str] | str]
    clause: str
    words: set[str] = field(default_factory=set)  # content stems of what was said or done
    at: int = 0  # where the verb is in the text read
    start: int = 0  # where its subject starts in the clause
    embedded: bool = False  # inside what someone said or asked ("... that Thailand withdraw")


def coordinated(mentions: list, i: int, clause: str) -> list:
    """The subject mention i and those joined to it by 'and' ("Cambodia and Thailand have", "A, B and C");
    a comma alone joins nothing ("Speaking in French, Tshisekedi said")."""
    out = [mentions[i][2]]
    seps = []
    j = i
    while j > 0:
        sep = clause[mentions[j - 1][1]:mentions[j][0]]
        if not re.fullmatch(r"\s*(?:,|and|,\s*and|&)\s*(?:the\s+)?", sep, re.I):
            break
        seps.append("and" in sep or "&" in sep)
        j -= 1
    if seps and seps[0]:
        out += [mentions[k][2] for k in range(i - 1, j - 1, -1)]
    return out


BE = {"was", "were", "been", "being", "is", "are", "be"}
# A name after these is where something happened, not who it happened to.
LOCATIVE = re.compile(r"\b(?:in|at|near|across|into|inside|outside|around|from|through|towards?|within|over)\s+"
                      r"(?:the\s+|an?\s+)?$", re.I)


def acts_of(answer: str, grounds: Grounds, last: list[set[str] | str] | None = None) -> list[Act]:
    """Who does what in `answer`; `last` is whom a leading "he" or "she" stands for."""
    out: list[Act] = []
    cursor = 0
    previous_mentions: list = []
    for s in sentences(answer):
        for clause in CLAUSE_END.split(s):
            if not clause or not clause.strip():
                continue
            offset = answer.find(clause, cursor)
            cursor = max(cursor, offset)
            low = clause.lower().replace("’", "'")
            mentions = answer_mentions(clause, grounds)
            verbs = verbs_in(clause, low)
            acts: list[tuple[int, Act]] = []
            inner: list[Act] = []
            seen = [m[2] for m in previous_mentions]
            for pos, lemma, negated in verbs:
                subjects = None
                objects_extra: list[set[str] | str] = []
                left = [k for k, m in enumerate(mentions) if m[1] <= pos]
                word = low[pos:].split()[0]
                if left:
                    start, end, _who = mentions[left[-1]]
                    ok, neg = gap_ok(clause[end:pos])
                    before = low[:start].split()[-1:]
                    noun_like = before and before[0] in DETERMINERS and word.endswith("s") and not word.endswith("ss")
                    participle = word.endswith("ing") and clause[end:pos].rstrip().endswith(",")
                    if ok and not noun_like and not participle:
                        subjects, negated = coordinated(mentions, left[-1], clause), negated or neg
                        if set(re.findall(r"[a-z]+", low[end:pos])) & BE:
                            # a passive ("Bukavu was occupied by Rwandan troops"): the doer follows "by"
                            agent = [m for m in mentions if m[0] > pos and re.fullmatch(
                                r"\s*\w+\s+by\s+(?:the\s+)?", clause[pos:m[0]])]
                            if not agent:
                                continue
                            objects_extra = subjects
                            subjects = [agent[0][2]]
                if subjects is None and acts and (re.search(r"\b(?:and|then|but)\s+(?:also\s+|then\s+|later\s+)?$",
                                                            low[:pos]) or (word.endswith("ing") and
                                                                           low[:pos].rstrip().endswith(","))):
                    subjects = acts[-1][1].subjects  # "Trump called X and asked ...": the same doer
                if subjects is None:
                    pron = re.search(r"(?:^|\W)(he|she|they)\s+((?:\w+\s+){0,3})$", low[:pos])
                    if pron and last is None and seen:
                        last = [seen[0]]
                    if pron and last is not None and gap_ok(pron.group(2))[0]:
                        subjects = last
                        negated = negated or gap_ok(pron.group(2))[1]
                if subjects is None:
                    continue
                if acts and left and re.search(r"\b(?:that|(?<!according )to|whether|if)\s+(?:the\s+)?$",
                                               clause[:mentions[left[-1]][0]]):
                    # "... demanded that Thailand withdraw": part of what was asked, not a second act; kept
                    # aside so that who is to do what inside it can be compared too
                    inner.append(Act(subjects, lemma, negated, [], clause, at=offset + pos, embedded=True))
                    continue
                relative = left and re.search(r"\b(?:which|that|whom)\s+(?:the\s+)?$", clause[:mentions[left[-1]][0]])
                if not relative:
                    last = subjects
                act = Act(subjects, lemma, negated, objects_extra, clause, at=offset + pos)
                act.start = min([mentions[left[-1]][0]] if left and subjects and subjects[0] in
                                [m[2] for m in mentions] else [pos])
                acts.append((pos, act))
            previous_mentions = mentions or previous_mentions
            for i, (pos, act) in enumerate(acts):
                nxt = acts[i + 1][1].start if i + 1 < len(acts) else len(clause)
                act.objects += [m[2] for m in mentions if pos < m[0] < nxt and m[2] not in act.subjects
                                and not LOCATIVE.search(clause[max(pos, m[0] - 14):m[0]])]
                act.words = content(fold(strip_names(clause[pos:nxt], grounds)))
                out.append(act)
            out += inner
    return out


def strip_names(text: str, grounds: Grounds) -> str:
    """`text` without its capitalised words and actor names: what is left is what was said or done."""
    for s_, e_, _ids in reversed(grounds.mentions(text)):
        text = text[:s_] + " " + text[e_:]
    return re.sub(r"\b[A-Z][\w'’-]*", " ", text)


def check_actions(answer: str, support: Support, grounds: Grounds) -> None:
    for act in acts_of(answer, grounds):
        for subject in act.subjects:
            if act.embedded:
                require_inner(subject, act, support, grounds)
            else:
                require_action(subject, act, support, grounds)


def require_inner(subject: set[str] | str, act: Act, support: Support, grounds: Grounds) -> None:
    """Inside a reported demand or statement, who is to do what must match the cited text when it has
    that very verb with someone clearly doing it ("demanding that M23 halt", not "that Rwanda halt")."""
    doers = [a for u in support.units for a in u.acts.values() if a.lemma == act.lemma]
    doers += [a for u in support.units for a in u.inner if a.lemma == act.lemma]
    if doers and not any(same_doer(subject, s, grounds) for a in doers for s in a.subjects):
        raise CheckFailed("wrong_attribution", f"{act.lemma} by another party: {act.clause.strip()[:100]}")


MIN_OVERLAP = 0.4


def require_action(subject: set[str] | str, act: Act, support: Support, grounds: Grounds) -> None:
    """The cited text must have `subject` do what `act` says: a verb of the same kind with `subject`
    clearly its doer, the same others involved, much of the same content (what the same party says in
    two cited sentences may be said in one), and not the opposite. An act the cited text gives to someone
    else with the very same verb ("Anwar brokered") is not `subject`'s."""
    wanted = CLASS_MATCH[VERB_CLASSES[act.lemma]]
    same_polarity_lemma = opposite_lemma = others_same_lemma = False
    matches: list[tuple[Unit, int, str]] = []
    for u in support.units:
        for pos, ulemma, uneg in u.verbs:
            if VERB_CLASSES[ulemma] not in wanted:
                continue
            if not subject_of(subject, u, pos, grounds):
                if ulemma == act.lemma and uneg == act.negated and (u.acts.get(pos) is not None or passive_at(u, pos)):
                    others_same_lemma = True
                continue
            if ulemma == act.lemma:
                if uneg == act.negated:
                    same_polarity_lemma = True
                else:
                    opposite_lemma = True
                    continue
            matches.append((u, pos, ulemma))
    clause = act.clause.strip()
    if opposite_lemma and not same_polarity_lemma:
        raise CheckFailed("wrong_attribution", f"{'not ' if act.negated else ''}{act.lemma}: {clause[:100]!r}")
    if others_same_lemma and not any(lemma == act.lemma for _u, _p, lemma in matches) \
            and VERB_CLASSES[act.lemma] in ("do", "agree"):
        raise CheckFailed("wrong_attribution", f"{act.lemma} by another party: {clause[:100]}")
    # what the sentence says from the verb on (not what another party says earlier in it), and what the
    # next sentence adds when it goes on with "He said ..."
    words: set[str] = set()
    for u, pos, _lemma in matches:
        words |= words_from(u.text, pos, grounds) | (u.follow.words if u.follow is not None else frozenset())
    objects_ok = all(any(in_unit(o, u, grounds, after=None if passive_at(u, pos) else pos) or
                         (u.follow is not None and in_unit(o, u.follow, grounds)) for u, pos, _l in matches)
                     for o in act.objects)
    if not matches or not objects_ok or len(act.words & words) < MIN_OVERLAP * len(act.words):
        raise CheckFailed("wrong_attribution", clause[:120])


@lru_cache(maxsize=8192)
def words_from(text: str, pos: int, grounds: Grounds) -> frozenset[str]:
    # only capitalised words go: a role the cited text names ("foreign policy chief") may be paraphrased
    # into the answer's own words, which must then still match
    return frozenset(content(fold(re.sub(r"\b[A-Z][\w'’-]*", " ", text[pos:]))))


def passive_at(u: Unit, pos: int) -> bool:
    return re.match(r"[a-z]+\s+(?:\w+\s+)?by\b", u.low[pos:pos + 40]) is not None


def same_doer(a: set[str] | str, b: set[str] | str, grounds: Grounds) -> bool:
    if isinstance(a, set) and isinstance(b, set):
        return bool(grounds.side(a) & b or grounds.side(b) & a)
    if isinstance(a, str) and isinstance(b, str):
        wa = [w for w in words_of(a) if w not in COMMON]
        wb = [w for w in words_of(b) if w not in COMMON]
        return bool(wa) and all(any(related(x, y) for y in wb) for x in wa)
    ids, name = (a, b) if isinstance(a, set) else (b, a)
    words = set().union(*(grounds.name_words(i) for i in grounds.side(ids)))  # type: ignore[arg-type]
    wn = [w for w in words_of(name) if w not in COMMON]  # type: ignore[arg-type]
    return bool(wn) and all(any(related(x, y) for y in words) for x in wn)


def subject_of(subject: set[str] | str, u: Unit, pos: int, grounds: Grounds) -> bool:
    """`subject` does the verb at `pos` in unit `u`: its clear subject, or else named before it (or
    after it in a passive), or a fragment naming no other doer."""
    act = u.acts.get(pos)
    if act is not None:
        return any(same_doer(subject, s, grounds) for s in act.subjects)
    word = u.low[pos:].split()[0]
    if u.title or (word.endswith("s") and not word.endswith("ss")):
        return False  # "phone calls", "Evening Call": a noun unless someone clearly does it
    if passive_at(u, pos):
        # a passive: the doer is the one named right after "by"
        at = u.low.find(" by ", pos) + 4
        agents = answer_mentions(u.text[at:at + 80], grounds)
        return bool(agents) and agents[0][0] < 25 and same_doer(subject, agents[0][2], grounds)
    # No clear subject: the verb is the subject's only if nobody else is named before it.
    named = [m[2] for m in u.mentions if m[0] < pos]
    if not named:
        return in_unit(subject, u, grounds) if not re.search(r"(?<=\S)\s+[A-Z]", u.text[:pos]) else \
            in_unit(subject, u, grounds, before=pos) and not [
                n for n in answer_mentions(u.text[:pos], grounds) if not same_doer(subject, n[2], grounds)]
    return all(same_doer(subject, n, grounds) for n in named)


ATTRIBUTED = re.compile(r"\baccording to\s*$|\b(?:by|from)\s*$", re.I)
POSITION_NOUN = re.compile(r"^\s*'s?\s+(?:\w+\s+){0,2}?(?:claims?|statements?|position|view|account|narrative|"
                           r"accusations?|denials?|version|assertion|allegations?|demands?|stance)\b", re.I)
# "Iran gave a different account": a side's own version, said without a verb of saying.
OWN_ACCOUNT = re.compile(r"^\s+(?:\w+\s+)?(?:gave|gives|offered|offers|has|had|took|takes)\s+(?:a|an|its|their|his|her)\s+"
                         r"(?:different|own|contrary|opposing|other)\s+(?:account|version|view|position)", re.I)
DENYING = {"deny", "reject", "dismiss"}
DENYING_STANCES = {"denies", "declines_to_confirm", "does_not_echo"}


def check_sides(answer: str, cited: list[Any], grounds: Grounds) -> None:
    """Text about a contested topic presents every side the briefing holds: each claimant says (or
    declines) something in it, or is named as the source of a position ("according to X")."""
    if not grounds.topics:
        return
    words = content(fold(answer))
    touched = []
    for t in grounds.topics:
        head = content(fold(t.name))
        if (head and head <= words) or any(len(terms) >= 3 and len(terms & words) >= max(3, round(0.6 * len(terms)))
                                           for terms in t.terms):
            touched.append(t)
    if not touched:
        return
    speaking: list[tuple[set[str] | str, bool]] = []  # (who, says it negatively)
    for act in acts_of(answer, grounds):
        if VERB_CLASSES[act.lemma] in ("say", "ask", "call", "agree"):
            for subject in act.subjects:
                speaking.append((subject, act.negated or act.lemma in DENYING))
    for start, end, who in answer_mentions(answer, grounds):
        if ATTRIBUTED.search(answer[max(0, start - 20):start]) or POSITION_NOUN.match(answer[end:end + 40]) \
                or OWN_ACCOUNT.match(answer[end:end + 60]):
            speaking += [(who, True), (who, False)]
    for t in touched:
        missing = []
        for claim_id in sorted(t.claim_ids):
            by, stance = t.stance_of.get(claim_id, ("", ""))
            negative = stance in DENYING_STANCES
            if not any(same_side(by, who, grounds) and (neg or not negative) for who, neg in speaking):
                missing.append(by or claim_id)
        if missing:
            raise CheckFailed("one_sided", f"{t.name}: not presented: {', '.join(dict.fromkeys(missing))}")


# Words naming an office rather than who holds it: "Defence Minister Israel Katz" is Israel's side.
OFFICE_WORDS = set("""
minister ministry president prime premier office government spokesman spokeswoman spokesperson secretary
general director chief head leader military army forces armed state media officials official authorities
council agency group experts defence defense foreign interior health press house deputy commander
""".split())


def same_side(claimant: str, who: set[str] | str, grounds: Grounds) -> bool:
    """Whether `who` (an actor, or a name) speaks for `claimant` (an actor id, or a name as the briefing
    gives it): the same actor or country, or a distinctive word of the claimant's name in common."""
    if claimant in grounds.actors:
        return same_doer({claimant}, who, grounds)
    named = [ids for _s, _e, ids in grounds.mentions(claimant)]
    if named and same_doer(set().union(*named), who, grounds):
        return True  # "Chaudhry" is Pakistan's military spokesman: "Pakistan's military said" is his side
    mine = [w for w in words_of(claimant) if w not in COMMON and w not in OFFICE_WORDS] or words_of(claimant)
    theirs = set(words_of(who)) if isinstance(who, str) else \
        set().union(*(grounds.name_words(i) for i in grounds.side(who)))
    return any(related(a, b) for a in mine for b in theirs)
