"""Turning questions and facts into comparable terms: tokens, a light stemmer and concept synonyms.

Paraphrases ("death toll", "how many ppl got hurt", "is there a truce") are mapped onto the same
concept terms as the briefing's own words, so matching works on meaning rather than spelling.
"""

from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"[a-z0-9]+(?:[.,][0-9]{3})*(?:'[a-z]+)?")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})

STOPWORDS = frozenset("""
a an the of in on at to for from by with about as into onto over under than then so such and or but nor between
is are was were be been being am do does did doing done have has had having will would shall should can
could may might must it its it's this that these those there here their them they he him his she her hers
we our ours you your yours i me my mine us what which who whom whose when where why how whats who's what's
any some all each every both either neither no not yet also just only very too more most much many
if else up down out off again further once tell please know let say said get got gotten give given
thing things something anything anyone someone one ones like lot lots kind sort way ever even still now
currently current latest recently recent today yesterday far exactly roughly approximately overall total
actually really officially anymore ok okay hi hello hey bot briefing report reports article news
did does happen happened happening going go goes went make made take took
time times hour hours date moment quick quickly short brief briefly can't cannot don't doesn't didn't
whats wheres whos hows i've i'm i'd i'll you're you've we're they're isn't aren't wasn't weren't won't
gone right correct true really sure mean means meant anybody anyone everyone nobody specifically
affected impacted regarding concerning re guys pls plz thanks thank bit lost remind follow
stuff info details detail per after before during since while according actually supposed
describe described describes description level name together combined
write draft accurate accurately
""".split())


