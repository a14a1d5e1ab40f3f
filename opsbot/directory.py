"""The center's directory in the database, and the lookups every workflow needs.

`sync_directory` upserts the center file's units and people; `Directory` is a plain value built from those
rows, so rules (approval chains, escalation targets) take it as an argument and stay pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from opsbot import audit
from opsbot.center import Center
from opsbot.db import Base
from opsbot.errors import NotInDirectory
from opsbot.languages import reader_locale
from opsbot.notices import Name
from opsbot.roles import Role


class UnitRow(Base):
    __tablename__ = "units"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    # The name in each language the center file gives it (`name` is the center's).
    names: Mapped[dict[str, str] | None] = mapped_column(JSON)
    parent_key: Mapped[str | None] = mapped_column(ForeignKey("units.key"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class PersonRow(Base):
    __tablename__ = "people"

    slack_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(32))
    unit_key: Mapped[str] = mapped_column(ForeignKey("units.key"), index=True)
    # Not a foreign key: the file is checked as a whole before it is loaded, and people leave in any order.
    reports_to: Mapped[str | None] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Their language: the center file's (loaded with it), their own choice, and Slack's ("" once asked, when
    # Slack had none); the last two are theirs and Slack's, so loading the file leaves them alone.
    locale: Mapped[str | None] = mapped_column(String(16))
    chosen_locale: Mapped[str | None] = mapped_column(String(16))
    slack_locale: Mapped[str | None] = mapped_column(String(16))


@dataclass(frozen=True, slots=True)
class Member:
    slack_id: str
    name: str
    role: Role
    unit: str
    reports_to: str | None
    locale: str | None = None  # the language they read, when not the center's


@dataclass(frozen=True, slots=True)
class UnitInfo:
    key: str
    name: str
    parent: str | None


@dataclass(frozen=True)
class Directory:
    """Who is who in the center: active people and units only."""

    people: Mapping[str, Member]
    units: Mapping[str, UnitInfo]

    def get(self, slack_id: str) -> Member | None:
        return self.people.get(slack_id)

    def member(self, slack_id: str) -> Member:
        """The person behind a Slack user, or NotInDirectory with a message they can act on."""
        person = self.people.get(slack_id)
        if person is None:
            raise NotInDirectory(slack_id)
        return person

    def superior_chain(self, slack_id: str) -> list[Member]:
        """Direct superior first, up to the top of the center. Stops at anyone who has left."""
        chain: list[Member] = []
        current = self.people.get(slack_id)
        while current is not None and current.reports_to is not None:
            current = self.people.get(current.reports_to)
            if current is None or current in chain:
                break
            chain.append(current)
        return chain

    def unit_path(self, unit: str) -> list[UnitInfo]:
        """The unit, its parent, and so on to the root."""
        path: list[UnitInfo] = []
        current = self.units.get(unit)
        while current is not None and current not in path:
            path.append(current)
            current = self.units.get(current.parent) if current.parent else None
        return path

    def members_of(self, unit: str) -> list[Member]:
        return sorted(
            (p for p in self.people.values() if p.unit == unit), key=lambda p: (-p.role.rank, p.name)
        )

    def holders(self, role: Role, unit: str) -> list[Member]:
        return [person for person in self.members_of(unit) if person.role == role]

    def holder(self, role: Role, unit: str) -> Member | None:
        """The holder of a role in a unit (the first by name when several hold it), or None."""
        found = self.holders(role, unit)
        return found[0] if found else None

    def head_of(self, unit: str) -> Member | None:
        """The highest-ranked person in the unit; a unit with no one of its own is led from its parent."""
        for info in self.unit_path(unit):
            ranked = [p for p in self.members_of(info.key) if p.role is not Role.QC_INSPECTOR]
            if ranked:
                return ranked[0]
        return None

    def name_of(self, slack_id: str | None) -> str:
        """The person's name; their Slack id if they are not in the directory; "no one" for nobody."""
        if slack_id is None:
            return "no one"
        person = self.people.get(slack_id)
        return person.name if person else slack_id

    def known_name(self, slack_id: str) -> str | None:
        person = self.people.get(slack_id)
        return person.name if person else None


