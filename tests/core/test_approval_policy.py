"""The approvals section of the center file: each mistake is reported with the path of its field."""

from decimal import Decimal

import pytest
import yaml
from pydantic import ValidationError

from opsbot.approvals.policy import ApprovalSettings, UnknownKind
from opsbot.center_file import CenterFileError
from opsbot.registry import load_center, parse_center
from opsbot.settings import EXAMPLE_CENTER


def broken(*replacements: tuple[str, str]) -> str:
    text = EXAMPLE_CENTER.read_text()
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def problems_of(text: str) -> list[str]:
    with pytest.raises(CenterFileError) as raised:
        parse_center(text)
    return raised.value.problems


def test_the_example_policy():
    center = load_center(EXAMPLE_CENTER)
    settings = ApprovalSettings.of(center)
    assert settings.currency == "CNY"
    remind, escalate = center.ladders["approval.step"]
    assert (remind.after, remind.do, remind.to) == (4, "remind", ("owner",))
    assert (escalate.after, escalate.do, escalate.to) == (8, "escalate", ("superior",))
    expense = settings.kind("expense")
    assert expense.returnable and expense.has_amount
    assert [tier.up_to for tier in expense.tiers] == [Decimal(5000), Decimal(50000), None]
    assert settings.kind("process_change").tiers[0].steps == (
        "direct_superior",
        "technical_support",
        "qc",
        "director",
    )
    assert settings.kind("collaboration").tiers[0].steps == ("receiving_unit_head",)
    for kind in settings.kinds:
        assert "purpose" not in kind.fields  # always asked, never listed
        if not kind.has_amount:
            assert len(kind.tiers) == 1
    assert settings.step_label("finance") == "Finance review"
    assert settings.step_label("unit_head") == "unit_head"  # opsbot's own step: the catalogue words it


def test_an_unknown_kind_lists_the_kinds():
    with pytest.raises(UnknownKind) as raised:
        load_center(EXAMPLE_CENTER).approvals.kind("travel")
    assert raised.value.notice.code == "approval.unknown_kind" and raised.value.field == "kind"
    assert raised.value.notice.params["known"][:2] == ["expense", "budget_adjustment"]


@pytest.mark.parametrize(
    ("replacements", "expected"),
    [
        (
            (("{up_to: 100000, steps: [unit_head,", "{up_to: 100000, steps: [cfo,"),),
            "approvals.kinds[2].tiers[1].steps[0]: unknown step 'cfo'; steps are: direct_superior, "
            "next_level, receiving_unit_head, unit_head, director, finance, qc, technical_support",
        ),
        (
            (
                (
                    "{up_to: 50000, steps: [direct_superior, unit_head, finance]}",
                    "{up_to: 4000, steps: [finance]}",
                ),
            ),
            "approvals.kinds[0].tiers: tiers must ascend: "
            "tiers[1].up_to 4000 is not above tiers[0].up_to 5000",
        ),
        (
            (("{up_to: 50000, steps:", "{steps:"),),
            "approvals.kinds[0].tiers: tiers[1] needs an up_to: only the last tier has none",
        ),
        (
            (
                (
                    "- {steps: [direct_superior, unit_head, finance, director]}",
                    "- {up_to: 90000, steps: [finance]}",
                ),
            ),
            "approvals.kinds[0].tiers: the last tier (tiers[2]) must have no up_to: "
            "it covers every larger amount",
        ),
        (
            (("{up_to: 5000, steps: [direct_superior, finance]}", "{up_to: -5, steps: [finance]}"),),
            "approvals.kinds[0].tiers[0].up_to: Input should be greater than 0",
        ),
        (
            (("{steps: [direct_superior, unit_head]}", "{steps: [next_level, unit_head]}"),),
            "approvals.kinds[5].tiers[0].steps: "
            "next_level is the superior of the step before it, so it cannot come first",
        ),
        (
            (("{steps: [unit_head, director]}", "{steps: []}"),),
            "approvals.kinds[4].tiers[0].steps: Tuple should have at least 1 item after validation, not 0",
        ),
        (
            (("      fields: [amount, details]\n      returnable: true\n", "      returnable: true\n"),),
            "approvals.kinds[0]: fields must include amount: the tiers are graded by amount (up_to)",
        ),
        (
            (
                (
                    "fields: [deadline, details]\n      tiers:\n        - {steps: [unit_head, director]}",
                    "fields: [amount, details]\n      tiers:\n        - {steps: [unit_head, director]}",
                ),
            ),
            "approvals.kinds[4]: fields include amount but there is a single tier: add tiers with up_to, or "
            "drop amount",
        ),
        (
            (("fields: [target_unit, deadline, details]", "fields: [deadline, details]"),),
            "approvals.kinds[9]: fields must include target_unit: a step is receiving_unit_head",
        ),
        (
            (("fields: [start_date, end_date, details]", "fields: [start_date, end_date, target_unit]"),),
            "approvals.kinds[5]: fields include target_unit but no step is receiving_unit_head",
        ),
        (
            (("fields: [start_date, end_date, details]", "fields: [start_date, end_date, start_date]"),),
            "approvals.kinds[5].fields: field(s) listed twice: start_date",
        ),
        (
            (("fields: [start_date, end_date, details]", "fields: [start_date, end_date, purpose]"),),
            "approvals.kinds[5].fields[2]: "
            "Input should be 'amount', 'start_date', 'end_date', 'target_unit', 'deadline' or 'details'",
        ),
        (
            (("key: project_change", "key: project_initiation"),),
            "approvals.kinds: kind keys must be unique; repeated: project_initiation",
        ),
        (
            (
                (
                    "returnable: true\n      tiers:\n        - {up_to: 5000",
                    "returnable: true\n      approver: U0SUNLI\n      tiers:\n        - {up_to: 5000",
                ),
            ),
            "approvals.kinds[0].approver: Extra inputs are not permitted",
        ),
        (
            (("finance: {unit: finance,", "finance: {unit: finanse,"),),
            "approvals.functions.finance.unit: "
            "unknown unit 'finanse'; units are: business, center, finance, ",
        ),
        (
            (("technical_support: {unit: tech,", "technical_support: {unit: tech, role: director,"),),
            "approvals.functions.technical_support: give either unit (the head of that unit) or role (the "
            "holder of that role)",
        ),
        (
            (("qc: {unit: quality,", "qc: {role: chief,"),),
            "approvals.functions.qc.role: Input should be 'director', 'deputy_director', ",
        ),
        (
            (("    director: {role: director,", "    unit_head: {role: director,"),),
            "approvals.functions: unit_head: already a step relative to the requester; name it otherwise",
        ),
        (
            (("approvals:\n", "approvals:\n  escalate_after_hours: 8\n"),),
            "approvals: escalate_after_hours is now a ladder step; write it as ladders: "
            "{approval.step: [… {after: 8, do: escalate, to: [superior]}]}",
        ),
        (
            (("currency: CNY", "currency: yuan"),),
            "approvals.currency: 'yuan' is not the expected form (^[A-Z]{3}$)",
        ),
    ],
)
def test_mistakes_in_the_approvals_section_name_their_field(replacements, expected):
    problems = problems_of(broken(*replacements))
    assert any(problem.startswith(expected) for problem in problems), problems


