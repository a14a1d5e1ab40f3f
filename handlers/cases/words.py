"""The words of the case workflow: each notice the core emits about a case (`opsbot.cases`), the terms its
notices name (states, clocks, review levels), and the sentences of the case views, in English. Templates
are opsbot's own mrkdwn; each `{name}` is filled by `handlers.wording.Wording`, people's words escaped."""

from __future__ import annotations

from handlers.mrkdwn import Mrkdwn, escape
from handlers.wording import Wording
from opsbot.cases.lifecycle import Event, State
from opsbot.notices import Quote

LIST_USAGE = "`/case list [mine|open|overdue|unit] [page N]`, e.g. `/case list open page 2`"

STATES = {
    State.RETURNED: "returned for supplement",
    State.REGISTERED: "waiting for a handler",
    State.ASSIGNED: "assigned, waiting for the handler to accept it",
    State.JOINT_REVIEW: "in joint review",
    State.REJECTED: "rejected",
    State.IN_PROGRESS: "being handled",
    # The reviewer is named beside it: a group leader who handles a case herself is not its first reviewer.
    State.FIRST_REVIEW: "waiting for the first-level review",
    State.SECOND_REVIEW: "waiting for the second-level review",
    State.FEEDBACK: "to be told to the customer",
    State.FOLLOW_UP: "waiting for the satisfaction follow-up",
    State.CLOSED: "closed",
}

# What a step refused in the case's state would have done: "You can't {doing} CASE-…".
DOING = {
    Event.SUPPLEMENT: "record the supplement for",
    Event.ASSIGN: "assign",
    Event.ACCEPT: "accept",
    Event.REJECT: "reject",
    Event.ASK_JOINT: "send to joint review",
    Event.JOINT_AGREED: "agree in a joint review of",
    Event.JOINT_DECLINED: "disagree in a joint review of",
    Event.NOTE: "add progress to",
    Event.SUBMIT: "submit",
    Event.REVIEW_PASS: "pass the review of",
    Event.REVIEW_RETURN: "return",
    Event.INFORM: "record the customer being informed for",
    Event.SATISFIED: "record satisfaction for",
    Event.DISSATISFIED: "record an objection for",
    Event.REROUTE: "send to another unit",
    Event.RETURN_FOR_SUPPLEMENT: "return for supplement",
}

TERMS = {
    **{f"case.state.{state.value}": words for state, words in STATES.items()},
    **{f"case.doing.{event.value}": words for event, words in DOING.items()},
    "case.the_customer": "the customer",
    "case.to_complete": "(to be completed)",
    "case.clock.reply": "reply",
    "case.clock.resolution": "resolution",
    "case.clock.follow_up": "follow-up",
    "case.level.first": "first",
    "case.level.second": "second",
    "case.reopened_by.objection": "an objection",
    "case.reopened_by.low_score": "a low score",
    "case.channel.phone": "Phone",
    "case.channel.email": "E-mail",
    "case.channel.online": "Online",
    "case.channel.walk_in": "Walk-in",
    "case.count.cases.one": "{count} case",
    "case.count.cases.other": "{count} cases",
    "case.count.pages.one": "{count} page",
    "case.count.pages.other": "{count} pages",
    # The fields of the case forms, as refusals name them ("The {what} holds up to …").
    "case.field.customer": "customer",
    "case.field.contact": "contact",
    "case.field.summary": "summary",
    "case.field.details": "details",
    "case.field.channel": "channel",
    "case.field.type_key": "case type",
    "case.field.provided_items": "items received",
    "case.field.responsible_unit": "unit to forward to",
    "case.field.promised_reply_at": "promised reply time",
    "case.field.rejection_reason": "reason for the rejection",
    "case.field.disagreement_reason": "reason for disagreeing",
    "case.field.return_reason": "reason for returning it",
    "case.field.result": "summary of the result",
    "case.field.note": "progress note",
    "case.field.how": "account of how the customer was told",
    "case.field.score": "satisfaction score",
    "case.field.comment": "comment",
    "case.field.objection": "objection",
}

