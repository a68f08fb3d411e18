"""Conversations: the last questions and answers of a thread, and follow-ups read against them.

A conversation is whatever the adapter says is one (a Slack thread, a Discord reply chain or DM, a
terminal session, the lines sharing an id in `ask --json -`). It keeps its last few turns, forgets them
after a while without use, and only so many conversations are kept at once.

A follow-up is made into a question that stands alone before it is answered:
- pronouns ("he", "his", "they", "it", "that") are replaced with the actors or the topic of the
  previous turn ("what did he ask for?" -> "what did Hun Manet ask for?");
- an elliptical question ("and the injured?", "what about Thailand?", "and on 8 December?") is the
  previous question with the new part put in place of the part of the same kind (a figure, an actor,
  a date);
- a question about the previous answer itself ("who said that?", "when was that?", "where?") is
  answered directly from the facts that answer cited.
"""

from __future__ import annotations

import re
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.core.answer import Answer
from bot.core.citations import Citer
from bot.core.models import (
    Actor,
    Agreement,
    Briefing,
    Claim,
    DateRef,
    Event,
    Evidence,
    Fact,
    Figure,
    Request,
    Upcoming,
)
from bot.core.reply import Citation
from bot.core.text import STOPWORDS

MAX_TURNS = 6
IDLE_SECONDS = 30 * 60
MAX_CONVERSATIONS = 5000


@dataclass
class Turn:
    question: str  # as asked (cleaned of mentions)
    standalone: str  # as answered, after resolving the follow-up
    answer: str
    found: bool
    fact_ids: list[str] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)


@dataclass
class _Thread:
    turns: list[Turn]
    last_used: float


