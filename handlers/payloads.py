"""Slack's payloads as models: every request is read into one of these before Bolt or a listener sees it.

`misshapen` runs before Bolt dispatches a request (`handlers.app.OpsApp`): Bolt's own middleware indexes into
a payload as Slack shapes it. A signed payload of a kind opsbot listens to that does not fit its model is
answered there, once, in words the person can act on (or ignored with one warning line where Slack shows no
answer), and nothing runs.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError
from slack_bolt import BoltResponse

from handlers.blocks import notice_view
from handlers.mrkdwn import Mrkdwn
from handlers.wording import Wording
from opsbot.errors import InvalidInput

log = logging.getLogger(__name__)

UserId = Annotated[str, StringConstraints(pattern=r"^[UW][A-Z0-9]{2,40}$")]


class Payload(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    @classmethod
    def of(cls, body: Mapping[str, Any]) -> Self:
        """The body as this model; the middleware has already refused bodies that do not fit."""
        return cls.model_validate(body)

    @property
    def delivery_key(self) -> str | None:
        """What identifies one delivery of this request, the same on every redelivery of it (`Edge.change`
        records it with the change)."""
        return None


class Actor(Payload):
    id: UserId


class Option(Payload):
    value: str


class Action(Payload):
    action_id: str
    block_id: str = ""
    value: str = ""
    action_ts: str = ""
    selected_user: UserId | None = None
    selected_option: Option | None = None


class ElementState(Payload):
    """One input's state in a submitted modal; which field is present depends on the element's type."""

    type: str = ""
    value: str | None = None
    selected_option: Option | None = None
    selected_options: list[Option] | None = None
    selected_user: UserId | None = None
    selected_users: list[UserId] | None = None
    selected_date: str | None = None
    selected_date_time: int | None = None

    def read(self, name: str) -> Any:
        """The value as the core takes it: text, an option's value, a list, a date or a UTC instant."""
        present = self.model_fields_set
        if "selected_option" in present:
            return self.selected_option.value if self.selected_option else None
        if "selected_options" in present:
            return [option.value for option in self.selected_options or []]
        if "selected_users" in present:
            return list(self.selected_users or [])
        if "selected_user" in present:
            return self.selected_user
        if "selected_date" in present:
            return _date(self.selected_date, name)
        if "selected_date_time" in present:
            stamp = self.selected_date_time
            return datetime.fromtimestamp(stamp, UTC) if stamp else None
        return self.value or ""


