"""`/approval`: the request form, quick requests, the lists, delegation, withdrawing and resubmitting."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.models.blocks import DatePickerElement, InputBlock, NumberInputElement

from handlers.approvals.actions import clerk
from handlers.approvals.card import chain_lines, request_facts
from handlers.blocks import Message, section, sections, select_input, text_input
from handlers.catalogue import CommandHelp, unknown_subcommand
from handlers.edge import Edge
from handlers.mrkdwn import Mrkdwn, escape, md, mention, slack_time
from handlers.payloads import Click, Command, Submission
from opsbot.approvals import cards, queries, service
from opsbot.approvals.chains import MAX_AMOUNT, too_large
from opsbot.approvals.policy import FIELD_LABELS
from opsbot.errors import InvalidInput

COMMAND = "/approval"
Subcommand = Callable[[Command, str], Message]
FORM = "approval.request"
HELP = (
    CommandHelp("/approval", "Ask for an approval: opens the form (kind first, then its fields)."),
    CommandHelp("/approval request <kind> <amount> <purpose>", "Ask at once, for kinds with an amount."),
    CommandHelp("/approval list", "What waits for your decision, and your own requests."),
    CommandHelp("/approval show APR-2026-000045", "A request with its chain and every decision."),
    CommandHelp(
        "/approval delegate @person until 2026-12-24", "Let someone decide for you while you are away."
    ),
    CommandHelp("/approval delegate [off]", "Who decides for you (and for whom you decide); `off` ends it."),
    CommandHelp("/approval withdraw APR-…", "Withdraw your request before the final decision."),
    CommandHelp(
        "/approval resubmit APR-… [amount=48000] [new purpose]",
        "Resubmit a request returned for correction, correcting its purpose and (kinds with an amount) "
        "its amount.",
    ),
)
MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
# Digits, with thousands commas every three digits or none, and at most two decimals: 48000, 48,000, 48000.50.
AMOUNT = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,2})?")
# How a resubmission names a corrected amount.
AMOUNT_WORD = "amount="


def amount_of(text: str) -> Decimal:
    """An amount as people write it. Decimal alone would also take 1e10, 1_000 and 1,2,3 (commas dropped):
    those are refused, as is anything above what the database records."""
    text = text.strip()
    if not AMOUNT.fullmatch(text):
        raise InvalidInput(
            "`{amount}` is not an amount; write digits with at most two decimals, like 48000, 48,000 "
            "or 48000.50.",
            field="amount",
            quotes={"amount": text},
        )
    value = Decimal(text.replace(",", ""))
    if value <= 0:
        raise InvalidInput(
            "`{amount}` is not an amount; give a positive number.", field="amount", quotes={"amount": text}
        )
    if value > MAX_AMOUNT:
        raise InvalidInput(too_large(text), field="amount")
    return value


def correction_of(text: str, *, takes_amount: bool) -> tuple[Decimal | None, str | None]:
    """What `/approval resubmit APR-… [amount=…] [new purpose]` corrects: the amount only when named as
    `amount=…` (so a purpose starting with a number, "2026 stationery order", is never read as money); the
    rest is the new purpose. None for what stays."""
    words = text.split(None, 1)
    if words and words[0].lower().startswith(AMOUNT_WORD):
        if not takes_amount:
            raise InvalidInput("This kind of request has no amount; correct its purpose only.")
        return amount_of(words[0][len(AMOUNT_WORD) :]), words[1].strip() if len(words) > 1 else None
    return None, text.strip() or None


def request_view(edge: Edge, kind_key: str | None = None) -> dict[str, Any]:
    settings = edge.center.approvals
    kind = settings.kind(kind_key) if kind_key else settings.kinds[0]
    choice = select_input("kind", "Kind", [(k.key, k.name) for k in settings.kinds], initial=kind.key)
    blocks = [
        {**choice, "dispatch_action": True},
        text_input("purpose", "Purpose", multiline=True, max_length=service.MAX_PURPOSE),
    ]
    for name in kind.fields:
        if name == "amount":
            blocks.append(
                InputBlock(
                    block_id="amount",
                    label=f"Amount ({settings.currency})",
                    element=NumberInputElement(
                        action_id="amount",
                        is_decimal_allowed=True,
                        min_value="0.01",
                        max_value=str(MAX_AMOUNT),
                    ),
                ).to_dict()
            )
        elif name in ("start_date", "end_date", "deadline"):
            label = FIELD_LABELS[name]
            blocks.append(
                InputBlock(block_id=name, label=label, element=DatePickerElement(action_id=name)).to_dict()
            )
        elif name == "target_unit":
            units = [(unit.key, unit.name) for unit, _parent in edge.center.all_units()]
            blocks.append(select_input("target_unit", FIELD_LABELS[name], units))
        elif name == "details":
            blocks.append(
                {
                    **text_input("details", FIELD_LABELS[name], multiline=True, max_length=3000),
                    "optional": True,
                }
            )
    return {
        "type": "modal",
        "callback_id": FORM,
        "title": {"type": "plain_text", "text": "Ask for approval"},
        "submit": {"type": "plain_text", "text": "Submit"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": blocks,
    }


def form_request(values: dict[str, Any]) -> dict[str, Any]:
    """The form's values (`Submission.fields`) as the service takes them."""
    found = dict(values)
    kind = found.pop("kind", None)
    if not kind:
        raise InvalidInput("Choose the kind of request.", field="kind")
    purpose = found.pop("purpose", None) or ""
    amount = amount_of(found.pop("amount")) if found.get("amount") else None
    found.pop("amount", None)
    if found.get("start_date") and found.get("end_date") and found["end_date"] < found["start_date"]:
        raise InvalidInput("The last day comes before the first.", field="end_date")
    return {
        "kind_key": kind,
        "purpose": purpose,
        "amount": amount,
        "fields": {k: v for k, v in found.items() if v},
    }


