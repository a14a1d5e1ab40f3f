"""The approvals' sections of the App Home: the steps waiting for my decision, and my delegation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from handlers.approvals import card as approval_card
from handlers.blocks import actions, section
from handlers.mrkdwn import Mrkdwn, escape
from handlers.wording import Wording
from opsbot.notices import Notice, Param, load_param


def approvals_section(part: Mapping[str, Any], say: Wording) -> list[dict[str, Any]]:
    items = part["items"]
    if not items:
        return [section(say.term("approval.home.none"))]
    blocks = [section(say(Notice.of("approval.home.waiting", count=len(items))))]
    for item in items:
        blocks.append(section(_item(item, say)))
        # Items published before `returnable` was in the payload: Approve and Deny only.
        returnable = item.get("returnable", False)
        buttons = approval_card.decision_buttons(item["step"], returnable=returnable, say=say)
        blocks.append(actions(*buttons, block_id=f"home:{item['step']}"))
    return blocks


def _item(item: Mapping[str, Any], say: Wording) -> Mrkdwn:
    """A step waiting for me: the request on one line, whose it is and which step on the next."""
    number, purpose = item["number"], escape(item["purpose"]).cut(200)
    request = (
        Notice.of(
            "approval.home.item.amount", number=number, purpose=purpose, amount=load_param(item["amount"])
        )
        if item["amount"]
        else Notice.of("approval.home.item", number=number, purpose=purpose)
    )
    where: dict[str, Param] = {
        "requester": item["requester_name"],
        "label": approval_card.said(item["label"], say),
    }
    step = (
        Notice.of("approval.home.step.for", **where, name=item["for"])
        if item["for"]
        else Notice.of("approval.home.step", **where)
    )
    return say(request) + Mrkdwn("\n") + say(step)


def delegation_section(part: Mapping[str, Any], say: Wording) -> list[dict[str, Any]]:
    lines = [say.term("approval.home.delegation")]
    if part["mine"]:
        mine = part["mine"]
        lines.append(say(Notice.of("approval.home.delegated", name=mine["name"], until=mine["until"])))
    lines.extend(
        say(Notice.of("approval.home.delegated_to_me", name=other["name"], until=other["until"]))
        for other in part["for_others"]
    )
    return [section(Mrkdwn("\n").join(lines))]


VIEWS = {"approvals": approvals_section, "delegation": delegation_section}
