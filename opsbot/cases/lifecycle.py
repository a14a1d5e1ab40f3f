"""The case lifecycle as a pure function of state and event. Every service step goes through `advance`,
so an illegal step (handling a closed case, reviewing twice) is refused with the case's state named."""

from __future__ import annotations

from enum import StrEnum

from opsbot.errors import OpsError
from opsbot.notices import Term


class State(StrEnum):
    RETURNED = "returned"  # returned to the customer for supplement: items are missing
    REGISTERED = "registered"  # numbered, waiting for a handler
    ASSIGNED = "assigned"  # a handler must review it: accept, reject or ask for a joint review
    JOINT_REVIEW = "joint_review"  # named reviewers must all agree
    REJECTED = "rejected"  # refused with a reason, which the customer is told
    IN_PROGRESS = "in_progress"  # being handled
    FIRST_REVIEW = "first_review"  # the group leader (or the next one up) reviews the handling
    SECOND_REVIEW = "second_review"  # the deputy manager (or the next one up) reviews it
    FEEDBACK = "feedback"  # the result is to be told to the customer
    FOLLOW_UP = "follow_up"  # waiting for the satisfaction follow-up
    CLOSED = "closed"

    @property
    def term(self) -> Term:
        """How people read the state: its word in the catalogue (`case.state.in_progress`)."""
        return Term(f"case.state.{self.value}")

    @property
    def is_open(self) -> bool:
        return self not in (State.CLOSED, State.REJECTED)


# Not yet resolved: the resolution clock runs, and the type (who handles it, what it needs) may still change.
UNRESOLVED = (State.REGISTERED, State.ASSIGNED, State.JOINT_REVIEW, State.IN_PROGRESS)


class Event(StrEnum):
    SUPPLEMENT = "supplement"  # the missing items arrived
    ASSIGN = "assign"  # a handler was chosen (least loaded, picked by the group leader, or took it)
    ACCEPT = "accept"
    REJECT = "reject"
    ASK_JOINT = "ask_joint"
    JOINT_AGREED = "joint_agreed"  # the last joint reviewer agreed
    JOINT_DECLINED = "joint_declined"  # a joint reviewer disagreed: back to the handler
    NOTE = "note"  # a progress note
    SUBMIT = "submit"  # handling done: to review (a complaint's result: to customer service)
    REVIEW_PASS = "review_pass"
    REVIEW_RETURN = "review_return"
    INFORM = "inform"  # the customer was told the result
    SATISFIED = "satisfied"
    DISSATISFIED = "dissatisfied"  # a low score or an objection reopens the case
    # The case type changed (`Complete details`): to the new type's unit, or back for what it needs.
    REROUTE = "reroute"
    RETURN_FOR_SUPPLEMENT = "return_for_supplement"


_TRANSITIONS: dict[tuple[State, Event], State] = {
    (State.RETURNED, Event.SUPPLEMENT): State.REGISTERED,
    (State.REGISTERED, Event.ASSIGN): State.ASSIGNED,
    (State.ASSIGNED, Event.ASSIGN): State.ASSIGNED,
    (State.IN_PROGRESS, Event.ASSIGN): State.IN_PROGRESS,
    (State.ASSIGNED, Event.ACCEPT): State.IN_PROGRESS,
    (State.ASSIGNED, Event.REJECT): State.REJECTED,
    (State.ASSIGNED, Event.ASK_JOINT): State.JOINT_REVIEW,
    (State.JOINT_REVIEW, Event.JOINT_AGREED): State.IN_PROGRESS,
    (State.JOINT_REVIEW, Event.JOINT_DECLINED): State.ASSIGNED,
    (State.IN_PROGRESS, Event.NOTE): State.IN_PROGRESS,
    (State.IN_PROGRESS, Event.SUBMIT): State.FIRST_REVIEW,
    (State.FIRST_REVIEW, Event.REVIEW_PASS): State.SECOND_REVIEW,
    (State.SECOND_REVIEW, Event.REVIEW_PASS): State.FEEDBACK,
    (State.FIRST_REVIEW, Event.REVIEW_RETURN): State.IN_PROGRESS,
    (State.SECOND_REVIEW, Event.REVIEW_RETURN): State.IN_PROGRESS,
    (State.FEEDBACK, Event.INFORM): State.FOLLOW_UP,
    (State.FOLLOW_UP, Event.SATISFIED): State.CLOSED,
    (State.FOLLOW_UP, Event.DISSATISFIED): State.IN_PROGRESS,
    **{(state, Event.REROUTE): State.REGISTERED for state in UNRESOLVED},
    **{(state, Event.RETURN_FOR_SUPPLEMENT): State.RETURNED for state in UNRESOLVED},
}

# A complaint is investigated and its result goes straight back to customer service (regulation 004).
_COMPLAINT_TRANSITIONS = {(State.IN_PROGRESS, Event.SUBMIT): State.FEEDBACK}


class IllegalStep(OpsError):
    def __init__(self, number: str, state: State, event: Event) -> None:
        super().__init__(
            "case.illegal_step", case=number, doing=Term(f"case.doing.{event.value}"), state=state.term
        )
        self.state = state
        self.event = event


def advance(number: str, state: State, event: Event, *, complaint: bool = False) -> State:
    """The state after `event`, or IllegalStep naming the case's state."""
    following = (_COMPLAINT_TRANSITIONS if complaint else {}).get((state, event)) or _TRANSITIONS.get(
        (state, event)
    )
    if following is None:
        raise IllegalStep(number, state, event)
    return following


def allowed(state: State, event: Event, *, complaint: bool = False) -> bool:
    return (state, event) in _TRANSITIONS or (complaint and (state, event) in _COMPLAINT_TRANSITIONS)
