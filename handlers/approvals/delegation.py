"""`/approval delegate`: who decides for the person while they are away (and for whom they decide),
setting someone until a day, and ending it."""

from __future__ import annotations

import re

from handlers.blocks import Message
from handlers.edge import Edge
from handlers.mrkdwn import Mrkdwn, md, mention
from handlers.payloads import Command
from opsbot.approvals import delegation
from opsbot.errors import InvalidInput
from opsbot.notices import Quote

MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")


def delegating(edge: Edge, command: Command, rest: str) -> Message:
    """`/approval delegate` (who decides for me, and for whom I decide), `… off`, `… @person until DATE`."""
    user = command.user_id
    if not rest.strip():
        return delegation_report(edge, user)
    if rest.strip().lower() == "off":
        ended = edge.change(command, lambda s, d: delegation.end_delegation(s, edge.context(d, user)))
        return Message(
            text=md(
                "{who} no longer decides for you; your approvals wait for you again.",
                who=mention(ended.delegate),
            )
        )
    who, _, until = rest.strip().partition(" until ")
    person = MENTION.match(who.strip())
    if person is None:
        if who.strip():
            raise InvalidInput("approval.delegate.mention", typed=Quote(command.typed(who.strip())))
        raise InvalidInput("approval.delegate.usage")
    if not until.strip():
        raise InvalidInput("approval.delegate.until")
    to = person.group(1)
    row = edge.change(
        command, lambda s, d: delegation.delegate(s, edge.context(d, user), to=to, until=until.strip())
    )
    return Message(
        text=md(
            "Until {until}, {who} may decide your approvals. `/approval delegate off` ends it sooner.",
            until=f"{row.until:%Y-%m-%d}",
            who=mention(to),
        )
    )


def delegation_report(edge: Edge, user: str) -> Message:
    mine, for_others = edge.read(lambda s, d: delegation.delegations_of(s, edge.context(d, user)))
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
