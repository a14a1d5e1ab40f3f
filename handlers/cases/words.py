"""The words of the case workflow: each notice the core emits about a case (`opsbot.cases`) and the terms its
notices name (states, clocks, review levels), in English, and with them the views' own (`view_words`): the
`cases` domain. Templates are opsbot's own mrkdwn; each `{name}` is filled by `handlers.wording.Wording`,
people's words escaped."""

from __future__ import annotations

from handlers.cases.view_words import VIEW_WORDS
from handlers.mrkdwn import Mrkdwn, escape
from handlers.wording import Wording, w, wn, words
from opsbot.notices import Quote

STATES = words(
    w("case.state.returned", "returned for supplement"),
    w("case.state.registered", "waiting for a handler"),
    w("case.state.assigned", "assigned, waiting for the handler to accept it"),
    w("case.state.joint_review", "in joint review"),
    w("case.state.rejected", "rejected"),
    w("case.state.in_progress", "being handled"),
    w("case.state.first_review", "waiting for the first-level review"),
    w("case.state.second_review", "waiting for the second-level review"),
    w("case.state.feedback", "to be told to the customer"),
    w("case.state.follow_up", "waiting for the satisfaction follow-up"),
    w("case.state.closed", "closed"),
)

# What a step refused in the case's state would have done: "You can't {doing} CASE-…".
DOING = words(
    w("case.doing.supplement", "record the supplement for"),
    w("case.doing.assign", "assign"),
    w("case.doing.accept", "accept"),
    w("case.doing.reject", "reject"),
    w("case.doing.ask_joint", "send to joint review"),
    w("case.doing.joint_agreed", "agree in a joint review of"),
    w("case.doing.joint_declined", "disagree in a joint review of"),
    w("case.doing.note", "add progress to"),
    w("case.doing.submit", "submit"),
    w("case.doing.review_pass", "pass the review of"),
    w("case.doing.review_return", "return"),
    w("case.doing.inform", "record the customer being informed for"),
    w("case.doing.satisfied", "record satisfaction for"),
    w("case.doing.dissatisfied", "record an objection for"),
    w("case.doing.reroute", "send to another unit"),
    w("case.doing.return_for_supplement", "return for supplement"),
)

TERMS = words(
    STATES,
    DOING,
    w("case.the_customer", "the customer"),
    w("case.to_complete", "(to be completed)"),
    w("case.clock.reply", "reply"),
    w("case.clock.resolution", "resolution"),
    w("case.clock.follow_up", "follow-up"),
    w("case.level.first", "first"),
    w("case.level.second", "second"),
    w("case.reopened_by.objection", "an objection"),
    w("case.reopened_by.low_score", "a low score"),
    w("case.channel.phone", "Phone"),
    w("case.channel.email", "E-mail"),
    w("case.channel.online", "Online"),
    w("case.channel.walk_in", "Walk-in"),
    wn("case.count.cases", "{count} case", "{count} cases"),
    wn("case.count.pages", "{count} page", "{count} pages"),
    # The fields of the case forms, as refusals name them ("The {what} holds up to …").
    w("case.field.customer", "customer"),
    w("case.field.contact", "contact"),
    w("case.field.summary", "summary"),
    w("case.field.details", "details"),
    w("case.field.channel", "channel"),
    w("case.field.type_key", "case type"),
    w("case.field.provided_items", "items received"),
    w("case.field.responsible_unit", "unit to forward to"),
    w("case.field.promised_reply_at", "promised reply time"),
    w("case.field.rejection_reason", "reason for the rejection"),
    w("case.field.disagreement_reason", "reason for disagreeing"),
    w("case.field.return_reason", "reason for returning it"),
    w("case.field.result", "summary of the result"),
    w("case.field.note", "progress note"),
    w("case.field.how", "account of how the customer was told"),
    w("case.field.score", "satisfaction score"),
    w("case.field.comment", "comment"),
    w("case.field.objection", "objection"),
)

