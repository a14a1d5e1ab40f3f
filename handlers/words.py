"""The kernel's words: what every listener may answer, people's input refused, the center's roles, and
refusals of permission. Each workflow adds its own (`WORDS` in its package)."""

from handlers.wording import w, words

WORDS = words(
    # How the center's clock is written (a Unicode date pattern, as Babel formats it), and a list's commas.
    w("time.center", "yyyy-MM-dd HH:mm"),
    w("list.separator", ", "),
    # What every listener may answer.
    w(
        "directory.not_in",
        "You are not in this center's directory, so opsbot can't act for you. Ask an admin "
        "to add you (your Slack id is `{slack_id}`).",
    ),
    w(
        "error.internal",
        "Something went wrong inside opsbot and nothing was changed. Please try again; if it "
        "keeps happening, give an admin the reference `{reference}`.",
    ),
    w("form.date_unreadable", "Pick a date from the calendar."),
    # People's input that a service's model refuses (`opsbot.inputs`); `what` is the field's term.
    w("input.required", "The {what} is required."),
    w("input.too_long", "The {what} holds up to {limit} characters; yours has {length}."),
    w("input.out_of_range", "The {what} is out of range."),
    w("input.not_a_number", "The {what} must be a number, not `{typed}`."),
    w("input.invalid", "The {what} is not something opsbot can use."),
    # The center's roles.
    w("role.director", "director"),
    w("role.deputy_director", "deputy director"),
    w("role.manager", "manager"),
    w("role.deputy_manager", "deputy manager"),
    w("role.supervisor", "supervisor"),
    w("role.group_leader", "group leader"),
    w("role.specialist", "specialist"),
    w("role.qc_inspector", "QC inspector"),
    # Permissions (`opsbot.permissions`): one refusal, naming who may.
    w("permission.refused", "Only {who} can {action}; you are a {role}."),
    w("permission.either", "{one} or {other}"),
    w("permission.among", "{one}, {other}"),
    w("permission.or_last", "{one}, or {other}"),
    w("permission.anyone", "anyone"),
    w("permission.member", "people in the center's directory"),
    w("permission.at_least.director", "the director"),
    w("permission.at_least.deputy_director", "deputy directors and above"),
    w("permission.at_least.manager", "managers and above"),
    w("permission.at_least.deputy_manager", "deputy managers and above"),
    w("permission.at_least.supervisor", "supervisors, group leaders and above"),
    w("permission.at_least.group_leader", "group leaders and above"),
    w("permission.at_least.specialist", "the center's staff"),
    w("permission.role.qc_inspector", "quality control"),
    w("permission.admin", "opsbot's admins (named in the center file)"),
    w("permission.owner", "{owner}"),
    w("permission.owner_chain", "{owner} or their superiors"),
    w("permission.party", "the people on {number}"),
    w("permission.unit", "the people of {unit} and of the units over it"),
    w("permission.no_one", "no one yet"),
)
