"""`/ops help` and `/ops announce` over real HTTP against the bare Bolt floor, on a center's year of data.

What opsbot's edge costs on top of Bolt: `/ops help` does no database work, `/ops announce` one transaction
(the redelivery key, the number counter, the announcement, its audit row and its card in the outbox). The
database holds a center's year (bench/_seed.py); opsbot and the floor are served by one waitress server
through opsbot's endpoint code, measured in alternating rounds at 1 and 8 clients (the client in a separate
process), every answer checked:

    /ops help                          as U0SUNLI: the list of every command, as opsbot builds it
    /ops announce leadership <text>    as U0SUNLI (a manager, who may announce): ANN-… posted

    python bench/edge_latency.py                      # SQLite file in a temp dir
    python bench/edge_latency.py --quick              # smoke run
    python bench/edge_latency.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_edge

With --database-url the database is EMPTIED (schema `public` dropped and recreated) and migrated.
"""

from __future__ import annotations

import re
import sys
from datetime import UTC

from _harness import Expect, Outcome
from _rounds import Goal, Target
from _served import Stage, arguments, floor_app
from sqlalchemy import select

from handlers.app import command_help, wording
from handlers.catalogue import help_message
from opsbot.announcements.models import Announcement
from opsbot.db import Database
from opsbot.outbox import Notification

MANAGER = "U0SUNLI"  # Sun Li, manager of the business unit in examples/center.yaml: may announce
POSTED = r"Posted (?P<ref>ANN-\d{4}-\d{6}) to <#C0LEADERS>\. Staff can mark it as read on the card\."
ANNOUNCE = "announce leadership Bench announcement {n}: the quarterly review moves to Thursday at 15:00."


def help_target() -> Target:
    expect = Expect(
        keys=("blocks", "response_type", "text"),
        text=re.escape(help_message(command_help(), wording(UTC)).text),  # the center's words: English
    )
    return Target("/ops help", MANAGER, expect, command="/ops", text="help")


def announce_target(db: Database) -> Target:
    """Each answer names a new announcement, never named before, in the database with its card in the
    outbox."""
    numbered: set[str] = set()

    def verify(outcome: Outcome) -> list[str]:
        problems = [f"{ref} answered twice" for ref in outcome.captured if ref in numbered]
        numbered.update(outcome.captured)
        with db.reading() as session:
            rows = set(
                session.scalars(select(Announcement.number).where(Announcement.number.in_(outcome.captured)))
            )
            cards = set(
                session.scalars(
                    select(Notification.message_key).where(
                        Notification.message_key.in_([f"announcement:{ref}" for ref in outcome.captured])
                    )
                )
            )
        problems += [f"{ref} is not in the database" for ref in outcome.captured if ref not in rows]
        problems += [
            f"{ref} has no card in the outbox"
            for ref in outcome.captured
            if f"announcement:{ref}" not in cards
        ]
        return problems

    return Target(
        "/ops announce",
        MANAGER,
        Expect(text=POSTED, capture="ref"),
        command="/ops",
        text=ANNOUNCE,
        verify=verify,
        goal=Goal(),
    )


def main(argv: list[str] | None = None) -> int:
    args = arguments(__doc__).parse_args(argv)
    with Stage(args.database_url, quick=args.quick, scale=args.scale, results=args.results) as stage:
        print(stage.header("Edge latency"), flush=True)
        stage.seed()
        db = stage.build_bot().db
        targets = [help_target(), announce_target(db)]
        with stage.serving(floor_app(stage.slack, commands=["/ops"], actions=[])) as url:
            for target in targets:
                print(f"  {target.name} …", flush=True)
                stage.compare(target, url)
        for name, answer in stage.samples.items():
            print(f"  {name} answered “{answer[:120]}”")
        return stage.report("edge_latency", "Edge latency", targets)


if __name__ == "__main__":
    sys.exit(main())
