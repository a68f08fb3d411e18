"""`briefbot discord-invite`: the OAuth2 URL with exactly the scopes and permissions needed."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import discord
import pytest

from bot.cli import main


def test_invite_url_has_exact_scopes_and_permissions(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("DISCORD_APPLICATION_ID", "123456789012345678")
    assert main(["discord-invite"]) == 0
    url = capsys.readouterr().out.splitlines()[0]
    parsed = urlparse(url)
    assert (parsed.scheme, parsed.netloc, parsed.path) == ("https", "discord.com", "/oauth2/authorize")
    query = parse_qs(parsed.query)
    assert query["client_id"] == ["123456789012345678"]
    assert query["scope"][0].split() == ["bot", "applications.commands"]
    expected = discord.Permissions(view_channel=True, send_messages=True, send_messages_in_threads=True,
                                   embed_links=True, attach_files=True, read_message_history=True)
    assert int(query["permissions"][0]) == expected.value
    granted = discord.Permissions(int(query["permissions"][0]))
    assert not (granted.administrator or granted.mention_everyone or granted.manage_messages)


def test_invite_without_application_id_explains(capsys) -> None:
    assert main(["discord-invite"]) == 2
    err = capsys.readouterr().err
    assert "DISCORD_APPLICATION_ID is not set" in err and "developers/applications" in err


def test_application_id_read_from_the_token_when_unset(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    import base64

    head = base64.b64encode(b"987654321098765432").decode().rstrip("=")
    monkeypatch.setenv("DISCORD_TOKEN", f"{head}.GxYzAb.not-a-real-secret-part")
    assert main(["discord-invite"]) == 0
    out = capsys.readouterr().out
    assert "client_id=987654321098765432" in out and "not-a-real-secret-part" not in out


def test_a_token_that_is_not_a_bot_token_still_explains(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "garbage")
    assert main(["discord-invite"]) == 2
    assert "DISCORD_APPLICATION_ID is not set" in capsys.readouterr().err
