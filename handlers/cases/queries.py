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
from handlers.mrkdwn import Mrkdwn, escape
from handlers.payloads import Click, Command
from handlers.routes import Routes
from handlers.subcommands import spoken, translated
from handlers.wording import Wording
from opsbot.audit import SYSTEM
from opsbot.cases import queries
from opsbot.cases.clocks import REPLY, RESOLUTION
from opsbot.cases.lifecycle import State
from opsbot.cases.queries import SCOPES, CaseDetails, CasePage, TimelineEntry
from opsbot.cases.settings import CaseSettings
from opsbot.cases.stats import (
    PERIODS,
    CaseStats,
    PeriodStats,
    ensure_may_see_stats,
    parse_period,
    period_stats,
)
from opsbot.directory import Directory
from opsbot.errors import InvalidInput
from opsbot.notices import Notice, Param, Term, Time

# Each summary is the code of its words (`view_words.HELP`), worded for the reader of `/ops help`.
HELP: tuple[CommandHelp, ...] = (
    CommandHelp("/case list [mine|open|overdue|unit] [page N]", "case.help.list"),
    CommandHelp("/case show CASE-2026-000123", "case.help.show"),
    CommandHelp("/case stats [week|month]", "case.help.stats"),
)

MAX_BLOCKS = 50
# How a case came to its handler (`opsbot.cases.assignment`), as its timeline words it.
ASSIGNED_HOW = ("auto", "taken", "picked")
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
        turns.append(button(say.term("case.button.previous_page"), PREVIOUS, f"{page.scope} {page.page - 1}"))
    if page.page < page.pages:
        turns.append(button(say.term("case.button.next_page"), NEXT, f"{page.scope} {page.page + 1}"))
    if turns:
        blocks.append(actions(*turns))
    blocks.append(context(say.term("case.list.show_one")))
    lines = say.term("case.list.text_separator").join(
        say(Notice.of("case.list.text_line", reference=line.reference, state=line.state.term))
        for line in page.lines
    )
    text = say(Notice.of("case.list.text", **where, lines=lines)).cut(3000)
    return Message(text=text, blocks=blocks)


def list_cases(edge: Edge, command: Command, rest: str) -> Message:
    return listing(edge, command.user_id, rest)


def listing(edge: Edge, user: str, text: str) -> Message:
    typed = translated(text, spoken(edge.wordings, "word.case.list", (*SCOPES, "page")))
    request = queries.parse_list(typed)
    now = edge.now()
    page = edge.read(lambda session, directory: queries.list_cases(session, directory, user, request, now))
    return render_list(page, edge.say_to(user))


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
    facts = say.term("case.show.fact_separator").join(
        say(Notice.of("case.show.fact", label=Term(f"case.fact.{key}"), value=_fact_value(key, value)))
        for key, value in entry.facts
    )
    where: dict[str, Param] = {
        "at": Time(entry.at),
        "actor": Term("case.show.system") if entry.actor == SYSTEM else entry.actor_name,
        "action": Term(f"case.action.{entry.action}"),
    }
    if not facts:
        return say(Notice.of("case.show.entry", **where))
    # The facts are worded already: Mrkdwn goes into a template as it is.
    return say(Notice.of("case.show.entry_facts", **where, facts=facts))


def _fact_value(key: str, value: str) -> Param:
    """A fact as the timeline shows it: the words of opsbot's own values (a level, how a case was assigned,
    an objection raised), the rest as the step recorded it."""
    if key == "level" and value in ("first", "second"):
        return Term(f"case.level.{value}")
    if key == "assigned_how" and value in ASSIGNED_HOW:
        return Term(f"case.assigned_how.{value}")
    if key == "objection":
        return Term("case.fact.objection_raised")
    return value


def render_case(details: CaseDetails, directory: Directory, edge: Edge, say: Wording) -> Message:
    """opsbot's full view of a case: long texts run over as many sections as they need."""
    case = details.case
    ref = case.number or f"INTAKE-{case.id}"
    state = State(case.state).term
    blocks = [
        header(say.plain(Notice.of("case.show.header", reference=ref, state=state))),
        _case_fields(details, directory, edge, say),
        *sections(say(Notice.of("case.show.summary", text=case.summary))),
    ]
    if case.details:
        blocks += sections(say(Notice.of("case.show.details", text=case.details)))
    if case.missing_items:
        blocks += sections(say(Notice.of("case.show.missing", items=list(case.missing_items))))
    if case.rejected_reason:
        blocks += sections(say(Notice.of("case.show.rejected_because", text=case.rejected_reason)))
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
    text = say(Notice.of("case.show.text", reference=ref, summary=case.summary, state=state)).cut(3000)
    return Message(text=text, blocks=blocks)


