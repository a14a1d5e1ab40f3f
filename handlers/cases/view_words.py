"""The words of the case views, in English: the card and its buttons, the forms `/case` and the buttons open,
`/case list`, `/case show` and `/case stats`, the App Home's sections and the commands' help. The notices the
core emits are worded in `handlers.cases.words`, which gathers these with them into one domain."""

from __future__ import annotations

from handlers.wording import w, wn, words

# The labels of fields and inputs: the card's, `/case show`'s and the forms'.
LABELS = words(
    w("case.label.type", "Type"),
    w("case.label.type_key", "Case type"),
    w("case.label.customer", "Customer"),
    w("case.label.contact", "Contact"),
    w("case.label.contact_input", "Contact (phone or e-mail)"),
    w("case.label.came_in_by", "Came in by"),
    w("case.label.summary", "Summary"),
    w("case.label.details", "Details"),
    w("case.label.unit", "Unit"),
    w("case.label.handler", "Handler"),
    w("case.label.reviewers", "Reviewers"),
    w("case.label.reply_due", "Reply due"),
    w("case.label.resolve_by", "Resolve by"),
    w("case.label.resolution_due", "Resolution due"),
    w("case.label.returns_satisfaction", "Returns · satisfaction"),
)

# The card's buttons (and its user picker): a label that opens a form ends with "…".
BUTTONS = words(
    w("case.button.assign_to", "Assign to…"),
    w("case.button.take", "Take"),
    w("case.button.accept", "Accept"),
    w("case.button.reject", "Reject…"),
    w("case.button.joint", "Joint review…"),
    w("case.button.agree", "Agree"),
    w("case.button.disagree", "Disagree…"),
    w("case.button.progress", "Add progress…"),
    w("case.button.submit", "Submit for review…"),
    w("case.button.return_result", "Return result…"),
    w("case.button.pass", "Pass review"),
    w("case.button.return", "Return…"),
    w("case.button.replied", "Replied to customer…"),
    w("case.button.informed", "Customer informed…"),
    w("case.button.satisfaction", "Record satisfaction…"),
    w("case.button.supplement", "Supplement received…"),
    w("case.button.complete", "Complete details…"),
    w("case.button.previous_page", "‹ Previous"),
    w("case.button.next_page", "Next ›"),
)

CARD = words(
    w("case.card.header", "{number} · {kind}"),
    w("case.card.status_reviewer", "{state} ({reviewer})"),
    w("case.card.handler", "{assignee} ({unit})"),
    w("case.card.text", "{number} {summary} — {state}{flag}"),
    w("case.card.overdue", " ⚠️ OVERDUE"),
    w("case.card.unassigned", "not assigned yet"),
    w("case.card.replied", "replied ✓"),
    w("case.card.satisfaction", "Satisfaction: {score}/5"),
    w("case.card.thread", "{kind} · the thread below holds every step"),
    w("case.card.thread_complaint", "{kind} (complaint) · the thread below holds every step"),
    w("case.prompt.show", "`/case show {reference}` shows it in full."),
)

LIST = words(
    w("case.list.title.mine", "Your cases"),
    w("case.list.title.open", "Open cases"),
    w("case.list.title.overdue", "Overdue cases"),
    w("case.list.title.unit", "Your unit's open cases"),
    w(
        "case.list.empty.mine",
        "Nothing waits for you: no case is yours to handle, review, follow up or complete.",
    ),
    w("case.list.empty.open", "There are no open cases you can see."),
    w("case.list.empty.overdue", "No case you can see is overdue."),
    w("case.list.empty.unit", "Your unit has no open cases."),
    w("case.list.head", "*{title}* · {cases}, page {page} of {pages}"),
    w("case.list.line", "*{reference}*{kind} {summary}\n_{state}_ · {who} · due {due}{mark}"),
    w("case.list.complaint", " (complaint)"),
    w("case.list.unassigned", "unassigned"),
    w("case.list.overdue", " · ⚠️ *overdue*"),
    w("case.list.show_one", "`/case show CASE-…` shows a case."),
    w("case.list.text", "{title}: {cases}, page {page} of {pages}. {lines}"),
    w("case.list.text_line", "{reference} ({state})"),
    w("case.list.text_separator", "; "),
)

SHOW = words(
    w("case.show.header", "{reference} · {state}"),
    w("case.show.text", "{reference}: {summary} ({state})"),
    w("case.show.summary", "*Summary*\n{text}"),
    w("case.show.details", "*Details*\n{text}"),
    w("case.show.missing", "*Missing items*\n{items}"),
    w("case.show.rejected_because", "*Rejected because*\n{text}"),
    w("case.kind_complaint", "{name} (complaint)"),
    w("case.show.masked", "{contact} _(masked)_"),
    w("case.show.returns", "{returns} · —"),
    w("case.show.returns_scored", "{returns} · {score}/5"),
    wn("case.show.timeline", "*Timeline* ({count} entry)", "*Timeline* ({count} entries)"),
    wn("case.show.hidden", "{count} earlier entry is not shown.", "{count} earlier entries are not shown."),
    w("case.show.system", "system"),  # the actor of what opsbot did by itself (the deadline sweep)
    w("case.show.entry", "{at} · *{actor}* {action}"),
    w("case.show.entry_facts", "{at} · *{actor}* {action} — {facts}"),
    w("case.show.fact", "{label}: {value}"),
    w("case.show.fact_separator", "; "),
)