# word -> concept. Keys are already lower case and lightly stemmed (see stem()).
_CONCEPTS: dict[str, tuple[str, ...]] = {
    "kill": ("kill", "killed", "killing", "die", "died", "dies", "dying", "dead", "death", "deaths", "fatal",
             "fatality", "fatalities", "toll", "perish", "perished", "slain", "lives", "life", "lost", "bodycount",
             "deadly", "mortality", "casualt", "casualty"),
    "injur": ("injur", "injure", "injured", "injury", "injuries", "wound", "wounded", "wounding", "hurt",
              "harm", "harmed", "maimed", "hospitalised", "hospitalized"),
    "displac": ("displac", "displace", "displaced", "displacement", "flee", "fled", "fleeing", "flight", "evacu",
                "evacuate", "evacuated", "evacuation", "evacuee", "evacuees", "refugee", "refugees", "refuge",
                "arrive", "arrived", "arriving", "arrival", "arrivals", "exile",
                "shelter", "shelters", "sheltering", "homeless", "uprooted", "idp", "idps", "relocated",
                "exodus"),
    "capture": ("capture", "captured", "capturing", "seize", "seized", "seizing", "seizure", "fall", "fell", "fallen",
                "falls", "takeover", "overran", "overrun", "conquer", "conquered"),
    "ceasefire": ("ceasefire", "truce", "armistice", "cease", "halt", "halting", "stand-down"),
    "accord": ("accord", "accords", "treaty", "pact", "agreement", "agreements", "deal"),
    "bomb": ("bomb", "bombs", "bombing", "bombings", "explosion", "explosions", "exploded", "explode", "blast",
             "blasts", "ied", "detonation", "detonated", "roadside"),
    "explosive": ("explosive", "explosives", "mine", "mines", "landmine", "landmines", "ordnance", "planted",
                  "plant", "planting", "plants"),
    "resolve": ("resolve", "resolving", "resolved", "resolution", "resolutions", "settle", "settlement",
                "solution", "solve", "solving", "end", "ending"),
    "breakthrough": ("breakthrough", "landmark", "milestone", "hailed", "significant", "important", "historic",
                     "success", "successful", "considered", "regarded", "seen", "viewed", "perceived", "received",
                     "welcomed", "praised", "celebrated"),
    "underscore": ("underscore", "underscores", "underscored", "underline", "underlines", "underlined",
                   "highlight", "highlights", "highlighted", "reflect", "reflects", "demonstrate", "demonstrates",
                   "signal", "signals", "indicate", "indicates", "illustrate", "illustrates"),
    "aim": ("aim", "aims", "aimed", "goal", "goals", "purpose", "objective", "objectives", "achieve", "hope",
            "hoped", "hopes", "intend", "intended", "intent", "intention", "seeking"),
    "focus": ("focus", "focused", "focusing", "concentrate", "concentrated", "concentrating", "prioritise",
              "prioritize", "emphasis", "emphasise", "emphasize", "emphasised", "emphasized", "stress", "stressed"),
    "escalat": ("escalation", "escalate", "escalated", "escalating", "worse", "worsen", "worsened", "worsening",
                "intensify", "intensified", "deteriorate", "deteriorated", "deteriorating", "spiral", "spiralling",
                "calm", "calming", "calmer", "de-escalate", "de-escalation", "flare-up", "flare"),
    "fresh": ("fresh", "new", "renewed", "another", "further", "more"),
    "border": ("border", "borders", "frontier", "frontiers", "boundary", "borderline"),
    "country": ("country", "countries", "nation", "nations", "national", "state", "nationality"),
    "tension": ("tension", "tensions", "tense", "boiling", "heated", "strained"),
    "preceded": ("preceded", "precede", "preceding", "prompted", "prior", "followed", "aftermath"),
    "immediate": ("immediate", "immediately", "instantly", "straightaway", "effect"),
    "stance": ("stance", "position", "view", "views", "opinion"),
    "method": ("method", "methods", "way", "ways", "means", "approach", "mechanism"),
    # An agreement's "terms" are what it provides, not the verb "termed" (a description).
    "provision": ("terms", "provision", "provisions", "clause", "clauses", "stipulate", "stipulates", "stipulated"),
    "radio": ("radio", "radios", "walkie", "walkies", "talkie", "talkies", "walkie-talkie", "walkie-talkies"),
    "satellite": ("satellite", "satellites", "imagery", "images", "image", "spy"),
    "intel": ("intelligence", "information-gathering", "surveillance", "reconnaissance"),
    "verify": ("verify", "verified", "verification", "verifying", "investigate", "investigation",
               "investigating", "probe", "inquiry", "check", "checked", "establish", "proof", "prove"),
    "confirm": ("confirm", "confirmed", "confirmation", "confirming", "acknowledge", "acknowledged",
                "acknowledges", "admit", "admits", "admitted", "admitting", "admission"),
    "call": ("call", "called", "calls", "calling", "phone", "phoned", "phoning", "spoke", "speak", "speaking",
             "talked", "talk", "rang", "ring", "rings", "ringing", "dial", "dialed", "conversation", "conversations", "telephone"),
    "attack": ("attack", "attacked", "attacks", "attacking", "incident", "incidents", "strike", "strikes", "struck", "assault",
               "offensive", "shelling", "shelled", "raid", "raids", "bombard", "bombarded", "hit"),
    "clash": ("clash", "clashes", "fight", "fighting", "fought", "combat", "hostilities", "hostility", "battle",
              "battles", "skirmish", "skirmishes", "gunfire", "firing", "war", "warfare", "conflict",
              "conflicts", "violence", "violent", "hostile",
              "fire", "fired", "shooting", "shots", "shot"),
    "start": ("start", "started", "starting", "begin", "began", "begun", "spark", "sparked", "sparking",
              "trigger", "triggered", "initiate", "initiated", "provoke", "provoked", "instigate",
              "instigated", "cause", "caused", "first", "opened"),
    "blame": ("blame", "blamed", "blaming", "fault", "responsible", "responsibility", "accuse", "accused",
              "accuses", "accusation", "accusations", "culprit", "guilty"),
    "request": ("request", "requested", "requests", "requesting", "ask", "asked", "asks", "asking", "demand",
                "demanded", "demands", "urge", "urged", "urging", "want", "wanted", "wants", "appeal",
                "appealed", "appeals", "plea", "seek", "sought", "press", "pressed", "insist", "insisted"),
    "meet": ("meet", "meeting", "meetings", "met", "summit", "convene", "convened", "convening", "gathering",
             "session", "conference"),
    "minister": ("minister", "ministers", "ministry", "secretary"),
    "premier": ("premier", "pm", "prime"),
    "leader": ("leader", "leaders", "head", "heads", "chief", "government", "governments", "leadership",
               "lead", "leads", "led", "leading", "ruler", "rules", "runs", "governs", "heading"),
    "president": ("president", "potus"),
    "province": ("province", "provinces", "provincial", "region", "area", "areas", "district"),
    "sign": ("sign", "signed", "signing", "signature", "concluded", "inked"),
    "withdraw": ("withdraw", "withdrawal", "withdrawing", "withdrew", "pull", "pullback", "retreat"),
    "remove": ("remove", "removal", "removed", "removing", "clear", "clearing", "demine"),
    "duration": ("long", "lasted", "last", "lasting", "duration", "sixth", "six"),
    "saturday": ("saturday", "weekend"),
    "accident": ("accident", "accidental", "accidentally", "mistake", "unintended"),
    "describe": ("characterise", "characterised", "characterize",
                 "characterized", "refer", "referred", "label", "labelled", "labeled", "term", "termed",
                 "dub", "dubbed", "word", "words", "wording", "phrase", "adjective"),
    "diplomacy": ("diplomacy", "diplomatic", "diplomatically", "negotiate", "negotiation", "negotiations",
                  "dialogue", "mediation", "mediate", "mediator", "talks", "peaceful", "peacefully"),
    "peace": ("peace",),
    "facebook": ("facebook", "social", "media", "post", "posted", "posting", "wrote", "online", "statement",
                 "publish", "published", "tweet", "tweeted"),
    "announce": ("announce", "announced", "announcement", "announcing", "declare", "declared", "declaration",
                 "proclaim", "proclaimed", "unveil", "unveiled"),
    "role": ("role", "roles", "title", "job", "office", "capacity", "who's"),
    "broker": ("broker", "brokered", "brokering", "mediated", "facilitated", "arranged"),
    "support": ("support", "supported", "back", "backs", "backed", "backing", "backer", "backers", "endorse", "endorsed",
                "sponsor", "sponsored"),
    "future": ("future", "uncertain", "uncertainty", "jeopardy", "doubt", "collapse", "status", "alive",
               "survive", "intact", "outlook", "prospects", "prospect", "fate", "viability", "threatened"),
    "willing": ("willing", "willingness", "ready", "open", "prepared", "keen", "eager"),
    "cooperate": ("cooperate", "cooperation", "cooperating", "collaborate", "collaboration", "co-operate"),
    "transparent": ("transparent", "transparency", "transparently", "independent", "impartial",
                    "impartially", "neutral"),
    "foreign": ("foreign",),
    "intervene": ("intervene", "intervention", "intervening", "step", "involve", "involved", "involvement",
                  "help", "helping", "assist", "assistance"),
    "people": ("people", "persons", "person", "ppl", "individuals", "civilians", "civilian", "folks",
               "residents", "humans", "villagers"),
    "home": ("home", "homes", "house", "houses", "village", "villages"),
    "dispute": ("dispute", "disputed", "contested", "contest", "disagree", "disagreement", "contradict",
                "contradicted", "conflicting", "contradictory"),
    "unverified": ("unverified", "unconfirmed", "unproven", "alleged", "allegedly", "allegation",
                   "allegations", "claim", "claimed", "claims", "claiming"),
    "retaliation": ("retaliation", "retaliate", "retaliated", "retaliatory", "response", "respond",
                    "responded", "reprisal"),
    "agree": ("agree", "agreed", "agrees", "agreeing", "accepted", "accept", "consent", "consented"),
    "military": ("military", "army", "armed", "soldier", "soldiers", "troop", "troops", "navy", "air", "defence",
                 "defense", "forces", "force", "servicemen", "personnel"),
}

