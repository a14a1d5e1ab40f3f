"""The Bolt app: one App, the kernel's listeners (`/ops`, the App Home) and each registered workflow's on
it, one error handler; and the catalogue and renderers gathered from them."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import tzinfo
from functools import partial
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk import WebClient
from slack_sdk.http_retry import RetryHandler
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from handlers import catalogue, deadlines, languages, ops
from handlers import home as home_tab
from handlers.delivery import Render, Renderer
from handlers.edge import Edge, error_handler
from handlers.payloads import misshapen
from handlers.registry import SLACK_WORKFLOWS
from handlers.routes import Routes
from handlers.wording import Catalogue, Wording, Wordings, kernel_domain, words
from handlers.words import WORDS as KERNEL_WORDS
from handlers.workflows import SlackWorkflows
from opsbot.home import KIND as HOME
from opsbot.home import HomeSettings
from opsbot.languages import ENGLISH, LOCALES


def command_help(workflows: SlackWorkflows = SLACK_WORKFLOWS) -> list[catalogue.CommandHelp]:
    return [*ops.HELP, *languages.HELP, *workflows.help]


def words_catalogue(workflows: SlackWorkflows = SLACK_WORKFLOWS) -> Catalogue:
    """The catalogue of the kernel's and every workflow's words."""
    kernel = words(KERNEL_WORDS, catalogue.WORDS, ops.WORDS, deadlines.WORDS, languages.WORDS)
    return Catalogue([kernel_domain(kernel), *workflows.domains])


def wordings(zone: tzinfo, locale: str = ENGLISH, workflows: SlackWorkflows = SLACK_WORKFLOWS) -> Wordings:
    """The wording of every locale, showing times on the center's clock; `locale` is the center's."""
    return Wordings(words_catalogue(workflows), zone, locale)


def wording(zone: tzinfo, workflows: SlackWorkflows = SLACK_WORKFLOWS, locale: str = ENGLISH) -> Wording:
    """One locale's wording (the center's, by default English)."""
    return wordings(zone, locale, workflows).center


def renderers(say: Wording, workflows: SlackWorkflows = SLACK_WORKFLOWS) -> Mapping[str, Renderer]:
    """Every renderer, the kernel's (the App Home, the deadline digest) and the workflows', each wording its
    notices with `say`."""
    found = {**deadlines.RENDERERS, **workflows.renderers}
    rendered: dict[str, Renderer] = {kind: partial(render, say=say) for kind, render in found.items()}
    return rendered | {HOME: partial(home_tab.home_view, say=say, sections=workflows.home)}


def rendering(say: Wordings, workflows: SlackWorkflows = SLACK_WORKFLOWS) -> Render:
    """Delivery's renderer: each row's by its kind, in its reader's locale."""
    by_locale = {locale: renderers(say(locale), workflows) for locale in LOCALES}

    def render(kind: str, payload: Mapping[str, Any], locale: str | None) -> Any:
        return by_locale[say(locale).locale][kind](payload)

    return render


def web_client(token: str, base_url: str, timeout: int, *, for_delivery: bool = False) -> WebClient:
    """slack_sdk's client. Outside delivery, its built-in retry handlers ride out short trouble: a 429 waits
    the Retry-After Slack gives, and connection and server errors back off and try again. Delivery's client
    retries and waits for nothing inside a call: the outbox does every retry (after checking that the worker
    still owns the row, and looking in the channel where a send may have got through) and waits out a 429
    in the database, so a call waits at most `timeout` for Slack, which the settings keep below the lease."""
    handlers: list[RetryHandler] = (
        []
        if for_delivery
        else [
            RateLimitErrorRetryHandler(max_retry_count=2),
            ConnectionErrorRetryHandler(max_retry_count=2),
            ServerErrorRetryHandler(max_retry_count=2),
        ]
    )
    # An empty list, not None: slack_sdk puts its default connection-error retries in for None.
    return WebClient(token=token, base_url=base_url, timeout=timeout, retry_handlers=handlers)


class OpsApp(App):
    """Bolt's App, reading each payload into its model before Bolt's own middleware touches it; `say` words
    the answer to one that does not fit (in the center's language: whose it is can't be read)."""

    say: Wording

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        return misshapen(req.body, self.say) or super().dispatch(req)


def build_app(edge: Edge, *, client: WebClient, workflows: SlackWorkflows, home: HomeSettings) -> App:
    """The app for the registered `workflows` (`home`: what of the center file their App Home sections are
    composed with). `process_before_response`: each listener does its one transaction and answers in the ack
    itself, which spares Bolt's 10 ms ack polling; Slack calls that must follow the ack run as lazy listeners.
    Requests are verified before Bolt sees them (`handlers.web`), and Socket Mode needs no signature."""
    app = OpsApp(
        client=client,
        request_verification_enabled=False,
        process_before_response=True,
        logger=logging.getLogger("opsbot.bolt"),
    )
    app.say = edge.say
    app.error(error_handler(edge))
    routes = Routes()
    for workflow in workflows.each:
        if workflow.register is not None:
            workflow.register(app, routes, edge)
    ops.register(
        app,
        edge,
        command_help(workflows),
        {**workflows.ops(edge), "language": languages.language_subcommand(edge)},
    )
    languages.register(app, edge)
    home_tab.register(app, edge, home)
    routes.register(app)
    return app
