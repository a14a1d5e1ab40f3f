"""What `/approval list` and `/approval show` answer: what waits for the person and their own requests;
a request with its fields, its chain and its history."""

from __future__ import annotations

from typing import Any

from handlers.approvals.card import chain_lines, request_facts
from handlers.blocks import Message, sections
from handlers.edge import Edge
from handlers.mrkdwn import Mrkdwn, escape
from handlers.wording import Wording
from opsbot.approvals import cards, queries
from opsbot.approvals.lifecycle import RequestState
from opsbot.approvals.phrases import label
from opsbot.directory import Directory
from opsbot.notices import Notice, Param, Quote, load_param


def listing(edge: Edge, user: str) -> Message:
    found = edge.read(lambda session, directory: queries.listing(session, edge.context(directory, user)))
    say = edge.say_to(user)  # once the directory, which knows their language, is read
    lines = [say.term("approval.list.waiting")]
    lines += [
        say(
            Notice.of(
                "approval.list.waiting.line",
                number=r.number,
                purpose=escape(r.purpose).cut(80),
                position=s.position,
                label=label(s.label),
                since=say.at(s.waiting_since),
            )
        )
        for r, s in found.waiting
    ] or [say.term("approval.list.waiting.none")]
    lines.append(say.term("approval.list.mine"))
    lines += [
        say(
            Notice.of(
                "approval.list.mine.line",
                number=r.number,
                purpose=escape(r.purpose).cut(80),
                state=RequestState(r.state).term,
            )
        )
        for r in found.mine
    ] or [say.term("approval.list.mine.none")]
    text = Mrkdwn("\n").join(lines)
    return Message(text=text.cut(3000), blocks=sections(text)[:50])


def showing(edge: Edge, user: str, number: str) -> Message:
    def read(session: Any, directory: Directory) -> Message:
        say = edge.say_to(user)
        who = edge.context(directory, user)
        shown = queries.show(session, who, number)
        payload = cards.card_payload(shown.request, shown.steps, who, shown.standing_in)
        facts = [
            say(Notice.of("approval.show.fact", label=name, value=Quote(value)))
            for name, value in request_facts(payload, say)
        ]
        history = [say(line) for line in shown.history]
        lines = [_head(payload, say), *facts, chain_lines(payload["steps"], say)]
        text = Mrkdwn("\n").join([*lines, say.term("approval.show.history"), *history])
        return Message(text=text.cut(3000), blocks=sections(text)[:50])

    return edge.read(read)


def _head(payload: dict[str, Any], say: Wording) -> Mrkdwn:
    """The request on one line: its number, kind, requester, purpose, amount and state."""
    head: dict[str, Param] = {
        "number": payload["number"],
        "kind": payload["kind"],
        "requester": payload["requester_name"],
        "purpose": Quote(payload["purpose"]),
        "state": RequestState(payload["state"]).term,
    }
    if payload["amount"]:
        return say(Notice.of("approval.show.head.amount", **head, amount=load_param(payload["amount"])))
    return say(Notice.of("approval.show.head", **head))
