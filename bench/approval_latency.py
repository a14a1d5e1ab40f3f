"""`/approval request`, an Approve click and `/approval list` with 50,000 approval requests and 10,000 steps
waiting, over real HTTP against the bare Bolt floor.

The database holds a center's year (bench/_seed.py): 100,000 cases (20,000 open) and 50,000 approval
requests, 10,000 of them pending; among those, Zheng Hao's expense claims from the last hour whose first step
waits for Wu Fang, one per click. opsbot and the floor are served by one waitress server through opsbot's
endpoint code, measured in alternating rounds at 1 and 8 clients (the client in a separate process), every
answer and every click's effect checked:

    /approval list                          as U0WUFANG (a group leader): what waits for her, her requests
    /approval request expense 480 <purpose> as U0ZHENGHAO: a new request, its chain, its cards
    Approve on an approver's card           as U0WUFANG: a signed block_actions payload (form-encoded
                                            `payload=<json>`, as Slack sends it) on a different waiting step
                                            each time, with a response_url the fake Slack honours

    python bench/approval_latency.py                  # SQLite file in a temp dir
    python bench/approval_latency.py --quick          # smoke run
    python bench/approval_latency.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_apr

With --database-url the database is EMPTIED (schema `public` dropped and recreated) and migrated.
"""

from __future__ import annotations

import sys

from _harness import BARE_ACK, Click, Expect, Outcome
from _rounds import Goal, Target
from _seed_approvals import APPROVER, CLAIMANT
from _served import Stage, arguments, floor_app
from sqlalchemy import select

from handlers.approvals.card import APPROVE
from opsbot.approvals.lifecycle import RequestState, StepState
from opsbot.approvals.models import ApprovalRequest, ApprovalStep
from opsbot.db import Database
from opsbot.outbox import Notification

REQUESTED = r"Asked for (?P<ref>APR-\d{4}-\d{6}); its card in your direct messages shows the chain\."
WAITING = r"\*Waiting for your decision\*\n• \*APR-\d{4}-\d{6}\*.+\n\*Your requests\*\n.+"
AUDIENCES = (
    "requester",
    "channel",
    "step:1:1",
)  # the request's cards: the requester's, the channel's, the approver's
SHORT_CLAIM = "request expense 480 Taxi to the client, visit {n}"


def requests_and_first_steps(db: Database, numbers: list[str]) -> list[tuple[ApprovalRequest, ApprovalStep]]:
    with db.reading() as session:
        rows = session.execute(
            select(ApprovalRequest, ApprovalStep)
            .join(ApprovalStep, ApprovalStep.request_id == ApprovalRequest.id)
            .where(ApprovalRequest.number.in_(numbers), ApprovalStep.round == 1, ApprovalStep.position == 1)
        )
        return [(request, step) for request, step in rows]


def outbox_keys(db: Database, keys: list[str]) -> set[str]:
    with db.reading() as session:
        found = session.scalars(
            select(Notification.idempotency_key).where(Notification.idempotency_key.in_(keys))
        )
        return set(found)


def request_target(db: Database) -> Target:
    """Each answer names a new pending request of the claimant, never named before, whose first step waits
    for his group leader and whose cards (his, the channel's, the approver's) are in the outbox."""
    numbered: set[str] = set()

    def verify(outcome: Outcome) -> list[str]:
        problems = [f"{ref} answered twice" for ref in outcome.captured if ref in numbered]
        numbered.update(outcome.captured)
        found = {r.number: (r, s) for r, s in requests_and_first_steps(db, outcome.captured)}
        cards = outbox_keys(
            db, [f"approval:{ref}:{a}:v{r.version}" for ref, (r, _s) in found.items() for a in AUDIENCES]
        )
        for ref in outcome.captured:
            if ref not in found:
                problems.append(f"{ref} is not in the database")
                continue
            request, step = found[ref]
            if request.state != RequestState.PENDING or request.requester != CLAIMANT:
                problems.append(f"{ref} is {request.state}, asked by {request.requester}")
            elif step.state != StepState.PENDING or step.approver != APPROVER:
                problems.append(f"{ref}'s first step is {step.state} for {step.approver}")
            elif not {f"approval:{ref}:{a}:v{request.version}" for a in AUDIENCES} <= cards:
                problems.append(f"{ref}'s cards are not in the outbox")
        return problems

    return Target(
        "/approval request (claim)",
        CLAIMANT,
        Expect(text=REQUESTED, capture="ref"),
        command="/approval",
        text=SHORT_CLAIM,
        verify=verify,
        goal=Goal(),
    )


def click_target(stage: Stage, db: Database, claims: list[str]) -> Target:
    """Each click on a different waiting claim; each must answer the bare ack AND have done what Approve
    does (a refusal also answers the bare ack, and tells the clicker through the response_url): step 1
    approved by the approver, the turn passed to step 2, the channel's card updated in the outbox, and no
    ephemeral told to the clicker."""
    handed = iter(claims)

    def clicks(n: int) -> list[Click]:
        numbers = [next(handed) for _ in range(n)]
        urls = stage.response_urls(APPROVER, n)
        # The card's button value names the request, the round and the step.
        return [Click(f"{number}:1:1", url) for number, url in zip(numbers, urls, strict=True)]

    told = [0]

    def verify(outcome: Outcome) -> list[str]:
        numbers = [value.split(":")[0] for value in outcome.answered]
        found = {r.number: (r, s) for r, s in requests_and_first_steps(db, numbers)}
        cards = outbox_keys(db, [f"approval:{n}:channel:v{r.version}" for n, (r, _s) in found.items()])
        problems = []
        for number in numbers:
            if number not in found:
                problems.append(f"{number} is not in the database")
                continue
            request, step = found[number]
            if step.state != StepState.APPROVED or step.decided_by != APPROVER:
                problems.append(f"{number}: step 1 is {step.state}, decided by {step.decided_by}")
            elif request.state != RequestState.PENDING or request.current_step != 2:
                problems.append(f"{number} is {request.state} at step {request.current_step}")
            elif f"approval:{number}:channel:v{request.version}" not in cards:
                problems.append(f"{number}: the channel's card is not updated in the outbox")
        ephemerals = stage.slack.ephemerals(APPROVER)
        problems += [f"the clicker was told “{m.text}”" for m in ephemerals[told[0] :]]
        told[0] = len(ephemerals)
        return problems

    return Target(
        "Approve click (waiting step)",
        APPROVER,
        BARE_ACK,
        action_id=APPROVE,
        clicks=clicks,
        verify=verify,
        goal=Goal(),
    )


def list_target() -> Target:
    expect = Expect(keys=("blocks", "response_type", "text"), text=WAITING)
    return Target("/approval list (approver)", APPROVER, expect, command="/approval", text="list")


def main(argv: list[str] | None = None) -> int:
    args = arguments(__doc__).parse_args(argv)
    with Stage(args.database_url, quick=args.quick, scale=args.scale, results=args.results) as stage:
        print(stage.header("Approval latency"), flush=True)
        seeded = stage.seed(claims=stage.plan.clicks())
        db = stage.build_bot().db
        targets: list[Target] = [list_target(), request_target(db), click_target(stage, db, seeded.claims)]
        with stage.serving(floor_app(stage.slack, commands=["/approval"], actions=[APPROVE])) as url:
            for target in targets:
                print(f"  {target.name} …", flush=True)
                stage.compare(target, url)
        for name, answer in stage.samples.items():
            print(f"  {name} answered “{answer}”")
        return stage.report("approval_latency", "Approval latency", targets)


if __name__ == "__main__":
    sys.exit(main())
