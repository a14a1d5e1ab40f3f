"""`/case`: the intake form, quick registration, and the queries' subcommands."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.models.blocks import CheckboxesElement, DateTimePickerElement, InputBlock, Option

from handlers.blocks import Message, section, select_input, text_input
from handlers.catalogue import CommandHelp, unknown_subcommand
from handlers.edge import Edge
from handlers.mrkdwn import md
from handlers.payloads import Click, Command, Submission
from opsbot.business_hours import add_business_hours
from opsbot.cases import intake
from opsbot.cases.models import CHANNELS, Case
from opsbot.cases.records import Desk, reference

COMMAND = "/case"
INTAKE_FORM = "case.intake"
HELP = (
    CommandHelp("/case", "Take in a customer's request: opens the intake form."),
    CommandHelp(
        "/case new <summary>", "Register a request at once as a general enquiry; complete it on its card."
    ),
)

Subcommand = Callable[[Edge, Command, str], Message]


def desk(edge: Edge, directory: Any, actor: str) -> Desk:
    return Desk(center=edge.center, directory=directory, now=edge.now(), actor=actor)


def registered(case: Case) -> Message:
    if case.number is None:
        return Message(
            text=md(
                "{reference} is recorded and returned for supplement: missing {items}. I've sent you the "
                "list to ask the customer for.",
                reference=reference(case),
                items=", ".join(case.missing_items),
            )
        )
    return Message(text=md("Registered {number}; its card is in the intake channel.", number=case.number))


def quick_case(edge: Edge, command: Command, text: str) -> Message:
    """`/case new <summary>`: the default type, a phone request; details are completed on the card."""
    user = command.user_id
    summary = edge.read(lambda _session, directory: command.typed(text, directory.known_name))
    form = intake.parse_form(
        {
            "customer": "(to be completed)",
            "contact": "(to be completed)",
            "channel": "phone",
            "type_key": edge.center.cases.default_type.key,
            "summary": summary,
        }
    )
    case = edge.change(
        command, lambda session, directory: intake.receive(session, desk(edge, directory, user), form)
    )
    return registered(case)


def intake_view(edge: Edge, type_key: str | None = None) -> dict[str, Any]:
    """The intake form for a case type: choosing another type redraws it with that type's required items,
    its reply target and, for a complaint, where to forward it."""
    cases = edge.center.cases
    kind = cases.type(type_key or "") or cases.default_type
    promised = add_business_hours(edge.now(), kind.reply_hours, edge.center.calendar)
    type_choice = select_input(
        "type_key", "Case type", [(t.key, t.name) for t in cases.types], initial=kind.key
    )
    blocks = [
        {**type_choice, "dispatch_action": True},
        text_input("customer", "Customer", max_length=80),
        text_input("contact", "Contact (phone or e-mail)", max_length=120),
        select_input("channel", "Came in by", list(CHANNELS.items()), initial="phone"),
        text_input(
            "summary", "Summary", max_length=intake.MAX_SUMMARY, placeholder="What the customer wants"
        ),
        {**text_input("details", "Details", multiline=True, max_length=intake.MAX_DETAILS), "optional": True},
    ]
    if kind.required_items:
        blocks.append(
            InputBlock(
                block_id="provided_items",
                label=f"Items received ({kind.name} needs them all)",
                optional=True,
                element=CheckboxesElement(
                    action_id="provided_items",
                    options=[Option(value=item, text=item) for item in kind.required_items],
                ),
            ).to_dict()
        )
    if kind.complaint:
        units = [(unit.key, unit.name) for unit, _parent in edge.center.all_units()]
        blocks.append(
            {
                **select_input("responsible_unit", "Forward to", units, initial=kind.unit),
                "hint": {
                    "type": "plain_text",
                    "text": "The unit responsible for what the complaint is about.",
                },
            }
        )
    blocks.append(
        InputBlock(
            block_id="promised_reply_at",
            label="Reply promised by",
            optional=True,
            hint=f"{kind.name}: {kind.reply_hours:g} business hours; change it if you promised otherwise.",
            element=DateTimePickerElement(
                action_id="promised_reply_at", initial_date_time=int(promised.timestamp())
            ),
        ).to_dict()
    )
    return {
        "type": "modal",
        "callback_id": INTAKE_FORM,
        "title": {"type": "plain_text", "text": "New case"},
        "submit": {"type": "plain_text", "text": "Register"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": blocks,
    }


def register(app: App, edge: Edge, queries: Mapping[str, Subcommand]) -> None:
    subcommands: dict[str, Subcommand] = {"new": quick_case, **queries}

    def answer(ack: Ack, body: dict[str, Any]) -> None:
        command = Command.of(body)
        sub, _, rest = command.text.strip().partition(" ")
        handler = subcommands.get(sub.lower())
        if handler is None:
            raise unknown_subcommand(
                "/case", command.typed(sub), subcommands, also="Type `/case` alone for the intake form; "
            )
        reply = handler(edge, command, rest.strip())
        ack(text=reply.text, blocks=reply.blocks or None, response_type="ephemeral")

    def ack_form(ack: Ack, body: dict[str, Any]) -> None:
        user = Command.of(body).user_id
        edge.read(lambda _session, directory: directory.member(user))  # strangers are told why
        ack()

    def open_form(client: WebClient, body: dict[str, Any]) -> None:
        command = Command.of(body)
        if edge.read(lambda _session, directory: directory.get(command.user_id)) is not None:
            client.views_open(trigger_id=command.trigger_id, view=intake_view(edge))

    def redraw(client: WebClient, body: dict[str, Any]) -> None:
        click = Click.of(body)
        chosen = click.action.selected_option.value if click.action.selected_option else None
        if click.view is None:
            return
        client.views_update(view_id=click.view.id, hash=click.view.hash, view=intake_view(edge, chosen))

    # Choosing a case type redraws the form (after the ack: a Slack call of its own).
    app.action("type_key")(ack=lambda ack: ack(), lazy=[redraw])

    @app.view(INTAKE_FORM)
    def submit_intake(ack: Ack, body: dict[str, Any]) -> None:
        submission = Submission.of(body)
        form = intake.parse_form(submission.fields())
        user = submission.user.id
        case = edge.change(
            submission, lambda session, directory: intake.receive(session, desk(edge, directory, user), form)
        )
        # The form turns into the confirmation, so the clerk sees the number (or what is missing) at once.
        done = {
            "type": "modal",
            "title": {"type": "plain_text", "text": "New case"},
            "close": {"type": "plain_text", "text": "Done"},
            "blocks": [section(registered(case).text)],
        }
        ack(response_action="update", view=done)

    app.command(COMMAND, matchers=[lambda body: not str(body.get("text", "")).strip()])(
        ack=ack_form, lazy=[open_form]
    )
    app.command(COMMAND)(answer)
