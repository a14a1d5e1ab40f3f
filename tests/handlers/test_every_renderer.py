"""People's text that tries to ping, link or format, through every renderer the registry has: each
workflow's cards, lines and prompts, the deadline digest and the App Home, from payloads the real core queued
(or composed) for subjects holding that text. No live token and no formatting from it reaches Slack, and it
reads as typed."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from handlers.app import renderers, wording
from opsbot.deadline_digests import DIGEST, send_digests
from opsbot.deadline_sweep import sweep_deadlines
from opsbot.directory import load_directory
from opsbot.home import KIND as HOME
from opsbot.home import my_work
from opsbot.languages import LOCALES
from opsbot.outbox import Notification
from opsbot.registry import WORKFLOWS
from tests.handlers import test_announcements_renderers, test_approvals_renderers, test_cases_renderers
from tests.hostile import HOSTILE, assert_inert, assert_shows_hostile, message_texts

WORKFLOW_PAYLOADS = (test_cases_renderers, test_approvals_renderers, test_announcements_renderers)


def kernel_payloads(db: Any, center: Any, clock: Any) -> dict[str, list[dict[str, Any]]]:
    """The digests a sweep long after sends about the hostile subjects, and everyone's App Home."""
    later = clock.now() + timedelta(days=30)
    sweep_deadlines(db, later, center, WORKFLOWS.deadlines)
    send_digests(db, later)
    settings = WORKFLOWS.home_settings(center)
    with db.reading() as session:
        digests = list(session.scalars(select(Notification.payload).where(Notification.kind == DIGEST)))
        directory = load_directory(session)
        homes = [
            my_work(session, directory, person.slack_id, later, settings, WORKFLOWS.home)
            for person in center.people
        ]
    hostile = [payload for payload in digests + homes if HOSTILE in json.dumps(payload, ensure_ascii=False)]
    return {DIGEST: [p for p in hostile if "notices" in p], HOME: [p for p in hostile if "sections" in p]}


@pytest.mark.parametrize("locale", LOCALES)
def test_every_renderer_shows_people_s_words_as_typed_and_nothing_of_them_live(db, center, clock, locale):
    """In each language: the blocks are built by slack_sdk's models, which refuse what Slack would (a text
    over its limit, too many blocks), so every renderer's output is also valid Block Kit in both."""
    found: dict[str, list[dict[str, Any]]] = {}
    for module in WORKFLOW_PAYLOADS:
        for kind, payloads in module.hostile_payloads(db, center, clock).items():
            found.setdefault(kind, []).extend(payloads)
    for kind, payloads in kernel_payloads(db, center, clock).items():
        found.setdefault(kind, []).extend(payloads)
    rendering = renderers(wording(center.calendar.zone, locale=locale))
    assert sorted(rendering) == sorted(found), "a renderer has no payload with the hostile text to try"
    for kind, render in rendering.items():
        assert found[kind], f"no payload of {kind} holds the hostile text"
        texts = [message_texts(render(payload)) for payload in found[kind]]
        for each in texts:
            assert_inert(each)  # a list may cut the text short; whatever of it is shown is inert
        assert_shows_hostile([text for each in texts for text in each])
