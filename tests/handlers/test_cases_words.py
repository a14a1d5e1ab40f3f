"""Every notice and term the case workflow emits has its words, each template asks only for what its code is
given, and every word the workflow keeps is one it uses: read from the source of `opsbot/cases` and
`handlers/cases`, where each code is written out."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from handlers.app import wording
from handlers.cases.queries import ASSIGNED_HOW, SUBCOMMANDS
from handlers.cases.words import WORDS
from handlers.wording import placeholders
from opsbot.cases import inputs
from opsbot.cases.clocks import FOLLOW_UP, REPLY, RESOLUTION
from opsbot.cases.lifecycle import Event, State
from opsbot.cases.models import CHANNELS
from opsbot.cases.queries import FACTS, SCOPES
from opsbot.cases.stats import PERIODS
from opsbot.cases.workflow import WORKFLOW as CASES
from opsbot.inputs import Input
from opsbot.roles import Role
from tests.source_scan import codes_named, literal_codes

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted([*(ROOT / "opsbot" / "cases").glob("*.py"), *(ROOT / "handlers" / "cases").glob("*.py")])
CATALOGUE = wording(ZoneInfo("UTC")).catalogue.english
ERRORS = {"InvalidInput", "NotAllowed", "NotFound", "OpsError"}
# What names a permission's codes (worded `permission.<code>`) as its first argument.
PERMISSIONS = {"Permission", "is_person", "in_chain_of", "is_one_of"}
# What refuses in the words of an action (`action.<code>`), named as its third argument.
REQUIRES = {"require", "require_on"}
CLOCKS = (REPLY, RESOLUTION, FOLLOW_UP)


@dataclass(frozen=True)
class Use:
    """A code written in the source, and the parameters given with it (None: not known from the source)."""

    code: str
    params: frozenset[str] | None
    exact: bool  # whether the template must use every parameter given
    where: str


def _prefix(node: ast.expr) -> str | None:
    """An f-string code's fixed start (`case.state.`), for the families below."""
    if isinstance(node, ast.JoinedStr) and isinstance(node.values[0], ast.Constant):
        return str(node.values[0].value)
    return None


def _keywords(call: ast.Call, *, but: set[str] = frozenset()) -> frozenset[str] | None:
    if any(keyword.arg is None for keyword in call.keywords):
        return None  # **params
    return frozenset(str(keyword.arg) for keyword in call.keywords) - but