def _case_fields(details: CaseDetails, directory: Directory, edge: Edge, say: Wording) -> dict[str, Any]:
    case = details.case
    kind = CaseSettings.of(edge.center).type(case.type_key)
    unit = directory.units.get(case.unit_key)

    def name(slack_id: str | None) -> str:
        return directory.name_of(slack_id) if slack_id else "—"

    kind_name = kind.name if kind else case.type_key
    contact = escape(details.contact) if details.contact else say.term("case.to_complete")
    if not details.contact_shown and details.contact:
        contact = say(Notice.of("case.show.masked", contact=details.contact))
    reviewers = " → ".join(name(r) for r in (case.first_reviewer, case.second_reviewer) if r) or "—"
    returns = (
        Notice.of("case.show.returns_scored", returns=case.review_returns, score=case.satisfaction)
        if case.satisfaction is not None
        else Notice.of("case.show.returns", returns=case.review_returns)
    )
    return fields(
        (
            say.term("case.label.type"),
            say(Notice.of("case.kind_complaint", name=kind_name)) if case.complaint else escape(kind_name),
        ),
        (
            say.term("case.label.customer"),
            escape(case.customer) if case.customer else say.term("case.to_complete"),
        ),
        (say.term("case.label.contact"), contact),
        (say.term("case.label.came_in_by"), channel_word(case.channel, say)),
        (say.term("case.label.unit"), escape(unit.name if unit else case.unit_key)),
        (say.term("case.label.handler"), escape(name(case.assignee))),
        (say.term("case.label.reviewers"), escape(reviewers)),
        (say.term("case.label.reply_due"), say.at(details.clocks.due(REPLY))),
        (say.term("case.label.resolution_due"), say.at(details.clocks.due(RESOLUTION))),
        (say.term("case.label.returns_satisfaction"), say(returns)),
    )


def show(edge: Edge, command: Command, rest: str) -> Message:
    ref = rest.strip()
    if not ref or " " in ref:
        raise InvalidInput("case.show_which")

    def read(session: Any, directory: Directory) -> Message:
        found = queries.case_details(session, edge.context(directory, command.user_id), ref)
        return render_case(found, directory, edge, edge.say_to(command.user_id))

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


def render_stats(found: PeriodStats, edge: Edge, say: Wording) -> Message:
    zone = edge.center.calendar.zone
    period = Term(f"case.period.{found.period}")
    figures = _figures(found.stats, edge)

    def field(label: Mrkdwn, name: str) -> tuple[str, Mrkdwn]:
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
            field(say.term("case.stats.label.registered"), "registered"),
            field(say.term("case.stats.label.channels"), "channels"),
            field(say.term("case.stats.label.types"), "types"),
            field(say.term("case.stats.label.handling"), "handling"),
            field(say.term("case.stats.label.on_time"), "on_time"),
            field(say.term("case.stats.label.first_pass"), "first_pass"),
            field(say.term("case.stats.label.satisfaction"), "satisfaction"),
            field(say.term("case.stats.label.complaints"), "complaints"),
        ),
    ]
    text = say(Notice.of("case.stats.text", period=period, **figures))
    return Message(text=text, blocks=blocks)


def stats(edge: Edge, command: Command, rest: str) -> Message:
    period = parse_period(translated(rest, spoken(edge.wordings, "word.case.stats", tuple(PERIODS))))
    now = edge.now()

    def read(session: Any, directory: Directory) -> PeriodStats:
        ensure_may_see_stats(edge.context(directory, command.user_id))
        return period_stats(session, now, period, edge.center.calendar)

    found = edge.read(read)
    return render_stats(found, edge, edge.say_to(command.user_id))


SUBCOMMANDS: dict[str, Callable[[Edge, Command, str], Message]] = {
    "list": list_cases,
    "show": show,
    "stats": stats,
}
