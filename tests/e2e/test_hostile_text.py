"""People's text that tries to ping, link or format: through a case (the intake form and `/case new`), a
return reason, an approval purpose and an announcement. Nothing that reaches Slack carries a live token or
formatting from it, and every reader sees it exactly as it was typed."""

from __future__ import annotations

import json
from typing import Any

from console.typed import as_slack_sends
from fakeslack.render import mrkdwn
from tests.e2e.test_case_lifecycle import Desk
from tests.hostile import FORMATTED, HOSTILE, LIVE, mrkdwn_texts

CLERK, LEADER, MANAGER = "U0ZHENGHAO", "U0WUFANG", "U0SUNLI"


def slack_text(slack, user: str, command: str, typed: str) -> dict[str, Any]:
    reply = slack.command(user, command, as_slack_sends(command, typed))
    assert reply.status == 200, reply.body
    return reply.json


def everything_sent(slack, acks: list[dict[str, Any]]) -> list[str]:
    store = slack.store
    texts: list[str] = []
    for ack in acks:
        texts += [ack.get("text") or "", *mrkdwn_texts(ack.get("blocks"))]
    with store.lock:
        messages = [m for ms in store.messages.values() for m in ms]
        messages += [r for m in list(messages) for r in m.replies]
        messages += [m for ms in store.ephemerals.values() for m in ms]
        views = list(store.views.values())
    for message in messages:
        texts += [message.text, *mrkdwn_texts(message.blocks)]
    for view in views:
        texts += mrkdwn_texts(view.blocks)
    for call in slack.calls:
        texts += [str(call.args.get("text") or ""), *mrkdwn_texts(call.args.get("blocks"))]
    return texts


def test_hostile_text_never_pings_links_or_formats_and_reads_as_typed(running):
    desk, slack = Desk(running), running.slack
    acks = []
    form = desk.intake_form(CLERK)
    slack.submit(
        CLERK,
        form,
        {
            "customer": "Li Na",
            "contact": "13812345678",
            "channel": "phone",
            "summary": HOSTILE,
            "details": HOSTILE,
        },
    )
    acks.append(slack_text(slack, CLERK, "/case", f"new {HOSTILE}"))
    slack.wait_for(lambda: len(slack.messages("C0INTAKE")) == 2)
    cards = slack.messages("C0INTAKE")
    acks.append(slack_text(slack, MANAGER, "/approval", f"request expense 480 {HOSTILE}"))
    acks.append(slack_text(slack, MANAGER, "/ops", f"announce intake {HOSTILE}"))
    # The first case through to its review, and returned with the hostile reason.
    card = cards[0]
    handler = next(
        user for user in (CLERK, "U0LIUYANG", "U0CHENJING") if f"<@{user}>" in json.dumps(card.blocks)
    )
    desk.press(handler, "case.accept", where=card)
    desk.slack.wait_for(lambda: "Being handled" in json.dumps(slack.messages("C0INTAKE")[0].blocks))
    desk.fill(handler, "case.submit", {"result": HOSTILE}, where=slack.messages("C0INTAKE")[0])
    desk.slack.wait_for(lambda: "first-level review" in json.dumps(slack.messages("C0INTAKE")[0].blocks))
    desk.fill(LEADER, "case.review.return", {"reason": HOSTILE}, where=slack.messages("C0INTAKE")[0])
    slack.wait_for(lambda: [m for m in slack.dm(handler) if "returned" in m.text])
    slack.event({"type": "app_home_opened", "user": handler, "tab": "home", "channel": "D0H"})
    slack.wait_for(lambda: slack.home(handler))
    acks.append(
        slack_text(
            slack,
            handler,
            "/case",
            f"show {slack.messages('C0INTAKE')[0].blocks[0]['text']['text'].split()[0]}",
        )
    )
    running.delivered()

    texts = everything_sent(slack, acks)
    assert len(texts) > 30
    for text in texts:
        for token in LIVE + FORMATTED:
            assert token not in text, (token, text)
    shown = "\n".join(mrkdwn(text) for text in texts)
    assert shown.count(HOSTILE) >= 8  # each path shows the words as typed, `&lt;` included
    assert slack.errors == []


def test_a_mention_in_a_purpose_is_the_name_in_words_and_pings_no_one(running):
    slack = running.slack
    people = running.bot.center.people
    typed = "Lunch with @Sun Li for the team, tell @channel"
    sent = as_slack_sends("/approval", typed, people)
    assert "<@U0SUNLI|sun.li>" in sent and "<!channel>" in sent  # what Slack makes of it
    reply = slack.command(CLERK, "/approval", f"request expense 480 {sent}")
    assert reply.json["text"].startswith("Asked for APR-")
    card = slack.wait_for(lambda: slack.messages("C0APPROVALS"))[0]
    for text in [card.text, *mrkdwn_texts(card.blocks)]:
        assert "<@U0SUNLI" not in text and "<!channel>" not in text and "sun.li" not in text
    assert typed in mrkdwn(card.text)
    with running.db.reading() as session:
        from opsbot.approvals.models import ApprovalRequest

        assert session.query(ApprovalRequest).one().purpose == typed  # stored as the words typed
