"""A request's values as the core reads them for every path in (`opsbot.approvals.asking`): amounts as
people write them and what the database holds, dates that must lie ahead (today in the center counts), a
leave that ends before it starts, the dates and the receiving unit a kind needs; each refusal on its field,
as people read it. And what the Resubmit form is filled in with."""

from datetime import date
from decimal import Decimal

import pytest

from handlers.app import wording
from handlers.approvals.request_form import field_blocks
from opsbot.approvals.asking import MAX_AMOUNT, Asked, Asking, asking
from opsbot.errors import InvalidInput
from opsbot.notices import Quote, Term
from opsbot.registry import load_center
from opsbot.settings import EXAMPLE_CENTER

CENTER = load_center(EXAMPLE_CENTER)
KINDS = CENTER.approvals
TODAY = date(2026, 11, 24)
UNITS = {unit.key for unit, _parent in CENTER.all_units()}
SAY = wording(CENTER.calendar.zone)


def read(kind: str, fields=None, *, amount=None, purpose="Taxi to the client") -> Asking:
    asked = Asked(KINDS.kind(kind), TODAY, KINDS.currency, UNITS)
    return asking(asked, purpose=purpose, amount=amount, fields=fields or {})


def refused(kind: str, fields=None, **given) -> InvalidInput:
    with pytest.raises(InvalidInput) as raised:
        read(kind, fields, **given)
    return raised.value


def test_a_date_today_or_later_is_kept_as_iso_text():
    given = {"start_date": TODAY, "end_date": date(2026, 11, 25), "details": "Back on Thursday"}
    assert read("leave", given).fields_of(KINDS.kind("leave")) == {
        "start_date": "2026-11-24",
        "end_date": "2026-11-25",
        "details": "Back on Thursday",
    }
    # Stored fields (ISO text) are read the same way: a resubmission by command checks them again.
    assert read("seal_use", {"deadline": "2026-12-01"}).fields_of(KINDS.kind("seal_use")) == {
        "deadline": "2026-12-01"
    }


@pytest.mark.parametrize(
    ("kind", "given", "field", "message"),
    [
        (
            "leave",
            {"start_date": date(2026, 11, 23), "end_date": date(2026, 11, 25)},
            "start_date",
            "The first day (2026-11-23) is already past; choose today (2026-11-24) or a later day.",
        ),
        (
            "leave",
            {"start_date": date(2026, 11, 26), "end_date": date(2026, 11, 25)},
            "end_date",
            "The last day comes before the first.",
        ),
        ("leave", {"start_date": date(2026, 11, 26)}, "end_date", "Leave of absence needs the last day."),
        (
            "collaboration",
            {"target_unit": "tech", "deadline": "2026-11-01"},
            "deadline",
            "The deadline (2026-11-01) is already past; choose today (2026-11-24) or a later day.",
        ),
        ("project_change", {"deadline": "soon"}, "deadline", "The deadline is not something opsbot can use."),
        (
            "collaboration",
            {"deadline": "2026-12-01"},
            "target_unit",
            "Cross-department collaboration needs the receiving unit: choose the unit you are asking.",
        ),
        ("leave", {"start_date": TODAY, "end_date": TODAY, "details": "x" * 3001}, "details", None),
    ],
)
def test_fields_are_refused_on_their_field(kind, given, field, message):
    error = refused(kind, given)
    assert error.field == field
    if message is not None:
        assert SAY.plain(error.notice) == message


def test_the_last_day_comes_before_the_first_is_the_models_own_rule():
    error = refused("leave", {"start_date": date(2026, 11, 26), "end_date": date(2026, 11, 25)})
    assert error.notice.code == "approval.date_order"
    assert error.notice.params["what"] == Term("approval.field.end_date")


def test_an_unknown_receiving_unit_lists_the_units():
    error = refused("collaboration", {"target_unit": "marketing", "deadline": "2026-12-01"})
    assert error.field == "target_unit" and error.notice.params["unit"] == Quote("marketing")
    assert SAY.plain(error.notice).startswith("There is no unit `marketing` in this center. Units are: ")
    assert "finance" in SAY.plain(error.notice)


