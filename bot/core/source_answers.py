"""Answers read straight from a briefing's own source sentences, for any conflict.

Each method handles one kind of question a team lead asks: the latest figure (older ones only as history),
how a figure changed, why sources disagree, when something happened or is due, how long after one event
another came, what happened the day before or after, the bottom line, what to watch, yes/no questions
(contested ones answered with each side, false premises corrected) and compound questions. Every answer
quotes the sentences it rests on; a method returns None when the sources give it nothing to go on.
"""

from __future__ import annotations

import datetime as dt
import re

from bot.core.answer import Answer
from bot.core.citations import Citer
from bot.core.dates import MONTHS, label, question_dates
from bot.core.mentions import Mention
from bot.core.models import Briefing
from bot.core.passages import OPEN, Sentence, SentenceIndex
from bot.core.text import STOPWORDS, stem, term, terms, words

DISPUTE = re.compile(r"\b(den(y|ies|ied)|reject(s|ed)?\s+the|disputed?|contested|different\s+account|"
                     r"gave\s+a\s+different|contradict\w*|conflicting|accus\w+|blam\w+|called\s+(it|the\s+reports?)\s+"
                     r"(false|unjustified|wrong)|flat-out\s+wrong|i\s+don't\s+know|remains\s+disputed)\b", re.I)
ANNOUNCED_DISPUTE = re.compile(r"\b(remains?|is|are|was|were)\s+(disputed|contested|unclear)\b|conflicting\s+accounts|"
                               r"gave\s+a\s+different\s+account|accounts\s+differ", re.I)
NEGATION = re.compile(r"\b(not|no|never|neither|nor|without|didn't|wasn't|weren't|hasn't|haven't|won't|"
                      r"pulled\s+out|collapsed|called\s+off|cancel(l)?ed)\b", re.I)
# Verbs whose opposite in a source sentence shows a question's premise is wrong.
OPPOSITES = {
    "reject": ("accept", "agree", "approve", "welcome", "back"),
    "accept": ("reject", "refuse", "turn down", "den"),
    "refuse": ("accept", "agree"),
    "attend": ("pulled out", "withdr", "skip", "did not attend", "did not take part", "collapsed", "boycott"),
    "join": ("did not take part", "did not join", "pulled out", "skip", "absent"),
    "win": ("lost", "lose", "defeat"),
    "deny": ("admit", "confirm", "acknowledg"),
    "admit": ("den", "reject"),
    "confirm": ("den", "reject", "not confirm"),
    "agree": ("reject", "refuse", "no agreement", "did not agree"),
    "sign": ("did not sign", "refused to sign"),
    "approve": ("reject", "vetoed"),
    "withdraw": ("abeyance", "suspend", "paus", "on hold", "did not withdraw", "remain"),
    "meet": ("stayed away", "skip", "did not attend", "scuttl", "no meeting", "absent", "cancel", "did not meet"),
    "fail": ("agreed", "reached", "succeeded"),
    "send": ("boycott", "did not send", "stayed away", "skip", "refused to send"),
}
HISTORY = re.compile(r"\b(chang\w*|evolv\w*|over\s+time|history|trend|grow|grew|risen|rose|climb\w*|"
                     r"progress\w*|develop\w*|since\s+(the\s+)?(start|beginning|first))\b", re.I)
COMPARE = re.compile(r"\b(agree|disagree\w*|differ\w*|discrepanc\w*|gap|compare\w*|versus|vs\.?|conflicting|"
                     r"match|consistent|why\s+do\s+.*\b(give|have|report))\b", re.I)
BACK_REFERENCE = re.compile(r"\b(?:the|both|these|those)\s+(?:two\s+|three\s+|twin\s+|same\s+)?(?:attacks|strikes|"
                            r"blasts|explosions|incidents|assaults|raids|waves|bombings|attack|strike|blast|"
                            r"explosion|assault|raid|bombing)\b", re.I)
FIGURE_WORDS = frozenset(terms("people number figure figures toll count tally total many much latest current "
                               "overall so far death deaths dead casualties official officially according latest "
                               "now agree disagree differ different why give such how change changed evolve over time war "
                               "since history start beginning"))
