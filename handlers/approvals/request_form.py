"""The approval forms: asking (`/approval`, the kind first, then its fields) and resubmitting after a return
(**Resubmit…**, pre-filled from the request). One set of inputs for both, and one reading of what they
give; every rule on the values (how an amount is written, amounts in range, dates ahead) is the core's
(`opsbot.approvals.asking`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.models.blocks import DatePickerElement, InputBlock, NumberInputElement
from sqlalchemy.orm import Session

from handlers.approvals.card import RESUBMIT, field_label
from handlers.blocks import modal, section, select_input, text_input
from handlers.edge import Edge
from handlers.forms import Form
from handlers.payloads import Click, Command, Submission
from handlers.routes import Routes
from handlers.wording import Wording
from opsbot.approvals import service
from opsbot.approvals.asking import DATES, MAX_AMOUNT, MAX_DETAILS, MAX_PURPOSE
from opsbot.approvals.lifecycle import StepState
from opsbot.approvals.models import ApprovalRequest
from opsbot.approvals.phrases import decider
from opsbot.approvals.policy import ApprovalKind, ApprovalSettings
from opsbot.approvals.records import SUBJECT, steps_of
from opsbot.center import Center
from opsbot.context import Context
from opsbot.notices import Notice, Quote

FORM = "approval.request"


def field_blocks(
    center: Center, say: Wording, kind: ApprovalKind, initial: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """The purpose and the kind's fields, each filled in from `initial` where it has a value."""
    settings = ApprovalSettings.of(center)
    blocks = [
        text_input(
            "purpose",
            say.term("approval.field_label.purpose"),
            multiline=True,
            max_length=MAX_PURPOSE,
            initial=initial.get("purpose") or None,
        )
    ]
    for name in kind.fields:
        value = initial.get(name)
        label = field_label(name, say)
        if name == "amount":
            element = NumberInputElement(
                action_id="amount",
                is_decimal_allowed=True,
                min_value="0.01",
                max_value=str(MAX_AMOUNT),
                initial_value=f"{value:.2f}" if value is not None else None,
            )
            amount = say.plain(Notice.of("approval.form.amount", currency=settings.currency))
            blocks.append(InputBlock(block_id="amount", label=amount, element=element).to_dict())
        elif name in DATES:
            day = DatePickerElement(action_id=name, initial_date=str(value) if value else None)
            blocks.append(InputBlock(block_id=name, label=label, element=day).to_dict())
        elif name == "target_unit":
            units = [(unit.key, say.name(unit.name)) for unit, _parent in center.all_units()]
            blocks.append(select_input("target_unit", label, units, initial=value))
        elif name == "details":
            details = text_input(
                "details", label, multiline=True, max_length=MAX_DETAILS, initial=value or None
            )
            blocks.append({**details, "optional": True})
    return blocks


def request_view(center: Center, say: Wording, kind_key: str | None = None) -> dict[str, Any]:
    settings = ApprovalSettings.of(center)
    kind = settings.kind(kind_key) if kind_key else settings.kinds[0]
    kinds = [(k.key, say.name(k.name)) for k in settings.kinds]
    choice = select_input("kind", say.term("approval.form.kind"), kinds, initial=kind.key)
    blocks = [{**choice, "dispatch_action": True}, *field_blocks(center, say, kind, {})]
    title, submit = say.term("approval.form.request"), say.term("approval.form.request.submit")
    return modal(title, blocks, callback_id=FORM, submit=submit, close=say.term("form.cancel"))


def form_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """The purpose, the amount (as typed) and the kind's other fields from a submitted form
    (`Submission.fields`), as the service takes them."""
    found = dict(values)
    found.pop("kind", None)
    purpose = found.pop("purpose", None) or ""
    amount = found.pop("amount", None) or None
    return {"purpose": purpose, "amount": amount, "fields": {k: v for k, v in found.items() if v}}


def form_request(values: Mapping[str, Any]) -> dict[str, Any]:
    """The request form's values as `service.request_approval` takes them."""
    return {"kind_key": str(values.get("kind") or ""), **form_values(values)}


def resubmit_form(edge: Edge) -> Form:
    """**Resubmit…**: the request's purpose, amount and fields, as it holds them, to correct, worded for the
    requester who opens it."""

    def blocks(session: Session, number: str, say: Wording) -> list[dict[str, Any]]:
        request = SUBJECT.load(session, number, for_change=False)
        kind = ApprovalSettings.of(edge.center).kind(request.kind_key)
        initial = {"purpose": request.purpose, "amount": request.amount, **request.fields}
        why = _why_returned(session, request, edge.directory(session).name_of, say)
        return [*why, *field_blocks(edge.center, say, kind, initial)]

    def run(session: Session, ctx: Context, number: str, values: dict[str, Any]) -> object:
        return service.resubmit(session, ctx, number, **form_values(values))

    return Form(RESUBMIT, "approval.form.resubmit", "approval.form.resubmit.submit", blocks, run)


def _why_returned(
    session: Session, request: ApprovalRequest, names: Callable[[str], str], say: Wording
) -> list[dict[str, Any]]:
    """Who returned the request and what they asked to correct, above the inputs."""
    steps = steps_of(session, request)
    returned = next((s for s in steps if StepState(s.state) is StepState.RETURNED), None)
    if returned is None:
        return []
    said = Notice.of(
        "approval.form.returned",
        number=request.number,
        who=decider(returned, names),
        reason=Quote(returned.reason or ""),
    )
    return [section(say(said))]


def register(app: App, routes: Routes, edge: Edge, command: str) -> None:
    """`command` typed alone opens the request form (someone not in the directory is told why instead);
    choosing a kind redraws it with the kind's fields; submitting it asks."""

    def ack_form(ack: Ack, body: dict[str, Any]) -> None:
        user = Command.of(body).user_id
        edge.read(lambda _session, directory: directory.member(user))
        ack()

    def open_form(client: WebClient, body: dict[str, Any]) -> None:
        sent = Command.of(body)
        if edge.read(lambda _session, directory: directory.get(sent.user_id)) is not None:
            view = request_view(edge.center, edge.say_to(sent.user_id))
            client.views_open(trigger_id=sent.trigger_id, view=view)

    def redraw(body: dict[str, Any], client: WebClient, _respond: Respond) -> None:
        click = Click.of(body)
        if click.view is None or click.action.selected_option is None:
            return
        view = request_view(edge.center, edge.say_to(click.user.id), click.action.selected_option.value)
        client.views_update(view_id=click.view.id, hash=click.view.hash, view=view)

    @routes.view(FORM)
    def submitted(ack: Ack, body: dict[str, Any]) -> None:
        submission = Submission.of(body)
        asked = form_request(submission.fields())
        user = submission.user.id
        request = edge.change(
            submission, lambda s, d: service.request_approval(s, edge.context(d, user), **asked)
        )
        say = edge.say_to(user)
        asked_for = say(Notice.of("approval.form.asked", number=request.number))
        done = modal(
            say.term("approval.form.request"), [section(asked_for)], close=say.term("approval.form.done")
        )
        ack(response_action="update", view=done)

    app.command(command, matchers=[lambda body: not str(body.get("text", "")).strip()])(
        ack=ack_form, lazy=[open_form]
    )
    routes.action_after_ack("kind", redraw)
