"""What approvals say: the wording of every notice the approvals core emits and of the refusals `/approval`
answers itself, and opsbot's words for the states, steps and fields of a request."""

from __future__ import annotations

from handlers.wording import w, words

REFUSALS = words(
    w("approval.kind_required", "Choose the kind of request."),
    w("approval.unknown_kind", "There is no approval kind `{kind}`. Kinds are: {known}."),
    w("approval.not_found", "There is no approval request {number}. Numbers look like APR-2026-000045."),
    w("approval.not_returnable", "{kind} can't be returned for correction: approve or deny it."),
    w("approval.no_such_step", "{number} has no such step; open the latest card."),
    w("approval.already_decided", "Step {position} of {number} was already {state} by {who} at {at}."),
    w(
        "approval.already_decided.resubmitted",
        "Step {position} of {number} was already {state} by {who} at {at}. {number} was resubmitted "
        "since; open its latest card.",
    ),
    w(
        "approval.no_longer_waiting",
        "{number} is {state}; step {position} is no longer waiting for a decision.",
    ),
    w(
        "approval.no_longer_waiting.resubmitted",
        "Step {position} of {number} is no longer waiting for a decision. {number} was resubmitted since; "
        "open its latest card.",
    ),
    w("approval.withdraw.closed", "{number} is already {state}; it can't be withdrawn."),
    w(
        "approval.resubmit.not_returned",
        "{number} is {state}; only a request returned for correction is resubmitted.",
    ),
    w(
        "approval.delegate.not_in_directory",
        "That person is not in the center's directory, so they can't decide for you.",
    ),
    w("approval.delegate.self", "Choose someone else to decide for you while you are away."),
    w(
        "approval.delegate.not_a_date",
        "`{typed}` is not a date; give the last day you are away, like 2026-12-24.",
    ),
    w("approval.delegate.past", "{until} is already past; give the last day you are away."),
    w("approval.delegate.none", "No one decides for you at the moment, so there is nothing to end."),
)

# Who may (`opsbot.approvals.permissions`), as a refusal names them: "Only {who} can {action}; you are a
# {role}."; and what the refused person tried.
PERMISSIONS = words(
    w("permission.approval.requester", "{person} (who asked for it)"),
    w("permission.approval.not_requester", "someone other than its requester ({owner})"),
    w("permission.approval.approver", "{person} (its approver)"),
    w("permission.approval.stand_in", "{person} (standing in for them)"),
    w("permission.approval.escalated_to", "{person} (to whom it was escalated)"),
    w("permission.approval.one_step", "someone with no part in another of its steps"),
    w("action.approval.show", "see {number}"),
    w("action.approval.withdraw", "withdraw {number}"),
    w("action.approval.resubmit", "resubmit {number}"),
    w("action.approval.decide", "decide step {position} ({label}) of {number}"),
)

# The request's own rules (`opsbot.approvals.asking`); `what` is the field's term.
REQUEST_RULES = words(
    w("approval.amount_required", "{kind} needs an amount (in {currency})."),
    w("approval.amount_not_taken", "{kind} has no amount; leave it out."),
    w(
        "approval.amount_unreadable",
        "`{amount}` is not an amount; write digits with at most two decimals, like "
        "48000, 48,000 or 48000.50.",
    ),
    w("approval.amount_not_positive", "`{amount}` is not an amount; give a positive number (in {currency})."),
    w("approval.amount_decimals", "`{amount}` is not an amount; give at most two decimals (in {currency})."),
    w(
        "approval.amount_too_large",
        "`{amount}` is more than opsbot can record: amounts go up to {limit} "
        "{currency}. Split the request, or decide it outside opsbot.",
    ),
    w("approval.date_required", "{kind} needs the {what}."),
    w("approval.date_past", "The {what} ({day}) is already past; choose today ({today}) or a later day."),
    w("approval.date_order", "The last day comes before the first."),
    w("approval.target_required", "{kind} needs the receiving unit: choose the unit you are asking."),
    w("approval.no_such_unit", "There is no unit `{unit}` in this center. Units are: {known}."),
)

