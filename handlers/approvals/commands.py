"""`/approval`: the request form, quick requests, the lists, delegation, withdrawing and resubmitting."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.models.blocks import DatePickerElement, InputBlock, NumberInputElement

from handlers.approvals.actions import clerk
from handlers.approvals.card import chain_lines, request_facts
from handlers.blocks import Message, escape, select_input, slack_time, text_input
from handlers.catalogue import CommandHelp, unknown_subcommand
from handlers.edge import Edge
from opsbot.approvals import cards, queries, service
from opsbot.approvals.chains import MAX_AMOUNT, too_large
from opsbot.approvals.policy import FIELD_LABELS
from opsbot.errors import InvalidInput

COMMAND = "/approval"
FORM = "approval.request"
HELP = (
    CommandHelp("/approval", "Ask for an approval: opens the form (kind first, then its fields)."),
    CommandHelp("/approval request <kind> <amount> <purpose>", "Ask at once, for kinds with an amount."),
    CommandHelp("/approval list", "What waits for your decision, and your own requests."),
    CommandHelp("/approval show APR-2026-000045", "A request with its chain and every decision."),
    CommandHelp(
        "/approval delegate @person until 2026-12-24", "Let someone decide for you while you are away."
    ),
    CommandHelp("/approval withdraw APR-…", "Withdraw your request before the final decision."),
    CommandHelp(
        "/approval resubmit APR-… [amount] [new purpose]",
        "Resubmit a request returned for correction, correcting its purpose and (kinds with an amount) "
        "its amount.",
    ),
)
MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
# Digits, with thousands commas every three digits or none, and at most two decimals: 48000, 48,000, 48000.50.
AMOUNT = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,2})?")
# A word that reads as an attempt at an amount (a resubmission's leading correction), right or wrong.
AMOUNT_LIKE = re.compile(r"[-+.]?\d")


def amount_of(text: str) -> Decimal:
    """An amount as people write it. Decimal alone would also take 1e10, 1_000 and 1,2,3 (commas dropped):
    those are refused, as is anything above what the database records."""
    text = text.strip()
    if not AMOUNT.fullmatch(text):
        raise InvalidInput(
            f"`{escape(text)}` is not an amount; write digits with at most two decimals, like 48000, 48,000 "
            "or 48000.50.",
            field="amount",
        )
    value = Decimal(text.replace(",", ""))
    if value <= 0:
        raise InvalidInput(f"`{text}` is not an amount; give a positive number.", field="amount")
    if value > MAX_AMOUNT:
        raise InvalidInput(too_large(text), field="amount")
    return value


def correction_of(text: str, *, takes_amount: bool) -> tuple[Decimal | None, str | None]:
    """What `/approval resubmit APR-… [amount] [new purpose]` corrects: for a kind with an amount, a leading
    word that reads as a number is the new amount; the rest is the new purpose. None for what stays."""
    words = text.split(None, 1)
    if takes_amount and words and AMOUNT_LIKE.match(words[0]):
        return amount_of(words[0]), words[1].strip() if len(words) > 1 else None
    return None, text.strip() or None


def request_view(edge: Edge, kind_key: str | None = None) -> dict[str, Any]:
    settings = edge.center.approvals
    kind = settings.kind(kind_key) if kind_key else settings.kinds[0]
    choice = select_input("kind", "Kind", [(k.key, k.name) for k in settings.kinds], initial=kind.key)
    blocks = [
        {**choice, "dispatch_action": True},
        text_input("purpose", "Purpose", multiline=True, max_length=service.MAX_PURPOSE),
    ]
    for name in kind.fields:
        if name == "amount":
            blocks.append(
                InputBlock(
                    block_id="amount",
                    label=f"Amount ({settings.currency})",
                    element=NumberInputElement(
                        action_id="amount",
                        is_decimal_allowed=True,
                        min_value="0.01",
                        max_value=str(MAX_AMOUNT),
                    ),
                ).to_dict()
            )
        elif name in ("start_date", "end_date", "deadline"):
            label = FIELD_LABELS[name]
            blocks.append(
                InputBlock(block_id=name, label=label, element=DatePickerElement(action_id=name)).to_dict()
            )
        elif name == "target_unit":
            units = [(unit.key, unit.name) for unit, _parent in edge.center.all_units()]
            blocks.append(select_input("target_unit", FIELD_LABELS[name], units))
        elif name == "details":
            blocks.append(
                {
                    **text_input("details", FIELD_LABELS[name], multiline=True, max_length=3000),
                    "optional": True,
                }
            )
    return {
        "type": "modal",
        "callback_id": FORM,
        "title": {"type": "plain_text", "text": "Ask for approval"},
        "submit": {"type": "plain_text", "text": "Submit"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": blocks,
    }


def form_request(values: dict[str, Any]) -> dict[str, Any]:
    """The form's values as the service takes them."""
    found: dict[str, Any] = {}
    for block_id, elements in values.items():
        element = elements.get(block_id, {})
        if "selected_option" in element:
            found[block_id] = (element["selected_option"] or {}).get("value")
        elif "selected_date" in element:
            found[block_id] = (
                date.fromisoformat(element["selected_date"]) if element["selected_date"] else None
            )
        else:
            found[block_id] = element.get("value")
    kind = found.pop("kind")
    purpose = found.pop("purpose") or ""
    amount = amount_of(found.pop("amount")) if found.get("amount") else None
    found.pop("amount", None)
    if found.get("start_date") and found.get("end_date") and found["end_date"] < found["start_date"]:
        raise InvalidInput("The last day comes before the first.", field="end_date")
    return {
        "kind_key": kind,
        "purpose": purpose,
        "amount": amount,
        "fields": {k: v for k, v in found.items() if v},
    }


