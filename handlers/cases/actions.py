"""The case card's buttons and the small forms some of them open (a reason, a note, how the customer was
told, the satisfaction score)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from slack_bolt import Ack
from slack_sdk.models.blocks import CheckboxesElement, InputBlock, Option, UserMultiSelectElement
from sqlalchemy.orm import Session

from handlers.blocks import context, select_input, text_input
from handlers.cases import card
from handlers.cases.commands import customer_inputs, details_input, type_choice, type_inputs
from handlers.edge import Edge
from handlers.forms import (
    Form,
    button_acts,
    button_opens,
    chosen_value,
    chosen_values,
    form_view,
    text_value,
)
from handlers.payloads import Click, View
from handlers.routes import Routes
from opsbot.cases import assignment, details, feedback, handling, intake
from opsbot.cases.inputs import MAX_COMMENT, MAX_HOW, MAX_NOTE, MAX_REASON
from opsbot.cases.models import Case
from opsbot.cases.records import load
from opsbot.cases.settings import CaseSettings
from opsbot.errors import InvalidInput
from opsbot.notices import Notice


def _reason(label: str) -> Callable[[Session, str], list[dict[str, Any]]]:
    return lambda _session, _ref: [text_input("reason", label, multiline=True, max_length=MAX_REASON)]


def _how(_session: Session, _ref: str) -> list[dict[str, Any]]:
    return [
        text_input(
            "how",
            "How and when was the customer told?",
            max_length=MAX_HOW,
            placeholder="e.g. phone call at 10:20, spoke to the customer",
        )
    ]


def _satisfaction(_session: Session, _ref: str) -> list[dict[str, Any]]:
    scores = [
        (str(n), f"{n} — {label}")
        for n, label in [
            (1, "very dissatisfied"),
            (2, "dissatisfied"),
            (3, "neutral"),
            (4, "satisfied"),
            (5, "very satisfied"),
        ]
    ]
    objection = InputBlock(
        block_id="objection",
        label="Objection",
        optional=True,
        element=CheckboxesElement(
            action_id="objection", options=[Option(value="yes", text="The customer objects to the result")]
        ),
    )
    return [
        select_input("score", "Satisfaction", scores),
        {
            **text_input("comment", "Customer's comment", multiline=True, max_length=MAX_COMMENT),
            "optional": True,
        },
        objection.to_dict(),
    ]


def _reviewers(session: Session, ref: str) -> list[dict[str, Any]]:
    """A new round of a joint review is asked, unless changed, of those asked in the last."""
    asked = handling.last_joint_reviewers(session, load(session, ref, for_change=False))
    return [
        InputBlock(
            block_id="reviewers",
            label="Reviewers (all must agree)",
            element=UserMultiSelectElement(
                action_id="reviewers", max_selected_items=5, initial_users=asked or None
            ),
        ).to_dict()
    ]


def _result(session: Session, ref: str) -> list[dict[str, Any]]:
    """A result submitted again (after a return, or an objection) starts from the one submitted last."""
    case = load(session, ref, for_change=False)
    return [text_input("result", "Result", multiline=True, max_length=MAX_REASON, initial=case.result)]


def _missing(session: Session, ref: str) -> list[dict[str, Any]]:
    case = load(session, ref, for_change=False)
    items = [Option(value=item, text=item) for item in case.missing_items]
    return [
        InputBlock(
            block_id="items",
            label="Items now received",
            element=CheckboxesElement(action_id="items", options=items),
        ).to_dict()
    ]


def details_blocks(
    edge: Edge, case: Case, type_key: str | None = None, given: Mapping[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Complete details…: the customer's details as the case has them (a quick case's still empty) or as
    filled in so far, and its type, which may change until the result is in: another type
    brings what it asks for (its required items; for a complaint, where to forward it)."""
    known = {
        "customer": case.customer,
        "contact": case.contact,
        "channel": case.channel,
        "details": case.details,
    }
    filled = {**known, **(given or {})}
    current = CaseSettings.of(edge.center).type(case.type_key)
    chosen = CaseSettings.of(edge.center).type(type_key or "") or current
    if current is None or chosen is None or not details.can_retype(case):
        name = current.name if current else case.type_key
        kind_line = context(edge.say(Notice.of("case.form.type_fixed", name=name)))
        return [kind_line, *customer_inputs(filled, edge.say), details_input(filled)]
    extra = type_inputs(edge, chosen, filled) if chosen.key != current.key else []
    return [type_choice(edge, chosen), *customer_inputs(filled, edge.say), details_input(filled), *extra]