class Conversations:
    """Turns per conversation id, in this process: bounded per conversation, expiring when idle, bounded in
    number. (bot.core.conversation_store keeps them in the store instead, shared by replicas.)"""

    def __init__(self, max_turns: int = MAX_TURNS, idle_seconds: float = IDLE_SECONDS,
                 max_conversations: int = MAX_CONVERSATIONS, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_turns = max_turns
        self.idle_seconds = idle_seconds
        self.max_conversations = max_conversations
        self.clock = clock
        self._threads: OrderedDict[str, _Thread] = OrderedDict()

    def __len__(self) -> int:
        return len(self._threads)

    async def history(self, key: str) -> list[Turn]:
        return self.turns(key)

    async def add(self, key: str, turn: Turn) -> None:
        self.keep(key, turn)

    def turns(self, key: str) -> list[Turn]:
        """The turns of a conversation, oldest first; [] for an unknown or expired one."""
        thread = self._threads.get(key)
        if thread is None:
            return []
        if self.clock() - thread.last_used > self.idle_seconds:
            del self._threads[key]
            return []
        return list(thread.turns)

    def keep(self, key: str, turn: Turn) -> None:
        now = self.clock()
        thread = self._threads.get(key)
        if thread is None or now - thread.last_used > self.idle_seconds:
            thread = _Thread(turns=[], last_used=now)
        thread.turns = [*thread.turns, turn][-self.max_turns:]
        thread.last_used = now
        self._threads[key] = thread
        self._threads.move_to_end(key)
        while len(self._threads) > self.max_conversations:
            self._threads.popitem(last=False)  # the least recently used goes first

    def forget(self, key: str) -> None:
        self._threads.pop(key, None)


# -- reading a follow-up -----------------------------------------------------------------------------

_PERSON_PRONOUN = re.compile(r"\b(he|him|his|she|her|hers|himself|herself)\b", re.I)
_GROUP_PRONOUN = re.compile(r"\b(they|them|their|theirs|themselves)\b(?!['’])", re.I)
_THING_PRONOUN = re.compile(r"\b(it|its|that|this)\b", re.I)
# "is it true that ...", "it is reported": "it" stands for nothing there.
_DUMMY_IT = re.compile(r"\b(?:is|was|isn't|wasn't)\s+it\b|\bit\s+(?:is|was|'s|’s)\s*[?.!]*\s*$|\bit\s+(?:is|was|'s|’s)\s+(?:getting|going)\b|"
                       r"\b(?:is|was|isn't|wasn't)\s+it\s+(?:true|confirmed|known|clear|possible|likely|correct|right|"
                       r"accurate|the\s+case)\b|\bit\s+(?:is|was|'s)\s+(?:said|reported|claimed|alleged|unclear|"
                       r"clear|true|known)\b|\bhow\s+(?:is|was)\s+it\s+going\b", re.I)
# "that"/"this" as a pronoun: last in the question, or followed by a verb of its own.
_THAT_AS_PRONOUN = re.compile(
    r"\b(that|this)\b(?=\s*[?.!]*\s*$|\s+(?:is|was|has|had|happen|happened|mean|means|true|confirmed|verified|"
    r"correct|right|accurate|official|real|hold|held|work|worked|come|came|start|started|end|ended|take|took)\b)",
    re.I)
_ELLIPSIS = re.compile(
    r"^\s*(?:and|but|also|plus|so|ok(?:ay)?|then|now)?[\s,]*(?:what|how)\s+about\s+(.+)$"
    r"|^\s*(?:and|but|also|plus|same\s+(?:question\s+)?for|what\s+of|and\s+for)\b[\s,]*(.+)$", re.I)
_QUESTION_START = re.compile(
    r"^\s*(?:who|whom|whose|what|which|when|where|why|how|is|are|was|were|do|does|did|has|have|had|can|could|"
    r"will|would|should|tell|give|show|list|summari[sz]e|explain|describe)\b", re.I)

_WHO_SAID = re.compile(
    r"^\s*(?:and\s+|so\s+|but\s+)?(?:"
    r"(?:who|which\s+side|which\s+source)\s+(?:said|says|claimed|claims|reported|reports|announced|stated|made|"
    r"gave|give|gives|counted|is\s+saying|is\s+claiming|confirmed|released|published)"
    r"(?:\s+(?:that|this|it|so|those|these|them|the\s+(?:figures?|numbers?|claim|toll)))?"
    r"|says\s+who|according\s+to\s+(?:whom|who|what|which\s+source)|who\s+is\s+the\s+source"
    r"|(?:what(?:'s|\s+is|\s+are|\s+was)|which\s+(?:is|are))\s+(?:the|your)\s+sources?(?:\s+(?:for|of)\s+(?:that|this|it))?"
    r"|sources?|source\s+for\s+(?:that|this)|where\s+(?:is|does|did)\s+(?:that|this|it)\s+(?:from|come\s+from)"
    r"|where(?:'s|\s+is)\s+(?:that|this)\s+from|how\s+do\s+(?:we|you)\s+know(?:\s+(?:that|this))?"
    r")\s*[?!.]*\s*$", re.I)
_WHEN = re.compile(
    r"^\s*(?:and\s+|so\s+|but\s+)?(?:"
    r"when(?:\s+(?:was|is|did|does|will)\s+(?:that|this|it)(?:\s+(?:happen|take\s+place|said|made|announced|"
    r"signed|reported|posted|published|start|begin|be))?)?"
    r"|when\s+did\s+(?:he|she|they)\s+(?:say|said|ask|asked|announce|write|post|make|do)\s+(?:that|this|it|so)"
    r"|(?:at\s+)?what\s+(?:day|date|time)(?:\s+(?:was|is|did)\s+(?:that|this|it)(?:\s+happen)?)?|which\s+day"
    r"|(?:since|as\s+of)\s+when|as\s+of\s+what\s+date|how\s+recent\s+is\s+(?:that|this)"
    r")\s*[?!.]*\s*$", re.I)
_MORE = re.compile(
    r"^\s*(?:ok(?:ay)?[,.]?\s+|and\s+|so\s+)?(?:tell\s+me\s+more|more(?:\s+(?:details?|info(?:rmation)?|on\s+(?:that|this|it)))?|"
    r"go\s+on|anything\s+else|what\s+else|(?:any|some)\s+(?:more\s+)?(?:details?|context)|details?|"
    r"and\s+then|what\s+happened\s+(?:next|then|after\s+that))\s*(?:please|pls)?\s*[?!.]*\s*$", re.I)
_WHY = re.compile(r"^\s*(?:and\s+|but\s+|so\s+)?why(?:\s+(?:is\s+that|was\s+that|so))?\s*[?!.]*\s*$", re.I)
_WHERE = re.compile(
    r"^\s*(?:and\s+|so\s+|but\s+)?where(?:\s+(?:was|is|did)\s+(?:that|this|it)(?:\s+(?:happen|take\s+place))?)?"
    r"\s*[?!.]*\s*$", re.I)

_METRIC_WORDS: dict[str, tuple[str, ...]] = {
    "killed": ("killed", "dead", "deaths", "death toll", "died", "die", "fatalities", "death", "kill", "lives lost"),
    "injured": ("injured", "wounded", "hurt", "injuries", "injury", "casualties"),
    "displaced": ("displaced", "fled", "evacuated", "refugees", "displacement", "homeless", "evacuees"),
    "missing": ("missing",),
    "detained": ("detained", "arrested", "captured", "prisoners", "detainees"),
}
_METRIC = {word: metric for metric, ws in _METRIC_WORDS.items() for word in ws}
_METRIC_RE = re.compile(r"\b(" + "|".join(sorted(map(re.escape, _METRIC), key=len, reverse=True)) + r")\b", re.I)
_MONTHS = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
           r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_DATE_RE = re.compile(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS}|{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?)(?:,?\s+\d{{4}})?"
    r"|\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)(?:\s+(?:morning|afternoon|evening|night))?"
    r"|\b(?:yesterday|today|last\s+week|this\s+week)\b", re.I)