# Who may (`opsbot.cases.permissions`), as a refusal names them: "Only {who} can {action}; you are a {role}."
PERMISSIONS = words(
    w("permission.case.unit_handler", "the handlers of {unit}"),
    w("permission.case.dispatcher", "{person} (who hands out its cases)"),
    w("permission.case.dispatcher_chain", "{person} (who hands out the cases of {unit}) or their superiors"),
    w("permission.case.joint_reviewer", "the reviewers asked for its joint review"),
    w("permission.case.reviewer", "{person} (its reviewer at this level)"),
    w("permission.case.teller_chain", "{person} (who tells the customer) or their superiors"),
    w("permission.case.follow_up_chain", "{person} (who follows it up) or their superiors"),
    w("permission.case.registrar_chain", "{person} (who took it in) or their superiors"),
    w("permission.case.registrar", "{person} (who took it in)"),
)

# What a refused person tried, by the step (the card's button or the command) that was refused.
REFUSED_ACTIONS = words(
    w("action.case.take", "take {number}"),
    w("action.case.pick", "choose who handles {number}"),
    w("action.case.accept", "accept {number}"),
    w("action.case.reject", "reject {number}"),
    w("action.case.joint", "ask for a joint review of {number}"),
    w("action.case.joint.agree", "agree in the joint review of {number}"),
    w("action.case.joint.disagree", "disagree in the joint review of {number}"),
    w("action.case.progress", "add progress to {number}"),
    w("action.case.submit", "submit the result of {number}"),
    w("action.case.review.pass", "pass the {level}-level review of {number}"),
    w("action.case.review.return", "return {number} from its {level}-level review"),
    w("action.case.replied", "record a reply to the customer of {number}"),
    w("action.case.informed", "record that the customer of {number} was told"),
    w("action.case.satisfaction", "record the follow-up of {number}"),
    w("action.case.supplement", "record the supplement of {number}"),
    w("action.case.complete", "complete the details of {number}"),
    w("action.case.show", "see {number}"),
    w("action.case.stats", "see the case figures"),
)

REFUSALS = words(
    w("case.illegal_step", "You can't {doing} {case}: it is {state}."),
    w("case.type_unknown", "There is no case type `{key}`. Types: {types}."),
    w(
        "case.not_found",
        "There is no case {number}. Case numbers look like CASE-2026-000123; `/case list` shows yours.",
    ),
    # People's input (`opsbot.cases.inputs`); `what` is the field's term.
    w("case.field_empty", "The {what} is empty: please fill it in."),
    w(
        "case.contact_kind",
        "The {what} is not right: it must be a phone number ({low} to {high} digits, e.g. "
        "138 1234 5678) or an e-mail address (e.g. li.na@example.com).",
    ),
    w("case.reason_required", "A {what} is required: write it so the next person understands."),
    w("case.note_empty", "The progress note is empty."),
    w("case.how_required", "Say how the customer was told (e.g. “phone call, 10:20”)."),
    w("case.score_range", "The satisfaction score is 1 (very dissatisfied) to 5 (very satisfied)."),
    w("case.promise_past", "The promised reply time is already past; choose a later time."),
    w("case.unit_unknown", "There is no unit `{unit}` to forward the complaint to."),
    w("case.items_unchecked", "Check the items that arrived."),
    w("case.details_closed", "{case} is {state}; its details can no longer change."),
    w("case.type_closed", "{case} is {state}; its type can no longer change."),
    w("case.take_too_late", "{case} can no longer be taken: it is {state}."),
    w("case.already_yours", "{case} is already yours."),
    w("case.already_taken", "{name} already has {case} (took it)."),
    w("case.already_picked", "{name} already has {case} (picked by the group leader)."),
    w(
        "case.pick_not_in_directory",
        "That person is not in the center's directory, so they can't handle cases.",
    ),
    w("case.pick_not_handler", "{name} does not handle cases of this unit; choose one of its handlers."),
    w("case.pick_already", "{name} already handles {case}."),
    w("case.joint_needs_reviewer", "Name at least one reviewer other than the handler."),
    w(
        "case.joint_unknown_reviewers",
        "{count} of the people chosen are not in the center's directory; choose colleagues.",
    ),
    w("case.joint_already_agreed", "You already agreed on {case}."),
    w("case.joint_already_disagreed", "You already disagreed on {case}."),
    w(
        "case.no_reviewer",
        "{case} can't go to review: no one holds the {role} role over its unit. Ask an "
        "admin to complete the center file.",
    ),
    w("case.no_review_level", "No one holds this review level; ask an admin to fill in the center file."),
    w("case.rejection_already_told", "The rejection of {case} was already told to the customer."),
    w("case.not_open", "{case} is {state}."),
    w("case.reply_already", "A reply to the customer is already recorded for {case}."),
    w(
        "case.list_which_page",
        "Which page? Type `/case list [mine|open|overdue|unit] [page N]`, e.g. `/case list open page 2`.",
    ),
    w(
        "case.list_pages_from_one",
        "Pages start at 1. Type `/case list [mine|open|overdue|unit] [page N]`, e.g. `/case list open "
        "page 2`.",
    ),
    w(
        "case.list_unreadable",
        "I can't list `{typed}`. Type `/case list [mine|open|overdue|unit] [page N]`, e.g. `/case list "
        "open page 2`.",
    ),
    w(
        "case.list_unknown",
        "There is no `{scope}` list. Type `/case list [mine|open|overdue|unit] [page N]`, e.g. `/case "
        "list open page 2`.",
    ),
    w("case.list_no_page", "There is no page {page} of `/case list {scope}`: it has {cases} on {pages}."),
    w("case.stats_period_usage", "`/case stats` covers `week` (the default) or `month`, not `{period}`."),
    # The Slack side's own refusals.
    w("case.button_not_ours", "This button is not one opsbot made, so nothing was done."),
    w("case.pick_someone", "Pick the person to assign the case to."),
    w("case.show_which", "Which case? Type `/case show CASE-2026-000123` (or an INTAKE-… reference)."),
)

