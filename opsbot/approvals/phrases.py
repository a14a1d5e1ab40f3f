"""The phrases approvals' notices share: how a step's label reads, who decided a step, and whom a waiting
step waits for. Each is a notice (or a term), worded on the Slack side like the rest."""

from __future__ import annotations

from collections.abc import Callable

from opsbot.approvals.models import ApprovalStep
from opsbot.approvals.policy import RELATIVE_STEPS
from opsbot.notices import Notice, Param, Term

# How a label joins the steps one person takes (`direct_superior + unit_head + Director`).
MERGED = " + "


def label(stored: str) -> Notice:
    """How a step's label (as `ApprovalStep.label` keeps it) reads: each step it takes, a relative step in
    opsbot's words and a function as the center file names it, joined in the order they were merged. A label
    kept before relative steps were kept by name ("Direct superior") reads as it was written."""
    first, *merged = stored.split(MERGED)
    said = Notice.of("approval.step_label", step=_step(first))
    for step in merged:
        said = Notice.of("approval.step_label.merged", steps=said, step=_step(step))
    return said


def _step(name: str) -> Param:
    return Term(f"approval.step.{name}") if name in RELATIVE_STEPS else name


def decider(step: ApprovalStep, names: Callable[[str], str]) -> Notice | None:
    """Who decided the step, and for whom when it was not its approver: "Tang Xin for Shi Hong", "Zhou Jie as
    Wu Fang's superior"; None while undecided."""
    if step.decided_by is None:
        return None
    who = names(step.decided_by)
    if step.decided_by == step.approver:
        return Notice.of("approval.decider", who=who)
    return Notice.of(
        "approval.decider.as_superior" if step.decided_by == step.escalated_to else "approval.decider.for",
        who=who,
        approver=names(step.approver),
    )


def waits_for(step: ApprovalStep, delegate: str | None, names: Callable[[str], str]) -> Notice | None:
    """Whom a waiting step waits for when it is not its approver alone: "Zhou Jie (escalated) or Wu Fang",
    "Feng Yu (standing in) or Wu Fang"."""
    others: list[Param] = []
    if step.escalated_to:
        others.append(Notice.of("approval.waits_for.escalated", who=names(step.escalated_to)))
    if delegate is not None and delegate != step.escalated_to:
        others.append(Notice.of("approval.waits_for.standing_in", who=names(delegate)))
    return Notice.of("approval.waits_for", others=others, approver=names(step.approver)) if others else None
