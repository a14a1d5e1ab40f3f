"""Fuzzing the HTTP endpoint: signed and unsigned junk bytes, and payloads of every kind opsbot listens to
with junk in their fields. Never a 5xx, never a traceback in the log, never a row changed."""

from __future__ import annotations

import json
import logging
from urllib.parse import quote, urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FORM = "application/x-www-form-urlencoded"
# Users that are no Slack user: nothing they send may change anything or reach anyone.
NO_USER = st.one_of(
    st.none(), st.just(""), st.integers(), st.just("nobody"), st.just("u0lower"), st.lists(st.text())
)
JUNK = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
ACTION_IDS = st.sampled_from(
    ["case.take", "case.pick", "approval.approve", "approval.deny", "announcement.read", "type_key", "kind"]
)
CALLBACKS = st.sampled_from(["case.intake", "approval.request", "announcement.compose", "case.reject.form"])


def shaped(kind: str) -> st.SearchStrategy[dict]:
    if kind == "block_actions":
        action = st.fixed_dictionaries(
            {"action_id": ACTION_IDS}, optional={"value": JUNK, "block_id": JUNK, "selected_user": JUNK}
        )
        return st.fixed_dictionaries(
            {"type": st.just(kind), "user": st.fixed_dictionaries({"id": NO_USER})},
            optional={
                "actions": st.one_of(JUNK, st.lists(action, max_size=2)),
                "view": JUNK,
                "trigger_id": JUNK,
            },
        )
    if kind == "view_submission":
        view = st.fixed_dictionaries({"callback_id": CALLBACKS}, optional={"state": JUNK, "blocks": JUNK})
        return st.fixed_dictionaries(
            {"type": st.just(kind), "user": st.one_of(JUNK, st.fixed_dictionaries({"id": NO_USER}))},
            optional={"view": st.one_of(JUNK, view)},
        )
    event = st.fixed_dictionaries(
        {"type": st.just("app_home_opened"), "user": NO_USER}, optional={"tab": JUNK}
    )
    return st.fixed_dictionaries(
        {"type": st.just("event_callback")}, optional={"event": st.one_of(JUNK, event), "event_id": JUNK}
    )


COMMANDS = st.fixed_dictionaries(
    {"command": st.sampled_from(["/ops", "/case", "/approval"]), "user_id": st.sampled_from(["", "nobody"])},
    optional={"text": st.text(max_size=40), "trigger_id": st.text(max_size=10)},
)


class Loud(logging.Handler):
    """Collects what a request must never log: errors and tracebacks."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR or record.exc_info:
            self.records.append(record)


def test_nothing_from_outside_makes_a_5xx_a_traceback_or_a_change(running):
    loud = Loud()
    root = logging.getLogger()
    root.addHandler(loud)
    before = running.row_counts()
    slack = running.slack

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(
        body=st.one_of(
            st.binary(max_size=200),
            st.builds(lambda p: b"payload=" + quote(json.dumps(p)).encode(), JUNK),
            st.builds(
                lambda p: b"payload=" + quote(json.dumps(p)).encode(),
                st.sampled_from(["block_actions", "view_submission"]).flatmap(shaped),
            ),
            st.builds(lambda p: json.dumps(p).encode(), shaped("event_callback")),
            st.builds(lambda f: urlencode(f).encode(), COMMANDS),
        ),
        signed=st.booleans(),
        json_type=st.booleans(),
    )
    def sent(body: bytes, signed: bool, json_type: bool) -> None:
        reply = slack.send_signed(body, "application/json" if json_type else FORM, sign=signed)
        assert reply.status < 500, (body, reply.status, reply.body)
        if not signed:
            assert reply.status == 401
        assert [r.getMessage() for r in loud.records] == [], body

    try:
        sent()
    finally:
        root.removeHandler(loud)
    assert [r.getMessage() for r in loud.records] == []
    running.delivered()
    assert running.row_counts() == before
    assert [c.method for c in slack.calls if c.method not in ("auth.test",)] == []
