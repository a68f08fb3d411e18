"""The offline answer engine: deterministic, no model, no network.

1. Read the question's intent (figures, who, when, where, claim status, profile, overview).
2. Refuse plainly when it names something the briefing never mentions.
3. Answer figures straight from the figure series (qualifier and as-of date always kept).
4. Otherwise rank structured facts first and source sentences second (BM25 over concept terms), and
   answer with the best fact's statement, or quote the best sentence, with verbatim citations.
"""

from __future__ import annotations

import difflib
import heapq
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from bot.core.answer import Answer
from bot.core.citations import Citer
from bot.core.commands import day
from bot.core.dates import question_dates
from bot.core.figures import Series, is_headline, series_of
from bot.core.models import (
    METRIC_WORDS,
    Actor,
    Agreement,
    Briefing,
    Claim,
    DateRef,
    Event,
    Evidence,
    Fact,
    Request,
    Source,
    Upcoming,
)
from bot.core.passages import SentenceIndex
from bot.core.reading import (
    AUTHOR,
    CHAT_MARKUP,
    CHECK_STATEMENT,
    CLOCK,
    COMPARE,
    DATELINE,
    FIGURE_CUES,
    FIGURE_GENERIC,
    GENERIC_HEADS,
    GENERIC_WORDS,
    HEAD_NOUN,
    LIST_PEOPLE,
    METRIC_NOUNS,
    METRIC_OF_TERM,
    METRICS,
    MIN_COVERAGE,
    MONTH_NAMES,
    NOT_COVERED,
    NUMBERED_DURATION,
    OVERVIEW,
    OVERVIEW_TERMS,
    PROFILE_FILLER,
    PROVINCE_LIST,
    ROLE_WORDS,
    SOURCE_META,
    SUBGROUP_WORDS,
    SUMMARY,
    VERDICT_WORDS,
    WEEKDAYS,
    analyse,
    counted_in,
    dates_in,
    split_sentences,
    weekdays_in,
)
from bot.core.reply import Asker, Citation
from bot.core.source_answers import (
    ALIVE,
    BOTTOM,
    DAY_OF,
    FIRST,
    HOW_LONG,
    SPAN,
    SPAN_BETWEEN,
    WATCH,
    WHEN,
    WHO_CONTESTED,
    WHY,
    YES_NO,
    SourceAnswers,
)
from bot.core.text import STOPWORDS, expand_shorthand, stem, term, terms, typo_distance, words

TERMS_ASK = re.compile(r"^\s*what\s+(?:are|were)\s+the\s+(?:\w+\s+)?(?:terms|provisions|conditions|demands|points|"
                       r"details|elements)\b", re.I)
# An amount in a sentence: a number, or a number word ("two", "dozens", "a third").
AMOUNT = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|"
                    r"hundred|hundreds|thousand|thousands|million|millions|billion|billions|dozen|dozens|half|third|"
                    r"quarter)\b", re.I)
# "What did X say about ...?", "What did X's government say?": only a sentence where X speaks answers it.
SAID_ASK = re.compile(r"^\s*what\s+(?:did|does|has|have|do)\s+(?P<who>.+?)\s+(?:say|said|think|make\s+of)\b", re.I)
SPEECH = (r"(?:said|says|say|told|tells|stated|added|warned|urged|called|condemned|denounced|welcomed|described|"
          r"accused|voiced|expressed|declared|announced|insisted|claimed|denied|argued|responded|replied|wrote|"
          r"posted|statement|spokesman|spokeswoman|spokesperson)\b")
# "He said ...", "Speaking in Arabic, he said ...": a quoted sentence whose speaker is named only before it.
SPEAKER_PRONOUN = re.compile(r"^(?:[^.;:\"“]{0,40},\s*)?(?:he|she|it|they)\s+(?:said|says|added|told|vowed|warned|"
                             r"denied|claimed|insisted|accused|called|urged|stated|announced|released)\b", re.I)
QUESTION_START = re.compile(r"^\s*(who|whom|whose|what|when|where|which|why|how|did|does|do|is|are|was|were|has|"
                            r"have|had|can|could|will|would|should|tell|give|list|name)\b", re.I)
# "What are the names of ...", "what did X call its operation": the answer must carry a name.
NAME_ASK = re.compile(r"\bnames?\s+of\b|\bwhat\s+(is|are|was|were)\s+(the|their|its|his|her)\s+names?\b|"
                      r"\bwhat\s+did\s+.+\s+(call|name|dub|code-?name)\b|\bwhat\s+(is|was)\s+.+\s+called\b", re.I)
NAMING = re.compile(r"\b(named|called|dubbed|code-?named|known\s+as|titled)\b|\bOperation\s+[A-Z]")


@dataclass
class Passage:
    """A retrievable unit handed to a model: a fact statement or a source sentence, with its quotes."""

    id: str
    kind: str
    text: str
    citations: list[Citation]
    status: str = ""


@dataclass
class Doc:
    id: str
    kind: str  # actor | event | claim | request | agreement | upcoming | note | figure | passage
    text: str
    tf: Counter
    length: int
    obj: object = None
    evidence: list[Evidence] = field(default_factory=list)
    dates: set[tuple[int, int]] = field(default_factory=set)  # (month, day)
    weekdays: set[str] = field(default_factory=set)


def numbers_in(text: str) -> list[int]:
    return [int(n.replace(",", "")) for n in re.findall(r"\b\d[\d,]*\b", text) if len(n) < 12]


def dates_of(obj: object) -> list[DateRef]:
    """The dates a fact carries (an event's, an agreement's signings, an upcoming item's)."""
    if isinstance(obj, Agreement):
        return list(obj.signed)
    when = getattr(obj, "when", None)
    return [when] if isinstance(when, DateRef) else []