_TOPIC_SKIP = frozenset("""tell me about give show what who whom whose which when where why how many much did does do is
    are was were has have had happen happened say said says explain describe please know latest current now
    briefing can could would will should any anything something more else also""".split())


# A name written in capitals ("Benjamin Netanyahu", "Vivian van de Perre", "M23"): what a pronoun can stand
# for when the briefing's actor list does not have it (ingested reports name more people than it lists).
_NAME = re.compile(r"\b[A-Z][\w'’.-]*\d*[\w'’-]*(?:\s+(?:(?:van|von|de|der|den|da|di|du|al|bin|ibn|la|le)\s+)*"
                   r"[A-Z][\w'’-]+)*")
_NOT_NAMES = frozenset("""who whom whose what which when where why how is are was were do does did has have had can could
    will would should tell give show list the a an and or but if so in on at of for to from by with about
    i i'm i've he she they it we you this that these those please thanks hi hello hey ok okay and also
    according prime minister president general monday tuesday wednesday thursday friday saturday sunday
    january february march april may june july august september october november december""".split())
# Words that make a capitalised name a body, a place or a thing rather than a person.
_INSTITUTIONAL = frozenset("""accord agreement treaty deal pact council ministry meeting summit forces force army guard
    guards agency organization organisation community union nations court office party front movement province
    state states kingdom peace airport hospital university committee commission bank fund mission
    company group corporation news media times post channel government parliament assembly congress senate
    military navy police brigade division command headquarters institute foundation network
    conference talks initiative plan operation programme program war conflict sea city county
    district region island islands border""".split())
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")


def names_in(text: str, multiword: bool) -> list[str]:
    """Capitalised names in a question, question words and titles left out."""
    out = []
    for m in _NAME.finditer(text):
        words = [w for w in m.group(0).split() if w.lower() not in _NOT_NAMES]
        while words and words[0].lower() in _NOT_NAMES:
            words.pop(0)
        if not words:
            continue
        name = " ".join(words)
        if multiword and (len(words) < 2 or any(w.lower().strip(".,") in _INSTITUTIONAL for w in words)):
            continue
        if not multiword and len(words) == 1 and m.start() == 0 and not any(c.isdigit() for c in name):
            continue  # the first word of a question is capitalised anyway
        out.append(name)
    return out


def unquoted(text: str) -> str:
    """An answer without the titles and quotes inside it: "According to “US bombs ...”" names no actor."""
    return _QUOTED.sub(" ", text)


# Verbs a question puts before "it" ("what did Trump call it?"): not a thing "it" could stand for.
_QUESTION_VERBS = frozenset("""say says call calls mean means do make get see know want ask tell give sign announce
    confirm deny start end cause trigger describe report verify think consider hold break stop expect keep
    happen win lose stand support oppose accept reject explain""".split())
_PLURAL_BEFORE = re.compile(r"\b(?:people|persons|civilians|soldiers|troops|families|residents|leaders|sides|"
                            r"countries|nations|parties|governments|officials|both|all|many|most|some|several)\b",
                            re.I)