# How a step is named in a case's timeline (`/case show`), by its audit action.
ACTIONS = words(
    w("case.action.returned", "returned"),
    w("case.action.supplement_partial", "supplement partial"),
    w("case.action.supplemented", "supplemented"),
    w("case.action.registered", "registered"),
    w("case.action.assigned", "assigned"),
    w("case.action.details_completed", "details completed"),
    w("case.action.retyped", "retyped"),
    w("case.action.accepted", "accepted"),
    w("case.action.rejected", "rejected"),
    w("case.action.joint_review", "joint review"),
    w("case.action.joint_declined", "joint declined"),
    w("case.action.joint_agreed", "joint agreed"),
    w("case.action.progress", "progress"),
    w("case.action.result_returned", "result returned"),
    w("case.action.submitted", "submitted"),
    w("case.action.review_returned", "review returned"),
    w("case.action.review_passed", "review passed"),
    w("case.action.rejection_informed", "rejection informed"),
    w("case.action.informed", "informed"),
    w("case.action.replied", "replied"),
    w("case.action.reopened", "reopened"),
    w("case.action.closed", "closed"),
    w("case.action.reply_overdue", "reply overdue"),
    w("case.action.resolution_overdue", "resolution overdue"),
    w("case.action.follow_up_overdue", "follow up overdue"),
)

# The facts of a step a timeline shows, by their key in its audit row, and the values it words.
FACTS = words(
    w("case.fact.reason", "reason"),
    w("case.fact.result", "result"),
    w("case.fact.note", "note"),
    w("case.fact.how", "how"),
    w("case.fact.score", "score"),
    w("case.fact.objection", "objection"),
    w("case.fact.comment", "comment"),
    w("case.fact.level", "level"),
    w("case.fact.assignee", "to"),
    w("case.fact.assigned_how", "how"),
    w("case.fact.reviewers", "reviewers"),
    w("case.fact.missing", "missing"),
    w("case.fact.still_missing", "still missing"),
    w("case.fact.number", "number"),
    w("case.fact.objection_raised", "yes"),
    w("case.assigned_how.auto", "auto"),
    w("case.assigned_how.taken", "taken"),
    w("case.assigned_how.picked", "picked"),
)

STATS = words(
    w("case.period.week", "week"),
    w("case.period.month", "month"),
    w("case.stats.header", "Case figures: this {period}"),
    w(
        "case.stats.span",
        "Cases registered this {period}, {first} to {last} (exclusive), center time ({zone}).",
    ),
    w("case.stats.label.registered", "Registered"),
    w("case.stats.label.channels", "By channel"),
    w("case.stats.label.types", "By type"),
    w("case.stats.label.handling", "Average handling time"),
    w("case.stats.label.on_time", "On time"),
    w("case.stats.label.first_pass", "First-pass review"),
    w("case.stats.label.satisfaction", "Satisfaction"),
    w("case.stats.label.complaints", "Complaints"),
    # One figure as a field shows it: a count, a list of counts, a share, "—".
    w("case.stats.figure", "{figure}"),
    w("case.stats.count", "{name} {count}"),
    w("case.stats.handling", "{hours} business hours (over {resolved} resolved)"),
    w("case.stats.handling_none", "— (over {resolved} resolved)"),
    w("case.stats.share", "{percent}% ({part} of {whole})"),
    w("case.stats.share_none", "— (none yet)"),
    w("case.stats.satisfaction", "{average} / 5 ({rated} rated)"),
    w("case.stats.complaints", "{count} ({closed} closed)"),
    w(
        "case.stats.text",
        "Case figures this {period}: {registered} registered; handling {handling}; on time "
        "{on_time}; first-pass {first_pass}; satisfaction {satisfaction}; complaints {complaints}.",
    ),
)

