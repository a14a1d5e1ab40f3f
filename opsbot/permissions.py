"""Who may do what: named predicates over the person acting and the subject they act on, one `require`, and
one wording of every refusal ("Only <who> can <what>; you are a <role>.").

A `Permission` is its codes and a test. Each code names an alternative in `docs/permissions.md` and words it
in the catalogue (`permission.<code>`: "supervisors, group leaders and above"). Permissions combine with `|`
(either suffices: the refusal names each alternative) and `&` (each is needed: the refusal names the
alternatives of the first that does not hold). The kernel's predicates read the subject's parties
(`opsbot.subjects.Parties`); a workflow passes a richer subject (a case with its registrar and reviewers)
to the predicates that read more of it, made with `is_person`, `in_chain_of` and `is_one_of`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from opsbot.context import Context
from opsbot.directory import Directory, Member
from opsbot.errors import NotAllowed
from opsbot.notices import Notice, Param, Person, Term
from opsbot.roles import Role
from opsbot.subjects import Parties

S = TypeVar("S", contravariant=True)
T = TypeVar("T", covariant=True)
P = TypeVar("P", bound=Parties)
U = TypeVar("U")


@dataclass(frozen=True)
class Asking(Generic[T]):
    """Who asks (`person` is None for someone not in the directory, such as an admin from outside the
    center), with the directory and the center's admins, about which subject, if any."""

    actor: str
    person: Member | None
    directory: Directory
    admins: Collection[str]
    subject: T | None

    @classmethod
    def of(cls, ctx: Context, subject: T | None) -> Asking[T]:
        return cls(ctx.actor, ctx.directory.get(ctx.actor), ctx.directory, ctx.center.admins, subject)


# What a code's wording names besides the number and the subject's owner and unit (a person, say), for the
# subject asked about; None when the alternative names no one there (a step no one stands in for), and is
# left out of the refusal.
Naming = Callable[[Asking[Any]], Mapping[str, Param] | None]


@dataclass(frozen=True)
class Permission(Generic[S]):
    """Who may, as its codes (one per alternative) and a test of someone asking about a subject of type
    `S`; `naming` says what each code's wording names, where it names more than the kernel gives it."""

    codes: tuple[str, ...]
    test: Callable[[Asking[S]], bool]
    naming: Mapping[str, Naming] = field(default_factory=dict)
    # What must each hold, when the permission is several joined by `&`; each is refused in its own words.
    parts: tuple[Permission[S], ...] = ()

    def holds(self, asking: Asking[S]) -> bool:
        return self.test(asking)

    def __or__(self: Permission[U], other: Permission[U]) -> Permission[U]:
        if self.parts or other.parts:
            raise TypeError("join permissions with | before &: a refusal names one part's alternatives")
        return Permission(
            self.codes + other.codes,
            lambda asking: self.test(asking) or other.test(asking),
            {**self.naming, **other.naming},
        )

    def __and__(self: Permission[U], other: Permission[U]) -> Permission[U]:
        parts = (*(self.parts or (self,)), *(other.parts or (other,)))
        return Permission(
            self.codes + other.codes, lambda asking: all(p.test(asking) for p in parts), parts=parts
        )

    def refusing(self, asking: Asking[S]) -> Permission[S]:
        """The part whose alternatives a refusal names: the first that does not hold."""
        return next((part for part in self.parts if not part.test(asking)), self)


def _ranked(asking: Asking[object], role: Role) -> bool:
    return asking.person is not None and asking.person.role.rank >= role.rank


def at_least(role: Role) -> Permission[Any]:
    """A role of at least `role`'s rank (a supervisor and a group leader are one rank)."""
    return Permission((f"at_least.{role.value}",), lambda asking: _ranked(asking, role))


def has_role(role: Role) -> Permission[Any]:
    """Exactly this role (a QC inspector's work is a function of the role, not of rank)."""
    return Permission((f"role.{role.value}",), lambda a: a.person is not None and a.person.role is role)


ANYONE: Permission[Any] = Permission(("anyone",), lambda _asking: True)
# Anyone in the center's directory (whom no permission lets in is told they are not in it).
IS_MEMBER: Permission[Any] = Permission(("member",), lambda asking: asking.person is not None)
IS_ADMIN: Permission[Any] = Permission(("admin",), lambda asking: asking.actor in asking.admins)


def _chain(asking: Asking[object], person: str | None) -> bool:
    """The actor is `person` or one of their superiors."""
    if person is None:
        return False
    above = asking.directory.superior_chain(person)
    return asking.actor == person or any(p.slack_id == asking.actor for p in above)


def _in_unit(asking: Asking[Parties]) -> bool:
    """The actor belongs to the subject's unit or to a unit over it."""
    subject, person = asking.subject, asking.person
    if subject is None or subject.unit is None or person is None:
        return False
    return any(info.key == person.unit for info in asking.directory.unit_path(subject.unit))


