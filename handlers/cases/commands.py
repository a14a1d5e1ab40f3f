"""`/case`: the intake form, quick registration, and the queries' subcommands."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.models.blocks import CheckboxesElement, DateTimePickerElement, InputBlock, Option

from handlers.blocks import Message, modal, section, select_input, text_input
from handlers.cases.words import channel_word
from handlers.catalogue import CommandHelp
from handlers.edge import Edge
from handlers.payloads import Click, Command, Submission, View
from handlers.routes import Routes
from handlers.subcommands import Subcommand, router
from handlers.wording import Wording
from opsbot.business_hours import add_business_hours
from opsbot.cases import intake
from opsbot.cases.inputs import MAX_CONTACT, MAX_CUSTOMER, MAX_DETAILS, MAX_SUMMARY, IntakeForm
from opsbot.cases.models import CHANNELS, Case
from opsbot.cases.records import reference
from opsbot.cases.settings import CaseSettings, CaseType
from opsbot.errors import OpsError
from opsbot.inputs import parse
from opsbot.notices import Notice

log = logging.getLogger(__name__)
COMMAND = "/case"
INTAKE_FORM = "case.intake"
TYPE_KEY = "type_key"
# Each summary is the code of its words (`view_words.HELP`), worded for the reader of `/ops help`.
HELP = (
    CommandHelp("/case", "case.help.case"),
    CommandHelp("/case new <summary>", "case.help.new"),
)

# A subcommand of /case, given the edge it runs on.
EdgeSubcommand = Callable[[Edge, Command, str], Message]
# A form drawn again in its reader's words for the case type chosen in it, from the modal as filled in.
Redraw = Callable[[Edge, Wording, View, str | None], dict[str, Any]]


def registered(case: Case, say: Wording) -> Message:
    if case.number is None:
        returned = Notice.of("case.registered_returned", reference=reference(case), items=case.missing_items)
        return Message(text=say(returned))
    return Message(text=say(Notice.of("case.registered", number=case.number)))


def quick_case(edge: Edge, command: Command, text: str) -> Message:
    """`/case new <summary>`: the default type, a phone request; details are completed on the card."""
    user = command.user_id
    summary = edge.typed(command, text)
    form = parse(
        IntakeForm,
        {
            "customer": None,
            "contact": None,
            "channel": "phone",
            "type_key": CaseSettings.of(edge.center).default_type.key,
            "summary": summary,
        },
    )
    case = edge.change(
        command, lambda session, directory: intake.receive(session, edge.context(directory, user), form)
    )
    return registered(case, edge.say_to(user))


def type_choice(edge: Edge, kind: CaseType, say: Wording) -> dict[str, Any]:
    """The case type; choosing another redraws the form with what that type asks for."""
    kinds = [(t.key, say.name(t.name)) for t in CaseSettings.of(edge.center).types]
    chosen = select_input(TYPE_KEY, say.term("case.label.type_key"), kinds, initial=kind.key)
    return {**chosen, "dispatch_action": True}


def customer_inputs(given: Mapping[str, Any], say: Wording) -> list[dict[str, Any]]:
    """Who the customer is and how to reach them, filled in with what is `given` so far."""
    channels = [(channel, str(channel_word(channel, say))) for channel in CHANNELS]
    return [
        text_input(
            "customer",
            say.term("case.label.customer"),
            max_length=MAX_CUSTOMER,
            initial=_text(given, "customer"),
        ),
        text_input(
            "contact",
            say.term("case.label.contact_input"),
            max_length=MAX_CONTACT,
            initial=_text(given, "contact"),
        ),
        select_input(
            "channel", say.term("case.label.came_in_by"), channels, initial=given.get("channel") or "phone"
        ),
    ]


def details_input(given: Mapping[str, Any], say: Wording) -> dict[str, Any]:
    return {
        **text_input(
            "details",
            say.term("case.label.details"),
            multiline=True,
            max_length=MAX_DETAILS,
            initial=_text(given, "details"),
        ),
        "optional": True,
    }


def type_inputs(edge: Edge, kind: CaseType, given: Mapping[str, Any], say: Wording) -> list[dict[str, Any]]:
    """What a case type asks for beyond the customer: the items it requires and, for a complaint, the unit to
    forward it to (by default the type's own)."""
    blocks = []
    if kind.required_items:
        options = [Option(value=item, text=say.name(item)) for item in kind.required_items]
        checked = [option for option in options if option.value in (given.get("provided_items") or [])]
        blocks.append(
            InputBlock(
                block_id="provided_items",
                label=say.plain(Notice.of("case.form.items_received", kind=kind.name)),
                optional=True,
                element=CheckboxesElement(
                    action_id="provided_items", options=options, initial_options=checked or None
                ),
            ).to_dict()
        )
    if kind.complaint:
        units = [(unit.key, say.name(unit.name)) for unit, _parent in edge.center.all_units()]
        own = next(name for key, name in units if key == kind.unit)
        hint = say.plain(Notice.of("case.form.forward_hint", unit=own))
        blocks.append(
            {
                **select_input(
                    "responsible_unit",
                    say.term("case.form.forward_to"),
                    units,
                    initial=given.get("responsible_unit") or kind.unit,
                ),
                "optional": True,
                "hint": {"type": "plain_text", "text": hint},
            }
        )
    return blocks


def _text(given: Mapping[str, Any], name: str) -> str | None:
    value = given.get(name)
    return value if isinstance(value, str) and value else None


def intake_view(
    edge: Edge, say: Wording, type_key: str | None = None, given: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The intake form for a case type: choosing another type redraws it with that type's required items,
    its reply target and, for a complaint, where to forward it; what was filled in stays."""
    given = given or {}
    cases = CaseSettings.of(edge.center)
    kind = cases.type(type_key or "") or cases.default_type
    promised = add_business_hours(edge.now(), kind.reply_hours, edge.center.calendar)
    blocks = [
        type_choice(edge, kind, say),
        *customer_inputs(given, say),
        text_input(
            "summary",
            say.term("case.label.summary"),
            max_length=MAX_SUMMARY,
            placeholder=say.term("case.form.summary_placeholder"),
            initial=_text(given, "summary"),
        ),
        details_input(given, say),
        *type_inputs(edge, kind, given, say),
        InputBlock(
            block_id="promised_reply_at",
            label=say.term("case.form.reply_promised"),
            optional=True,
            hint=say.plain(Notice.of("case.form.reply_hint", kind=kind.name, hours=f"{kind.reply_hours:g}")),
            element=DateTimePickerElement(
                action_id="promised_reply_at", initial_date_time=int(promised.timestamp())
            ),
        ).to_dict(),
    ]
    title, submit = say.term("case.form.new"), say.term("case.form.register")
    return modal(title, blocks, callback_id=INTAKE_FORM, submit=submit, close=say.term("form.cancel"))


def redraw_intake(edge: Edge, say: Wording, view: View, chosen: str | None) -> dict[str, Any]:
    return intake_view(edge, say, chosen, view.fields())


def redraws_on_type(routes: Routes, edge: Edge, redraws: Mapping[str, Redraw]) -> None:
    """Choosing a case type redraws the form it was chosen in (the intake form, Complete details…), after
    the ack: a Slack call of its own."""

    def redraw(body: dict[str, Any], client: WebClient, _respond: Respond) -> None:
        click = Click.of(body)
        chosen = click.action.selected_option.value if click.action.selected_option else None
        view = click.view
        if view is None or view.callback_id not in redraws:
            return
        try:
            drawn = redraws[view.callback_id](edge, edge.say_to(click.user.id), view, chosen)
        except OpsError as error:  # the form names a case that is not there: nothing to draw it for
            log.warning("did not redraw %s for %s: %s", view.callback_id, click.user.id, error.notice)
            return
        client.views_update(view_id=view.id, hash=view.hash, view=drawn)

    routes.action_after_ack(TYPE_KEY, redraw)


def register(app: App, routes: Routes, edge: Edge, queries: Mapping[str, EdgeSubcommand]) -> None:
    words: dict[str, EdgeSubcommand] = {"new": quick_case, **queries}
    subcommands: dict[str, Subcommand] = {word: functools.partial(run, edge) for word, run in words.items()}
    answer = router(COMMAND, subcommands, edge.wordings, edge.say_to, also="case.also")

    def ack_form(ack: Ack, body: dict[str, Any]) -> None:
        user = Command.of(body).user_id
        edge.read(lambda _session, directory: directory.member(user))  # strangers are told why
        ack()

    def open_form(client: WebClient, body: dict[str, Any]) -> None:
        command = Command.of(body)
        if edge.read(lambda _session, directory: directory.get(command.user_id)) is not None:
            view = intake_view(edge, edge.say_to(command.user_id))
            client.views_open(trigger_id=command.trigger_id, view=view)

    @routes.view(INTAKE_FORM)
    def submit_intake(ack: Ack, body: dict[str, Any]) -> None:
        submission = Submission.of(body)
        form = parse(IntakeForm, submission.fields())
        user = submission.user.id
        case = edge.change(
            submission,
            lambda session, directory: intake.receive(session, edge.context(directory, user), form),
        )
        # The form turns into the confirmation, so the clerk sees the number (or what is missing) at once.
        say = edge.say_to(user)
        confirmed = [section(registered(case, say).text)]
        done = modal(say.term("case.form.new"), confirmed, close=say.term("case.form.done"))
        ack(response_action="update", view=done)

    app.command(COMMAND, matchers=[lambda body: not str(body.get("text", "")).strip()])(
        ack=ack_form, lazy=[open_form]
    )
    app.command(COMMAND)(answer)