_ABOUT = re.compile(r"\babout\s+(?:the\s+)?([^?.!,;]{3,60}?)\s*(?:\bon\s+\w+day\b)?[?.!]*$", re.I)
# "what did Israel say?" after a question on something: what they said about that.
_SAID_WHAT = re.compile(r"^\s*(?:and\s+|so\s+|but\s+)?what\s+(?:did|does|do|has|have)\s+(.+?)\s+"
                        r"(?:say|said|claim|claimed|think|reply|replied|respond|responded|answer|answered)\s*[?!.]*\s*$",
                        re.I)


@dataclass
class Resolved:
    question: str  # the question to answer
    about_previous: str = ""  # "who" | "when" | "where": answered from the previous answer's facts


class Reader:
    """Reads follow-ups against a briefing's actors (names, aliases and kinds come from its data)."""

    def __init__(self, briefing: Briefing) -> None:
        self.briefing = briefing
        patterns: list[tuple[str, Actor, bool]] = []
        for a in briefing.actors:
            for name in {a.name, *a.aliases}:
                if len(name) < 2:
                    continue
                # "US", "HM": short capitals match only as capitals ("tell us" is not the United States).
                exact = name.isupper() and len(name) <= 4
                patterns.append((name, a, exact))
        patterns.sort(key=lambda p: len(p[0]), reverse=True)
        self._patterns = [(re.compile(rf"(?<![\w-]){re.escape(n)}(?![\w-])", 0 if exact else re.I), a)
                          for n, a, exact in patterns]

    def actors_in(self, text: str) -> list[tuple[int, int, Actor]]:
        """Actors named in the text, in order, longest names first where they overlap."""
        taken: list[tuple[int, int, Actor]] = []
        for pattern, actor in self._patterns:
            for m in pattern.finditer(text):
                if not any(m.start() < e and s < m.end() for s, e, _ in taken):
                    taken.append((m.start(), m.end(), actor))
        return sorted(taken, key=lambda t: t[0])

    def named(self, text: str) -> list[Actor]:
        out: list[Actor] = []
        for _, _, a in self.actors_in(text):
            if all(a.id != b.id for b in out):
                out.append(a)
        return out

    # -- the previous turn's referents --------------------------------------------------------------

    def person(self, history: list[Turn]) -> str | None:
        """Whom "he"/"she" stands for: a person the last question named (from the briefing's actors, else a
        full name it wrote), else a person its answer named."""
        for turn in reversed(history):
            people = [a.name for a in self.named(turn.standalone) if a.kind == "person"]
            if people:
                return people[0]
            things = {a.name.lower() for a in self.named(turn.standalone)}
            things |= {a.name.lower() for a in self.briefing.agreements}
            written = [n for n in names_in(turn.standalone, multiword=True) if n.lower() not in things]
            if written:
                return written[0]
            people = [a.name for a in self.named(unquoted(turn.answer)) if a.kind == "person"]
            if people:
                return people[0]
        return None

    def group(self, history: list[Turn]) -> list[str]:
        """Whom "they" stands for: the bodies or countries the last question named, else two or more people
        it named, else a name it wrote, else the bodies its answer named."""
        for turn in reversed(history):
            asked = self.named(turn.standalone)
            bodies = [a.name for a in asked if a.kind != "person"]
            if bodies:
                return bodies[:3]
            if len(asked) >= 2:
                return [a.name for a in asked[:3]]
            written = names_in(turn.standalone, multiword=False)
            if written and not asked:
                return written[:2]
            said = self.named(unquoted(turn.answer))
            bodies = [a.name for a in said if a.kind != "person"]
            if bodies:
                return bodies[:2]
            if len([a for a in said if a.kind == "person"]) >= 2:
                return [a.name for a in said if a.kind == "person"][:2]
        return []

    def topic(self, history: list[Turn]) -> str:
        """What the previous question was about: a thing the briefing names in it ("Kuala Lumpur Peace
        Accord"), else its content words without the verbs ("roadside bomb")."""
        for turn in reversed(history):
            low = turn.standalone.lower()
            named = [a.name for a in self.briefing.agreements if a.name.lower() in low]
            named += [a.name for a in self.named(turn.standalone) if a.kind == "organisation"]
            if named:
                return named[0]
            # "what did Anwar broker?" -> "when was it signed?": the one accord its answer names.
            said = [a.name for a in self.briefing.agreements if a.name.lower() in turn.answer.lower()]
            if len(said) == 1 and self.named(turn.standalone):
                return said[0]
            about = _ABOUT.search(turn.standalone)
            if about:
                return about.group(1).strip()
            kept = [w for w in re.findall(r"[\w'’.-]+", turn.standalone)
                    if w.lower() not in STOPWORDS and w.lower() not in _TOPIC_SKIP
                    and not (len(w) > 4 and w.lower().endswith(("ed", "ing")))]
            if kept:
                return " ".join(kept).strip(".")
        return ""

    # -- resolving ------------------------------------------------------------------------------------

    def resolve(self, question: str, history: list[Turn]) -> Resolved:
        q = " ".join(question.split())
        if not history or not q:
            return Resolved(q)
        if _MORE.match(q):
            return Resolved(history[-1].standalone, about_previous="more")
        if _WHY.match(q):
            topic = self.topic(history)
            if topic:
                return Resolved(f"why {topic}?")
        actors = {a.id for a in self.briefing.actors}
        profile = bool(history[-1].fact_ids) and all(f in actors for f in history[-1].fact_ids)
        for kind, pattern in (("who", _WHO_SAID), ("when", _WHEN), ("where", _WHERE)):
            # After a profile of a person, "when was it signed?" is about what was talked of, not the profile.
            if pattern.match(q) and any(t.fact_ids or t.citations for t in history[-1:]) \
                    and not (profile and kind != "who" and _THING_PRONOUN.search(q)):
                return Resolved(q, about_previous=kind)
        elliptic = self.ellipsis(q, history)
        if elliptic:
            return Resolved(elliptic)
        said = _SAID_WHAT.match(q)
        if said and history[-1].found and _PERSON_PRONOUN.search(said.group(1)) is None:
            topic = self.topic(history)
            if topic and topic.lower() not in said.group(1).lower():
                return Resolved(f"{q.rstrip(' ?!.')} about {topic}?")
        return Resolved(self.pronouns(q, history))

    def pronouns(self, q: str, history: list[Turn]) -> str:
        out = q
        person_word = _PERSON_PRONOUN.search(out)
        # "Did Anutin say he ...": a person named before the pronoun is who it stands for.
        named_before = self.named(out[:person_word.start()]) if person_word else []
        if person_word and not any(a.kind == "person" for a in named_before) \
                and not names_in(out[:person_word.start()], multiword=True):
            person = self.person(history)
            if person is not None:
                out = _PERSON_PRONOUN.sub(lambda m: possessive(m, person, out), out)
        group_word = _GROUP_PRONOUN.search(out)
        before = self.named(out[:group_word.start()]) if group_word else []
        # "Have a dozen people lost their lives?", "did both countries say they ...": they are named before.
        if group_word and not any(a.kind != "person" for a in before) and len(before) < 2 \
                and not _PLURAL_BEFORE.search(out[:group_word.start()]):
            group = self.group(history)
            names = join_names(group) if group else ""
            if names:
                out = _GROUP_PRONOUN.sub(lambda m: possessive(m, names, out), out)
        thing = _THING_PRONOUN.search(out)
        # "it" after a thing of its own ("how was the accord received when it was signed?") is that thing;
        # after a question the briefing could not answer, there is nothing for it to stand for.
        if thing and history[-1].found and not self.noun_before(self.without_actors(out[:thing.start()])):
            topic = self.topic(history)
            if topic:
                out = self.things(out, topic)
        return out

    def without_actors(self, text: str) -> str:
        """The text without the actors and names it writes: "what did Iran say about" -> "what did say about"."""
        for start, end, _actor in reversed(self.actors_in(text)):
            text = text[:start] + " " + text[end:]
        for name in names_in(text, multiword=False):
            text = text.replace(name, " ")
        return text

    @staticmethod
    def noun_before(text: str) -> bool:
        for w in re.findall(r"[a-z][a-z'-]+", text.lower()):
            if w not in STOPWORDS and w not in _TOPIC_SKIP and w not in _QUESTION_VERBS \
                    and not (len(w) > 4 and w.endswith(("ed", "ing"))):
                return True
        return False

    @staticmethod
    def things(q: str, topic: str) -> str:
        """'who brokered it?' -> 'who brokered Kuala Lumpur Peace Accord?' ("is it true that" left alone)."""
        dummy = [m.span() for m in _DUMMY_IT.finditer(q)]

        def swap(m: re.Match[str]) -> str:
            if any(s <= m.start() < e for s, e in dummy):
                return m.group(0)
            word = m.group(1).lower()
            if word == "its":
                return f"{topic}'s"
            return topic

        q = re.sub(r"\b(it|its)\b", swap, q, flags=re.I)
        return _THAT_AS_PRONOUN.sub(swap, q)

    def ellipsis(self, q: str, history: list[Turn]) -> str | None:
        """'and the injured?' after 'how many were killed?' -> 'how many were injured?'."""
        m = _ELLIPSIS.match(q)
        fragment = (m.group(1) or m.group(2)).strip() if m else None
        if fragment is None:
            # A bare fragment ("Thailand?", "the injured?") counts only when it fills a slot below.
            if _QUESTION_START.match(q) or len(q.split()) > 4:
                return None
            fragment = q
        fragment = fragment.rstrip(" ?!.")
        if not fragment:
            return None
        if m is None and not self.only_a_slot(fragment):
            return None
        if _QUESTION_START.match(fragment):
            # "and who fired first?": a question of its own once the "and" is gone.
            return self.pronouns(fragment + "?", history) if m else None
        fragment = self.pronouns(fragment, history)
        prev = history[-1].standalone.rstrip(" ?!.")
        put = (self.swap_metric(prev, fragment) or self.swap_actor(prev, fragment)
               or self.swap_date(prev, fragment) or self.swap_name(prev, fragment))
        if put:
            return put + "?"
        if m is None:
            return None
        # "what about the ceasefire?" after a question on something else: the new topic, asked plainly.
        return f"what about {fragment}?"

    def only_a_slot(self, fragment: str) -> bool:
        """'the injured', 'Thailand', 'on 8 December': nothing but an actor, a figure word or a date."""
        rest = fragment
        for start, end, _actor in self.actors_in(fragment):
            rest = rest.replace(fragment[start:end], " ")
        rest = _METRIC_RE.sub(" ", _DATE_RE.sub(" ", rest))
        return not [w for w in re.findall(r"[\w'’-]+", rest) if w.lower() not in STOPWORDS and w.lower() != "on"]

    @staticmethod
    def swap_metric(prev: str, fragment: str) -> str | None:
        new = _METRIC_RE.search(fragment)
        old = _METRIC_RE.search(prev)
        if not new or not old:
            return None
        metric = _METRIC[new.group(1).lower()]
        if _METRIC[old.group(1).lower()] == metric and new.group(1).lower() == old.group(1).lower():
            return None
        return prev[:old.start()] + metric + prev[old.end():]

    def swap_actor(self, prev: str, fragment: str) -> str | None:
        new = self.actors_in(fragment)
        old = self.actors_in(prev)
        if not new or not old:
            return None
        actor = new[0][2]
        same_kind = [o for o in old if (o[2].kind == "person") == (actor.kind == "person") and o[2] is not actor]
        if not same_kind:
            return None
        s, e, _ = same_kind[0]
        return prev[:s] + actor.name + prev[e:]

    def swap_name(self, prev: str, fragment: str) -> str | None:
        """'and in Israel?' after 'how many were killed in Iran?': a written name for a written name, when
        the briefing's actor list has neither (ingested reports name more places than it lists)."""
        if self.actors_in(fragment) or self.actors_in(prev):
            return None
        new = [n for n in names_in(" " + fragment, multiword=False) if n.lower() not in STOPWORDS]
        old = names_in(prev, multiword=False)
        if len(new) != 1 or len(old) != 1 or new[0] == old[0]:
            return None
        return re.sub(rf"\b{re.escape(old[0])}\b", new[0], prev, count=1)

    @staticmethod
    def swap_date(prev: str, fragment: str) -> str | None:
        new = _DATE_RE.search(fragment)
        if not new:
            return None
        old = _DATE_RE.search(prev)
        if old:
            return prev[:old.start()] + new.group(0) + prev[old.end():]
        return f"{prev} on {new.group(0)}"