# `/case`, its intake form and the forms the card's buttons open: titles and submit labels (24 characters
# at most), inputs, hints and options.
FORMS = words(
    w("case.also", "Type `/case` alone for the intake form; "),
    w("case.registered", "Registered {number}; its card is in the intake channel."),
    w(
        "case.registered_returned",
        "{reference} is recorded and returned for supplement: missing {items}. I've "
        "sent you the list to ask the customer for.",
    ),
    w("case.form.new", "New case"),
    w("case.form.register", "Register"),
    w("case.form.done", "Done"),
    w("case.form.save", "Save"),
    w("case.form.summary_placeholder", "What the customer wants"),
    w("case.form.reply_promised", "Reply promised by"),
    w("case.form.reply_hint", "{kind}: {hours} business hours; change it if you promised otherwise."),
    w("case.form.items_received", "Items received ({kind} needs them all)"),
    w("case.form.forward_to", "Forward to"),
    w("case.form.forward_hint", "The unit responsible for what the complaint is about; left empty, {unit}."),
    w("case.form.type_fixed", "Case type: {name} (it can no longer change)."),
    w("case.form.complete", "Complete details"),
    w("case.form.reject", "Reject the case"),
    w("case.form.reject_submit", "Reject"),
    w("case.form.reject_reason", "Reason (the customer will be told)"),
    w("case.form.joint", "Joint review"),
    w("case.form.joint_submit", "Ask them"),
    w("case.form.joint_reviewers", "Reviewers (all must agree)"),
    w("case.form.disagree", "Disagree"),
    w("case.form.disagree_submit", "Disagree"),
    w("case.form.disagree_reason", "Why you disagree"),
    w("case.form.progress", "Add progress"),
    w("case.form.progress_submit", "Add"),
    w("case.form.progress_note", "Progress"),
    w("case.form.submit", "Submit the result"),
    w("case.form.submit_submit", "Submit"),
    w("case.form.result", "Result"),
    w("case.form.return", "Return to the handler"),
    w("case.form.return_submit", "Return"),
    w("case.form.return_reason", "What must be fixed"),
    w("case.form.replied", "Replied to the customer"),
    w("case.form.informed", "Customer informed"),
    w("case.form.how", "How and when was the customer told?"),
    w("case.form.how_placeholder", "e.g. phone call at 10:20, spoke to the customer"),
    w("case.form.satisfaction", "Satisfaction follow-up"),
    w("case.form.score", "Satisfaction"),
    w("case.form.score.1", "1 — very dissatisfied"),
    w("case.form.score.2", "2 — dissatisfied"),
    w("case.form.score.3", "3 — neutral"),
    w("case.form.score.4", "4 — satisfied"),
    w("case.form.score.5", "5 — very satisfied"),
    w("case.form.comment", "Customer's comment"),
    w("case.form.objection", "Objection"),
    w("case.form.objects", "The customer objects to the result"),
    w("case.form.supplement", "Supplement received"),
    w("case.form.items_now", "Items now received"),
)

# The cases' sections of a person's App Home.
HOME = words(
    w("case.home.mine_none", "*My cases*\nNothing is waiting for you. ✓"),
    w("case.home.mine", "*My cases* ({count} waiting for you)"),
    w("case.home.mine_line", "• *{reference}* {summary} — {state}, due {due}{overdue}"),
    w("case.home.mine_more", "`/case show CASE-…` opens one; `/case list` lists more."),
    w("case.home.team_none", "*{unit}*\nNo case is overdue or waiting to be accepted. ✓"),
    w("case.home.team", "*{unit}: overdue or not yet accepted* ({shown})"),
    w("case.home.team_some", "{shown} of {total}"),
    w("case.home.team_line", "• *{reference}* {summary} — {state}, {who}, due {due}{overdue}"),
    w("case.home.with", "with {name}"),
    w("case.home.no_handler", "no handler yet"),
    w("case.home.overdue", " ⚠️ overdue"),
    w("case.home.team_more", "`/case list overdue` and `/case list unit` list them all."),
)

# `/ops help`'s line for each of `/case`'s commands.
HELP = words(
    w("case.help.case", "Take in a customer's request: opens the intake form."),
    w(
        "case.help.new",
        "Register a request at once as a general enquiry; complete it, and correct its type, on its card.",
    ),
    w(
        "case.help.list",
        "List cases, newest first: yours to act on (the default), all open, overdue, or your unit's.",
    ),
    w("case.help.show", "A case's details and its full timeline."),
    w(
        "case.help.stats",
        "(group leaders and above, QC) Intake, handling time, on-time and first-pass rates, satisfaction.",
    ),
)

# `/case`'s words as each language types them: its subcommands, `/case list`'s lists and pages, the periods
# of `/case stats` (`subcommands.spoken`).
TYPED = words(
    w("word.case.new", "new"),
    w("word.case.list", "list"),
    w("word.case.show", "show"),
    w("word.case.stats", "stats"),
    w("word.case.list.mine", "mine"),
    w("word.case.list.open", "open"),
    w("word.case.list.overdue", "overdue"),
    w("word.case.list.unit", "unit"),
    w("word.case.list.page", "page"),
    w("word.case.stats.week", "week"),
    w("word.case.stats.month", "month"),
)

VIEW_WORDS = words(LABELS, BUTTONS, CARD, LIST, SHOW, ACTIONS, FACTS, STATS, FORMS, HOME, HELP, TYPED)
