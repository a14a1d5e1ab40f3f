"""The approvals' sections of the App Home: the steps waiting for my decision, and my delegation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from handlers.approvals import card as approval_card
from handlers.blocks import actions, section
from handlers.mrkdwn import Mrkdwn, escape, md
from handlers.wording import Wording


def approvals_section(part: Mapping[str, Any], say: Wording) -> list[dict[str, Any]]:
    items = part["items"]
    if not items:
        return [section(Mrkdwn("*Approvals*\nNothing waits for your decision. ✓"))]
    blocks = [section(md("*Approvals waiting for your decision* ({count})", count=len(items)))]
    for item in items:
        blocks.append(
            section(
                md(
                    "*{number}* {purpose}{amount}\nfrom {requester} · step: {label}{standing_in}",
                    number=item["number"],
                    purpose=escape(item["purpose"]).cut(200),
                    amount=f" · {item['amount']}" if item["amount"] else "",
                    requester=item["requester_name"],
                    label=approval_card.said(item["label"], say),
                    standing_in=md(" (for {name})", name=item["for"]) if item["for"] else "",
                )
            )
        )
        # Items published before `returnable` was in the payload: Approve and Deny only.
        buttons = approval_card.decision_buttons(item["step"], returnable=item.get("returnable", False))
        blocks.append(actions(*buttons, block_id=f"home:{item['step']}"))
    return blocks


def delegation_section(part: Mapping[str, Any], say: Wording) -> list[dict[str, Any]]:
    lines = []
    if part["mine"]:
        lines.append(
            md(
                "*{name}* decides your approvals until {until} (the last day). `/approval delegate off` "
                "ends it now.",
                name=part["mine"]["name"],
                until=part["mine"]["until"],
            )
        )
    lines.extend(
        md("You decide *{name}*'s approvals until {until}.", name=other["name"], until=other["until"])
        for other in part["for_others"]
    )
    return [section(Mrkdwn("*Delegation*\n") + Mrkdwn("\n").join(lines))]


VIEWS = {"approvals": approvals_section, "delegation": delegation_section}