def possessive(m: re.Match[str], name: str, text: str) -> str:
    word = m.group(1).lower()
    if word in ("his", "hers", "their", "theirs"):
        return f"{name}'s"
    if word in ("himself", "herself", "themselves"):
        return name
    if word == "her":
        # "her request" (possessive) or "ask her" (object): a word that is not a stopword follows a possessive.
        rest = text[m.end():].split()
        return f"{name}'s" if rest and rest[0].lower().strip("?,.!") not in STOPWORDS else name
    return name


def join_names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


# -- answering about the previous answer ------------------------------------------------------------

def more_about(question: str, history: list[Turn], briefing: Briefing, engine: object) -> Answer:
    """'tell me more': the next most relevant facts on the last question, leaving out what was already said."""
    turn = history[-1]
    said = set(turn.fact_ids) | {c.quote for c in turn.citations}
    retrieve = getattr(engine, "retrieve", None)
    passages = retrieve(turn.standalone, k=12) if callable(retrieve) else []
    fresh = [p for p in passages if p.id not in said and p.citations
             and not all(c.quote in said for c in p.citations)]
    if not fresh:
        return Answer(question=question, answer="The briefing has nothing more on that.", found=False,
                      intent="followup:more")
    cite = Citer(briefing)
    marked = []
    for p in fresh[:2]:
        marks = "".join(cite.cite(Evidence(source_id=c.source_id, quote=c.quote)) for c in p.citations[:2])
        marked.append(f"{p.text} {marks}".rstrip())
    text = " ".join(marked)
    return Answer(question=question, answer=re.sub(r"\s*(?:\[\d+\])+", "", text), found=bool(cite.citations),
                  citations=cite.citations, fact_ids=[p.id for p in fresh[:2]], intent="followup:more", marked=text)


