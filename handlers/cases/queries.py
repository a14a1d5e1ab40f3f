"""`/case list`, `/case show` and `/case stats`: parse, read in one unit of work, render ephemerally."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from handlers.blocks import Message, actions, button, context, divider, fields, header, section, sections
from handlers.cases.words import channel_word, shortened
from handlers.catalogue import CommandHelp
from handlers.edge import Edge
from handlers.mrkdwn import Mrkdwn, escape, md
from handlers.payloads import Click, Command
from handlers.routes import Routes
from handlers.wording import Wording
from opsbot.cases import queries
from opsbot.cases.clocks import REPLY, RESOLUTION
from opsbot.cases.lifecycle import State
from opsbot.cases.queries import CaseDetails, CasePage, TimelineEntry
from opsbot.cases.settings import CaseSettings
from opsbot.cases.stats import CaseStats, PeriodStats, ensure_may_see_stats, parse_period, period_stats
from opsbot.directory import Directory
from opsbot.errors import InvalidInput
from opsbot.notices import Notice, Param, Term, Time

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


# ------------------------------------------------------------------------------------------------- list


def render_list(page: CasePage, say: Wording) -> Message:
    title = Term(f"case.list.title.{page.scope}")
    if not page.lines:
        empty = say.term(f"case.list.empty.{page.scope}")
        return Message(text=empty, blocks=[section(empty)])
    counted = Notice.of("case.count.cases", count=page.total)
    where: dict[str, Param] = {"title": title, "cases": counted, "page": page.page, "pages": page.pages}
    blocks = [section(say(Notice.of("case.list.head", **where)))]
    for line in page.lines:
        shown = Notice.of(
            "case.list.line",
            reference=line.reference,
            kind=Term("case.list.complaint") if line.complaint else None,
            summary=shortened(line.summary, SUMMARY_CUT),
            state=line.state.term,
            who=line.assignee_name or Term("case.list.unassigned"),
            due=Time(line.due_at),
            mark=Term("case.list.overdue") if line.overdue else None,
        )
        blocks.append(section(say(shown)))
    turns = []
    if page.page > 1:
        turns.append(button("‹ Previous", PREVIOUS, f"{page.scope} {page.page - 1}"))
    if page.page < page.pages:
        turns.append(button("Next ›", NEXT, f"{page.scope} {page.page + 1}"))
    if turns:
        blocks.append(actions(*turns))
    blocks.append(context(say.term("case.list.show_one")))
    lines = Mrkdwn("; ").join(
        say(Notice.of("case.list.text_line", reference=line.reference, state=line.state.term))
        for line in page.lines
    )
    text = (say(Notice.of("case.list.text", **where)) + Mrkdwn(" ") + lines).cut(3000)
    return Message(text=text, blocks=blocks)


def list_cases(edge: Edge, command: Command, rest: str) -> Message:
    return listing(edge, command.user_id, rest)


def listing(edge: Edge, user: str, text: str) -> Message:
    request = queries.parse_list(text)
    now = edge.now()
    page = edge.read(lambda session, directory: queries.list_cases(session, directory, user, request, now))
    return render_list(page, edge.say)


def register(routes: Routes, edge: Edge) -> None:
    def turn_page(body: dict[str, Any], _client: WebClient, respond: Respond) -> None:
        """The list's Previous / Next buttons: the same ephemeral message shows the other page."""
        click = Click.of(body)
        shown = listing(edge, click.user.id, click.action.value)
        respond(text=shown.text, blocks=shown.blocks, replace_original=True)

    for action_id in (PREVIOUS, NEXT):
        routes.action_after_ack(action_id, turn_page)


# ------------------------------------------------------------------------------------------------- show


def entry_line(entry: TimelineEntry, say: Wording) -> Mrkdwn:
    facts = Mrkdwn("; ").join(
        md("{label}: {value}", label=say.term(f"case.fact.{key}"), value=value) for key, value in entry.facts
    )
    return md(
        "{at} · *{actor}* {action}{facts}",
        at=say.at(entry.at),
        actor=entry.actor_name,
        action=say.term(f"case.action.{entry.action}"),
        facts=Mrkdwn(" — ") + facts if facts else "",
    )


def render_case(details: CaseDetails, directory: Directory, edge: Edge) -> Message:
    """opsbot's full view of a case: long texts run over as many sections as they need."""
    case, say = details.case, edge.say
    ref = case.number or f"INTAKE-{case.id}"
    state = say.term(State(case.state).term.code)
    blocks = [
        header(f"{ref} · {state}"),
        _case_fields(details, directory, edge),
        *sections(md("*Summary*\n{text}", text=case.summary)),
    ]
    if case.details:
        blocks += sections(md("*Details*\n{text}", text=case.details))
    if case.missing_items:
        blocks += sections(md("*Missing items*\n{text}", text=", ".join(case.missing_items)))
    if case.rejected_reason:
        blocks += sections(md("*Rejected because*\n{text}", text=case.rejected_reason))
    count = len(details.timeline)
    timeline = Notice.of("case.show.timeline", count=count)
    blocks += [divider(), section(say(timeline))]
    room = MAX_BLOCKS - len(blocks)
    entries = details.timeline
    if len(entries) > room:
        shown = entries[-(room - 1) :]
        hidden = len(entries) - len(shown)
        earlier = Notice.of("case.show.hidden", count=hidden)
        blocks.append(context(say(earlier)))
        entries = shown
    blocks += [context(entry_line(entry, say)) for entry in entries]
    text = md("{ref}: {summary} ({state})", ref=ref, summary=case.summary, state=state).cut(3000)
    return Message(text=text, blocks=blocks)