# A chain no one can take a step of (`opsbot.approvals.chains`).
CHAINS = words(
    w("approval.chain.no_holder", "No one holds the {role}; ask an admin to complete the center file."),
    w(
        "approval.chain.superior_gone",
        "{requester} has no direct superior in the directory any more; ask an admin to complete the "
        "center file.",
    ),
    w(
        "approval.chain.top_of_center",
        "No one can take the “{step}” step of this request ({kind}): {requester} "
        "is at the top of the center, and no one approves their own request. Decide it outside opsbot.",
    ),
    w(
        "approval.chain.falls_on_requester",
        "No one can take the “{step}” step of this request ({kind}): it falls on {requester}, who asks, no "
        "one approves their own request, and no one in the center is above {requester}. Decide it outside "
        "opsbot.",
    ),
    w("approval.role.head_of", "head of {unit}"),
    w("approval.role.next_level", "next level up"),
    w("approval.role.function", "{function} function ({holder})"),
    w("approval.role.holder", "holder of the {role} role"),
)

# What a copy of a request tells its reader on top, and the phrases cards and lines share.
TOLD = words(
    w(
        "approval.escalated",
        "⚠️ {number} has waited for {approver} (step {position}, {label}) since {since}. "
        "As their superior you may decide it.",
    ),
    w(
        "approval.standing_in",
        "{approver} is away: you may decide step {position} of {number} ({label}) for them.",
    ),
    w("approval.reminder", "⏰ {number} waits for your decision: {purpose}"),
    w(
        "approval.reminder.standing_in",
        "⏰ {number} waits for a decision from {approver}, or from you while "
        "you stand in for them: {purpose}",
    ),
    w("approval.outcome", "Your request {number} was {state} by {decider}."),
    w("approval.outcome.reason", "Your request {number} was {state} by {decider}. Reason: “{reason}”"),
    w("approval.step_label", "{step}"),
    w("approval.step_label.merged", "{steps} + {step}"),
    w("approval.decider", "{who}"),
    w("approval.decider.for", "{who} for {approver}"),
    w("approval.decider.as_superior", "{who} as {approver}'s superior"),
    w("approval.waits_for", "{others} or {approver}"),
    w("approval.waits_for.escalated", "{who} (escalated)"),
    w("approval.waits_for.standing_in", "{who} (standing in)"),
)

# A request's history in one vocabulary, in the past tense (`/approval show`).
HISTORY = words(
    w("approval.history.line", "{at} · {who} · {what}"),
    w("approval.history.line.reason", "{at} · {who} · {what} — “{reason}”"),
    w("approval.history.opsbot", "opsbot"),
    w("approval.history.requested", "requested"),
    w("approval.history.approve", "approved"),
    w("approval.history.deny", "denied"),
    w("approval.history.return", "returned for correction"),
    w("approval.history.resubmitted", "resubmitted"),
    w("approval.history.withdrawn", "withdrawn"),
    w("approval.history.decided", "{what} at step {step}"),
    w("approval.history.decided.for", "{what} at step {step} for {approver}"),
    w("approval.history.decided.as_superior", "{what} at step {step} as {approver}'s superior"),
    w("approval.history.escalated_step", "escalated step {step} from {approver} to {superior}"),
    w("approval.history.delegated_step", "delegated step {step} to {delegate}"),
    w("approval.history.reminded_step", "reminded {people} of step {step}"),
    w("approval.history.reminded_step.and", "reminded {people} and {last} of step {step}"),
)

# What `/approval` answers itself.
COMMANDS = words(
    w("approval.also", "Type `/approval` alone for the request form; "),
    w("approval.which", "Which request? Type `/approval {sub} APR-2026-000045`."),
    w("approval.button_unknown", "This button is not one opsbot made, so nothing was decided."),
    w(
        "approval.request.usage",
        "Type `/approval request &lt;kind&gt; &lt;amount&gt; &lt;purpose&gt;`, e.g. "
        "`/approval request expense 480 Taxi to the client`.",
    ),
    w(
        "approval.request.use_form",
        "{kind} is asked for with the form, which asks for what it needs: type "
        "`/approval` and choose {kind}.",
    ),
    w("approval.resubmit.use_form", "{refusal} Correct it with *Resubmit…* on the request's card."),
    w("approval.delegate.usage", "Type `/approval delegate @person until 2026-12-24`."),
    w("approval.delegate.until", "Until when? Type `/approval delegate @person until 2026-12-24`."),
    w(
        "approval.delegate.mention",
        "Who decides for you? Mention them with @ (you typed `{typed}`): "
        "`/approval delegate @person until 2026-12-24`.",
    ),
)

