"""config/slack-manifest.yaml declares every command, event and scope the adapter uses."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.config import Settings
from bot.core.commands import COMMANDS

MANIFEST = Path(__file__).resolve().parents[3] / "config" / "slack-manifest.yaml"
FEATURE_COMMANDS = {"subscribe", "unsubscribe", "subscriptions", "review", "watch"}


def test_manifest_lists_every_command_event_and_scope() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    commands = {c["command"].lstrip("/") for c in manifest["features"]["slash_commands"]}
    # "help" is /briefhelp on Slack (/help is Slack's own).
    assert commands == (set(COMMANDS) - {"help"}) | {"briefhelp"} | FEATURE_COMMANDS
    events = manifest["settings"]["event_subscriptions"]
    assert set(events["bot_events"]) == {"app_mention", "message.im"}
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"commands", "app_mentions:read", "im:history", "chat:write", "users:read", "channels:read",
            "files:write"} <= scopes
    # Reading back a scheduled part's metadata after a crash (bot.adapters.slack.poster.HISTORY_SCOPES).
    from bot.adapters.slack.poster import HISTORY_SCOPES

    assert set(HISTORY_SCOPES.split(", ")) <= scopes
    # One request URL for everything, on the path the bot serves.
    path = Settings.model_fields["slack_events_path"].default
    urls = ({c["url"] for c in manifest["features"]["slash_commands"]} | {events["request_url"]}
            | {manifest["settings"]["interactivity"]["request_url"]})
    assert len(urls) == 1 and urls.pop().endswith(path)
    assert manifest["features"]["app_home"]["messages_tab_enabled"] is True
