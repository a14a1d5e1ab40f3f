"""`/approval`: its subcommands — quick requests, the lists, withdrawing, resubmitting and delegation — and
the request form it opens when typed alone."""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import App

from handlers.approvals import request_form
from handlers.approvals.delegation import delegating
from handlers.approvals.reading import listing, showing
from handlers.blocks import Message
from handlers.catalogue import CommandHelp
from handlers.edge import Edge
from handlers.payloads import Command
from handlers.routes import Routes
from handlers.subcommands import Subcommand, router
from opsbot.approvals import service
from opsbot.approvals.asking import DATES
from opsbot.approvals.policy import ApprovalSettings
from opsbot.approvals.records import money_of
from opsbot.errors import InvalidInput
from opsbot.notices import Notice

COMMAND = "/approval"
# Each use of the command, and the code of what `/ops help` says of it (`words.HELP`), in its reader's words.
USES = (
    ("/approval", "approval.help.form"),
    ("/approval request <kind> <amount> <purpose>", "approval.help.request"),
    ("/approval list", "approval.help.list"),
    ("/approval show APR-2026-000045", "approval.help.show"),
    ("/approval delegate @person until 2026-12-24", "approval.help.delegate"),
    ("/approval delegate [off]", "approval.help.delegations"),
    ("/approval withdraw APR-…", "approval.help.withdraw"),
    ("/approval resubmit APR-… [amount=48000] [new purpose]", "approval.help.resubmit"),
)
HELP = tuple(CommandHelp(usage, code) for usage, code in USES)
# How a resubmission names a corrected amount.
AMOUNT_WORD = "amount="


def correction_of(text: str) -> tuple[str | None, str | None]:
    """What `/approval resubmit APR-… [amount=…] [new purpose]` corrects: the amount (as typed) only when
    named as `amount=…`, so a purpose starting with a number, "2026 stationery order", is never read as
    money; the rest is the new purpose. None for what stays."""
    words = text.split(None, 1)
    if words and words[0].lower().startswith(AMOUNT_WORD):
        return words[0][len(AMOUNT_WORD) :], words[1].strip() if len(words) > 1 else None
    return None, text.strip() or None


def resubmitting(edge: Edge, command: Command, number: str, correction: str) -> Message:
    """`/approval resubmit APR-… [amount=…] [new purpose]`."""
    user = command.user_id
    amount, purpose = correction_of(correction)
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
        raise InvalidInput("approval.resubmit.use_form", refusal=refused.notice) from None
    said = (
        Notice.of(
            "approval.resubmitted.amount",
            number=request.number,
            amount=money_of(request),
        )
        if amount is not None
        else Notice.of("approval.resubmitted", number=request.number)
    )
    return Message(text=edge.say_to(user)(said))


def requesting(edge: Edge, command: Command, rest: str) -> Message:
    """`/approval request <kind> <amount> <purpose>`, for kinds with an amount."""
    words = rest.split()
    asked = ApprovalSettings.of(edge.center).kind(words[0]) if words else None
    if asked is not None and not asked.has_amount:
        raise InvalidInput("approval.request.use_form", kind=asked.name)
    if len(words) < 3:
        raise InvalidInput("approval.request.usage")
    kind, amount = words[0], words[1]
    user = command.user_id
    purpose = edge.typed(command, rest.split(None, 2)[2])
    request = edge.change(
        command,
        lambda s, d: service.request_approval(
            s, edge.context(d, user), kind_key=kind, purpose=purpose, amount=amount
        ),
    )
    return Message(text=edge.say_to(user)(Notice.of("approval.requested", number=request.number)))


def withdrawing(edge: Edge, command: Command, number: str) -> Message:
    user = command.user_id
    request = edge.change(command, lambda s, d: service.withdraw(s, edge.context(d, user), number))
    return Message(text=edge.say_to(user)(Notice.of("approval.withdrawn", number=request.number)))


def with_number(sub: str, run: Callable[[Command, str, str], Message]) -> Subcommand:
    """A subcommand of one request: `/approval <sub> APR-… [more]`."""

    def routed(command: Command, rest: str) -> Message:
        number, _, more = rest.strip().partition(" ")
        if not number:
            raise InvalidInput("approval.which", sub=sub)
        return run(command, number, more)

    return routed


def subcommands(edge: Edge) -> dict[str, Subcommand]:
    return {
        "request": lambda command, rest: requesting(edge, command, rest),
        "list": lambda command, _rest: listing(edge, command.user_id),
        "show": with_number("show", lambda command, number, _more: showing(edge, command.user_id, number)),
        "withdraw": with_number(
            "withdraw", lambda command, number, _more: withdrawing(edge, command, number)
        ),
        "resubmit": with_number("resubmit", lambda c, number, more: resubmitting(edge, c, number, more)),
        "delegate": lambda command, rest: delegating(edge, command, rest),
    }


def register(app: App, routes: Routes, edge: Edge) -> None:
    """`/approval` typed alone opens the request form; with a word, the word's subcommand answers."""
    request_form.register(app, routes, edge, COMMAND)
    app.command(COMMAND)(router(COMMAND, subcommands(edge), edge.wordings, edge.say_to, also="approval.also"))