def listing(edge: Edge, user: str) -> Message:
    found = edge.read(lambda session, directory: queries.listing(session, clerk(edge, directory, user)))
    lines = [Mrkdwn("*Waiting for your decision*")]
    lines += [
        md(
            "• *{number}* {purpose} — step {position} ({label}), since {since}",
            number=r.number,
            purpose=escape(r.purpose).cut(80),
            position=s.position,
            label=s.label,
            since=slack_time(s.waiting_since, edge.center.calendar.zone),
        )
        for r, s in found.waiting
    ] or [Mrkdwn("Nothing. ✓")]
    lines.append(Mrkdwn("*Your requests*"))
    lines += [
        md(
            "• *{number}* {purpose} — {state}",
            number=r.number,
            purpose=escape(r.purpose).cut(80),
            state=r.state,
        )
        for r in found.mine
    ] or [Mrkdwn("None yet.")]
    text = Mrkdwn("\n").join(lines)
    return Message(text=text.cut(3000), blocks=sections(text)[:50])


def showing(edge: Edge, user: str, number: str) -> Message:
    def read(session: Any, directory: Any) -> Message:
        shown = queries.show(session, clerk(edge, directory, user), number)
        payload = cards.card_payload(shown.request, shown.steps, clerk(edge, directory, user))
        history = [
            md(
                "{at} · {who} · {action}{reason}",
                at=slack_time(e.at, edge.center.calendar.zone),
                who=directory.name_of(e.actor),
                action=e.action.removeprefix("approval."),
                reason=md(" — “{reason}”", reason=e.after["reason"])
                if e.after and e.after.get("reason")
                else "",
            )
            for e in shown.history
        ]
        facts = [
            md("*{label}*: {value}", label=label, value=value) for label, value in request_facts(payload)
        ]
        text = md(
            "*{number}* {kind} by {requester}: {purpose}{amount} — *{state}*\n",
            number=payload["number"],
            kind=payload["kind"],
            requester=payload["requester_name"],
            purpose=payload["purpose"],
            amount=f" ({payload['amount']})" if payload["amount"] else "",
            state=payload["state"],
        )
        text += Mrkdwn("").join(line + Mrkdwn("\n") for line in facts)
        text += (
            chain_lines(payload["steps"], edge.center.calendar.zone)
            + Mrkdwn("\n*History*\n")
            + Mrkdwn("\n").join(history)
        )
        return Message(text=text.cut(3000), blocks=sections(text)[:50])

    return edge.read(read)


