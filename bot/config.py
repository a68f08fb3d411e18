"""One settings object: secrets from the environment (or .env), everything else from config/ files.

Every setting has one name. In the environment it is upper case (`SLACK_PORT`); in
`config/settings.toml` it sits in the section named by its first word (`[slack] port = 3000`).
Precedence: environment > .env > config/settings.toml > defaults.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

CONFIG_DIR = Path(os.environ.get("BRIEFBOT_CONFIG_DIR", "config"))
SECRET_FIELDS = ("slack_bot_token", "slack_signing_secret", "slack_app_token", "discord_token",
                 "openai_api_key", "database_url")


class ConfigError(Exception):
    """Settings that cannot work; the message names each setting at fault, never a secret's value."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or [message]


class TomlSource(PydanticBaseSettingsSource):
    """Reads config/settings.toml, flattening `[section] key` into `section_key`."""

    def __init__(self, settings_cls: type[BaseSettings], path: Path) -> None:
        super().__init__(settings_cls)
        self.path = path

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        if not self.path.is_file():
            return {}
        flat = {name: value for name, (value, _where) in read_toml(self.path).items()}
        unknown = [name for name in flat if name not in self.settings_cls.model_fields]
        if unknown:
            where = read_toml(self.path)
            problems = [f"{self.path}: unknown setting {where[name][1]}{_did_you_mean(name)}" for name in unknown]
            raise ConfigError("; ".join(problems), problems)
        return flat


def read_toml(path: Path) -> dict[str, tuple[Any, str]]:
    """Flattened `section_key` -> (value, how it is written in the file, e.g. "[http] port")."""
    if not path.is_file():
        return {}
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    flat: dict[str, tuple[Any, str]] = {}
    for key, value in raw.items():
        if isinstance(value, dict):
            for sub, item in value.items():
                flat[f"{key}_{sub}"] = (item, f"[{key}] {sub}")
        else:
            flat[key] = (value, key)
    return flat


