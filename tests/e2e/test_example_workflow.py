"""A workflow that exists only in the tests (`tests/example_workflow`) registered through the registry, with
no edit outside its own files: its section of the center file is required and read, its command answers
through the real endpoint, its card is rendered and posted, its deadline is swept and reminds, its App Home
section shows, and `/ops help` lists it. Without it registered, the shipped opsbot refuses its section."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

import bot
from console.typed import as_slack_sends
from fakeslack import FakeSlack
from handlers.registry import BUILT_IN
from opsbot.center_file import CenterFileError
from opsbot.registry import load_center
from opsbot.settings import EXAMPLE_CENTER
from opsbot.sweeps import run_due_sweeps
from tests.e2e.conftest import Running, fake_slack_for, run_bot, settings_for
from tests.example_workflow import core
from tests.example_workflow import slack as ticket_slack
from tests.hostile import HOSTILE, assert_shows_hostile, message_texts

CLERK = "U0ZHENGHAO"
TICKETS = "C0TICKETS"
WITH_TICKETS = BUILT_IN.added(core.WORKFLOW, ticket_slack.WORKFLOW)


@pytest.fixture
def center_file(tmp_path: Path) -> Path:
    text = EXAMPLE_CENTER.read_text(encoding="utf-8").replace(
        "  leadership: C0LEADERS\n", f"  leadership: C0LEADERS\n  tickets: {TICKETS}\n"
    )
    path = tmp_path / "center.yaml"
    path.write_text(text + "\ntickets:\n  answer_hours: 2\n", encoding="utf-8")
    return path


@pytest.fixture
def with_tickets(center_file: Path, database_url: str, clock) -> Iterator[Running]:
    center = load_center(center_file, WITH_TICKETS.core)
    fake: FakeSlack = fake_slack_for(center)
    fake.start()
    settings = settings_for(fake, database_url, config_path=center_file)
    try:
        for running in run_bot(fake, database_url, center, clock, settings=settings, workflows=WITH_TICKETS):
            core.Base.metadata.create_all(running.db.engine)
            yield running
            core.Base.metadata.drop_all(running.db.engine)
    finally:
        fake.stop()


def test_the_shipped_opsbot_refuses_a_section_no_workflow_brings(center_file):
    with pytest.raises(CenterFileError) as refused:
        load_center(center_file)
    assert any(problem.startswith("tickets: ") for problem in refused.value.problems)


def test_its_section_and_channel_are_required_once_it_is_registered(center_file):
    without_section = center_file.read_text(encoding="utf-8").replace("\ntickets:\n  answer_hours: 2\n", "")
    center_file.write_text(without_section.replace(f"  tickets: {TICKETS}\n", ""), encoding="utf-8")
    with pytest.raises(CenterFileError) as refused:
        load_center(center_file, WITH_TICKETS.core)
    assert set(refused.value.problems) >= {"tickets: Field required", "channels.tickets: Field required"}


def test_a_ticket_is_opened_carded_swept_shown_and_helped(with_tickets, clock):
    slack = with_tickets.slack
    reply = slack.command(CLERK, "/ticket", as_slack_sends("/ticket", f"Printer down {HOSTILE}"))
    assert reply.status == 200, reply.body
    assert reply.json["text"].startswith("Opened TKT-2026-000001: Printer down ")
    assert_shows_hostile([reply.json["text"]])
    slack.wait_for(lambda: len(slack.messages(TICKETS)) == 1)
    (posted,) = slack.messages(TICKETS)
    assert_shows_hostile(message_texts(posted))

    # Two business hours later the answer is due: the sweep reminds the owner, in the kernel's digest.
    clock.advance(timedelta(hours=3))
    run_due_sweeps(with_tickets.db, bot.sweeps_for(with_tickets.bot.center, WITH_TICKETS.core), clock)
    with_tickets.delivered()
    reminders = [m for m in slack.dm(CLERK) if "TKT-2026-000001" in m.text]
    assert len(reminders) == 1 and "the answer is due" in reminders[0].text

    slack.event({"type": "app_home_opened", "user": CLERK, "channel": f"D0{CLERK}", "tab": "home"})
    slack.wait_for(lambda: (home := slack.home(CLERK)) is not None and "TKT-2026-000001" in str(home.blocks))

    help_text = slack.command(CLERK, "/ops", "help").json["text"]
    assert "/ticket &lt;title&gt;" in help_text