DURATION = re.compile(r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|a|an|about\s+\d+|a\s+few|several)"
                      r"\s+(hours?|days?|weeks?|months?|years?)\b|\bwithin\s+(a|one)\s+day\b|\bovernight\b", re.I)
HOW_LONG = re.compile(r"^\s*how\s+long\b(?!\s+(after|before|between))", re.I)
FUTURE_ASK = re.compile(r"\bwill\b|\b(?:is|are)\b.*\b(?:due|set|expected|scheduled|planned)\s+to\b", re.I)
WHEN = re.compile(r"^\s*(when|what\s+(date|day|time)|on\s+what\s+(date|day)|which\s+day)\b", re.I)
SPAN = re.compile(r"\bhow\s+(?:many\s+(?P<unit>days|weeks|months|hours)|long)\s+(?P<dir>after|before)\s+(?P<x>.+?)\s+"
                  r"(?:did|was|were|had|do|does|is|are)\s+(?P<y>.+?)\s*\??$", re.I)
SPAN_BETWEEN = re.compile(r"\bhow\s+(?:many\s+(?P<unit>days|weeks)|long)\s+(?:passed\s+|was\s+it\s+|elapsed\s+)?"
                          r"between\s+(?P<x>.+?)\s+and\s+(?P<y>.+?)\s*\??$", re.I)
FIRST = re.compile(r"\bwhich\s+came\s+first\W*\s*(?P<x>.+?)\s+or\s+(?P<y>.+?)\s*\??$|"
                   r"\bdid\s+(?P<x2>.+?)\s+come\s+before\s+(?P<y2>.+?)\s*\??$", re.I)
MONTH_WORDS = frozenset(dt.date(2000, m, 1).strftime("%B").lower() for m in range(1, 13))
DAY_OF = re.compile(r"\b(?:the\s+)?(?P<n>day|week)\s+(?P<dir>before|after)\s+(?P<x>.+?)\s*\??$", re.I)
BOTTOM = re.compile(r"\b(bottom\s+line|one[-\s]line(r)?|tl;?dr|in\s+a\s+nutshell|in\s+one\s+sentence|"
                    r"where\s+do\s+things\s+stand|where\s+are\s+we|key\s+takeaway|headline)\b", re.I)
WATCH = re.compile(r"\b(watch|look\s+out\s+for|coming\s+days|next\s+steps?|what'?s\s+next|what\s+comes\s+next|"
                   r"what\s+happens\s+next|upcoming|on\s+the\s+horizon|keep\s+an\s+eye|expect\s+next|"
                   r"in\s+the\s+days\s+ahead)\b", re.I)
COMPOUND = re.compile(r"\s*(?:,\s*and|;\s*and|,|;|\band)\s+(?=(?:(?:with|by|from|in|to|for|at|on)\s+)?"
                      r"(?:who|what|when|where|which|why|how|did|does|is|are|was|were|has|have)\b)", re.I)
WHO_CONTESTED = re.compile(r"^\s*(who|which\s+(side|country|party))\b.*(\bor\b|behind|blame|responsib|start|first|"
                           r"broke|asked\s+for|sought|request|fault|cause)", re.I)
DENIAL = re.compile(r"\b(den(y|ies|ied)|no\s+such|not\s+(been\s+)?(called|held|convened|scheduled|present|involved|"
                    r"deployed)|never\s+(took\s+place|happened|held)|rejects?\s+(the\s+)?(claim|report|accusation))\b",
                    re.I)
YES_NO = re.compile(r"^\s*(did|does|do|is|are|was|were|has|have|had|can|could|will|would|should)\b", re.I)
ALIVE = re.compile(r"^\s*(?:is|was)\s+(?P<who>.+?)\s+(?:still\s+)?(?:alive|living|dead|killed|assassinated)\b"
                   r"|^\s*(?:did|has)\s+(?P<who2>.+?)\s+(?:survive|die|died)\b", re.I)
