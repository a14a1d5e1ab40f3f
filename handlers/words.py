"""The kernel's words: what every listener may answer, people's input refused, the center's roles, refusals
of permission, the App Home's frame, and the console's own words. Each workflow adds its own (`WORDS` in its
package)."""

from handlers.wording import w, wn, words

# The console's (`python bot.py console`) own words, plain text for a terminal: its banner, help and notes
# around what the fake Slack shows. Commands and the console's `:words` are typed, never translated.
CONSOLE = words(
    w(
        "console.banner",
        "opsbot console: opsbot runs here against a local fake Slack ({center}).\n"
        "Database {database}; logs go to {log}.\n"
        "You are {who}, in #{channel}.\n"
        "Type /ops help for opsbot's commands, :help for the console's, :quit to leave.",
    ),
    w(
        "console.help",
        "/command text        run a slash command as you, in the current channel (e.g. /ops help)\n"
        ":who                 the people of the center;  :as N|SLACK_ID|name  become one of them\n"
        ":channels            channels with unread counts;  :in #name  switch channel\n"
        ":read [#name]        a channel's messages;  :dm  your direct messages from opsbot;  :home  your "
        "App Home\n"
        ":press N [home|modal|#name]  press control [N] of what was shown last (or of home, the modal, a "
        "channel)\n"
        ":fill                fill in and submit the open form;  :cancel  close it\n"
        "@Name                in /approval, a mention as Slack sends it (e.g. /approval delegate @Zhou Jie "
        "until …)\n"
        ":later 3d|5h|30m     move time on and run what falls due (follow-ups, reminders, overdue marks, "
        "escalations)\n"
        ":help                this list;  :quit  leave (so do Ctrl-D and Ctrl-C)",
    ),
    wn(
        "console.center_file",
        "opsbot: OPSBOT_CONFIG: {source} has {count} problem; run `python bot.py config check {source}` "
        "to see it",
        "opsbot: OPSBOT_CONFIG: {source} has {count} problems; run `python bot.py config check {source}` "
        "to see them",
    ),
    w("console.who", "{name} ({role}, {unit})"),
    w("console.you_are_now", "you are now {who}"),
    wn(
        "console.not_one_person",
        "'{ref}' names {count} person; :who lists them",
        "'{ref}' names {count} people; :who lists them",
    ),
    w("console.no_channel", "no channel '{name}'; :channels lists them"),
    w("console.now_in", "now in #{channel}"),
    wn("console.channel_counts", "{count} message, {unread} unread", "{count} messages, {unread} unread"),
    w("console.dms_of", "opsbot's DMs to {name}"),
    wn("console.messages", "{title}: {count} message", "{title}: {count} messages"),
    w("console.no_messages", "{title}: no messages"),
    w("console.not_a_command", "{command} is not a valid command. opsbot's are {commands}."),
    w("console.unknown", "unknown console command '{name}'; :help lists them"),
    w("console.meanwhile", "(meanwhile)"),
    w("console.only_you", "(only you can see this)"),
    w("console.only_you_updated", "(only you can see this, updated)"),
    w("console.form_closed", "(the form closed)"),
    w("console.home_changed", "your App Home changed:"),
    w("console.new_in_channel", "new in #{channel}:"),
    w("console.updated_in_channel", "updated in #{channel}:"),
    w("console.new_in_dms", "new in your DMs:"),
    w("console.updated_in_dms", "updated in your DMs:"),
    wn(
        "console.elsewhere",
        "({count} new or updated in #{channel}: :read #{channel})",
        "({count} new or updated in #{channel}: :read #{channel})",
    ),
    w("console.fake_warning", "warning: fake Slack: {error}"),
    # Appended to what it annotates, with the space it needs.
    w("console.edited", " (edited)"),
    w("console.hint.optional", " (optional)"),
    w("console.hint.date", " (YYYY-MM-DD)"),
    w("console.hint.datetime", " (YYYY-MM-DD HH:MM, {zone} time)"),
    w("console.hint.person", " (name or id)"),
    w("console.hint.several", " (comma-separated)"),
    w("console.ask", "{label}{hints}:"),
    w("console.try_again", "{problem}; try again"),
    w("console.nothing_to_show", "(nothing to show)"),
    w("console.form_problems", "the form has problems: correct them with :fill"),
    w(
        "console.no_control",
        "no control [{number}] on the screen; :read, :dm, :home and forms show numbered ones",
    ),
    w("console.choose", "choose"),
    w("console.nothing_chosen", "(nothing chosen)"),
    w("console.later_usage", ":later takes a number of days, hours or minutes, e.g. :later 3d, :later 5h"),
    w("console.time_moves", "(time moves on {span}: what fell due meanwhile is sent)"),
    w("console.no_form", "no form is open"),
)

WORDS = words(
    # How the center's clock is written (a Unicode date pattern, as Babel formats it), and a list's commas.
    w("time.center", "yyyy-MM-dd HH:mm"),
    w("date.center", "yyyy-MM-dd"),
    # A zone by its IANA name, as the fallback of a time names it.
    w("zone.Asia/Shanghai", "CST"),
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
    w(
        "edge.not_read",
        "opsbot could not read this request from Slack, so nothing was changed. Please try again.",
    ),
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
    # Every form's own button.
    w("form.cancel", "Cancel"),
    # The App Home's frame: who the reader is, around the workflows' sections.
    w("home.header", "My work"),
    w(
        "home.not_in",
        "You are not in this center's directory yet, so there is no work to show. Ask an admin "
        "to add you to the center file (your Slack id is `{slack_id}`).",
    ),
    w("home.who", "*{name}* · {role} · {unit}"),
    w("home.who.reports_to", "*{name}* · {role} · {unit} · reports to {superior}"),
    w("home.footer", "Type `/ops help` in any channel to see every opsbot command."),
    CONSOLE,
)
