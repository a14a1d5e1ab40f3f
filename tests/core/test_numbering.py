import threading

import pytest

from opsbot.numbering import next_number


def test_numbers_count_up_per_kind_and_year(db):
    with db.transaction() as session:
        assert next_number(session, "CASE", 2026) == "CASE-2026-000001"
        assert next_number(session, "CASE", 2026) == "CASE-2026-000002"
        assert next_number(session, "APR", 2026) == "APR-2026-000001"
        assert next_number(session, "CASE", 2027) == "CASE-2027-000001"


def test_a_rolled_back_number_is_given_again(db):
    with pytest.raises(RuntimeError), db.transaction() as session:
        next_number(session, "CASE", 2026)
        raise RuntimeError("the record could not be saved")
    with db.transaction() as session:
        assert next_number(session, "CASE", 2026) == "CASE-2026-000001"


def test_200_concurrent_allocations_are_distinct_and_gap_free(db):
    numbers: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(20)

    def allocate(count: int) -> None:
        try:
            start.wait()
            for _ in range(count):
                with db.transaction() as session:
                    numbers.append(next_number(session, "PRB", 2026))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=allocate, args=(10,)) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(numbers) == [f"PRB-2026-{n:06d}" for n in range(1, 201)]
