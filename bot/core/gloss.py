"""A word-for-word English reading of a short question in French, Spanish or Portuguese, for the offline engine.

Teams following a conflict often ask in the language of its reports. The offline engine reads English, so a
question in one of these languages is glossed with everyday question and casualty vocabulary (no names of any
conflict: names pass through as written) and answered in English, saying so. A word the gloss does not know
and the briefing never uses is dropped, unless it is a name and the question names nothing the briefing
holds (then the engine says plainly that it does not cover it). Anything
the gloss cannot make into an English question is left to the plain "I read English" reply.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# Phrases first (longest match wins), then single words. Values are English; "" drops the word.
_FRENCH = {
    "combien de": "how many", "qu'est-ce que": "what", "qu'est-ce qui": "what", "est-ce que": "",
    "y a-t-il": "are there", "a-t-il": "has", "ont-ils": "have they", "cessez-le-feu": "ceasefire",
    "selon": "according to", "d'après": "according to", "à cause de": "because of", "depuis": "since",
    "combien": "how many", "qui": "who", "quoi": "what", "que": "what", "quel": "which", "quelle": "which",
    "quels": "which", "quelles": "which", "où": "where", "quand": "when", "comment": "how",
    "pourquoi": "why", "personnes": "people", "personne": "person", "gens": "people", "morts": "killed",
    "mort": "killed", "mortes": "killed", "morte": "killed", "tués": "killed", "tuées": "killed", "tué": "killed", "tuée": "killed",
    "décès": "deaths", "blessés": "injured", "blessées": "injured", "blessé": "injured",
    "déplacés": "displaced", "déplacées": "displaced", "réfugiés": "refugees", "fui": "fled",
    "enfants": "children", "femmes": "women", "civils": "civilians", "soldats": "soldiers",
    "troupes": "troops", "armée": "army", "gouvernement": "government", "ministère": "ministry",
    "santé": "health", "ministre": "minister", "président": "president", "premier": "prime",
    "accord": "agreement", "trêve": "truce", "pourparlers": "talks", "négociations": "talks",
    "sommet": "summit", "réunion": "meeting", "attaque": "attack", "frappe": "strike", "frappes": "strikes",
    "bombardement": "shelling", "combats": "fighting", "guerre": "war", "hôpital": "hospital",
    "camp": "camp", "ville": "city", "frontière": "border", "reconnaît": "admit", "reconnaît-il": "admit",
    "reconnaissent": "admit", "admet": "admit", "nie": "deny", "dément": "deny", "dit": "said",
    "déclaré": "said", "affirme": "claims", "accuse": "accuses", "demandé": "asked", "avoir": "have",
    "a": "has", "ont": "have", "est": "is", "sont": "are", "été": "been", "était": "was", "étaient": "were",
    "il": "", "elle": "", "ils": "", "elles": "", "le": "the", "la": "the", "les": "the", "l'": "the",
    "un": "a", "une": "a", "des": "", "du": "of the", "de": "of", "d'": "of", "au": "in", "aux": "in",
    "à": "in", "en": "in", "dans": "in", "sur": "on", "par": "by", "pour": "for", "avec": "with",
    "contre": "against", "entre": "between", "après": "after", "avant": "before", "et": "and", "ou": "or",
    "ne": "", "pas": "not", "plus": "more", "dernier": "latest", "dernière": "latest", "bilan": "toll",
    "onu": "UN", "l'onu": "the UN", "oim": "IOM", "l'oim": "the IOM", "oms": "WHO", "l'oms": "the WHO",
    "prisonniers": "prisoners", "otages": "hostages", "équipage": "crew", "navire": "ship", "navires": "ships",
    "bateau": "ship", "missiles": "missiles", "drones": "drones", "villages": "villages", "territoire": "territory",
    "capturé": "captured", "capturés": "captured", "pris": "taken", "contrôle": "control", "contrôlent": "control",
    "annoncé": "announced", "lancé": "launched", "frappé": "struck", "détruit": "destroyed", "fuir": "flee",
    "évacués": "evacuated", "disparus": "missing", "arrêtés": "detained", "avait": "had", "y avait-il": "were there",
    "lorsque": "when", "pendant": "during", "semaine": "week", "jour": "day", "jours": "days",
}
_SPANISH = {
    "cuántas personas": "how many people", "cuántos": "how many", "cuántas": "how many",
    "alto el fuego": "ceasefire", "según": "according to", "de acuerdo con": "according to",
    "qué": "what", "quién": "who", "quiénes": "who", "cuál": "which", "cuáles": "which",
    "dónde": "where", "cuándo": "when", "cómo": "how", "por qué": "why", "personas": "people",
    "gente": "people", "muertos": "killed", "muertas": "killed", "murieron": "died", "fallecidos": "killed",
    "heridos": "injured", "desplazados": "displaced", "desplazadas": "displaced", "refugiados": "refugees",
    "huyeron": "fled", "huido": "fled", "niños": "children", "mujeres": "women", "civiles": "civilians",
    "soldados": "soldiers", "tropas": "troops", "ejército": "army", "gobierno": "government",
    "ministerio": "ministry", "salud": "health", "ministro": "minister", "presidente": "president",
    "acuerdo": "agreement", "tregua": "truce", "conversaciones": "talks", "negociaciones": "talks",
    "cumbre": "summit", "reunión": "meeting", "ataque": "attack", "bombardeo": "strike", "guerra": "war",
    "hospital": "hospital", "campo": "camp", "campamento": "camp", "ciudad": "city", "frontera": "border",
    "reconoce": "admit", "niega": "deny", "dijo": "said", "afirma": "claims", "acusa": "accuses",
    "pidió": "asked", "tiene": "has", "tienen": "have", "han": "have", "ha": "has", "sido": "been",
    "es": "is", "son": "are", "fue": "was", "fueron": "were", "el": "the", "la": "the", "los": "the",
    "las": "the", "un": "a", "una": "a", "del": "of the", "de": "of", "al": "to the", "en": "in",
    "sobre": "on", "por": "by", "para": "for", "con": "with", "contra": "against", "entre": "between",
    "después": "after", "antes": "before", "y": "and", "o": "or", "no": "not", "más": "more",
    "último": "latest", "última": "latest", "balance": "toll", "onu": "UN", "oim": "IOM", "oms": "WHO",
    "a bordo": "aboard", "tripulantes": "crew", "tripulación": "crew", "prisioneros": "prisoners",
    "rehenes": "hostages", "barco": "ship", "buque": "ship", "buques": "ships", "misiles": "missiles",
    "drones": "drones", "ataques": "attacks", "pueblos": "villages", "aldeas": "villages", "territorio": "territory",
    "capturado": "captured", "capturada": "captured", "capturados": "captured", "tomado": "taken",
    "controla": "controls", "controlan": "control", "anunció": "announced", "lanzó": "launched",
    "destruido": "destroyed", "evacuados": "evacuated", "desaparecidos": "missing", "detenidos": "detained",
    "había": "were", "habían": "had", "hay": "are there", "dice": "says", "dicen": "say", "tener": "have",
    "cuando": "when", "durante": "during", "semana": "week", "día": "day", "días": "days",
}
_PORTUGUESE = {
    "quantas pessoas": "how many people", "quantos": "how many", "quantas": "how many",
    "cessar-fogo": "ceasefire", "segundo": "according to", "de acordo com": "according to",
    "o que": "what", "quem": "who", "qual": "which", "onde": "where", "quando": "when", "como": "how",
    "por que": "why", "pessoas": "people", "mortos": "killed", "morreram": "died", "feridos": "injured",
    "deslocados": "displaced", "refugiados": "refugees", "fugiram": "fled", "crianças": "children",
    "civis": "civilians", "soldados": "soldiers", "tropas": "troops", "exército": "army",
    "governo": "government", "ministério": "ministry", "saúde": "health", "acordo": "agreement",
    "trégua": "truce", "negociações": "talks", "ataque": "attack", "guerra": "war", "foram": "were",
    "foi": "was", "o": "the", "a": "the", "os": "the", "as": "the", "do": "of the", "da": "of the",
    "de": "of", "em": "in", "no": "in the", "na": "in the", "e": "and", "não": "not",
    "prisioneiros": "prisoners", "reféns": "hostages", "tripulantes": "crew", "navio": "ship", "navios": "ships",
    "mísseis": "missiles", "drones": "drones", "ataques": "attacks", "aldeias": "villages", "território": "territory",
    "capturado": "captured", "capturados": "captured", "capturou": "captured", "tomou": "took", "controla": "controls",
    "anunciou": "announced", "diz": "says", "dizem": "say", "disse": "said", "ter": "have", "tem": "has",
    "têm": "have", "há": "are there", "havia": "were", "a bordo": "aboard", "durante": "during", "dias": "days",
    "dia": "day", "semana": "week", "evacuados": "evacuated", "desaparecidos": "missing", "detidos": "detained",
}
GLOSSARIES: dict[str, dict[str, str]] = {"French": _FRENCH, "Spanish": _SPANISH, "Portuguese": _PORTUGUESE}

_TOKEN = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*['’]?|\d[\d,.\s]*\d|\d|[?]", re.U)
_ELISION = re.compile(r"^(l|d|qu|s|n|j|c)['’](?=\w)", re.I)


def gloss(question: str, language: str, known: Callable[[str], bool]) -> str | None:
    """An English reading of the question, or None when the language has no glossary or too little is read.

    `known(word)` says whether the briefing uses a word; an unknown word that is not a name is dropped."""
    table = GLOSSARIES.get(language)
    if table is None:
        return None
    text = question.replace("¿", " ").replace("¡", " ").replace("’", "'")
    tokens: list[str] = []
    for raw in _TOKEN.findall(text):
        m = _ELISION.match(raw)
        if m:  # "l'ONU" -> "l'" "ONU"
            tokens += [m.group(0), raw[m.end():]]
        else:
            tokens.append(raw)
    # A name the briefing does not use stays (the engine then says it is not covered), unless the question
    # also names something the briefing does: then it is the other language's spelling of a place ("RDC").
    anchored = any(t[0].isupper() and t.lower() not in table and known(t) for t in tokens[1:])
    out: list[str] = []
    read = 0
    i = 0
    while i < len(tokens):
        for size in (3, 2, 1):
            phrase = " ".join(t.lower() for t in tokens[i:i + size])
            if phrase in table:
                if table[phrase]:
                    out.append(table[phrase])
                read += size
                i += size
                break
        else:
            word = tokens[i]
            base = word.split("-")[0]
            if word[0].isdigit() or word == "?" or known(word) or known(base):
                out.append(word)
            elif word[0].isupper() and i > 0 and not anchored:
                out.append(word)
            i += 1
    # Glossed only when most of the question was read: a stray foreign word is no question.
    if read < 2 or read < len([t for t in tokens if t != "?"]) / 2:
        return None
    english = " ".join(out).replace(" ?", "?").strip()
    return english if len(english.split()) >= 2 else None


def glossed_note(language: str) -> str:
    return f"(I read English questions; this one looks {language}, so here is the answer in English.)"
