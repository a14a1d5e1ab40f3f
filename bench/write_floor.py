"""The write floor: what a request that makes one write transaction costs before any of opsbot's own work.

A bare Bolt app built like the floor (`process_before_response=True`, the same server, the same endpoint
code) whose `/case` listener opens one transaction through opsbot's own `Database` (its pool, its SQLite
pragmas: WAL, `synchronous=FULL`), inserts N single-row rows with SQLAlchemy Core, commits and acks. Measured
against the bare floor in alternating rounds at 1 and 8 clients, as the other benches measure opsbot, for
N = 1, 4, 8 and 16. A write command of opsbot's makes one such transaction of about ten statements (the
delivery key, the record, its timers, the audit row, the outbox rows), so these rows show how much of the
floor's requests/s any write can keep on this machine, whatever it does besides.

    python bench/write_floor.py                      # SQLite file in a temp dir
    python bench/write_floor.py --quick              # smoke run
    python bench/write_floor.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_floor

With --database-url the database is EMPTIED (schema `public` dropped and recreated) and migrated.
"""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime

from _harness import BARE_ACK
from _rounds import Target
from _served import SECRET, THREADS, TOKEN, Stage, arguments, by_path, floor_app
from slack_bolt import Ack, App
from slack_sdk import WebClient
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, insert

from handlers.web import EVENTS_PATH, WebServer, wsgi_app
from opsbot.db import Database

ROWS = (1, 4, 8, 16)
scratch = MetaData()
written = Table(
    "bench_write_floor",
    scratch,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime(timezone=True)),
    Column("body", String(400)),
)


def write_floor_app(stage: Stage, db: Database, rows: int) -> App:
    """The floor's app, whose listener first makes one transaction of `rows` single-row inserts."""
    app = App(
        client=WebClient(token=TOKEN, base_url=stage.slack.api_url),
        request_verification_enabled=False,
        process_before_response=True,
        logger=logging.getLogger("bench.write_floor"),
    )

    def write_then_ack(ack: Ack) -> None:
        with db.transaction() as session:
            for _ in range(rows):
                session.execute(insert(written).values(at=datetime.now(UTC), body="a case's summary " * 10))
        ack()

    app.command("/case")(write_then_ack)
    return app


def main(argv: list[str] | None = None) -> int:
    args = arguments(__doc__).parse_args(argv)
    with Stage(args.database_url, quick=args.quick, scale=args.scale, results=args.results) as stage:
        print(stage.header("Write floor"), flush=True)
        db = stage.build_bot().db
        scratch.create_all(db.engine)
        floor = wsgi_app(floor_app(stage.slack, commands=["/case"], actions=[]), db, signing_secret=SECRET)
        targets = []
        for rows in ROWS:
            writing = wsgi_app(write_floor_app(stage, db, rows), db, signing_secret=SECRET)
            server = WebServer(by_path(writing, floor), host="127.0.0.1", port=0, threads=THREADS)
            server.start()
            try:
                target = Target(
                    f"one transaction of {rows} insert(s)",
                    "U0CHENJING",
                    BARE_ACK,
                    command="/case",
                    text="new x {n}",
                )
                print(f"  {target.name} …", flush=True)
                stage.compare(target, server.url.removesuffix(EVENTS_PATH))
                targets.append(target)
            finally:
                server.stop()
        return stage.report("write_floor", "Write floor", targets)


if __name__ == "__main__":
    sys.exit(main())