# Who may (`opsbot.cases.permissions`), as a refusal names them: "Only {who} can {action}; you are a {role}."
PERMISSIONS = {
    "permission.case.unit_handler": "the handlers of {unit}",
    "permission.case.dispatcher": "{person} (who hands out its cases)",
    "permission.case.dispatcher_chain": "{person} (who hands out the cases of {unit}) or their superiors",
    "permission.case.joint_reviewer": "the reviewers asked for its joint review",
    "permission.case.reviewer": "{person} (its reviewer at this level)",
    "permission.case.teller_chain": "{person} (who tells the customer) or their superiors",
    "permission.case.follow_up_chain": "{person} (who follows it up) or their superiors",
    "permission.case.registrar_chain": "{person} (who took it in) or their superiors",
    "permission.case.registrar": "{person} (who took it in)",
}

# What a refused person tried, by the step (the card's button or the command) that was refused.
REFUSED_ACTIONS = {
    "action.case.take": "take {number}",
    "action.case.pick": "choose who handles {number}",
    "action.case.accept": "accept {number}",
    "action.case.reject": "reject {number}",
    "action.case.joint": "ask for a joint review of {number}",
    "action.case.joint.agree": "agree in the joint review of {number}",
    "action.case.joint.disagree": "disagree in the joint review of {number}",
    "action.case.progress": "add progress to {number}",
    "action.case.submit": "submit the result of {number}",
    "action.case.review.pass": "pass the {level}-level review of {number}",
    "action.case.review.return": "return {number} from its {level}-level review",
    "action.case.replied": "record a reply to the customer of {number}",
    "action.case.informed": "record that the customer of {number} was told",
    "action.case.satisfaction": "record the follow-up of {number}",
    "action.case.supplement": "record the supplement of {number}",
    "action.case.complete": "complete the details of {number}",
    "action.case.show": "see {number}",
    "action.case.stats": "see the case figures",
}

REFUSALS = {
    "case.illegal_step": "You can't {doing} {case}: it is {state}.",
    "case.type_unknown": "There is no case type `{key}`. Types: {types}.",
    "case.not_found": "There is no case {number}. Case numbers look like CASE-2026-000123; `/case list` "
    "shows yours.",
    # People's input (`opsbot.cases.inputs`); `what` is the field's term.
    "case.field_empty": "The {what} is empty: please fill it in.",
    "case.contact_kind": "The {what} is not right: it must be a phone number ({low} to {high} digits, e.g. "
    "138 1234 5678) or an e-mail address (e.g. li.na@example.com).",
    "case.reason_required": "A {what} is required: write it so the next person understands.",
    "case.note_empty": "The progress note is empty.",
    "case.how_required": "Say how the customer was told (e.g. “phone call, 10:20”).",
    "case.score_range": "The satisfaction score is 1 (very dissatisfied) to 5 (very satisfied).",
    "case.promise_past": "The promised reply time is already past; choose a later time.",
    "case.unit_unknown": "There is no unit `{unit}` to forward the complaint to.",
    "case.items_unchecked": "Check the items that arrived.",
    "case.details_closed": "{case} is {state}; its details can no longer change.",
    "case.type_closed": "{case} is {state}; its type can no longer change.",
    "case.take_too_late": "{case} can no longer be taken: it is {state}.",
    "case.already_yours": "{case} is already yours.",
    "case.already_taken": "{name} already has {case} (took it).",
    "case.already_picked": "{name} already has {case} (picked by the group leader).",
    "case.pick_not_in_directory": "That person is not in the center's directory, so they can't handle cases.",
    "case.pick_not_handler": "{name} does not handle cases of this unit; choose one of its handlers.",
    "case.pick_already": "{name} already handles {case}.",
    "case.joint_needs_reviewer": "Name at least one reviewer other than the handler.",
    "case.joint_unknown_reviewers": "{count} of the people chosen are not in the center's directory; choose "
    "colleagues.",
    "case.joint_already_agreed": "You already agreed on {case}.",
    "case.joint_already_disagreed": "You already disagreed on {case}.",
    "case.no_reviewer": "{case} can't go to review: no one holds the {role} role over its unit. Ask an "
    "admin to complete the center file.",
    "case.no_review_level": "No one holds this review level; ask an admin to fill in the center file.",
    "case.rejection_already_told": "The rejection of {case} was already told to the customer.",
    "case.not_open": "{case} is {state}.",
    "case.reply_already": "A reply to the customer is already recorded for {case}.",
    "case.list_which_page": f"Which page? Type {LIST_USAGE}.",
    "case.list_pages_from_one": f"Pages start at 1. Type {LIST_USAGE}.",
    "case.list_unreadable": f"I can't list `{{typed}}`. Type {LIST_USAGE}.",
    "case.list_unknown": f"There is no `{{scope}}` list. Type {LIST_USAGE}.",
    "case.list_no_page": "There is no page {page} of `/case list {scope}`: it has {cases} on {pages}.",
    "case.stats_period_usage": "`/case stats` covers `week` (the default) or `month`, not `{period}`.",
    # The Slack side's own refusals.
    "case.button_not_ours": "This button is not one opsbot made, so nothing was done.",
    "case.pick_someone": "Pick the person to assign the case to.",
    "case.show_which": "Which case? Type `/case show CASE-2026-000123` (or an INTAKE-… reference).",
}