WHY = re.compile(r"^\s*why\s+(did|does|do|is|are|was|were|has|have|had)\s+(?P<rest>.+)$", re.I)


PEOPLE_TERMS = frozenset({"people", "kill", "injur", "displac", "civilian", "dead", "resident", "victim", "individual"})


def day(d: dt.date) -> str:
    return f"{d.day} {d.strftime('%b %Y')}"


class SourceAnswers:
    def __init__(self, briefing: Briefing, index: SentenceIndex) -> None:
        self.briefing = briefing
        self.index = index

    # -- helpers ----------------------------------------------------------------------------------------
    def answer(self, q: str, text: str, sentences: list[Sentence], intent: str) -> Answer:
        cite = Citer(self.briefing)
        for s in sentences:
            cite.cite(s.evidence)
        return Answer(question=q, answer=text, found=bool(cite.citations), citations=cite.citations,
                      fact_ids=[f"{s.source.id}#{s.n}" for s in sentences], intent=intent)

    def quote(self, sentences: list[Sentence], dated: bool = False) -> str:
        out = []
        for s in sentences:
            out.append(f"({day(s.report)}) {s.text}" if dated else s.text)
        return " ".join(out)

    def qterms(self, q: str) -> set[str]:
        return {t for t in terms(q) if t not in STOPWORDS}

    def best(self, q: str, k: int = 5, exclude: set[int] | None = None) -> list[tuple[float, Sentence]]:
        hits = self.index.search(q, k=k + len(exclude or ()))
        return [(sc, s) for sc, s in hits if not exclude or s.n not in exclude][:k]

    # -- figures ----------------------------------------------------------------------------------------
    def specific(self, q: str, metrics: set[str]) -> bool:
        """Whether a figure question narrows the count to a place, side, source or period."""
        if self.index.name_groups(q) or re.search(r"\d", q):
            return True
        return any(t not in metrics and t not in FIGURE_WORDS and t not in self.index.generic and t in self.index.vocab
                   for t in self.qterms(q))

    def figure(self, q: str, metrics: set[str], nouns: set[str]) -> Answer | None:
        groups = self.index.name_groups(q)
        topical = {t for t in self.qterms(q) if t not in metrics and t not in FIGURE_WORDS
                   and not t.isdigit() and t not in nouns and t not in MONTHS}
        asked = {int(n.replace(",", "")) for n in re.findall(r"\b\d[\d,]*\b", q) if len(n) < 12}
        asked -= {d.day for d in question_dates(q, self.index.as_of(self.briefing.as_of))}
        if asked and not nouns:  # "of the 40 civilians killed, how many were children": the count asked is of children
            return self.figure_number(q, asked, metrics)
        name_terms = set().union(*groups) if groups else set()
        topical -= name_terms
        pool: list[tuple[float, Sentence, Mention]] = []
        compare = bool(COMPARE.search(q))
        for s in self.index.sentences:
            if s.flagged or not s.mentions:
                continue
            for m in s.mentions:
                if not self.fits(s, m, metrics, nouns):
                    continue
                # A count belongs to the names its own sentence gives; its neighbours only help.
                cover = self.index.name_cover(s, groups, ctx_weight=0.5)
                # Two sides compared ("the ministry and the rights group") each match only their own names.
                if groups and cover < (0.2 if compare else 0.6):
                    continue
                # "The two attacks killed 37": the count is of the events the sentence before describes.
                ctx_weight = 0.9 if BACK_REFERENCE.search(s.text) else 0.4
                topic = self.index.coverage(s, topical, ctx_weight=ctx_weight) if topical else 1.0
                rel = 0.6 * cover + 0.4 * topic if groups else topic
                if not nouns and m.noun and not m.noun_before and not {term(w) for w in words(m.noun)} & PEOPLE_TERMS:
                    rel *= 0.7  # a toll question is about everyone, not "13 foreign soldiers"
                pool.append((rel, s, m))
        if not pool:
            return None
        top = max(r for r, _, _ in pool)
        if top < 0.45:
            return None
        pool = [p for p in pool if p[0] >= top - (0.35 if compare or HISTORY.search(q) else 0.2)]
        pool.sort(key=lambda p: (p[1].report, p[1].when, p[1].n))
        if COMPARE.search(q):
            return self.figure_compare(q, pool)
        if HISTORY.search(q):
            return self.figure_history(q, pool)
        numeric = [p for p in pool if p[2].value is not None]
        best_numeric = max((r for r, _, _ in numeric), default=-1.0)
        # A stated absence ("no toll has been published") answers only when no count fits as well.
        pool = [p for p in pool if p[2].value is not None or p[0] > best_numeric]
        _, cur_s, cur = pool[-1]
        text = cur_s.text
        # Another count of the same thing in the same report is a disagreement, shown beside it.
        rivals = [s for r, s, m in pool if s is not cur_s and m.value is not None and m.value != cur.value
                  and s.source is cur_s.source]
        rivals = list(dict.fromkeys(rivals))[:2]
        older: list[str] = []
        seen = {cur.value}
        for _, s, m in reversed(pool[:-1]):
            if m.value is None or m.value in seen or s is cur_s or cur.value is None:
                continue
            if s.report == cur_s.report and s.when >= cur_s.when:
                continue
            seen.add(m.value)
            verb = "up from" if not older and cur.value > m.value else ("revised from" if not older else "from")
            older.append(f"{verb} {m.text[0].lower() + m.text[1:]} on {day(s.when)}")
        answer = f"{text} (as reported on {day(cur_s.report)})"
        if older:
            answer += "; earlier: " + ", ".join(older)
        answer = answer.rstrip(".") + "."
        if rivals:
            answer += " The same report also gives: " + " ".join(s.text for s in rivals)
        return self.answer(q, answer, [cur_s, *rivals], "figures:sources")

    def figure_number(self, q: str, asked: set[int], metrics: set[str]) -> Answer | None:
        """'According to whom were 78 killed?', 'is it true 10,000 died?': the sentence giving that number."""
        groups = self.index.name_groups(q)
        chosen: list[Sentence] = []
        for n in sorted(asked):
            found = [(self.index.name_cover(s, groups), s) for s in self.index.sentences if not s.flagged
                     and any(m.value == n and (not metrics or metrics & m.metrics) for m in s.mentions)]
            if found:
                found.sort(key=lambda p: (-p[0], p[1].n))
                if found[0][1] not in chosen:
                    chosen.append(found[0][1])
        if chosen:
            text = " ".join(f"{s.text} (reported on {day(s.report)})" for s in chosen)
            return self.answer(q, text, chosen, "figures:number")
        absent = [s for s in self.index.sentences if not s.flagged and any(m.absent for m in s.mentions)
                  and self.index.name_cover(s, groups) >= 0.5]
        number = f"{min(asked):,}"
        latest = self.figure(re.sub(r"\b\d[\d,]*\b", " ", q), metrics, set()) if metrics else None
        chosen = absent[:2]
        text = f"No — no source in the briefing gives {number}."
        if chosen:
            text += " " + " ".join(s.text for s in chosen)
        if latest is not None and latest.found:
            text += " What the sources do give: " + latest.answer
            chosen += [s for s in self.index.sentences if s.text in {c.quote for c in latest.citations}]
        if not chosen:
            return None
        return self.answer(q, text, chosen, "figures:unsupported")

    def fits(self, s: Sentence, m: Mention, metrics: set[str], nouns: set[str]) -> bool:
        if m.zero:
            return bool(metrics & m.metrics) or bool(nouns and m.counts(nouns))
        if m.absent:
            return not nouns and bool(metrics) and bool(metrics & (m.metrics | set(s.tf)))
        if nouns == {"people"} and not metrics and m.metrics:
            return False  # "how many civilians were still in the city": a toll is not that count
        if nouns:
            # "How many Thai soldiers": a count of people in general is not a count of soldiers.
            return m.counts(nouns) and (not metrics or bool(metrics & (m.metrics | set(s.tf))))
        return bool(metrics & m.metrics)

    def figure_history(self, q: str, pool: list[tuple[float, Sentence, Mention]]) -> Answer:
        best: dict[int, tuple[float, Sentence]] = {}
        for r, s, m in pool:
            if m.value is not None and r > best.get(s.n, (-1.0, s))[0]:
                best[s.n] = (r, s)
        # The most relevant counts, told in the order they were reported.
        top = sorted(best.values(), key=lambda p: (-p[0], p[1].n))[:6]
        chosen = sorted((s for _, s in top), key=lambda s: (s.report, s.when, s.n))
        text = " ".join(f"{day(s.report)}: {s.text}" for s in chosen)
        return self.answer(q, text, chosen, "figures:history")

    def figure_compare(self, q: str, pool: list[tuple[float, Sentence, Mention]]) -> Answer:
        latest = pool[-1][1].report
        chosen: list[Sentence] = []
        values: set[int | None] = set()
        for _, s, m in reversed(pool):
            if m.value in values or s in chosen or m.value is None:
                continue
            if len(chosen) >= 2 and s.report < latest:
                break
            chosen.append(s)
            values.add(m.value)
            if len(chosen) == 3:
                break
        if len(values) < 2:
            return self.answer(q, f"The sources agree: {chosen[0].text}", chosen, "figures:agree")
        text = "The sources give different figures: " + " ".join(
            f"{s.text} ({day(s.report)})" for s in chosen)
        return self.answer(q, text, chosen, "figures:compare")

    # -- time -------------------------------------------------------------------------------------------
    def event(self, text: str, extra: set[str] | None = None, exclude: set[int] | None = None) -> Sentence | None:
        """The dated sentence that best describes an event named in a question."""
        qt = self.qterms(text) | (extra or set())
        hits = self.index.search(text, k=8, qterms=qt)
        hits = [(sc, s) for sc, s in hits if not exclude or s.n not in exclude]
        if not hits:
            return None
        top = hits[0][0]
        # The first report of an event is nearest to when it happened; later ones recap it.
        dated = [s for sc, s in hits if sc >= 0.95 * top and s.dates and not s.future]
        if dated:
            return min(dated, key=lambda s: (s.when, s.n))
        return hits[0][1]

    def when(self, q: str) -> Answer | None:
        hits = self.best(q, k=5)
        if not hits:
            return None
        top = hits[0][0]
        for sc, s in hits:
            if sc >= 0.7 * top and s.dates:
                d = s.dates[0]
                lead = "Due on" if s.future and d >= s.report else "On"
                if FUTURE_ASK.search(q) and not (s.future and d >= s.report):
                    # "When is the truce due to take effect?" met by the day it was called for: not that date.
                    return self.answer(q, f"The briefing does not say when that is due. The closest it has: "
                                          f"{label(d)}: {s.text}", [s], "when:not_due")
                return self.answer(q, f"{lead} {label(d)}: {s.text}", [s], "when:sources")
        return None

    def duration(self, q: str) -> Answer | None:
        """'How long did the fighting last?': the best sentence that gives a length of time."""
        hits = self.best(q, k=10)
        if not hits:
            return None
        top = hits[0][0]
        for sc, s in hits:
            if sc >= 0.4 * top and DURATION.search(s.text):
                return self.answer(q, s.text, [s], "when:duration")
        return None

    def span(self, q: str) -> Answer | None:
        m = SPAN.search(q) or SPAN_BETWEEN.search(q)
        if not m:
            return None
        x, y = m.group("x"), m.group("y")
        xnames = set().union(*self.index.name_groups(x)) if self.index.name_groups(x) else set()
        ynames = set().union(*self.index.name_groups(y)) if self.index.name_groups(y) else set()
        # Each event's sentence must not be the other's ("Bukavu is the second capital taken since Goma").
        not_x = {s.n for s in self.index.sentences if ynames & set(s.tf)}
        not_y = {s.n for s in self.index.sentences if xnames & set(s.tf) and not ynames & set(s.tf)}
        # "launched an assault on Friday and said on Sunday it had taken the camp": both events, one sentence.
        xt, yt = self.qterms(x), self.qterms(y)
        both = self.index.search(f"{x} {y}", k=3, qterms=xt | yt)
        if both:
            s = both[0][1]
            dx, dy = self.event_day(s, xt - yt), self.event_day(s, yt - xt)
            if len(set(s.dates)) >= 2 and dx and dy and dx != dy and self.index.coverage(s, xt, ctx_weight=0.3) >= 0.6 \
                    and self.index.coverage(s, yt, ctx_weight=0.3) >= 0.6:
                days = abs((dy - dx).days)
                weeks = f" (about {round(days / 7)} weeks)" if days >= 10 else ""
                return self.answer(q, f"{days} days{weeks}: {s.text} ({label(dx)} … {label(dy)})", [s], "when:span")
        if len(self.qterms(x) - xnames) == 0 and xnames:
            # "How long after Goma ...": a bare name stands for what first happened there.
            first = [s for s in self.index.sentences if xnames & set(s.tf) and s.n not in not_x and not s.future]
            sx = min(first, key=lambda s: (s.when, s.n)) if first else None
        else:
            sx = self.event(x, exclude=not_x)
        sy = self.event(y, exclude=not_y | ({sx.n} if sx else set()))
        if sx is None or sy is None:
            return None
        dx, dy = sx.when, sy.when
        days = abs((dy - dx).days)
        weeks = f" (about {round(days / 7)} weeks)" if days >= 10 else ""
        text = (f"{days} days{weeks}: {sx.text} ({label(dx)}) … {sy.text} ({label(dy)})")
        return self.answer(q, text, [sx, sy], "when:span")

    def first(self, q: str) -> Answer | None:
        m = FIRST.search(q)
        if not m:
            return None
        x, y = m.group("x") or m.group("x2"), m.group("y") or m.group("y2")
        sx, sy = self.event(x), self.event(y)
        if sx is None or sy is None or sx is sy:
            return None
        a, b = sorted([(sx.when, x, sx), (sy.when, y, sy)], key=lambda p: p[0])
        text = f"{a[1].strip()} came first ({label(a[0])}), then {b[1].strip()} ({label(b[0])}). {a[2].text} {b[2].text}"
        return self.answer(q, text, [a[2], b[2]], "when:order")

    def event_day(self, s: Sentence, xterms: set[str]) -> dt.date | None:
        """Of a sentence's dates, the one most of the event's words are written nearest: in "after the pagers
        blew up on 17 September, radios exploded the next day" the pagers' day is the 17th, not the 18th."""
        if len(s.dates) < 2:
            return s.when
        tokens = [w.lower() for w in re.findall(r"[\w'’-]+", s.text)]
        spots = [i for i, w in enumerate(tokens) if term(w) in xterms]
        marks = {d: [i for i, w in enumerate(tokens) if w in {str(d.day), d.strftime("%A").lower()}]
                 for d in dict.fromkeys(s.dates)}
        marks = {d: at for d, at in marks.items() if at}
        if not spots or not marks:
            return s.when
        # "where famine was confirmed last August": a month the sentence names but no date of it resolves is
        # the day of another event, one this sentence does not date.
        months = {d.strftime("%B").lower() for d in s.dates}
        undated = [i for i, w in enumerate(tokens) if w in MONTH_WORDS and w not in months]
        votes: dict[dt.date | None, list[int]] = {}
        for j in spots:
            gap, n, d = min([(min(abs(i - j) for i in at), k, d) for k, (d, at) in enumerate(marks.items())] +
                            [(abs(i - j), -1, None) for i in undated])
            votes.setdefault(d, []).append(gap)
        best = max(votes, key=lambda d: (len(votes[d]), -sum(votes[d])))
        return best

    def day_of(self, q: str) -> Answer | None:
        m = DAY_OF.search(q)
        if not m:
            return None
        x = m.group("x")
        anchor = self.event(x)
        if anchor is None:
            return None
        step = dt.timedelta(days=1 if m.group("n").lower() == "day" else 7)
        target = (self.event_day(anchor, self.qterms(x)) or anchor.when) + (step if m.group("dir").lower() == "after" else -step)
        rest = q[:m.start()]
        want = self.qterms(rest) - {"happen", "what"}
        xterms = self.qterms(x)
        found: list[tuple[float, Sentence]] = []
        for s in self.index.sentences:
            if s is anchor or s.flagged:
                continue
            on_day = target in s.dates
            relation = bool(re.search(r"\b(a|one|the)\s+(day|week)\s+(after|before|later|earlier)\b", s.text, re.I))
            if not on_day and not (relation and xterms & s.terms):
                continue
            score = (2.0 if on_day else 1.0) + len(want & s.terms) + 0.5 * len(xterms & s.terms)
            found.append((score, s))
        if not found:
            return None
        found.sort(key=lambda p: (-p[0], p[1].n))
        chosen = [s for _, s in found[:2] if _ >= found[0][0] - 0.5][:2]
        text = f"{label(target)}: " + " ".join(s.text for s in chosen)
        return self.answer(q, text, chosen, "when:relative")

    # -- overview ---------------------------------------------------------------------------------------
    def latest(self) -> list[Sentence]:
        src = self.index.latest_source()
        return [s for s in self.index.sentences if s.source is src and not s.flagged]

    def bottom_line(self, q: str) -> Answer | None:
        sents = self.latest()
        if not sents:
            return None
        chosen = [sents[0]]
        for metric in ("kill", "displac"):
            counted = [s for s in sents if any(metric in m.metrics and m.value for m in s.mentions)]
            if not counted:
                counted = [s for s in self.index.sentences if not s.flagged
                           and any(metric in m.metrics and m.value for m in s.mentions)][-1:]
            for s in counted[:2 if metric == "kill" else 1]:
                if s not in chosen:
                    chosen.append(s)
        opened = [s for s in sents if OPEN.search(s.text) and s not in chosen]
        if opened:
            chosen.append(opened[0])
        chosen.sort(key=lambda s: s.n)
        text = "Bottom line: " + " ".join(s.text for s in chosen)
        return self.answer(q, text, chosen, "bottom_line")

    def watch(self, q: str) -> Answer | None:
        sources = sorted({s.report for s in self.index.sentences}, reverse=True)[:2]
        ranked: list[tuple[float, Sentence]] = []
        for s in self.index.sentences:
            if s.flagged or s.report not in sources:
                continue
            score = 0.0
            if s.future:
                score += 1.0
            if OPEN.search(s.text):
                score += 1.0
            if re.search(r"\b(next\s+week|due|pending|expected|scheduled|will)\b", s.text, re.I):
                score += 0.5
            # "talks with both sides about a truce were continuing": a process still under way.
            if re.search(r"\b(continuing|ongoing|under\s+way|underway)\b", s.text, re.I):
                score += 1.0
            if any(d > s.report for d in s.dates):
                score += 0.5
            if score and s.report == sources[0]:
                score += 1.0
            if score:
                ranked.append((score, s))
        if not ranked:
            return None
        ranked.sort(key=lambda p: (-p[0], p[1].n))
        chosen = sorted((s for _, s in ranked[:5]), key=lambda s: s.n)
        text = "What to watch: " + " ".join(s.text for s in chosen)
        return self.answer(q, text, chosen, "watch")

    # -- statements -------------------------------------------------------------------------------------
    def statement(self, q: str) -> Answer | None:
        """Yes/no and why-questions: contested ones with each side, false premises corrected."""
        hits = self.best(q, k=6)
        if not hits:
            return None
        top = hits[0][0]
        groups = self.index.name_groups(q)
        near = [s for sc, s in hits if sc >= 0.6 * top and self.index.name_cover(s, groups) >= 0.5]
        why = WHY.match(q)
        if why:
            contra: list[Sentence] = []
            for v in words(why.group("rest")):
                opposites = OPPOSITES.get(term(v)) or OPPOSITES.get(v) or OPPOSITES.get(stem(v))
                if opposites:
                    contra += [s for _, s in hits if any(re.search(rf"\b{o}", s.text, re.I) for o in opposites)]
            # "Why did X's meeting end without a decision?" when the sources say there was no such meeting.
            contra += [s for _, s in hits if DENIAL.search(s.text) and self.index.name_cover(s, groups) >= 0.5]
            if contra:
                order = {s.n: i for i, (_, s) in enumerate(hits)}
                ranked = sorted(set(contra), key=lambda s: order.get(s.n, 99))
                # The first report of what really happened usually says why; the best match says it best.
                first = min(ranked, key=lambda s: (s.report, s.n))
                chosen = list(dict.fromkeys([first, *ranked]))[:2]
                if hits[0][1] not in chosen:
                    chosen.append(hits[0][1])  # and what the sources do say on the matter
                text = "The sources do not bear out that premise: " + " ".join(s.text for s in chosen)
                return self.answer(q, text, chosen, "premise")
        disputed = [s for s in near[:4] if DISPUTE.search(s.text) or (
            (nxt := self.index.following(s)) is not None and DISPUTE.search(nxt.text))]
        if disputed and (YES_NO.match(q) or WHO_CONTESTED.match(q)):
            chosen: list[Sentence] = []
            for s in near[:4]:
                if s not in chosen:
                    chosen.append(s)
                if ANNOUNCED_DISPUTE.search(s.text):
                    # "How badly X was hit remains disputed." The sides follow in the next sentences.
                    for nxt in self.index.paragraph(s):
                        if nxt.n > s.n and nxt.n <= s.n + 3 and nxt not in chosen:
                            chosen.append(nxt)
                    break
                nxt = self.index.following(s)
                if nxt is not None and DISPUTE.search(nxt.text) and nxt not in chosen and len(chosen) < 5:
                    chosen.append(nxt)
                if len(chosen) >= 4:
                    break
            chosen.sort(key=lambda s: (s.report, s.n))
            text = "This is contested. " + " ".join(s.text for s in chosen)
            return self.answer(q, text, chosen, "contested")
        if YES_NO.match(q) and near:
            chosen = near[:2] if len(near) > 1 and hits[1][0] >= 0.6 * top else near[:1]
            chosen.sort(key=lambda s: (s.report, s.n))
            lead = "No — " if NEGATION.search(chosen[-1].text) else ""
            return self.answer(q, lead + " ".join(s.text for s in chosen), chosen, "yes_no")
        return None

    def alive(self, q: str) -> Answer | None:
        """'Is X still alive?', 'Was X killed?': the sentence that reports the person's death, or None."""
        m = ALIVE.match(q)
        if not m:
            return None
        who = m.group("who") or m.group("who2") or ""
        names = [w for w in re.findall(r"[\w'’-]+", who) if term(w.lower()) in self.index.name_terms and len(w) > 2]
        if not names:
            return None
        name = "|".join(re.escape(n) for n in names)
        died = re.compile(rf"\b(?:{name})\b(?:'s|’s)?(?:,[^,.]{{0,80}},)?\s+(?:was|were|had\s+been|has\s+been|is|"
                          rf"was\s+reported)\s+(?:killed|assassinated|dead|slain|executed)|\b(?:{name})\b\s+died\b|"
                          rf"\b(?:killed|killing|killings\s+of|assassinated|assassination\s+of|death\s+of)\s+"
                          rf"(?:[\w'’-]+\s+){{0,3}}(?:{name})\b(?!['’]s)", re.I)
        found = [s for s in self.index.sentences if not s.flagged and died.search(s.text)]
        if not found:
            return None
        first = min(found, key=lambda s: (s.report, s.n))
        asks_dead = bool(re.search(r"\b(dead|killed|die|died|assassinated)\b", q, re.I)) and \
            not re.search(r"\b(alive|survive)", q, re.I)
        lead = "Yes — " if asks_dead else "No — "
        return self.answer(q, lead + first.text, [first], "yes_no:death")

    def split(self, q: str) -> list[str]:
        parts = [p.strip(" ,;") for p in COMPOUND.split(q) if p and p.strip(" ,;")]
        return parts if len(parts) > 1 else [q]