# A line in the card's thread for each step.
LINES = words(
    w("case.line.returned", "Returned for supplement."),
    w("case.line.supplement_partial", "Part of the supplement arrived."),
    w("case.line.supplemented", "Supplement received."),
    w("case.line.registered", "Registered by {name}."),
    w("case.line.registered_again", "Complete again; registered by {name}."),
    w("case.line.assigned_auto", "Assigned to {name} (fewest open cases)."),
    w("case.line.taken", "{name} took it."),
    w("case.line.picked", "{picker} assigned it to {name}."),
    w("case.line.details_completed", "Customer details completed."),
    w("case.line.retyped", "Type changed from {old} to {new}."),
    w(
        "case.line.retyped_returned",
        "Type changed from {old} to {new}; returned for supplement: missing {items}.",
    ),
    w("case.line.retyped_forwarded", "Type changed from {old} to {new}; forwarded to {unit}."),
    w("case.line.accepted", "Accepted by {name}; handling begins."),
    w("case.line.rejected", "Rejected by {name}: {reason}"),
    w("case.line.joint_review", "Joint review asked of {names}."),
    w("case.line.joint_declined", "{name} disagreed: {reason}"),
    w("case.line.joint_waiting", "{name} agreed; waiting for {names}."),
    w("case.line.joint_all_agreed", "{name} agreed; all agreed, handling begins."),
    w("case.line.progress", "{name}: {note}"),
    w("case.line.result_returned", "Result returned to customer service: {result}"),
    w("case.line.submitted", "Submitted for review: {result}"),
    w("case.line.review_returned", "{name} returned it ({level} review): {reason}"),
    w("case.line.review_passed", "{name} passed the {level}-level review."),
    w("case.line.rejection_informed", "Customer told of the rejection: {how}."),
    w("case.line.informed", "Customer informed: {how}. Follow-up due {due_on}."),
    w("case.line.replied", "Replied to the customer: {how}."),
    w("case.line.reopened", "Follow-up: {score}/5 with {why}; reopened to the handler, due again {due}."),
    w(
        "case.line.reopened_commented",
        "Follow-up: {score}/5 with {why}; reopened to the handler, due again {due}. “{comment}”",
    ),
    w("case.line.closed", "Follow-up: {score}/5. Closed."),
    w("case.line.closed_commented", "Follow-up: {score}/5. Closed. “{comment}”"),
    w("case.line.overdue", "⚠️ The {clock} is overdue."),
)

