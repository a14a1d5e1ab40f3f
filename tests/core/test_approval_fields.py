"""A request's fields as the core checks them for every path in: dates that must lie ahead (today in the
center counts), a leave that ends before it starts, the dates a kind needs, and what the Resubmit form is
filled in with."""

from datetime import date

import pytest

from handlers.approvals.request_form import field_blocks
from opsbot.approvals.models import checked_fields
from opsbot.center import load_center
from opsbot.errors import InvalidInput
from opsbot.settings import EXAMPLE_CENTER

CENTER = load_center(EXAMPLE_CENTER)
KINDS = CENTER.approvals
TODAY = date(2026, 11, 24)


def test_a_date_today_or_later_is_kept_as_iso_text():
    given = {"start_date": TODAY, "end_date": date(2026, 11, 25), "details": "Back on Thursday"}
    assert checked_fields(KINDS.kind("leave"), given, TODAY) == {
        "start_date": "2026-11-24",
        "end_date": "2026-11-25",
        "details": "Back on Thursday",
    }
    # Stored fields (ISO text) are read the same way: a resubmission by command checks them again.
    assert checked_fields(KINDS.kind("seal_use"), {"deadline": "2026-12-01"}, TODAY) == {
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
        ("project_change", {"deadline": "soon"}, "deadline", None),
    ],
)
def test_dates_are_refused_on_their_field(kind, given, field, message):
    with pytest.raises(InvalidInput) as refused:
        checked_fields(KINDS.kind(kind), given, TODAY)
    assert refused.value.field == field
    if message is not None:
        assert refused.value.message == message


def test_fields_the_kind_does_not_ask_for_are_not_kept():
    given = {"target_unit": "tech", "deadline": date(2026, 12, 1), "start_date": date(2020, 1, 1)}
    assert checked_fields(KINDS.kind("expense"), given, TODAY) == {}


def test_the_resubmit_form_is_filled_in_from_the_request():
    initial = {
        "purpose": "Help with the forms",
        "target_unit": "tech",
        "deadline": "2026-12-15",
        "details": "x",
    }
    blocks = {b["block_id"]: b["element"] for b in field_blocks(CENTER, KINDS.kind("collaboration"), initial)}
    assert blocks["purpose"]["initial_value"] == "Help with the forms"
    assert blocks["target_unit"]["initial_option"]["value"] == "tech"
    assert blocks["deadline"]["initial_date"] == "2026-12-15"
    assert blocks["details"]["initial_value"] == "x"
    empty = {b["block_id"]: b["element"] for b in field_blocks(CENTER, KINDS.kind("collaboration"), {})}
    assert "initial_option" not in empty["target_unit"] and "initial_date" not in empty["deadline"]
