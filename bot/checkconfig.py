"""`briefbot check-config`: validate the settings, print the effective values (secrets masked), name problems.

Exit 0 when the configuration can run (notes may still be printed), 2 when something must be fixed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.config import Settings


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("check-config", help="validate the configuration and print it with secrets masked")
    p.add_argument("--connect", action="store_true", help="also open the database and check it answers")
    p.add_argument("--json", action="store_true", help="print the effective configuration as JSON")
    p.set_defaults(func=cmd_check_config)


def cmd_check_config(args: argparse.Namespace) -> int:
    from bot.config import ConfigError, load_settings

    try:
        settings = load_settings()
    except ConfigError as exc:
        print_problems(exc.problems, as_json=args.json)
        return 2
    problems, notes = check(settings, connect=args.connect)
    if problems:
        # The same whatever the problem: every problem, each naming the setting and where it is set; the
        # table follows once nothing is left to fix (a half-valid table would mislead).
        where = origins(settings)
        print_problems([with_origin(p, where) for p in problems], notes, as_json=args.json)
        return 2
    if args.json:
        print(json.dumps({"settings": settings.masked(), "origins": origins(settings), "problems": [],
                          "notes": notes}, indent=2, default=str))
    else:
        print_settings(settings)
        for note in notes:
            print(f"note: {note}")
        print("Configuration OK.")
    return 0


def print_problems(problems: list[str], notes: list[str] | None = None, *, as_json: bool = False) -> None:
    if as_json:
        print(json.dumps({"settings": None, "origins": None, "problems": problems, "notes": notes or []},
                         indent=2))
        return
    for note in notes or []:
        print(f"note: {note}")
    print("Configuration problems:", file=sys.stderr)
    for problem in problems:
        print(f"  - {problem}", file=sys.stderr)
    print("Fix these and run `briefbot check-config` again to see the effective configuration.",
          file=sys.stderr)


def with_origin(problem: str, where: dict[str, str]) -> str:
    """The problem, with where the setting it starts with is set, as validation errors say it."""
    for name, origin in where.items():
        env_name = name.upper()
        if not problem.startswith(env_name + " ") or origin == "default":
            continue
        if origin in ("environment", ".env"):
            source = f"from {'the environment' if origin == 'environment' else '.env'}"
        else:  # "config/settings.toml [http] port"
            path, _, key = origin.partition(" ")
            source = f"{key} in {path}"
        return f"{problem} ({source})"
    return problem


def origins(settings: Settings) -> dict[str, str]:
    """Where each value comes from: environment, .env, config/settings.toml or default."""
    from bot.config import CONFIG_DIR, read_toml

    dotenv = _dotenv_keys(Path(".env"))
    toml = read_toml(CONFIG_DIR / "settings.toml")
    out = {}
    for name in type(settings).model_fields:
        if name.upper() in os.environ or name in os.environ:
            out[name] = "environment"
        elif name in dotenv:
            out[name] = ".env"
        elif name in toml:
            out[name] = f"{CONFIG_DIR / 'settings.toml'} {toml[name][1]}"
        else:
            out[name] = "default"
    return out


def _dotenv_keys(path: Path) -> set[str]:
    if not path.is_file():
        return set()
    keys = set()
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = line.strip().removeprefix("export ").strip()
        if line and not line.startswith("#") and "=" in line:
            keys.add(line.split("=", 1)[0].strip().lower())
    return keys


def print_settings(settings: Settings) -> None:
    where = origins(settings)
    masked = settings.masked()
    width = max(len(n) for n in masked)
    print("Effective configuration (environment > .env > config/settings.toml > defaults):")
    for name, value in masked.items():
        shown = json.dumps(value, default=str) if not isinstance(value, str) else (value or "(unset)")
        if value is None:
            shown = "(unset)"
        print(f"  {name.upper():<{width}}  {shown:<40}  [{where[name]}]")


def check(settings: Settings, connect: bool = False) -> tuple[list[str], list[str]]:
    """(problems that stop the bot from working, notes worth knowing). Never includes a secret's value."""
    problems: list[str] = []
    notes: list[str] = []
    s = settings

    def secret(name: str) -> str:
        value = getattr(s, name)
        return value.get_secret_value() if value is not None else ""

    # Slack: a bot token plus either the signing secret (HTTP mode) or an app token (Socket Mode).
    bot_token, signing, app_token = secret("slack_bot_token"), secret("slack_signing_secret"), \
        secret("slack_app_token")
    if bot_token and not (signing or app_token):
        problems.append("SLACK_BOT_TOKEN is set but neither SLACK_SIGNING_SECRET (HTTP mode) nor "
                        "SLACK_APP_TOKEN (Socket Mode) is: Slack cannot receive events")
    if (signing or app_token) and not bot_token:
        problems.append("SLACK_SIGNING_SECRET/SLACK_APP_TOKEN is set but SLACK_BOT_TOKEN is not: "
                        "Slack cannot post replies")
    if bot_token and not bot_token.startswith("xoxb-"):
        notes.append("SLACK_BOT_TOKEN does not start with 'xoxb-': is it a bot token?")
    if app_token and not app_token.startswith("xapp-"):
        problems.append("SLACK_APP_TOKEN must be an app-level token starting with 'xapp-'")
    if not s.slack_api_url.startswith(("http://", "https://")):
        problems.append(f"SLACK_API_URL must be an http(s) URL, not {s.slack_api_url!r}")
    if not s.slack_events_path.startswith("/"):
        problems.append(f"SLACK_EVENTS_PATH must start with '/', not {s.slack_events_path!r}")
    # Discord.
    if s.discord_application_id is not None and not s.discord_enabled:
        notes.append("DISCORD_APPLICATION_ID is set but DISCORD_TOKEN is not: Discord stays off")
    if s.discord_token is not None and not secret("discord_token").strip():
        notes.append("DISCORD_TOKEN is empty: Discord stays off on this replica")
    # Model.
    if s.openai_base_url and not s.openai_base_url.startswith(("http://", "https://")):
        problems.append(f"OPENAI_BASE_URL must be an http(s) URL, not {s.openai_base_url!r}")
    # Database.
    problems += _database_problems(s, connect)
    # What will run.
    platforms = [name for name, on in (("Slack", s.slack_enabled), ("Discord", s.discord_enabled)) if on]
    if platforms:
        parts = platforms + (["the morning-briefing scheduler (one replica at a time)"]
                             if s.scheduler_enabled else [])
        notes.append("`briefbot run` starts: " + ", ".join(parts)
                     + f"; health, readiness and metrics on http://{s.http_host}:{s.http_port}")
    else:
        notes.append("no Slack or Discord credentials: `briefbot run` opens the terminal chat")
    if s.openai_enabled:
        notes.append(f"questions go to the model {s.openai_model!r} first, offline answers as fallback")
    return problems, notes


