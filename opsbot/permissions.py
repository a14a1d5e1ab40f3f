"""Who may do what: named predicates over the person acting and the subject they act on, one `require`, and
one wording of every refusal ("Only <who> may <what>").

A `Permission` is a code and a test. The code names it in `docs/permissions.md` and words it in the
catalogue (`permission.<code>`: "supervisors, group leaders and above"); permissions combine with `|` (either
suffices), and the refusal names each alternative.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from opsbot.context import Context
from opsbot.directory import Member
from opsbot.errors import NotAllowed
from opsbot.notices import Notice, Person, Term
from opsbot.roles import Role
from opsbot.subjects import Parties


@dataclass(frozen=True)
class Asking:
    """Who asks (`person` is None for someone not in the directory, such as an admin from outside the
    center), in which context, about which subject (its parties), if any."""

    ctx: Context
    person: Member | None
    subject: Parties | None


@dataclass(frozen=True)
class Permission:
    codes: tuple[str, ...]
    test: Callable[[Asking], bool]

    def holds(self, asking: Asking) -> bool:
        return self.test(asking)

    def __or__(self, other: Permission) -> Permission:
        return Permission(self.codes + other.codes, lambda asking: self.test(asking) or other.test(asking))


def _ranked(asking: Asking, role: Role) -> bool:
    return asking.person is not None and asking.person.role.rank >= role.rank


def at_least(role: Role) -> Permission:
    """A role of at least `role`'s rank (a supervisor and a group leader are one rank)."""
    return Permission((f"at_least.{role.value}",), lambda asking: _ranked(asking, role))


def has_role(role: Role) -> Permission:
    """Exactly this role (a QC inspector's work is a function of the role, not of rank)."""
    return Permission((f"role.{role.value}",), lambda a: a.person is not None and a.person.role is role)


def _is_admin(asking: Asking) -> bool:
    return asking.ctx.actor in asking.ctx.center.admins


IS_ADMIN = Permission(("admin",), _is_admin)


def _is_owner(asking: Asking) -> bool:
    return asking.subject is not None and asking.subject.owner == asking.ctx.actor


def _in_owners_chain(asking: Asking) -> bool:
    subject = asking.subject
    if subject is None or subject.owner is None:
        return False
    chain = asking.ctx.directory.superior_chain(subject.owner)
    return asking.ctx.actor == subject.owner or any(p.slack_id == asking.ctx.actor for p in chain)


def _is_party(asking: Asking) -> bool:
    return asking.subject is not None and asking.ctx.actor in asking.subject.parties


IS_OWNER = Permission(("owner",), _is_owner)
IN_OWNERS_CHAIN = Permission(("owner_chain",), _in_owners_chain)
IS_PARTY = Permission(("party",), _is_party)


def allows(permission: Permission, ctx: Context, subject: Parties | None = None) -> bool:
    """Whether the actor may do what `permission` guards (for showing a button or a section)."""
    return permission.holds(Asking(ctx, ctx.directory.get(ctx.actor), subject))


def require(
    permission: Permission,
    ctx: Context,
    action: str,
    *,
    subject: Parties | None = None,
    number: str | None = None,
) -> Member | None:
    """The actor as the directory knows them, if `permission` lets them do `action` (worded as
    `action.<action>`, with the subject's `number`); otherwise the refusal names who may, and what the actor
    is. Someone not in the directory whom no permission lets in is told they are not in it."""
    person = ctx.directory.get(ctx.actor)
    if permission.holds(Asking(ctx, person, subject)):
        return person
    if person is None:
        ctx.directory.member(ctx.actor)  # raises NotInDirectory
    owner = subject.owner if subject else None
    who = [
        Notice.of(
            f"permission.{code}",
            number=number,
            owner=Person(owner, ctx.directory.name_of(owner)) if owner else Term("permission.no_one"),
        )
        for code in permission.codes
    ]
    raise NotAllowed(
        "permission.refused",
        who=_either(who),
        action=Notice.of(f"action.{action}", number=number),
        role=Term(f"role.{person.role.value}") if person else None,
    )


def _either(alternatives: list[Notice]) -> Notice:
    first, *rest = alternatives
    return Notice.of("permission.either", one=first, other=_either(rest)) if rest else first
