"""Buttons on a workflow's cards: those that act at once, and those that open a small form (a reason, a note)
whose submission runs the service. One implementation for every workflow: its services take the context of
the person pressing (`Edge.context`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from slack_bolt import Ack, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from handlers.blocks import modal
from handlers.edge import Edge, tell_clicker
from handlers.payloads import Click, Submission
from handlers.routes import Routes
from handlers.wording import Wording
from opsbot.context import Context

T = TypeVar("T")


def form_id(action_id: str) -> str:
    """The callback id of the form a button opens."""
    return f"{action_id}.form"


@dataclass(frozen=True)
class Form:
    action_id: str
    # The codes of the form's title and submit label, worded for the person who opens it.
    title: str
    submit: str
    # The form's input blocks, given a read-only session, the button's value (the record's reference) and
    # the wording of the person who opens it.
    blocks: Callable[[Session, str, Wording], list[dict[str, Any]]]
    run: Callable[[Session, Context, str, dict[str, Any]], object]

    @property
    def callback_id(self) -> str:
        return form_id(self.action_id)


def button_acts(
    routes: Routes,
    edge: Edge,
    action_id: str,
    do: Callable[[Session, Context, str], object],
) -> None:
    """A button that acts at once: one transaction, then the cards update through the outbox."""

    @routes.action(action_id)
    def pressed(ack: Ack, body: dict[str, Any]) -> None:
        click = Click.of(body)
        ref, user = click.action.value, click.user.id
        edge.change(click, lambda session, directory: do(session, edge.context(directory, user), ref))
        ack()


def button_opens(routes: Routes, edge: Edge, form: Form) -> None:
    """A button that opens `form` (after the ack, within the trigger's 3 seconds); submitting it runs the
    service, and a refusal shows on the form. Before the form opens, the service is tried with the form
    empty and rolled back: whoever may not act, or comes too late, is told at once, not after typing."""

    def open_form(body: dict[str, Any], client: WebClient, _respond: Respond) -> None:
        click = Click.of(body)
        ref, user = click.action.value, click.user.id
        refusal = edge.refusal(
            lambda session, directory: form.run(session, edge.context(directory, user), ref, {})
        )
        if refusal is not None:
            tell_clicker(client, click, edge.say_to(user)(refusal.notice))
            return
        say = edge.say_to(user)
        blocks = edge.read(lambda session, _directory: form.blocks(session, ref, say))
        client.views_open(trigger_id=click.trigger_id, view=form_view(form, ref, blocks, say))

    routes.action_after_ack(form.action_id, open_form)

    @routes.view(form.callback_id)
    def submitted(ack: Ack, body: dict[str, Any]) -> None:
        submission = Submission.of(body)
        ref, values, user = submission.view.private_metadata, submission.fields(), submission.user.id
        edge.change(
            submission,
            lambda session, directory: form.run(session, edge.context(directory, user), ref, values),
        )
        ack()


def form_view(form: Form, ref: str, blocks: list[dict[str, Any]], say: Wording) -> dict[str, Any]:
    """The modal of `form` for the record `ref`, holding `blocks` (as opened, or redrawn after a choice),
    in the words of `say`, the person it opens for."""
    return modal(
        say.term(form.title),
        blocks,
        callback_id=form.callback_id,
        submit=say.term(form.submit),
        close=say.term("form.cancel"),
        private_metadata=ref,
    )


def text_value(values: Mapping[str, Any], name: str) -> str:
    """A text input's value from a submitted form (`Submission.fields`)."""
    value = values.get(name)
    return value if isinstance(value, str) else ""


def chosen_values(values: Mapping[str, Any], name: str) -> list[str]:
    """The options checked in a checkbox group, or the people picked in a multi-user select."""
    value = values.get(name)
    return [str(item) for item in value] if isinstance(value, list) else []


def chosen_value(values: Mapping[str, Any], name: str) -> str:
    """The option picked in a select ("" when none is)."""
    value = values.get(name)
    return value if isinstance(value, str) else ""


def opens_form(action_id: str, value: T) -> dict[str, T]:
    """`value` for a button that opens a form and for the form's submission (`Form.callback_id`): one
    service serves both."""
    return {action_id: value, form_id(action_id): value}
