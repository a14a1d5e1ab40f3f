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
from handlers.wording import Wording
from opsbot.cases import assignment, details, feedback, handling, intake
from opsbot.cases.inputs import MAX_COMMENT, MAX_HOW, MAX_NOTE, MAX_REASON
from opsbot.cases.models import Case
from opsbot.cases.records import load
from opsbot.cases.settings import CaseSettings
from opsbot.context import Context
from opsbot.errors import InvalidInput
from opsbot.notices import Notice, Term

FormBlocks = Callable[[Session, str], list[dict[str, Any]]]
Run = Callable[[Session, Context, str, dict[str, Any]], object]


def _reason(label: Term) -> Callable[[Wording], FormBlocks]:
    def worded(say: Wording) -> FormBlocks:
        shown = say.term(label.code)
        return lambda _s, _ref: [text_input("reason", shown, multiline=True, max_length=MAX_REASON)]

    return worded


def _note(say: Wording) -> FormBlocks:
    label = say.term("case.form.progress_note")
    return lambda _s, _ref: [text_input("note", label, multiline=True, max_length=MAX_NOTE)]


def _how(say: Wording) -> FormBlocks:
    label, placeholder = say.term("case.form.how"), say.term("case.form.how_placeholder")
    return lambda _s, _ref: [text_input("how", label, max_length=MAX_HOW, placeholder=placeholder)]


def _satisfaction(say: Wording) -> FormBlocks:
    def blocks(_session: Session, _ref: str) -> list[dict[str, Any]]:
        scores = [(str(n), str(say.term(f"case.form.score.{n}"))) for n in range(1, 6)]
        objects = Option(value="yes", text=say.term("case.form.objects"))
        objection = InputBlock(
            block_id="objection",
            label=say.term("case.form.objection"),
            optional=True,
            element=CheckboxesElement(action_id="objection", options=[objects]),
        )
        comment = text_input("comment", say.term("case.form.comment"), multiline=True, max_length=MAX_COMMENT)
        return [
            select_input("score", say.term("case.form.score"), scores),
            {**comment, "optional": True},
            objection.to_dict(),
        ]

    return blocks


def _reviewers(say: Wording) -> FormBlocks:
    def blocks(session: Session, ref: str) -> list[dict[str, Any]]:
        """A new round of a joint review is asked, unless changed, of those asked in the last."""
        asked = handling.last_joint_reviewers(session, load(session, ref, for_change=False))
        element = UserMultiSelectElement(
            action_id="reviewers", max_selected_items=5, initial_users=asked or None
        )
        label = say.term("case.form.joint_reviewers")
        return [InputBlock(block_id="reviewers", label=label, element=element).to_dict()]

    return blocks


def _result(say: Wording) -> FormBlocks:
    def blocks(session: Session, ref: str) -> list[dict[str, Any]]:
        """A result submitted again (after a return, or an objection) starts from the one submitted last."""
        case = load(session, ref, for_change=False)
        label = say.term("case.form.result")
        return [text_input("result", label, multiline=True, max_length=MAX_REASON, initial=case.result)]

    return blocks


def _missing(say: Wording) -> FormBlocks:
    def blocks(session: Session, ref: str) -> list[dict[str, Any]]:
        case = load(session, ref, for_change=False)
        items = [Option(value=item, text=item) for item in case.missing_items]
        element = CheckboxesElement(action_id="items", options=items)
        label = say.term("case.form.items_now")
        return [InputBlock(block_id="items", label=label, element=element).to_dict()]

    return blocks


def details_blocks(
    edge: Edge,
    say: Wording,
    case: Case,
    type_key: str | None = None,
    given: Mapping[str, Any] | None = None,
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
        kind_line = context(say(Notice.of("case.form.type_fixed", name=name)))
        return [kind_line, *customer_inputs(filled, say), details_input(filled, say)]
    extra = type_inputs(edge, chosen, filled, say) if chosen.key != current.key else []
    choice = type_choice(edge, chosen, say)
    return [choice, *customer_inputs(filled, say), details_input(filled, say), *extra]


def redraw_details(edge: Edge, say: Wording, view: View, chosen: str | None) -> dict[str, Any]:
    ref = view.private_metadata
    blocks = edge.read(
        lambda session, _directory: details_blocks(
            edge, say, load(session, ref, for_change=False), chosen, view.fields()
        )
    )
    return form_view(complete_form(edge), ref, blocks, say)


def complete_form(edge: Edge) -> Form:
    return Form(
        card.COMPLETE,
        "case.form.complete",
        "case.form.save",
        lambda session, ref, say: details_blocks(edge, say, load(session, ref, for_change=False)),
        details.complete_details,
    )


def worded(make: Callable[[Wording], FormBlocks]) -> Callable[[Session, str, Wording], list[dict[str, Any]]]:
    """A form's inputs made in the words of whoever opens it."""
    return lambda session, ref, say: make(say)(session, ref)


def _record_satisfaction(session: Session, ctx: Context, ref: str, values: Mapping[str, Any]) -> object:
    return feedback.record_satisfaction(
        session,
        ctx,
        ref,
        score=int(chosen_value(values, "score") or 0),
        comment=text_value(values, "comment"),
        objection=bool(chosen_values(values, "objection")),
    )


SAVE = "case.form.save"
FORMS: tuple[Form, ...] = (
    Form(
        card.REJECT,
        "case.form.reject",
        "case.form.reject_submit",
        worded(_reason(Term("case.form.reject_reason"))),
        lambda s, d, ref, v: handling.reject(s, d, ref, text_value(v, "reason")),
    ),
    Form(
        card.JOINT,
        "case.form.joint",
        "case.form.joint_submit",
        worded(_reviewers),
        lambda s, d, ref, v: handling.ask_joint_review(s, d, ref, chosen_values(v, "reviewers")),
    ),
    Form(
        card.DISAGREE,
        "case.form.disagree",
        "case.form.disagree_submit",
        worded(_reason(Term("case.form.disagree_reason"))),
        lambda s, d, ref, v: handling.joint_decide(s, d, ref, agree=False, reason=text_value(v, "reason")),
    ),
    Form(
        card.PROGRESS,
        "case.form.progress",
        "case.form.progress_submit",
        worded(_note),
        lambda s, d, ref, v: handling.add_progress(s, d, ref, text_value(v, "note")),
    ),
    Form(
        card.SUBMIT,
        "case.form.submit",
        "case.form.submit_submit",
        worded(_result),
        lambda s, d, ref, v: handling.submit(s, d, ref, text_value(v, "result")),
    ),
    Form(
        card.RETURN,
        "case.form.return",
        "case.form.return_submit",
        worded(_reason(Term("case.form.return_reason"))),
        lambda s, d, ref, v: handling.review(s, d, ref, passed=False, reason=text_value(v, "reason")),
    ),
    Form(
        card.REPLIED,
        "case.form.replied",
        SAVE,
        worded(_how),
        lambda s, d, ref, v: feedback.record_contact(s, d, ref, text_value(v, "how")),
    ),
    Form(
        card.INFORMED,
        "case.form.informed",
        SAVE,
        worded(_how),
        lambda s, d, ref, v: feedback.record_informed(s, d, ref, text_value(v, "how")),
    ),
    Form(card.SATISFACTION, "case.form.satisfaction", SAVE, worded(_satisfaction), _record_satisfaction),
    Form(
        card.SUPPLEMENT,
        "case.form.supplement",
        SAVE,
        worded(_missing),
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
