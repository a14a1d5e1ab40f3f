"""The case card's buttons and the small forms some of them open (a reason, a note, how the customer was
told, the satisfaction score)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.models.blocks import CheckboxesElement, InputBlock, Option, UserMultiSelectElement
from sqlalchemy.orm import Session

from handlers.blocks import select_input, text_input
from handlers.cases import card
from handlers.cases.commands import desk
from handlers.edge import Edge
from opsbot.cases import feedback, handling, intake
from opsbot.cases.models import CHANNELS
from opsbot.cases.records import Desk, load
from opsbot.errors import OpsError

Step = Callable[[Session, Desk, str], object]


def _direct(app: App, edge: Edge, action_id: str, do: Step) -> None:
    """A button that acts at once: one transaction, then the card updates through the outbox."""

    @app.action(action_id)
    def pressed(ack: Ack, body: dict[str, Any]) -> None:
        ref = body["actions"][0]["value"]
        user = body["user"]["id"]
        edge.change(body, lambda session, directory: do(session, desk(edge, directory, user), ref))
        ack()


@dataclass(frozen=True)
class Form:
    """A button that opens a small form; the service runs when the form is submitted."""

    action_id: str
    title: str
    submit: str
    blocks: Callable[[Any], list[dict[str, Any]]]  # given the case, for forms that list its items
    run: Callable[[Session, Desk, str, dict[str, Any]], object]

    @property
    def callback_id(self) -> str:
        return f"{self.action_id}.form"


def _reason(label: str) -> Callable[[Any], list[dict[str, Any]]]:
    return lambda _case: [text_input("reason", label, multiline=True, max_length=handling.MAX_REASON)]


def _how(_case: Any) -> list[dict[str, Any]]:
    return [
        text_input(
            "how",
            "How and when was the customer told?",
            max_length=feedback.MAX_HOW,
            placeholder="e.g. phone call at 10:20, spoke to the customer",
        )
    ]


def _satisfaction(_case: Any) -> list[dict[str, Any]]:
    scores = [
        (str(n), f"{n} — {label}")
        for n, label in [
            (5, "very satisfied"),
            (4, "satisfied"),
            (3, "neutral"),
            (2, "dissatisfied"),
            (1, "very dissatisfied"),
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
        {**text_input("comment", "Customer's comment", multiline=True, max_length=2000), "optional": True},
        objection.to_dict(),
    ]


def _reviewers(_case: Any) -> list[dict[str, Any]]:
    return [
        InputBlock(
            block_id="reviewers",
            label="Reviewers (all must agree)",
            element=UserMultiSelectElement(action_id="reviewers", max_selected_items=5),
        ).to_dict()
    ]


def _missing(case: Any) -> list[dict[str, Any]]:
    items = [Option(value=item, text=item) for item in case.missing_items]
    return [
        InputBlock(
            block_id="items",
            label="Items now received",
            element=CheckboxesElement(action_id="items", options=items),
        ).to_dict()
    ]


def _details(_case: Any) -> list[dict[str, Any]]:
    return [
        text_input("customer", "Customer", max_length=80),
        text_input("contact", "Contact (phone or e-mail)", max_length=120),
        select_input("channel", "Came in by", list(CHANNELS.items()), initial="phone"),
        {**text_input("details", "Details", multiline=True, max_length=intake.MAX_DETAILS), "optional": True},
    ]


def _text(values: dict[str, Any], name: str) -> str:
    return (values.get(name, {}).get(name, {}) or {}).get("value") or ""


def _chosen(values: dict[str, Any], name: str) -> list[str]:
    element = values.get(name, {}).get(name, {}) or {}
    return [option["value"] for option in element.get("selected_options") or []]


FORMS = (
    Form(
        card.REJECT,
        "Reject the case",
        "Reject",
        _reason("Reason (the customer will be told)"),
        lambda s, d, ref, v: handling.reject(s, d, ref, _text(v, "reason")),
    ),
    Form(
        card.JOINT,
        "Joint review",
        "Ask them",
        _reviewers,
        lambda s, d, ref, v: handling.ask_joint_review(
            s, d, ref, v["reviewers"]["reviewers"].get("selected_users") or []
        ),
    ),
    Form(
        card.DISAGREE,
        "Disagree",
        "Disagree",
        _reason("Why you disagree"),
        lambda s, d, ref, v: handling.joint_decide(s, d, ref, agree=False, reason=_text(v, "reason")),
    ),
    Form(
        card.PROGRESS,
        "Add progress",
        "Add",
        lambda _c: [text_input("note", "Progress", multiline=True, max_length=handling.MAX_NOTE)],
        lambda s, d, ref, v: handling.add_progress(s, d, ref, _text(v, "note")),
    ),
    Form(
        card.SUBMIT,
        "Handling done",
        "Submit",
        lambda _c: [text_input("result", "Result", multiline=True, max_length=handling.MAX_REASON)],
        lambda s, d, ref, v: handling.submit(s, d, ref, _text(v, "result")),
    ),
    Form(
        card.RETURN,
        "Return to the handler",
        "Return",
        _reason("What must be fixed"),
        lambda s, d, ref, v: handling.review(s, d, ref, passed=False, reason=_text(v, "reason")),
    ),
    Form(
        card.REPLIED,
        "Replied to the customer",
        "Save",
        _how,
        lambda s, d, ref, v: feedback.record_contact(s, d, ref, _text(v, "how")),
    ),
    Form(
        card.INFORMED,
        "Customer informed",
        "Save",
        _how,
        lambda s, d, ref, v: feedback.record_informed(s, d, ref, _text(v, "how")),
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
            score=int(v["score"]["score"]["selected_option"]["value"]),
            comment=_text(v, "comment"),
            objection=bool(_chosen(v, "objection")),
        ),
    ),
    Form(
        card.SUPPLEMENT,
        "Supplement received",
        "Save",
        _missing,
        lambda s, d, ref, v: intake.supplement(s, d, ref, _chosen(v, "items")),
    ),
)


def _open(app: App, edge: Edge, form: Form) -> None:
    def ack_press(ack: Ack) -> None:
        ack()

    def open_form(client: WebClient, body: dict[str, Any]) -> None:
        ref = body["actions"][0]["value"]
        try:
            case = edge.read(lambda session, _d: load(session, ref, for_change=False))
        except OpsError:
            return
        view = {
            "type": "modal",
            "callback_id": form.callback_id,
            "private_metadata": ref,
            "title": {"type": "plain_text", "text": form.title},
            "submit": {"type": "plain_text", "text": form.submit},
            "close": {"type": "plain_text", "text": "Cancel"},
            "blocks": form.blocks(case),
        }
        client.views_open(trigger_id=body["trigger_id"], view=view)

    app.action(form.action_id)(ack=ack_press, lazy=[open_form])

    @app.view(form.callback_id)
    def submitted(ack: Ack, body: dict[str, Any]) -> None:
        ref = body["view"]["private_metadata"]
        values = body["view"]["state"]["values"]
        user = body["user"]["id"]
        edge.change(
            body, lambda session, directory: form.run(session, desk(edge, directory, user), ref, values)
        )
        ack()


def register(app: App, edge: Edge) -> None:
    _direct(app, edge, card.TAKE, intake.take)
    _direct(app, edge, card.ACCEPT, handling.accept)
    _direct(app, edge, card.AGREE, lambda s, d, ref: handling.joint_decide(s, d, ref, agree=True))
    _direct(app, edge, card.PASS, lambda s, d, ref: handling.review(s, d, ref, passed=True))

    @app.action(card.PICK)
    def picked(ack: Ack, body: dict[str, Any]) -> None:
        action = body["actions"][0]
        ref = action["block_id"].split(":")[1]
        user = body["user"]["id"]
        edge.change(
            body,
            lambda session, directory: intake.pick(
                session, desk(edge, directory, user), ref, action["selected_user"]
            ),
        )
        ack()

    for form in FORMS:
        _open(app, edge, form)
