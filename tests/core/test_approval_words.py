"""Every notice approvals emit has its wording, with the parameters its template names; and every wording
in the approvals' catalogue is of a notice or a term something emits. Read from the source: each call that
names a code as a literal (`Notice.of`, a refusal, a model's rule, a `Term`), and the terms built from
opsbot's own vocabularies (states, steps, fields, the history's words)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from typing import get_args

from handlers.app import wording
from handlers.approvals.commands import USES, subcommands
from handlers.approvals.words import WORDS
from handlers.wording import placeholders
from handlers.words import WORDS as KERNEL_WORDS
from opsbot.approvals.asking import Asking
from opsbot.approvals.deciding import Deciding
from opsbot.approvals.delegation import Delegating
from opsbot.approvals.lifecycle import HISTORY, RequestState, StepState
from opsbot.approvals.policy import RELATIVE_STEPS, FieldName
from opsbot.approvals.records import SUBJECT
from opsbot.approvals.workflow import WORKFLOW as APPROVALS
from opsbot.roles import Role
from opsbot.settings import EXAMPLE_CENTER
from tests.source_scan import codes_named, literal_codes

ROOT = EXAMPLE_CENTER.parent.parent
SOURCES = [
    *sorted((ROOT / "opsbot" / "approvals").glob("*.py")),
    *sorted((ROOT / "handlers" / "approvals").glob("*.py")),
]
# What names a code as its first argument, and the parameters it adds to those the call passes.
EMITTERS = {
    "Notice.of": set(),
    "Notice": set(),
    "Term": set(),
    "say.term": set(),  # a fixed text of the Slack side's, in the reader's words
    "OpsError": set(),
    "InvalidInput": set(),
    "NotAllowed": set(),
    "NotFound": set(),
    "MissingApprover": set(),
    # A model's rule: `opsbot.inputs.refusal` adds the field's term.
    "refused": {"what"},
}


@dataclass(frozen=True)
class Emitted:
    code: str
    where: str
    # The parameters the call passes; None when it unpacks some (`**where`).
    params: frozenset[str] | None


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        return f"{func.value.id}.{func.attr}"
    if isinstance(func, ast.Attribute) and func.attr == "__init__":
        return "OpsError"  # a refusal of its own class: `super().__init__("approval.unknown_kind", …)`
    return func.id if isinstance(func, ast.Name) else ""


def emitted() -> Iterator[Emitted]:
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            # A command's router names the term its answer to an unknown word adds.
            for also in (k.value for k in node.keywords if k.arg == "also"):
                yield from (Emitted(code, where, frozenset()) for code in literal_codes(also))
            yield from _permission_words(node, where)
            if _name(node.func) not in EMITTERS or not node.args:
                continue
            keywords = {k.arg for k in node.keywords if k.arg is not None and k.arg != "field"}
            unpacked = any(k.arg is None for k in node.keywords)
            added = EMITTERS[_name(node.func)]
            params = None if unpacked else frozenset(keywords | added)
            for code in literal_codes(node.args[0]):
                yield Emitted(code, where, params)


# What names a permission's codes (worded `permission.<code>`) as its first argument, and what refuses in the
# words of an action (`action.<code>`, with the subject's number), named as its third.
PERMISSIONS = {"Permission", "is_person", "in_chain_of", "is_one_of"}


def _permission_words(node: ast.Call, where: str) -> Iterator[Emitted]:
    name = _name(node.func)
    if name in PERMISSIONS and node.args:
        first = node.args[0]
        for code in first.elts if isinstance(first, ast.Tuple) else [first]:
            yield from (Emitted(f"permission.{c}", where, None) for c in literal_codes(code))
    if name == "require" and len(node.args) > 2:
        given = frozenset(k.arg for k in node.keywords if k.arg not in (None, "subject"))
        yield from (Emitted(f"action.{code}", where, given) for code in literal_codes(node.args[2]))


def vocabulary() -> set[str]:
    """The terms opsbot builds from its own vocabularies rather than names as literals."""
    fields = {*Asking.model_fields, *Deciding.model_fields, *Delegating.model_fields}
    return {
        *(state.term.code for state in RequestState),
        *(state.term.code for state in StepState),
        *(f"approval.history.{action.removeprefix('approval.')}" for action in HISTORY),
        *(f"approval.step.{step}" for step in RELATIVE_STEPS),
        *(f"approval.field.{name}" for name in fields),
        *(f"approval.field_label.{name}" for name in get_args(FieldName)),
        *(f"role.{role.value}" for role in Role),
        f"{SUBJECT.kind}.not_found",  # the kernel's loader of a subject by number words it so
        # The deadline digest words each clock an approval's ladders run on, and where a request is shown.
        *(f"deadline.clock.{key.split('.')[1]}" for key in APPROVALS.ladders),
        f"deadline.look_up.{SUBJECT.kind}",
        *(code for _usage, code in USES),  # what `/ops help` says of each use of `/approval`
        # `/approval`'s subcommands as each language types them (`handlers.subcommands.spoken`).
        *(f"word.approval.{sub}" for sub in subcommands(None)),  # built without touching the edge
        *codes_named(ROOT / "handlers" / "approvals", WORDS),  # the forms' titles and labels
    }


def test_the_scan_finds_what_approvals_emit():
    codes = {e.code for e in emitted()}
    assert {"approval.date_order", "approval.outcome.reason", "approval.also"} <= codes
    assert len(codes) > 70


def test_every_notice_has_wording_with_the_parameters_its_template_names():
    catalogue = wording(UTC).catalogue.english
    for found in emitted():
        assert found.code in catalogue, found
        if found.params is not None:
            missing = placeholders(catalogue[found.code]) - found.params
            assert not missing, (found, missing)
    for code in vocabulary():
        assert code in catalogue, code


def test_every_wording_of_approvals_is_used():
    used = {e.code for e in emitted()} | vocabulary()
    assert sorted(set(WORDS) - used) == []


def test_approvals_word_nothing_the_kernel_words():
    assert not set(WORDS) & set(KERNEL_WORDS)