# A line in the card's thread for each step.
LINES = {
    "case.line.returned": "Returned for supplement.",
    "case.line.supplement_partial": "Part of the supplement arrived.",
    "case.line.supplemented": "Supplement received.",
    "case.line.registered": "Registered by {name}.",
    "case.line.registered_again": "Complete again; registered by {name}.",
    "case.line.assigned_auto": "Assigned to {name} (fewest open cases).",
    "case.line.taken": "{name} took it.",
    "case.line.picked": "{picker} assigned it to {name}.",
    "case.line.details_completed": "Customer details completed.",
    "case.line.retyped": "Type changed from {old} to {new}.",
    "case.line.retyped_returned": "Type changed from {old} to {new}; returned for supplement: missing "
    "{items}.",
    "case.line.retyped_forwarded": "Type changed from {old} to {new}; forwarded to {unit}.",
    "case.line.accepted": "Accepted by {name}; handling begins.",
    "case.line.rejected": "Rejected by {name}: {reason}",
    "case.line.joint_review": "Joint review asked of {names}.",
    "case.line.joint_declined": "{name} disagreed: {reason}",
    "case.line.joint_waiting": "{name} agreed; waiting for {names}.",
    "case.line.joint_all_agreed": "{name} agreed; all agreed, handling begins.",
    "case.line.progress": "{name}: {note}",
    "case.line.result_returned": "Result returned to customer service: {result}",
    "case.line.submitted": "Submitted for review: {result}",
    "case.line.review_returned": "{name} returned it ({level} review): {reason}",
    "case.line.review_passed": "{name} passed the {level}-level review.",
    "case.line.rejection_informed": "Customer told of the rejection: {how}.",
    "case.line.informed": "Customer informed: {how}. Follow-up due {due_on}.",
    "case.line.replied": "Replied to the customer: {how}.",
    "case.line.reopened": "Follow-up: {score}/5 with {why}; reopened to the handler, due again {due}.",
    "case.line.reopened_commented": "Follow-up: {score}/5 with {why}; reopened to the handler, due again "
    "{due}. “{comment}”",
    "case.line.closed": "Follow-up: {score}/5. Closed.",
    "case.line.closed_commented": "Follow-up: {score}/5. Closed. “{comment}”",
    "case.line.overdue": "⚠️ The {clock} is overdue.",
}