CONCEPT_OF: dict[str, str] = {}

# Multi-word phrases folded into one concept before tokenising.
_PHRASE_LIST: list[tuple[str, str, tuple[str, ...]]] = [
    (r"\bprime\s+minister'?s?\b", " premier ", ('prime',)),
    (r"\bp\.?m\.?\b(?=\s|$|[?,.])", " premier ", ('pm', 'p.m')),
    (r"\bdeath\s*toll\b|\bbody\s*count\b", " kill ", ('body', 'death')),
    (r"\bleft\s+(?:their\s+)?homes?\b|\bforced\s+(?:out\s+)?(?:of|from)\s+(?:their\s+)?homes?\b", " displac ", ('forced', 'left')),
    (r"\bcease[\s-]?fire\b|\bcease\s+firing\b", " ceasefire ", ('cease',)),
    (r"\bopened?\s+fire\b|\bfired\s+first\b|\bshot\s+first\b|\bfirst\s+shots?\b", " start clash ", ('fired', 'first', 'opened', 'shot')),
    (r"\bhow\s+long\b", " duration ", ('how',)),
    (r"\bsocial\s+media\b", " facebook ", ('social',)),
    (r"\b(?:which|what)\s+day\s+of\s+the\s+week\b|\bweekday\b", " when weekday ", ('week',)),
    (r"\b(?:point|part|time)\s+(?:in|of)\s+the\s+day\b|\btime\s+of\s+day\b", " when ", ('day',)),
    (r"\baccording\s+to\b|\bas\s+per\b", " per ", ('according', 'as per')),
    (r"\bkick(?:ed|s)?\s+in\b|\btake\s+effect\b|\bcome\s+into\s+force\b", " effect ", ('kick', 'effect', 'force')),
    (r"\bin\s+the\s+wake\s+of\b", " preceded ", ('wake',)),
    (r"\bblew\s+up\b|\bwent\s+off\b", " bomb ", ('blew', 'went')),
    (r"\breach(?:ed|ing)?\s+out\b|\bgot\s+in\s+touch\b|\bdialed\b", " call ", ('reach', 'touch', 'dialed')),
    (r"\bright\s+away\b|\bat\s+once\b|\bwith\s+immediate\s+effect\b", " immediately ", ('away', 'once', 'immediate')),
    (r"\bbig\s+deal\b", " breakthrough ", ('big',)),
    (r"\bdec\b\.?", " december ", ('dec',)),
    (r"\bjan\b\.?", " january ", ('jan',)),
    (r"\bjul\b\.?", " july ", ('jul',)),
    (r"\boct\b\.?", " october ", ('oct',)),
    (r"\bnov\b\.?", " november ", ('nov',)),
    (r"\bin\s+(?:effect|force|place)\b", " intact ", ('effect', 'force', 'place')),
    (r"\bin\s+charge\b|\bin\s+power\b", " leader ", ('charge', 'power')),
    (r"\bkick(?:ed|s)?\s+off\b|\bbroke\s+out\b", " start ", ('kick', 'broke')),
    (r"\bsticking\s+points?\b|\bbone\s+of\s+contention\b", " dispute blame ", ('sticking', 'contention')),
    (r"\binfo(?:rmation)?[\s-]+gathering\b", " intelligence ", ('gathering',)),
    (r"\b(?:the\s+)?point\s+of\b", " purpose of ", ('point',)),
]
# Each phrase is tried only when one of its words is in the text: a few substring tests are far
# cheaper than running every pattern over every sentence of every source.
PHRASES = [(re.compile(p, re.I), r.strip(), t) for p, r, t in _PHRASE_LIST]
_THOUSANDS = re.compile(r"\b(\d+)\s*k\b", re.I)

