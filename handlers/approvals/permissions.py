"""Who may use each of `/approval`'s commands and the approval cards' buttons and forms: by the id Slack
sends (the command and its first word, a button's action_id, a form's callback_id), the permission its
service requires. `docs/permissions.md` has a row for each."""

from __future__ import annotations

from typing import Any

from handlers.approvals import card, commands, request_form
from handlers.forms import opens_form
from opsbot.approvals.permissions import ASKS, DECIDES_STEP, DELEGATES, IS_REQUESTER, MAY_SEE_REQUEST
from opsbot.permissions import ANYONE, IS_MEMBER, Permission

PERMISSIONS: dict[str, Permission[Any]] = {
    commands.COMMAND: ASKS,
    f"{commands.COMMAND} request": ASKS,
    # What waits for the person and their own requests: it refuses no one in the directory.
    f"{commands.COMMAND} list": IS_MEMBER,
    f"{commands.COMMAND} show": MAY_SEE_REQUEST,
    f"{commands.COMMAND} withdraw": IS_REQUESTER,
    f"{commands.COMMAND} resubmit": IS_REQUESTER,
    f"{commands.COMMAND} delegate": DELEGATES,
    request_form.FORM: ASKS,
    # Redraws the request form already open for the kind chosen in it: it changes nothing.
    "kind": ANYONE,
    card.APPROVE: DECIDES_STEP,
    **opens_form(card.DENY, DECIDES_STEP),
    **opens_form(card.RETURN, DECIDES_STEP),
    **opens_form(card.RESUBMIT, IS_REQUESTER),
}
