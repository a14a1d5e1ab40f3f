import threading
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from opsbot import deliveries, outbox
from opsbot.home import serve_homes
from opsbot.outbox import Notification, Status
from opsbot.registry import WORKFLOWS
from tests.conftest import ON_POSTGRES

LEASE = timedelta(seconds=30)


@pytest.fixture(autouse=True)
def homes_composed_on_delivery() -> None:
    """As a process starts: Home rows are composed, with the workflows' sections, on delivery."""
    serve_homes(WORKFLOWS.home)


def add(db, clock, to, key, **extra):
    with db.transaction() as session:
        return outbox.notify(
            session, now=clock.now(), to=to, kind="test", payload={"n": key}, key=key, **extra
        )


def claim(db, clock, **extra):
    """Claim as a worker does, then compose what is composed on delivery, after the claim committed."""
    with db.transaction() as session:
        claims = deliveries.claim_due(session, now=clock.now(), lease=LEASE, **extra)
    with db.reading() as session:
        return [
            deliveries.compose(session, c, now=clock.now()) if deliveries.composed_on_delivery(c.kind) else c
            for c in claims
        ]


def statuses(db):
    with db.reading() as session:
        return list(session.scalars(select(Notification.status).order_by(Notification.id)))


def test_the_same_idempotency_key_is_recorded_once(db, clock):
    assert add(db, clock, "C1", "k1")
    assert not add(db, clock, "C1", "k1")


def test_one_row_per_channel_at_a_time_in_order(db, clock):
    for key, channel in [("a1", "C1"), ("b1", "C2"), ("a2", "C1")]:
        add(db, clock, channel, key)
    first = claim(db, clock)
    assert [c.payload["n"] for c in first] == ["a1", "b1"]
    assert claim(db, clock) == []  # a1 is being sent: a2 waits behind it
    with db.transaction() as session:
        deliveries.mark_sent(session, first[0], now=clock.now(), channel="C1", ts="1.1")
    assert [c.payload["n"] for c in claim(db, clock)] == ["a2"]


def test_a_lapsed_lease_is_claimed_again_as_a_retry(db, clock):
    add(db, clock, "C1", "a1")
    (first,) = claim(db, clock)
    assert not first.is_retry
    clock.advance(LEASE + timedelta(seconds=1))
    (again,) = claim(db, clock)
    assert again.id == first.id and again.is_retry


def test_retries_back_off_and_end_in_failure(db, clock):
    add(db, clock, "C1", "a1")
    for attempt in range(1, deliveries.MAX_ATTEMPTS + 1):
        (row,) = claim(db, clock)
        assert row.attempts == attempt
        with db.transaction() as session:
            status = deliveries.mark_retry(session, row, now=clock.now(), error="slack answered 503")
        if attempt < deliveries.MAX_ATTEMPTS:
            assert status is Status.PENDING
            assert claim(db, clock) == []  # not due yet
            clock.advance(timedelta(minutes=6))
    assert status is Status.FAILED
    with db.reading() as session:
        row = session.scalars(select(Notification)).one()
    assert row.status == Status.FAILED and "gave up after" in row.last_error


def test_paced_channels_are_skipped(db, clock):
    add(db, clock, "C1", "a1")
    add(db, clock, "C2", "b1")
    assert [c.channel for c in claim(db, clock, skip_channels=frozenset({"C1"}))] == ["C2"]


def test_concurrent_claimers_never_share_a_row(db, clock):
    for n in range(60):
        add(db, clock, f"C{n % 30}", f"k{n}")
    claimed: list[int] = []
    start = threading.Barrier(6)

    def worker():
        start.wait()
        for _ in range(20):
            for row in claim(db, clock, limit=5):
                claimed.append(row.id)
                with db.transaction() as session:
                    deliveries.mark_sent(session, row, now=clock.now(), channel=row.channel, ts="1.0")

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(claimed) == list(range(1, 61))


