"""`docs/permissions.md`, row by row. The table's codes are each route's declared permission, and every route
the app registers has a row. Then each rule is driven through the app as every person of the example center
it refuses (and someone not in the directory): each is told who may, in the one wording, and nothing changes
(no row, no case or request moved, no message queued); and as people it allows, for whom it goes through."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from handlers.app import OpsApp, build_app, web_client, wording, wordings
from handlers.approvals.permissions import PERMISSIONS as APPROVAL_ROUTES
from handlers.cases.permissions import PERMISSIONS as CASE_ROUTES
from handlers.edge import Edge
from handlers.registry import SLACK_WORKFLOWS
from handlers.routes import Routes
from opsbot import audit
from opsbot.admin import IS_ADMIN
from opsbot.announcements.service import MAY_ANNOUNCE
from opsbot.approvals.models import ApprovalRequest, ApprovalStep
from opsbot.cases.models import Case, JointReview
from opsbot.permissions import ANYONE, IS_MEMBER, Permission
from opsbot.registry import WORKFLOWS
from tests.e2e.conftest import STRANGER, TOKEN
from tests.e2e.test_approvals import approver_card
from tests.e2e.test_case_lifecycle import Desk

DOC = Path(__file__).resolve().parents[2] / "docs" / "permissions.md"
ZHAOMIN, QIANLEI, SUNLI, ZHOUJIE, WUFANG = "U0ZHAOMIN", "U0QIANLEI", "U0SUNLI", "U0ZHOUJIE", "U0WUFANG"
ZHENGHAO, FENGYU, CHENJING, HEPING, LUYAN = "U0ZHENGHAO", "U0FENGYU", "U0CHENJING", "U0HEPING", "U0LUYAN"
HANMEI, YANGTAO, ZHULIN, QINBO, XUKAI = "U0HANMEI", "U0YANGTAO", "U0ZHULIN", "U0QINBO", "U0XUKAI"
SHIHONG, TANGXIN = "U0SHIHONG", "U0TANGXIN"
EVERYONE = frozenset(
    {ZHAOMIN, QIANLEI, SUNLI, ZHOUJIE, WUFANG, ZHENGHAO, FENGYU, CHENJING, HEPING, LUYAN, HANMEI}
    | {YANGTAO, ZHULIN, QINBO, XUKAI, SHIHONG, TANGXIN}
)
# The intake specialists' chain (Chen Jing handles the first case of an empty center; Zheng Hao takes it in).
CHAIN_ABOVE_INTAKE = frozenset({WUFANG, ZHOUJIE, SUNLI, QIANLEI, ZHAOMIN})
CHENJINGS_CHAIN = CHAIN_ABOVE_INTAKE | {CHENJING}
ZHENGHAOS_CHAIN = CHAIN_ABOVE_INTAKE | {ZHENGHAO}
ZHULINS_CHAIN = frozenset({ZHULIN, YANGTAO, HANMEI, QIANLEI, ZHAOMIN})
MANAGERS_AND_ABOVE = frozenset({ZHAOMIN, QIANLEI, SUNLI, HEPING, HANMEI, QINBO, SHIHONG})
# Rank 2 and above: the deputy manager, the group leader and the supervisor (not QC, a specialist's rank).
SUPERVISORS_AND_ABOVE = MANAGERS_AND_ABOVE | {ZHOUJIE, WUFANG, YANGTAO}
# The routes outside the case and approval workflows (`/ops`, announcements, the App Home), and the permission
# their services require: their modules keep no table of routes of their own.
KERNEL_ROUTES: dict[str, Permission[Any]] = {
    "/ops": ANYONE,
    "/ops help": ANYONE,
    "/ops whoami": IS_MEMBER,
    "/ops language": IS_MEMBER,
    "user_change": ANYONE,
    "/ops announce": MAY_ANNOUNCE,
    "/ops deliveries": IS_ADMIN,
    "announcement.compose": MAY_ANNOUNCE,
    "announcement.read": IS_MEMBER,
    "app_home_opened": ANYONE,
}
DECLARED = {**KERNEL_ROUTES, **CASE_ROUTES, **APPROVAL_ROUTES}


# ---- the table and the routes -----------------------------------------------------------------------


def table() -> dict[str, tuple[str, ...]]:
    """Each row of the doc's tables: the route (its first code span) and the permission's codes."""
    rows: dict[str, tuple[str, ...]] = {}
    for line in DOC.read_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 5 or not cells[0] or not (route := re.findall(r"`([^`]+)`", cells[0])):
            continue
        assert route[0] not in rows, f"{route[0]} has two rows"
        rows[route[0]] = tuple(re.findall(r"`([^`]+)`", cells[3]))
    return rows


ROWS = table()


def test_the_table_is_read():
    assert len(ROWS) >= 60 and ROWS["case.accept"] == ("member", "owner_chain")


@pytest.mark.parametrize("route", sorted(ROWS))
def test_each_row_has_the_codes_of_the_routes_permission(route):
    assert route in DECLARED, f"{route} has a row but no declared permission"
    assert ROWS[route] == DECLARED[route].codes


def test_each_code_the_table_uses_is_explained_and_worded():
    explained = set(re.findall(r"^- `([^`]+)`:", DOC.read_text(), re.MULTILINE))
    used = {code for codes in ROWS.values() for code in codes}
    words = wording(ZoneInfo("UTC")).catalogue.english
    roles = {code for code in used if code.startswith("at_least.")}
    assert used - roles <= explained and "at_least.<role>" in explained
    assert [code for code in sorted(used) if f"permission.{code}" not in words] == []


def subcommands_of(running, command: str) -> set[str]:
    """What the running app's command understands, as it answers a word it does not know."""
    text = running.slack.command(ZHENGHAO, command, "zzzz").json["text"]
    known = re.search(rf"`{command}` understands: ([^)]*)\)", text)
    assert known, text
    return {f"{command} {word.strip()}" for word in known.group(1).split(",")}


