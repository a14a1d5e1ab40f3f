"""What approvals say: the wording of every notice the approvals core emits and of the refusals `/approval`
answers itself, and opsbot's words for the states, steps and fields of a request."""

from __future__ import annotations

from opsbot.approvals.lifecycle import RequestState, StepState
from opsbot.approvals.policy import FieldName

FIX_IT = "ask an admin to complete the center file."
RESUBMITTED = "{number} was resubmitted since; open its latest card."

REFUSALS = {
    "approval.kind_required": "Choose the kind of request.",
    "approval.unknown_kind": "There is no approval kind `{kind}`. Kinds are: {known}.",
    "approval.not_found": "There is no approval request {number}. Numbers look like APR-2026-000045.",
    "approval.not_returnable": "{kind} can't be returned for correction: approve or deny it.",
    "approval.no_such_step": "{number} has no such step; open the latest card.",
    "approval.already_decided": "Step {position} of {number} was already {state} by {who} at {at}.",
    "approval.already_decided.resubmitted": "Step {position} of {number} was already {state} by {who} at "
    "{at}. " + RESUBMITTED,
    "approval.no_longer_waiting": "{number} is {state}; step {position} is no longer waiting for a decision.",
    "approval.no_longer_waiting.resubmitted": "Step {position} of {number} is no longer waiting for a "
    "decision. " + RESUBMITTED,
    "approval.withdraw.closed": "{number} is already {state}; it can't be withdrawn.",
    "approval.resubmit.not_returned": "{number} is {state}; only a request returned for correction is "
    "resubmitted.",
    "approval.delegate.not_in_directory": "That person is not in the center's directory, so they can't "
    "decide for you.",
    "approval.delegate.self": "Choose someone else to decide for you while you are away.",
    "approval.delegate.not_a_date": "`{typed}` is not a date; give the last day you are away, like "
    "2026-12-24.",
    "approval.delegate.past": "{until} is already past; give the last day you are away.",
    "approval.delegate.none": "No one decides for you at the moment, so there is nothing to end.",
}

# Who may (`opsbot.approvals.permissions`), as a refusal names them: "Only {who} can {action}; you are a
# {role}."; and what the refused person tried.
PERMISSIONS = {
    "permission.approval.requester": "{person} (who asked for it)",
    "permission.approval.not_requester": "someone other than its requester ({owner})",
    "permission.approval.approver": "{person} (its approver)",
    "permission.approval.stand_in": "{person} (standing in for them)",
    "permission.approval.escalated_to": "{person} (to whom it was escalated)",
    "permission.approval.one_step": "someone with no part in another of its steps",
    "action.approval.show": "see {number}",
    "action.approval.withdraw": "withdraw {number}",
    "action.approval.resubmit": "resubmit {number}",
    "action.approval.decide": "decide step {position} ({label}) of {number}",
}

# The request's own rules (`opsbot.approvals.asking`); `what` is the field's term.
REQUEST_RULES = {
    "approval.amount_required": "{kind} needs an amount (in {currency}).",
    "approval.amount_not_taken": "{kind} has no amount; leave it out.",
    "approval.amount_unreadable": "`{amount}` is not an amount; write digits with at most two decimals, like "
    "48000, 48,000 or 48000.50.",
    "approval.amount_not_positive": "`{amount}` is not an amount; give a positive number (in {currency}).",
    "approval.amount_decimals": "`{amount}` is not an amount; give at most two decimals (in {currency}).",
    "approval.amount_too_large": "`{amount}` is more than opsbot can record: amounts go up to {limit} "
    "{currency}. Split the request, or decide it outside opsbot.",
    "approval.date_required": "{kind} needs the {what}.",
    "approval.date_past": "The {what} ({day}) is already past; choose today ({today}) or a later day.",
    "approval.date_order": "The last day comes before the first.",
    "approval.target_required": "{kind} needs the receiving unit: choose the unit you are asking.",
    "approval.no_such_unit": "There is no unit `{unit}` in this center. Units are: {known}.",
}

# A chain no one can take a step of (`opsbot.approvals.chains`).
CHAINS = {
    "approval.chain.no_holder": "No one holds the {role}; " + FIX_IT,
    "approval.chain.superior_gone": "{requester} has no direct superior in the directory any more; " + FIX_IT,
    "approval.chain.top_of_center": "No one can take the “{step}” step of this request ({kind}): {requester} "
    "is at the top of the center, and no one approves their own request. Decide it outside opsbot.",
    "approval.chain.falls_on_requester": "No one can take the “{step}” step of this request ({kind}): it "
    "falls on {requester}, who asks, no one approves their own request, and no one in the center is above "
    "{requester}. Decide it outside opsbot.",
    "approval.role.head_of": "head of {unit}",
    "approval.role.next_level": "next level up",
    "approval.role.function": "{function} function ({holder})",
    "approval.role.holder": "holder of the {role} role",
}

