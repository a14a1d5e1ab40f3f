"""Each person's language at the edge: `/ops language zh|en|auto`, and the locale Slack has for them, asked
with `users.info` once (`include_locale`) and again when Slack says their profile changed (`user_change`)."""

from __future__ import annotations

import logging
import threading
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from handlers.blocks import Message
from handlers.catalogue import CommandHelp
from handlers.edge import Edge
from handlers.payloads import Command, UserChanged
from handlers.subcommands import Subcommand
from handlers.wording import w, words
from opsbot.clock import Clock
from opsbot.db import Database
from opsbot.languages import AUTO
from opsbot.notices import Notice, Term
from opsbot.people_languages import (
    choose_language,
    people_slack_has_not_been_asked_about,
    record_slack_locale,
)

log = logging.getLogger(__name__)

WORDS = words(
    w(
        "language.unknown",
        "opsbot speaks Chinese and English: type `/ops language zh`, `/ops language en`, or `/ops language "
        "auto` to follow your Slack language (`{typed}` is none of these).",
    ),
    w("language.chosen", "opsbot now writes to you in {language}."),
    w("language.following", "opsbot now follows your Slack language, else the center's: {language} for now."),
    w("language.current", "opsbot writes to you in {language}. {how}"),
    w("language.how", "Change it with `/ops language zh`, `/ops language en` or `/ops language auto`."),
    w("language.name.en", "English"),
    w("language.name.zh_CN", "Chinese (中文)"),
    w(
        "help.ops.language",
        "Choose the language opsbot writes to you in; `auto` follows your Slack language.",
    ),
)

HELP = (CommandHelp("/ops language [zh|en|auto]", "help.ops.language"),)


def language_subcommand(edge: Edge) -> Subcommand:
    def language(command: Command, rest: str) -> Message:
        user = command.user_id
        if not rest:
            edge.read(lambda _session, directory: directory.member(user))  # only for people of the center
            say = edge.say_to(user)
            return Message(text=say(current(say.locale)))
        locale = edge.change(
            command, lambda session, directory: choose_language(session, edge.context(directory, user), rest)
        )
        edge.forget_directory()  # the answer, and what follows, in the language just chosen
        say = edge.say_to(user)
        code = "language.following" if rest.strip().lower() in AUTO else "language.chosen"
        return Message(text=say(Notice.of(code, language=Term(f"language.name.{locale or say.locale}"))))

    return language


def current(locale: str) -> Notice:
    return Notice.of(
        "language.current", language=Term(f"language.name.{locale}"), how=Notice.of("language.how")
    )


# ---- Slack's locale for each person ----------------------------------------------------------------------


def ask_slack(client: WebClient, db: Database, clock: Clock, slack_id: str) -> bool:
    """Ask Slack for one person's locale and keep it; False when Slack could not say (asked again later)."""
    try:
        answer = client.users_info(user=slack_id, include_locale=True)
    except (OSError, SlackRequestError) as exc:  # Slack out of reach (or the process stopping under it)
        log.warning("Slack could not be asked for %s's language (%s); asked again later", slack_id, exc)
        return False
    except SlackApiError as exc:
        if exc.response.get("error") != "user_not_found":
            log.warning(
                "users.info for %s failed (%s); their language is asked for again later", slack_id, exc
            )
            return False
        tag = ""
    else:
        tag = str((answer.get("user") or {}).get("locale") or "")
    with db.transaction() as session:
        record_slack_locale(session, slack_id, tag, now=clock.now())
    return True


def ask_slack_for_locales(client: WebClient, db: Database, clock: Clock) -> int:
    """Ask Slack for the locale of each person it has not been asked about (at start-up, in the background);
    stops at the first failure, so an outage costs one call. Returns how many were kept."""
    with db.reading() as session:
        people = people_slack_has_not_been_asked_about(session)
    kept = 0
    for slack_id in people:
        if not ask_slack(client, db, clock, slack_id):
            break
        kept += 1
    if kept:
        log.info("languages: Slack's locale kept for %d person(s)", kept)
    return kept


def ask_slack_for_locales_meanwhile(client: WebClient, db: Database, clock: Clock) -> None:
    """`ask_slack_for_locales` in a thread of its own, so that start-up waits on no Slack call."""
    threading.Thread(
        target=ask_slack_for_locales, args=(client, db, clock), name="opsbot-languages", daemon=True
    ).start()


def register(app: App, edge: Edge) -> None:
    def acknowledge(ack: Ack) -> None:
        ack()

    def profile_changed(body: dict[str, Any], client: WebClient) -> None:
        changed = UserChanged.of(body["event"])
        if ask_slack(client, edge.db, edge.clock, changed.user.id):
            edge.forget_directory()
            edge.wake_delivery()

    app.event("user_change")(ack=acknowledge, lazy=[profile_changed])
