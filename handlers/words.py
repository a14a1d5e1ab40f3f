"""The kernel's words: what every listener may answer, people's input refused, the center's roles, and
refusals of permission. Each workflow adds its own (`WORDS` in its package)."""

WORDS = {
    # What every listener may answer.
    "directory.not_in": "You are not in this center's directory, so opsbot can't act for you. Ask an admin "
    "to add you (your Slack id is `{slack_id}`).",
    "error.internal": "Something went wrong inside opsbot and nothing was changed. Please try again; if it "
    "keeps happening, give an admin the reference `{reference}`.",
    "form.date_unreadable": "Pick a date from the calendar.",
    # People's input that a service's model refuses (`opsbot.inputs`); `what` is the field's term.
    "input.required": "The {what} is required.",
    "input.too_long": "The {what} holds up to {limit} characters; yours has {length}.",
    "input.out_of_range": "The {what} is out of range.",
    "input.not_a_number": "The {what} must be a number, not `{typed}`.",
    "input.invalid": "The {what} is not something opsbot can use.",
    # The center's roles.
    "role.director": "director",
    "role.deputy_director": "deputy director",
    "role.manager": "manager",
    "role.deputy_manager": "deputy manager",
    "role.supervisor": "supervisor",
    "role.group_leader": "group leader",
    "role.specialist": "specialist",
    "role.qc_inspector": "QC inspector",
    # Permissions (`opsbot.permissions`): one refusal, naming who may.
    "permission.refused": "Only {who} can {action}; you are a {role}.",
    "permission.either": "{one} or {other}",
    "permission.among": "{one}, {other}",
    "permission.or_last": "{one}, or {other}",
    "permission.anyone": "anyone",
    "permission.member": "people in the center's directory",
    "permission.at_least.director": "the director",
    "permission.at_least.deputy_director": "deputy directors and above",
    "permission.at_least.manager": "managers and above",
    "permission.at_least.deputy_manager": "deputy managers and above",
    "permission.at_least.supervisor": "supervisors, group leaders and above",
    "permission.at_least.group_leader": "group leaders and above",
    "permission.at_least.specialist": "the center's staff",
    "permission.role.qc_inspector": "quality control",
    "permission.admin": "opsbot's admins (named in the center file)",
    "permission.owner": "{owner}",
    "permission.owner_chain": "{owner} or their superiors",
    "permission.party": "the people on {number}",
    "permission.unit": "the people of {unit} and of the units over it",
    "permission.no_one": "no one yet",
}