def about_previous(kind: str, question: str, history: list[Turn], briefing: Briefing) -> Answer:
    """'who said that?', 'when was that?', 'where?' from the facts the previous answer cited."""
    turn = history[-1]
    facts = facts_by_id(briefing, turn.fact_ids)
    cite = Citer(briefing)
    parts: list[str] = []
    for fact in facts[:3]:
        text = {"who": who_said, "when": when_was, "where": where_was}[kind](fact, briefing)
        if text:
            marks = cite.cite(fact.evidence[:2])
            parts.append(f"{text} {marks}".rstrip())
    if not parts and turn.citations:
        for c in turn.citations[:2]:
            text = {"who": who_said_passage, "when": when_was_passage, "where": lambda _c: ""}[kind](c)
            if text:
                marks = cite.cite(Evidence(source_id=c.source_id, quote=c.quote))
                parts.append(f"{text} {marks}".rstrip())
    if not parts:
        missing = {"who": "who said that", "when": "when that was", "where": "where that was"}[kind]
        return Answer(question=question, answer=f"The briefing does not say {missing}.", found=False,
                      intent=f"followup:{kind}")
    marked = " ".join(parts)
    plain = re.sub(r"\s*(?:\[\d+\])+", "", marked)
    return Answer(question=question, answer=plain, found=bool(cite.citations), citations=cite.citations,
                  fact_ids=[getattr(f, "id", "") for f in facts], intent=f"followup:{kind}", marked=marked)