# What a copy of a request tells its reader on top, and the phrases cards and lines share.
TOLD = {
    "approval.escalated": "⚠️ {number} has waited for {approver} (step {position}, {label}) since {since}. "
    "As their superior you may decide it.",
    "approval.standing_in": "{approver} is away: you may decide step {position} of {number} ({label}) for "
    "them.",
    "approval.reminder": "⏰ {number} waits for your decision: {purpose}",
    "approval.reminder.standing_in": "⏰ {number} waits for a decision from {approver}, or from you while "
    "you stand in for them: {purpose}",
    "approval.outcome": "Your request {number} was {state} by {decider}.",
    "approval.outcome.reason": "Your request {number} was {state} by {decider}. Reason: “{reason}”",
    "approval.step_label": "{step}",
    "approval.step_label.merged": "{steps} + {step}",
    "approval.decider": "{who}",
    "approval.decider.for": "{who} for {approver}",
    "approval.decider.as_superior": "{who} as {approver}'s superior",
    "approval.waits_for": "{others} or {approver}",
    "approval.waits_for.escalated": "{who} (escalated)",
    "approval.waits_for.standing_in": "{who} (standing in)",
}

# A request's history in one vocabulary, in the past tense (`/approval show`).
HISTORY = {
    "approval.history.line": "{at} · {who} · {what}",
    "approval.history.line.reason": "{at} · {who} · {what} — “{reason}”",
    "approval.history.opsbot": "opsbot",
    "approval.history.requested": "requested",
    "approval.history.approve": "approved",
    "approval.history.deny": "denied",
    "approval.history.return": "returned for correction",
    "approval.history.resubmitted": "resubmitted",
    "approval.history.withdrawn": "withdrawn",
    "approval.history.decided": "{what} at step {step}",
    "approval.history.decided.for": "{what} at step {step} for {approver}",
    "approval.history.decided.as_superior": "{what} at step {step} as {approver}'s superior",
    "approval.history.escalated_step": "escalated step {step} from {approver} to {superior}",
    "approval.history.delegated_step": "delegated step {step} to {delegate}",
    "approval.history.reminded_step": "reminded {people} of step {step}",
    "approval.history.reminded_step.and": "reminded {people} and {last} of step {step}",
}

# What `/approval` answers itself.
COMMANDS = {
    "approval.also": "Type `/approval` alone for the request form; ",
    "approval.which": "Which request? Type `/approval {sub} APR-2026-000045`.",
    "approval.button_unknown": "This button is not one opsbot made, so nothing was decided.",
    "approval.request.usage": "Type `/approval request &lt;kind&gt; &lt;amount&gt; &lt;purpose&gt;`, e.g. "
    "`/approval request expense 480 Taxi to the client`.",
    "approval.request.use_form": "{kind} is asked for with the form, which asks for what it needs: type "
    "`/approval` and choose {kind}.",
    "approval.resubmit.use_form": "{refusal} Correct it with *Resubmit…* on the request's card.",
    "approval.delegate.usage": "Type `/approval delegate @person until 2026-12-24`.",
    "approval.delegate.until": "Until when? Type `/approval delegate @person until 2026-12-24`.",
    "approval.delegate.mention": "Who decides for you? Mention them with @ (you typed `{typed}`): "
    "`/approval delegate @person until 2026-12-24`.",
}

STATES = {
    RequestState.PENDING: "pending",
    RequestState.APPROVED: "approved",
    RequestState.DENIED: "denied",
    RequestState.RETURNED: "returned for correction",
    RequestState.WITHDRAWN: "withdrawn",
}
STEP_STATES = {
    StepState.WAITING: "waiting",
    StepState.PENDING: "pending",
    StepState.APPROVED: "approved",
    StepState.DENIED: "denied",
    StepState.RETURNED: "returned for correction",
    StepState.CANCELLED: "cancelled",
}
# The steps relative to the requester, as a chain's label shows them.
STEPS = {
    "direct_superior": "Direct superior",
    "unit_head": "Department head",
    "next_level": "Next level up",
    "receiving_unit_head": "Receiving unit head",
}
# How each field reads on the form, the card and `/approval show`.
FIELD_LABELS: dict[FieldName, str] = {
    "amount": "Amount",
    "start_date": "From",
    "end_date": "To (last day)",
    "target_unit": "Receiving unit",
    "deadline": "Deadline",
    "details": "Details",
}
# A field as a refusal names it (`opsbot.inputs`: "The purpose is required.").
FIELDS = {
    "purpose": "purpose",
    "reason": "reason",
    "amount": "amount",
    "start_date": "first day",
    "end_date": "last day",
    "deadline": "deadline",
    "target_unit": "receiving unit",
    "details": "details field",
    "until": "last day",
}

WORDS: dict[str, str] = {
    **REFUSALS,
    **PERMISSIONS,
    **REQUEST_RULES,
    **CHAINS,
    **TOLD,
    **HISTORY,
    **COMMANDS,
    **{state.term.code: words for state, words in STATES.items()},
    **{state.term.code: words for state, words in STEP_STATES.items()},
    **{f"approval.step.{step}": words for step, words in STEPS.items()},
    **{f"approval.field_label.{name}": words for name, words in FIELD_LABELS.items()},
    **{f"approval.field.{name}": words for name, words in FIELDS.items()},
    # The deadline digest's words for this workflow's clocks and where its subjects are shown.
    "deadline.look_up.approval": "`/approval show …`",
    "deadline.clock.step": "approval step",
}