class OfflineEngine:
    def __init__(self, briefing: Briefing) -> None:
        self.briefing = briefing
        self.docs: list[Doc] = []
        self.series = series_of(briefing.figures)
        for fact in briefing.facts():
            self._add_fact(fact)
        for s in self.series:
            self._add_figure(s)
        for source in briefing.sources:
            self._add_source(source)
        self.postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for i, doc in enumerate(self.docs):
            for t, n in doc.tf.items():
                self.postings[t].append((i, n))
        total = len(self.docs) or 1
        self.idf = {t: math.log(1 + (total - len(p) + 0.5) / (len(p) + 0.5)) for t, p in self.postings.items()}
        self.avg_len = sum(d.length for d in self.docs) / total
        self.mean_idf = sum(self.idf.values()) / len(self.idf) if self.idf else 1.0
        self.vocab = set(self.postings)
        self.index = SentenceIndex(briefing)
        self.sources = SourceAnswers(briefing, self.index)
        # What this briefing's own data says about its names: its parties (the conflict's title names them),
        # terms in most of its sources, the words its country actors go by ("Thais", "Khmer", "KH").
        parties = {t for t in terms(briefing.conflict) if t not in STOPWORDS}
        self.generic_terms = GENERIC_WORDS | parties | self.index.generic | {
            d for t in parties for d in self.index.demonyms(t)}
        self.side_words = {w for a in briefing.actors if a.kind == "country" for n in [a.name, *a.aliases]
                           for w in words(n) if term(w) not in GENERIC_WORDS and w not in STOPWORDS}
        self.shorthand = {al: a.name for a in briefing.actors for al in a.aliases
                          if al.isupper() and al.isalpha() and len(al) <= 4}
        self.actor_terms = {a.id: self._name_terms(a) for a in briefing.actors}
        self.person_terms = {t for a in briefing.actors if a.kind == "person"
                             for n in [a.name, *a.aliases] for t in terms(n) if t not in self.generic_terms
                             and t not in {"premier", "president", "minister", "leader"}}
        self.actor_name_terms = [set(terms(a.name)) for a in briefing.actors if a.kind == "person"]
        self.actor_all_terms = {a.id: set(terms(self._actor_words(a.id) + " " + (a.country or "")))
                                for a in briefing.actors}
        self.raw_words = sorted({w for doc in self.docs[:5000] for w in words(doc.text) if len(w) > 3})
        self.said = ""  # what an earlier part of a compound question already answered
        self.anagrams = {"".join(sorted(w)): w for w in self.raw_words if w.isalpha()}

    # -- index ------------------------------------------------------------------------------------
    def _add(self, doc_id: str, kind: str, text: str, search_text: str, obj: object,
             evidence: list[Evidence]) -> None:
        tf, dates, days = analyse(search_text)
        self.docs.append(Doc(id=doc_id, kind=kind, text=text, tf=tf, length=sum(tf.values()) or 1, obj=obj,
                             evidence=evidence, dates=dates, weekdays=days))

    def _add_fact(self, fact: Fact) -> None:
        parts = [fact.statement, " ".join(fact.keywords), " ".join(fact.keywords)]
        parts += [e.quote for e in fact.evidence]
        kind = "note"
        if isinstance(fact, Actor):
            kind = "actor"
            parts += [fact.name, fact.name, " ".join(fact.aliases), f"role {fact.role or ''}",
                      f"country {fact.country}" if fact.country else ""]
        elif isinstance(fact, Event):
            kind = "event"
            parts += [fact.summary, fact.place or "", fact.when.text,
                      fact.when.date.strftime("%B %d").replace(" 0", " ") if fact.when.date else ""]
            parts += [self._actor_words(p.actor) for p in fact.participants]
        elif isinstance(fact, Claim):
            kind = "claim"
            parts += [fact.claim, fact.topic, self._actor_words(fact.by)]
        elif isinstance(fact, Request):
            kind = "request"
            parts += [fact.asked, self._actor_words(fact.requester)]
            parts += [self._actor_words(a) for a in fact.addressees]
        elif isinstance(fact, Agreement):
            kind = "agreement"
            parts += [fact.name, fact.name, fact.status, *(d.label() for d in fact.signed)]
        elif isinstance(fact, Upcoming):
            kind = "upcoming"
            parts += [fact.summary, fact.status]
        self._add(fact.id, kind, fact.statement, " ".join(parts), fact, fact.evidence)

    def _add_figure(self, s: Series) -> None:
        cur = s.current
        search = " ".join([cur.phrase(), cur.scope, cur.noun, " ".join(cur.keywords), cur.metric,
                           *(e.quote for e in cur.evidence)])
        self._add(cur.id, "figure", self.figure_sentence(s), search, s, cur.evidence)

    def _add_source(self, source: Source) -> None:
        for n, (offset, sentence) in enumerate(split_sentences(source.text)):
            ev = Evidence(source_id=source.id, quote=sentence, char_start=offset, char_end=offset + len(sentence))
            self._add(f"{source.id}#s{n}", "passage", sentence, sentence, source, [ev])

    def _actor_words(self, actor_id: str) -> str:
        actor = self.briefing.actor(actor_id)
        if actor is None:
            return actor_id
        return " ".join([actor.name, *actor.aliases, actor.role or ""])

    def _name_terms(self, actor: Actor) -> list[set[str]]:
        return [set(terms(n)) for n in [actor.name, *actor.aliases] if terms(n)]

    # -- public -----------------------------------------------------------------------------------
    async def answer(self, question: str, asker: Asker | None = None) -> Answer:
        return self.answer_now(question)

    def retrieve(self, question: str, k: int = 8) -> list[Passage]:
        """The k most relevant facts and sentences, each with verbatim citations (for the model path)."""
        qterms = terms(question)
        ranked = self.rank(qterms, question)[:k]
        out = []
        for _score, doc in ranked:
            cite = Citer(self.briefing)
            cite.cite(doc.evidence)
            status = doc.obj.status if isinstance(doc.obj, Claim) else ""
            out.append(Passage(id=doc.id, kind=doc.kind, text=doc.text, citations=cite.citations, status=status))
        return out

    def answer_now(self, question: str) -> Answer:
        ans = self._answer(question)
        ans.question = " ".join(question.split())  # as asked, not as normalised for matching
        return ans

    def _answer(self, question: str) -> Answer:
        # Chat markup (<!channel>, <@U123>, <#C1|news>) is not part of the question.
        q = self.correct(" ".join(expand_shorthand(self.actor_shorthand(CHAT_MARKUP.sub(" ", question))).split()))
        q = self.index.expand_acronyms(q)
        parts = self.sources.split(q)
        if len(parts) > 1 and all(len(p.split()) >= 3 for p in parts) and QUESTION_START.match(parts[0]):
            return self.name_speaker(self.compound(q, parts))
        return self.name_speaker(self._answer_one(q))

    def name_speaker(self, ans: Answer) -> Answer:
        """An answer opening on 'he said ...' also quotes the sentence before it in the report, which names him."""
        first = next((c for c in ans.citations if c.quote in ans.answer), None) if ans.found else None
        if first is None or not SPEAKER_PRONOUN.match(first.quote):
            return ans
        prev = self.index.before(first.quote)
        if prev is None or prev.text in ans.answer or not any(t in self.index.name_terms for t in prev.tf):
            return ans
        cite = Citer(self.briefing)
        if not cite.cite(prev.evidence):
            return ans
        extra = cite.citations[0]
        extra.n = len(ans.citations) + 1
        ans.citations.append(extra)
        ans.answer = ans.answer.replace(first.quote, f"{prev.text} {first.quote}", 1)
        if ans.marked:
            ans.marked = ans.marked.replace(first.quote, f"{prev.text} [{extra.n}] {first.quote}", 1)
        return ans

    def compound(self, q: str, parts: list[str]) -> Answer:
        """'Who leads X, and what did he vow?': each part answered, the later ones in the light of the first."""
        answers = [self._answer_one(parts[0])]
        used = {c.quote for c in answers[0].citations}
        names = [w for w in re.findall(r"\b[A-Z][\w'’-]+", " ".join([parts[0], *used]))
                 if w.lower() not in STOPWORDS and term(w.lower()) in self.index.name_terms]
        names = list(dict.fromkeys(names))[:6]
        # Later parts lean on the first ("and with which weapons?") but must add something new.
        self.index.exclude = {s.n for s in self.index.sentences if s.text in answers[0].answer}
        self.said = answers[0].answer
        # "..., and when did it take effect?": "it" is what the first part asked about.
        topic = [w for w in re.findall(r"[A-Za-z][\w'’-]+", parts[0]) if w.lower() not in STOPWORDS
                 and not QUESTION_START.match(w) and term(w.lower()) in self.vocab and w not in names]
        try:
            for part in parts[1:]:
                extra = names
                if re.search(r"\b(it|its|this|that|they|them|their)\b", part, re.I) and \
                        not re.search(r"\b(he|she|him|his|her)\b", part, re.I):
                    extra = topic  # a thing, not a person named in the first answer
                answers.append(self._answer_one(f"{part} {' '.join(extra)}"))
        finally:
            self.index.exclude = set()
            self.said = ""
        cites: list[Citation] = []
        texts = []
        for a in answers:
            if not a.found:
                continue
            if a.answer not in texts:
                texts.append(a.answer)
            for c in a.citations:
                if all(c.quote != k.quote for k in cites):
                    cites.append(Citation(n=len(cites) + 1, source_id=c.source_id, title=c.title,
                                          published=c.published, quote=c.quote, url=c.url, publisher=c.publisher))
        if not texts:
            return answers[0]
        return Answer(question=q, answer=" ".join(texts), found=True, citations=cites, intent="compound",
                      fact_ids=[i for a in answers for i in a.fact_ids])

    def _answer_one(self, q: str) -> Answer:
        qterms = terms(q)
        if LIST_PEOPLE.search(q) and not PROVINCE_LIST.search(q):
            return self.people(q)
        topical = [t for t in qterms if t in self.vocab and t not in self.generic_terms and t not in OVERVIEW_TERMS]
        if BOTTOM.search(q) and (ans := self.sources.bottom_line(q)):
            return ans
        if WATCH.search(q) and not self.index.name_groups(q) and (ans := self.sources.watch(q)):
            return ans
        if OVERVIEW.search(q) and len(qterms) <= 5 and not self.unknown_names(q) and not topical:
            return self.overview(q)
        if SOURCE_META.search(q):
            return self.source_meta(q)
        refusal = self.uncovered(q, qterms) or self.beyond_briefing(q)
        if refusal:
            return self.refuse(q, refusal, "not_covered")
        if ALIVE.match(q) and (ans := self.sources.alive(q)):
            return ans
        if (SPAN.search(q) or SPAN_BETWEEN.search(q)) and (ans := self.sources.span(q)):
            return ans
        if FIRST.search(q) and (ans := self.sources.first(q)):
            return ans
        if DAY_OF.search(q) and (ans := self.sources.day_of(q)):
            return ans
        if PROVINCE_LIST.search(q):
            ans = self.figures_answer(q, ["displac"])
            ans.prefix("The briefing does not say which provinces; it gives only their number.")
            return ans
        metrics = [m for m in METRICS if m in qterms]
        if re.search(r"\bcasualt", q, re.I):
            metrics = ["kill", "injur"]  # casualties are the dead and the wounded
        nouns = self.counted_nouns(q)
        if re.match(r"\s*(who|whom)\b", q, re.I) and not FIGURE_CUES.search(q):
            metrics, nouns = [], set()  # "who was killed in the strike?" asks for names, not a count
        elif not metrics and not nouns and (people := re.match(r"\s*how\s+many\s+([a-z-]+)", q, re.I)) \
                and term(people.group(1).lower()) == "people" and len(qterms) > 3:
            nouns = {"people"}  # "how many civilians were still in the city?": a count of people, not of a toll
        if (metrics or nouns) and (FIGURE_CUES.search(q) or len(qterms) <= 3 or dates_in(q) or
                                   (metrics and re.search(r"\d", q))):
            generic = not nouns and not self.sources.specific(q, set(metrics)) and any(
                s.metric == METRIC_OF_TERM[m] for s in self.series for m in metrics)
            # "Can we write that 60 were killed?": a number of another structured figure is corrected below.
            mixed = CHECK_STATEMENT.search(q) and any(n == s.current.value and s.metric not in
                                                      {METRIC_OF_TERM[m] for m in metrics}
                                                      for s in self.series for n in numbers_in(q))
            ans = None if generic or mixed else self.sources.figure(q, set(metrics), nouns)
            if ans is not None:
                return ans
        if metrics and (FIGURE_CUES.search(q) or len(qterms) <= 3 or dates_in(q)):
            ans = self.figures_answer(q, metrics)
            counted = re.search(r"\bhow\s+many\s+([a-z-]+)", q, re.I)
            if counted and ans.found and not counted_in(ans.answer, counted.group(1)) \
                    and counted.group(1).lower() not in METRIC_NOUNS | STOPWORDS:
                ans.prefix(f"The briefing does not say how many {counted.group(1).lower()}. What it does say:")
            return ans
        if FIGURE_CUES.search(q) and re.search(r"\bcasualt", q, re.I):
            return self.figures_answer(q, ["kill", "injur"])
        profile = self.profile(q)
        if profile is not None:
            return profile
        ranked = self.rank(qterms, q)
        if self.said:
            ranked = [p for p in ranked if p[1].text not in self.said] or ranked
        # Structured facts answer first; the sources' own sentences where none fits.
        strange = [w for w in self.unknown_words(q) if len(w) > 3 and not self.near_word(w)
                       and not self.index.knows(w)]
        # An actor's profile answers "who is ...?"; for anything else the sources' sentences do.
        from_sources = (not ranked or self.sentence_like(ranked[0][1]) or (
            self.thin_actor(ranked[0][1].obj)
            and not re.match(r"\s*(who|what\s+(role|position|title|job))\b", q, re.I))) and not strange
        if from_sources and ranked:
            ranked = self.prefer_sentences(q, ranked)
        if from_sources and NAME_ASK.search(q):
            hits = self.index.search(q, k=3)
            if not hits or not any(NAMING.search(s.text) and self.index.name_cover(s, self.index.name_groups(q)) >= 0.6
                                   for _, s in hits):
                return self.refuse(q, "The briefing does not give that name.", "no_name")
        if from_sources and HOW_LONG.match(q) and (ans := self.sources.duration(q)):
            return ans
        if from_sources and WHEN.match(q) and (ans := self.sources.when(q)):
            return ans
        # A why-question's verb the sources never use is what a false premise looks like: check it.
        if (from_sources or (WHY.match(q) and ranked)) and (YES_NO.match(q) or WHY.match(q) or WHO_CONTESTED.match(q)) \
                and (ans := self.sources.statement(q)):
            return ans
        if not ranked:
            return self.refuse(q, NOT_COVERED, "no_match")
        _score, best = ranked[0]
        if self.coverage(qterms, best) < MIN_COVERAGE and not (
                from_sources and best.kind == "passage" and self.sentence_coverage(q, qterms) >= MIN_COVERAGE):
            numbered = self.numbered(q, qterms)
            if numbered is None:
                return self.refuse(q, NOT_COVERED, "weak_match")
            best = numbered  # "Resolution 2736": the only sentences giving that number are what it asks about
        if OVERVIEW.search(q) or SUMMARY.search(q) or COMPARE.search(q):
            return self.summary(q, ranked)
        ans = self.compose(q, best, ranked)
        if CHECK_STATEMENT.search(q) and self.verdict(q, best, ans):
            return ans
        return self.hedge(q, qterms, best, ans)

    # -- understanding ----------------------------------------------------------------------------
    def actor_shorthand(self, q: str) -> str:
        """'KH', 'HM': capitalised shorthand the briefing lists as an actor's alias, read as the actor's name."""
        if not self.shorthand:
            return q
        return re.sub(r"\b[A-Z]{2,4}\b", lambda m: self.shorthand.get(m.group(0), m.group(0)), q)

    def counted_nouns(self, q: str) -> set[str]:
        """What 'how many ...' counts: 'how many SA soldiers dead' -> soldiers; 'how many were Malawian'."""
        m = re.search(r"\bhow\s+(?:many|much)\s+(?:(?:were|are|was|is)\s+)?([a-z' -]+)", re.sub(r"[()]", " ", q), re.I)
        if not m:
            return set()
        phrase = re.split(r"\b(?:did|do|does|were|was|are|is|have|has|had|will|would|in|at|on|of|from|since|"
                          r"during|according|so|died|killed|dead|injured|wounded|displaced|fled)\b", m.group(1))[0]
        out = set()
        for w in words(phrase):
            if w in STOPWORDS or term(w) == "people" or term(w) in self.index.name_terms or self.index.acronyms.get(w):
                continue
            if term(w) in METRICS:
                if w not in METRIC_NOUNS:
                    out.add(stem(w))  # "how many shelters": shelters, not the people in them
                continue
            out.add(term(w))
        return out

    def correct(self, q: str) -> str:
        """Fix likely misspellings of the briefing's own words ("casualites" -> "casualties")."""
        fixed = q
        for w in set(self.unknown_words(q)):
            right = self.spelling(w)
            if right:
                fixed = re.sub(rf"\b{re.escape(w)}\b", right, fixed, flags=re.I)
        return fixed

    def spelling(self, word: str) -> str | None:
        """The briefing's word that `word` is a likely misspelling of, or None."""
        if len(word) <= 4 or not word.isalpha():
            return None
        close = difflib.get_close_matches(word, self.raw_words, n=1, cutoff=0.88)
        # Typos keep their first letters; "difference" -> "differences" is another form, not a typo.
        if close and close[0][:2] == word[:2] and not (close[0].startswith(word) or word.startswith(close[0])):
            return close[0]
        # Two letters swapped ("isreal" for "israel"): the same letters, the same first one.
        swapped = self.anagrams.get("".join(sorted(word)))
        if swapped and swapped != word and swapped[0] == word[0] and sum(a != b for a, b in zip(swapped, word,
                                                                                               strict=False)) == 2:
            return swapped
        # A name typed by ear ("isreali", "fashir"): one edit in a short word, two in a long one, the same first
        # letter, and only one name of the sources that near, or it is a guess. Only names: an everyday word
        # the sources never use ("change") is no typo of one they do ("chance").
        limit = 1 if len(word) <= 7 else 2
        near = {w for w in self.index.name_words if w.isalpha() and w[0] == word[0] and abs(len(w) - len(word)) <= limit
                and not (w.startswith(word) or word.startswith(w)) and typo_distance(word, w, limit) <= limit}
        if len(near) == 1 or (near and len({stem(w) for w in near}) == 1):
            return min(near, key=len)
        return None

    def near_word(self, word: str) -> bool:
        return self.spelling(word) is not None

    def unknown_words(self, q: str) -> list[str]:
        return [w for w in words(q) if w not in STOPWORDS and term(w) not in self.vocab and not w.isdigit()]

    def uncovered(self, q: str, qterms: list[str]) -> str | None:
        """A refusal when the question hinges on something the briefing never mentions."""
        unknown = self.unknown_words(q)
        if not unknown:
            return None
        # Places, people and bodies the briefing never mentions (Vietnam, the UN, Hun Sen ...).
        names = self.unknown_names(q)
        if names:
            return f"The briefing does not cover {names[0]}."
        # "How many drones ...": the thing counted is unknown.
        counted = re.search(r"\bhow\s+(?:many|much)\s+([a-z'-]+)", q, re.I)
        if counted:
            noun = counted.group(1).lower()
            if noun in unknown and not SUBGROUP_WORDS.fullmatch(noun) and noun not in self.side_words \
                    and not self.index.acronyms.get(noun):
                return f"The briefing does not cover {noun}: it holds no such figure."
        # "What is the capital of ...", "what is Thailand's military budget": the thing asked for is unknown.
        head = HEAD_NOUN.match(q.lower().strip())
        if head:
            noun = head.group(1).split()[-1]
            specific = [t for t in qterms if t in self.vocab and t not in self.generic_terms]
            if noun in unknown and noun not in GENERIC_HEADS and not specific:
                return f"The briefing does not cover {noun}."
        known = [t for t in qterms if t in self.vocab and t not in STOPWORDS]
        if not known:
            return NOT_COVERED
        return None

    def sentence_like(self, doc: Doc) -> bool:
        """A passage, or a fact whose statement is only its source sentence (as ingest makes them)."""
        if doc.kind == "passage":
            return True
        if doc.kind == "figure":
            return True  # a figure question never gets here; for anything else the sentences answer
        obj = doc.obj
        return isinstance(obj, Fact) and any(obj.statement.strip() in e.quote or e.quote in obj.statement
                                             for e in obj.evidence)

    def sentence_coverage(self, q: str, qterms: list[str]) -> float:
        """How much of the question the best source sentence covers, its neighbour's names included."""
        hits = self.index.search(q, k=1)
        if not hits:
            return 0.0
        s = hits[0][1]
        groups = self.index.name_groups(q)
        named = set().union(*groups) if groups else set()
        # Dates count as matched when the sentence is about that day; names when any of their forms is there.
        days = set(question_dates(q, self.index.as_of(self.briefing.as_of)))
        rest = {t for t in qterms if t not in named and not (days and (t.isdigit() or t in MONTH_NAMES))}
        parts = [self.index.coverage(s, rest)] if rest else []
        if groups:
            parts.append(self.index.name_cover(s, groups))
        if days:
            parts.append(1.0 if days & set(s.dates) else 0.0)
        return sum(parts) / len(parts) if parts else 0.0

    def thin_actor(self, obj: object) -> bool:
        """An actor fact that says only who holds which office, as ingest names them in a report."""
        if not isinstance(obj, Actor):
            return False
        known = set(terms(" ".join([obj.name, *obj.aliases, obj.role or "", obj.country or "",
                                    *(s.title for s in self.briefing.sources)])))
        return not (set(terms(obj.statement)) - known - {"name", term("named")})

    def prefer_sentences(self, q: str, ranked: list[tuple[float, Doc]]) -> list[tuple[float, Doc]]:
        """Put the source sentence the sentence index rates best (names, context, dates) first."""
        hits = self.index.search(q, k=5)
        if not hits:
            return ranked
        if re.match(r"\s*(who|whom)\b", q, re.I):
            # "Who led ...?": a sentence that names people answers better than one that only matches words.
            asked = set(re.findall(r"\b[A-Z][\w'’-]+", q))
            hits = sorted(hits, key=lambda h: -h[0] * (1.4 if any(n not in asked for n in re.findall(
                r"\b[A-Z][a-z][\w'’-]+\s+[A-Z][a-z][\w'’-]+", h[1].text)) else 0.5))
        text = hits[0][1].text
        for i, (_score, doc) in enumerate(ranked):
            if doc.kind == "passage" and text in doc.text:
                return [(ranked[0][0], doc)] + ranked[:i] + ranked[i + 1:]
        top = next((d for d in self.docs if d.kind == "passage" and text in d.text), None)
        return [(ranked[0][0], top)] + ranked if top is not None else ranked

    def unknown_names(self, q: str) -> list[str]:
        """Names (capitalised, or well-known places and bodies) that the briefing never mentions."""
        out = []
        for m in re.finditer(r"\b[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*", q):
            parts = m.group(0).rstrip(".").split()
            if m.start() == 0:
                parts = parts[1:]  # the first word of a sentence is capitalised anyway
            while parts and parts[0].lower() in STOPWORDS:
                parts = parts[1:]
            phrase = " ".join(parts)
            if not phrase:
                continue
            ws = [w for w in words(phrase) if w not in STOPWORDS and w not in MONTH_NAMES and w not in WEEKDAYS
                  and not self.index.acronyms.get(w)]
            if ws and any(term(w) not in self.vocab and not w.isdigit() and not self.index.knows(w) for w in ws):
                out.append(re.sub(r"['’]s$", "", phrase))
        # "hun sen" typed in lower case: a name word of the briefing followed by a word it never uses.
        ws = re.findall(r"[A-Za-z][\w'-]*", q)
        for a, b in zip(ws, ws[1:], strict=False):
            la, lb = a.lower(), b.lower()
            if la in self.index.first_names and not self.index.demonyms(term(la)) and lb not in STOPWORDS and term(lb) not in self.vocab \
                    and not self.index.knows(lb) and not self.near_word(lb):
                out.append(f"{a.title()} {b.title()}")
        return out

    def coverage(self, qterms: list[str], doc: Doc) -> float:
        """Share of the question's weight (idf) that the document matches; unknown words weigh half."""
        wanted = {t for t in qterms if t not in STOPWORDS}
        if not wanted:
            return 0.0
        total = sum(self.idf.get(t, self.mean_idf / 4) for t in wanted)
        matched = sum(self.idf[t] for t in wanted if t in doc.tf)
        return matched / total if total else 0.0

    def rank(self, qterms: list[str], q: str) -> list[tuple[float, Doc]]:
        scores: dict[int, float] = defaultdict(float)
        k1, b = 1.2, 0.5
        wanted = [t for t in set(qterms) if t in self.idf]
        if len(self.docs) > 2000 and len(wanted) > 1:
            # In a large briefing a term found in a tenth of everything barely ranks but costs the most.
            rare = [t for t in wanted if len(self.postings[t]) < len(self.docs) / 12]
            wanted = rare or wanted
        for t in wanted:
            idf = self.idf[t]
            for i, n in self.postings[t]:
                doc = self.docs[i]
                scores[i] += idf * n * (k1 + 1) / (n + k1 * (1 - b + b * doc.length / self.avg_len))
        if not scores:
            return []
        boosts = self.intent_boosts(q)
        qdates = dates_in(q)
        qdays = weekdays_in(q)
        asks_when = bool(re.match(r"\s*(when|what\s+(date|day|time))\b", q, re.I))
        ranked = []
        for i, s in scores.items():
            doc = self.docs[i]
            s *= boosts.get(doc.kind, 1.0)
            if qdates and qdates & doc.dates:
                s *= 1.6
            if qdays and qdays & doc.weekdays:
                s *= 1.3
            if asks_when and isinstance(doc.obj, Event) and doc.obj.when.date is None \
                    and "not reported" in doc.obj.when.text:
                s *= 0.5
            ranked.append((s, doc))
        return heapq.nsmallest(200, ranked, key=lambda x: (-x[0], x[1].kind == "passage"))

    def intent_boosts(self, q: str) -> dict[str, float]:
        low = q.lower()
        # Structured facts first, source sentences second.
        boosts = {"passage": 0.7, "note": 0.9}
        if re.match(r"\s*when\b", low) or re.search(r"\b(what|which)\s+(date|day|time)\b", low):
            boosts.update(event=1.3, agreement=1.3, upcoming=1.2, actor=0.6)
        elif re.match(r"\s*where\b|\bwhich\s+(province|place|area|region|town|city)", low):
            boosts.update(event=1.4, actor=0.7)
        elif re.match(r"\s*(who|whom|whose)\b", low):
            boosts.update(request=1.2, claim=1.15, event=1.1, actor=1.0, note=0.75)
        elif re.match(r"\s*(did|does|do|is|are|was|were|has|have|had)\b", low):
            boosts.update(claim=1.3, agreement=1.1)
        if re.search(r"\b(will|upcoming|next|planned|scheduled|going to)\b", low):
            boosts["upcoming"] = boosts.get("upcoming", 1.0) * 1.6
        qterms = set(terms(q))
        if "request" in qterms:
            boosts["request"] = boosts.get("request", 1.0) * 1.3
        if COMPARE.search(low):
            boosts["claim"] = boosts.get("claim", 1.0) * 1.5
        # "Anwar is the head of government of which nation?": a question about a person's position.
        if qterms & {"role", "country", "leader", "premier", "president", "minister"} and \
                any(qterms & names for names in self.actor_name_terms):
            boosts["actor"] = boosts.get("actor", 1.0) * 1.4
        # "Which side fired first?", "who is to blame?": contested by nature, so answered by the claims.
        if re.match(r"\s*(which\s+(side|country|party)|who)\b", low) and qterms & {"start", "blame"}:
            boosts["claim"] = boosts.get("claim", 1.0) * 1.5
        return boosts

    def profile(self, q: str) -> Answer | None:
        m = re.match(r"\s*(?:who|what)\s+(?:is|was|are)\s+(.+?)\s*\??\s*$|\s*(?:tell me about|profile of|"
                     r"who'?s|background on|info on)\s+(.+?)\s*\??\s*$|"
                     r"\s*what\s+(?:role|position|title|job)\s+(?:does|did|do)\s+(.+?)\s+(?:have|hold|play)\b",
                     q, re.I)
        if not m:
            return None
        wanted = set(terms(next(g for g in m.groups() if g))) - PROFILE_FILLER
        if not wanted:
            return None
        for actor in self.briefing.actors:
            for name in self.actor_terms[actor.id]:
                if wanted == name or (len(wanted) == 1 and wanted <= name and actor.kind == "person"):
                    return self.fact_answer(q, actor, f"profile:{actor.id}")
        # "the American president", "Cambodia's leader": described by role and country.
        described = [a for a in self.briefing.actors if a.kind == "person" and wanted <= self.actor_all_terms[a.id]]
        if len(described) == 1:
            return self.fact_answer(q, described[0], f"profile:{described[0].id}")
        asked = next(g for g in m.groups() if g)
        if ROLE_WORDS.search(asked) and re.match(r"\s*who", q, re.I) and len(asked.split()) <= 6 \
                and not re.search(r"\b(that|who|which|whom|said|says|did|had|has)\b", asked, re.I):
            role = re.sub(r"^(the|a|an)\s+", "", asked.strip(" ?"), flags=re.I)
            return self.refuse(q, f"The briefing does not name the {role}.", "unknown_person")
        return None

    def hedge(self, q: str, qterms: list[str], best: Doc, ans: Answer) -> Answer:
        """Say plainly what the briefing does not say when the nearest fact misses the specific ask."""
        low = q.lower()
        obj = best.obj
        missing = None
        kind_of = re.search(r"\b(?:what|which)\s+(kind|type|sort|make|model|brand|size)\s+of\s+([a-z-]+)", low)
        if kind_of:
            missing = f"what {kind_of.group(1)} of {kind_of.group(2)}"
        elif re.match(r"\s*where\b", low) and isinstance(obj, Event | Upcoming) and not getattr(obj, "place", None):
            missing = "where"
        elif re.match(r"\s*where\b", low) and best.kind == "passage" and not any(
                m.group(2) not in q for m in re.finditer(r"\b(in|at|near|outside|inside|from|into)\s+(?:the\s+)?"
                                                         r"([A-Z][\w'’-]+)", best.text)
                if m.group(2).lower() not in WEEKDAYS and m.group(2).lower() not in MONTH_NAMES):
            missing = "where"  # the sentence names no place the question did not already give
        elif (which := re.search(r"\bwhich\s+(province|town|city|village|district)\b", low)) and not (
                isinstance(obj, Event) and obj.place):
            missing = f"which {which.group(1)}"
        elif re.search(r"\b(what|which|at\s+what)\s+(time|hour)\b|\bwhen\s+exactly\b", low) \
                and not CLOCK.search(best.text):
            missing = "the exact time"
        elif re.search(r"\b(what|which)\s+(exact\s+)?(day|date)\b|\bexact\s+(day|date)\b|\bwhen\s+exactly\b",
                       low) and not re.search(r"day\s+of\s+the\s+(conflict|fighting|week)", low) \
                and not any(d.precision == "day" for d in dates_of(obj)):
            missing = "the exact day"
        elif re.match(r"\s*who\b", low) and "sign" in qterms and isinstance(obj, Agreement):
            missing = "who signed it"
        elif "duration" in qterms and re.search(r"\bhow\s+long\b", low) and not NUMBERED_DURATION.search(best.text):
            missing = "how long"
        elif re.search(r"\bhow\s+many\s+([a-z-]+)", low):
            noun = re.search(r"\bhow\s+many\s+([a-z-]+)", low).group(1)
            if noun not in STOPWORDS and not counted_in(best.text, noun):
                missing = f"how many {noun}"
        elif re.match(r"\s*how\s+much\b", low) and not AMOUNT.search(best.text):
            missing = "how much"  # "how much did X pledge?" answered by a sentence giving no amount
        elif (said := SAID_ASK.match(q)) and not self.says(said.group("who"), best.text):
            missing = f"what {said.group('who')} said"  # the sentence names them, but as no speaker
        asked = re.match(r"\s*(?:what|which)\s+(?:[a-z]+\s+)?([a-z]+)\s+(?:did|does|do|is|are|was|were|has|have|had)\b", low)
        if missing is None and asked and best.kind == "passage" and asked.group(1) not in STOPWORDS \
                and term(asked.group(1)) not in best.tf and term(asked.group(1)) not in GENERIC_HEADS:
            missing = f"what {asked.group(1)}"  # "what charges does he face?" answered by a sentence naming none
        if missing is None:
            strange = [w for w in self.unknown_words(q) if len(w) > 3 and not self.near_word(w)
                       and not self.index.knows(w)]
            if strange:
                ans.prefix(f"The briefing does not say exactly that (nothing on “{strange[0]}”). The closest it has:")
                ans.intent += ":hedged"
            return ans
        if not ans.found:
            return ans
        ans.prefix(f"The briefing does not say {missing}. What it does say:")
        ans.intent += ":hedged"
        return ans

    def numbered(self, q: str, qterms: list[str]) -> Doc | None:
        """The source sentence carrying a rare number the question gives (a resolution's, a unit's), if any."""
        for n in re.findall(r"\b\d{3,}\b", q):
            if 1900 <= int(n) <= 2100:
                continue  # a year
            docs = [d for d in self.docs if d.kind == "passage" and re.search(rf"(?<![\d,.]){n}(?!\d|[,.]\d)", d.text)]
            if 0 < len(docs) <= 3:
                return max(docs, key=lambda d: (self.coverage(qterms, d), -len(d.text)))
        return None

    def says(self, who: str, text: str) -> bool:
        """Whether the sentence gives `who` (a question's 'X' or "X's government") as the one speaking."""
        names = [w for w in words(who) if term(w) in self.index.name_terms or self.index.acronyms.get(w)]
        if not names:
            return True  # nobody named: nothing to check
        name = "|".join(re.escape(n) for n in names)
        return bool(re.search(rf"\b(?:{name})\b[^.;]{{0,60}}?\b{SPEECH}|\b{SPEECH}[^.;]{{0,12}}\b(?:{name})\b|"
                              rf"according\s+to\s+(?:the\s+)?(?:[\w'’-]+\s+){{0,2}}(?:{name})\b", text, re.I))

    def verdict(self, q: str, best: Doc, ans: Answer) -> bool:
        """'Our draft says X — is that right?': a plain yes only when the best fact backs every part of X.

        Contested claims never get a yes (their answer already says who says what); a number, date or
        name in X that the fact does not carry makes it 'not as stated'. False when undecided."""
        if not ans.found or isinstance(best.obj, Claim) or best.kind == "passage":
            return False
        fact_words = set(words(best.text)) | set(words(" ".join(e.quote for e in best.evidence)))
        fact_terms = set(best.tf)
        stated = [w for w in words(q) if w not in STOPWORDS and w not in VERDICT_WORDS]
        conflicts = [w for w in stated if (w.isdigit() or w in MONTH_NAMES or w in WEEKDAYS) and w not in fact_words]
        conflicts += [w for w in stated if term(w) not in fact_terms and term(w) in self.person_terms]
        if conflicts:
            ans.prefix(f"Not as stated (the briefing does not say “{conflicts[0]}” here). What it says:")
        elif all(term(w) in fact_terms for w in stated):
            if isinstance(best.obj, Event) and best.obj.modality == "reported":
                ans.prefix("The briefing carries that as a report, not confirmed:")
            else:
                ans.prefix("Yes, that matches the briefing:")
        else:
            return False
        ans.intent += ":verdict"
        return True

    def beyond_briefing(self, q: str) -> str | None:
        """'Did the ceasefire hold on December 14?' when the briefing ends on 12 December."""
        latest = self.index.as_of(self.briefing.as_of)
        for month, dd in sorted(dates_in(q)):
            try:
                asked = latest.replace(month=month, day=dd)
            except ValueError:
                continue
            if asked > latest:
                return (f"The briefing runs to {latest.day} {latest.strftime('%B %Y')} and does not cover "
                        f"{dd} {asked.strftime('%B')}.")
        return None

    def source_meta(self, q: str) -> Answer:
        """When and where a report was published, from its dateline."""
        source = max(self.briefing.sources, key=lambda s: s.published_at)
        line = DATELINE.search(source.text)
        where = f", filed from {line.group(1).strip()}" if line else ""
        cite = Citer(self.briefing)
        quote = line.group(0) if line else source.title
        n = cite.number(Evidence(source_id=source.id, quote=quote))
        text = (f"The latest report in the briefing is “{source.title}”, published "
                f"{source.published_at.day} {source.published_at.strftime('%B %Y')}{where}.")
        if AUTHOR.search(q):
            who = source.publisher or "its author"
            text = f"The briefing does not say who wrote it ({who} is not named with a byline). " + text
        return Answer(question=q, answer=text, found=n is not None, citations=cite.citations, intent="source")

    # -- answers ----------------------------------------------------------------------------------
    def refuse(self, q: str, text: str, reason: str) -> Answer:
        return Answer(question=q, answer=text, found=False, intent=f"refuse:{reason}")

    def fact_answer(self, q: str, fact: Fact, intent: str, text: str | None = None) -> Answer:
        cite = Citer(self.briefing)
        cite.cite(fact.evidence)
        return Answer(question=q, answer=text or fact.statement, found=bool(cite.citations),
                      citations=cite.citations, fact_ids=[fact.id], intent=intent)

    def compose(self, q: str, best: Doc, ranked: list[tuple[float, Doc]]) -> Answer:
        obj = best.obj
        if best.kind == "figure" and isinstance(obj, Series):
            named = [m for m in METRICS if m in terms(q)]
            return self.figures_answer(q, named or [k for k, v in METRIC_OF_TERM.items() if v == obj.metric])
        if isinstance(obj, Claim):
            return self.claim_answer(q, obj)
        if isinstance(obj, Fact):
            return self.fact_answer(q, obj, f"fact:{best.kind}")
        # A source sentence, quoted as it stands.
        source: Source = obj  # type: ignore[assignment]
        cite = Citer(self.briefing)
        evidence = list(best.evidence)
        said = best.text
        if re.match(r"(He|She|His|Her)\b", best.text) or (
                re.search(r"\b(who|whom|whose)\b", q, re.I) and re.match(r"(They|It)\b", best.text)):
            # "Who said it?" answered by "He said ...": the sentence before names him.
            before = self.index.before(best.text)
            if before is not None:
                evidence.insert(0, before.evidence)
                said = f"{before.text} {best.text}"
        if re.match(r"\s*(what|wat)\s+(did|does|do|has|have)\b", q, re.I):
            # "What did the team find?": the team's next sentence ("It said ...") goes on answering.
            after = self.index.after(best.text)
            if after is not None:
                evidence.append(after.evidence)
                said = f"{said} {after.text}"
        if TERMS_ASK.match(q):
            # "What are the terms?": a deal's terms run on over the next sentences of the paragraph.
            here = next((x for x in self.index.sentences if x.text == best.text), None)
            nxt = self.index.following(here) if here is not None else None
            if nxt is not None and nxt.para == here.para and nxt.text not in said:
                evidence.append(nxt.evidence)
                said = f"{said} {nxt.text}"
        cite.cite(evidence)
        text = f"According to “{source.title}” ({source.published_at.isoformat()}): {said}"
        return Answer(question=q, answer=text, found=bool(cite.citations), citations=cite.citations,
                      fact_ids=[best.id], intent="passage")

    def claim_answer(self, q: str, claim: Claim) -> Answer:
        """A contested claim is answered as contested: its status, then who says what."""
        group = [c for c in self.briefing.claims if c.topic == claim.topic]
        status = next((s for s in ("contradicted", "disputed", "unverified", "confirmed")
                       if any(c.status == s for c in group)), claim.status)
        lead = {"disputed": "This is disputed, and which account is true is unknown",
                "contradicted": "The two sides' accounts contradict each other, and which is true is unknown",
                "unverified": "This is unverified, so whether it is true is unknown",
                "confirmed": "This is confirmed"}[status]
        parts = [f"{lead} (topic: {claim.topic.lower()})."]
        parts += [c.statement for c in group]
        cite = Citer(self.briefing)
        marked = [parts[0]] + [f"{c.statement} {cite.cite(c.evidence)}".rstrip() for c in group]
        return Answer(question=q, answer=" ".join(parts), found=bool(cite.citations), citations=cite.citations,
                      fact_ids=[c.id for c in group], intent="claim", marked=" ".join(marked))

    def figure_sentence(self, s: Series) -> str:
        cur = s.current
        verb = {"killed": "have been killed", "injured": "have been injured",
                "displaced": "have been displaced", "missing": "are missing",
                "detained": "have been detained"}.get(cur.metric, cur.metric)
        scope = "" if is_headline(s.scope) else f" ({s.scope})"
        detail = f" ({cur.detail})" if cur.detail else ""
        text = f"{cur.amount()} {cur.noun}{scope} {verb}{detail}, as of {cur.as_of.day} {cur.as_of.strftime('%b %Y')}"
        previous = s.previous(cur.as_of)
        if previous is not None:
            text += f", up from {previous.amount()} on {previous.as_of.day} {previous.as_of.strftime('%b %Y')}" \
                if (cur.value_high or cur.value) > (previous.value_high or previous.value) else \
                f" (earlier: {previous.amount()} on {previous.as_of.day} {previous.as_of.strftime('%b %Y')})"
        others = s.disagreeing()
        if others:
            text += f"; sources disagree, giving {s.range_text()}"
        return text[0].upper() + text[1:] + "."

    def figures_answer(self, q: str, metric_terms: list[str]) -> Answer:
        wanted = [METRIC_OF_TERM[m] for m in metric_terms]
        chosen: list[Series] = []
        sub = SUBGROUP_WORDS.findall(q) + [w for w in re.findall(r"[A-Za-z]+", q) if w.lower() in self.side_words]
        for metric in wanted:
            group = [s for s in self.series if s.metric == metric]
            if sub:
                matching = [s for s in group if any(w.lower().rstrip("s") in s.scope.lower() for w in sub)]
                if matching:
                    chosen += matching
                    continue
            chosen += [s for s in group if is_headline(s.scope)] or group[:1]
        if not chosen:
            return self.refuse(q, "The briefing holds no such figure.", "no_figure")
        # "Can we write that 60 people were killed?": 60 is the injured figure, not the death toll.
        mixed_up = [s for s in self.series if is_headline(s.scope) and s not in chosen
                    and any(n == s.current.value for n in numbers_in(q))
                    and not any(n == c.current.value for c in chosen for n in numbers_in(q))]
        chosen += mixed_up
        cite = Citer(self.briefing)
        sentences, marked = [], []
        for s in chosen:
            sentences.append(self.figure_sentence(s))
            marks = cite.cite(s.current.evidence) + "".join(cite.cite(o.evidence) for o in s.disagreeing())
            marked.append(f"{sentences[-1]} {marks}".rstrip())
        text = " ".join(sentences)
        marked_text = " ".join(marked)
        asked_dates = dates_in(q)
        specific = self.unmatched_specifics(q, chosen)
        on_day = [e for e in self.briefing.events if e.when.date
                  and (e.when.date.month, e.when.date.day) in asked_dates]
        if specific and not on_day:
            on_day = self.events_about(specific)
        ans = Answer(question=q, answer=text, found=bool(cite.citations), citations=cite.citations,
                     fact_ids=[s.current.id for s in chosen], intent="figures", marked=marked_text)
        if sub and not any(any(w.lower().rstrip("s") in s.scope.lower() for w in sub) for s in chosen):
            ans.prefix(f"The briefing does not break the figures down by {', '.join(sorted({w.lower() for w in sub}))} "
                       f"(not specified in the sources). Overall:")
        elif specific:
            # Name what is not broken down only in the briefing's own words: the asker's other words
            # ("ignore previous instructions 500") must never read as if the briefing said them.
            named = all(term(w) in self.vocab for w in words(specific))
            what = f" ({specific}: not specified in the sources)" if named else ""
            ans.prefix(f"The briefing does not give a separate figure for that{what}. Overall:")
        for event in on_day:
            ans.prefix(event.statement, cite.cite(event.evidence))
        for s in mixed_up:
            ans.prefix(f"Not as asked: {s.current.value:,} is the briefing's {METRIC_WORDS[s.metric]} figure, "
                       f"not the {' or '.join(wanted)} one.")
        ans.citations = cite.citations
        return ans

    def events_about(self, words_text: str) -> list[Event]:
        """Events that all the given words point to (e.g. "koh kong attack")."""
        wanted = set(terms(words_text))
        found = []
        for doc in self.docs:
            if isinstance(doc.obj, Event) and wanted and wanted <= set(doc.tf):
                found.append(doc.obj)
        return found[:1]

    def unmatched_specifics(self, q: str, chosen: list[Series]) -> str:
        """Words that narrow a figure question to something the figures don't single out ("Koh Kong")."""
        covered: set[str] = set()
        for s in chosen:
            covered |= set(terms(" ".join([s.current.phrase(), s.current.scope, s.current.detail,
                                           *s.current.keywords, *(e.quote for e in s.current.evidence)])))
        extra = [w for w in words(q) if w not in STOPWORDS and term(w) not in covered
                 and term(w) not in FIGURE_GENERIC and term(w) not in self.generic_terms and not FIGURE_CUES.match(w)]
        return " ".join(extra)

    def people(self, q: str) -> Answer:
        """'List the leaders involved': every person in the briefing with their role."""
        cite = Citer(self.briefing)
        persons = [a for a in self.briefing.actors if a.kind == "person"]
        parts = [f"{a.name} ({a.role or a.country or a.kind}) {cite.cite(a.evidence[0])}".rstrip() for a in persons]
        plain = [f"{a.name} ({a.role or a.country or a.kind})" for a in persons]
        return Answer(question=q, answer="The people in the briefing: " + "; ".join(plain) + ".", found=bool(persons),
                      citations=cite.citations, intent="people",
                      marked="The people in the briefing: " + "; ".join(parts) + ".")

    def summary(self, q: str, ranked: list[tuple[float, Doc]]) -> Answer:
        """'Summarise the diplomatic efforts': the three best facts on the topic, each with its sources."""
        cite = Citer(self.briefing)
        chosen: list[Doc] = []
        for _score, doc in ranked:
            if doc.kind != "passage" and doc.text not in {d.text for d in chosen}:
                chosen.append(doc)
            if len(chosen) == 3:
                break
        if not chosen:
            return self.compose(q, ranked[0][1], ranked)
        plain = " ".join(d.text for d in chosen)
        marked = " ".join(f"{d.text} {cite.cite(d.evidence)}".rstrip() for d in chosen)
        return Answer(question=q, answer=plain, found=bool(cite.citations), citations=cite.citations,
                      fact_ids=[d.id for d in chosen], intent="summary", marked=marked)

    def overview(self, q: str) -> Answer:
        cite = Citer(self.briefing)
        parts = []
        headline = [s for s in self.series if is_headline(s.scope)]
        if headline:
            parts.append(" ".join(self.figure_sentence(s) for s in headline))
            for s in headline:
                cite.cite(s.current.evidence)
        events = sorted((e for e in self.briefing.events if e.when.date), key=lambda e: e.when.date)
        if events:
            last = events[-1]
            parts.append(f"Latest dated event ({day(last.when)}): {last.summary}")
            cite.cite(last.evidence)
        disputed = [c for c in self.briefing.claims if c.status in ("disputed", "contradicted")]
        if disputed:
            topics = sorted({c.topic.lower() for c in disputed})
            parts.append("Contested: " + "; ".join(topics) + ".")
        if not parts:
            return self.refuse(q, NOT_COVERED, "empty_briefing")
        return Answer(question=q, answer=" ".join(parts), found=True, citations=cite.citations, intent="overview")

