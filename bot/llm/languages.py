"""Questions in other languages, with a model: translated to English, answered and checked as usual,
and the checked answer translated back into the asker's language.

The English answer is what every check (numbers, qualifiers, contested claims, citations) runs on.
Its translation must keep every number exactly (the same values, in digits) and, for the languages
listed in QUALIFIERS, each number's qualifier; otherwise the checked English answer goes out instead.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from bot.config import Settings
from bot.llm.checks import CheckFailed
from bot.llm.model import complete
from bot.llm.numbers import mentions
from bot.llm.prompts import Prompt

# Qualifier phrases per language, mapped to the same meanings as bot.llm.numbers.QUALIFIERS.
QUALIFIERS: dict[str, dict[str, str]] = {
    "French": {"au moins": "at_least", "plus de": "more_than", "près de": "nearly", "presque": "nearly",
               "environ": "about", "quelque": "about", "jusqu'à": "up_to", "moins de": "less_than"},
    "Spanish": {"al menos": "at_least", "por lo menos": "at_least", "más de": "more_than", "casi": "nearly",
                "cerca de": "nearly", "alrededor de": "about", "unos": "about", "unas": "about",
                "aproximadamente": "about", "hasta": "up_to", "menos de": "less_than"},
    "Portuguese": {"pelo menos": "at_least", "ao menos": "at_least", "mais de": "more_than", "quase": "nearly",
                   "cerca de": "about", "aproximadamente": "about", "até": "up_to", "menos de": "less_than"},
    "German": {"mindestens": "at_least", "wenigstens": "at_least", "mehr als": "more_than", "über": "more_than",
               "fast": "nearly", "beinahe": "nearly", "knapp": "nearly", "nahezu": "nearly", "etwa": "about",
               "rund": "about", "ungefähr": "about", "circa": "about", "bis zu": "up_to", "weniger als": "less_than"},
    "Italian": {"almeno": "at_least", "più di": "more_than", "oltre": "more_than", "quasi": "nearly",
                "circa": "about", "fino a": "up_to", "meno di": "less_than"},
    "Dutch": {"minstens": "at_least", "ten minste": "at_least", "meer dan": "more_than", "bijna": "nearly",
              "ongeveer": "about", "circa": "about", "tot": "up_to", "minder dan": "less_than"},
    "Indonesian/Malay": {"sedikitnya": "at_least", "setidaknya": "at_least", "paling sedikit": "at_least",
                         "lebih dari": "more_than", "hampir": "nearly", "sekitar": "about", "kira-kira": "about",
                         "hingga": "up_to", "kurang dari": "less_than"},
    "Russian": {"не менее": "at_least", "по меньшей мере": "at_least", "как минимум": "at_least",
                "более": "more_than", "больше": "more_than", "свыше": "more_than", "почти": "nearly",
                "около": "about", "примерно": "about", "до": "up_to", "менее": "less_than"},
    "Thai": {"อย่างน้อย": "at_least", "มากกว่า": "more_than", "กว่า": "more_than", "เกือบ": "nearly",
             "ประมาณ": "about", "ราว": "about"},
}


def translate_data(text: str, source: str, target: str) -> dict:
    return {"text": text, "from": source, "to": target}


async def translate(client: Any, settings: Settings, prompt: Prompt, text: str, source: str, target: str) -> str:
    result = await complete(client, settings, prompt, translate_data(text, source, target))
    out = result.output.answer.strip()
    if not out:
        raise CheckFailed("translation_empty", f"{source} -> {target}")
    return out


def qualifier_in(text: str, start: int, table: dict[str, str]) -> str | None:
    """The qualifier written just before position `start`, by the language's table."""
    before = text[max(0, start - 40):start].lower().rstrip()
    for phrase in sorted(table, key=len, reverse=True):
        if before.endswith(phrase):
            return table[phrase]
    return None


def check_translation(english: str, translated: str, language: str) -> None:
    """The translation carries exactly the English answer's numbers, each with its qualifier."""
    source = [m for m in mentions(english) if not isinstance(m.value, str)]
    digits = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\w.,])\d+(?:\.\d+)?")
    found = [(float(m.group(0).replace(",", "")), m.start()) for m in digits.finditer(translated)]
    if Counter(m.value for m in source) != Counter(v for v, _ in found):
        raise CheckFailed("translation_numbers",
                          f"{sorted(m.value for m in source)} became {sorted(v for v, _ in found)}")
    table = QUALIFIERS.get(language)
    for m in source:
        if not m.qualifier:
            continue
        if table is None:
            raise CheckFailed("translation_qualifier", f"no qualifier table for {language}")
        kept = [qualifier_in(translated, start, table) for value, start in found if value == m.value]
        if m.qualifier not in kept:
            raise CheckFailed("translation_qualifier", f"{m.text}: its qualifier ({m.qualifier}) was lost")