_SPEAKER = re.compile(
    r"\baccording\s+to\s+(?:the\s+)?([^,.;:“”\"]{3,60})"
    r"|\b([A-Z][\w'’.-]+(?:\s+(?:(?:van|von|de|der|al|bin)\s+)*[A-Z][\w'’.-]+)*)(?:,\s*[^,]{3,90},)?\s+"
    r"(?:said|says|told|announced|stated|reported|wrote|claimed|denied|confirmed|added|warned|insisted)\b")


def who_said_passage(c: Citation) -> str:
    """Who a cited report sentence attributes its statement to, with the report; the sentence is the footnote."""
    m = _SPEAKER.search(c.quote)
    speaker = (m.group(1) or m.group(2)).strip() if m else ""
    if speaker.lower() in ("it", "he", "she", "they", "the report"):
        speaker = ""
    said = f"{speaker}, as" if speaker else "It is"
    return f"{said} reported in “{c.title}” ({c.published}): “{c.quote}”"


def when_was_passage(c: Citation) -> str:
    """The report's date, and the day its sentence names, resolved against it ("on Saturday" -> 8 Feb)."""
    import datetime as dt

    from bot.core.dates import sentence_dates

    try:
        published = dt.date.fromisoformat(c.published)
    except ValueError:
        return ""
    days = sentence_dates(c.quote, published)
    report = f"“{c.title}”, published {published.day} {published.strftime('%b %Y')}"
    if days:
        d = days[0]
        return f"On {d.strftime('%A')} {d.day} {d.strftime('%b %Y')}, according to {report}."
    return f"The sentence gives no date of its own; it comes from {report}."


