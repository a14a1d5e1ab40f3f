"""Who may use each of `/case`'s commands and the case card's buttons and forms: by the id Slack sends (the
command and its first word, a button's action_id, a form's callback_id), the permission its service
requires. `docs/permissions.md` has a row for each."""

from __future__ import annotations

from typing import Any

from handlers.cases import card, commands, queries
from handlers.forms import opens_form
from opsbot.cases.permissions import (
    COMPLETES_DETAILS,
    FOLLOWS_UP,
    JOINT_REVIEWER,
    MAY_SEE_CASE,
    MAY_SEE_CASE_FIGURES,
    PICKS_HANDLER,
    RECORDS_SUPPLEMENT,
    REVIEWS_LEVEL,
    TAKES_CASE,
    TAKES_IN_CASES,
    TELLS_CUSTOMER,
    WORKS_ON_CASE,
)
from opsbot.permissions import ANYONE, IS_MEMBER, Permission

PERMISSIONS: dict[str, Permission[Any]] = {
    commands.COMMAND: TAKES_IN_CASES,
    f"{commands.COMMAND} new": TAKES_IN_CASES,
    # The lists show what the person may see (`MAY_SEE_CASE`), and refuse no one in the directory.
    f"{commands.COMMAND} list": IS_MEMBER,
    f"{commands.COMMAND} show": MAY_SEE_CASE,
    f"{commands.COMMAND} stats": MAY_SEE_CASE_FIGURES,
    commands.INTAKE_FORM: TAKES_IN_CASES,
    # Redraws a form already open (for the type chosen in it): it changes nothing and reveals nothing.
    commands.TYPE_KEY: ANYONE,
    queries.PREVIOUS: IS_MEMBER,
    queries.NEXT: IS_MEMBER,
    card.TAKE: TAKES_CASE,
    card.PICK: PICKS_HANDLER,
    card.ACCEPT: WORKS_ON_CASE,
    card.AGREE: JOINT_REVIEWER,
    card.PASS: REVIEWS_LEVEL,
    **opens_form(card.REJECT, WORKS_ON_CASE),
    **opens_form(card.JOINT, WORKS_ON_CASE),
    **opens_form(card.DISAGREE, JOINT_REVIEWER),
    **opens_form(card.PROGRESS, WORKS_ON_CASE),
    **opens_form(card.SUBMIT, WORKS_ON_CASE),
    **opens_form(card.RETURN, REVIEWS_LEVEL),
    **opens_form(card.REPLIED, WORKS_ON_CASE),
    **opens_form(card.INFORMED, TELLS_CUSTOMER),
    **opens_form(card.SATISFACTION, FOLLOWS_UP),
    **opens_form(card.SUPPLEMENT, RECORDS_SUPPLEMENT),
    **opens_form(card.COMPLETE, COMPLETES_DETAILS),
}
