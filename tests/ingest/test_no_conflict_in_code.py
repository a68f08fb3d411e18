"""The code that reads reports names no country, person, place or organisation of any conflict: what it
knows of one comes from the report and the briefing's data. Examples in docstrings and comments are fine;
a name in a pattern or a word list is not."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import yaml

import bot.ingest
from tests.conftest import SHARED

INGEST = Path(bot.ingest.__file__).parent
BRIEFING = Path(bot.ingest.__file__).parent.parent / "data" / "briefing.yaml"
# Names of the conflicts briefbot has met; the shipped briefing's actors and countries are added below.
KNOWN = {"thai", "thailand", "cambodia", "cambodian", "khmer", "malaysia", "malaysian", "asean", "iran", "iranian",
         "israel", "israeli", "tehran", "congo", "congolese", "rwanda", "rwandan", "m23", "goma", "bukavu", "kinshasa",
         "kivu", "hrana", "monusco", "sadc", "preah", "surin", "sisaket", "oddar", "meanchey", "gbc", "fordow"}


def conflict_words() -> set[str]:
    words = set(KNOWN)
    data = yaml.safe_load(BRIEFING.read_text(encoding="utf-8"))
    for actor in data.get("actors", []):
        for name in [actor.get("name", ""), actor.get("country") or "", *actor.get("aliases", [])]:
            words |= {w.lower() for w in re.findall(r"[A-Za-z][\w-]{3,}", name)}
    return words - {"prime", "minister", "president", "foreign", "defence", "army", "government", "ministry",
                    "united", "states", "nations", "state", "royal", "national", "the", "and", "military", "forces",
                    "leader", "armed", "navy", "police", "office", "council", "ministers", "people"}


def code_strings(path: Path) -> list[str]:
    """String constants of a module, without its docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    return [n.value for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings]


def test_no_conflict_names_in_the_ingest_code() -> None:
    words = conflict_words()
    assert SHARED.is_dir()
    found = {}
    for path in sorted(INGEST.glob("*.py")):
        for s in code_strings(path):
            hits = {w for w in re.findall(r"[a-z][a-z0-9-]{2,}", s.lower()) if w in words}
            if hits:
                found.setdefault(path.name, set()).update(hits)
    assert found == {}
