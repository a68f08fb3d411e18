"""The sentences of a briefing's own sources, each with its report date, the dates it points to, the
counts it gives and what it learns from its neighbours, searchable by meaning (BM25 over concept terms).

What the engine knows of a conflict's names comes from here: which words the sources write as names,
which acronyms they spell out ("East African Community (EAC)"), which demonyms go with which place.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from bot.core.dates import MONTHS, WEEKDAYS, question_dates, sentence_dates
from bot.core.mentions import Mention, mentions_in
from bot.core.models import Briefing, Evidence, Source
from bot.core.reading import split_sentences
from bot.core.text import CONCEPT_OF, STOPWORDS, stem, term, terms, words

CONCEPTS = frozenset(CONCEPT_OF.values())

# Text addressed to a reader or a model inside a source: never a fact, never an answer.
ADDRESSED = re.compile(r"\b(ignore|disregard|forget)\s+(all\s+)?(the\s+)?(previous|prior|above|earlier)\s+"
                       r"(instructions|prompts?|messages?)|\byou\s+are\s+now\b|\bsystem\s+prompt\b", re.I)
# "JERUSALEM, June 14 (Wire) - ", "Nairobi — 24 March 2025 — ", "(Agency) — ": a dateline, not the story.
DATELINE_PREFIX = re.compile(r"^(?:[^a-z\n]{0,60}?|[\w ,./]{0,60}?\(.{0,40}?\)|[\w ,./]{0,40}?\d[\w ,.]{0,30}?)"
                             r"\s+(?:--|[-–—])\s+(?=[A-Z\"“])")
ANAPHOR = re.compile(r"^(he|she|it|they|that|this|these|those|the\s+(?:two|three|four|five|group|rebels|"
                     r"agency|ministry|company|summit|talks|statement|move|attack|strike|strikes|toll|figure)|"
                     r"his|her|its|their|there|a\s+day\s+later|the\s+next\s+day|on\s+the\s+same\s+day)\b", re.I)
ACRONYM_DEF = re.compile(r"\b([A-Z][\w'’-]+(?:\s+(?:of|for|the|and|on|[A-Z][\w'’-]+)){1,6})\s+\(([A-Z][A-Za-z0-9]{1,7})\)")
NAME_SEQ = re.compile(r"\b[A-Z][\w'’-]+(?:\s+(?:of\s+)?[A-Z][\w'’-]+)*")
DEMONYM_ENDINGS = ("n", "an", "ian", "i", "ese", "ish", "ans", "ians", "is", "ns")
FUTURE = re.compile(r"\b(will|would|due\s+to|due\s+(on|in|within)|expected\s+to|to\s+be\s+held|planned|scheduled|"
                    r"plans?\s+to|set\s+to|next\s+week|next\s+month|in\s+the\s+coming|pending|within\s+(five|\d+)\s+days)\b",
                    re.I)
SPEAKER = re.compile(r"\b(?:what|how)\s+(?:did|does|has|have|had)\s+(?P<who>[\w' .-]+?)\s+(?:say|tell|announce|claim|"
                     r"write|post|vow|promise|warn|reply|respond|answer|call|ask|demand|admit|deny)\b", re.I)
OPEN = re.compile(r"\b(not\s+(yet\s+)?clear|unclear|remains?\s+(disputed|uncertain|unclear)|whether|pending|"
                  r"uncertain|has\s+proposed|has\s+been\s+proposed)\b", re.I)


@dataclass(eq=False)
class Sentence:
    n: int
    source: Source
    offset: int
    text: str
    para: int
    dates: list[dt.date]
    tf: Counter
    ctx: Counter
    mentions: list[Mention]
    title: frozenset[str] = frozenset()  # the report's headline terms
    flagged: bool = False
    future: bool = False
    anaphoric: bool = False  # "It said ...", "He said ...": the sentence before names who
    length: int = 1
    names: set[str] = field(default_factory=set)
    report: dt.date = dt.date.min  # the report's date

    @property
    def evidence(self) -> Evidence:
        return Evidence(source_id=self.source.id, quote=self.text, char_start=self.offset,
                        char_end=self.offset + len(self.text))

    @property
    def when(self) -> dt.date:
        """The day the sentence is about: the first date it names, else its report's date."""
        return self.dates[0] if self.dates else self.report

    @property
    def terms(self) -> set[str]:
        return set(self.tf) | set(self.ctx)