def test_several_mistakes_are_reported_together():
    problems = problems_of(
        broken(
            ("{up_to: 100000, steps: [unit_head,", "{up_to: 100000, steps: [cfo,"),
            ("finance: {unit: finance,", "finance: {unit: finanse,"),
            ("currency: CNY", "currency: yuan"),
        )
    )
    assert [problem.split(":")[0] for problem in problems] == [
        "approvals.currency",
        "approvals.functions.finance.unit",
        "approvals.kinds[2].tiers[1].steps[0]",
    ]


def test_every_mistake_in_one_kind_is_reported_at_once():
    problems = problems_of(
        broken(
            ("{up_to: 5000, steps: [direct_superior, finance]}", "{up_to: 5000, steps: [next_level, cfo]}"),
            ("{up_to: 50000, steps:", "{up_to: 4000, steps:"),
            (
                "      fields: [amount, details]\n      returnable: true\n",
                "      fields: [details, details]\n",
            ),
        )
    )
    assert problems == [
        "approvals.kinds[0].tiers[0].steps[1]: unknown step 'cfo'; steps are: direct_superior, next_level, "
        "receiving_unit_head, unit_head, director, finance, qc, technical_support",
        "approvals.kinds[0].tiers[0].steps: next_level is the superior of the step before it, so it cannot "
        "come first",
        "approvals.kinds[0].fields: field(s) listed twice: details",
        "approvals.kinds[0].tiers: tiers must ascend: tiers[1].up_to 4000 is not above tiers[0].up_to 5000",
        "approvals.kinds[0]: fields must include amount: the tiers are graded by amount (up_to)",
    ]


def test_an_unknown_step_does_not_hide_the_mistakes_of_other_kinds_and_functions():
    problems = problems_of(
        broken(
            ("{up_to: 100000, steps: [unit_head,", "{up_to: 100000, steps: [cfo,"),
            ("key: project_change", "key: project_initiation"),
            ("qc: {unit: quality,", "qc: {unit: qualty,"),
            (
                "    director: {role: director,",
                "    unit_head: {role: director}\n    director: {role: director,",
            ),
        )
    )
    assert [problem.split(": ")[0] for problem in problems] == [
        "approvals.functions.qc.unit",
        "approvals.kinds[2].tiers[1].steps[0]",
        "approvals.functions",
        "approvals.kinds",
    ], problems
    assert problems[2] == (
        "approvals.functions: unit_head: already a step relative to the requester; name it otherwise"
    )
    assert problems[3] == "approvals.kinds: kind keys must be unique; repeated: project_initiation"


def test_a_center_file_without_approvals_is_refused():
    text = EXAMPLE_CENTER.read_text()
    text = text[: text.index("\n# Approvals:")]
    assert problems_of(text) == ["approvals: Field required"]


def test_without_a_context_unknown_steps_are_still_found_with_their_path():
    raw = yaml.safe_load(
        broken(
            ("{up_to: 100000, steps: [unit_head,", "{up_to: 100000, steps: [cfo,"),
        )
    )
    with pytest.raises(ValidationError) as raised:
        ApprovalSettings.model_validate(raw["approvals"])
    assert [(error["loc"], error["msg"]) for error in raised.value.errors()] == [
        (
            ("kinds", 2, "tiers", 1, "steps", 0),
            "Value error, unknown step 'cfo'; steps are: direct_superior, next_level, receiving_unit_head, "
            "unit_head, director, finance, qc, technical_support",
        )
    ]


def test_defaults():
    settings = ApprovalSettings.model_validate(
        {"kinds": [{"key": "leave", "name": "Leave", "tiers": [{"steps": ["direct_superior"]}]}]}
    )
    assert settings.currency == "CNY"
    assert settings.functions == {}
    assert settings.kind("leave").returnable is False
