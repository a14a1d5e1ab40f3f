"""Case rules as pure functions: completeness, who handles, who reviews, who oversees a unit (who may act
and see: `opsbot.cases.permissions`)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from opsbot.directory import Directory, Member
from opsbot.escalation import escalation_target
from opsbot.roles import Role

LEADER_ROLES = (Role.GROUP_LEADER, Role.SUPERVISOR)
# A phone number as people write one: digits with spaces, dashes, dots or brackets, and a leading + for the
# country; as E.164 has it, 15 digits at most (and 7 at least, a local number without its area code).
_PHONE = re.compile(r"\+?[0-9 ()./-]+")
PHONE_DIGITS = (7, 15)
_EMAIL = re.compile(r"[^@\s]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")


def missing_items(required: Sequence[str], provided: Iterable[str]) -> list[str]:
    """The required items not provided, in the order the case type lists them."""
    have = {item.strip().casefold() for item in provided}
    return [item for item in required if item.casefold() not in have]


def handlers_of(unit: str, directory: Directory) -> list[Member]:
    """Who handles a unit's cases: its specialists; a unit without any is handled by its dispatcher."""
    specialists = [p for p in directory.members_of(unit) if p.role is Role.SPECIALIST]
    if specialists:
        return specialists
    leader = dispatcher(unit, directory)
    return [leader] if leader else []


def dispatcher(unit: str, directory: Directory) -> Member | None:
    """Who hands out the unit's cases: its group leader, or where there is none, the head of the unit."""
    return group_leader(unit, directory) or directory.head_of(unit)


def least_loaded(candidates: Sequence[Member], open_cases: Mapping[str, int]) -> Member | None:
    """The candidate with the fewest open cases; ties go to the first by name, so the choice is stable."""
    if not candidates:
        return None
    return min(
        candidates, key=lambda person: (open_cases.get(person.slack_id, 0), person.name, person.slack_id)
    )


def group_leader(unit: str, directory: Directory) -> Member | None:
    """The group leader or supervisor of the unit (or of the nearest unit above it that has one)."""
    for info in directory.unit_path(unit):
        for role in LEADER_ROLES:
            found = directory.holder(role, info.key)
            if found:
                return found
    return None


def deputy_manager(unit: str, directory: Directory) -> Member | None:
    """The deputy manager over the unit (the manager where there is no deputy)."""
    for role in (Role.DEPUTY_MANAGER, Role.MANAGER):
        for info in directory.unit_path(unit):
            found = directory.holder(role, info.key)
            if found:
                return found
    return None


@dataclass(frozen=True)
class Reviewers:
    first: Member
    second: Member


class NoReviewer(Exception):
    """No one holds `role` over the unit, so a review level has no reviewer."""

    def __init__(self, role: Role) -> None:
        super().__init__(role)
        self.role = role


def reviewers_for(unit: str, handler: str, directory: Directory) -> Reviewers:
    """Group leader first, deputy manager second; no one reviews their own handling and no one reviews twice:
    such a step goes to the next person up."""
    first = group_leader(unit, directory)
    if first is None:
        raise NoReviewer(Role.GROUP_LEADER)
    if first.slack_id == handler:
        first = escalation_target(directory, first.slack_id, avoid={handler}) or _missing(Role.GROUP_LEADER)
    second = deputy_manager(unit, directory)
    if second is None:
        raise NoReviewer(Role.DEPUTY_MANAGER)
    if second.slack_id in (handler, first.slack_id):
        second = escalation_target(directory, second.slack_id, avoid={handler, first.slack_id}) or _missing(
            Role.DEPUTY_MANAGER
        )
    return Reviewers(first=first, second=second)


def _missing(role: Role) -> Member:
    raise NoReviewer(role)


def oversees(person: Member) -> bool:
    """Group leaders and above keep an eye on their unit's cases (and those of the units under it)."""
    return person.role.rank >= Role.GROUP_LEADER.rank


def overseers(unit: str, directory: Directory) -> list[Member]:
    """Who keeps an eye on a unit's cases: the group leaders and above of the unit and the units over it."""
    return [p for info in directory.unit_path(unit) for p in directory.members_of(info.key) if oversees(p)]


def contact_kind(contact: str) -> str | None:
    """What a contact is: a phone number ("phone") or an e-mail address ("email"); None when neither."""
    text = contact.strip()
    if _EMAIL.fullmatch(text):
        return "email"
    digits = sum(character in "0123456789" for character in text)
    if _PHONE.fullmatch(text) and PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]:
        return "phone"
    return None


def mask_contact(contact: str) -> str:
    """Enough to recognise a contact, not to use it: `138****5678`, `z***@example.com`."""
    contact = contact.strip()
    if "@" in contact:
        name, _, domain = contact.partition("@")
        return f"{name[:1]}***@{domain}"
    digits = [c for c in contact if c.isdigit()]
    if len(digits) >= 7:
        return f"{''.join(digits[:3])}****{''.join(digits[-4:])}"
    return contact[:1] + "***" if contact else ""
