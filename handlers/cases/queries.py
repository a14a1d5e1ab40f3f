"""`/case list`, `/case show` and `/case stats`: parse, read in one unit of work, render ephemerally."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import Respond
from slack_sdk import WebClient

from handlers.blocks import Message, actions, button, context, divider, fields, header, section, sections
from handlers.catalogue import CommandHelp
from handlers.edge import Edge
from handlers.mrkdwn import Mrkdwn, escape, md, slack_time
from handlers.payloads import Click, Command
from handlers.routes import Routes
from opsbot.cases import queries
from opsbot.cases.clocks import REPLY, RESOLUTION
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
        empty = Mrkdwn(EMPTY[page.scope])
        return Message(text=empty, blocks=[section(empty)])
    counted = f"{page.total:,} case{'s' if page.total != 1 else ''}"
    blocks = [
        section(
            md(
                "*{title}* · {counted}, page {page} of {pages}",
                title=title,
                counted=counted,
                page=page.page,
                pages=page.pages,
            )
        )
    ]
    for line in page.lines:
        blocks.append(
            section(
                md(
                    "*{reference}*{kind} {summary}\n_{state}_ · {who} · due {due}{mark}",
                    reference=line.reference,
                    kind=" (complaint)" if line.complaint else "",
                    summary=escape(line.summary).cut(SUMMARY_CUT),
                    state=line.state.label,
                    who=line.assignee_name or "unassigned",
                    due=slack_time(line.due_at, zone),
                    mark=Mrkdwn(" · ⚠️ *overdue*") if line.overdue else "",
                )
            )
        )
    turns = []
    if page.page > 1:
        turns.append(button("‹ Previous", PREVIOUS, f"{page.scope} {page.page - 1}"))
    if page.page < page.pages:
        turns.append(button("Next ›", NEXT, f"{page.scope} {page.page + 1}"))
    if turns:
        blocks.append(actions(*turns))
    blocks.append(context(Mrkdwn("`/case show CASE-…` shows a case.")))
    text = md(
        "{title}: {counted}, page {page} of {pages}. {lines}",
        title=title,
        counted=counted,
        page=page.page,
        pages=page.pages,
        lines="; ".join(f"{line.reference} ({line.state.label})" for line in page.lines),
    ).cut(3000)
    return Message(text=text, blocks=blocks)


def list_cases(edge: Edge, command: Command, rest: str) -> Message:
    return listing(edge, command.user_id, rest)


def listing(edge: Edge, user: str, text: str) -> Message:
    request = queries.parse_list(text)
    now = edge.now()
    page = edge.read(lambda session, directory: queries.list_cases(session, directory, user, request, now))
    return render_list(page, edge.center.calendar.zone)


def register(routes: Routes, edge: Edge) -> None:
    def turn_page(body: dict[str, Any], _client: WebClient, respond: Respond) -> None:
        """The list's Previous / Next buttons: the same ephemeral message shows the other page."""
        click = Click.of(body)
        shown = listing(edge, click.user.id, click.action.value)
        respond(text=shown.text, blocks=shown.blocks, replace_original=True)

    for action_id in (PREVIOUS, NEXT):
        routes.action_after_ack(action_id, turn_page)


# ------------------------------------------------------------------------------------------------- show


def entry_line(entry: TimelineEntry, zone: ZoneInfo) -> Mrkdwn:
    facts = Mrkdwn("; ").join(
        md("{label}: {value}", label=label, value=value) for label, value in entry.facts
    )
    return md(
        "{at} · *{actor}* {action}{facts}",
        at=slack_time(entry.at, zone),
        actor=entry.actor_name,
        action=entry.action,
        facts=Mrkdwn(" — ") + facts if facts else "",
    )