def _database_problems(s: Settings, connect: bool) -> list[str]:
    problems: list[str] = []
    url = s.store_url()
    if s.database_url is not None:
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            parsed = make_url(url)
        except ArgumentError:
            return ["DATABASE_URL is not a database URL (expected postgresql+psycopg://user@host/db "
                    "or sqlite:///path)"]
        if parsed.get_backend_name() not in ("postgresql", "sqlite"):
            problems.append(f"DATABASE_URL: unsupported database {parsed.get_backend_name()!r} "
                            "(use postgresql+psycopg:// or sqlite:///)")
        elif parsed.get_backend_name() == "postgresql" and parsed.drivername != "postgresql+psycopg":
            problems.append(f"DATABASE_URL: driver {parsed.drivername!r} is not installed; "
                            "use postgresql+psycopg://")
    else:
        parent = s.store_path.parent if str(s.store_path.parent) else Path(".")
        existing = parent
        while not existing.exists() and existing != existing.parent:
            existing = existing.parent
        if not os.access(existing, os.W_OK):
            problems.append(f"STORE_PATH: cannot write to {existing} (for {s.store_path})")
    if connect and not problems:
        from bot.core.store import Store, StoreError

        store = Store(url)
        try:
            store.ping()
        except StoreError as exc:
            problems.append(f"DATABASE_URL/STORE_PATH: {exc}")
        finally:
            store.close()
    return problems
