"""The Bolt app: one App, each module's listeners registered on it, one error handler."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk import WebClient
from slack_sdk.http_retry import RetryHandler
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from handlers import announcements, approvals, cases, home, ops
from handlers.catalogue import CommandHelp
from handlers.delivery import Renderer
from handlers.edge import Edge, handle_error
from handlers.payloads import misshapen

MODULES = (ops, announcements, cases, approvals, home)


def catalogue() -> list[CommandHelp]:
    return [entry for module in MODULES for entry in module.HELP]


def renderers() -> Mapping[str, Renderer]:
    found: dict[str, Renderer] = {}
    for module in MODULES:
        found.update(getattr(module, "RENDERERS", {}))
    return found


class RefusedConnectionRetryHandler(ConnectionErrorRetryHandler):
    """Retries only a refused connection: that request never reached Slack, so trying again cannot post a
    message twice. A reset or a 5xx may come after Slack acted; the outbox retries those itself, after
    looking in the channel for the message."""

    def _can_retry(self, *, error: Exception | None = None, **_: Any) -> bool:
        return isinstance(getattr(error, "reason", error), ConnectionRefusedError)


def web_client(token: str, base_url: str, *, for_delivery: bool = False) -> WebClient:
    """slack_sdk's client with its built-in retry handlers: a 429 waits the Retry-After Slack gives, and
    connection and server errors back off and try again (for delivery, only where that is safe)."""
    handlers: list[RetryHandler] = [RateLimitErrorRetryHandler(max_retry_count=2)]
    if for_delivery:
        handlers.append(RefusedConnectionRetryHandler(max_retry_count=2))
    else:
        handlers += [
            ConnectionErrorRetryHandler(max_retry_count=2),
            ServerErrorRetryHandler(max_retry_count=2),
        ]
    return WebClient(token=token, base_url=base_url, timeout=10, retry_handlers=handlers)


class OpsApp(App):
    """Bolt's App, reading each payload into its model before Bolt's own middleware touches it."""

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        return misshapen(req.body) or super().dispatch(req)


def build_app(edge: Edge, *, client: WebClient) -> App:
    """`process_before_response`: each listener does its one transaction and answers in the ack itself,
    which spares Bolt's 10 ms ack polling; Slack calls that must follow the ack run as lazy listeners.
    Requests are verified before Bolt sees them (`handlers.web`), and Socket Mode needs no signature."""
    app = OpsApp(
        client=client,
        request_verification_enabled=False,
        process_before_response=True,
        logger=logging.getLogger("opsbot.bolt"),
    )
    app.error(handle_error)
    ops.register(app, edge, catalogue())
    announcements.register(app, edge)
    cases.register(app, edge)
    approvals.register(app, edge)
    home.register(app, edge)
    return app
