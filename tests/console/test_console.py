"""The console: `python bot.py console` driven as a real subprocess through piped stdin."""

import os
import re
import subprocess
import sys
from pathlib import Path

from opsbot.settings import EXAMPLE_CENTER

ROOT = Path(__file__).resolve().parents[2]


def console(tmp_path: Path, script: str, *args: str, center: Path | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "OPSBOT_", "DATABASE_URL"))}
    # A DATABASE_URL that must not be touched: the console keeps its records in a file of its own.
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'real-center.db'}"
    if center is not None:
        env["OPSBOT_CONFIG"] = str(center)
    done = subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), *args],
        input=script,
        env=env,
        cwd=tmp_path,
        timeout=120,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "INFO" not in done.stdout + done.stderr  # opsbot's logs go to the log file, not the terminal
    return done.stdout


def test_help_and_an_announcement_read_by_a_clerk(tmp_path):
    out = console(
        tmp_path,
        "\n".join(
            [
                "/ops help",
                ":as Sun Li",
                "/ops announce leadership Hello team",
                ":read #leadership",
                ":as Zheng Hao",
                ":in #leadership",
                ":read",
                ":press 1",
                ":read",
                ":quit",
            ]
        ),
        "console",
    )
    assert "You are Zheng Hao (specialist" in out  # the banner: a new clerk by default
    assert "/ops whoami" in out and "/ops announce [<channel> <text>]" in out
    assert re.search(r"Posted ANN-\d{4}-000001 to #leadership", out)
    read_before, read_after = out.split(":press 1")
    assert re.search(r"Announcement ANN-\d{4}-000001", read_before)
    assert "[1] Mark as read" in read_before and "No one has marked it as read yet." in read_before
    assert "Read by 1: Zheng Hao" in read_after.split("> :read")[-1]
    assert (tmp_path / "opsbot-console.log").exists()
    assert (tmp_path / "opsbot-console.db").exists()
    assert not (tmp_path / "real-center.db").exists()


def test_the_announcement_form_is_filled_in_and_posted(tmp_path):
    out = console(
        tmp_path,
        "\n".join(
            [
                ":as Sun Li",
                "/ops announce",
                ":fill",
                "announcements",
                "Fire drill on Friday",
                ":read #announcements",
                ":cancel",
                "/ops annonce",
                ":press 9",
                ":as Nobody",
            ]
        )
        + "\n",
        "console",
    )  # and then end of input instead of :quit
    assert "┌ New announcement" in out and "Post (:fill)" in out
    assert "#announcements, #approvals" in out  # the select's options are listed
    assert "(the form closed)" in out
    assert "Fire drill on Friday" in out.split("> :read #announcements")[1]
    assert "no form is open" in out
    assert "Did you mean `/ops announce`?" in out
    assert "no control [9]" in out and "'Nobody' names 0 people" in out


def test_python_bot_py_without_credentials_starts_the_console(tmp_path):
    out = console(tmp_path, "/ops whoami\n:quit\n")
    assert "opsbot console" in out
    assert "You are *Zheng Hao*, specialist in Intake and Handling Group" in out


def test_a_form_redraws_for_a_choice_mentions_and_time_moving_on(tmp_path):
    out = console(
        tmp_path,
        "\n".join(
            [
                "/approval",
                ":fill",
                "Leave of absence",  # the form redraws with the leave's own fields, as Slack would
                "Family matter",
                "2026-12-07",
                "the day after",  # not a date: asked again
                "2026-12-08",
                "",
                ":as Wu Fang",
                "/approval delegate @Zhou Jie until 2099-12-31",
                ":as Zheng Hao",
                "/case new Parcel lost",
                ":later 1d",
                ":quit",
            ]
        ),
        "console",
    )
    assert "From (YYYY-MM-DD): 2026-12-07" in out and "To (last day)" in out
    assert "'the day after' is not a date like 2026-12-24; try again" in out
    assert re.search(r"Asked for \*APR-\d{4}-000001\*", out)
    assert "Until 2099-12-31, @Zhou Jie may decide your approvals." in out
    assert "(time moves on 1d" in out and "⚠️ The reply is overdue." in out


def test_a_list_turns_its_page_in_place_and_a_reply_time_is_typed_as_read(tmp_path):
    out = console(
        tmp_path,
        "\n".join(
            [
                *(f"/case new Request {n}" for n in range(11)),
                ":as Wu Fang",
                "/case list open",
                ":press 1",  # Next ›
                ":as Chen Jing",
                "/case",
                ":fill",
                *("", "Li Na", "13812345678", "", "Address change", ""),
                "next Friday",  # the promised reply: not a date and time, asked again
                "2099-12-24 10:00",
                ":quit",
            ]
        ),
        "console",
    )
    assert "(only you can see this, updated)" in out and "page 2 of 2" in out
    assert "is not a date and time like 2026-12-24 10:00; try again" in out
    assert "Reply due*\n      2099-12-24 10:00 CST" in out  # typed and shown on the center's clock, labelled


def test_a_refused_form_keeps_what_was_typed_and_a_stranger_command_is_a_plain_sentence(tmp_path):
    out = console(
        tmp_path,
        "\n".join(
            [
                "/frobnicate now",
                ":as Sun Li",
                "/ops announce",
                ":fill",
                "leadership",
                "x" * 3001,  # too long: refused on its field
                ":fill",  # asks for the announcement again, and only for it
                "Short and sweet",
                ":read #leadership",
                ":quit",
            ]
        ),
        "console",
    )
    assert "/frobnicate is not a valid command. opsbot's are /ops, /case, /approval." in out
    assert "dispatch_failed" not in out
    again = out.split("is over max_length 3000", 1)[1]
    assert "#leadership" not in again.split("Announcement")[0]  # the channel is kept, not asked again
    assert "Announcement: Short and sweet\n  (the form closed)" in again


def test_message_times_follow_the_console_clock_in_the_center_zone(tmp_path):
    out = console(
        tmp_path,
        "\n".join(["/case new Parcel lost", ":later 3d", ":as Wu Fang", ":dm", ":quit"]),
        "console",
    )
    stamps = re.findall(r"opsbot (\d\d-\d\d \d\d:\d\d)", out)
    assert len(stamps) >= 2
    first, last = stamps[0], stamps[-1]
    assert first != last and first[:5] != last[:5]  # three days later on the console's clock


def test_the_console_speaks_the_center_s_language(tmp_path):
    chinese = tmp_path / "center.yaml"
    text = EXAMPLE_CENTER.read_text(encoding="utf-8")
    chinese.write_text(text.replace("\nname: ", "\nlocale: zh_CN\nname: ", 1), encoding="utf-8")
    out = console(
        tmp_path,
        "\n".join([":help", ":as Sun Li", "/ops whoami", ":as Nobody", ":channels", ":fill", ":quit"]),
        "console",
        center=chinese,
    )
    assert "您当前的身份是Zheng Hao（专员，Intake and Handling Group），位于#intake。" in out  # the banner
    assert ":later 3d|5h|30m     让时间前进" in out
    assert "您现在的身份是Sun Li（部门经理，" in out and "（仅您可见）" in out
    assert "您是 *Sun Li* ，Business Processing Department部门经理。" in out
    assert "! “Nobody”对应0人；:who可列出所有人员" in out
    assert "C0INTAKE     0条消息，0条未读" in out and "当前没有打开的表单" in out
