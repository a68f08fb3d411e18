"""Turning the escaped "<#ID>" of a reply's own channels back into channel links, in any rendered payload.

Both platforms write a channel link as "<#ID>" and both renderers escape user text first; only the ids the
reply itself names (never text a user typed) are put back.
"""

from __future__ import annotations

from typing import Any


def link_channels(value: Any, links: dict[str, str]) -> Any:
    """`value` (a string, or lists and dicts of them) with each escaped form in `links` replaced by its link."""
    if isinstance(value, str):
        for escaped, linked in links.items():
            value = value.replace(escaped, linked)
        return value
    if isinstance(value, list):
        return [link_channels(v, links) for v in value]
    if isinstance(value, dict):
        return {k: link_channels(v, links) for k, v in value.items()}
    return value