# The card and the prompts (`card.py`): a step of the chain on its line, and what became of a copy that
# asked its reader to act.
CARD = words(
    w("approval.card.title", "{number} · {kind}"),
    w("approval.card.text", "{title}: {purpose} — {state}"),
    w("approval.card.requested_by", "Requested by"),
    w("approval.card.status", "*{purpose}*\nStatus: *{state}*"),
    w("approval.chain.step", "{mark} {position}. {label}: {approver}"),
    w("approval.chain.step.waits", "{mark} {position}. {label}: {approver} — now waits for {who}"),
    w("approval.chain.step.decided", "{mark} {position}. {label}: {approver} — {state} by {who} {at}"),
    w("approval.chain.reason", "      “{reason}”"),
    w(
        "approval.card.correct",
        "Correct it with *Resubmit…* or type `/approval resubmit {number} [new purpose]`.",
    ),
    w(
        "approval.card.correct.amount",
        "Correct it with *Resubmit…* or type `/approval resubmit {number} [amount=…] [new purpose]`.",
    ),
    w("approval.closing.resubmitted", "You resubmitted {number}; its chain started again."),
    w("approval.closing.withdrawn", "You withdrew {number}."),
    w("approval.closing.decided", "Step {position} was {state} by {who}."),
    w("approval.closing.closed", "{number} is {state}: nothing waits for a decision."),
    w("approval.closing.not_yours", "Step {position} no longer waits for you."),
    w("approval.button.approve", "Approve"),
    w("approval.button.deny", "Deny…"),
    w("approval.button.return", "Return for correction…"),
    w("approval.button.resubmit", "Resubmit…"),
)

# The forms: asking, resubmitting, and the reason a denial or a return gives. Titles and submit labels hold
# 24 characters at most.
FORMS = words(
    w("approval.form.request", "Ask for approval"),
    w("approval.form.request.submit", "Submit"),
    w("approval.form.done", "Done"),
    w("approval.form.kind", "Kind"),
    w("approval.form.amount", "Amount ({currency})"),
    w("approval.form.asked", "Asked for *{number}*. Its card in your direct messages shows the chain."),
    w("approval.form.resubmit", "Resubmit for approval"),
    w("approval.form.resubmit.submit", "Resubmit"),
    w("approval.form.returned", "*{number}* was returned for correction by {who}: “{reason}”"),
    w("approval.form.deny", "Deny"),
    w("approval.form.deny.submit", "Deny"),
    w("approval.form.deny.reason", "Reason (the requester will see it)"),
    w("approval.form.return", "Return for correction"),
    w("approval.form.return.submit", "Return"),
    w("approval.form.return.reason", "What must be corrected"),
)

# What `/approval` answers once it has done what was asked, and what it and the App Home list.
DONE = words(
    w("approval.requested", "Asked for {number}; its card in your direct messages shows the chain."),
    w("approval.withdrawn", "{number} is withdrawn."),
    w("approval.resubmitted", "{number} is resubmitted; the chain starts again."),
    w(
        "approval.resubmitted.amount",
        "{number} is resubmitted with the amount {amount}; the chain starts again.",
    ),
    w("approval.delegation.ended", "{who} no longer decides for you; your approvals wait for you again."),
    w(
        "approval.delegation.set",
        "Until {until}, {who} may decide your approvals. `/approval delegate off` ends it sooner.",
    ),
    w(
        "approval.delegation.mine",
        "{who} decides your approvals until {until}. `/approval delegate off` ends it now.",
    ),
    w(
        "approval.delegation.none",
        "No one decides for you. `/approval delegate @person until 2026-12-24` sets someone.",
    ),
    w("approval.delegation.for_other", "You decide for {who} until {until}."),
)
LISTS = words(
    w("approval.list.waiting", "*Waiting for your decision*"),
    w("approval.list.waiting.line", "• *{number}* {purpose} — step {position} ({label}), since {since}"),
    w("approval.list.waiting.none", "Nothing. ✓"),
    w("approval.list.mine", "*Your requests*"),
    w("approval.list.mine.line", "• *{number}* {purpose} — {state}"),
    w("approval.list.mine.none", "None yet."),
    w("approval.show.head", "*{number}* {kind} by {requester}: {purpose} — *{state}*"),
    w("approval.show.head.amount", "*{number}* {kind} by {requester}: {purpose} ({amount}) — *{state}*"),
    w("approval.show.fact", "*{label}*: {value}"),
    w("approval.show.history", "*History*"),
    w("approval.home.none", "*Approvals*\nNothing waits for your decision. ✓"),
    w("approval.home.waiting", "*Approvals waiting for your decision* ({count})"),
    w("approval.home.item", "*{number}* {purpose}"),
    w("approval.home.item.amount", "*{number}* {purpose} · {amount}"),
    w("approval.home.step", "from {requester} · step: {label}"),
    w("approval.home.step.for", "from {requester} · step: {label} (for {name})"),
    w("approval.home.delegation", "*Delegation*"),
    w(
        "approval.home.delegated",
        "*{name}* decides your approvals until {until} (the last day). `/approval delegate off` ends it now.",
    ),
    w("approval.home.delegated_to_me", "You decide *{name}*'s approvals until {until}."),
)