def test_the_purpose_is_required_and_bounded():
    assert SAY.plain(refused("expense", amount="480", purpose="  ").notice) == "The purpose is required."
    error = refused("expense", amount="480", purpose="x" * 2001)
    assert SAY.plain(error.notice) == "The purpose holds up to 2,000 characters; yours has 2,001."
    assert error.field == "purpose"


@pytest.mark.parametrize(
    ("amount", "stored"),
    [
        ("48000", Decimal("48000")),
        ("48,000", Decimal("48000")),
        (" 48000.50 ", Decimal("48000.50")),
        (str(MAX_AMOUNT), MAX_AMOUNT),
        (Decimal("480.00"), Decimal("480")),  # as a resubmission keeps the stored amount
    ],
)
def test_amounts_as_people_write_them(amount, stored):
    assert read("expense", amount=amount).amount == stored


@pytest.mark.parametrize(
    ("kind", "amount", "message"),
    [
        ("expense", None, "Expense reimbursement needs an amount (in CNY)."),
        ("expense", "lots", "`lots` is not an amount; write digits with at most two decimals, like 48000, "),
        ("expense", "1e5", "`1e5` is not an amount; write digits"),
        ("expense", "1,2,3", "`1,2,3` is not an amount; write digits"),
        ("expense", "0", "`0` is not an amount; give a positive number (in CNY)."),
        ("expense", Decimal("-5"), "`-5` is not an amount; give a positive number (in CNY)."),
        ("expense", Decimal("NaN"), "`NaN` is not an amount"),
        ("expense", Decimal("0.001"), "`0.001` is not an amount; give at most two decimals (in CNY)."),
        (
            "expense",
            "1000000000000",
            "`1000000000000` is more than opsbot can record: amounts go up to 999,999,999,999.99 CNY. Split "
            "the request, or decide it outside opsbot.",
        ),
        ("expense", Decimal("1E+15"), "`1E+15` is more than opsbot can record"),
        ("expense", "1,000,000,000,000", "`1,000,000,000,000` is more than opsbot can record"),
        ("leave", "3", "Leave of absence has no amount; leave it out."),
    ],
)
def test_amounts_that_cannot_be_recorded_say_why(kind, amount, message):
    fields = {"start_date": TODAY, "end_date": TODAY} if kind == "leave" else {}
    error = refused(kind, fields, amount=amount)
    assert error.field == "amount"
    assert SAY.plain(error.notice).startswith(message), SAY.plain(error.notice)


def test_fields_the_kind_does_not_ask_for_are_not_kept():
    given = {"target_unit": "tech", "deadline": date(2026, 12, 1), "start_date": date(2020, 1, 1)}
    assert read("expense", given, amount="480").fields_of(KINDS.kind("expense")) == {}


def test_the_resubmit_form_is_filled_in_from_the_request():
    initial = {
        "purpose": "Help with the forms",
        "target_unit": "tech",
        "deadline": "2026-12-15",
        "details": "x",
    }
    blocks = {b["block_id"]: b for b in field_blocks(CENTER, SAY, KINDS.kind("collaboration"), initial)}
    assert blocks["purpose"]["element"]["initial_value"] == "Help with the forms"
    assert blocks["target_unit"]["element"]["initial_option"]["value"] == "tech"
    assert blocks["deadline"]["element"]["initial_date"] == "2026-12-15"
    assert blocks["details"]["element"]["initial_value"] == "x"
    assert blocks["target_unit"]["label"]["text"] == "Receiving unit"  # the field's label, worded
    empty = {b["block_id"]: b["element"] for b in field_blocks(CENTER, SAY, KINDS.kind("collaboration"), {})}
    assert "initial_option" not in empty["target_unit"] and "initial_date" not in empty["deadline"]