def report_dates(sources: list[Source]) -> dict[str, dt.date]:
    """Each report's date, a year-less dateline read into the wrong year put back beside the others."""
    dates = {s.id: s.published_at for s in sources}
    if len(dates) >= 3:
        # A year misread puts a report a whole year after all the others; a long war's reports can be half a
        # year apart, so only a report far from every other one, and close to one a year earlier, moves.
        for sid, d in dates.items():
            others = [o for k, o in dates.items() if k != sid]
            earlier = d.replace(year=d.year - 1) if not (d.month == 2 and d.day == 29) else d
            if min((d - o).days for o in others) > 250 and min(abs((earlier - o).days) for o in others) < 120:
                dates[sid] = earlier
    return dates


def headlines(text: str) -> list[str]:
    """The lines above a report's first full sentence: section names and the headline."""
    out = []
    for line in text.splitlines()[:6]:
        line = line.strip()
        if not line:
            continue
        if re.search(r"[.!?\"”’')]$", line) or len(line.split()) > 30:
            break
        out.append(line)
    return out


def strip_dateline(text: str) -> tuple[int, str]:
    m = DATELINE_PREFIX.match(text)
    if m and (re.search(r"\d|\(", m.group(0)) or m.group(0).isupper() or len(m.group(0).split()) <= 4):
        return m.end(), text[m.end():]
    return 0, text


