"""What people give a case step, read once with `opsbot.inputs.parse`: the intake form, a reason, a note, how
the customer was told, the satisfaction score. Each failure is one refusal for its field; a text a step
cannot go without is refused, when left empty, with that step's own words for what is missing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, ClassVar, get_args

from pydantic import GetCoreSchemaHandler, field_validator
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

from opsbot.cases import rules
from opsbot.cases.models import Channel
from opsbot.inputs import Input, Words

MAX_CUSTOMER = 80
MAX_CONTACT = 120
MAX_SUMMARY = 150
MAX_DETAILS = 3000
MAX_REASON = 2000
MAX_NOTE = 2000
MAX_HOW = 200
MAX_COMMENT = 2000


@dataclass(frozen=True)
class Told:
    """People's words a step cannot go without: at most `limit` characters, and refused when empty with the
    notice `empty`. None passes where the field's type allows it (a quick case's customer, to complete)."""

    limit: int
    empty: str

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        words = Words(self.limit).__get_pydantic_core_schema__(source, handler)
        if type(None) in get_args(source):
            words = core_schema.nullable_schema(words)
        return core_schema.no_info_before_validator_function(self._present, words)

    def _present(self, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            raise PydanticCustomError(self.empty, "empty")
        return value


class CaseInput(Input):
    """What a case step takes; its fields are worded as the case forms name them (`case.field.<name>`)."""

    terms: ClassVar[str] = "case.field"


class IntakeForm(CaseInput):
    """What the intake clerk records; limits are those the intake form shows. A quick case (`/case new`)
    gives no customer and no contact (None): they are to be completed on its card."""

    customer: Annotated[str | None, Told(MAX_CUSTOMER, "case.field_empty")]
    contact: Annotated[str | None, Told(MAX_CONTACT, "case.field_empty")]
    channel: Channel = "phone"
    type_key: str
    summary: Annotated[str, Told(MAX_SUMMARY, "case.field_empty")]
    details: Annotated[str | None, Words(MAX_DETAILS, optional=True)] = None
    provided_items: tuple[str, ...] = ()
    # A reply time promised to the customer; by default the case type's reply target in business hours.
    promised_reply_at: datetime | None = None
    # For a complaint: the unit it is forwarded to (by default the case type's unit).
    responsible_unit: str | None = None

    @field_validator("contact")
    @classmethod
    def _phone_or_email(cls, value: str | None) -> str | None:
        if value is not None and rules.contact_kind(value) is None:
            low, high = rules.PHONE_DIGITS
            raise PydanticCustomError(
                "case.contact_kind", "a phone number or an e-mail address", {"low": low, "high": high}
            )
        return value


# A reason or a result is named for what it is (`case.field.rejection_reason`: "reason for the rejection"), in
# its refusals as in the form's one input.
class Rejection(CaseInput):
    rejection_reason: Annotated[str, Told(MAX_REASON, "case.reason_required")]


class Disagreement(CaseInput):
    disagreement_reason: Annotated[str, Told(MAX_REASON, "case.reason_required")]


class ReviewReturn(CaseInput):
    return_reason: Annotated[str, Told(MAX_REASON, "case.reason_required")]


class Result(CaseInput):
    result: Annotated[str, Told(MAX_REASON, "case.reason_required")]


class Progress(CaseInput):
    note: Annotated[str, Told(MAX_NOTE, "case.note_empty")]


class HowTold(CaseInput):
    """How (and when) the customer was told or replied to."""

    how: Annotated[str, Told(MAX_HOW, "case.how_required")]


class Satisfaction(CaseInput):
    score: int
    comment: Annotated[str | None, Words(MAX_COMMENT, optional=True)] = None
    objection: bool = False

    @field_validator("score")
    @classmethod
    def _one_to_five(cls, score: int) -> int:
        if not 1 <= score <= 5:
            raise PydanticCustomError("case.score_range", "the score is 1 to 5")
        return score
