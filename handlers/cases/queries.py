"""`/case list`, `/case show` and `/case stats`: parse, read in one unit of work, render ephemerally."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import App, Respond
from slack_sdk.models.blocks import SectionBlock

from handlers.blocks import (
    Message,
    actions,
    button,
    context,
    divider,
    escape,
    fields,
    fit,
    header,
    section,
    slack_time,
)
from handlers.catalogue import CommandHelp
from handlers.edge import Edge
from opsbot.cases import queries
from opsbot.cases.lifecycle import State
from opsbot.cases.models import CHANNELS
from opsbot.cases.queries import CaseDetails, CasePage, TimelineEntry
from opsbot.cases.stats import CaseStats, PeriodStats, ensure_may_see_stats, parse_period, period_stats
from opsbot.directory import Directory
from opsbot.errors import InvalidInput

HELP: tuple[CommandHelp, ...] = (
    CommandHelp(
        "/case list [mine|open|overdue|unit] [page N]",
        "List cases, newest first: yours to act on (the default), all open, overdue, or your unit's.",
    ),
    CommandHelp("/case show CASE-2026-000123", "A case's details and its full timeline."),
    CommandHelp(
        "/case stats [week|month]",
        "(group leaders and above, QC) Intake, handling time, on-time and first-pass rates, satisfaction.",
    ),
)

MAX_BLOCKS = 50
SUMMARY_CUT = 80
PREVIOUS, NEXT = "case.list.previous", "case.list.next"
TITLES = {
    "mine": "Your cases",
    "open": "Open cases",
    "overdue": "Overdue cases",
    "unit": "Your unit's open cases",
}
EMPTY = {
    "mine": "Nothing waits for you: no case is yours to handle, review, follow up or complete.",
    "open": "There are no open cases you can see.",
    "overdue": "No case you can see is overdue.",
    "unit": "Your unit has no open cases.",
}


# ------------------------------------------------------------------------------------------------- list


def render_list(page: CasePage, zone: ZoneInfo) -> Message:
    title = TITLES[page.scope]
    if not page.lines:
        return Message(text=EMPTY[page.scope], blocks=[section(EMPTY[page.scope])])
    counted = f"{page.total:,} case{'s' if page.total != 1 else ''}"
    blocks = [section(f"*{title}* · {counted}, page {page.page} of {page.pages}")]
    for line in page.lines:
        who = escape(line.assignee_name) if line.assignee_name else "unassigned"
        mark = " · :warning: *overdue*" if line.overdue else ""
        kind = " (complaint)" if line.complaint else ""
        blocks.append(
            section(
                f"*{line.reference}*{kind} {escape(fit(line.summary, SUMMARY_CUT))}\n"
                f"_{line.state.label}_ · {who} · due {slack_time(line.due_at, zone)}{mark}"
            )
        )
    turns = []
    if page.page > 1:
        turns.append(button("‹ Previous", PREVIOUS, f"{page.scope} {page.page - 1}"))
    if page.page < page.pages:
        turns.append(button("Next ›", NEXT, f"{page.scope} {page.page + 1}"))
    if turns:
        blocks.append(actions(*turns))
    blocks.append(context("`/case show CASE-…` shows a case."))
    text = f"{title}: {counted}, page {page.page} of {page.pages}. " + "; ".join(
        f"{line.reference} ({line.state.label})" for line in page.lines
    )
    return Message(text=fit(text, 3000), blocks=blocks)


def list_cases(edge: Edge, body: dict[str, Any], rest: str) -> Message:
    return listing(edge, body["user_id"], rest)


def listing(edge: Edge, user: str, text: str) -> Message:
    request = queries.parse_list(text)
    now = edge.now()
    page = edge.read(lambda session, directory: queries.list_cases(session, directory, user, request, now))
    return render_list(page, edge.center.calendar.zone)


def register(app: App, edge: Edge) -> None:
    def turn_page(body: dict[str, Any], respond: Respond) -> None:
        """The list's Previous / Next buttons: the same ephemeral message shows the other page."""
        shown = listing(edge, body["user"]["id"], body["actions"][0]["value"])
        respond(text=shown.text, blocks=shown.blocks, replace_original=True)

    for action_id in (PREVIOUS, NEXT):
        app.action(action_id)(ack=lambda ack: ack(), lazy=[turn_page])


# ------------------------------------------------------------------------------------------------- show


def entry_line(entry: TimelineEntry, zone: ZoneInfo) -> str:
    facts = "; ".join(f"{label}: {escape(value)}" for label, value in entry.facts)
    return f"{slack_time(entry.at, zone)} · *{escape(entry.actor_name)}* {entry.action}" + (
        f" — {facts}" if facts else ""
    )


