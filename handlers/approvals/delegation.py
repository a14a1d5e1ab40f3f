"""`/approval delegate`: who decides for the person while they are away (and for whom they decide),
setting someone until a day, and ending it."""

from __future__ import annotations

import re

from handlers.blocks import Message
from handlers.edge import Edge
from handlers.mrkdwn import Mrkdwn
from handlers.payloads import Command
from opsbot.approvals import delegation
from opsbot.errors import InvalidInput
from opsbot.notices import Notice, Person, Quote

MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")


def _named(slack_id: str) -> Person:
    """Someone the answer mentions: a mention shows Slack's name for them, so their id stands for it."""
    return Person(slack_id, slack_id)


def delegating(edge: Edge, command: Command, rest: str) -> Message:
    """`/approval delegate` (who decides for me, and for whom I decide), `… off`, `… @person until DATE`."""
    user = command.user_id
    if not rest.strip():
        return delegation_report(edge, user)
    if rest.strip().lower() == "off":
        ended = edge.change(command, lambda s, d: delegation.end_delegation(s, edge.context(d, user)))
        said = Notice.of("approval.delegation.ended", who=_named(ended.delegate))
        return Message(text=edge.say_to(user)(said))
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
    set_until = Notice.of("approval.delegation.set", until=f"{row.until:%Y-%m-%d}", who=_named(to))
    return Message(text=edge.say_to(user)(set_until))


def delegation_report(edge: Edge, user: str) -> Message:
    mine, for_others = edge.read(lambda s, d: delegation.delegations_of(s, edge.context(d, user)))
    say = edge.say_to(user)
    lines = [
        say(Notice.of("approval.delegation.mine", who=_named(mine.delegate), until=f"{mine.until:%Y-%m-%d}"))
        if mine
        else say.term("approval.delegation.none")
    ]
    lines += [
        say(
            Notice.of(
                "approval.delegation.for_other", who=_named(row.delegator), until=f"{row.until:%Y-%m-%d}"
            )
        )
        for row in for_others
    ]
    return Message(text=Mrkdwn("\n").join(lines))
