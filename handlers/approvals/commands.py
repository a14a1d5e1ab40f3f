"""`/approval`: the request form, quick requests, the lists, delegation, withdrawing and resubmitting."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from handlers.approvals.card import chain_lines, request_facts
from handlers.approvals.request_form import FORM, form_request, request_view
from handlers.blocks import Message, modal, section, sections
from handlers.catalogue import CommandHelp
from handlers.edge import Edge
from handlers.mrkdwn import Mrkdwn, escape, md, mention, slack_time
from handlers.payloads import Click, Command, Submission
from handlers.routes import Routes
from handlers.subcommands import Subcommand, router
from opsbot.approvals import cards, queries, service
from opsbot.approvals.chains import amount_of
from opsbot.approvals.lifecycle import RequestState
from opsbot.approvals.models import DATES
from opsbot.errors import InvalidInput

COMMAND = "/approval"
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
        "its amount; *Resubmit…* on its card corrects every field.",
    ),
)
MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
# How a resubmission names a corrected amount.
AMOUNT_WORD = "amount="


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


def listing(edge: Edge, user: str) -> Message:
    found = edge.read(lambda session, directory: queries.listing(session, edge.context(directory, user)))
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
            state=RequestState(r.state).words,
        )
        for r in found.mine
    ] or [Mrkdwn("None yet.")]
    text = Mrkdwn("\n").join(lines)
    return Message(text=text.cut(3000), blocks=sections(text)[:50])


def showing(edge: Edge, user: str, number: str) -> Message:
    def read(session: Any, directory: Any) -> Message:
        who = edge.context(directory, user)
        shown = queries.show(session, who, number)
        payload = cards.card_payload(shown.request, shown.steps, who, shown.standing_in)
        history = [
            md(
                "{at} · {who} · {what}{reason}",
                at=slack_time(event.at, edge.center.calendar.zone),
                who=event.who,
                what=event.what,
                reason=md(" — “{reason}”", reason=event.reason) if event.reason else "",
            )
            for event in shown.history
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
            state=RequestState(payload["state"]).words,
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
        purpose = edge.typed(command, purpose)
    try:
        request = edge.change(
            command,
            lambda s, d: service.resubmit(s, edge.context(d, user), number, purpose=purpose, amount=amount),
        )
    except InvalidInput as refused:
        if refused.field not in DATES:
            raise
        # The command corrects no date: the form does.
        raise InvalidInput(
            refused.message + " Correct it with *Resubmit…* on the request's card.", quotes=refused.quotes
        ) from None
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
    purpose = edge.typed(command, rest.split(None, 2)[2])
    request = edge.change(
        command,
        lambda s, d: service.request_approval(
            s, edge.context(d, user), kind_key=kind, purpose=purpose, amount=amount
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
        ended = edge.change(command, lambda s, d: service.end_delegation(s, edge.context(d, user)))
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
    edge.change(command, lambda s, d: service.delegate(s, edge.context(d, user), to=delegate, until=until))
    return Message(
        text=md(
            "Until {until}, {who} may decide your approvals. `/approval delegate off` ends it sooner.",
            until=f"{until:%Y-%m-%d}",
            who=mention(delegate),
        )
    )


def delegation_report(edge: Edge, user: str) -> Message:
    mine, for_others = edge.read(lambda s, d: service.delegations_of(s, edge.context(d, user)))
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


def register(app: App, routes: Routes, edge: Edge) -> None:
    def with_number(run: Callable[[Command, str, str], Message], sub: str) -> Subcommand:
        def routed(command: Command, rest: str) -> Message:
            number, _, more = rest.strip().partition(" ")
            if not number:
                raise _needs_number(sub)
            return run(command, number, more)

        return routed

    def withdrawing(command: Command, number: str, _more: str) -> Message:
        user = command.user_id
        request = edge.change(command, lambda s, d: service.withdraw(s, edge.context(d, user), number))
        return Message(text=md("{number} is withdrawn.", number=request.number))

    subcommands: dict[str, Subcommand] = {
        "request": lambda command, rest: requesting(edge, command, rest),
        "list": lambda command, _rest: listing(edge, command.user_id),
        "show": with_number(lambda command, number, _more: showing(edge, command.user_id, number), "show"),
        "withdraw": with_number(withdrawing, "withdraw"),
        "resubmit": with_number(lambda c, number, more: resubmitting(edge, c, number, more), "resubmit"),
        "delegate": lambda command, rest: delegating(edge, command, rest),
    }

    answer = router(COMMAND, subcommands, also="Type `/approval` alone for the request form; ")

    def ack_form(ack: Ack, body: dict[str, Any]) -> None:
        user = Command.of(body).user_id
        edge.read(lambda _session, directory: directory.member(user))
        ack()

    def open_form(client: WebClient, body: dict[str, Any]) -> None:
        command = Command.of(body)
        if edge.read(lambda _session, directory: directory.get(command.user_id)) is not None:
            client.views_open(trigger_id=command.trigger_id, view=request_view(edge.center))

    def redraw(body: dict[str, Any], client: WebClient, _respond: Respond) -> None:
        click = Click.of(body)
        if click.view is None or click.action.selected_option is None:
            return
        view = request_view(edge.center, click.action.selected_option.value)
        client.views_update(view_id=click.view.id, hash=click.view.hash, view=view)

    @routes.view(FORM)
    def submitted(ack: Ack, body: dict[str, Any]) -> None:
        submission = Submission.of(body)
        asked = form_request(submission.fields())
        user = submission.user.id
        request = edge.change(
            submission, lambda s, d: service.request_approval(s, edge.context(d, user), **asked)
        )
        asked_for = md(
            "Asked for *{number}*. Its card in your direct messages shows the chain.", number=request.number
        )
        done = modal("Ask for approval", [section(asked_for)], close="Done")
        ack(response_action="update", view=done)

    app.command(COMMAND, matchers=[lambda body: not str(body.get("text", "")).strip()])(
        ack=ack_form, lazy=[open_form]
    )
    app.command(COMMAND)(answer)
    routes.action_after_ack("kind", redraw)