def listing(edge: Edge, user: str) -> Message:
    found = edge.read(lambda session, directory: queries.listing(session, clerk(edge, directory, user)))
    lines = ["*Waiting for your decision*"]
    lines += [
        f"• *{r.number}* {escape(r.purpose[:80])} — step {s.position} ({escape(s.label)}), since "
        f"{slack_time(s.waiting_since)}"
        for r, s in found.waiting
    ] or ["Nothing. ✓"]
    lines.append("*Your requests*")
    lines += [f"• *{r.number}* {escape(r.purpose[:80])} — {r.state}" for r in found.mine] or ["None yet."]
    return Message(text="\n".join(lines))


def showing(edge: Edge, user: str, number: str) -> Message:
    def read(session: Any, directory: Any) -> Message:
        shown = queries.show(session, clerk(edge, directory, user), number)
        payload = cards.card_payload(shown.request, shown.steps, clerk(edge, directory, user))
        history = [
            f"{slack_time(e.at)} · {escape(directory.name_of(e.actor))} · "
            f"{e.action.removeprefix('approval.')}"
            + (f" — “{escape(e.after['reason'])}”" if e.after and e.after.get("reason") else "")
            for e in shown.history
        ]
        facts = [f"*{label}*: {escape(value)}" for label, value in request_facts(payload)]
        text = (
            f"*{payload['number']}* {payload['kind']} by {escape(payload['requester_name'])}: "
            f"{escape(payload['purpose'])}"
            + (f" ({payload['amount']})" if payload["amount"] else "")
            + f" — *{payload['state']}*\n"
            + "".join(f"{line}\n" for line in facts)
            + f"{chain_lines(payload['steps'])}\n*History*\n"
            + "\n".join(history)
        )
        return Message(text=text)

    return edge.read(read)


def resubmitting(edge: Edge, body: dict[str, Any], number: str, correction: str) -> Message:
    """`/approval resubmit APR-… [amount] [new purpose]`. Whether a leading number is an amount depends on
    the request's kind, read first (a request's kind never changes, so a separate read is safe)."""
    user = body["user_id"]
    takes_amount = edge.read(lambda s, _d: queries.kind_of(s, edge.center.approvals, number).has_amount)
    amount, purpose = correction_of(correction, takes_amount=takes_amount)
    request = edge.change(
        body,
        lambda s, d: service.resubmit(s, clerk(edge, d, user), number, purpose=purpose, amount=amount),
    )
    corrected = f" with the amount {request.amount:,.2f} {request.currency}" if amount is not None else ""
    return Message(text=f"{request.number} is resubmitted{corrected}; the chain starts again.")


def date_of(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"`{escape(text)}` is not a date; give the last day you are away, like 2026-12-24."
        ) from None


