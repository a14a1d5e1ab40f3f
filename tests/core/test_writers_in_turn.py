"""SQLite's writers in one process take the write lock in the order they asked for it: a sweep going from
batch to batch cannot keep a request waiting behind all of its batches."""

from __future__ import annotations

import threading

from opsbot.db import InTurn


def test_a_writer_that_lets_go_and_asks_again_goes_behind_the_one_waiting():
    lock = InTurn()
    order: list[str] = []
    waiting = threading.Event()

    def request() -> None:
        waiting.set()
        with lock:
            order.append("request")

    with lock:
        order.append("batch 1")
        thread = threading.Thread(target=request)
        thread.start()
        waiting.wait(5)
        while not lock._queue:  # the request has queued for its turn
            threading.Event().wait(0.001)
    with lock:  # the sweep asks again at once, as it does between batches
        order.append("batch 2")
    thread.join(5)
    assert order == ["batch 1", "request", "batch 2"]
