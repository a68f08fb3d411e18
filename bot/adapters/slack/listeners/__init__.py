"""Bolt listeners, one module per kind, each with `register(app, deps)`."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.adapters.slack.deps import Deps
from bot.adapters.slack.listeners import actions, commands, events


def register_listeners(app: AsyncApp, deps: Deps) -> None:
    commands.register(app, deps)
    events.register(app, deps)
    actions.register(app, deps)