def register(app: App, edge: Edge) -> None:
    def subcommand(edge: Edge, body: dict[str, Any], sub: str, rest: str) -> Message:
        user = body["user_id"]
        words = rest.split()
        if sub == "request":
            asked = edge.center.approvals.kind(words[0]) if words else None
            if asked is not None and not asked.has_amount:
                name = asked.name
                raise InvalidInput(
                    f"{name} is asked for with the form, which asks for what it needs: type `/approval` "
                    f"and choose {name}."
                )
            if len(words) < 3:
                raise InvalidInput(
                    "Type `/approval request &lt;kind&gt; &lt;amount&gt; &lt;purpose&gt;`, e.g. "
                    "`/approval request expense 480 Taxi to the client`."
                )
            kind, amount, purpose = words[0], amount_of(words[1]), rest.split(None, 2)[2]
            request = edge.change(
                body,
                lambda s, d: service.request_approval(
                    s, clerk(edge, d, user), kind_key=kind, purpose=purpose, amount=amount
                ),
            )
            return Message(
                text=f"Asked for {request.number}; its card in your direct messages shows the chain."
            )
        if sub == "list":
            return listing(edge, user)
        if sub == "show" and words:
            return showing(edge, user, words[0])
        if sub == "withdraw" and words:
            request = edge.change(body, lambda s, d: service.withdraw(s, clerk(edge, d, user), words[0]))
            return Message(text=f"{request.number} is withdrawn.")
        if sub == "resubmit" and words:
            return resubmitting(edge, body, words[0], rest.partition(" ")[2])
        if sub == "delegate":
            who, _, until_text = rest.strip().partition(" until ")
            mention = MENTION.match(who.strip())
            if mention is None:
                raise InvalidInput(
                    f"Who decides for you? Mention them with @ (you typed `{escape(who.strip())}`): "
                    "`/approval delegate @person until 2026-12-24`."
                    if who.strip()
                    else "Type `/approval delegate @person until 2026-12-24`."
                )
            if not until_text.strip():
                raise InvalidInput("Until when? Type `/approval delegate @person until 2026-12-24`.")
            until = date_of(until_text.strip())
            edge.change(
                body, lambda s, d: service.delegate(s, clerk(edge, d, user), to=mention.group(1), until=until)
            )
            return Message(text=f"Until {until:%Y-%m-%d}, <@{mention.group(1)}> may decide your approvals.")
        raise unknown_subcommand(
            "/approval",
            sub,
            ("request", "list", "show", "withdraw", "resubmit", "delegate"),
            also="Type `/approval` alone for the request form; ",
        )

    def answer(ack: Ack, body: dict[str, Any]) -> None:
        sub, _, rest = body.get("text", "").strip().partition(" ")
        reply = subcommand(edge, body, sub.lower(), rest.strip())
        ack(text=reply.text, blocks=reply.blocks or None, response_type="ephemeral")

    def ack_form(ack: Ack, body: dict[str, Any]) -> None:
        edge.read(lambda _session, directory: directory.member(body["user_id"]))
        ack()

    def open_form(client: WebClient, body: dict[str, Any]) -> None:
        if edge.read(lambda _session, directory: directory.get(body["user_id"])) is not None:
            client.views_open(trigger_id=body["trigger_id"], view=request_view(edge))

    def redraw(client: WebClient, body: dict[str, Any]) -> None:
        view = body["view"]
        client.views_update(
            view_id=view["id"],
            hash=view["hash"],
            view=request_view(edge, body["actions"][0]["selected_option"]["value"]),
        )

    @app.view(FORM)
    def submitted(ack: Ack, body: dict[str, Any]) -> None:
        asked = form_request(body["view"]["state"]["values"])
        user = body["user"]["id"]
        request = edge.change(body, lambda s, d: service.request_approval(s, clerk(edge, d, user), **asked))
        done = {
            "type": "modal",
            "title": {"type": "plain_text", "text": "Ask for approval"},
            "close": {"type": "plain_text", "text": "Done"},
            "blocks": [
                {
                    "type": "section",
                    "text": {
                        "type": "mrkdwn",
                        "text": f"Asked for *{request.number}*. Its card in your direct messages shows "
                        "the chain.",
                    },
                }
            ],
        }
        ack(response_action="update", view=done)

    app.command(COMMAND, matchers=[lambda body: not body.get("text", "").strip()])(
        ack=ack_form, lazy=[open_form]
    )
    app.command(COMMAND)(answer)
    app.action("kind")(ack=lambda ack: ack(), lazy=[redraw])
