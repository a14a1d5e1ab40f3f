"""How an opsbot process stops: SIGTERM (what platforms send) or SIGINT (Ctrl-C), taken by the main thread
only, and turned into `StopRequested` there so the process can finish what it is doing and exit cleanly."""

from __future__ import annotations

import signal
from typing import Any

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def mask_stop_signals(how: int) -> None:
    """SIG_BLOCK before a process starts its threads, which inherit the mask: they hold SIGTERM and SIGINT,
    so the kernel hands those to the main thread, whose wait (a sleep, the console's prompt) they interrupt;
    one taken by another thread would be acted on only once the main thread ran Python code again, never
    while it waits at a prompt. `Bot.start` unblocks them in the main thread, which then takes at once any
    that came meanwhile."""
    if hasattr(signal, "pthread_sigmask"):  # Windows has no signal masks
        signal.pthread_sigmask(how, STOP_SIGNALS)


# What a shell reports for a program that Ctrl-C ended (128 + SIGINT), so that `&&` after it does not run.
INTERRUPTED = 130


class StopRequested(BaseException):
    """SIGTERM (what platforms send to stop a process) or SIGINT (Ctrl-C) arrived. Not an `Exception`, as
    KeyboardInterrupt is not: a library's `except Exception` (slack_sdk's, around connecting) must not
    swallow it."""


def on_stop_signals(handler: Any) -> None:
    for each in STOP_SIGNALS:
        signal.signal(each, handler)


def request_stop(signum: int, _frame: Any) -> None:
    on_stop_signals(signal.SIG_DFL)  # a second signal, while stopping, ends the process at once
    raise StopRequested(signal.Signals(signum).name)