# An acronym that spells a stop word ("US", "U.S.", "IT") is a name, not the pronoun: keep it as one.
_CAPS_STOP = re.compile(r"\b(?:[A-Z]\.){2,}|\b[A-Z]{2,4}\b")
# Chat shorthand analysts type on a phone.
_SHORTHAND = [(re.compile(p, re.I), r) for p, r in [
    (r"\by/n\b", ""), (r"\bFMs?\b", "foreign ministers"),
    (r"\bFB\b", "Facebook"), (r"\bmtgs?\b", "meeting"), (r"\bsat\b", "Saturday"), (r"\bfri\b", "Friday"),
    (r"\bgovt\b", "government"), (r"\bintl\b", "international"), (r"\bw/", "with "), (r"\bw\b", "with"),
    (r"\bn\b", "and"), (r"#s\b|\bnos\b\.?|#", " numbers "), (r"\bppl\b", "people"), (r"\bbc\b", "because"),
    (r"\bdef\b", "defence"), (r"\bmin\b", "minister"), (r"\bwat\b", "what"), (r"\babt\b", "about"),
    (r"\bu\b", "you"), (r"\br\b", "are"), (r"\bthx\b", "thanks"), (r"\bb4\b", "before"), (r"\bwk\b", "week"),
]]
# The words that may be shorthand: most sentences hold none, and 25 passes each add up over every sentence
# of a large briefing.
_SHORTHAND_WORDS = frozenset("y fm fms fb mtg mtgs sat fri govt intl w n nos ppl bc def min wat abt u r thx b4 wk".split())
_WORDISH = re.compile(r"\w+")

