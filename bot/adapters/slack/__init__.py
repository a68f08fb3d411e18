"""Slack: slash commands, mentions and DMs through slack-bolt, replies rendered as Block Kit."""