def load_directory(session: Session) -> Directory:
    units = {
        row.key: UnitInfo(key=row.key, name=Name(row.name, row.names), parent=row.parent_key)
        for row in session.scalars(select(UnitRow).where(UnitRow.active))
    }
    people = {
        row.slack_id: Member(
            slack_id=row.slack_id,
            name=row.name,
            role=Role(row.role),
            unit=row.unit_key,
            reports_to=row.reports_to,
            locale=reader_locale(row.locale, row.chosen_locale, row.slack_locale),
        )
        for row in session.scalars(select(PersonRow).where(PersonRow.active))
    }
    return Directory(people=people, units=units)


def reading_locale(session: Session, slack_id: str) -> str | None:
    """The language one person reads, when not the center's."""
    row = session.get(PersonRow, slack_id)
    return reader_locale(row.locale, row.chosen_locale, row.slack_locale) if row is not None else None


@dataclass(frozen=True)
class SyncReport:
    added: int = 0
    changed: int = 0
    deactivated: int = 0

    @property
    def unchanged(self) -> bool:
        return not (self.added or self.changed or self.deactivated)


def sync_directory(
    session: Session, center: Center, *, now: datetime, actor: str = audit.SYSTEM
) -> SyncReport:
    """Make the directory match the center file. Idempotent: a second run changes nothing and audits nothing.
    People and units missing from the file are deactivated, never deleted, so old records still name them."""
    sync = _Sync(session, now, actor)
    units = {row.key: row for row in session.scalars(select(UnitRow))}
    for unit, parent in center.all_units():
        names = dict(unit.name.by_locale) if isinstance(unit.name, Name) else None
        wanted = {"key": unit.key, "name": str(unit.name), "names": names, "parent_key": parent}
        sync.upsert(units.get(unit.key), f"unit:{unit.key}", wanted, UnitRow)
    session.flush()
    people = {row.slack_id: row for row in session.scalars(select(PersonRow))}
    for person in center.people:
        wanted = {
            "slack_id": person.slack_id,
            "name": person.name,
            "role": person.role.value,
            "unit_key": person.unit,
            "reports_to": person.reports_to,
            "locale": person.locale,
        }
        sync.upsert(people.get(person.slack_id), f"person:{person.slack_id}", wanted, PersonRow)
    sync.deactivate(
        {f"person:{key}": row for key, row in people.items()}, {p.slack_id for p in center.people}
    )
    sync.deactivate(
        {f"unit:{key}": row for key, row in units.items()}, {u.key for u, _ in center.all_units()}
    )
    session.flush()
    audit.record_all(session, sync.entries)
    return SyncReport(**sync.counts)


@dataclass
class _Sync:
    """One run of `sync_directory`: what it changed, and the audit rows that say so (written at the end, in
    one statement)."""

    session: Session
    now: datetime
    actor: str
    counts: dict[str, int] = field(default_factory=lambda: {"added": 0, "changed": 0, "deactivated": 0})
    entries: list[audit.Entry] = field(default_factory=list)

    def upsert(
        self, row: UnitRow | PersonRow | None, subject: str, wanted: Mapping[str, object], make: type
    ) -> None:
        if row is None:
            self.session.add(make(**wanted, active=True))
            self._record("added", subject, None, dict(wanted))
            return
        before = {name: getattr(row, name) for name in wanted} | {"active": row.active}
        after = {**wanted, "active": True}
        if before != after:
            for name, value in after.items():
                setattr(row, name, value)
            self._record("changed", subject, before, after)

    def deactivate(self, rows: dict[str, UnitRow] | dict[str, PersonRow], keep: set[str]) -> None:
        for subject, row in rows.items():
            if row.active and subject.partition(":")[2] not in keep:
                row.active = False
                self._record("deactivated", subject, {"active": True}, {"active": False})

    def _record(
        self, what: str, subject: str, before: dict[str, object] | None, after: dict[str, object]
    ) -> None:
        self.counts[what] += 1
        self.entries.append(
            audit.Entry(self.now, self.actor, f"directory.{what}", subject, before=before, after=after)
        )