def _did_you_mean(name: str) -> str:
    import difflib

    close = difflib.get_close_matches(name, list(Settings.model_fields), n=1, cutoff=0.75)
    if not close:
        return ""
    section, _, key = close[0].partition("_")
    return f" (did you mean [{section}] {key}?)"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="forbid",
                                      case_sensitive=False)

    # -- store
    database_url: SecretStr | None = None
    store_path: Path = Path("data/briefbot.sqlite3")
    # -- briefings: the one a channel that follows none is answered from ("" = the shipped one)
    briefing_default: str = Field(default="", pattern=r"^([a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?)?$")
    # -- logging
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["auto", "json", "text"] = "auto"
    # -- HTTP server for health, metrics and Slack events
    http_host: str = "0.0.0.0"
    http_port: int = Field(default=3000, ge=0, le=65535)
    # -- several replicas and stopping
    leader_retry_seconds: float = Field(default=5.0, gt=0, le=300)
    shutdown_grace: float = Field(default=20.0, ge=0, le=600)
    # -- Slack
    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    slack_events_path: str = "/slack/events"
    slack_admins: list[str] = []
    # -- Discord
    discord_token: SecretStr | None = None
    discord_guild_id: int | None = None
    discord_application_id: int | None = None
    # -- model-backed answers
    openai_api_key: SecretStr | None = None
    openai_base_url: str | None = None
    openai_model: str = "gpt-4o-mini"
    openai_timeout: float = Field(default=8.0, gt=0, le=120)
    openai_max_retries: int = Field(default=2, ge=0, le=10)
    openai_questions_per_minute: int = Field(default=10, ge=1)
    # -- morning briefings
    scheduler_enabled: bool = True
    scheduler_misfire_grace: int = Field(default=7200, ge=0, description="seconds")
    scheduler_subscriptions_file: Path = Path("config/subscriptions.toml")
    # A delivery's lease: how soon another replica takes over the deliveries of one that died.
    scheduler_lease_seconds: float = Field(default=10.0, ge=1, le=600)
    # -- ingest
    ingest_auto_approve: bool = False
    ingest_max_bytes: int = Field(default=2 * 1024 * 1024, gt=0)
    ingest_timeout: float = Field(default=15.0, gt=0, le=300, description="seconds for a URL fetch")
    # -- watched feeds and pages (briefbot watch)
    watch_enabled: bool = True
    watch_interval: int = Field(default=15, ge=1, le=10080, description="minutes between polls of a new feed")
    watch_timeout: float = Field(default=20.0, gt=0, le=300, description="seconds per feed fetch")
    watch_max_bytes: int = Field(default=5 * 1024 * 1024, gt=0)
    watch_concurrency: int = Field(default=20, ge=1, le=200)
    watch_tick_seconds: float = Field(default=30.0, gt=0, le=3600, description="how often due feeds are looked for")
    # -- review in the chat: who may press Approve / Reject besides the admins ("slack:U123", "discord:42")
    review_reviewers: list[str] = []
    # -- alerts: per metric, the change (percent of the old value) that is worth an alert; 0 = any change
    alerts_thresholds: dict[str, float] = {"killed": 0.0, "injured": 0.0, "displaced": 10.0}

    @field_validator("slack_api_url")
    @classmethod
    def _trailing_slash(cls, value: str) -> str:
        # slack_sdk joins method names onto the base URL; without the slash the path is lost.
        return value if value.endswith("/") else value + "/"

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings], init_settings: Any,
                                   env_settings: Any, dotenv_settings: Any, file_secret_settings: Any,
                                   ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, dotenv_settings,
                TomlSource(settings_cls, CONFIG_DIR / "settings.toml"))

    # -- derived
    def store_url(self) -> str:
        if self.database_url is not None:
            return self.database_url.get_secret_value()
        return f"sqlite:///{self.store_path}"

    @property
    def slack_enabled(self) -> bool:
        return bool(self.slack_bot_token and (self.slack_signing_secret or self.slack_app_token))

    @property
    def discord_enabled(self) -> bool:
        # An empty DISCORD_TOKEN (compose turning Discord off on a second replica) means off.
        return bool(self.discord_token and self.discord_token.get_secret_value().strip())

    @property
    def openai_enabled(self) -> bool:
        return self.openai_api_key is not None or self.openai_base_url is not None

    def secrets(self) -> list[str]:
        """Every configured secret value, for tests and log scrubbing."""
        values = []
        for name in SECRET_FIELDS:
            value = getattr(self, name)
            if value is not None and value.get_secret_value():
                values.append(value.get_secret_value())
        if self.database_url is not None:
            # A driver's error may quote the password alone, without the rest of the URL.
            from urllib.parse import unquote, urlsplit

            try:
                password = urlsplit(self.database_url.get_secret_value()).password
            except ValueError:
                password = None
            if password:
                values += [password, unquote(password)]
        return values

    def masked(self) -> dict[str, Any]:
        """The effective configuration with secrets shown as '***' (or unset)."""
        out: dict[str, Any] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                value = "***" if value.get_secret_value() else ""
            elif isinstance(value, Path):
                value = str(value)
            out[name] = value
        return out


def load_settings(**overrides: Any) -> Settings:
    """Read and validate the settings; ConfigError names every setting at fault (and where it is set)."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = [describe_error(err) for err in exc.errors()]
        raise ConfigError("invalid configuration: " + "; ".join(problems), problems) from None


def describe_error(err: Any) -> str:
    """One line: the setting's env name, where else it was set, what is wrong (secrets not echoed)."""
    name = str(err["loc"][0]) if err["loc"] else "settings"
    env_name = name.upper()
    origin = ""
    if name.lower() in os.environ or env_name in os.environ:
        origin = " (from the environment)"
    else:
        try:
            in_toml = read_toml(CONFIG_DIR / "settings.toml").get(name)
        except ConfigError:
            in_toml = None
        if in_toml is not None:
            origin = f" ({in_toml[1]} in {CONFIG_DIR / 'settings.toml'})"
    if err["type"] == "extra_forbidden":
        return f"{env_name}: unknown setting{origin or ' (in .env)'}{_did_you_mean(name)}"
    msg = err["msg"]
    if name not in SECRET_FIELDS and err.get("input") is not None and not isinstance(err["input"], dict):
        msg += f", got {err['input']!r}"[:120]
    return f"{env_name}{origin}: {msg}"
