"""What every listener shares: the unit of work with redelivery protection, and the one error path that
turns a refusal from the core into something the person sees."""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from slack_bolt import BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient
from sqlalchemy.orm import Session

from handlers.blocks import notice_view
from handlers.mrkdwn import Mrkdwn
from handlers.payloads import Click, Command, Payload, Submission, kind_of
from handlers.wording import Wording, Wordings
from opsbot.center import Center
from opsbot.clock import Clock
from opsbot.context import Context
from opsbot.db import Database
from opsbot.directory import Directory, load_directory
from opsbot.errors import OpsError
from opsbot.inbound import first_delivery

log = logging.getLogger(__name__)
T = TypeVar("T")
DIRECTORY_TTL = 30.0


class Redelivered(Exception):
    """Slack sent a request we already acted on; it is acknowledged and ignored."""


@dataclass
class Edge:
    """The core as the listeners see it."""

    db: Database
    clock: Clock
    center: Center
    # How refusals and notices are worded: the catalogue in each locale, the center's clock.
    wordings: Wordings
    # Nudges the in-process delivery loop after a change recorded notifications.
    wake_delivery: Callable[[], None] = lambda: None
    _directory: tuple[float, Directory] | None = field(default=None, repr=False)

    @property
    def say(self) -> Wording:
        """The center's wording: for what goes to a shared channel."""
        return self.wordings.center

    def say_to(self, slack_id: str | None) -> Wording:
        """The wording of what one person reads (an ephemeral answer, a form, their App Home): in their
        language."""
        if not slack_id:
            return self.say
        cached = self._directory
        directory = cached[1] if cached is not None else self.read(lambda _session, directory: directory)
        member = directory.get(slack_id)
        return self.wordings(member.locale if member is not None else None)

    def forget_directory(self) -> None:
        """Read the directory afresh next time: someone's language changed."""
        self._directory = None

    @property
    def channels(self) -> Mapping[str, str]:
        return self.center.channels.by_purpose()

    def now(self) -> datetime:
        return self.clock.now()

    def context(self, directory: Directory, actor: str) -> Context:
        """The context of a change `actor` makes now."""
        return Context(center=self.center, directory=directory, now=self.clock.now(), actor=actor)

    def change(self, request: Payload, work: Callable[[Session, Directory], T]) -> T:
        """Run `work` in one transaction together with the request's redelivery key."""
        key = request.delivery_key
        with self.db.transaction() as session:
            if key is not None and not first_delivery(session, key, now=self.clock.now()):
                raise Redelivered(key)
            result = work(session, self.directory(session))
        self.wake_delivery()
        return result

    def refusal(self, work: Callable[[Session, Directory], object]) -> OpsError | None:
        """What `work` would be refused for, tried and rolled back; None when it would go through or fails
        only on a field of a form (which the person has yet to fill in)."""
        try:
            with self.db.trial() as session:
                work(session, self.directory(session))
        except OpsError as error:
            return error if error.field is None else None
        return None

    def read(self, work: Callable[[Session, Directory], T]) -> T:
        with self.db.reading() as session:
            return work(session, self.directory(session))

    def directory(self, session: Session) -> Directory:
        """The directory changes only when a process loads the center file (at start or `migrate`), so it
        is read again at most every DIRECTORY_TTL seconds rather than in every request."""
        cached = self._directory
        if cached is None or time.monotonic() - cached[0] > DIRECTORY_TTL:
            cached = (time.monotonic(), load_directory(session))
            self._directory = cached
        return cached[1]

    def typed(self, command: Command, text: str) -> str:
        """The words a person typed in a command, its mentions named from the directory (the cached one:
        no transaction of its own while the cache is fresh)."""
        cached = self._directory
        if cached is not None and time.monotonic() - cached[0] <= DIRECTORY_TTL:
            return command.typed(text, cached[1].known_name)
        return self.read(lambda _session, directory: command.typed(text, directory.known_name))


def _wording_of(edge: Edge, body: Mapping[str, Any]) -> Wording:
    """The wording of whoever sent `body`; the center's when the directory can't be read (the very trouble
    being answered may be the database's)."""
    user = body.get("user")
    actor = body.get("user_id") or (user.get("id") if isinstance(user, Mapping) else None)
    try:
        return edge.say_to(actor if isinstance(actor, str) else None)
    except Exception:
        log.warning("the directory could not be read to word an error; worded in the center's language")
        return edge.say


# Replies that need a Slack call of their own (after a button press) go out after the ack.
_after_ack = ThreadPoolExecutor(max_workers=4, thread_name_prefix="opsbot-reply")


def error_handler(edge: Edge) -> Callable[..., BoltResponse]:
    """The one error path (Bolt's `@app.error`): refusals become a message to the person who caused them,
    in their language; anything else is logged with a reference they can quote to an admin."""

    def handle_error(
        error: Exception, body: dict[str, Any], response: BoltResponse, client: WebClient
    ) -> BoltResponse:
        say = _wording_of(edge, body)
        if isinstance(error, Redelivered):
            log.info("ignored a redelivered request (%s)", error)
            return BoltResponse(status=200, body="")
        if not isinstance(error, OpsError):
            reference = uuid.uuid4().hex[:8]
            log.exception("request failed (reference %s)", reference, exc_info=error)
            error = OpsError("error.internal", reference=reference)
        kind = kind_of(body)
        if kind is Submission:
            return BoltResponse(status=200, body=_view_errors(Submission.of(body), error, say))
        if kind is Click:
            _after_ack.submit(tell_clicker, client, Click.of(body), say(error.notice))
            return BoltResponse(status=200, body="")
        return BoltResponse(status=200, body={"response_type": "ephemeral", "text": say(error.notice)})

    return handle_error


def _view_errors(submission: Submission, error: OpsError, say: Wording) -> str:
    inputs = submission.view.input_blocks
    target = error.field if error.field in inputs else (inputs[0] if inputs else None)
    if target is None:
        return json.dumps({"response_action": "update", "view": notice_view(say(error.notice))})
    # A field's error is plain text: people's words go as typed, and nothing in it is parsed.
    return json.dumps({"response_action": "errors", "errors": {target: say.plain(error.notice)}})


def tell_clicker(client: WebClient, click: Click, message: Mrkdwn) -> None:
    """After a button press the ack carries no message: reply with an ephemeral through the response_url,
    or, from the App Home (which has none), with a direct message."""
    user = click.user.id
    try:
        if click.response_url:
            answer = WebhookClient(click.response_url, retry_handlers=client.retry_handlers).send(
                text=message, response_type="ephemeral", replace_original=False
            )
            if answer.status_code != 200:
                log.error(
                    "response_url refused the reply to %s: %s %s", user, answer.status_code, answer.body
                )
        else:
            client.chat_postMessage(channel=user, text=message)
    except (SlackApiError, OSError):
        log.exception("could not tell %s: %s", user, message)