# Direct messages: what a prompt asks its reader to do, and what a tell tells them.
PROMPTS = {
    "case.prompt.supplement": "{case} ({summary}) is returned for supplement. Ask {customer} for: {items}. "
    "Press Supplement received when they arrive.",
    "case.prompt.supplement_left": "{case} ({summary}) still waits for: {items}. Press Supplement received "
    "when they arrive.",
    "case.prompt.assigned_to_handle": "{case} ({summary}) is now yours to handle.",
    "case.prompt.assigned_to_decide": "{case} ({summary}) is yours: accept it, reject it with a reason, or "
    "ask for a joint review.",
    "case.tell.unassigned": "{case} ({summary}) is no longer yours: {line}",
    "case.prompt.rejected": "{case} is rejected. Tell {customer} why: “{reason}”, then press Customer "
    "informed.",
    "case.prompt.joint": "{name} asks you to review {case} ({summary}) jointly: agree or disagree.",
    "case.prompt.joint_declined": "{name} disagreed in the joint review of {case}: “{reason}”. Accept or "
    "reject it again.",
    "case.prompt.complaint_result": "The investigation of complaint {case} is done: “{result}”. Reply to "
    "{customer}, then press Customer informed.",
    "case.prompt.review_first": "{case} ({summary}) waits for your review (first level).",
    "case.prompt.review_second": "{case} ({summary}) waits for your review (second level).",
    "case.prompt.review_returned": "{name} returned {case}: “{reason}”. Handle it again and resubmit.",
    "case.prompt.feedback": "{case} passed both reviews. Tell {customer} the result, then press Customer "
    "informed.",
    "case.prompt.reopened_objection": "{case} is reopened after the follow-up (an objection). Handle the "
    "objection and resubmit.",
    "case.prompt.reopened_objection_commented": "{case} is reopened after the follow-up (an objection): "
    "“{comment}”. Handle the objection and resubmit.",
    "case.prompt.reopened_low_score": "{case} is reopened after the follow-up (a low score). Handle what "
    "they are unhappy with and resubmit.",
    "case.prompt.reopened_low_score_commented": "{case} is reopened after the follow-up (a low score): "
    "“{comment}”. Handle what they are unhappy with and resubmit.",
    "case.prompt.follow_up": "📞 Time to follow up {case} ({summary}) with {customer}: ask how satisfied "
    "they are and press Record satisfaction.",
    "case.prompt.reminder": "⏰ {case} ({summary}): the {clock} is due {due}.",
    # A prompt or a line queued before notices: opsbot's sentence as it was stored, shown as written.
    "case.legacy_text": "{text}",
}

# The case views' own words: the card, `/case list`, `/case show` and `/case stats`.
VIEWS = {
    "case.card.overdue": " ⚠️ OVERDUE",
    "case.card.unassigned": "not assigned yet",
    "case.card.replied": "replied ✓",
    "case.card.satisfaction": "Satisfaction: {score}/5",
    "case.card.thread": "{kind} · the thread below holds every step",
    "case.card.thread_complaint": "{kind} (complaint) · the thread below holds every step",
    "case.prompt.show": "`/case show {reference}` shows it in full.",
    "case.kind_complaint": "{name} (complaint)",
    "case.list.title.mine": "Your cases",
    "case.list.title.open": "Open cases",
    "case.list.title.overdue": "Overdue cases",
    "case.list.title.unit": "Your unit's open cases",
    "case.list.empty.mine": "Nothing waits for you: no case is yours to handle, review, follow up or "
    "complete.",
    "case.list.empty.open": "There are no open cases you can see.",
    "case.list.empty.overdue": "No case you can see is overdue.",
    "case.list.empty.unit": "Your unit has no open cases.",
    "case.list.head": "*{title}* · {cases}, page {page} of {pages}",
    "case.list.line": "*{reference}*{kind} {summary}\n_{state}_ · {who} · due {due}{mark}",
    "case.list.complaint": " (complaint)",
    "case.list.unassigned": "unassigned",
    "case.list.overdue": " · ⚠️ *overdue*",
    "case.list.show_one": "`/case show CASE-…` shows a case.",
    "case.list.text": "{title}: {cases}, page {page} of {pages}.",
    "case.list.text_line": "{reference} ({state})",
    "case.show.masked": "{contact} _(masked)_",
    "case.show.timeline.one": "*Timeline* ({count} entry)",
    "case.show.timeline.other": "*Timeline* ({count} entries)",
    "case.show.hidden.one": "{count} earlier entry is not shown.",
    "case.show.hidden.other": "{count} earlier entries are not shown.",
    "case.period.week": "week",
    "case.period.month": "month",
    "case.stats.header": "Case figures: this {period}",
    "case.stats.span": "Cases registered this {period}, {first} to {last} (exclusive), center time ({zone}).",
    # One figure as a field shows it: a count, a list of counts, a share, "—".
    "case.stats.figure": "{figure}",
    "case.stats.count": "{name} {count}",
    "case.stats.handling": "{hours} business hours (over {resolved} resolved)",
    "case.stats.handling_none": "— (over {resolved} resolved)",
    "case.stats.share": "{percent}% ({part} of {whole})",
    "case.stats.share_none": "— (none yet)",
    "case.stats.satisfaction": "{average} / 5 ({rated} rated)",
    "case.stats.complaints": "{count} ({closed} closed)",
    "case.stats.text": "Case figures this {period}: {registered} registered; handling {handling}; on time "
    "{on_time}; first-pass {first_pass}; satisfaction {satisfaction}; complaints {complaints}.",
    # `/case` and its forms.
    "case.also": "Type `/case` alone for the intake form; ",
    "case.registered": "Registered {number}; its card is in the intake channel.",
    "case.registered_returned": "{reference} is recorded and returned for supplement: missing {items}. I've "
    "sent you the list to ask the customer for.",
    "case.form.reply_hint": "{kind}: {hours} business hours; change it if you promised otherwise.",
    "case.form.forward_hint": "The unit responsible for what the complaint is about; left empty, {unit}.",
    "case.form.type_fixed": "Case type: {name} (it can no longer change).",
}