def registered(running, monkeypatch) -> set[str]:
    """Every id the app answers: its slash commands (typed alone, and each word), its buttons and forms, its
    events; as `build_app` registers them for the workflows the bot ships with."""
    found: set[str] = set()
    keep = Routes.register

    def recorded(routes: Routes, app: Any) -> None:
        found.update(routes.actions, routes.after_ack, routes.views)
        keep(routes, app)

    for method in ("command", "event"):
        real = getattr(OpsApp, method)

        def recording(self: Any, name: Any, *args: Any, _real: Any = real, **kwargs: Any) -> Any:
            found.add(name if isinstance(name, str) else name.pattern)
            return _real(self, name, *args, **kwargs)

        monkeypatch.setattr(OpsApp, method, recording)
    monkeypatch.setattr(Routes, "register", recorded)
    bot = running.bot
    edge = Edge(db=bot.db, clock=bot.clock, center=bot.center, wordings=wordings(bot.center.calendar.zone))
    client = web_client(TOKEN, running.slack.api_url, 5)
    build_app(edge, client=client, workflows=SLACK_WORKFLOWS, home=WORKFLOWS.home_settings(bot.center))
    commands = {name for name in found if name.startswith("/")}
    return found | {word for command in commands for word in subcommands_of(running, command)}


def test_every_route_the_app_registers_has_a_row(running, monkeypatch):
    routes = registered(running, monkeypatch)
    assert {"/case", "/case show", "case.accept", "case.reject.form", "app_home_opened"} <= routes
    assert sorted(routes - set(ROWS)) == []
    assert sorted(set(ROWS) - routes) == []


# ---- driving the rules --------------------------------------------------------------------------------

COVERED: set[str] = set()