_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "ied", "edly", "ed", "es", "s")


# Irregular past forms the suffix rules cannot reach.
IRREGULAR = {"seen": "see", "saw": "see", "met": "meet", "held": "hold", "told": "tell", "fought": "fight",
             "took": "take", "taken": "take", "began": "begin", "begun": "begin", "shot": "shoot", "hit": "hit",
             "fled": "flee", "left": "leave", "sent": "send", "spoke": "speak", "spoken": "speak", "won": "win",
             "lost": "lose", "sought": "seek", "brought": "bring", "fell": "fall", "fallen": "fall",
             "drove": "drive", "driven": "drive", "stood": "stand", "came": "come", "led": "lead", "withdrew": "withdraw",
             "withdrawn": "withdraw", "struck": "strike", "broke": "break", "broken": "break", "wrote": "write"}


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """A deliberately small stemmer: enough to fold plurals and tenses onto one form."""
    if word in CONCEPT_OF or word[0].isdigit():
        return word
    if word in IRREGULAR:
        return IRREGULAR[word]
    if len(word) <= 3:
        return word
    if word.endswith("'s"):
        word = word[:-2]
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[: -len(suffix)]
            if suffix in ("ies", "ied"):
                base += "y"
            return base
    return word


for _concept, _words in _CONCEPTS.items():
    for _w in _words:
        CONCEPT_OF.setdefault(_w, _concept)
for _concept, _words in _CONCEPTS.items():
    for _w in _words:
        # Register stems too, so "planting" finds "planted" and "mediating" finds "mediation".
        if _w.isalpha() and len(_w) > 4:
            CONCEPT_OF.setdefault(stem(_w), _concept)


def term(word: str) -> str:
    """The comparable form of one word: its concept if it has one, else its stem."""
    if word in CONCEPT_OF:
        return CONCEPT_OF[word]
    w = stem(word)
    return CONCEPT_OF.get(w) or CONCEPT_OF.get(w + "e") or w


def expand_shorthand(text: str) -> str:
    """'what did FMs say on sat' -> 'what did foreign ministers say on Saturday'."""
    if "#" not in text and _SHORTHAND_WORDS.isdisjoint(_WORDISH.findall(text.lower())):
        return text
    for pattern, replacement in _SHORTHAND:
        text = pattern.sub(replacement, text)
    return text


def _acronym(m: re.Match[str]) -> str:
    letters = m.group(0).replace(".", "").lower()
    return f"acr{letters}" if letters in STOPWORDS else m.group(0)


def fold(text: str) -> str:
    text = _CAPS_STOP.sub(_acronym, text.translate(_APOSTROPHES))
    low = text.lower()
    if len(text) < 400:  # questions, not source text: shorthand never appears in reports
        text = expand_shorthand(text)
        low = text.lower()
    for pattern, replacement, triggers in PHRASES:
        if any(t in low for t in triggers):
            text = pattern.sub(replacement, text)
    return _THOUSANDS.sub(r"\g<1>000", text).lower()


def words(text: str) -> list[str]:
    """Lower-case words after phrase folding (possessive 's removed, numbers kept with their commas)."""
    return list(_words(text))


@lru_cache(maxsize=20_000)
def _words(text: str) -> tuple[str, ...]:
    # The same source sentences are read again by every question that weighs their counts: fold them once.
    out = []
    for w in _WORD.findall(fold(text)):
        if w.endswith("'s"):
            w = w[:-2]
        out.append(w.replace(",", ""))
    return tuple(out)


def terms(text: str, keep_stopwords: bool = False) -> list[str]:
    """Concept/stem terms of a text, stop words dropped."""
    return [term(w) for w in words(text) if keep_stopwords or w not in STOPWORDS]


def typo_distance(a: str, b: str, limit: int) -> int:
    """Edits (insert, delete, change, swap two neighbours) from a to b; limit + 1 once it is past limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]
