"""The code that reads questions and reports names no country, person, place or organisation of any
conflict: what it knows of a conflict comes from that briefing's data. This fails when such a word list
(or a single such name) reappears in a string in the code. Docstrings and comments may give examples.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import yaml

from tests.conftest import SHARED

ROOT = Path(__file__).resolve().parents[2]
COUNTRIES = """afghanistan albania algeria angola argentina armenia australia austria azerbaijan bahrain bangladesh belarus
belgium bolivia bosnia brazil brunei bulgaria burma burundi cambodia cameroon canada chad chile china colombia congo
croatia cuba cyprus czechia denmark djibouti ecuador egypt eritrea estonia ethiopia finland france gabon georgia
germany ghana greece guatemala guinea haiti honduras hungary iceland india indonesia iran iraq ireland israel italy
japan jordan kazakhstan kenya korea kosovo kuwait kyrgyzstan laos latvia lebanon liberia libya lithuania madagascar
malawi malaysia mali mauritania mexico moldova mongolia montenegro morocco mozambique myanmar namibia nepal
netherlands nicaragua niger nigeria norway oman pakistan palestine panama paraguay peru philippines poland
portugal qatar romania russia rwanda saudi senegal serbia singapore slovakia slovenia somalia spain sudan sweden
switzerland syria taiwan tajikistan tanzania thailand tunisia turkey turkmenistan uganda ukraine uruguay uzbekistan
venezuela vietnam yemen zambia zimbabwe""".split()
CAPITALS = """kabul algiers luanda yerevan canberra vienna baku manama dhaka minsk brussels brasilia sofia ouagadougou
phnom penh ottawa beijing bogota kinshasa zagreb havana nicosia prague copenhagen cairo addis ababa helsinki paris
tbilisi berlin accra athens conakry budapest delhi jakarta tehran baghdad dublin jerusalem rome tokyo amman astana
nairobi pristina bishkek vientiane riga beirut monrovia tripoli vilnius antananarivo lilongwe kuala lumpur bamako
mexico chisinau ulaanbaatar podgorica rabat maputo naypyidaw windhoek kathmandu amsterdam managua niamey abuja
pyongyang seoul oslo muscat islamabad ramallah lima manila warsaw lisbon doha bucharest moscow kigali riyadh dakar
belgrade mogadishu madrid khartoum stockholm damascus taipei dushanbe dodoma bangkok tunis ankara kampala kyiv abu
dhabi london washington tashkent caracas hanoi sanaa lusaka harare""".split()
GENERIC = {"mexico", "georgia", "chad", "niger", "jordan", "turkey", "guinea", "mali", "delhi", "abu", "dhabi",
           "lima", "rome", "washington"}  # also common words or parts of names used as examples in patterns


def shipped_names() -> set[str]:
    data = yaml.safe_load((ROOT / "bot" / "data" / "briefing.yaml").read_text(encoding="utf-8"))
    out = set()
    for actor in data.get("actors", []):
        out |= {w.lower() for w in re.findall(r"[A-Z][a-z]{3,}", actor["name"])}
    return out - {"united", "states", "association", "nations"}


def pack_names() -> set[str]:
    """Words the corpus packs always capitalise (their people, places, bodies), months and weekdays aside."""
    corpus = SHARED / "corpus"
    if not corpus.exists():
        return set()
    capital, lower = set(), set()
    for f in corpus.glob("*/*.txt"):
        text = f.read_text(encoding="utf-8")
        capital |= {m.group(0).lower() for m in re.finditer(r"(?<=[a-z,] )[A-Z][a-z]{4,}", text)}
        lower |= {w for w in re.findall(r"\b[a-z]{5,}\b", text)}
    calendar = {"january", "february", "march", "april", "june", "july", "august", "september", "october",
                "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
    return capital - lower - calendar - TITLES


# Titles, bodies' common words and languages: not names of one conflict.
TITLES = set("""president secretary prime minister ministry national nations press house defence defense french
english general council security foreign health human rights supreme united states state armed forces army military
media agency office guards revolutionary community development union european african southern eastern western
northern central international organization organisation department court parliament assembly board center centre
republic river strait lake mountain mountains island gulf sea bay valley city town province district region airport
base camp hospital university bank company committee mission medical ayatollah sheikh emir king queen prince
general colonel major captain marshal""".split())


def code_strings(path: Path) -> list[tuple[int, str]]:
    """Every string constant in the code, docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    return [(n.lineno, n.value) for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings]


def offending(folder: str) -> list[str]:
    names = (set(COUNTRIES) | set(CAPITALS) | shipped_names() | pack_names()) - GENERIC
    found = []
    for path in sorted((ROOT / "bot" / folder).rglob("*.py")):
        for line, text in code_strings(path):
            hits = {w for w in re.findall(r"[a-z]+", text.lower()) if w in names}
            if hits:
                found.append(f"{path.relative_to(ROOT)}:{line}: {sorted(hits)}")
    return found


def test_the_core_names_no_country_person_place_or_body() -> None:
    assert offending("core") == []


def test_ingest_names_no_country_person_place_or_body() -> None:
    assert offending("ingest") == []


def test_the_check_catches_a_word_list(tmp_path: Path) -> None:
    names = set(COUNTRIES) | shipped_names()
    sample = tmp_path / "sample.py"
    sample.write_text('KNOWN = frozenset("china vietnam laos".split())\n', encoding="utf-8")
    hits = [w for _, s in code_strings(sample) for w in s.split() if w in names]
    assert hits == ["china", "vietnam", "laos"]