def covers(*routes: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """The rows a test drives."""
    COVERED.update(routes)
    return lambda test: test


def test_every_row_is_driven():
    assert sorted(set(ROWS) - COVERED) == [] and sorted(COVERED - set(ROWS)) == []


def refused_by(allowed: Iterable[str]) -> list[str]:
    """Everyone of the example center but `allowed`, and someone not in the directory."""
    return [*sorted(EVERYONE - set(allowed)), STRANGER]


class Floor:
    """The example center at work, through the fake Slack: presses, commands and forms as its people make
    them, and what a refusal must leave as it was."""

    def __init__(self, running: Any, center: Any) -> None:
        self.running, self.slack, self.desk = running, running.slack, Desk(running)
        words = wording(center.calendar.zone).catalogue.english
        self.roles = {p.slack_id: words[f"role.{p.role.value}"] for p in center.people}
        assert set(self.roles) == EVERYONE

    # ---- what a refusal says, and what it leaves
    def refusal(self, person: str, text: str, action: str) -> None:
        """The one wording: who may, what the person tried, what they are."""
        if person == STRANGER:
            assert "not in this center's directory" in text, text
        else:
            ending = f" can {action}; you are a {self.roles[person]}."
            assert text.startswith("Only ") and text.endswith(ending), (person, text)

    def told(self, person: str, seen: int, what: str) -> str:
        """The ephemeral message `person` was sent after the `seen` they had."""
        try:
            (told,) = self.slack.wait_for(lambda: self.slack.ephemerals(person)[seen:])
        except TimeoutError:
            pytest.fail(f"{person} was not refused {what}")
        return told.text

    def state(self) -> Any:
        self.running.delivered()
        with self.running.db.reading() as session:
            rows = [
                session.execute(select(*columns)).all()
                for columns in (
                    (Case.id, Case.state, Case.version, Case.assignee, Case.replied_at, Case.customer),
                    (JointReview.case_id, JointReview.reviewer, JointReview.agreed),
                    (ApprovalRequest.id, ApprovalRequest.state, ApprovalRequest.version),
                    (
                        ApprovalStep.request_id,
                        ApprovalStep.round,
                        ApprovalStep.state,
                        ApprovalStep.decided_by,
                    ),
                )
            ]
        return self.running.row_counts(), rows

    @contextmanager
    def unchanged(self) -> Iterator[None]:
        before = self.state()
        yield
        assert self.state() == before

    # ---- refused, each in turn: nothing changes
    def refused_presses(
        self, where: Any, action_id: str, action: str, people: list[str], **extra: Any
    ) -> None:
        with self.unchanged():
            seen = {person: len(self.slack.ephemerals(person)) for person in people}
            for person in people:
                assert self.slack.click(person, where, action_id, **extra).status == 200
            for person in people:
                self.refusal(person, self.told(person, seen[person], action_id), action)
                assert self.slack.open_views(person) == []

    def refused_commands(self, command: str, text: str, action: str, people: list[str]) -> None:
        with self.unchanged():
            for person in people:
                reply = self.slack.command(person, command, text)
                self.refusal(person, reply.json["text"], action)
                assert self.slack.open_views(person) == []

    def refused_submissions(self, form: Any, values: dict[str, Any], action: str, people: list[str]) -> None:
        """`form` submitted by each of `people`, as if it had stayed on their screen since they could open
        it: the form as the app drew it, opened for them."""
        drawn = {key: form.raw[key] for key in ("type", "title", "blocks", "callback_id", "private_metadata")}
        drawn |= {key: form.raw[key] for key in ("submit", "close") if form.raw.get(key)}
        with self.unchanged():
            for person in people:
                opened = self.slack.api.views.open(
                    {"trigger_id": self.slack.store.mint_trigger(person), "view": drawn}
                )
                (view,) = [v for v in self.slack.open_views(person) if v.id == opened["view"]["id"]]
                reply = self.slack.submit(person, view, values)
                assert reply.json["response_action"] == "errors", reply.body
                (said,) = reply.json["errors"].values()
                self.refusal(person, said, action)
                self.slack.close(person, view)

    # ---- allowed
    def opens(self, where: Any, action_id: str, people: Iterable[str]) -> Any:
        """Each of `people` presses the button and its form opens (which changes nothing); the last one's."""
        with self.unchanged():
            for person in people:
                self.slack.click(person, where, action_id)
                (form,) = self.slack.wait_for(
                    lambda p=person: [
                        v for v in self.slack.open_views(p) if v.callback_id == f"{action_id}.form"
                    ]
                )
        return form

    def submit(self, person: str, form: Any, values: dict[str, Any]) -> None:
        reply = self.slack.submit(person, form, values)
        assert reply.status == 200 and "errors" not in (reply.json or {}), reply.body
        self.running.delivered()

    def case(self) -> Case:
        with self.running.db.reading() as session:
            return session.scalars(select(Case).order_by(Case.id.desc())).first()

    def request(self) -> ApprovalRequest:
        with self.running.db.reading() as session:
            return session.scalars(select(ApprovalRequest)).one()

    def card(self, number: str) -> Any:
        self.running.delivered()
        return next(m for m in self.slack.messages("C0INTAKE") if number in json.dumps(m.blocks))

    def dm_with(self, person: str, action_id: str) -> Any:
        self.running.delivered()
        return next(m for m in reversed(self.slack.dm(person)) if action_id in json.dumps(m.blocks))


@pytest.fixture
def floor(running, center):
    return Floor(running, center)


def press_row(
    floor: Floor, where: Any, action_id: str, action: str, allowed: Iterable[str], *, by: str, **extra: Any
) -> None:
    """A button that acts: everyone else is refused, then `by` presses it."""  # fmt: skip
    floor.refused_presses(where, action_id, action, refused_by(allowed), **extra)
    assert floor.slack.click(by, where, action_id, **extra).status == 200
    floor.running.delivered()


def form_row(
    floor: Floor,
    where: Any,
    action_id: str,
    action: str,
    allowed: Iterable[str],
    *,
    by: str,
    values: dict[str, Any],
) -> None:
    """A button that opens a form: everyone else is refused before it opens; it opens for everyone allowed;
    the form, submitted by anyone else, is refused; `by` submits it."""  # fmt: skip
    refused = refused_by(allowed)
    floor.refused_presses(where, action_id, action, refused)
    form = floor.opens(where, action_id, [*sorted(set(allowed) - {by}), by])
    floor.refused_submissions(form, values, action, refused)
    floor.submit(by, form, values)


def command_row(floor: Floor, command: str, text: str, action: str, allowed: Iterable[str]) -> list[str]:
    """A command that changes nothing: everyone else is refused; everyone allowed is answered."""
    floor.refused_commands(command, text, action, refused_by(allowed))
    with floor.unchanged():
        answers = [floor.slack.command(person, command, text).json["text"] for person in sorted(allowed)]
    assert not [a for a in answers if a.startswith("Only ") or "not in this center's directory" in a]
    return answers


# ---- cases --------------------------------------------------------------------------------------------


def quick_case(floor: Floor, clerk: str = ZHENGHAO) -> str:
    """A general enquiry taken in by `clerk`: on an empty center, Chen Jing handles it (the least loaded)."""
    reply = floor.slack.command(clerk, "/case", "new Customer asks about opening hours")
    assert reply.json["text"].startswith("Registered CASE-2026-"), reply.json["text"]
    floor.running.delivered()
    case = floor.case()
    assert (case.assignee, case.state) == (CHENJING, "assigned")
    return str(case.number)


def accepted(floor: Floor) -> str:
    number = quick_case(floor)
    floor.slack.click(CHENJING, floor.card(number), "case.accept")
    floor.running.delivered()
    assert floor.case().state == "in_progress"
    return number


def submitted(floor: Floor) -> str:
    number = accepted(floor)
    floor.desk.fill(CHENJING, "case.submit", {"result": "Told them: 9 to 6."}, where=floor.card(number))
    floor.running.delivered()
    case = floor.case()
    assert (case.state, case.first_reviewer, case.second_reviewer) == ("first_review", WUFANG, ZHOUJIE)
    return number


def fed_back(floor: Floor) -> str:
    number = submitted(floor)
    for reviewer in (WUFANG, ZHOUJIE):
        floor.slack.click(reviewer, floor.card(number), "case.review.pass")
        floor.running.delivered()
    assert floor.case().state == "feedback"
    return number


@covers("case.accept")
def test_the_handler_or_their_superiors_accept(floor):
    number = quick_case(floor)
    press_row(floor, floor.card(number), "case.accept", f"accept {number}", CHENJINGS_CHAIN, by=CHENJING)
    assert floor.case().state == "in_progress"


@covers("case.reject", "case.reject.form")
def test_the_handler_or_their_superiors_reject(floor):
    number = quick_case(floor)
    values = {"reason": "We do not handle this."}
    form_row(floor, floor.card(number), "case.reject", f"reject {number}", CHENJINGS_CHAIN, by=ZHOUJIE,
             values=values)  # fmt: skip
    assert floor.case().state == "rejected"


@covers("case.joint", "case.joint.form")
def test_the_handler_or_their_superiors_ask_for_a_joint_review(floor):
    number = quick_case(floor)
    action = f"ask for a joint review of {number}"
    form_row(floor, floor.card(number), "case.joint", action, CHENJINGS_CHAIN, by=CHENJING,
             values={"reviewers": [FENGYU, XUKAI]})  # fmt: skip
    assert floor.case().state == "joint_review"


@covers("case.replied", "case.replied.form")
def test_the_handler_or_their_superiors_record_the_reply(floor):
    number = quick_case(floor)
    action = f"record a reply to the customer of {number}"
    form_row(floor, floor.card(number), "case.replied", action, CHENJINGS_CHAIN, by=WUFANG,
             values={"how": "Phone call at 10:20"})  # fmt: skip
    assert floor.case().replied_at is not None


@covers("case.take")
def test_a_handler_of_the_unit_or_its_dispatcher_takes(floor):
    number = quick_case(floor)
    allowed = {CHENJING, FENGYU, ZHENGHAO, WUFANG}  # Zhou Jie, over the dispatcher, may not
    press_row(floor, floor.card(number), "case.take", f"take {number}", allowed, by=FENGYU)
    assert (floor.case().assignee, floor.case().assigned_how) == (FENGYU, "taken")


@covers("case.pick")
def test_the_dispatcher_or_their_superiors_pick(floor):
    number = quick_case(floor)
    action = f"choose who handles {number}"
    press_row(floor, floor.card(number), "case.pick", action, CHAIN_ABOVE_INTAKE, by=SUNLI,
              selected_user=FENGYU)  # fmt: skip
    assert (floor.case().assignee, floor.case().assigned_how) == (FENGYU, "picked")


@covers("case.progress", "case.progress.form")
def test_the_handler_or_their_superiors_add_progress(floor):
    number = accepted(floor)
    form_row(floor, floor.card(number), "case.progress", f"add progress to {number}", CHENJINGS_CHAIN,
             by=CHENJING, values={"note": "Checked the timetable."})  # fmt: skip
    with floor.running.db.reading() as session:
        assert [
            entry.actor for entry in audit.history(session, number) if entry.action == "case.progress"
        ] == [CHENJING]


@covers("case.submit", "case.submit.form")
def test_the_handler_or_their_superiors_submit(floor):
    number = accepted(floor)
    form_row(floor, floor.card(number), "case.submit", f"submit the result of {number}", CHENJINGS_CHAIN,
             by=QIANLEI, values={"result": "Told them: 9 to 6."})  # fmt: skip
    assert floor.case().state == "first_review"


@covers("case.joint.agree", "case.joint.disagree", "case.joint.disagree.form")
def test_only_the_reviewers_asked_agree_or_disagree(floor):
    number = quick_case(floor)
    floor.desk.fill(CHENJING, "case.joint", {"reviewers": [FENGYU, XUKAI]}, where=floor.card(number))
    floor.running.delivered()
    card, asked = floor.card(number), {FENGYU, XUKAI}
    form_row(floor, card, "case.joint.disagree", f"disagree in the joint review of {number}", asked,
             by=XUKAI, values={"reason": "Tech must check the site first."})  # fmt: skip
    assert floor.case().state == "assigned"
    floor.desk.fill(CHENJING, "case.joint", {"reviewers": [FENGYU, XUKAI]}, where=floor.card(number))
    floor.running.delivered()
    press_row(floor, floor.card(number), "case.joint.agree", f"agree in the joint review of {number}",
              asked, by=FENGYU)  # fmt: skip
    with floor.running.db.reading() as session:
        agreed = session.execute(select(JointReview.reviewer, JointReview.round, JointReview.agreed)).all()
    assert (FENGYU, 2, True) in agreed and floor.case().state == "joint_review"


@covers("case.review.pass", "case.review.return", "case.review.return.form")
def test_only_the_reviewer_of_the_level_passes_or_returns(floor):
    number = submitted(floor)
    card = floor.card(number)
    form_row(floor, card, "case.review.return", f"return {number} from its first-level review", {WUFANG},
             by=WUFANG, values={"reason": "Give the weekend hours too."})  # fmt: skip
    assert floor.case().state == "in_progress"
    floor.desk.fill(
        CHENJING, "case.submit", {"result": "9 to 6; weekends 10 to 4."}, where=floor.card(number)
    )
    floor.running.delivered()
    press_row(floor, floor.card(number), "case.review.pass", f"pass the first-level review of {number}",
              {WUFANG}, by=WUFANG)  # fmt: skip
    assert floor.case().state == "second_review"


@covers("case.informed", "case.informed.form")
def test_the_handler_or_their_superiors_tell_the_customer_the_result(floor):
    number = fed_back(floor)
    action = f"record that the customer of {number} was told"
    form_row(floor, floor.card(number), "case.informed", action, CHENJINGS_CHAIN, by=CHENJING,
             values={"how": "Phone call at 11:00"})  # fmt: skip
    assert floor.case().state == "follow_up"


def test_customer_service_or_their_superiors_tell_the_customer_a_complaints_result(floor):
    form = floor.desk.intake_form(ZHENGHAO, "complaint")
    details = {"customer": "Li Na", "contact": "13812345678", "channel": "phone", "summary": "Rude reply"}
    floor.slack.submit(ZHENGHAO, form, details)
    floor.running.delivered()
    number = str(floor.case().number)
    assert floor.case().assignee == ZHULIN  # the service unit investigates
    floor.slack.click(ZHULIN, floor.card(number), "case.accept")
    floor.running.delivered()
    floor.desk.fill(ZHULIN, "case.submit", {"result": "Apologised; coached."}, where=floor.card(number))
    floor.running.delivered()
    assert floor.case().state == "feedback"
    action = f"record that the customer of {number} was told"
    form_row(floor, floor.card(number), "case.informed", action, ZHENGHAOS_CHAIN, by=ZHENGHAO,
             values={"how": "E-mail with an apology"})  # fmt: skip
    assert floor.case().state == "follow_up"


@covers("case.satisfaction", "case.satisfaction.form")
def test_the_follow_up_owner_or_their_superiors_record_the_follow_up(floor):
    number = fed_back(floor)
    floor.desk.fill(CHENJING, "case.informed", {"how": "Phone call"}, where=floor.card(number))
    floor.running.delivered()
    assert (floor.case().state, floor.case().follow_up_owner) == ("follow_up", ZHENGHAO)
    form_row(floor, floor.card(number), "case.satisfaction", f"record the follow-up of {number}",
             ZHENGHAOS_CHAIN, by=ZHENGHAO, values={"score": "4"})  # fmt: skip
    assert floor.case().state == "closed"


@covers("case.supplement", "case.supplement.form")
def test_the_clerk_or_their_superiors_record_a_supplement(floor):
    form = floor.desk.intake_form(ZHULIN, "account_change")
    details = {"customer": "Li Na", "contact": "13812345678", "channel": "walk_in", "summary": "New address"}
    floor.slack.submit(ZHULIN, form, details | {"provided_items": ["Application form"]})
    (prompt,) = floor.desk.told(ZHULIN, "returned for supplement")
    (done,) = floor.slack.open_views(ZHULIN)
    floor.slack.close(ZHULIN, done)
    ref = f"INTAKE-{floor.case().id}"
    form_row(floor, prompt, "case.supplement", f"record the supplement of {ref}", ZHULINS_CHAIN,
             by=YANGTAO, values={"items": ["ID proof"]})  # fmt: skip
    assert floor.case().state == "assigned"


@covers("case.complete", "case.complete.form")
def test_the_clerk_or_the_handler_and_their_superiors_complete_the_details(floor):
    number = quick_case(floor, clerk=ZHULIN)
    allowed = {ZHULIN} | CHENJINGS_CHAIN  # not Yang Tao, Zhu Lin's own supervisor
    values = {"customer": "Li Na", "contact": "13812345678", "channel": "phone"}
    form_row(floor, floor.card(number), "case.complete", f"complete the details of {number}", allowed,
             by=ZHULIN, values=values)  # fmt: skip
    assert floor.case().customer == "Li Na"


@covers("/case show")
def test_show_is_for_the_unit_those_on_the_case_quality_control_and_managers(floor):
    number = quick_case(floor)
    refused = {YANGTAO, ZHULIN, XUKAI, TANGXIN}  # service, tech and finance below manager
    shown = command_row(floor, "/case", f"show {number}", f"see {number}", EVERYONE - refused)
    assert all(text.startswith(number) for text in shown)


@covers("/case stats")
def test_the_figures_are_for_group_leaders_and_above_and_quality_control(floor):
    allowed = SUPERVISORS_AND_ABOVE | {LUYAN}
    command_row(floor, "/case", "stats", "see the case figures", allowed)


@covers("/case", "case.intake", "type_key")
def test_anyone_in_the_directory_takes_in_a_case(floor):
    floor.refused_commands("/case", "", "take in cases", [STRANGER])
    with floor.unchanged():
        for person in sorted(EVERYONE):
            floor.slack.command(person, "/case", "")
            floor.slack.wait_for(lambda p=person: floor.slack.open_views(p))
    (form,) = floor.slack.open_views(LUYAN)
    floor.slack.click(LUYAN, form, "type_key", selected_option="account_change")  # redraws the form
    (form,) = floor.slack.wait_for(lambda: [v for v in floor.slack.open_views(LUYAN) if v.hash != form.hash])
    assert "provided_items" in json.dumps(form.blocks)
    details = {"customer": "Li Na", "contact": "13812345678", "channel": "phone", "summary": "New address"}
    values = details | {"provided_items": ["Application form", "ID proof"]}
    floor.refused_submissions(form, values, "take in cases", [STRANGER])
    floor.submit(LUYAN, form, values)
    assert floor.case().registered_by == LUYAN


@covers("/case new")
def test_anyone_in_the_directory_registers_a_quick_case(floor):
    floor.refused_commands("/case", "new Opening hours?", "take in cases", [STRANGER])
    quick_case(floor, clerk=TANGXIN)


@covers("/case list", "case.list.previous", "case.list.next")
def test_anyone_in_the_directory_lists_what_they_may_see(floor):
    for _ in range(11):
        floor.slack.command(ZHENGHAO, "/case", "new Customer asks about opening hours")
    command_row(floor, "/case", "list open", "list cases", EVERYONE)
    floor.refused_commands("/case", "list", "list cases", [STRANGER])
    listed = next(m for m in floor.slack.ephemerals(ZHAOMIN) if "page 1 of 2" in m.text)
    seen = len(floor.slack.ephemerals(STRANGER))
    with floor.unchanged():  # a page turned after the ack: someone not in the directory is refused silently
        raw_click(floor, STRANGER, "case.list.next", "open 2")
        floor.running.delivered()
    assert len(floor.slack.ephemerals(STRANGER)) == seen
    floor.slack.click(ZHAOMIN, listed, "case.list.next")
    turned = floor.slack.wait_for(
        lambda: [m for m in floor.slack.ephemerals(ZHAOMIN) if "page 2 of 2" in m.text]
    )
    floor.slack.click(ZHAOMIN, turned[0], "case.list.previous")
    floor.slack.wait_for(lambda: [m for m in floor.slack.ephemerals(ZHAOMIN) if m.ts == listed.ts and
                                  "page 1 of 2" in m.text and m.edits == 2])  # fmt: skip


def raw_click(floor: Floor, person: str, action_id: str, value: str) -> None:
    """A press of `action_id` from no message in particular (someone else's ephemeral, say)."""
    slack = floor.slack
    payload = slack.payloads.interaction(
        "block_actions",
        person,
        trigger_id=slack.store.mint_trigger(person),
        container={"type": "message", "message_ts": "1790000000.000100", "channel_id": "D0PERMS"},
        channel={"id": "D0PERMS", "name": "directmessage"},
        response_url=slack.store.mint_response_url(slack.base_url, person, "D0PERMS"),
        state={"values": {}},
        actions=[{"type": "button", "action_id": action_id, "block_id": "b", "value": value,
                  "action_ts": "1790000000.000200"}],
    )  # fmt: skip
    assert slack.send_interaction(payload).status == 200


# ---- approvals ----------------------------------------------------------------------------------------


def expense(floor: Floor) -> str:
    """Feng Yu's taxi: step 1 Wu Fang (direct superior), step 2 Shi Hong (finance)."""
    reply = floor.slack.command(FENGYU, "/approval", "request expense 480 Taxi to the client")
    assert reply.json["text"].startswith("Asked for APR-2026-"), reply.json["text"]
    floor.running.delivered()
    with floor.running.db.reading() as session:
        steps = session.scalars(select(ApprovalStep).order_by(ApprovalStep.position)).all()
        assert [s.approver for s in steps] == [WUFANG, SHIHONG]
    return str(floor.request().number)


def returned(floor: Floor) -> str:
    number = expense(floor)
    floor.desk.fill(WUFANG, "approval.return", {"reason": "Attach the receipt."},
                    where=approver_card(floor.running, WUFANG, number))  # fmt: skip
    floor.running.delivered()
    assert floor.request().state == "returned"
    return number


def decide(number: str) -> str:
    return f"decide step 1 (Direct superior) of {number}"


@covers("approval.approve")
def test_only_the_approver_decides_a_step(floor):
    number = expense(floor)
    card = approver_card(floor.running, WUFANG, number)
    press_row(floor, card, "approval.approve", decide(number), {WUFANG}, by=WUFANG)
    assert floor.request().current_step == 2


def test_a_stand_in_decides_but_not_one_who_decides_another_step(floor):
    """Wu Fang's stand-in decides her step, unless they approve another step of the chain (Shi Hong)."""
    floor.slack.command(WUFANG, "/approval", f"delegate <@{SHIHONG}> until 2026-12-24")
    number = expense(floor)
    card = approver_card(floor.running, WUFANG, number)
    floor.refused_presses(card, "approval.approve", decide(number), refused_by({WUFANG}))
    floor.slack.command(WUFANG, "/approval", f"delegate <@{CHENJING}> until 2026-12-24")
    press_row(floor, card, "approval.approve", decide(number), {WUFANG, CHENJING}, by=CHENJING)
    assert floor.request().current_step == 2


@covers("approval.deny", "approval.deny.form")
def test_only_the_approver_denies_a_step(floor):
    number = expense(floor)
    card = approver_card(floor.running, WUFANG, number)
    form_row(floor, card, "approval.deny", decide(number), {WUFANG}, by=WUFANG,
             values={"reason": "Take the bus."})  # fmt: skip
    assert floor.request().state == "denied"


@covers("approval.return", "approval.return.form")
def test_only_the_approver_returns_a_request(floor):
    number = expense(floor)
    card = approver_card(floor.running, WUFANG, number)
    form_row(floor, card, "approval.return", decide(number), {WUFANG}, by=WUFANG,
             values={"reason": "Attach the receipt."})  # fmt: skip
    assert floor.request().state == "returned"


@covers("approval.resubmit", "approval.resubmit.form")
def test_only_the_requester_resubmits_with_the_form(floor):
    number = returned(floor)
    card = floor.dm_with(FENGYU, "approval.resubmit")
    form_row(floor, card, "approval.resubmit", f"resubmit {number}", {FENGYU}, by=FENGYU,
             values={"purpose": "Taxi to the client, receipt attached"})  # fmt: skip
    assert floor.request().state == "pending"


@covers("/approval resubmit")
def test_only_the_requester_resubmits_by_command(floor):
    number = returned(floor)
    text = f"resubmit {number} Taxi to the client, receipt attached"
    floor.refused_commands("/approval", text, f"resubmit {number}", refused_by({FENGYU}))
    assert floor.slack.command(FENGYU, "/approval", text).json["text"].startswith(f"{number} is resubmitted")


@covers("/approval withdraw")
def test_only_the_requester_withdraws(floor):
    number = expense(floor)
    refused = refused_by({FENGYU})
    floor.refused_commands("/approval", f"withdraw {number}", f"withdraw {number}", refused)
    assert (
        floor.slack.command(FENGYU, "/approval", f"withdraw {number}").json["text"]
        == f"{number} is withdrawn."
    )


@covers("/approval show")
def test_a_request_shows_to_those_on_it_quality_control_and_managers(floor):
    number = expense(floor)
    allowed = {FENGYU, WUFANG, SHIHONG, LUYAN} | MANAGERS_AND_ABOVE  # not Zhou Jie, above Wu Fang
    shown = command_row(floor, "/approval", f"show {number}", f"see {number}", allowed)
    assert all(text.startswith(f"*{number}*") for text in shown)


@covers("/approval", "approval.request", "kind", "/approval request")
def test_anyone_in_the_directory_asks_for_any_kind(floor):
    floor.refused_commands("/approval", "", "ask", [STRANGER])
    floor.refused_commands("/approval", "request expense 480 Taxi", "ask", [STRANGER])
    with floor.unchanged():
        for person in sorted(EVERYONE):
            floor.slack.command(person, "/approval", "")
            floor.slack.wait_for(lambda p=person: floor.slack.open_views(p))
    (form,) = floor.slack.open_views(TANGXIN)
    floor.slack.click(TANGXIN, form, "kind", selected_option="asset_purchase")  # redraws the form
    (form,) = floor.slack.wait_for(
        lambda: [v for v in floor.slack.open_views(TANGXIN) if v.hash != form.hash]
    )
    values = {"kind": "asset_purchase", "purpose": "A label printer", "amount": "900"}
    floor.refused_submissions(form, values, "ask", [STRANGER])
    floor.submit(TANGXIN, form, values)
    assert floor.request().requester == TANGXIN
    assert (
        floor.slack.command(XUKAI, "/approval", "request expense 480 Taxi").json["text"].startswith("Asked")
    )


@covers("/approval list", "/approval delegate")
def test_anyone_in_the_directory_lists_and_delegates(floor):
    floor.refused_commands("/approval", "list", "list", [STRANGER])
    floor.refused_commands("/approval", "delegate", "delegate", [STRANGER])
    command_row(floor, "/approval", "list", "list", EVERYONE)
    command_row(floor, "/approval", "delegate", "delegate", EVERYONE)
    said = floor.slack.command(ZHULIN, "/approval", f"delegate <@{ZHAOMIN}> until 2026-12-24").json["text"]
    assert said.startswith("Until 2026-12-24")


# ---- /ops, announcements, the App Home ------------------------------------------------------------------


@covers("/ops", "/ops help")
def test_anyone_at_all_gets_the_help(floor):
    for person in [*sorted(EVERYONE), STRANGER]:
        for text in ("", "help"):
            assert "/case show" in floor.slack.command(person, "/ops", text).json["text"]


@covers("/ops whoami")
def test_anyone_in_the_directory_asks_who_they_are(floor):
    floor.refused_commands("/ops", "whoami", "whoami", [STRANGER])
    answers = command_row(floor, "/ops", "whoami", "whoami", EVERYONE)
    assert all(text.startswith("You are ") for text in answers)


@covers("/ops language")
def test_anyone_in_the_directory_chooses_their_language(floor):
    for text in ("language", "language zh"):
        floor.refused_commands("/ops", text, text, [STRANGER])
    command_row(floor, "/ops", "language", "language", EVERYONE)
    for person in sorted(EVERYONE):
        assert "/ops language" not in floor.slack.command(person, "/ops", "language en").json["text"]


@covers("user_change")
def test_a_profile_changed_for_anyone_asks_slack_and_a_stranger_changes_nothing(floor):
    with floor.unchanged():
        floor.slack.event({"type": "user_change", "user": {"id": STRANGER}})
        floor.running.delivered()
    floor.slack.event({"type": "user_change", "user": {"id": CHENJING}})
    floor.running.delivered()
    assert [call.args["user"] for call in floor.slack.calls_to("users.info")] == [STRANGER, CHENJING]


@covers("/ops announce", "announcement.compose")
def test_supervisors_and_above_announce(floor):
    refused = refused_by(SUPERVISORS_AND_ABOVE)
    floor.refused_commands("/ops", "announce leadership Fire drill", "post announcements", refused)
    floor.refused_commands("/ops", "announce", "post announcements", refused)  # no form opens for them
    with floor.unchanged():
        for person in sorted(SUPERVISORS_AND_ABOVE):
            floor.slack.command(person, "/ops", "announce")
            floor.slack.wait_for(lambda p=person: floor.slack.open_views(p))
    (form,) = floor.slack.open_views(YANGTAO)
    values = {"purpose": "announcements", "text": "Fire drill on Friday"}
    floor.refused_submissions(form, values, "post announcements", refused)
    floor.submit(YANGTAO, form, values)
    reply = floor.slack.command(HEPING, "/ops", "announce leadership Quarterly review")
    assert reply.json["text"].startswith("Posted ANN-2026-000002")


@covers("announcement.read")
def test_anyone_in_the_directory_marks_an_announcement_read(floor):
    floor.slack.command(WUFANG, "/ops", "announce leadership Quarterly review")
    floor.running.delivered()
    (card,) = floor.slack.messages("C0LEADERS")
    floor.refused_presses(card, "announcement.read", "read", [STRANGER])
    press_row(floor, card, "announcement.read", "read", EVERYONE, by=ZHULIN)
    floor.slack.wait_for(lambda: "Zhu Lin" in json.dumps(floor.slack.messages("C0LEADERS")[0].blocks))


@covers("/ops deliveries")
def test_only_opsbots_admins_look_after_deliveries(floor):
    refused = refused_by({XUKAI})
    floor.refused_commands("/ops", "deliveries", "look after deliveries", refused)
    floor.refused_commands("/ops", "deliveries retry", "look after deliveries", refused)
    assert floor.slack.command(XUKAI, "/ops", "deliveries").json["text"].startswith("Outbox:")


@covers("app_home_opened")
def test_anyone_at_all_opens_their_home(floor):
    for person in (STRANGER, CHENJING):
        floor.slack.event(
            {"type": "app_home_opened", "user": person, "channel": f"D0{person}", "tab": "home"}
        )
    stranger = floor.slack.wait_for(lambda: floor.slack.home(STRANGER))
    assert "not in" in json.dumps(stranger.blocks)
    assert floor.slack.wait_for(lambda: floor.slack.home(CHENJING))