# Direct messages: what a prompt asks its reader to do, and what a tell tells them.
PROMPTS = words(
    w(
        "case.prompt.supplement",
        "{case} ({summary}) is returned for supplement. Ask {customer} for: {items}. "
        "Press Supplement received when they arrive.",
    ),
    w(
        "case.prompt.supplement_left",
        "{case} ({summary}) still waits for: {items}. Press Supplement received when they arrive.",
    ),
    w("case.prompt.assigned_to_handle", "{case} ({summary}) is now yours to handle."),
    w(
        "case.prompt.assigned_to_decide",
        "{case} ({summary}) is yours: accept it, reject it with a reason, or ask for a joint review.",
    ),
    w("case.tell.unassigned", "{case} ({summary}) is no longer yours: {line}"),
    w(
        "case.prompt.rejected",
        "{case} is rejected. Tell {customer} why: “{reason}”, then press Customer informed.",
    ),
    w("case.prompt.joint", "{name} asks you to review {case} ({summary}) jointly: agree or disagree."),
    w(
        "case.prompt.joint_declined",
        "{name} disagreed in the joint review of {case}: “{reason}”. Accept or reject it again.",
    ),
    w(
        "case.prompt.complaint_result",
        "The investigation of complaint {case} is done: “{result}”. Reply to "
        "{customer}, then press Customer informed.",
    ),
    w("case.prompt.review_first", "{case} ({summary}) waits for your review (first level)."),
    w("case.prompt.review_second", "{case} ({summary}) waits for your review (second level)."),
    w("case.prompt.review_returned", "{name} returned {case}: “{reason}”. Handle it again and resubmit."),
    w(
        "case.prompt.feedback",
        "{case} passed both reviews. Tell {customer} the result, then press Customer informed.",
    ),
    w(
        "case.prompt.reopened_objection",
        "{case} is reopened after the follow-up (an objection). Handle the objection and resubmit.",
    ),
    w(
        "case.prompt.reopened_objection_commented",
        "{case} is reopened after the follow-up (an objection): "
        "“{comment}”. Handle the objection and resubmit.",
    ),
    w(
        "case.prompt.reopened_low_score",
        "{case} is reopened after the follow-up (a low score). Handle what "
        "they are unhappy with and resubmit.",
    ),
    w(
        "case.prompt.reopened_low_score_commented",
        "{case} is reopened after the follow-up (a low score): "
        "“{comment}”. Handle what they are unhappy with and resubmit.",
    ),
    w(
        "case.prompt.follow_up",
        "📞 Time to follow up {case} ({summary}) with {customer}: ask how satisfied "
        "they are and press Record satisfaction.",
    ),
    w("case.prompt.reminder", "⏰ {case} ({summary}): the {clock} is due {due}."),
    # A prompt or a line queued before notices: opsbot's sentence as it was stored, shown as written.
    w("case.legacy_text", "{text}"),
)

# The deadline digest's words for the cases' clocks, and the command that shows a case.
DEADLINES = words(
    w("deadline.look_up.case", "`/case show …`"),
    w("deadline.clock.reply", "reply"),
    w("deadline.clock.resolution", "resolution"),
    w("deadline.clock.follow_up", "follow-up"),
)

WORDS = words(
    TERMS,
    PERMISSIONS,
    REFUSED_ACTIONS,
    REFUSALS,
    LINES,
    PROMPTS,
    DEADLINES,
    VIEW_WORDS,
)


def channel_word(channel: str, say: Wording) -> Mrkdwn:
    """How a request came in, in words; a card queued before channels were terms carries the word itself."""
    code = f"case.channel.{channel}"
    return say.term(code) if say.has(code) else escape(channel)


def shortened(text: str, limit: int) -> Quote:
    """People's words cut to `limit` characters, with a mark where they were cut."""
    return Quote(text if len(text) <= limit else text[: limit - 1] + "…")