def redraw_details(edge: Edge, view: View, chosen: str | None) -> dict[str, Any]:
    ref = view.private_metadata
    blocks = edge.read(
        lambda session, _directory: details_blocks(
            edge, load(session, ref, for_change=False), chosen, view.fields()
        )
    )
    return form_view(complete_form(edge), ref, blocks)


def complete_form(edge: Edge) -> Form:
    return Form(
        card.COMPLETE,
        "Complete details",
        "Save",
        lambda session, ref: details_blocks(edge, load(session, ref, for_change=False)),
        details.complete_details,
    )


FORMS: tuple[Form, ...] = (
    Form(
        card.REJECT,
        "Reject the case",
        "Reject",
        _reason("Reason (the customer will be told)"),
        lambda s, d, ref, v: handling.reject(s, d, ref, text_value(v, "reason")),
    ),
    Form(
        card.JOINT,
        "Joint review",
        "Ask them",
        _reviewers,
        lambda s, d, ref, v: handling.ask_joint_review(s, d, ref, chosen_values(v, "reviewers")),
    ),
    Form(
        card.DISAGREE,
        "Disagree",
        "Disagree",
        _reason("Why you disagree"),
        lambda s, d, ref, v: handling.joint_decide(s, d, ref, agree=False, reason=text_value(v, "reason")),
    ),
    Form(
        card.PROGRESS,
        "Add progress",
        "Add",
        lambda _s, _r: [text_input("note", "Progress", multiline=True, max_length=MAX_NOTE)],
        lambda s, d, ref, v: handling.add_progress(s, d, ref, text_value(v, "note")),
    ),
    Form(
        card.SUBMIT,
        "Submit the result",
        "Submit",
        _result,
        lambda s, d, ref, v: handling.submit(s, d, ref, text_value(v, "result")),
    ),
    Form(
        card.RETURN,
        "Return to the handler",
        "Return",
        _reason("What must be fixed"),
        lambda s, d, ref, v: handling.review(s, d, ref, passed=False, reason=text_value(v, "reason")),
    ),
    Form(
        card.REPLIED,
        "Replied to the customer",
        "Save",
        _how,
        lambda s, d, ref, v: feedback.record_contact(s, d, ref, text_value(v, "how")),
    ),
    Form(
        card.INFORMED,
        "Customer informed",
        "Save",
        _how,
        lambda s, d, ref, v: feedback.record_informed(s, d, ref, text_value(v, "how")),
    ),
    Form(
        card.SATISFACTION,
        "Satisfaction follow-up",
        "Save",
        _satisfaction,
        lambda s, d, ref, v: feedback.record_satisfaction(
            s,
            d,
            ref,
            score=int(chosen_value(v, "score") or 0),
            comment=text_value(v, "comment"),
            objection=bool(chosen_values(v, "objection")),
        ),
    ),
    Form(
        card.SUPPLEMENT,
        "Supplement received",
        "Save",
        _missing,
        lambda s, d, ref, v: intake.supplement(s, d, ref, chosen_values(v, "items")),
    ),
)


def register(routes: Routes, edge: Edge) -> None:
    button_acts(routes, edge, card.TAKE, assignment.take)
    button_acts(routes, edge, card.ACCEPT, handling.accept)
    button_acts(routes, edge, card.AGREE, lambda s, d, ref: handling.joint_decide(s, d, ref, agree=True))
    button_acts(routes, edge, card.PASS, lambda s, d, ref: handling.review(s, d, ref, passed=True))

    @routes.action(card.PICK)
    def picked(ack: Ack, body: dict[str, Any]) -> None:
        click = Click.of(body)
        ref, chosen = card.case_of_block(click.action.block_id), click.action.selected_user
        user = click.user.id
        if chosen is None:
            raise InvalidInput("case.pick_someone")
        edge.change(
            click,
            lambda session, directory: assignment.pick(session, edge.context(directory, user), ref, chosen),
        )
        ack()

    for form in (*FORMS, complete_form(edge)):
        button_opens(routes, edge, form)
