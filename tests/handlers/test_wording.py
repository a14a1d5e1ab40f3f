"""Notices through the wording: each parameter by its kind, people's words inert, round trips through JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from handlers.mrkdwn import escape
from handlers.wording import Catalogue, Domain, DuplicateWording, placeholders, w, words
from opsbot.errors import InvalidInput
from opsbot.notices import Notice, Person, Quote, Term, Time
from tests.hostile import HOSTILE, TYPED_ENTITY, assert_inert
from tests.wordings import english_wording

WORDS = {
    "test.rejected": "*{case}* was rejected by {by} {at}: {reason}",
    "test.line": "{who} asked {people}; {state}.",
    "test.count": "{count} of {total} left ({share}).",
    "test.nested": "Told: {told}",
    "state.in_progress": "in progress",
}
SAY = english_wording(WORDS, ZoneInfo("Asia/Shanghai"))
AT = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def rejected(reason: str) -> Notice:
    return Notice.of(
        "test.rejected",
        case="CASE-2026-000001",
        by=Person("U0SUNLI", "Sun Li"),
        at=Time(AT),
        reason=Quote(reason),
    )


def test_each_parameter_is_rendered_by_its_kind():
    text = SAY(rejected("too late"))
    assert text.startswith("*CASE-2026-000001* was rejected by <@U0SUNLI> <!date^")
    assert text.endswith(": too late")
    assert (
        SAY.plain(rejected("too late"))
        == "*CASE-2026-000001* was rejected by Sun Li 2026-11-23 10:00 CST: too late"
    )


def test_people_s_words_reach_slack_inert_and_read_as_typed():
    text = SAY(rejected(HOSTILE))
    assert_inert([text])
    assert TYPED_ENTITY in text
    # Plain text (a form field's error) is never parsed: it keeps the words exactly as typed.
    assert SAY.plain(rejected(HOSTILE)).endswith(HOSTILE)


def test_a_name_opsbot_was_given_is_never_a_live_token():
    notice = Notice.of(
        "test.line", who=Person("<!channel>", "<!here>"), people=[], state=Term("state.in_progress")
    )
    assert_inert([SAY(notice)])


def test_lists_terms_numbers_and_nested_notices():
    notice = Notice.of(
        "test.line",
        who=Person("U0A", "A"),
        people=[Person("U0B", "B"), Quote("*c*")],
        state=Term("state.in_progress"),
    )
    assert SAY(notice) == f"<@U0A> asked <@U0B>, {escape('*c*')}; in progress."
    assert SAY(Notice.of("test.count", count=1200, total=3000, share=0.4)) == "1,200 of 3,000 left (0.40)."
    assert SAY(Notice.of("test.nested", told=Notice.of("test.count", count=1, total=2, share=0.5))) == (
        "Told: 1 of 2 left (0.50)."
    )


def test_a_notice_survives_the_outbox_as_json():
    notice = Notice.of(
        "test.line",
        who=Person("U0A", "A"),
        people=[Person("U0B", "B"), Quote(HOSTILE)],
        state=Term("state.in_progress"),
        nested=rejected("x"),
        none=None,
        n=3,
    )
    assert Notice.load(json.loads(json.dumps(notice.dump()))) == Notice(
        notice.code,
        {**notice.params, "people": list(notice.params["people"])},  # type: ignore[arg-type]
    )


def test_an_unknown_code_or_a_missing_parameter_never_breaks_delivery(caplog):
    assert SAY(Notice.of("test.nowhere")) == "test.nowhere"
    assert SAY(Notice.of("test.rejected", case="X")).startswith("*X* was rejected by ")
    assert "no wording for notice test.nowhere" in caplog.text


def test_a_refusal_carries_its_notice():
    error = InvalidInput("test.rejected", field="reason", reason=Quote("no"))
    assert error.field == "reason"
    assert error.notice == Notice("test.rejected", {"reason": Quote("no")})


def test_two_workflows_wording_one_code_is_found_at_start():
    once = Domain("one", Path("."), words(*(w(code, text) for code, text in WORDS.items())))
    with pytest.raises(DuplicateWording, match=r"test\.line"):
        Catalogue([once, Domain("other", Path("."), words(w("test.line", "again")))])
    with pytest.raises(DuplicateWording, match=r"test\.line"):
        words(w("test.line", "one"), w("test.line", "again"))
    assert placeholders(WORDS["test.rejected"]) == {"case", "by", "at", "reason"}
