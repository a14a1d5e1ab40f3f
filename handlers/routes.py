"""Every button and form of the app, reached through three Bolt listeners rather than one each.

Bolt tries its listeners in turn until one matches, and each try builds the request's arguments for the
listener's matcher: with a listener per button, a click tried some 42 of them (2–3 ms). Here the buttons
that act in the ack, the buttons acked at once whose work follows the ack (a form to open, a message to
redraw), and the forms' submissions are one listener each. Each matches exactly the ids it knows (any other
is left to Bolt, as before), and finds its callback by the payload's id in a dict.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

# Acks the request itself (a button that acts, a form submitted).
Answer = Callable[[Ack, dict[str, Any]], None]
# Runs after the ack: a Slack call of its own (open a form, redraw one, replace a message).
Later = Callable[[dict[str, Any], WebClient, Respond], None]


@dataclass
class Routes:
    actions: dict[str, Answer] = field(default_factory=dict)
    after_ack: dict[str, Later] = field(default_factory=dict)
    views: dict[str, Answer] = field(default_factory=dict)

    def action(self, action_id: str) -> Callable[[Answer], Answer]:
        """A button (or menu) whose callback acks it."""
        return lambda answer: _add(self.actions, action_id, answer)

    def action_after_ack(self, action_id: str, later: Later) -> None:
        """A button (or menu) acked at once; `later` runs after the ack."""
        _add(self.after_ack, action_id, later)

    def view(self, callback_id: str) -> Callable[[Answer], Answer]:
        """A form's submission, whose callback acks it."""
        return lambda answer: _add(self.views, callback_id, answer)

    def register(self, app: App) -> None:
        """The three listeners, on `app` (once every route is added: each matches the ids it has then)."""
        if self.actions:
            app.action(exactly(self.actions))(self._act)
        if self.after_ack:
            app.action(exactly(self.after_ack))(ack=_ack, lazy=[self._later])
        if self.views:
            app.view(exactly(self.views))(self._submitted)

    def _act(self, ack: Ack, body: dict[str, Any]) -> None:
        self.actions[_action_id(body)](ack, body)

    def _later(self, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        self.after_ack[_action_id(body)](body, client, respond)

    def _submitted(self, ack: Ack, body: dict[str, Any]) -> None:
        self.views[body["view"]["callback_id"]](ack, body)


def exactly(ids: Mapping[str, object]) -> re.Pattern[str]:
    """A pattern matching these ids and nothing else (`\\Z`: not even with a newline after one)."""
    return re.compile("^(?:" + "|".join(re.escape(key) for key in sorted(ids)) + r")\Z")


def _add(routes: dict[str, Any], key: str, callback: Any) -> Any:
    if key in routes:
        raise ValueError(f"{key} is routed twice")
    routes[key] = callback
    return callback


def _action_id(body: dict[str, Any]) -> str:
    return str(body["actions"][0]["action_id"])


def _ack(ack: Ack) -> None:
    ack()
