"""Who a matter goes to when it goes up: the first superior with no part in it. One walk up the reporting
chain, for deadlines' escalation steps, approvals' segregation of duties and reviews alike."""

from __future__ import annotations

from collections.abc import Collection

from opsbot.center import Function
from opsbot.directory import Directory, Member


def escalation_target(directory: Directory, person: str, *, avoid: Collection[str] = ()) -> Member | None:
    """The first of `person`'s superiors who is not in `avoid` (the requester, the other approvers, whoever
    already decided): None at the top of the chain, when no one above is free."""
    return next((p for p in directory.superior_chain(person) if p.slack_id not in avoid), None)


def function_holder(function: Function, directory: Directory) -> Member | None:
    """Who holds a function (finance review, QC, …): the head of its unit, or the first holder of its role."""
    if function.unit is not None:
        # Only the unit's own people: head_of falls back to the parent unit's head, which would silently hand,
        # say, finance review to the director when Finance is empty instead of telling the admin.
        head = directory.head_of(function.unit)
        return head if head is not None and head.unit == function.unit else None
    holders = sorted(
        (p for p in directory.people.values() if p.role is function.role), key=lambda p: (p.name, p.slack_id)
    )
    return holders[0] if holders else None
