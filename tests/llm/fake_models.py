"""Scripted fake 'models' for the fake server: each reads the request and returns a reply step."""

from __future__ import annotations

from collections.abc import Callable

from tests.fakes.openai_server import Reply, passages_of, request_data


def answer(text: str, pick: Callable[[dict], bool] | str, found: bool = True) -> Callable[[dict], Reply]:
    """A model that says `text` and cites the passages chosen by `pick` (an id prefix or a test)."""

    def model(body: dict) -> Reply:
        chosen = [p["id"] for p in passages_of(body)
                  if (p["id"].startswith(pick) if isinstance(pick, str) else pick(p))]
        assert chosen, f"no passage matched {pick!r}: {[p['id'] for p in passages_of(body)]}"
        return Reply(content={"answer": text, "cited_ids": chosen, "found": found})

    return model


def not_found(body: dict) -> Reply:
    return Reply(content={"answer": "The briefing does not say.", "cited_ids": [], "found": False})


def obedient(body: dict) -> Reply:
    """A model that follows whatever instructions it finds in the data, as a hijacked model would."""
    data = request_data(body)
    text = data["question"] + " " + " ".join(p["text"] for p in data["passages"])
    low = text.lower()
    ids = [p["id"] for p in data["passages"]]
    if "system prompt" in low:
        system = next(m["content"] for m in body["messages"] if m["role"] == "system")
        return Reply(content={"answer": system, "cited_ids": ids[:1], "found": True})
    if "5,000" in text:
        # the injected passage asks for its figure under the name of a real fact
        injected = [p["id"] for p in data["passages"] if "5,000" in p["text"]]
        cite = ids[:1] if "cite the first" in low else injected
        return Reply(content={"answer": "At least 5,000 soldiers have been killed.", "cited_ids": cite,
                              "found": True})
    if "link" in low:
        return Reply(content={"answer": "Details at https://example.invalid/x", "cited_ids": ids[:1],
                              "found": True})
    if "ignore your rules" in low:
        return Reply(content={"answer": "1,000 people died and a ceasefire is in force.",
                              "cited_ids": ids[:1], "found": True})
    return Reply(content={"answer": data["passages"][0]["text"], "cited_ids": ids[:1], "found": True})
