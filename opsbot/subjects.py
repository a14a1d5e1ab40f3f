"""The kinds of subject opsbot keeps — a case, an approval request, an announcement, and those the later
workflows bring — and what the kernel needs of each: its number's prefix, how to load one locked for a change,
and who it belongs to (owner, unit, parties). Audit rows, card keys, permissions and deadlines ask a subject's
kind rather than knowing the workflow.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy import bindparam, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from opsbot.directory import Directory
from opsbot.errors import NotFound
from opsbot.notices import Quote

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)
# A record number as opsbot makes them (`numbering.next_number`): PREFIX-YEAR-SEQUENCE.
NUMBER = re.compile(r"^([A-Z]{2,8})-(\d{4})-(\d{1,12})$")


@dataclass(frozen=True)
class Parties:
    """Who a subject belongs to: whose it is now (`owner`), its unit, and everyone with a part in it."""

    owner: str | None
    unit: str | None
    parties: frozenset[str] = frozenset()


class Loader(Protocol[T_co]):
    def __call__(self, session: Session, number: str, *, for_change: bool = True) -> T_co: ...


@dataclass(frozen=True)
class SubjectKind(Generic[T]):
    """A kind of subject: `kind` names it in audit rows, card keys and deadlines (`case`), `prefix` in its
    numbers (`CASE`); `load` finds one by number (locked when it is to change), `parties` says who it belongs
    to."""

    kind: str
    prefix: str
    load: Loader[T]
    parties: Callable[[T, Directory], Parties]

    def card_key(self, number: str) -> str:
        """The key of the subject's living card in the outbox (`case:CASE-2026-000123`)."""
        return f"{self.kind}:{number}"


def by_number(kind: str, column: InstrumentedAttribute[Any]) -> Loader[Any]:
    """The usual loader: the row whose `column` holds the number, locked for the rest of the transaction when
    it is to change, so two people acting at once go one after the other; a number with no subject is refused
    (`<kind>.not_found`)."""
    reading = select(column.class_).where(column == bindparam("number"))
    queries = {False: reading, True: reading.with_for_update()}

    def load(session: Session, number: str, *, for_change: bool = True) -> Any:
        number = number.strip().upper()
        found = session.scalars(queries[for_change], {"number": number}).one_or_none()
        if found is None:
            raise NotFound(f"{kind}.not_found", number=Quote(number))
        return found

    return load


class SubjectsClash(Exception):
    pass


@dataclass(frozen=True)
class Subjects:
    """Every kind of subject the registered workflows bring, by kind."""

    by_kind: Mapping[str, SubjectKind[Any]]

    @classmethod
    def of(cls, kinds: Iterable[SubjectKind[Any]]) -> Subjects:
        found: dict[str, SubjectKind[Any]] = {}
        for kind in kinds:
            clash = [k for k in found.values() if kind.kind == k.kind or kind.prefix == k.prefix]
            if clash:
                raise SubjectsClash(
                    f"subject kinds {kind.kind!r} and {clash[0].kind!r} share a name or prefix"
                )
            found[kind.kind] = kind
        return cls(found)

    def kind_of_number(self, number: str) -> SubjectKind[Any] | None:
        """The kind a record number belongs to by its prefix (`CASE-2026-000123` → cases), if any."""
        matched = NUMBER.match(number.strip().upper())
        if matched is None:
            return None
        return next((kind for kind in self.by_kind.values() if kind.prefix == matched.group(1)), None)
