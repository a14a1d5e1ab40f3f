"""`/case list`, `/case show` and `/case stats` through the HTTP endpoint and the fake Slack, on cases seeded
through the services at chosen times, with opsbot's clock frozen on Thursday 2026-11-26 15:00 in Shanghai."""

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from opsbot.cases import feedback, handling, intake
from opsbot.cases.clocks import RESOLUTION
from opsbot.cases.inputs import IntakeForm
from opsbot.cases.models import Case
from opsbot.cases.records import reference
from opsbot.clock import FrozenClock
from opsbot.context import Context
from opsbot.directory import load_directory
from opsbot.inputs import parse
from tests.e2e.clocks import due

SHANGHAI = ZoneInfo("Asia/Shanghai")
CLERK = "U0CHENJING"  # intake specialist: takes cases in, and handles some
LEADER = "U0WUFANG"  # group leader of intake
MANAGER = "U0SUNLI"  # manager of business processing (intake is under it)
QC = "U0LUYAN"  # QC inspector: sees every case
SERVICE = "U0ZHULIN"  # customer-service specialist: handles complaints
OUTSIDER = "U0TANGXIN"  # finance specialist: no business with cases
SPECIALIST = "U0ZHENGHAO"  # intake specialist
CONTACT = "13812345678"


def local(day: int, hour: int, minute: int = 0) -> datetime:
    """A time in November 2026, center time (Shanghai)."""
    return datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


NOW = local(26, 15)  # Thursday; the week began on Monday the 23rd


@pytest.fixture
def clock():
    """opsbot's clock frozen at NOW, so due times and periods are known."""
    return FrozenClock(NOW)


@pytest.fixture
def running(running_frozen):
    return running_frozen


class Seed:
    """Cases made by calling the services, each step at a chosen time and by a chosen person."""

    def __init__(self, running):
        self.db, self.center = running.db, running.bot.center

    def run(self, actor, when, work):
        with self.db.transaction() as session:
            return work(session, Context(self.center, load_directory(session), when, actor))

    def new(self, when, summary, *, type_key="enquiry", channel="phone", items=(), actor=CLERK):
        values = {"customer": "Li Na", "contact": CONTACT, "channel": channel, "type_key": type_key}
        form = parse(IntakeForm, values | {"summary": summary, "provided_items": list(items)})
        return self.run(actor, when, lambda session, desk: reference(intake.receive(session, desk, form)))

    def case(self, ref):
        with self.db.reading() as session:
            return session.scalars(select(Case).where(Case.number == ref)).one()

    def handle(self, ref, accepted, submitted):
        handler = self.case(ref).assignee
        self.run(handler, accepted, lambda s, d: handling.accept(s, d, ref))
        self.run(handler, submitted, lambda s, d: handling.submit(s, d, ref, "Done."))

    def review(self, ref, when, *, passed=True, reason=""):
        case = self.case(ref)
        reviewer = case.first_reviewer if case.state == "first_review" else case.second_reviewer
        self.run(reviewer, when, lambda s, d: handling.review(s, d, ref, passed=passed, reason=reason))


def ask(running, user, text):
    reply = running.slack.command(user, "/case", text)
    assert reply.status == 200
    assert reply.json["response_type"] == "ephemeral"
    return reply.json


def listed(answer):
    return [line for line in json.dumps(answer.get("blocks", [])).split("*") if line.startswith("CASE-")]


# ------------------------------------------------------------------------------------------------ lists