def resubmitting(edge: Edge, command: Command, number: str, correction: str) -> Message:
    """`/approval resubmit APR-… [amount=…] [new purpose]`."""
    user = command.user_id
    takes_amount = edge.read(lambda s, _d: queries.kind_of(s, edge.center.approvals, number).has_amount)
    amount, purpose = correction_of(correction, takes_amount=takes_amount)
    if purpose is not None:
        purpose = edge.read(lambda _s, directory: command.typed(purpose or "", directory.known_name))
    request = edge.change(
        command,
        lambda s, d: service.resubmit(s, clerk(edge, d, user), number, purpose=purpose, amount=amount),
    )
    corrected = f" with the amount {request.amount:,.2f} {request.currency}" if amount is not None else ""
    return Message(
        text=md(
            "{number} is resubmitted{corrected}; the chain starts again.",
            number=request.number,
            corrected=corrected,
        )
    )


def date_of(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            "`{date}` is not a date; give the last day you are away, like 2026-12-24.", quotes={"date": text}
        ) from None


def requesting(edge: Edge, command: Command, rest: str) -> Message:
    """`/approval request <kind> <amount> <purpose>`, for kinds with an amount."""
    words = rest.split()
    asked = edge.center.approvals.kind(words[0]) if words else None
    if asked is not None and not asked.has_amount:
        raise InvalidInput(
            "{kind} is asked for with the form, which asks for what it needs: type `/approval` and choose "
            "{kind}.",
            quotes={"kind": asked.name},
        )
    if len(words) < 3:
        raise InvalidInput(
            "Type `/approval request &lt;kind&gt; &lt;amount&gt; &lt;purpose&gt;`, e.g. "
            "`/approval request expense 480 Taxi to the client`."
        )
    kind, amount = words[0], amount_of(words[1])
    user = command.user_id
    purpose = edge.read(lambda _s, d: command.typed(rest.split(None, 2)[2], d.known_name))
    request = edge.change(
        command,
        lambda s, d: service.request_approval(
            s, clerk(edge, d, user), kind_key=kind, purpose=purpose, amount=amount
        ),
    )
    return Message(
        text=md(
            "Asked for {number}; its card in your direct messages shows the chain.", number=request.number
        )
    )


def delegating(edge: Edge, command: Command, rest: str) -> Message:
    """`/approval delegate` (who decides for me, and for whom I decide), `… off`, `… @person until DATE`."""
    user = command.user_id
    if not rest.strip():
        return delegation_report(edge, user)
    if rest.strip().lower() == "off":
        ended = edge.change(command, lambda s, d: service.end_delegation(s, clerk(edge, d, user)))
        return Message(
            text=md(
                "{who} no longer decides for you; your approvals wait for you again.",
                who=mention(ended.delegate),
            )
        )
    who, _, until_text = rest.strip().partition(" until ")
    person = MENTION.match(who.strip())
    if person is None:
        if who.strip():
            raise InvalidInput(
                "Who decides for you? Mention them with @ (you typed `{typed}`): "
                "`/approval delegate @person until 2026-12-24`.",
                quotes={"typed": command.typed(who.strip())},
            )
        raise InvalidInput("Type `/approval delegate @person until 2026-12-24`.")
    if not until_text.strip():
        raise InvalidInput("Until when? Type `/approval delegate @person until 2026-12-24`.")
    until, delegate = date_of(until_text.strip()), person.group(1)
    edge.change(command, lambda s, d: service.delegate(s, clerk(edge, d, user), to=delegate, until=until))
    return Message(
        text=md(
            "Until {until}, {who} may decide your approvals. `/approval delegate off` ends it sooner.",
            until=f"{until:%Y-%m-%d}",
            who=mention(delegate),
        )
    )


