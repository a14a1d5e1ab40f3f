"""What a requester gives, read once for every path in — the form, `/approval request`, a resubmission by
the form or by command: the purpose, the amount as people write it, and the kind's other fields.

Every rule on those values is the model's, so each refusal names its field: how an amount is written and
what the database can hold, the dates a kind needs and that they lie ahead (today in the center counts), a
last day that comes before the first, the receiving unit. What the rules read besides the values (the kind,
the center's date, currency and units) comes in the validation context (`Asked`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, ClassVar

from pydantic import Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from opsbot.amounts import read_amount
from opsbot.approvals.policy import ApprovalKind, ApprovalSettings
from opsbot.context import Context
from opsbot.inputs import Input, Words, parse
from opsbot.notices import Quote

MAX_PURPOSE = 2000
MAX_DETAILS = 3000
# The largest amount a request may carry: the amount column is NUMERIC(14, 2), which holds less than 10^12.
MAX_AMOUNT = Decimal("999999999999.99")
# The dates a request may name. Each lies ahead: a leave's days, a deadline.
DATES = ("start_date", "end_date", "deadline")


@dataclass(frozen=True)
class Asked:
    """What the rules read besides the values: the kind asked for, and the center's date, currency and
    units."""

    kind: ApprovalKind
    today: date
    currency: str
    units: Collection[str]

    @classmethod
    def of(cls, ctx: Context, kind: ApprovalKind) -> Asked:
        return cls(kind, ctx.today, ApprovalSettings.of(ctx.center).currency, ctx.directory.units.keys())


def refused(code: str, **context: Any) -> PydanticCustomError:
    """A rule's refusal: its notice code, with what the wording needs (the code is the message too: only
    the catalogue words it)."""
    return PydanticCustomError(code, code, context)


class Asking(Input):
    """A request's values, its kind's fields among them (the fields it does not ask for are left out)."""

    terms: ClassVar[str] = "approval.field"

    purpose: Annotated[str, Words(MAX_PURPOSE)]
    amount: Decimal | None = Field(default=None, validate_default=True)
    start_date: date | None = Field(default=None, validate_default=True)
    end_date: date | None = Field(default=None, validate_default=True)
    deadline: date | None = Field(default=None, validate_default=True)
    target_unit: str | None = Field(default=None, validate_default=True)
    details: Annotated[str | None, Words(MAX_DETAILS, optional=True)] = None

    @field_validator("amount", mode="before")
    @classmethod
    def _amount(cls, value: object, info: ValidationInfo) -> Decimal | None:
        asked = _asked(info)
        name = asked.kind.name
        if value is None or (isinstance(value, str) and not value.strip()):
            if asked.kind.has_amount:
                raise refused("approval.amount_required", kind=name, currency=asked.currency)
            return None
        if not asked.kind.has_amount:
            raise refused("approval.amount_not_taken", kind=name)
        return amount_of(value, asked.currency)

    @field_validator(*DATES)
    @classmethod
    def _ahead(cls, value: date | None, info: ValidationInfo) -> date | None:
        asked, name = _asked(info), str(info.field_name)
        if name not in asked.kind.fields:
            return None
        if value is None:
            raise refused("approval.date_required", kind=asked.kind.name)
        if value < asked.today:
            raise refused("approval.date_past", day=value.isoformat(), today=asked.today.isoformat())
        start = info.data.get("start_date")
        if name == "end_date" and start is not None and value < start:
            raise refused("approval.date_order")
        return value

    @field_validator("target_unit")
    @classmethod
    def _unit(cls, value: str | None, info: ValidationInfo) -> str | None:
        asked = _asked(info)
        if "target_unit" not in asked.kind.fields:
            return None  # other kinds have no receiving unit; a stray value is not part of their form
        if not value:
            raise refused("approval.target_required", kind=asked.kind.name)
        if value not in asked.units:
            raise refused("approval.no_such_unit", unit=Quote(value), known=", ".join(sorted(asked.units)))
        return value

    def fields_of(self, kind: ApprovalKind) -> dict[str, Any]:
        """The kind's fields other than the amount as the request stores them (JSON: dates as ISO text)."""
        wanted: set[str] = {name for name in kind.fields if name != "amount"}
        return self.model_dump(mode="json", include=wanted, exclude_none=True)


def _asked(info: ValidationInfo) -> Asked:
    asked = (info.context or {}).get("asked")
    if not isinstance(asked, Asked):
        raise TypeError("a request is read against its kind: parse(Asking, …, context={'asked': …})")
    return asked


def asking(asked: Asked, *, purpose: str, amount: Decimal | str | None, fields: Mapping[str, Any]) -> Asking:
    """The request's values read against `asked`, or the first refusal for its field. Fields the kind does
    not ask for are not read."""
    present: dict[str, Any] = {
        name: fields[name]
        for name in asked.kind.fields
        if name != "amount" and fields.get(name) not in (None, "")
    }
    return parse(Asking, {"purpose": purpose, "amount": amount, **present}, context={"asked": asked})


def amount_of(value: object, currency: str) -> Decimal:
    """An amount as people write it (text, as `opsbot.amounts` reads it: 48,000, ４８０００, 4.8万), or as a
    number: positive, with at most two decimals, and no more than the database records."""
    typed = Quote(str(value).strip())
    amount = value if isinstance(value, Decimal) else read_amount(typed)
    if amount is None:
        raise refused("approval.amount_unreadable", amount=typed)
    if not amount.is_finite() or amount <= 0:
        raise refused("approval.amount_not_positive", amount=typed, currency=currency)
    if amount > MAX_AMOUNT:
        raise refused("approval.amount_too_large", amount=typed, limit=float(MAX_AMOUNT), currency=currency)
    if amount != amount.quantize(Decimal("0.01")):
        raise refused("approval.amount_decimals", amount=typed, currency=currency)
    return amount
