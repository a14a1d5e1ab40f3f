"""The console's terminal session: what a person types, and what opsbot and the fake Slack show back."""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from console.forms import Forms
from console.people import People
from console.typed import SLASH_COMMANDS, as_slack_sends, duration
from fakeslack.fake import FakeSlack
from fakeslack.render import Control, Rendered, render_message, render_view
from fakeslack.state import Message, View
from handlers.wording import Wording, Wordings
from opsbot.center import Center
from opsbot.errors import InvalidInput, OpsError
from opsbot.notices import Notice, Param, Quote
from opsbot.settings import Settings

BOT_NAME = "opsbot"
SETTLE_WAIT = 0.5  # how long to wait for something to happen after an action (a form opens after the ack)
SETTLE_QUIET = 0.1  # once something happened and nothing is left to deliver, how long it must stay quiet
SETTLE_MAX = 4.0  # never hang the prompt on a chatty worker


class Console:
    def __init__(
        self,
        fake: FakeSlack,
        center: Center,
        stdin: TextIO,
        wordings: Wordings,
        later: Callable[[timedelta], None] | None = None,
        delivering: Callable[[], bool] = lambda: False,
    ) -> None:
        self.fake, self.center, self.stdin, self.wordings = fake, center, stdin, wordings
        self.later, self.delivering = later, delivering
        self.tty = stdin.isatty()
        self.people = People(center)
        self.users = self.people.names | {fake.bot_user_id: BOT_NAME}
        self.channels = {cid: purpose for purpose, cid in center.channels.by_purpose().items()}
        self.user = self.people.clerk()
        self.channel = center.channels.by_purpose().get("intake") or next(iter(self.channels))
        self.screen: list[tuple[Control, Message | View]] = []
        self.read_upto: dict[str, int] = {}  # channel -> messages already shown, for unread counts
        self.errors_seen = 0
        self.last: dict[str, Any] | None = None  # what the person has been shown, to report late arrivals
        self.zone = center.calendar.zone
        # How far `:later` has moved time on, and how far it had when each message was first seen: a
        # message's time is the real one it was posted at, moved on as far as the clock was then.
        self.shift = timedelta(0)
        self.shift_at: dict[str, timedelta] = {}
        self.forms = Forms(fake, self.ask, self.users, self.channels, self.zone)
        if self.tty:
            with contextlib.suppress(ImportError):
                import readline  # noqa: F401  (history and line editing for input())

    # ---- the console's words ---------------------------------------------------------------------------
    @property
    def say(self) -> Wording:
        """The words of the person the console acts as: their language in the center file, else the
        center's."""
        return self.wordings(self.people.locale(self.user))

    def said(self, code: str, **params: Param) -> str:
        return self.say.plain(Notice(code, params))

    def tell(self, code: str, **params: Param) -> None:
        print("  " + self.said(code, **params))

    # ---- the loop -------------------------------------------------------------------------------------
    def banner(self, settings: Settings, log_file: Path) -> None:
        print(
            self.said(
                "console.banner",
                center=self.center.name,
                database=settings.database_url,
                log=str(log_file),
                who=self.people.who(self.user, self.say),
                channel=self.channels[self.channel],
            )
        )

    def ask(self, prompt: str) -> str | None:
        """A line from the person; None at end of input. Piped input is echoed so a transcript reads well."""
        if self.tty:
            try:
                return input(prompt)
            except EOFError:
                print()
                return None
        line = self.stdin.readline()
        if not line:
            return None
        print(prompt + line.rstrip("\n"), flush=True)
        return line.rstrip("\n")

    def prompt(self) -> str:
        return f"{self.users[self.user]} #{self.channels.get(self.channel, self.channel)}> "

    def loop(self) -> int:
        """Read lines until :quit or end of input; a refused action is told, never fatal."""
        while (line := self.ask(self.prompt())) is not None:
            line = line.strip()
            if line in (":quit", ":q", ":exit"):
                break
            if line:
                try:
                    self.handle(line)
                except OpsError as exc:  # a console command that names nothing the console knows
                    print(f"  ! {self.say.plain(exc.notice)}")
                except (ValueError, LookupError) as exc:  # what Slack's client would not let you do
                    print(f"  ! {exc}")
            sys.stdout.flush()
        return 0

    def handle(self, line: str) -> None:
        before = self.snapshot()
        if self.last is not None and before != self.last:
            self.report(self.last, before, meanwhile=True)  # arrived after the last action went quiet
        if line.startswith("/"):
            command, _, text = line.partition(" ")
            if SLASH_COMMANDS and command not in SLASH_COMMANDS:
                # What Slack's own client says: the command never reaches the app.
                self.tell("console.not_a_command", command=command, commands=list(SLASH_COMMANDS))
                return
            text = as_slack_sends(command, text.strip(), self.center.people)
            self.fake.command(self.user, command, text, channel=self.channel)
        else:
            name, _, arg = line.partition(" ")
            action = getattr(self, "cmd_" + name[1:], None) if name.startswith(":") else None
            if action is None:
                self.tell("console.unknown", name=Quote(name))
                return
            if not action(arg.strip()):
                self.last = self.snapshot()  # a command that only shows things: nothing to wait for
                return
        self.screen = []
        self.last = self.settle(before)

    # ---- what changed after an action ------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        watched = [*self.channels, self.fake.dm_channel(self.user)]
        messages = {c: [(m.ts, m.edits, len(m.replies)) for m in self.fake.messages(c)] for c in watched}
        top, home = self.top_view(), self.fake.home(self.user)
        return {
            "messages": messages,
            "ephemerals": [(m.ts, m.edits) for m in self.fake.ephemerals(self.user)],
            "view": (top.id, top.hash, tuple(sorted(top.errors.items()))) if top else None,
            "home": home.hash if home else None,
            "errors": len(self.fake.errors),
        }

    def settle(self, before: dict[str, Any]) -> dict[str, Any]:
        """Notifications arrive asynchronously from the delivery worker: wait until nothing is left to deliver
        and things have gone quiet."""
        start = changed_at = time.monotonic()
        last, quiet_for = before, SETTLE_WAIT  # first wait for anything at all, then for quiet
        while time.monotonic() - start < SETTLE_MAX:
            time.sleep(0.02)
            now = self.snapshot()
            if now != last:
                last, changed_at, quiet_for = now, time.monotonic(), SETTLE_QUIET
            elif time.monotonic() - changed_at >= quiet_for and not self.delivering():
                break
        self.report(before, last)
        return last

    def report(self, before: dict[str, Any], after: dict[str, Any], *, meanwhile: bool = False) -> None:
        if meanwhile:
            self.tell("console.meanwhile")
        shown = dict(before["ephemerals"])
        for message in self.fake.ephemerals(self.user):
            if message.ts not in shown:
                self.show(message, self.said("console.only_you"))
            elif message.edits != shown[message.ts]:  # a list turned to another page, in place
                self.show(message, self.said("console.only_you_updated"))
        if after["view"] and after["view"] != before["view"]:
            self.show_view(self.top_view())
        elif before["view"] and not after["view"]:
            self.tell("console.form_closed")
        if before["home"] and after["home"] != before["home"]:
            self.tell("console.home_changed")
            self.show_view(self.fake.home(self.user))
        dm = self.fake.dm_channel(self.user)
        for channel, now in after["messages"].items():
            known = {ts for ts, _edits, _replies in before["messages"].get(channel, [])}
            changed = {ts for ts, *_ in set(now) - set(before["messages"].get(channel, []))}
            if changed and channel in (self.channel, dm):  # what you are looking at: shown in full
                name = None if channel == dm else self.channels[channel]
                for message in (m for m in self.fake.messages(channel) if m.ts in changed):
                    self.show(message, self.arrived(message.ts in known, name))
                self.read_upto[channel] = len(now)
            elif changed:
                self.tell("console.elsewhere", count=len(changed), channel=self.channels[channel])
        for error in self.fake.errors[self.errors_seen :]:
            self.tell("console.fake_warning", error=str(error))
        self.errors_seen = len(self.fake.errors)

    def arrived(self, updated: bool, channel: str | None) -> str:
        """The note over a message that came or changed where the person is looking (None: their DMs)."""
        if channel is None:
            return self.said("console.updated_in_dms" if updated else "console.new_in_dms")
        return self.said(
            "console.updated_in_channel" if updated else "console.new_in_channel", channel=channel
        )

    # ---- showing things ---------------------------------------------------------------------------------
    def show(self, message: Message, note: str = "", indent: str = "  ") -> None:
        rendered = render_message(message, self.users, self.channels, start=len(self.screen) + 1)
        shift = self.shift_at.setdefault(message.ts, self.shift)
        posted = datetime.fromtimestamp(float(message.ts), UTC) + shift
        stamp = f"{posted.astimezone(self.zone):%m-%d %H:%M}"
        edited = self.say.term("console.edited") if message.edits else ""
        author = self.users.get(message.user, message.user)
        print(f"{indent}{note + ' ' if note else ''}{author} {stamp}{edited}")
        self.remember(rendered, message, indent + "  ")
        for reply in message.replies:
            self.show(reply, "↳", indent + "    ")

    def show_view(self, view: View | None, fresh: bool = False) -> None:
        if fresh:
            self.screen = []
        if view is None:
            self.tell("console.nothing_to_show")
            return
        self.remember(render_view(view, self.users, self.channels, start=len(self.screen) + 1), view, "  ")
        if view.errors:
            self.tell("console.form_problems")

    def remember(self, rendered: Rendered, source: Message | View, indent: str) -> None:
        print("\n".join(indent + line for line in rendered.text.splitlines()))
        self.screen.extend((control, source) for control in rendered.controls)

    def top_view(self) -> View | None:
        return self.forms.top(self.user)

    def channel_id(self, name: str) -> str:
        name = name.lstrip("#")
        found = next((cid for cid, n in self.channels.items() if name in (cid, n)), None)
        if found is None:
            raise InvalidInput("console.no_channel", name=Quote(name))
        return found

    def click(self, control: Control, source: Message | View, value: Any) -> None:
        # The block id tells apart buttons that share an action_id (the Home's "Mark as read" per item).
        self.fake.click(self.user, source, control.action_id, value=value, block_id=control.block_id)

    # ---- console commands: each returns True when it acted, so the console waits for what follows ----
    def cmd_help(self, _arg: str) -> bool:
        print(self.say.term("console.help"))
        return False

    def cmd_who(self, _arg: str) -> bool:
        print("\n".join(self.people.listing(self.user, self.say)))
        return False

    def cmd_as(self, arg: str) -> bool:
        self.user = self.people.find(arg)
        self.tell("console.you_are_now", who=self.people.who(self.user, self.say))
        return False

    def cmd_channels(self, _arg: str) -> bool:
        for cid, name in self.channels.items():
            total = len(self.fake.messages(cid))
            counts = self.said(
                "console.channel_counts", count=total, unread=total - self.read_upto.get(cid, 0)
            )
            print(f" {'*' if cid == self.channel else ' '} #{name:<16} {cid:<12} {counts}")
        return False

    def cmd_in(self, arg: str) -> bool:
        self.channel = self.channel_id(arg)
        self.tell("console.now_in", channel=self.channels[self.channel])
        return False

    def cmd_read(self, arg: str) -> bool:
        channel = self.channel_id(arg) if arg else self.channel
        self.show_all(channel, f"#{self.channels[channel]}")
        return False

    def cmd_dm(self, _arg: str) -> bool:
        self.show_all(
            self.fake.dm_channel(self.user), self.said("console.dms_of", name=self.users[self.user])
        )
        return False

    def show_all(self, channel: str, title: str) -> None:
        messages = self.fake.messages(channel)
        self.screen = []
        if messages:
            self.tell("console.messages", title=title, count=len(messages))
        else:
            self.tell("console.no_messages", title=title)
        for message in messages:
            self.show(message)
        self.read_upto[channel] = len(messages)

    def cmd_home(self, _arg: str) -> bool:
        """Slack sends app_home_opened whenever the tab is opened; the bot publishes the view in answer."""
        before = self.fake.home(self.user)
        self.fake.event(
            {
                "type": "app_home_opened",
                "user": self.user,
                "tab": "home",
                "channel": self.fake.dm_channel(self.user),
            }
        )
        with contextlib.suppress(TimeoutError):  # then show what is there: the home may not have changed
            self.fake.wait_for(
                lambda: (home := self.fake.home(self.user)) and (not before or home.hash != before.hash),
                timeout=2.0,
            )
        self.screen = []
        self.show_view(self.fake.home(self.user))
        return False

    def cmd_press(self, arg: str) -> bool:
        number, _, ref = arg.partition(" ")
        if ref.strip():  # show the thing named first, so the number is of what the person now sees
            {"home": self.cmd_home, "modal": lambda _a: self.show_view(self.top_view(), fresh=True)}.get(
                ref.strip(), self.cmd_read
            )(ref.strip())
        if not number.isdigit() or not 1 <= int(number) <= len(self.screen):
            self.tell("console.no_control", number=Quote(number))
            return False
        control, source = self.screen[int(number) - 1]
        value = None
        if control.element.get("type") != "button":
            label = control.element.get("placeholder", {}).get("text") or self.said("console.choose")
            value = self.forms.pick(control.element, label, self.say)
            if value is None:
                self.tell("console.nothing_chosen")
                return False
        self.click(control, source, value)
        return True

    def cmd_fill(self, _arg: str) -> bool:
        if (view := self.form()) is None:
            return False
        self.forms.fill(self.user, view, self.say)
        return True

    def cmd_later(self, arg: str) -> bool:
        """Move time on (`:later 3d`, `:later 5h`) and run what falls due, as the worker would."""
        delta = duration(arg)
        if delta is None or self.later is None:
            self.tell("console.later_usage")
            return False
        self.later(delta)
        self.shift += delta
        self.tell("console.time_moves", span=Quote(arg.strip()))
        return True

    def cmd_cancel(self, _arg: str) -> bool:
        if (view := self.form()) is not None:
            self.fake.close(self.user, view)
        return view is not None

    def form(self) -> View | None:
        if (view := self.top_view()) is None:
            self.tell("console.no_form")
        return view