# How a step is named in a case's timeline (`/case show`), by its audit action.
ACTIONS = {
    f"case.action.{action}": action.replace("_", " ")
    for action in (
        "returned",
        "supplement_partial",
        "supplemented",
        "registered",
        "assigned",
        "details_completed",
        "retyped",
        "accepted",
        "rejected",
        "joint_review",
        "joint_declined",
        "joint_agreed",
        "progress",
        "result_returned",
        "submitted",
        "review_returned",
        "review_passed",
        "rejection_informed",
        "informed",
        "replied",
        "reopened",
        "closed",
        "reply_overdue",
        "resolution_overdue",
        "follow_up_overdue",
    )
}

# The facts of a step a timeline shows, by their key in its audit row.
FACTS = {
    "case.fact.reason": "reason",
    "case.fact.result": "result",
    "case.fact.note": "note",
    "case.fact.how": "how",
    "case.fact.score": "score",
    "case.fact.objection": "objection",
    "case.fact.comment": "comment",
    "case.fact.level": "level",
    "case.fact.assignee": "to",
    "case.fact.assigned_how": "how",
    "case.fact.reviewers": "reviewers",
    "case.fact.missing": "missing",
    "case.fact.still_missing": "still missing",
    "case.fact.number": "number",
}

# The deadline digest's words for the cases' clocks, and the command that shows a case.
DEADLINES = {
    "deadline.look_up.case": "`/case show …`",
    "deadline.clock.reply": "reply",
    "deadline.clock.resolution": "resolution",
    "deadline.clock.follow_up": "follow-up",
}

WORDS = {
    **TERMS,
    **PERMISSIONS,
    **REFUSED_ACTIONS,
    **REFUSALS,
    **LINES,
    **PROMPTS,
    **VIEWS,
    **ACTIONS,
    **FACTS,
    **DEADLINES,
}


def channel_word(channel: str, say: Wording) -> Mrkdwn:
    """How a request came in, in words; a card queued before channels were terms carries the word itself."""
    word = say.words.get(f"case.channel.{channel}")
    return Mrkdwn(word) if word is not None else escape(channel)


def shortened(text: str, limit: int) -> Quote:
    """People's words cut to `limit` characters, with a mark where they were cut."""
    return Quote(text if len(text) <= limit else text[: limit - 1] + "…")