class SentenceIndex:
    def __init__(self, briefing: Briefing) -> None:
        self.sentences: list[Sentence] = []
        self.exclude: set[int] = set()  # sentences an earlier part of a compound question already used
        self.dates = report_dates(briefing.sources)
        sources = sorted(briefing.sources, key=lambda s: (self.dates[s.id], s.id))
        capital: Counter = Counter()
        lower: Counter = Counter()
        self.acronyms: dict[str, set[str]] = defaultdict(set)
        self.spelling: dict[str, tuple[str, int]] = {}  # initials -> the name they most often stand for
        sequences: Counter = Counter()
        followed: Counter = Counter()
        alone: Counter = Counter()
        for source in sources:
            title_terms = Counter(terms(source.title))
            for line in headlines(source.text):
                title_terms.update(terms(line))
            heads = set(headlines(source.text))
            previous: Sentence | None = None
            para_names: set[str] = set()
            early_names = {term(w.lower()) for w in re.findall(r"\b[A-Z][a-z][\w'’-]+", source.text)}
            para, last_end = 0, -1
            for offset, raw in split_sentences(source.text):
                if raw in heads:
                    continue
                cut, text = strip_dateline(raw)
                offset += cut
                if len(text.split()) < 4:
                    continue
                if last_end >= 0 and "\n" in source.text[last_end:offset]:
                    para += 1
                last_end = offset + len(text)
                same_para = previous is not None and previous.para == para and previous.source is source
                prev_date = previous.when if same_para and previous is not None else None
                dates = sentence_dates(text, self.dates[source.id], prev_date)
                tf = Counter(terms(text))
                ctx: Counter = Counter()
                for t, k in title_terms.items():
                    if t not in tf:
                        ctx[t] += k
                if same_para and previous is not None and not previous.flagged:
                    # The sentence before, in the same paragraph, is what "he", "that" and unnamed places refer to.
                    for t in previous.tf:
                        if t not in tf:
                            ctx[t] += 1
                if not same_para:
                    para_names = set()
                para_names |= {t for t in tf if t in early_names}
                s = Sentence(n=len(self.sentences), source=source, report=self.dates[source.id], offset=offset,
                             title=frozenset(title_terms), text=text, para=para, dates=dates,
                             tf=tf, ctx=ctx, mentions=mentions_in(text), flagged=bool(ADDRESSED.search(text)),
                             future=bool(FUTURE.search(text)), length=sum(tf.values()) or 1,
                             anaphoric=bool(same_para and ANAPHOR.match(text)))
                self.sentences.append(s)
                previous = s
            for m in re.finditer(r"\b[\w'’-]+", source.text):
                w = m.group(0)
                (capital if w[0].isupper() else lower)[w.lower().rstrip("'’s")] += 1
            for m in ACRONYM_DEF.finditer(source.text):
                self.acronyms[m.group(2).lower()] |= set(terms(m.group(1)))
                self.spelling[m.group(2).lower()] = (m.group(1), 99)
            for m in NAME_SEQ.finditer(source.text):
                parts = [p for p in m.group(0).split() if p.lower() != "of"]
                for i in range(len(parts)):
                    for j in range(i + 2, min(len(parts), i + 5) + 1):
                        sequences[" ".join(parts[i:j])] += 1
            # First names: capitalised words the sources never write without a capitalised word after them.
            for m in re.finditer(r"\b([A-Z][a-z]+)\b(\s+[A-Z])?", source.text):
                (followed if m.group(2) else alone)[m.group(1).lower()] += 1
        spelt = set(self.acronyms)
        for seq, _n in sequences.items():
            # Initials stand for a name only when the sources spell none out for them ("SA": South Africa).
            if "-" in seq:
                continue
            initials = "".join(p[0] for p in seq.split()).lower()
            if 2 <= len(initials) <= 6 and initials not in spelt:
                self.acronyms[initials] |= {t for t in terms(seq) if t not in STOPWORDS}
                if _n > self.spelling.get(initials, ("", 0))[1]:
                    self.spelling[initials] = (seq, _n)
        # A name is a word the sources write capitalised (not only at the start of a sentence).
        self.raw_words = set(capital) | set(lower)
        self.first_names = {w for w in followed if w not in alone and w not in lower}
        self.name_words = {w for w, k in capital.items() if k >= 1 and k > 2 * lower.get(w, 0) and len(w) > 1}
        # Concept terms ("Air Base" -> military) are never names, only the word's own stem is.
        self.name_terms = {term(w) for w in self.name_words if w not in STOPWORDS and term(w) == stem(w)
                           and term(w) not in CONCEPTS and w not in MONTHS and w.rstrip("s") not in WEEKDAYS}
        self.postings: dict[str, list[int]] = defaultdict(list)
        for s in self.sentences:
            for t in s.tf:
                self.postings[t].append(s.n)
        total = len(self.sentences) or 1
        self.idf = {t: math.log(1 + (total - len(p) + 0.5) / (len(p) + 0.5)) for t, p in self.postings.items()}
        self.avg_len = sum(s.length for s in self.sentences) / total
        self.vocab = set(self.postings) | {t for s in self.sentences for t in s.ctx}
        # Terms in most sources place a question in the conflict without saying what it asks about.
        per_source: Counter = Counter()
        for source in sources:
            per_source.update(set(terms(source.text)))
        self.generic = {t for t, k in per_source.items() if len(sources) >= 3 and k >= 0.8 * len(sources)
                        and t in self.name_terms}

    # -- names ------------------------------------------------------------------------------------------
    def name_groups(self, q: str) -> list[set[str]]:
        """The names a question uses, each as the set of terms that count as a match for it."""
        groups: list[set[str]] = []
        seen: set[str] = set()
        for w in words(q):
            t = term(w)
            if t in seen or w in STOPWORDS:
                continue
            group: set[str] = set()
            if t in self.name_terms and t in self.vocab:
                group = {t} | self.demonyms(t)
            if w.startswith("acr") and self.acronyms.get(w[3:]):
                group = {t} | self.acronyms[w[3:]]  # "US" (kept apart from the pronoun) and "United States"
            if self.acronyms.get(w) and (group or t not in self.vocab):
                group |= self.acronyms[w]  # "EAC" also matches "East African Community"
            if group:
                seen.add(t)
                groups.append(group)
        return groups

    def demonyms(self, t: str) -> set[str]:
        """'rwandan' <-> 'rwanda', 'indian' <-> 'india', 'israeli' <-> 'israel': one place, two spellings."""
        out = set()
        for other in self.name_terms:
            a, b = (t, other) if len(t) <= len(other) else (other, t)
            if len(a) < 4 or a == b:
                continue
            if b.startswith(a) and b[len(a):] in DEMONYM_ENDINGS:
                out.add(other)
            elif a.endswith(("a", "e", "y")) and b.startswith(a[:-1]) and b[len(a) - 1:] in DEMONYM_ENDINGS:
                out.add(other)
        return out

    def expand_acronyms(self, q: str) -> str:
        """'SA soldiers' -> the names the sources spell with those initials, so they can be matched."""
        def repl(m: re.Match[str]) -> str:
            w = m.group(0).lower()
            if any(term(x) in self.vocab for x in words(m.group(0))) or w not in self.spelling:
                return m.group(0)
            return f"{m.group(0)} ({self.spelling[w][0]})"
        return re.sub(r"\b[A-Z]{2,6}\b", repl, q)

    # -- search -----------------------------------------------------------------------------------------
    def score(self, s: Sentence, qterms: set[str]) -> float:
        k1, b = 1.2, 0.5
        total = 0.0
        for t in qterms:
            idf = self.idf.get(t)
            if idf is None:
                continue
            n = s.tf.get(t, 0)
            if n:
                total += idf * n * (k1 + 1) / (n + k1 * (1 - b + b * s.length / self.avg_len))
            elif t in s.ctx:
                total += 0.35 * idf
        return total

    def hit(self, group: set[str], found: set[str]) -> bool:
        """A name is there when one of its terms is; an acronym's spelt-out words count only two together
        ("Agency" alone is not the International Atomic Energy Agency)."""
        common = group & found
        if len(group) < 3:
            return bool(common)
        return len(common) >= 2 or any(t in self.acronyms or len(self.postings.get(t, ())) <= 3 for t in common)

    def name_cover(self, s: Sentence, groups: list[set[str]], ctx_weight: float = 0.6) -> float:
        if not groups:
            return 1.0
        got = 0.0
        for g in groups:
            if self.hit(g, set(s.tf)):
                got += 1
            elif self.hit(g, s.title):
                got += max(ctx_weight, 0.6)  # the report's headline is about every sentence in it
            elif self.hit(g, set(s.ctx)):
                got += 1.0 if s.anaphoric else ctx_weight
        return got / len(groups)

    def search(self, q: str, k: int = 10, qterms: set[str] | None = None,
               groups: list[set[str]] | None = None) -> list[tuple[float, Sentence]]:
        qterms = qterms if qterms is not None else {t for t in terms(q)}
        groups = groups if groups is not None else self.name_groups(q)
        grouped = set().union(*groups) if groups else set()
        # Dates are matched as days, not as words ("13 June" is not about every sentence saying "June").
        asked_days = set(question_dates(q, self.as_of(dt.date.today())))
        plain = {t for t in qterms - grouped if not (asked_days and (t.isdigit() or t in MONTHS))}
        # The thing a 'which/what X' question asks about counts double ("which commanders were killed").
        focus = {term(m.group(2).lower()) for m in re.finditer(r"\b(which|what)\s+(?:\w+\s+)?([a-z]+)\b(?=\s+(?:were|was|did|"
                                                             r"are|is|have|has|had)\b)", q, re.I)}
        # "What are the main terms of the deal?": a sentence that opens on the terms is about them.
        opening = {term(m.group(1).lower()) for m in re.finditer(r"^\s*what\s+(?:are|were|is|was)\s+the\s+(?:\w+\s+)?"
                                                                r"([a-z]+)\s+of\b", q, re.I)}
        said = SPEAKER.search(q)
        quoted = [a or b for a, b in re.findall(r'"([^"]{3,})"|“([^”]{3,})”', q)]
        quoted = [p.lower().replace("’", "'") for p in quoted]
        speakers = [g for g in self.name_groups(said.group("who"))] if said else []
        candidates: set[int] = set()
        for t in qterms | grouped:
            candidates.update(self.postings.get(t, ()))
        if quoted:
            candidates.update(s.n for s in self.sentences if any(p in s.text.lower() for p in quoted))
        out = []
        for i in candidates:
            s = self.sentences[i]
            if s.flagged or s.n in self.exclude:
                continue
            sc = self.score(s, plain) + self.score(s, plain & focus)
            if opening and opening & set(terms(" ".join(s.text.split()[:4]))):
                sc *= 1.3
            for g in groups:
                each = sorted((self.score(s, {t}) for t in g), reverse=True)
                sc += each[0] + 0.3 * sum(each[1:])  # a name spelt out counts a little more than its initials
            sc *= 0.3 + 0.7 * self.name_cover(s, groups)
            if speakers and all(g & set(s.tf) for g in speakers):
                sc *= 1.5  # "what did X say": X's own sentence
            if asked_days and asked_days & set(s.dates):
                sc *= 1.5  # a question that names a day is about that day
            if quoted and any(p in s.text.lower() for p in quoted):
                sc = sc * 3 + 10  # the words the question quotes
            out.append((sc, s))
        out.sort(key=lambda x: (-x[0], x[1].n))
        return out[:k]

    def coverage(self, s: Sentence, qterms: set[str], ctx_weight: float = 0.6) -> float:
        """Share of the question's weight the sentence (or its context, at a discount) matches."""
        wanted = [t for t in qterms if t not in STOPWORDS]
        if not wanted:
            return 0.0
        mean = sum(self.idf.values()) / len(self.idf) if self.idf else 1.0
        total = sum(self.idf.get(t, mean) for t in wanted)
        got = sum(self.idf.get(t, mean) * (1.0 if t in s.tf else ctx_weight) for t in wanted if t in s.tf or t in s.ctx)
        return got / total if total else 0.0

    def as_of(self, default: dt.date) -> dt.date:
        """The latest report date, a misread year put right."""
        return max(self.dates.values(), default=default)

    def knows(self, word: str) -> bool:
        """Whether the sources use the word in any form ('rafale' for 'Rafales', 'rafales' for 'Rafale')."""
        w = word.lower().rstrip("'’")
        if w in self.raw_words or w.rstrip("s") in self.raw_words or w + "s" in self.raw_words:
            return True
        # "reiterate" for "reiterated", "revocation" is not "revoked": the same first letters, most of the word.
        n = max(5, len(w) - 2)
        return len(w) > n and any(r.startswith(w[:n]) for r in self.raw_words)

    def before(self, text: str) -> Sentence | None:
        s = next((x for x in self.sentences if x.text in text or text in x.text), None)
        if s is None or s.n == 0:
            return None
        prev = self.sentences[s.n - 1]
        return prev if prev.source is s.source and prev.para == s.para else None

    def after(self, text: str) -> Sentence | None:
        """The next sentence of the same paragraph when it goes on about the same subject ("It said ...")."""
        s = next((x for x in self.sentences if x.text in text or text in x.text), None)
        if s is None:
            return None
        nxt = self.following(s)
        # "Speaking in Arabic, he said ...": a short opening clause before the pronoun is the same speaker.
        if nxt is None or nxt.para != s.para or not re.match(r"(?:[^.;:\"“]{0,40},\s*)?(It|He|She|They|it|he|she|they|"
                                                            r"The\s+\w+)\s+(said|says|added|found|reported|told)\b",
                                                            nxt.text):
            return None
        return nxt

    def paragraph(self, s: Sentence) -> list[Sentence]:
        return [x for x in self.sentences if x.source is s.source and x.para == s.para]

    def following(self, s: Sentence) -> Sentence | None:
        nxt = s.n + 1
        if nxt < len(self.sentences) and self.sentences[nxt].source is s.source:
            return self.sentences[nxt]
        return None

    def latest_source(self) -> Source | None:
        return self.sentences[-1].source if self.sentences else None