def _case_fields(details: CaseDetails, directory: Directory, edge: Edge) -> dict[str, Any]:
    case, say = details.case, edge.say
    kind = CaseSettings.of(edge.center).type(case.type_key)
    unit = directory.units.get(case.unit_key)

    def name(slack_id: str | None) -> str:
        return directory.name_of(slack_id) if slack_id else "—"

    kind_name = kind.name if kind else case.type_key
    contact = escape(details.contact) if details.contact else say.term("case.to_complete")
    if not details.contact_shown and details.contact:
        contact = say(Notice.of("case.show.masked", contact=details.contact))
    reviewers = " → ".join(name(r) for r in (case.first_reviewer, case.second_reviewer) if r) or "—"
    satisfaction = f"{case.satisfaction}/5" if case.satisfaction is not None else "—"
    return fields(
        (
            "Type",
            say(Notice.of("case.kind_complaint", name=kind_name)) if case.complaint else escape(kind_name),
        ),
        ("Customer", escape(case.customer) if case.customer else say.term("case.to_complete")),
        ("Contact", contact),
        ("Came in by", channel_word(case.channel, say)),
        ("Unit", escape(unit.name if unit else case.unit_key)),
        ("Handler", escape(name(case.assignee))),
        ("Reviewers", escape(reviewers)),
        ("Reply due", say.at(details.clocks.due(REPLY))),
        ("Resolution due", say.at(details.clocks.due(RESOLUTION))),
        ("Returns · satisfaction", escape(f"{case.review_returns} · {satisfaction}")),
    )


def show(edge: Edge, command: Command, rest: str) -> Message:
    ref = rest.strip()
    if not ref or " " in ref:
        raise InvalidInput("case.show_which")

    def read(session: Any, directory: Directory) -> Message:
        found = queries.case_details(session, edge.context(directory, command.user_id), ref)
        return render_case(found, directory, edge)

    return edge.read(read)


# ------------------------------------------------------------------------------------------------ stats


def _share(value: float | None, part: int, whole: int) -> Notice:
    if value is None:
        return Notice.of("case.stats.share_none")
    return Notice.of("case.stats.share", percent=f"{value:.1f}", part=part, whole=whole)


def _figures(s: CaseStats, edge: Edge) -> dict[str, Param]:
    """Each figure as the fields and the fallback text word it."""
    names = {kind.key: kind.name for kind in CaseSettings.of(edge.center).types}
    channels = [
        Notice.of("case.stats.count", name=Term(f"case.channel.{k}"), count=n) for k, n in s.by_channel
    ]
    types = [Notice.of("case.stats.count", name=names.get(k, k), count=n) for k, n in s.by_type]
    hours = s.avg_handling_hours
    return {
        "registered": s.registered,
        "channels": channels or "—",
        "types": types or "—",
        "handling": Notice.of("case.stats.handling", hours=f"{hours:.1f}", resolved=s.resolved)
        if hours is not None
        else Notice.of("case.stats.handling_none", resolved=s.resolved),
        "on_time": _share(s.on_time_pct, s.on_time, s.resolved),
        "first_pass": _share(s.first_pass_pct, s.first_pass, s.passed_reviews),
        "satisfaction": Notice.of(
            "case.stats.satisfaction", average=f"{s.satisfaction_avg:.2f}", rated=s.rated
        )
        if s.satisfaction_avg is not None
        else "—",
        "complaints": Notice.of("case.stats.complaints", count=s.complaints, closed=s.complaints_closed),
    }


def render_stats(found: PeriodStats, edge: Edge) -> Message:
    say, zone = edge.say, edge.center.calendar.zone
    period = Term(f"case.period.{found.period}")
    figures = _figures(found.stats, edge)

    def field(label: str, name: str) -> tuple[str, Mrkdwn]:
        return label, say(Notice.of("case.stats.figure", figure=figures[name]))

    span = Notice.of(
        "case.stats.span",
        period=period,
        first=found.start.astimezone(zone).date().isoformat(),
        last=found.end.astimezone(zone).date().isoformat(),
        zone=edge.center.calendar.timezone,
    )
    blocks = [
        header(say.plain(Notice.of("case.stats.header", period=period))),
        context(say(span)),
        fields(
            field("Registered", "registered"),
            field("By channel", "channels"),
            field("By type", "types"),
            field("Average handling time", "handling"),
            field("On time", "on_time"),
            field("First-pass review", "first_pass"),
            field("Satisfaction", "satisfaction"),
            field("Complaints", "complaints"),
        ),
    ]
    text = say(Notice.of("case.stats.text", period=period, **figures))
    return Message(text=text, blocks=blocks)


def stats(edge: Edge, command: Command, rest: str) -> Message:
    period = parse_period(rest)
    now = edge.now()

    def read(session: Any, directory: Directory) -> PeriodStats:
        ensure_may_see_stats(edge.context(directory, command.user_id))
        return period_stats(session, now, period, edge.center.calendar)

    return render_stats(edge.read(read), edge)


SUBCOMMANDS: dict[str, Callable[[Edge, Command, str], Message]] = {
    "list": list_cases,
    "show": show,
    "stats": stats,
}
