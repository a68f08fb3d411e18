"""`briefbot check-config`, bad settings files, the example files, and how loud each command logs."""

from __future__ import annotations

import logging
import re
import tomllib
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import ConfigError, Settings, load_settings

ROOT = Path(__file__).resolve().parents[1]
SECRETS = {"SLACK_BOT_TOKEN": "xoxb-check-4242-bot-token", "SLACK_SIGNING_SECRET": "sign-check-0123456789",
           "DISCORD_TOKEN": "discord-check-token-abcdef", "OPENAI_API_KEY": "sk-check-openai-987654"}


def write_toml(text: str) -> None:
    Path("config").mkdir(exist_ok=True)
    Path("config/settings.toml").write_text(text, encoding="utf-8")


def test_good_settings_print_masked(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://briefbot:pg-secret-pw-55@db:5432/briefbot")
    write_toml('[http]\nport = 8080\n[openai]\nmodel = "local-model"\n')
    assert main(["check-config"]) == 0
    out, err = capsys.readouterr()
    for value in [*SECRETS.values(), "pg-secret-pw-55"]:
        assert value not in out + err
    assert re.search(r"SLACK_BOT_TOKEN\s+\*\*\*\s+\[environment\]", out)
    assert re.search(r"HTTP_PORT\s+8080\s+\[.*settings.toml \[http\] port\]", out)
    assert re.search(r"OPENAI_MODEL\s+local-model", out)
    assert "Configuration OK." in out


def test_json_output_lists_every_setting(capsys: pytest.CaptureFixture) -> None:
    import json

    assert main(["check-config", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data["settings"]) == set(Settings.model_fields)
    assert data["problems"] == []


@pytest.mark.parametrize(("toml", "expected"), [
    ("[http\nport = 1\n", r"settings\.toml: not valid TOML \(.*line 1"),
    ("[slack]\nevent_path = '/x'\n", r"unknown setting \[slack\] event_path \(did you mean \[slack\] events_path\?\)"),
    ("[http]\nport = 'eighty'\n", r"HTTP_PORT \(\[http\] port in .*settings\.toml\): .*integer.*'eighty'"),
    ("[log]\nlevel = 'LOUD'\n", r"LOG_LEVEL \(\[log\] level in .*\): .*'LOUD'"),
    ("[http]\nport = 70000\n", r"HTTP_PORT .*less than or equal to 65535"),
])
def test_bad_settings_file_names_the_setting(toml: str, expected: str, capsys: pytest.CaptureFixture) -> None:
    write_toml(toml)
    assert main(["check-config"]) == 2
    err = capsys.readouterr().err
    assert re.search(expected, err), err
    # The same one-line error stops every other command.
    assert main(["casualties"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("briefbot: ") and "\n" not in err
    assert re.search(expected, err), err


def test_bad_environment_value_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHUTDOWN_GRACE", "soon")
    with pytest.raises(ConfigError) as exc:
        load_settings()
    assert exc.value.problems[0].startswith("SHUTDOWN_GRACE (from the environment): ")


@pytest.mark.parametrize(("env", "problem"), [
    ({"SLACK_BOT_TOKEN": "xoxb-1"}, "neither SLACK_SIGNING_SECRET"),
    ({"SLACK_SIGNING_SECRET": "abcd1234"}, "SLACK_BOT_TOKEN is not"),
    ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "wrong-kind"}, "SLACK_APP_TOKEN must be"),
    ({"DATABASE_URL": "mysql://u@h/db"}, "unsupported database 'mysql'"),
    ({"DATABASE_URL": "not a url"}, "DATABASE_URL is not a database URL"),
    ({"OPENAI_BASE_URL": "localhost:8000"}, "OPENAI_BASE_URL must be an http(s) URL"),
])
def test_each_problem_is_named(env: dict[str, str], problem: str, monkeypatch: pytest.MonkeyPatch,
                               capsys: pytest.CaptureFixture) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(["check-config"]) == 2
    out, err = capsys.readouterr()
    assert problem in err
    for name, value in env.items():
        if name in SECRETS or name == "DATABASE_URL":
            assert f"{value} " not in out


def test_connect_reports_an_unreachable_database(monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("DATABASE_URL", f"postgresql+psycopg://postgres:pw-77-secret@127.0.0.1:{port}/test")
    assert main(["check-config", "--connect"]) == 2
    out, err = capsys.readouterr()
    assert f"127.0.0.1:{port}" in err and "pw-77-secret" not in out + err


# -- the example files document every setting ---------------------------------------------------

def example_toml_names() -> tuple[set[str], set[str]]:
    """(settings written in config/settings.example.toml, settings shown there commented out)."""
    text = (ROOT / "config/settings.example.toml").read_text(encoding="utf-8")
    written = set()
    for section, values in tomllib.loads(text).items():
        written |= {f"{section}_{key}" for key in values}
    commented, section = set(), ""
    for line in text.splitlines():
        if m := re.match(r"^\[(\w+)\]", line):
            section = m.group(1)
        elif m := re.match(r"^#\s*(\w+)\s*=", line):
            commented.add(f"{section}_{m.group(1)}")
    return written, commented


def test_every_setting_is_in_the_example_files() -> None:
    from bot.config import SECRET_FIELDS

    written, commented = example_toml_names()
    env_text = (ROOT / ".env.example").read_text(encoding="utf-8")
    env_names = {m.lower() for m in re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", env_text, re.M)}
    fields = set(Settings.model_fields)
    assert fields - env_names == set(), "missing from .env.example"
    plain = fields - set(SECRET_FIELDS)
    assert plain - written - commented == set(), "missing from config/settings.example.toml"
    assert (written | commented) - fields == set(), "config/settings.example.toml names unknown settings"
    assert not set(SECRET_FIELDS) & written, "secrets belong in .env, not the settings file"


def test_example_settings_file_loads_and_states_the_defaults() -> None:
    write_toml((ROOT / "config/settings.example.toml").read_text(encoding="utf-8"))
    s = load_settings()
    assert len(s.model_fields_set) > 10
    defaults = {name: f.get_default(call_default_factory=True) for name, f in Settings.model_fields.items()}
    for name in s.model_fields_set:
        assert getattr(s, name) == defaults[name] or (isinstance(defaults[name], Path)
                                                      and Path(getattr(s, name)) == defaults[name]), name


# -- log levels -----------------------------------------------------------------------------------

def test_one_shot_commands_log_at_warning(capsys: pytest.CaptureFixture) -> None:
    assert main(["ask", "who requested satellite verification?"]) == 0
    assert logging.getLogger().level == logging.WARNING
    assert '"msg": "command"' not in capsys.readouterr().err


def test_log_level_set_explicitly_is_honoured(monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setenv("LOG_LEVEL", "INFO")
    assert main(["ask", "who requested satellite verification?"]) == 0
    assert '"msg": "command"' in capsys.readouterr().err


def test_the_database_password_alone_is_a_secret_too() -> None:
    import io

    from bot.logs import setup_logging

    s = load_settings(database_url="postgresql+psycopg://bot:p%40ss-word-99@db:5432/briefbot")
    assert "p@ss-word-99" in s.secrets() and "p%40ss-word-99" in s.secrets()
    stream = io.StringIO()
    setup_logging(s, stream=stream)
    logging.getLogger("briefbot.test").warning("driver said: password p@ss-word-99 rejected")
    assert "p@ss-word-99" not in stream.getvalue() and "password *** rejected" in stream.getvalue()