IS_OWNER: Permission[Parties] = Permission(
    ("owner",), lambda a: a.subject is not None and a.subject.owner == a.actor
)
IN_OWNERS_CHAIN: Permission[Parties] = Permission(
    ("owner_chain",), lambda a: a.subject is not None and _chain(a, a.subject.owner)
)
IS_PARTY: Permission[Parties] = Permission(
    ("party",), lambda a: a.subject is not None and a.actor in a.subject.parties
)
IN_SUBJECTS_UNIT: Permission[Parties] = Permission(("unit",), _in_unit)

# Whom a workflow's predicate is about, read from its subject (the case's registrar, the step's approver).
Who = Callable[[P, Directory], str | None]


def _naming(who: Who[Any]) -> Naming:
    def named(asking: Asking[Any]) -> Mapping[str, Param] | None:
        person = who(asking.subject, asking.directory) if asking.subject is not None else None
        return {"person": _person(asking.directory, person)} if person else None

    return named


def is_person(code: str, who: Who[P]) -> Permission[P]:
    """The actor is the one person `who` names on the subject (worded with them as `{person}`)."""

    def test(asking: Asking[P]) -> bool:
        subject = asking.subject
        return subject is not None and asking.actor == who(subject, asking.directory)

    return Permission((code,), test, {code: _naming(who)})


def in_chain_of(code: str, who: Who[P]) -> Permission[P]:
    """The actor is the person `who` names on the subject, or one of their superiors (`{person}`)."""

    def test(asking: Asking[P]) -> bool:
        subject = asking.subject
        return subject is not None and _chain(asking, who(subject, asking.directory))

    return Permission((code,), test, {code: _naming(who)})


def is_one_of(code: str, people: Callable[[P, Directory], Collection[str]]) -> Permission[P]:
    """The actor is one of the people `people` names on the subject."""

    def test(asking: Asking[P]) -> bool:
        subject = asking.subject
        return subject is not None and asking.actor in people(subject, asking.directory)

    return Permission((code,), test)


def allows(permission: Permission[S], ctx: Context, subject: S | None = None) -> bool:
    """Whether the actor may do what `permission` guards (for showing a button or a section)."""
    return permission.holds(Asking.of(ctx, subject))


def grants(permission: Permission[S], person: Member, directory: Directory, subject: S | None = None) -> bool:
    """Whether `permission` lets `person` in where nothing is changed and no context is at hand (what a list
    or a section of the App Home shows them). The center's admins are not known there: `IS_ADMIN` never
    holds."""
    return permission.holds(Asking(person.slack_id, person, directory, (), subject))


def require(
    permission: Permission[S],
    ctx: Context,
    action: str,
    *,
    subject: S | None = None,
    number: str | None = None,
    **about: Param,
) -> Member | None:
    """The actor as the directory knows them, if `permission` lets them do `action` (worded as
    `action.<action>`, with the subject's `number` and what else is `about` it); otherwise the refusal names
    who may, and what the actor is. Someone not in the directory whom no permission lets in is told they
    are not in it."""
    asking = Asking.of(ctx, subject)
    if permission.holds(asking):
        return asking.person
    person = asking.person or ctx.directory.member(ctx.actor)  # raises NotInDirectory for a stranger
    said: dict[str, Param] = {"number": number, **about}
    refusing = permission.refusing(asking)
    base = {**said, **_parties_words(asking)}
    named = {code: refusing.naming.get(code, _nothing)(asking) for code in refusing.codes}
    who = [Notice(f"permission.{code}", {**base, **more}) for code, more in named.items() if more is not None]
    # Should every alternative name no one there, the refusal still names them all.
    anyway = [Notice(f"permission.{code}", {**base, "person": Term("permission.no_one")}) for code in named]
    raise NotAllowed(
        "permission.refused",
        who=_listed(who or anyway),
        action=Notice.of(f"action.{action}", **said),
        role=Term(f"role.{person.role.value}"),
    )


def _nothing(_asking: Asking[Any]) -> Mapping[str, Param]:
    return {}


def _person(directory: Directory, slack_id: str | None) -> Param:
    return Person(slack_id, directory.name_of(slack_id)) if slack_id else Term("permission.no_one")


def _parties_words(asking: Asking[object]) -> dict[str, Param]:
    """What every alternative may name of a subject with parties: whose it is, and its unit."""
    subject = asking.subject
    if not isinstance(subject, Parties):
        return {}
    unit = asking.directory.units.get(subject.unit) if subject.unit else None
    return {
        "owner": _person(asking.directory, subject.owner),
        "unit": unit.name if unit else subject.unit,
    }


def _listed(alternatives: list[Notice]) -> Notice:
    """The alternatives as one: a or b; a, b, or c (a comma before the last "or": an alternative may have
    an "or" of its own, "Chen Jing or their superiors")."""
    first, *rest = alternatives
    if not rest:
        return first
    if len(rest) == 1:
        return Notice.of("permission.either", one=first, other=rest[0])
    *middle, last = rest
    head = first
    for one in middle:
        head = Notice.of("permission.among", one=head, other=one)
    return Notice.of("permission.or_last", one=head, other=last)
