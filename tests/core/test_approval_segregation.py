"""Segregation of duties on a chain's steps, as rules of data: who may stand in, who decides another step,
and whom a waiting step is escalated to (no one decides two steps of one chain)."""

from datetime import UTC, datetime

from opsbot.approvals.models import ApprovalRequest, ApprovalStep
from opsbot.approvals.records import decides_another_step, others_in_chain, stand_in
from opsbot.context import Context
from opsbot.escalation import escalation_target as first_free
from tests.core.test_approval_chains import CENTER, directory_of

SPECIALIST, WUFANG, ZHOUJIE, SUNLI = "U0ZHENGHAO", "U0WUFANG", "U0ZHOUJIE", "U0SUNLI"
QINBO, HEPING, QIANLEI, ZHAOMIN = "U0QINBO", "U0HEPING", "U0QIANLEI", "U0ZHAOMIN"


def escalation_target(clerk, request, step, steps):
    return first_free(clerk.directory, step.approver, avoid=others_in_chain(request, step, steps))


CLERK = Context(
    center=CENTER, directory=directory_of(CENTER), now=datetime(2026, 11, 23, 2, tzinfo=UTC), actor="system"
)


def step(position: int, approver: str, state: str = "waiting", **done: str) -> ApprovalStep:
    return ApprovalStep(
        round=1, position=position, label=f"Step {position}", approver=approver, state=state, **done
    )


def process_change(*steps: ApprovalStep) -> tuple[ApprovalRequest, list[ApprovalStep]]:
    """Zheng Hao's process change: Wu Fang → Qin Bo → He Ping → Zhao Min."""
    return ApprovalRequest(number="APR-2026-000001", requester=SPECIALIST), list(steps)


def test_the_walk_through_step_three_is_not_escalated_to_who_decided_step_two():
    request, steps = process_change(
        step(1, WUFANG, "approved", decided_by=WUFANG),
        step(2, QINBO, "approved", decided_by=QIANLEI, escalated_to=QIANLEI),
        step(3, HEPING, "pending"),
        step(4, ZHAOMIN),
    )
    # He Ping's superiors: Qian Lei (decided step 2), then Zhao Min (approves step 4): no one is free.
    assert escalation_target(CLERK, request, steps[2], steps) is None


def test_escalation_passes_over_whoever_was_escalated_another_step():
    request, steps = process_change(
        step(1, WUFANG, "approved", decided_by=WUFANG),
        step(2, QINBO, "approved", decided_by=QINBO, escalated_to=QIANLEI),  # Qin Bo decided it himself
        step(3, HEPING, "pending"),
    )
    assert escalation_target(CLERK, request, steps[2], steps) is not None
    assert escalation_target(CLERK, request, steps[2], steps).slack_id == ZHAOMIN


def test_escalation_goes_to_the_first_free_superior():
    request, steps = process_change(step(1, WUFANG, "pending"), step(2, SUNLI))
    assert escalation_target(CLERK, request, steps[0], steps).slack_id == ZHOUJIE
    request, steps = process_change(step(1, WUFANG, "pending"), step(2, ZHOUJIE))
    assert escalation_target(CLERK, request, steps[0], steps).slack_id == SUNLI


def test_deciding_another_step_counts_approvers_and_deciders_not_the_step_itself():
    steps = [step(1, WUFANG, "approved", decided_by=ZHOUJIE), step(2, SUNLI, "pending")]
    assert decides_another_step(ZHOUJIE, steps[1], steps)  # decided step 1 as Wu Fang's superior
    assert decides_another_step(WUFANG, steps[1], steps)
    assert not decides_another_step(SUNLI, steps[1], steps)
    assert not decides_another_step(QIANLEI, steps[1], steps)


def test_a_delegate_stands_in_unless_they_ask_or_have_another_step():
    steps = [step(1, WUFANG, "pending"), step(2, SUNLI)]
    assert stand_in(steps[0], steps, SPECIALIST, {WUFANG: "U0CHENJING"}) == "U0CHENJING"
    assert stand_in(steps[0], steps, SPECIALIST, {WUFANG: SUNLI}) is None  # approves step 2
    assert stand_in(steps[0], steps, "U0CHENJING", {WUFANG: "U0CHENJING"}) is None  # the requester
    assert stand_in(steps[0], steps, SPECIALIST, {SUNLI: "U0CHENJING"}) is None  # not this step's approver