def render_case(details: CaseDetails, directory: Directory, edge: Edge) -> Message:
    """opsbot's full view of a case: long texts run over as many sections as they need."""
    case, zone = details.case, edge.center.calendar.zone
    kind = edge.center.cases.type(case.type_key)
    unit = directory.units.get(case.unit_key)
    ref = case.number or f"INTAKE-{case.id}"
    state = State(case.state)

    def name(slack_id: str | None) -> str:
        return directory.name_of(slack_id) if slack_id else "—"

    contact = escape(details.contact) + (Mrkdwn("") if details.contact_shown else Mrkdwn(" _(masked)_"))
    reviewers = " → ".join(name(r) for r in (case.first_reviewer, case.second_reviewer) if r) or "—"
    satisfaction = f"{case.satisfaction}/5" if case.satisfaction is not None else "—"
    blocks = [
        header(f"{ref} · {state.label}"),
        fields(
            ("Type", escape((kind.name if kind else case.type_key) + (" (complaint)" * case.complaint))),
            ("Customer", escape(case.customer)),
            ("Contact", contact),
            ("Came in by", escape(CHANNELS.get(case.channel, case.channel))),
            ("Unit", escape(unit.name if unit else case.unit_key)),
            ("Handler", escape(name(case.assignee))),
            ("Reviewers", escape(reviewers)),
            ("Reply due", slack_time(details.clocks.due(REPLY), zone)),
            ("Resolution due", slack_time(details.clocks.due(RESOLUTION), zone)),
            ("Returns · satisfaction", escape(f"{case.review_returns} · {satisfaction}")),
        ),
        *sections(md("*Summary*\n{text}", text=case.summary)),
    ]
    if case.details:
        blocks += sections(md("*Details*\n{text}", text=case.details))
    if case.missing_items:
        blocks += sections(md("*Missing items*\n{text}", text=", ".join(case.missing_items)))
    if case.rejected_reason:
        blocks += sections(md("*Rejected because*\n{text}", text=case.rejected_reason))
    count = len(details.timeline)
    blocks += [
        divider(),
        section(md("*Timeline* ({count} entr{s})", count=count, s="ies" if count != 1 else "y")),
    ]
    room = MAX_BLOCKS - len(blocks)
    entries = details.timeline
    if len(entries) > room:
        shown = entries[-(room - 1) :]
        hidden = len(entries) - len(shown)
        blocks.append(
            context(
                md(
                    "{hidden} earlier entr{s} not shown.",
                    hidden=hidden,
                    s="ies are" if hidden != 1 else "y is",
                )
            )
        )
        entries = shown
    blocks += [context(entry_line(entry, zone)) for entry in entries]
    text = md("{ref}: {summary} ({state})", ref=ref, summary=case.summary, state=state.label).cut(3000)
    return Message(text=text, blocks=blocks)


def show(edge: Edge, command: Command, rest: str) -> Message:
    ref = rest.strip()
    if not ref or " " in ref:
        raise InvalidInput("Which case? Type `/case show CASE-2026-000123` (or an INTAKE-… reference).")

    def read(session: Any, directory: Directory) -> Message:
        return render_case(queries.case_details(session, directory, command.user_id, ref), directory, edge)

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
    types = ", ".join(f"{names.get(k, k)} {n}" for k, n in s.by_type) or "—"
    handling = f"{s.avg_handling_hours:.1f} business hours" if s.avg_handling_hours is not None else "—"
    handling += f" (over {s.resolved} resolved)"
    satisfaction = "—"
    if s.satisfaction_avg is not None:
        satisfaction = f"{s.satisfaction_avg:.2f} / 5 ({s.rated} rated)"
    blocks = [
        header(f"Case figures: this {found.period}"),
        context(
            md(
                "Cases registered {span}, center time ({zone}).",
                span=span,
                zone=edge.center.calendar.timezone,
            )
        ),
        fields(
            ("Registered", escape(f"{s.registered:,}")),
            ("By channel", escape(channels)),
            ("By type", escape(types)),
            ("Average handling time", escape(handling)),
            ("On time", escape(_pct(s.on_time_pct, s.on_time, s.resolved))),
            ("First-pass review", escape(_pct(s.first_pass_pct, s.first_pass, s.passed_reviews))),
            ("Satisfaction", escape(satisfaction)),
            ("Complaints", escape(f"{s.complaints} ({s.complaints_closed} closed)")),
        ),
    ]
    text = escape(
        f"Case figures this {found.period}: {s.registered} registered; handling {handling}; on time "
        f"{_pct(s.on_time_pct, s.on_time, s.resolved)}; first-pass "
        f"{_pct(s.first_pass_pct, s.first_pass, s.passed_reviews)}; satisfaction {satisfaction}; "
        f"complaints {s.complaints} ({s.complaints_closed} closed)."
    )
    return Message(text=text, blocks=blocks)


def stats(edge: Edge, command: Command, rest: str) -> Message:
    period = parse_period(rest)
    now = edge.now()

    def read(session: Any, directory: Directory) -> PeriodStats:
        ensure_may_see_stats(directory.member(command.user_id))
        return period_stats(session, now, period, edge.center.calendar)

    return render_stats(edge.read(read), edge)


SUBCOMMANDS: dict[str, Callable[[Edge, Command, str], Message]] = {
    "list": list_cases,
    "show": show,
    "stats": stats,
}