def _date(text: str | None, name: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput("form.date_unreadable", field=name) from None


class ViewState(Payload):
    # block_id → action_id → the element's state, as Slack sends it.
    values: dict[str, dict[str, ElementState]] = {}


class View(Payload):
    id: str = ""
    hash: str = ""
    type: str = ""
    callback_id: str = ""
    private_metadata: str = ""
    blocks: list[dict[str, Any]] = []
    state: ViewState = ViewState()

    @property
    def input_blocks(self) -> list[str]:
        return [str(block.get("block_id")) for block in self.blocks if block.get("type") == "input"]

    def fields(self) -> dict[str, Any]:
        """Each input's value by its block id (opsbot gives an input's element the block's id): as submitted,
        or as filled in so far when a choice in the modal redraws it."""
        return {
            block_id: elements[block_id].read(block_id)
            for block_id, elements in self.state.values.items()
            if block_id in elements
        }


class Click(Payload):
    """A `block_actions` payload: a button pressed or an option picked."""

    type: Literal["block_actions"]
    user: Actor
    actions: list[Action] = Field(min_length=1)
    trigger_id: str = ""
    response_url: str = ""
    view: View | None = None

    @property
    def action(self) -> Action:
        return self.actions[0]

    @property
    def delivery_key(self) -> str | None:
        # Slack mints a trigger_id for each press; a press from the App Home may come without one.
        if self.trigger_id:
            return f"block_actions:{self.trigger_id}"
        return f"block_actions:{self.user.id}:{self.action.action_ts}" if self.action.action_ts else None


class Submission(Payload):
    """A `view_submission` payload: a modal's Submit."""

    type: Literal["view_submission"]
    user: Actor
    view: View
    trigger_id: str = ""

    @property
    def delivery_key(self) -> str | None:
        return f"view_submission:{self.trigger_id}" if self.trigger_id else None

    def fields(self) -> dict[str, Any]:
        return self.view.fields()


class Command(Payload):
    """A slash command. `text` is as Slack sends it: `&`, `<` and `>` escaped, and in a command the manifest
    marks `should_escape`, mentions, channels and links as tokens; `typed` turns it back into words."""

    command: str
    user_id: UserId
    text: str = ""
    channel_id: str = ""
    trigger_id: str = ""
    response_url: str = ""

    @property
    def delivery_key(self) -> str | None:
        return f"command:{self.trigger_id}" if self.trigger_id else None

    def typed(self, text: str, name_of: Callable[[str], str | None] = lambda _id: None) -> str:
        return typed(text, name_of)


class HomeOpened(Payload):
    type: Literal["app_home_opened"]
    user: UserId
    tab: str = ""


class UserChanged(Payload):
    """`user_change`: whose profile changed (its locale is asked for: an event's user carries none)."""

    type: Literal["user_change"]
    user: Actor


# The events opsbot listens to, each read into its model (inside an `EventEnvelope`).
EVENTS: dict[str, type[Payload]] = {"app_home_opened": HomeOpened, "user_change": UserChanged}


class Event(Payload):
    type: str


class EventEnvelope(Payload):
    type: Literal["event_callback"]
    event_id: str = Field(min_length=1)
    event: Event

    @property
    def delivery_key(self) -> str | None:
        return f"event:{self.event_id}"


# ---------------------------------------------------------------------------------------- people's words

# <@U123>, <@U123|name>, <#C123|name>, <!here>, <!subteam^S1|@team>, <!date^…|fallback>, <https://x|label>
_TOKEN = re.compile(r"<([@#!]?)([^<>|]*)(?:\|([^<>]*))?>")


def typed(text: str, name_of: Callable[[str], str | None] = lambda _id: None) -> str:
    """What the person typed, from Slack's form of it: a mention becomes `@Name` (from the directory where
    the person is known), a channel `#name`, a broadcast `@here`, a link its address (or `label (address)`),
    and the entities Slack escaped become the characters again. Stored and shown as words, none of these
    can ping anyone or link anywhere."""

    def word(match: re.Match[str]) -> str:
        sigil, target, label = match.group(1), match.group(2), match.group(3)
        if sigil == "@":
            return f"@{name_of(target) or (label or target).lstrip('@')}"
        if sigil == "#":
            return f"#{label or target}"
        if sigil == "!":
            special = target.split("^", 1)[0]
            if special == "date" and label:
                return label
            return label if label and label.startswith("@") else f"@{label or special}"
        return f"{label} ({target})" if label and label != target else target

    return _unescape(_TOKEN.sub(word, text))


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


# ------------------------------------------------------------------------------------------- middleware


def kind_of(body: Mapping[str, Any]) -> type[Payload] | None:
    """The model a body must fit, for the kinds opsbot listens to; None for any other (Bolt answers those
    it has no listener for)."""
    if "command" in body:
        return Command
    kind = body.get("type")
    if kind == "block_actions":
        return Click
    if kind == "view_submission":
        return Submission
    if kind == "event_callback":
        event = body.get("event")
        return EVENTS.get(str(event.get("type")), EventEnvelope) if isinstance(event, dict) else EventEnvelope
    return None


def misshapen(body: Mapping[str, Any], say: Wording) -> BoltResponse | None:
    """The answer to a body that does not fit the model of its kind; None when it fits (or is of a kind
    opsbot has no model for, which Bolt answers as unhandled)."""
    model = kind_of(body)
    if model is None:
        return None
    try:
        if model in EVENTS.values():
            model.of(body["event"])
            EventEnvelope.of(body)
        else:
            model.of(body)
    except ValidationError as exc:
        where = ", ".join(".".join(str(p) for p in error["loc"]) or "body" for error in exc.errors()[:3])
        log.warning("ignored a %s that does not fit its model (at %s)", model.__name__, where)
        return _not_read(model, say.term("edge.not_read"))
    return None


def _not_read(model: type[Payload], said: Mrkdwn) -> BoltResponse:
    if model is Command:
        return BoltResponse(status=200, body={"response_type": "ephemeral", "text": said})
    if model is Submission:
        notice = notice_view(said)
        return BoltResponse(status=200, body=json.dumps({"response_action": "update", "view": notice}))
    # A click or an event has no answer Slack would show: the warning line is all.
    return BoltResponse(status=200, body="")