def render_case(details: CaseDetails, directory: Directory, edge: Edge) -> Message:
    case, zone = details.case, edge.center.calendar.zone
    kind = edge.center.cases.type(case.type_key)
    unit = directory.units.get(case.unit_key)
    ref = case.number or f"INTAKE-{case.id}"
    state = State(case.state)

    def name(slack_id: str | None) -> str:
        return escape(directory.name_of(slack_id)) if slack_id else "—"

    contact = escape(details.contact) + ("" if details.contact_shown else " _(masked)_")
    reviewers = " → ".join(name(r) for r in (case.first_reviewer, case.second_reviewer) if r) or "—"
    satisfaction = f"{case.satisfaction}/5" if case.satisfaction is not None else "—"
    blocks = [
        header(f"{ref} · {state.label}"),
        fields(
            ("Type", escape(kind.name if kind else case.type_key) + (" (complaint)" * case.complaint)),
            ("Customer", escape(case.customer)),
            ("Contact", contact),
            ("Came in by", CHANNELS.get(case.channel, case.channel)),
            ("Unit", escape(unit.name if unit else case.unit_key)),
            ("Handler", name(case.assignee)),
            ("Reviewers", reviewers),
            ("Reply due", slack_time(case.reply_due_at, zone)),
            ("Resolution due", slack_time(case.resolve_due_at, zone)),
            ("Returns · satisfaction", f"{case.review_returns} · {satisfaction}"),
        ),
        section(f"*Summary*\n{escape(case.summary)}"),
    ]
    if case.details:
        blocks.append(section(f"*Details*\n{escape(case.details)}"))
    if case.missing_items:
        blocks.append(section("*Missing items*\n" + escape(", ".join(case.missing_items))))
    if case.rejected_reason:
        blocks.append(section(f"*Rejected because*\n{escape(case.rejected_reason)}"))
    count = len(details.timeline)
    blocks += [divider(), section(f"*Timeline* ({count} entr{'ies' if count != 1 else 'y'})")]
    room = MAX_BLOCKS - len(blocks)
    entries = details.timeline
    if len(entries) > room:
        shown = entries[-(room - 1) :]
        hidden = len(entries) - len(shown)
        blocks.append(context(f"{hidden} earlier entr{'ies are' if hidden != 1 else 'y is'} not shown."))
        entries = shown
    blocks += [context(entry_line(entry, zone)) for entry in entries]
    text = f"{ref}: {case.summary} ({state.label})"
    return Message(text=fit(text, SectionBlock.text_max_length), blocks=blocks)


def show(edge: Edge, body: dict[str, Any], rest: str) -> Message:
    ref = rest.strip()
    if not ref or " " in ref:
        raise InvalidInput("Which case? Type `/case show CASE-2026-000123` (or an INTAKE-… reference).")

    def read(session: Any, directory: Directory) -> Message:
        return render_case(queries.case_details(session, directory, body["user_id"], ref), directory, edge)

    return edge.read(read)


# ------------------------------------------------------------------------------------------------ stats


def _pct(value: float | None, part: int, whole: int) -> str:
    return f"{value:.1f}% ({part} of {whole})" if value is not None else "— (none yet)"


def render_stats(found: PeriodStats, edge: Edge) -> Message:
    s: CaseStats = found.stats
    zone = edge.center.calendar.zone
    first = found.start.astimezone(zone).date()
    last = found.end.astimezone(zone).date()
    span = f"this {found.period}, {first:%Y-%m-%d} to {last:%Y-%m-%d} (exclusive)"
    names = {kind.key: kind.name for kind in edge.center.cases.types}
    channels = ", ".join(f"{CHANNELS.get(k, k)} {n}" for k, n in s.by_channel) or "—"
    types = ", ".join(f"{escape(names.get(k, k))} {n}" for k, n in s.by_type) or "—"
    handling = f"{s.avg_handling_hours:.1f} business hours" if s.avg_handling_hours is not None else "—"
    handling += f" (over {s.resolved} resolved)"
    satisfaction = "—"
    if s.satisfaction_avg is not None:
        satisfaction = f"{s.satisfaction_avg:.2f} / 5 ({s.rated} rated)"
    blocks = [
        header(f"Case figures: this {found.period}"),
        context(f"Cases registered {span}, center time ({edge.center.calendar.timezone})."),
        fields(
            ("Registered", f"{s.registered:,}"),
            ("By channel", channels),
            ("By type", types),
            ("Average handling time", handling),
            ("On time", _pct(s.on_time_pct, s.on_time, s.resolved)),
            ("First-pass review", _pct(s.first_pass_pct, s.first_pass, s.passed_reviews)),
            ("Satisfaction", satisfaction),
            ("Complaints", f"{s.complaints} ({s.complaints_closed} closed)"),
        ),
    ]
    text = (
        f"Case figures this {found.period}: {s.registered} registered; handling {handling}; on time "
        f"{_pct(s.on_time_pct, s.on_time, s.resolved)}; first-pass "
        f"{_pct(s.first_pass_pct, s.first_pass, s.passed_reviews)}; satisfaction {satisfaction}; "
        f"complaints {s.complaints} ({s.complaints_closed} closed)."
    )
    return Message(text=text, blocks=blocks)


def stats(edge: Edge, body: dict[str, Any], rest: str) -> Message:
    period = parse_period(rest)
    now = edge.now()

    def read(session: Any, directory: Directory) -> PeriodStats:
        ensure_may_see_stats(directory.member(body["user_id"]))
        return period_stats(session, now, period, edge.center.calendar)

    return render_stats(edge.read(read), edge)


SUBCOMMANDS: dict[str, Callable[[Edge, dict[str, Any], str], Message]] = {
    "list": list_cases,
    "show": show,
    "stats": stats,
}