def test_lists_for_a_clerk_a_leader_qc_and_a_manager(running):
    seed = Seed(running)
    refs = [seed.new(local(26, 11, 30 + i), f"Enquiry number {i}") for i in range(22)]
    returned = seed.new(local(26, 12), "Change the address", type_key="account_change", items=["ID proof"])
    complaint = seed.new(local(26, 12, 30), "Rude on the phone", type_key="complaint")
    with running.db.reading() as session:
        clerks = {reference(c) for c in session.scalars(select(Case).where(Case.assignee == CLERK))}
    assert returned.startswith("INTAKE-") and clerks and complaint not in clerks

    mine = ask(running, CLERK, "list")  # `mine` is the default
    assert f"{len(clerks) + 1} cases, page 1 of 1" in mine["text"]
    assert set(listed(mine)) == clerks and returned in json.dumps(mine["blocks"])
    assert ask(running, CLERK, "list mine")["text"] == mine["text"]

    first = ask(running, LEADER, "list open")  # the intake group: 22 enquiries and the returned case
    assert "23 cases, page 1 of 3" in first["text"]
    assert returned in json.dumps(first["blocks"][1])  # newest first: the returned case leads
    assert listed(first) == refs[:-10:-1]  # then the nine newest enquiries

    # Next › turns the same ephemeral message to page 2, and ‹ Previous back.
    def showing(words):
        return running.slack.wait_for(
            lambda: [m for m in running.slack.ephemerals(LEADER) if words in m.text]
        )

    (shown,) = showing("page 1 of 3")
    running.slack.click(LEADER, shown, "case.list.next")
    (shown,) = showing("page 2 of 3")
    assert listed({"blocks": shown.blocks}) == refs[-10:-20:-1]
    running.slack.click(LEADER, shown, "case.list.previous")
    (shown,) = showing("page 1 of 3")
    assert len(running.slack.ephemerals(LEADER)) == 1  # one message, turned in place
    last = ask(running, LEADER, "list open page 3")
    assert listed(last) == refs[2::-1] and "page 3 of 3" in last["text"]
    beyond = ask(running, LEADER, "list open page 4")
    assert "There is no page 4" in beyond["text"] and "23 cases on 3 pages" in beyond["text"]
    assert "Nothing waits for you" in ask(running, LEADER, "list")["text"]

    everything = ask(running, QC, "list open")
    assert "24 cases" in everything["text"] and complaint in listed(everything)
    assert "Your unit has no open cases." in ask(running, QC, "list unit")["text"]
    assert "23 cases" in ask(running, MANAGER, "list unit")["text"]  # business processing and intake
    service = ask(running, SERVICE, "list open")
    assert listed(service) == [complaint]
    assert "There are no open cases you can see." in ask(running, OUTSIDER, "list open")["text"]

    wrong = ask(running, CLERK, "list everything")
    assert "`/case list [mine|open|overdue|unit] [page N]`" in wrong["text"]
    assert running.slack.errors == []


def test_overdue_is_judged_by_the_clock_and_marked(running):
    seed = Seed(running)
    late = seed.new(local(23, 10), "Asked on Monday")  # reply due Mon 14:00, resolution due Tue 17:00
    replied = seed.new(local(23, 10, 30), "Replied to, never resolved")
    case = seed.case(replied)
    seed.run(case.assignee, local(23, 11), lambda s, d: feedback.record_contact(s, d, replied, "Phone call"))
    fresh = seed.new(local(26, 14), "Asked an hour ago")  # reply due Thu 18:00
    done = seed.new(local(23, 11), "Replied to and resolved in time")
    helper = seed.case(done).assignee
    seed.run(helper, local(23, 11, 30), lambda s, d: feedback.record_contact(s, d, done, "E-mail"))
    seed.handle(done, local(23, 12), local(23, 13))

    overdue = ask(running, LEADER, "list overdue")
    assert listed(overdue) == [replied, late]
    assert "2 cases" in overdue["text"]
    opened = json.dumps(ask(running, LEADER, "list open")["blocks"], ensure_ascii=False)
    assert opened.count("⚠️ *overdue*") == 2 and fresh in opened and done in opened
    assert "<!date^" in opened  # due times in Slack's date format, read in each reader's zone
    assert "No case you can see is overdue." in ask(running, OUTSIDER, "list overdue")["text"]
    assert running.slack.errors == []


# ------------------------------------------------------------------------------------------------- show


def test_show_gives_contact_only_to_people_working_the_case(running):
    seed = Seed(running)
    ref = seed.new(local(24, 10), "Change the account holder's address")
    seed.handle(ref, local(24, 11), local(24, 12))
    seed.review(ref, local(24, 13), passed=False, reason="Attach the signed form scan first.")
    handler = seed.case(ref).assignee

    own = ask(running, handler, f"show {ref}")
    text = json.dumps(own["blocks"])
    assert own["blocks"][0]["text"]["text"].startswith(ref)
    assert CONTACT in text and "Li Na" in text and "General enquiry" in text
    assert "Attach the signed form scan first." in text and "review returned" in text
    assert "Wu Fang" in text and "being handled" in text
    assert CONTACT in json.dumps(ask(running, MANAGER, f"show {ref.lower()}")["blocks"])  # in the chain

    qc = json.dumps(ask(running, QC, f"show {ref}")["blocks"])  # sees every case, works on none
    assert CONTACT not in qc and "138****5678" in qc and "(masked)" in qc

    refused = ask(running, OUTSIDER, f"show {ref}")
    assert f"can see {ref}; you are a" in refused["text"] and "blocks" not in refused
    unknown = ask(running, QC, "show CASE-2026-999999")
    assert "There is no case CASE-2026-999999" in unknown["text"]
    assert running.slack.errors == []