def delegation_report(edge: Edge, user: str) -> Message:
    mine, for_others = edge.read(lambda s, d: service.delegations_of(s, clerk(edge, d, user)))
    lines = [
        md(
            "{who} decides your approvals until {until}. `/approval delegate off` ends it now.",
            who=mention(mine.delegate),
            until=f"{mine.until:%Y-%m-%d}",
        )
        if mine
        else Mrkdwn("No one decides for you. `/approval delegate @person until 2026-12-24` sets someone.")
    ]
    lines += [
        md("You decide for {who} until {until}.", who=mention(row.delegator), until=f"{row.until:%Y-%m-%d}")
        for row in for_others
    ]
    return Message(text=Mrkdwn("\n").join(lines))


def _needs_number(sub: str) -> InvalidInput:
    return InvalidInput(f"Which request? Type `/approval {sub} APR-2026-000045`.")


def register(app: App, edge: Edge) -> None:
    def with_number(run: Callable[[Command, str, str], Message], sub: str) -> Subcommand:
        def routed(command: Command, rest: str) -> Message:
            number, _, more = rest.strip().partition(" ")
            if not number:
                raise _needs_number(sub)
            return run(command, number, more)

        return routed

    def withdrawing(command: Command, number: str, _more: str) -> Message:
        user = command.user_id
        request = edge.change(command, lambda s, d: service.withdraw(s, clerk(edge, d, user), number))
        return Message(text=md("{number} is withdrawn.", number=request.number))

    subcommands: dict[str, Subcommand] = {
        "request": lambda command, rest: requesting(edge, command, rest),
        "list": lambda command, _rest: listing(edge, command.user_id),
        "show": with_number(lambda command, number, _more: showing(edge, command.user_id, number), "show"),
        "withdraw": with_number(withdrawing, "withdraw"),
        "resubmit": with_number(lambda c, number, more: resubmitting(edge, c, number, more), "resubmit"),
        "delegate": lambda command, rest: delegating(edge, command, rest),
    }

    def answer(ack: Ack, body: dict[str, Any]) -> None:
        command = Command.of(body)
        sub, _, rest = command.text.strip().partition(" ")
        run = subcommands.get(sub.lower())
        if run is None:
            raise unknown_subcommand(
                "/approval",
                command.typed(sub),
                subcommands,
                also="Type `/approval` alone for the request form; ",
            )
        reply = run(command, rest.strip())
        ack(text=reply.text, blocks=reply.blocks or None, response_type="ephemeral")

    def ack_form(ack: Ack, body: dict[str, Any]) -> None:
        user = Command.of(body).user_id
        edge.read(lambda _session, directory: directory.member(user))
        ack()

    def open_form(client: WebClient, body: dict[str, Any]) -> None:
        command = Command.of(body)
        if edge.read(lambda _session, directory: directory.get(command.user_id)) is not None:
            client.views_open(trigger_id=command.trigger_id, view=request_view(edge))

    def redraw(client: WebClient, body: dict[str, Any]) -> None:
        click = Click.of(body)
        if click.view is None or click.action.selected_option is None:
            return
        view = request_view(edge, click.action.selected_option.value)
        client.views_update(view_id=click.view.id, hash=click.view.hash, view=view)

    @app.view(FORM)
    def submitted(ack: Ack, body: dict[str, Any]) -> None:
        submission = Submission.of(body)
        asked = form_request(submission.fields())
        user = submission.user.id
        request = edge.change(
            submission, lambda s, d: service.request_approval(s, clerk(edge, d, user), **asked)
        )
        done = {
            "type": "modal",
            "title": {"type": "plain_text", "text": "Ask for approval"},
            "close": {"type": "plain_text", "text": "Done"},
            "blocks": [
                section(
                    md(
                        "Asked for *{number}*. Its card in your direct messages shows the chain.",
                        number=request.number,
                    )
                )
            ],
        }
        ack(response_action="update", view=done)

    app.command(COMMAND, matchers=[lambda body: not str(body.get("text", "")).strip()])(
        ack=ack_form, lazy=[open_form]
    )
    app.command(COMMAND)(answer)
    app.action("kind")(ack=lambda ack: ack(), lazy=[redraw])