# What `/ops help` says of each of `/approval`'s uses (`commands.HELP`).
HELP = words(
    w("approval.help.form", "Ask for an approval: opens the form (kind first, then its fields)."),
    w("approval.help.request", "Ask at once, for kinds with an amount."),
    w("approval.help.list", "What waits for your decision, and your own requests."),
    w("approval.help.show", "A request with its chain and every decision."),
    w("approval.help.delegate", "Let someone decide for you while you are away."),
    w("approval.help.delegations", "Who decides for you (and for whom you decide); `off` ends it."),
    w("approval.help.withdraw", "Withdraw your request before the final decision."),
    w(
        "approval.help.resubmit",
        "Resubmit a request returned for correction, correcting its purpose and (kinds with an amount) "
        "its amount; *Resubmit…* on its card corrects every field.",
    ),
)

STATES = words(
    w("approval.state.pending", "pending"),
    w("approval.state.approved", "approved"),
    w("approval.state.denied", "denied"),
    w("approval.state.returned", "returned for correction"),
    w("approval.state.withdrawn", "withdrawn"),
)
STEP_STATES = words(
    w("approval.step_state.waiting", "waiting"),
    w("approval.step_state.pending", "pending"),
    w("approval.step_state.approved", "approved"),
    w("approval.step_state.denied", "denied"),
    w("approval.step_state.returned", "returned for correction"),
    w("approval.step_state.cancelled", "cancelled"),
)
# The steps relative to the requester, as a chain's label shows them.
STEPS = words(
    w("approval.step.direct_superior", "Direct superior"),
    w("approval.step.unit_head", "Department head"),
    w("approval.step.next_level", "Next level up"),
    w("approval.step.receiving_unit_head", "Receiving unit head"),
)
# How each field reads on the form, the card and `/approval show`.
FIELD_LABELS = words(
    w("approval.field_label.purpose", "Purpose"),
    w("approval.field_label.amount", "Amount"),
    w("approval.field_label.start_date", "From"),
    w("approval.field_label.end_date", "To (last day)"),
    w("approval.field_label.target_unit", "Receiving unit"),
    w("approval.field_label.deadline", "Deadline"),
    w("approval.field_label.details", "Details"),
)
# A field as a refusal names it (`opsbot.inputs`: "The purpose is required.").
FIELDS = words(
    w("approval.field.purpose", "purpose"),
    w("approval.field.reason", "reason"),
    w("approval.field.amount", "amount"),
    w("approval.field.start_date", "first day"),
    w("approval.field.end_date", "last day"),
    w("approval.field.deadline", "deadline"),
    w("approval.field.target_unit", "receiving unit"),
    w("approval.field.details", "details field"),
    w("approval.field.until", "last day"),
)

# `/approval`'s subcommands as each language types them (`subcommands.spoken`).
TYPED = words(
    w("word.approval.request", "request"),
    w("word.approval.list", "list"),
    w("word.approval.show", "show"),
    w("word.approval.withdraw", "withdraw"),
    w("word.approval.resubmit", "resubmit"),
    w("word.approval.delegate", "delegate"),
)

WORDS = words(
    TYPED,
    REFUSALS,
    PERMISSIONS,
    REQUEST_RULES,
    CHAINS,
    TOLD,
    HISTORY,
    COMMANDS,
    CARD,
    FORMS,
    DONE,
    LISTS,
    HELP,
    STATES,
    STEP_STATES,
    STEPS,
    FIELD_LABELS,
    FIELDS,
    # The deadline digest's words for this workflow's clocks and where its subjects are shown.
    w("deadline.look_up.approval", "`/approval show …`"),
    w("deadline.clock.step", "approval step"),
)
