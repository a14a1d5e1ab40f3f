"""People's input read into a service's model: each failure one refusal, for its field."""

from __future__ import annotations

from typing import Annotated

import pytest
from pydantic import ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from opsbot.errors import InvalidInput
from opsbot.inputs import Input, Words, parse
from opsbot.notices import Quote, Term


class Rejection(Input):
    reason: Annotated[str, Words(20)]
    note: Annotated[str | None, Words(10, optional=True)] = None
    score: int = 3

    @field_validator("score")
    @classmethod
    def one_to_five(cls, score: int) -> int:
        if not 1 <= score <= 5:
            raise PydanticCustomError("test.score_range", "score {low} to {high}", {"low": 1, "high": 5})
        return score


def refused(**values) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        parse(Rejection, values)
    return caught.value


def test_words_are_stripped_and_kept_as_quotes():
    parsed = parse(Rejection, {"reason": "  <!here> late  ", "note": ""})
    assert parsed.reason == "<!here> late" and isinstance(parsed.reason, Quote)
    assert parsed.note is None


def test_empty_or_missing_words_are_required_for_their_field():
    for values in ({"reason": "   "}, {}):
        error = refused(**values)
        assert (error.field, error.notice.code) == ("reason", "input.required")
        assert error.notice.params["what"] == Term("field.reason")


def test_too_long_says_the_limit_and_the_length():
    error = refused(reason="x" * 25)
    assert (error.field, error.notice.code) == ("reason", "input.too_long")
    assert (error.notice.params["limit"], error.notice.params["length"]) == (20, 25)


def test_a_model_s_own_rule_is_its_own_code_with_its_context():
    error = refused(reason="ok", score=9)
    assert (error.field, error.notice.code) == ("score", "test.score_range")
    assert (error.notice.params["low"], error.notice.params["high"]) == (1, 5)


def test_a_number_that_is_not_one_is_quoted_as_typed():
    error = refused(reason="ok", score="<!channel>")
    assert (error.field, error.notice.code) == ("score", "input.not_a_number")
    assert error.notice.params["typed"] == Quote("<!channel>")


class Booking(Input):
    """A model whose fields' terms are its workflow's own, and whose rule reads the validation context."""

    terms = "booking.field"

    day: int

    @field_validator("day")
    @classmethod
    def ahead(cls, day: int, info: ValidationInfo) -> int:
        if day < (info.context or {})["today"]:
            raise PydanticCustomError("booking.past", "past", {"today": info.context["today"]})
        return day


def test_a_model_names_where_its_fields_terms_are_and_its_rules_read_the_context():
    with pytest.raises(InvalidInput) as caught:
        parse(Booking, {"day": 3}, context={"today": 5})
    assert caught.value.notice.code == "booking.past"
    assert caught.value.notice.params["what"] == Term("booking.field.day")
    assert caught.value.notice.params["today"] == 5
    assert parse(Booking, {"day": 5}, context={"today": 5}).day == 5
