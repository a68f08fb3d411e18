"""Prompt templates kept as files in prompts/ (`answer.v1.md`), versioned by file name.

A template has a `## system` part (the instructions) and a `## user` part with `{data}` where the
delimited data block goes. Questions and passages only ever go into that block, JSON-encoded between
markers carrying a random tag, so nothing in them can pass for an instruction or close the block.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path


def prompts_dir() -> Path:
    """BRIEFBOT_PROMPTS_DIR, else prompts/ of the source tree, else ./prompts (an installed image)."""
    configured = os.environ.get("BRIEFBOT_PROMPTS_DIR")
    if configured:
        return Path(configured)
    source_tree = Path(__file__).resolve().parents[2] / "prompts"
    return source_tree if source_tree.is_dir() else Path("prompts").resolve()

_FILE_RE = re.compile(r"^(?P<name>[a-z_]+)\.v(?P<n>\d+)\.md$")
_COMMENT_RE = re.compile(r"<!--.*?-->", re.S)


class PromptError(Exception):
    """A template file that is missing or lacks its parts."""


@dataclass(frozen=True)
class Prompt:
    version: str  # "answer.v2"
    system: str
    user: str  # contains "{data}"

    def messages(self, data: dict) -> list[dict[str, str]]:
        return [{"role": "system", "content": self.system},
                {"role": "user", "content": self.user.replace("{data}", data_block(data))}]


def data_block(data: dict) -> str:
    tag = secrets.token_hex(8)
    return f"<<<DATA {tag}>>>\n{json.dumps(data, ensure_ascii=False)}\n<<<END DATA {tag}>>>"


def load_prompt(name: str, directory: Path | None = None) -> Prompt:
    """The highest version of the named template (answer.v2.md beats answer.v1.md)."""
    directory = directory or prompts_dir()
    versions = []
    for path in directory.glob(f"{name}.v*.md"):
        match = _FILE_RE.match(path.name)
        if match and match["name"] == name:
            versions.append((int(match["n"]), path))
    if not versions:
        raise PromptError(f"no prompt template {name}.vN.md in {directory}")
    n, path = max(versions)
    text = _COMMENT_RE.sub("", path.read_text(encoding="utf-8"))
    parts = re.split(r"^## (system|user)\s*$", text, flags=re.M)
    sections = {parts[i]: parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}
    if not sections.get("system") or "{data}" not in sections.get("user", ""):
        raise PromptError(f"{path.name} needs a '## system' part and a '## user' part with {{data}}")
    return Prompt(version=f"{name}.v{n}", system=sections["system"], user=sections["user"])