def test_a_long_timeline_shows_its_last_entries(running):
    seed = Seed(running)
    ref = seed.new(local(24, 10), "A long one")
    handler = seed.case(ref).assignee
    seed.run(handler, local(24, 11), lambda s, d: handling.accept(s, d, ref))
    for n in range(60):
        seed.run(
            handler, local(24, 12, n % 60), lambda s, d, n=n: handling.add_progress(s, d, ref, f"Note {n}")
        )
    answer = ask(running, handler, f"show {ref}")
    text = json.dumps(answer["blocks"])
    assert len(answer["blocks"]) == 50
    assert "Note 59" in text and 'Note 0"' not in text
    assert "(63 entries)" in text and "earlier entries are not shown" in text
    assert running.slack.errors == []


# ------------------------------------------------------------------------------------------------ stats


def test_stats_on_a_seeded_week(running):
    seed = Seed(running)
    # S1, phone: registered Mon 10:00, resolved 15:00 (5 business hours; due Tue 17:00, on time), passes both
    # reviews, customer told, 5/5: closed.
    s1 = seed.new(local(23, 10), "S1")
    seed.handle(s1, local(23, 11), local(23, 15))
    seed.review(s1, local(23, 16))
    seed.review(s1, local(23, 16, 30))
    seed.run(seed.case(s1).assignee, local(24, 10), lambda s, d: feedback.record_informed(s, d, s1, "Phone"))
    seed.run(CLERK, local(26, 10), lambda s, d: feedback.record_satisfaction(s, d, s1, score=5))
    # S2, e-mail: registered Mon 16:00 (due: 2 h Mon + 9 h Tue + 5 h Wed = Wed 14:00); returned once by the
    # group leader, resubmitted Wed 15:00: 2 + 9 + 6 = 17 business hours, late. Passes both: feedback.
    s2 = seed.new(local(23, 16), "S2", channel="email")
    assert due(seed.db, RESOLUTION, seed.case(s2)) == local(25, 14)
    seed.handle(s2, local(23, 17), local(24, 11))
    seed.review(s2, local(24, 12), passed=False, reason="Redo it")
    seed.run(seed.case(s2).assignee, local(25, 15), lambda s, d: handling.submit(s, d, s2, "Redone."))
    seed.review(s2, local(25, 16))
    seed.review(s2, local(25, 17))
    # S3, online refund with every item: assigned, not resolved.
    items = ["Application form", "ID proof", "Payment receipt"]
    seed.new(local(24, 9), "S3", type_key="refund", channel="online", items=items)
    # S4, a walk-in complaint: investigated Tue 10:00 → Wed 10:00 (8 + 1 = 9 business hours, due in 40: on
    # time), the customer told by the clerk, 4/5: closed.
    s4 = seed.new(local(24, 10), "S4", type_key="complaint", channel="walk_in")
    seed.handle(s4, local(24, 11), local(25, 10))
    seed.run(CLERK, local(25, 11), lambda s, d: feedback.record_informed(s, d, s4, "Visit"))
    seed.run(CLERK, local(26, 9), lambda s, d: feedback.record_satisfaction(s, d, s4, score=4))
    # S5: Sunday night, the week before: only in the month's figures.
    seed.new(local(22, 20), "S5")

    week = ask(running, LEADER, "stats")
    text = json.dumps(week["blocks"])
    assert "Case figures this week: 4 registered" in week["text"]
    assert "E-mail 1, Online 1, Phone 1, Walk-in 1" in text
    assert "General enquiry 2, Service complaint 1, Refund request 1" in text
    assert f"{(5 + 17 + 9) / 3:.1f} business hours (over 3 resolved)" in text  # S1, S2, S4
    assert "66.7% (2 of 3)" in text  # S1 and S4 on time, S2 late
    assert "50.0% (1 of 2)" in text  # S1 and S2 passed both reviews; S2 was returned once
    assert "4.50 / 5 (2 rated)" in text
    assert "1 (1 closed)" in text
    assert "2026-11-23 to 2026-11-30" in text

    month = ask(running, QC, "stats month")
    assert "Case figures this month: 5 registered" in month["text"]
    refused = ask(running, SPECIALIST, "stats")
    assert "group leaders and above" in refused["text"] and "blocks" not in refused
    assert "`week` (the default) or `month`" in ask(running, LEADER, "stats year")["text"]
    assert running.slack.errors == []