def _callee(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


@dataclass
class Scan:
    uses: list[Use]
    prefixes: dict[str, str]  # the fixed start of each code made at run time, and where
    actions: set[str]  # the audit actions of the case steps


def scan() -> Scan:
    found = Scan([], {}, set())
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                _scan_call(node, f"{path.name}:{node.lineno}", found)
    return found


def _scan_call(call: ast.Call, where: str, found: Scan) -> None:
    name, args = _callee(call), call.args
    first = args[0] if args else None
    if (
        name == "of"
        and isinstance(call.func, ast.Attribute)
        and getattr(call.func.value, "id", "") == "Notice"
    ):
        found.uses += (
            [Use(code, _keywords(call), True, where) for code in literal_codes(first)] if first else []
        )
    elif name in ERRORS or (name == "__init__" and first is not None and literal_codes(first)):
        found.uses += [
            Use(code, _keywords(call, but={"field"}), True, where) for code in literal_codes(first)
        ]
    elif name == "PydanticCustomError" and first is not None:
        context = args[2] if len(args) > 2 and isinstance(args[2], ast.Dict) else None
        given = {str(key.value) for key in (context.keys if context else []) if isinstance(key, ast.Constant)}
        found.uses += [Use(code, frozenset({"what", *given}), False, where) for code in literal_codes(first)]
    elif name == "Told" and len(args) > 1:
        found.uses += [Use(code, frozenset({"what"}), False, where) for code in literal_codes(args[1])]
    elif name in ("Term", "term") and first is not None:
        found.uses += [Use(code, frozenset(), True, where) for code in literal_codes(first)]
    elif name == "CommandHelp" and len(args) > 1:
        found.uses += [Use(code, frozenset(), True, where) for code in literal_codes(args[1])]
    elif name == "Step" and first is not None:
        found.actions |= set(literal_codes(first))
    elif name in PERMISSIONS and first is not None:
        codes = first.elts if isinstance(first, ast.Tuple) else [first]
        found.uses += [
            Use(f"permission.{c}", None, False, where) for code in codes for c in literal_codes(code)
        ]
    elif name in REQUIRES and len(args) > 2:
        given = _keywords(call, but={"subject", "joint_reviewers"})
        given = given | {"number"} if given is not None else None  # `require_on` gives the case's number
        found.uses += [Use(f"action.{code}", given, False, where) for code in literal_codes(args[2])]
    for keyword in call.keywords:
        if keyword.arg == "action":
            found.actions |= set(literal_codes(keyword.value))
        if keyword.arg == "also":
            found.uses += [Use(code, frozenset(), True, where) for code in literal_codes(keyword.value)]
    for arg in args[:1]:
        if name in ("of", "Term", "term", *ERRORS) and (prefix := _prefix(arg)) is not None:
            found.prefixes[prefix] = where


SCANNED = scan()
# Each code made at run time, by its fixed start: the values it is made with.
FAMILIES = {
    "case.state.": [state.value for state in State],
    "case.doing.": [event.value for event in Event],
    "case.clock.": list(CLOCKS),
    "case.level.": ["first", "second"],
    # The roles a review level is held by: the kernel's words (`handlers/words.py`).
    "role.": [Role.GROUP_LEADER.value, Role.DEPUTY_MANAGER.value],
    "case.list.title.": list(SCOPES),
    "case.list.empty.": list(SCOPES),
    "case.fact.": list(FACTS),
    # The overdue steps' actions are made from their clock (`opsbot.cases.deadlines`).
    "case.action.": sorted(SCANNED.actions | {f"{clock}_overdue" for clock in CLOCKS}),
    "case.period.": list(PERIODS),
    # `/case`'s words as each language types them (`handlers.subcommands.spoken`).
    "word.case.": ["new", *SUBCOMMANDS],
    "word.case.list.": [*SCOPES, "page"],
    "word.case.stats.": list(PERIODS),
    "case.channel.": list(CHANNELS),
    "case.assigned_how.": list(ASSIGNED_HOW),
    "case.form.score.": [str(score) for score in range(1, 6)],  # the satisfaction form's options
}
FIELDS = [model for model in vars(inputs).values() if isinstance(model, type) and issubclass(model, Input)]


def test_the_source_is_read():
    assert len(SCANNED.uses) > 150 and len(SCANNED.actions) > 15
    assert {"action.case.accept", "permission.case.registrar"} <= {use.code for use in SCANNED.uses}


@pytest.mark.parametrize("use", SCANNED.uses, ids=lambda use: f"{use.code}@{use.where}")
def test_each_code_has_words_that_fit_what_it_is_given(use):
    assert use.code in CATALOGUE, use
    wanted = placeholders(CATALOGUE[use.code])
    if use.params is not None:
        assert wanted <= use.params, (use, wanted)
        assert not use.exact or use.params <= wanted, (use, wanted)


def test_each_code_made_at_run_time_is_one_of_a_family_with_words():
    assert set(SCANNED.prefixes) <= set(FAMILIES), SCANNED.prefixes
    missing = [prefix + value for prefix, values in FAMILIES.items() for value in values]
    assert [code for code in missing if code not in CATALOGUE] == []


def test_each_field_of_a_case_form_has_its_term():
    names = {name for model in FIELDS for name in model.model_fields}
    assert "summary" in names and "rejection_reason" in names
    assert [name for name in sorted(names) if f"case.field.{name}" not in CATALOGUE] == []


def test_every_word_the_cases_keep_is_used():
    used = {use.code for use in SCANNED.uses}
    used |= {prefix + value for prefix, values in FAMILIES.items() for value in values}
    used |= {f"case.field.{name}" for model in FIELDS for name in model.model_fields}
    used |= codes_named(ROOT / "handlers" / "cases", WORDS)  # the forms' titles and labels
    used.add("case.legacy_text")  # what migration 0012 made of the sentences prompts had stored
    # The deadline digest words each clock a case's ladders run on, and where a case is shown.
    used |= {f"deadline.clock.{key.split('.')[1]}" for key in CASES.ladders} | {"deadline.look_up.case"}
    assert sorted(set(WORDS) - used) == []