def test_a_claim_taken_over_can_neither_renew_nor_mark(db, clock):
    add(db, clock, "C1", "a1")
    (lapsed,) = claim(db, clock)
    clock.advance(LEASE + timedelta(seconds=1))
    (taker,) = claim(db, clock)  # another worker, once the first one's lease ran out
    assert taker.id == lapsed.id and taker.token != lapsed.token
    steps = [
        lambda session: deliveries.renew(session, lapsed, now=clock.now(), lease=LEASE),
        lambda session: deliveries.mark_sent(session, lapsed, now=clock.now(), channel="C1", ts="1.1"),
        lambda session: deliveries.mark_retry(session, lapsed, now=clock.now(), error="slack answered 503"),
        lambda session: deliveries.mark_failed(session, lapsed, error="refused"),
        lambda session: deliveries.release(session, lapsed, now=clock.now()),
    ]
    for step in steps:
        with pytest.raises(deliveries.LeaseLost), db.transaction() as session:
            step(session)
    with db.reading() as session:
        row = session.scalars(select(Notification)).one()
    assert (row.status, row.lease_token, row.attempts) == (Status.SENDING, taker.token, 2)
    with db.transaction() as session:
        deliveries.mark_sent(session, taker, now=clock.now(), channel="C1", ts="1.1")
    assert statuses(db) == [Status.SENT]


def test_a_renewed_lease_is_not_taken_over(db, clock):
    add(db, clock, "C1", "a1")
    (held,) = claim(db, clock)
    clock.advance(LEASE - timedelta(seconds=1))
    with db.transaction() as session:
        deliveries.renew(session, held, now=clock.now(), lease=LEASE)
    clock.advance(timedelta(seconds=2))  # past the first lease, within the renewed one
    assert claim(db, clock) == []
    clock.advance(LEASE)
    (taker,) = claim(db, clock)
    assert taker.is_retry and taker.token != held.token


def test_a_lapsed_lease_is_still_the_claims_until_another_worker_claims_the_row(db, clock):
    add(db, clock, "C1", "a1")
    (slow,) = claim(db, clock)
    clock.advance(LEASE * 2)
    with db.transaction() as session:
        deliveries.renew(session, slow, now=clock.now(), lease=LEASE)
    assert claim(db, clock) == []


def test_a_change_queues_one_home_for_each_person_who_opened_theirs_in_one_statement(loaded, center, clock):
    leader, manager, never = "U0WUFANG", "U0SUNLI", "U0ZHENGHAO"
    settings = WORKFLOWS.home_settings(center).stored()
    with loaded.transaction() as session:
        for person in (leader, manager):
            outbox.home_opened(session, person, now=clock.now(), settings=settings)
    for opened in claim(loaded, clock):  # the Homes published on opening
        with loaded.transaction() as session:
            deliveries.mark_sent(session, opened, now=clock.now(), channel=opened.channel, ts=None)
    statements = []
    with loaded.transaction() as session:
        event.listen(session.connection(), "before_cursor_execute", lambda *args: statements.append(args[2]))
        for _ in range(5):
            outbox.republish_homes(session, [leader, never], now=clock.now())
    assert len(statements) == 5  # one statement a change
    with loaded.transaction() as session:
        outbox.republish_homes(session, None, now=clock.now())  # everyone's
    homes = [c for c in claim(loaded, clock) if c.method == outbox.Method.HOME]
    # One each, and none for who never opened theirs.
    assert sorted(c.channel for c in homes) == sorted([leader, manager])
    assert {c.channel: c.payload["name"] for c in homes} == {leader: "Wu Fang", manager: "Sun Li"}
    # Claimed, a Home no longer absorbs changes: the next one queues a publish of its own.
    with loaded.transaction() as session:
        outbox.republish_homes(session, [leader], now=clock.now())
    with loaded.reading() as session:
        pending = session.scalars(
            select(Notification.channel).where(
                Notification.method == outbox.Method.HOME, Notification.status == Status.PENDING
            )
        ).all()
    assert pending == [leader]


@pytest.mark.skipif(not ON_POSTGRES, reason="SQLite has one writer: a claim cannot run beside a change")
def test_a_home_waiting_is_not_composed_before_a_change_that_asked_for_it_commits(loaded, center, clock):
    leader = "U0WUFANG"
    with loaded.transaction() as session:
        outbox.home_opened(
            session, leader, now=clock.now(), settings=WORKFLOWS.home_settings(center).stored()
        )
    with loaded.transaction() as change:
        outbox.republish_homes(change, [leader], now=clock.now())  # finds the Home already waiting
        assert claim(loaded, clock) == []  # composed now, it would miss the change, and nothing would follow
    (home,) = claim(loaded, clock)
    assert home.channel == leader
