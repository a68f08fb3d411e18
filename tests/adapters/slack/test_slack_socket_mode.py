"""Socket Mode (SLACK_APP_TOKEN): the handler is built with the app token; no HTTP route is added.

The handler's client opens an aiohttp session when built, so it is built inside the running loop (as
`SlackService.start()` does), but nothing connects until `connect_async()`."""

from __future__ import annotations

from aiohttp import web

from bot.adapters.slack.service import SlackService
from bot.config import Settings, load_settings
from bot.core.commands import Core
from bot.runner import build_services
from tests.fakes.slack_api import FakeSlackAPI

APP_TOKEN = "xapp-1-A0TEST-1234-abcdef"


def socket_settings(slack_settings: Settings, **changes: object) -> Settings:
    data = slack_settings.model_dump()
    data.update(slack_app_token=APP_TOKEN, **changes)
    return load_settings(**{k: v.get_secret_value() if hasattr(v, "get_secret_value") else v
                            for k, v in data.items() if v is not None})


async def test_socket_mode_handler_built_with_the_app_token(slack_settings: Settings, core: Core,
                                                      slack: FakeSlackAPI) -> None:
    settings = socket_settings(slack_settings, slack_signing_secret=None)
    assert settings.slack_enabled  # bot token + app token, no signing secret needed
    [service] = [s for s in build_services(settings, core) if isinstance(s, SlackService)]
    assert service.socket_mode
    handler = service.socket_mode_handler()
    assert handler.app is service.app
    assert handler.client.app_token == APP_TOKEN
    assert handler.client.web_client.base_url == slack.base_url
    assert not handler.client.closed and handler.client.current_session is None  # nothing connected
    await handler.client.aiohttp_client_session.close()
    app = web.Application()
    service.add_routes(app)
    assert [r.resource.canonical for r in app.router.routes()] == []  # no events URL in Socket Mode
    assert slack.calls == []


def test_http_mode_without_app_token(slack_settings: Settings, core: Core) -> None:
    service = SlackService(slack_settings, core)
    assert not service.socket_mode
    app = web.Application()
    service.add_routes(app)
    assert [(r.method, r.resource.canonical) for r in app.router.routes()] == [("POST", "/slack/events")]


async def test_start_reports_a_bad_token_without_crashing(slack_settings: Settings, core: Core,
                                                          slack: FakeSlackAPI) -> None:
    slack.fail("auth.test", status=200, error="invalid_auth")
    service = SlackService(slack_settings, core)
    await service.start()
    ok, why = service.ready()
    assert not ok and "invalid_auth" in why
    await service.stop()


async def test_socket_mode_end_to_end_against_the_fake(slack_settings: Settings, core: Core,
                                                       slack: FakeSlackAPI) -> None:
    """Connect through apps.connections.open, answer a slash command and a mention over the socket."""
    from tests.fakes.slack_requests import mention_event, message_ts

    service = SlackService(socket_settings(slack_settings, slack_signing_secret=None), core)
    await service.start()
    try:
        await slack.wait_for(lambda: bool(slack.calls_to("socket.connect")))
        opened = slack.calls_to("apps.connections.open")[0]
        assert opened.headers["Authorization"] == f"Bearer {APP_TOKEN}"
        command = {"command": "/casualties", "text": "", "user_id": "U1USER", "channel_id": "C1CHAN",
                   "team_id": "T0TEST", "response_url": slack.response_url("C1CHAN", "U1USER"),
                   "trigger_id": "1.2", "api_app_id": "A0TEST"}
        envelope = await slack.push_socket("slash_commands", command)
        await slack.wait_for(lambda: any(a["envelope_id"] == envelope for a in slack.socket_acks))
        [answer] = await slack.wait_for_messages("C1CHAN", 1)
        assert answer["response_type"] == "in_channel" and "at least 11 people" in str(answer["blocks"])
        ts = message_ts()
        body = {"type": "event_callback", "team_id": "T0TEST", "api_app_id": "A0TEST",
                "event_id": "Ev0SOCKET1", "event": mention_event("What is the capital of Australia?", ts=ts,
                                                                 channel="C2NEWS")}
        await slack.push_socket("events_api", body)
        [threaded] = await slack.wait_for_messages("C2NEWS", 1)
        assert threaded["thread_ts"] == ts
        assert service.ready() == (True, "")
        # Slack drops the socket: the SDK reconnects, and readiness follows the new socket.
        for ws in list(slack._sockets):
            await ws.close()
        await slack.wait_for(lambda: len(slack.calls_to("socket.connect")) > 1, 20)
        await slack.wait_for(lambda: service.ready() == (True, ""), 20)
    finally:
        await service.stop()


async def test_readiness_reports_a_closed_socket(slack_settings: Settings, core: Core, slack: FakeSlackAPI) -> None:
    service = SlackService(socket_settings(slack_settings, slack_signing_secret=None), core)
    await service.start()
    try:
        await slack.wait_for(lambda: service.ready() == (True, ""), 20)
        await service.handler.client.current_session.close()  # as when the network drops it
        ok, why = service.ready()
        assert not ok and "disconnected" in why
    finally:
        await service.stop()
