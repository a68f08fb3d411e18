"""`briefbot discord-invite`: print the URL that adds the bot to a Discord server."""

from __future__ import annotations

import argparse

MISSING_ID = ("DISCORD_APPLICATION_ID is not set. Copy the Application ID from "
              "https://discord.com/developers/applications -> your application -> General Information, "
              "then set DISCORD_APPLICATION_ID in .env or the environment (or set DISCORD_TOKEN, which contains it).")


def cmd_invite(_args: argparse.Namespace) -> int:
    from bot.adapters.discord.invite import PERMISSIONS, SCOPES, application_id_from_token, invite_url
    from bot.cli import CliError
    from bot.config import load_settings

    s = load_settings()  # no logging set-up: this only prints
    app_id = s.discord_application_id
    if not app_id and s.discord_token is not None:
        app_id = application_id_from_token(s.discord_token.get_secret_value())
    if not app_id:
        raise CliError(MISSING_ID)
    print(invite_url(app_id))
    print(f"Scopes: {', '.join(SCOPES)}. Permissions: {', '.join(PERMISSIONS)}.")
    print("Open the URL, pick your server and authorise; then run `make run` with DISCORD_TOKEN set.")
    return 0


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("discord-invite", help="print the URL that adds the bot to a Discord server")
    p.set_defaults(func=cmd_invite)
