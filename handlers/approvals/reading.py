"""What `/approval list` and `/approval show` answer: what waits for the person and their own requests;
a request with its fields, its chain and its history."""

from __future__ import annotations

from typing import Any

from handlers.approvals.card import chain_lines, request_facts, state_of
from handlers.blocks import Message, sections
from handlers.edge import Edge
from handlers.mrkdwn import Mrkdwn, escape, md
from opsbot.approvals import cards, queries
from opsbot.approvals.lifecycle import RequestState
from opsbot.approvals.phrases import label
from opsbot.directory import Directory


def listing(edge: Edge, user: str) -> Message:
    say = edge.say
    found = edge.read(lambda session, directory: queries.listing(session, edge.context(directory, user)))
    lines = [Mrkdwn("*Waiting for your decision*")]
    lines += [
        md(
            "• *{number}* {purpose} — step {position} ({label}), since {since}",
            number=r.number,
            purpose=escape(r.purpose).cut(80),
            position=s.position,
            label=say(label(s.label)),
            since=say.at(s.waiting_since),
        )
        for r, s in found.waiting
    ] or [Mrkdwn("Nothing. ✓")]
    lines.append(Mrkdwn("*Your requests*"))
    lines += [
        md(
            "• *{number}* {purpose} — {state}",
            number=r.number,
            purpose=escape(r.purpose).cut(80),
            state=state_of(RequestState(r.state), say),
        )
        for r in found.mine
    ] or [Mrkdwn("None yet.")]
    text = Mrkdwn("\n").join(lines)
    return Message(text=text.cut(3000), blocks=sections(text)[:50])


def showing(edge: Edge, user: str, number: str) -> Message:
    say = edge.say

    def read(session: Any, directory: Directory) -> Message:
        who = edge.context(directory, user)
        shown = queries.show(session, who, number)
        payload = cards.card_payload(shown.request, shown.steps, who, shown.standing_in)
        facts = [
            md("*{label}*: {value}", label=name, value=value) for name, value in request_facts(payload, say)
        ]
        text = md(
            "*{number}* {kind} by {requester}: {purpose}{amount} — *{state}*\n",
            number=payload["number"],
            kind=payload["kind"],
            requester=payload["requester_name"],
            purpose=payload["purpose"],
            amount=f" ({payload['amount']})" if payload["amount"] else "",
            state=state_of(RequestState(payload["state"]), say),
        )
        text += Mrkdwn("").join(line + Mrkdwn("\n") for line in facts)
        text += (
            chain_lines(payload["steps"], say)
            + Mrkdwn("\n*History*\n")
            + Mrkdwn("\n").join(say(line) for line in shown.history)
        )
        return Message(text=text.cut(3000), blocks=sections(text)[:50])

    return edge.read(read)