def facts_by_id(b: Briefing, ids: list[str]) -> list[Fact | Figure]:
    index: dict[str, Fact | Figure] = {f.id: f for f in b.facts()}
    index.update({f.id: f for f in b.figures})
    return [index[i] for i in ids if i in index]


def actor_name(b: Briefing, actor_id: str | None) -> str:
    if not actor_id:
        return ""
    actor = b.actor(actor_id)
    return actor.name if actor else actor_id


def source_of(fact: Fact | Figure, b: Briefing) -> str:
    source = b.source(fact.evidence[0].source_id)
    if source is None:
        return "the briefing's source"
    who = f"{source.publisher}, " if source.publisher else ""
    return f"the report “{source.title}” ({who}{source.published_at.day} {source.published_at.strftime('%b %Y')})"


def who_said(fact: Fact | Figure, b: Briefing) -> str:
    if isinstance(fact, Claim):
        return f"{actor_name(b, fact.by)}: {fact.statement}"
    if isinstance(fact, Request):
        return f"{actor_name(b, fact.requester)} made that request, according to {source_of(fact, b)}."
    if isinstance(fact, Upcoming) and fact.announced_by:
        return f"{actor_name(b, fact.announced_by)} announced it, according to {source_of(fact, b)}."
    if isinstance(fact, Figure) and getattr(fact, "by", ""):
        return f"{fact.by} gives the figure ({fact.phrase()}), according to {source_of(fact, b)}."
    if isinstance(fact, Figure):
        return f"The figure ({fact.phrase()}, as of {fact.as_of.day} {fact.as_of.strftime('%b %Y')}) is given in {source_of(fact, b)}."
    if isinstance(fact, Event):
        speakers = [actor_name(b, p.actor) for p in fact.participants
                    if p.role in ("author", "announcer", "speaker", "caller", "spokesperson")]
        if speakers:
            return f"{join_names(speakers)}, according to {source_of(fact, b)}."
    return f"That comes from {source_of(fact, b)}."


def when_was(fact: Fact | Figure, b: Briefing) -> str:
    if isinstance(fact, Figure):
        return f"That figure is as of {fact.as_of.day} {fact.as_of.strftime('%b %Y')}."
    if isinstance(fact, Event):
        return f"{date_phrase(fact.when)}: {fact.summary}"
    if isinstance(fact, Agreement) and fact.signed:
        return f"The {fact.name} was signed in {join_names([d.label() for d in fact.signed])}."
    if isinstance(fact, Upcoming):
        return f"{fact.summary}: {fact.when.label() if fact.when else 'no date has been set'}."
    related = related_events(fact, b)
    if related:
        return f"{date_phrase(related[0].when)}: {related[0].summary}"
    source = b.source(fact.evidence[0].source_id)
    if source is None:
        return ""
    return (f"The briefing gives no date for it beyond the report it comes from, published "
            f"{source.published_at.day} {source.published_at.strftime('%b %Y')}.")


def where_was(fact: Fact | Figure, b: Briefing) -> str:
    events = [fact] if isinstance(fact, Event) else related_events(fact, b)
    for e in events:
        if isinstance(e, Event) and e.place:
            return f"In {e.place}: {e.summary}"
    if isinstance(fact, Figure) and fact.scope:
        return f"The figure covers {fact.scope}."
    return ""


def date_phrase(when: DateRef) -> str:
    if when.date is None:
        return f"The report dates it only as “{when.text}”"
    return f"On {when.label()}"


def related_events(fact: Fact | Figure, b: Briefing) -> list[Event]:
    """Events a request or claim belongs to: those its maker took part in, with its addressees first."""
    maker = getattr(fact, "requester", None) or getattr(fact, "by", None)
    if not maker:
        return []
    others = set(getattr(fact, "addressees", []) or [])
    quotes = {e.quote for e in fact.evidence}
    scored = []
    for e in b.events:
        ids = {p.actor for p in e.participants}
        if maker in ids:
            shared = len(quotes & {ev.quote for ev in e.evidence})
            scored.append((shared, len(others & ids), e))
    scored.sort(key=lambda t: (t[0], t[1]), reverse=True)
    return [e for *_, e in scored]
