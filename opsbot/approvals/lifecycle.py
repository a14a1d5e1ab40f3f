"""The states of an approval request and of its steps, and what a decision does to them: pure functions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from opsbot.notices import Term


class RequestState(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DENIED = "denied"
    RETURNED = "returned"  # returned for correction: the requester may resubmit
    WITHDRAWN = "withdrawn"

    @property
    def is_final(self) -> bool:
        return self is not RequestState.PENDING

    @property
    def term(self) -> Term:
        """How the state reads on cards and in `/approval show`."""
        return Term(f"approval.state.{self.value}")


class StepState(StrEnum):
    WAITING = "waiting"  # an earlier step has not decided yet
    PENDING = "pending"  # the approver's turn
    APPROVED = "approved"
    DENIED = "denied"
    RETURNED = "returned"
    CANCELLED = "cancelled"  # the request ended before this step's turn

    @property
    def term(self) -> Term:
        """How a step's state reads: "approved", "denied", "returned for correction"."""
        return Term(f"approval.step_state.{self.value}")


class Decision(StrEnum):
    APPROVE = "approve"
    DENY = "deny"
    RETURN = "return"


# The state a decision leaves its step in.
DONE = {
    Decision.APPROVE: StepState.APPROVED,
    Decision.DENY: StepState.DENIED,
    Decision.RETURN: StepState.RETURNED,
}

# The entries of a request's history (its audit rows) that read as one of opsbot's words, in the past tense
# (`approval.history.approve`: "approved"); escalations, delegations and reminders read as a line of their
# own, which says whom they concern.
HISTORY = (
    "approval.requested",
    "approval.approve",
    "approval.deny",
    "approval.return",
    "approval.resubmitted",
    "approval.withdrawn",
)


@dataclass(frozen=True)
class Outcome:
    request: RequestState
    next_position: int | None  # the step whose turn it is now, if any


def after_decision(positions: Sequence[int], position: int, decision: Decision) -> Outcome:
    """Approving passes the turn to the next step (or approves the request after the last); denying or
    returning ends the request at once."""
    if decision is Decision.DENY:
        return Outcome(RequestState.DENIED, None)
    if decision is Decision.RETURN:
        return Outcome(RequestState.RETURNED, None)
    later = [p for p in positions if p > position]
    return Outcome(RequestState.PENDING, min(later)) if later else Outcome(RequestState.APPROVED, None)
