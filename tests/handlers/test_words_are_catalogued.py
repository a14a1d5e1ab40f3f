"""No sentence opsbot shows is written outside the catalogue: the Slack side's and the console's modules hold
no English of their own beyond what never reaches a person (log lines, answers to Slack's servers, errors for
developers) and the commands as they are typed."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Two words or more, as a sentence has them (a file name, an id or a date pattern has none).
WORDS = re.compile(r"\b[A-Za-z]*[aeiouAEIOU][A-Za-z]*[,;:']*\s+[A-Za-z]*[aeiouAEIOU][A-Za-z]*\b")
# What these modules write goes to Slack's servers (HTTP statuses), to the outbox's error column or the log.
NOT_FOR_PEOPLE = {"handlers/web.py", "handlers/delivery.py", "handlers/socket_mode.py"}
# Calls whose text is for the log or for a developer, never for a person.
QUIET_CALLS = {"debug", "info", "warning", "error", "exception", "getLogger", "Formatter"}
DEVELOPERS = {"ValueError", "TypeError", "AssertionError", "LookupError", "KeyError", "RuntimeError"}


def sentences(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text())
    skip: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            skip.add(id(body[0].value))  # a docstring
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in QUIET_CALLS | DEVELOPERS | {"w", "wn"}:  # w/wn: the catalogue's own entries
                skip.update(id(sub) for arg in node.args for sub in ast.walk(arg))
        if isinstance(node, ast.Assert) and node.msg is not None:
            skip.update(id(sub) for sub in ast.walk(node.msg))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            text = node.value.strip()
            if WORDS.search(text) and not text.startswith("/") and not text.startswith(("%", "text/", "^")):
                found.append((node.lineno, text))
    return found


def test_the_slack_side_and_the_console_write_no_sentence_of_their_own():
    modules = [*sorted((ROOT / "handlers").rglob("*.py")), *sorted((ROOT / "console").glob("*.py"))]
    written = [
        f"{path.relative_to(ROOT)}:{line}: {text!r}"
        for path in modules
        if path.stem not in ("words", "view_words") and str(path.relative_to(ROOT)) not in NOT_FOR_PEOPLE
        for line, text in sentences(path)
    ]
    assert written == []
