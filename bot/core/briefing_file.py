"""Reading an authored briefing file (YAML) into a checked Briefing.

Evidence may be written as a bare quote string; it then refers to the file's first source. Every
quote is located in its source text; a quote that is not there is an error naming the fact.
"""

from __future__ import annotations

import hashlib
import re
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.core.evidence import locate
from bot.core.models import Briefing

SHIPPED = "briefing.yaml"


class BriefingFileError(Exception):
    """The briefing file is unusable; the message names the file, the fact and the field."""


def shipped_dir() -> Path:
    return Path(str(resources.files("bot") / "data"))


def load_shipped_briefing() -> Briefing:
    return load_briefing_file(shipped_dir() / SHIPPED)


def shipped_name() -> str:
    """The shipped briefing's name, read without parsing the whole file (it is needed on every start)."""
    head = (shipped_dir() / SHIPPED).read_text(encoding="utf-8")[:4000]
    found = re.search(r"^name:\s*([a-z0-9-]+)\s*$", head, re.MULTILINE)
    if found:
        return found.group(1)
    return load_shipped_briefing().name


def shipped_digest() -> str:
    """A hash of the shipped briefing and its sources: cheap to compute, changes with any edit."""
    h = hashlib.sha256()
    base = shipped_dir()
    for path in [base / SHIPPED, *sorted((base / "sources").glob("*.txt"))]:
        h.update(path.read_bytes())
    return h.hexdigest()


def load_briefing_file(path: Path) -> Briefing:
    import yaml  # only when a briefing file is (re)read, not on every start

    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BriefingFileError(f"{path}: cannot read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise BriefingFileError(f"{path}: not UTF-8 text") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise BriefingFileError(f"{path}: not valid YAML{where}") from None
    if not isinstance(raw, dict):
        raise BriefingFileError(f"{path}: expected a mapping with title, sources and facts")
    return parse_briefing(raw, path.parent, str(path))


def parse_briefing(raw: dict[str, Any], base: Path, name: str) -> Briefing:
    sources = raw.get("sources") or []
    for i, src in enumerate(sources):
        if isinstance(src, dict) and "file" in src:
            src = dict(src)
            file = base / "sources" / src.pop("file")
            try:
                src["text"] = file.read_text(encoding="utf-8")
            except OSError as exc:
                raise BriefingFileError(f"{name}: sources[{i}]: cannot read {file} ({exc.strerror})") from None
            sources[i] = src
        if isinstance(sources[i], dict) and not sources[i].get("sha256") and "text" in sources[i]:
            sources[i]["sha256"] = hashlib.sha256(sources[i]["text"].encode("utf-8")).hexdigest()
    default_source = sources[0].get("id") if sources and isinstance(sources[0], dict) else None
    for key, items in raw.items():
        if key == "sources" or not isinstance(items, list):
            continue
        for item in items:
            if isinstance(item, dict) and isinstance(item.get("evidence"), list):
                item["evidence"] = [_evidence(e, default_source) for e in item["evidence"]]
                if key == "figures" and "source_id" not in item and item["evidence"]:
                    first = item["evidence"][0]
                    item["source_id"] = first.get("source_id") if isinstance(first, dict) else default_source
    try:
        briefing = Briefing.model_validate(raw)
    except ValidationError as exc:
        raise BriefingFileError(f"{name}: {describe_errors(exc, raw)}") from None
    check_evidence(briefing, name)
    return briefing


def _evidence(item: Any, default_source: str | None) -> Any:
    if isinstance(item, str):
        return {"source_id": default_source, "quote": item}
    if isinstance(item, dict) and "source_id" not in item:
        return {**item, "source_id": default_source}
    return item


def describe_errors(exc: ValidationError, raw: dict[str, Any]) -> str:
    """'actors[2] (id "hun-manet"), field kind: Input should be ...' for each problem."""
    out = []
    for err in exc.errors()[:5]:
        loc = list(err["loc"])
        where = []
        node: Any = raw
        for i, part in enumerate(loc):
            if isinstance(part, int) and isinstance(node, list) and part < len(node):
                node = node[part]
                fact_id = node.get("id") if isinstance(node, dict) else None
                where[-1] = f"{where[-1]}[{part}]" + (f" (id {fact_id!r})" if fact_id and i == 1 else "")
                continue
            where.append(str(part))
            node = node.get(part) if isinstance(node, dict) else None
        fact = where[0] if where else "briefing"
        field = ".".join(where[1:]) or "(whole fact)"
        out.append(f"{fact}, field {field}: {err['msg']}")
    more = len(exc.errors()) - 5
    return "; ".join(out) + (f"; and {more} more" if more > 0 else "")


def check_evidence(briefing: Briefing, name: str) -> None:
    """Every quote must be in its source; record where it was found."""
    texts = {s.id: s.text for s in briefing.sources}
    groups: list[tuple[str, list[Any]]] = [
        ("actors", briefing.actors), ("events", briefing.events), ("claims", briefing.claims),
        ("requests", briefing.requests), ("agreements", briefing.agreements),
        ("upcoming", briefing.upcoming), ("figures", briefing.figures), ("notes", briefing.notes)]
    ids: set[str] = set()
    for group, items in groups:
        for fact in items:
            if fact.id in ids:
                raise BriefingFileError(f"{name}: {group} (id {fact.id!r}): the id is used twice")
            ids.add(fact.id)
            for ev in fact.evidence:
                if ev.source_id not in texts:
                    raise BriefingFileError(f"{name}: {group} (id {fact.id!r}), field evidence.source_id: "
                                            f"no source {ev.source_id!r}")
                span = locate(ev.quote, texts[ev.source_id])
                if span is None:
                    raise BriefingFileError(f"{name}: {group} (id {fact.id!r}), field evidence.quote: "
                                            f"not found in source {ev.source_id!r}: {ev.quote[:60]!r}")
                ev.char_start, ev.char_end = span
