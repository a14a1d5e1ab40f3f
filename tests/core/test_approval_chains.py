"""Chain resolution on the example center: every kind, the tier boundaries, requesters at every level,
delegates, and the refusals (missing role, unknown kind), as people read them."""

from decimal import Decimal

import pytest

from handlers.app import wording
from opsbot.approvals.asking import MAX_AMOUNT
from opsbot.approvals.chains import ChainStep, MissingApprover, UnknownKind, department_of, resolve_chain
from opsbot.approvals.models import ApprovalRequest
from opsbot.approvals.phrases import label
from opsbot.approvals.policy import ApprovalSettings
from opsbot.center import Center
from opsbot.directory import Directory, Member, UnitInfo
from opsbot.errors import NotInDirectory, OpsError
from opsbot.registry import load_center, parse_center
from opsbot.settings import EXAMPLE_CENTER

SPECIALIST = "U0ZHENGHAO"  # intake group → business department; reports to Wu Fang (group leader)
SUPERVISOR = "U0YANGTAO"  # customer service; reports to Han Mei (manager)
MANAGER = "U0SUNLI"  # manager of business; reports to Qian Lei (deputy director)
DEPUTY = "U0QIANLEI"
DIRECTOR = "U0ZHAOMIN"


def directory_of(center: Center) -> Directory:
    """The directory load_directory would read after sync_directory(center), built without a database."""
    people = {
        p.slack_id: Member(
            slack_id=p.slack_id, name=p.name, role=p.role, unit=p.unit, reports_to=p.reports_to
        )
        for p in center.people
    }
    units = {
        unit.key: UnitInfo(key=unit.key, name=unit.name, parent=parent) for unit, parent in center.all_units()
    }
    return Directory(people=people, units=units)


def edited(*replacements: tuple[str, str]) -> Directory:
    text = EXAMPLE_CENTER.read_text()
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    return directory_of(parse_center(text))


def without(*slack_ids: str, repoint: tuple[str, str] | None = None) -> Directory:
    """The example center without some people; `repoint` (old, new) re-points whoever reported to them."""
    lines = EXAMPLE_CENTER.read_text().splitlines(keepends=True)
    gone = [line for line in lines if any(f"slack_id: {sid}," in line for sid in slack_ids)]
    assert len(gone) == len(slack_ids)
    return edited(*((line, "") for line in gone), *([repoint] if repoint else []))


CENTER = load_center(EXAMPLE_CENTER)
SETTINGS = CENTER.approvals
DIRECTORY = directory_of(CENTER)
SAY = wording(CENTER.calendar.zone)


def said(error: OpsError) -> str:
    """A refusal as the person reads it (in a form field: plain text)."""
    return SAY.plain(error.notice)


def names(chain: list[ChainStep]) -> list[tuple[str, str]]:
    return [(step.label, DIRECTORY.name_of(step.approver)) for step in chain]


def resolve(kind: str, requester: str, amount: str | None = None, **kwargs) -> list[ChainStep]:
    return resolve_chain(
        SETTINGS, kind, requester, DIRECTORY, amount=Decimal(amount) if amount else None, **kwargs
    )


# As a chain's label keeps them: relative steps by name, functions as the center file names them.
SUP, HEAD, FIN = "direct_superior", "unit_head", "Finance review"
TECH, QC, DIR = "Technical assessment", "QC risk assessment", "Director"

# (kind, requester, amount, target unit, expected chain as (label, approver name))
CHAINS = [
    # expense: ≤ 5,000 superior + finance; ≤ 50,000 + department head; above + director
    ("expense", SPECIALIST, "4999.99", None, [(SUP, "Wu Fang"), (FIN, "Shi Hong")]),
    ("expense", SPECIALIST, "4999", None, [(SUP, "Wu Fang"), (FIN, "Shi Hong")]),
    ("expense", SPECIALIST, "5000", None, [(SUP, "Wu Fang"), (FIN, "Shi Hong")]),
    ("expense", SPECIALIST, "5000.01", None, [(SUP, "Wu Fang"), (HEAD, "Sun Li"), (FIN, "Shi Hong")]),
    ("expense", SPECIALIST, "5001", None, [(SUP, "Wu Fang"), (HEAD, "Sun Li"), (FIN, "Shi Hong")]),
    ("expense", SPECIALIST, "48000", None, [(SUP, "Wu Fang"), (HEAD, "Sun Li"), (FIN, "Shi Hong")]),
    ("expense", SPECIALIST, "49999.99", None, [(SUP, "Wu Fang"), (HEAD, "Sun Li"), (FIN, "Shi Hong")]),
    ("expense", SPECIALIST, "50000", None, [(SUP, "Wu Fang"), (HEAD, "Sun Li"), (FIN, "Shi Hong")]),
    (
        "expense",
        SPECIALIST,
        "50000.01",
        None,
        [(SUP, "Wu Fang"), (HEAD, "Sun Li"), (FIN, "Shi Hong"), (DIR, "Zhao Min")],
    ),
    # The supervisor's superior is also the head of their department: the head's step goes one up.
    ("expense", SUPERVISOR, "800", None, [(SUP, "Han Mei"), (FIN, "Shi Hong")]),
    ("expense", SUPERVISOR, "48000", None, [(SUP, "Han Mei"), (HEAD, "Qian Lei"), (FIN, "Shi Hong")]),
    (
        "expense",
        SUPERVISOR,
        "60000",
        None,
        [(SUP, "Han Mei"), (HEAD, "Qian Lei"), (FIN, "Shi Hong"), (DIR, "Zhao Min")],
    ),
    # The manager is the department head: that step skips them and their superior (step 1) to the director.
    ("expense", MANAGER, "48000", None, [(SUP, "Qian Lei"), (HEAD, "Zhao Min"), (FIN, "Shi Hong")]),
    # …and above 50,000 the director step falls on the director again, with no one above: it is folded
    # into the director's step, so no one signs twice and the director's authority is still on the chain.
    (
        "expense",
        MANAGER,
        "60000",
        None,
        [(SUP, "Qian Lei"), (f"{HEAD} + {DIR}", "Zhao Min"), (FIN, "Shi Hong")],
    ),
    # A finance specialist: their superior is the finance head, so the finance step goes one up.
    ("expense", "U0TANGXIN", "800", None, [(SUP, "Shi Hong"), (FIN, "Zhao Min")]),
    # budget adjustment: ≤ 20,000 department head + finance; above + director
    ("budget_adjustment", SPECIALIST, "19999.99", None, [(HEAD, "Sun Li"), (FIN, "Shi Hong")]),
    ("budget_adjustment", SPECIALIST, "20000", None, [(HEAD, "Sun Li"), (FIN, "Shi Hong")]),
    (
        "budget_adjustment",
        SPECIALIST,
        "20000.01",
        None,
        [(HEAD, "Sun Li"), (FIN, "Shi Hong"), (DIR, "Zhao Min")],
    ),
    ("budget_adjustment", MANAGER, "20000", None, [(HEAD, "Qian Lei"), (FIN, "Shi Hong")]),
    # asset purchase: ≤ 10,000; ≤ 100,000 + technical assessment; above + director
    ("asset_purchase", SPECIALIST, "9999.99", None, [(HEAD, "Sun Li"), (FIN, "Shi Hong")]),
    ("asset_purchase", SPECIALIST, "10000", None, [(HEAD, "Sun Li"), (FIN, "Shi Hong")]),
    (
        "asset_purchase",
        SPECIALIST,
        "10000.01",
        None,
        [(HEAD, "Sun Li"), (TECH, "Qin Bo"), (FIN, "Shi Hong")],
    ),
    (
        "asset_purchase",
        SPECIALIST,
        "99999.99",
        None,
        [(HEAD, "Sun Li"), (TECH, "Qin Bo"), (FIN, "Shi Hong")],
    ),
    (
        "asset_purchase",
        SPECIALIST,
        "100000",
        None,
        [(HEAD, "Sun Li"), (TECH, "Qin Bo"), (FIN, "Shi Hong")],
    ),
    (
        "asset_purchase",
        SPECIALIST,
        "100000.01",
        None,
        [(HEAD, "Sun Li"), (TECH, "Qin Bo"), (FIN, "Shi Hong"), (DIR, "Zhao Min")],
    ),
    # A technical specialist: their department head is also the technical assessor, who signs once.
    (
        "asset_purchase",
        "U0XUKAI",
        "30000",
        None,
        [(HEAD, "Qin Bo"), (TECH, "Qian Lei"), (FIN, "Shi Hong")],
    ),
    # asset disposal: ≤ 5,000; above + director
    ("asset_disposal", SPECIALIST, "4999.99", None, [(HEAD, "Sun Li"), (FIN, "Shi Hong")]),
    ("asset_disposal", SPECIALIST, "5000", None, [(HEAD, "Sun Li"), (FIN, "Shi Hong")]),
    (
        "asset_disposal",
        SPECIALIST,
        "5000.01",
        None,
        [(HEAD, "Sun Li"), (FIN, "Shi Hong"), (DIR, "Zhao Min")],
    ),
    # seal use: department head, then the director
    ("seal_use", SPECIALIST, None, None, [(HEAD, "Sun Li"), (DIR, "Zhao Min")]),
    ("seal_use", SUPERVISOR, None, None, [(HEAD, "Han Mei"), (DIR, "Zhao Min")]),
    ("seal_use", MANAGER, None, None, [(HEAD, "Qian Lei"), (DIR, "Zhao Min")]),
    # The deputy director sits in the center itself: their department head is the director.
    ("seal_use", DEPUTY, None, None, [(f"{HEAD} + {DIR}", "Zhao Min")]),
    # leave: direct superior, then department head
    ("leave", SPECIALIST, None, None, [(SUP, "Wu Fang"), (HEAD, "Sun Li")]),
    ("leave", SUPERVISOR, None, None, [(SUP, "Han Mei"), (HEAD, "Qian Lei")]),
    ("leave", MANAGER, None, None, [(SUP, "Qian Lei"), (HEAD, "Zhao Min")]),
    # process change: business proposes → technical assessment → QC risk assessment → management
    (
        "process_change",
        SPECIALIST,
        None,
        None,
        [(SUP, "Wu Fang"), (TECH, "Qin Bo"), (QC, "He Ping"), (DIR, "Zhao Min")],
    ),
    (
        "process_change",
        MANAGER,
        None,
        None,
        [(SUP, "Qian Lei"), (TECH, "Qin Bo"), (QC, "He Ping"), (DIR, "Zhao Min")],
    ),
    # The QC manager proposing a change cannot assess its risk: their superior does.
    (
        "process_change",
        "U0HEPING",
        None,
        None,
        [(SUP, "Qian Lei"), (TECH, "Qin Bo"), (f"{QC} + {DIR}", "Zhao Min")],
    ),
    # project initiation: ≤ 100,000 head + tech + director; above + finance
    (
        "project_initiation",
        SPECIALIST,
        "99999.99",
        None,
        [(HEAD, "Sun Li"), (TECH, "Qin Bo"), (DIR, "Zhao Min")],
    ),
    (
        "project_initiation",
        SPECIALIST,
        "100000",
        None,
        [(HEAD, "Sun Li"), (TECH, "Qin Bo"), (DIR, "Zhao Min")],
    ),
    (
        "project_initiation",
        SPECIALIST,
        "100000.01",
        None,
        [(HEAD, "Sun Li"), (TECH, "Qin Bo"), (FIN, "Shi Hong"), (DIR, "Zhao Min")],
    ),
    # project plan change
    ("project_change", SPECIALIST, None, None, [(HEAD, "Sun Li"), (TECH, "Qin Bo"), (DIR, "Zhao Min")]),
    ("project_change", SUPERVISOR, None, None, [(HEAD, "Han Mei"), (TECH, "Qin Bo"), (DIR, "Zhao Min")]),
    # collaboration: the head of the receiving unit; a group's head is its group leader
    ("collaboration", SPECIALIST, None, "tech", [("receiving_unit_head", "Qin Bo")]),
    ("collaboration", SUPERVISOR, None, "intake", [("receiving_unit_head", "Wu Fang")]),
    ("collaboration", DIRECTOR, None, "quality", [("receiving_unit_head", "He Ping")]),
    # asking one's own unit: the head is the requester, so it goes one up
    ("collaboration", MANAGER, None, "business", [("receiving_unit_head", "Qian Lei")]),
]


@pytest.mark.parametrize(("kind", "requester", "amount", "target", "expected"), CHAINS)
def test_chains_of_the_example_center(kind, requester, amount, target, expected):
    chain = resolve(kind, requester, amount, target_unit=target)
    assert names(chain) == expected
    approvers = [step.approver for step in chain]
    assert requester not in approvers
    assert len(set(approvers)) == len(approvers)
    assert all(step.delegate is None for step in chain)


def test_every_kind_of_the_regulation_is_in_the_example_and_tested():
    keys = {kind.key for kind in SETTINGS.kinds}
    assert keys == {
        "expense",
        "budget_adjustment",
        "asset_purchase",
        "asset_disposal",
        "seal_use",
        "leave",
        "process_change",
        "project_initiation",
        "project_change",
        "collaboration",
    }
    assert {case[0] for case in CHAINS} == keys


def test_every_tier_boundary_is_tested_at_just_under_and_just_over():
    cent = Decimal("0.01")
    tested = {(case[0], Decimal(case[2])) for case in CHAINS if case[2] is not None}
    for kind in SETTINGS.kinds:
        for tier in kind.tiers:
            if tier.up_to is not None:
                for amount in (tier.up_to - cent, tier.up_to, tier.up_to + cent):
                    assert (kind.key, amount) in tested, (kind.key, amount)


def test_an_amount_at_a_boundary_is_in_the_lower_tier():
    kind = SETTINGS.kind("expense")
    assert kind.tier_for(Decimal("5000")) is kind.tiers[0]
    assert kind.tier_for(Decimal("5000.001")) is kind.tiers[1]
    assert kind.tier_for(Decimal("1e9")) is kind.tiers[-1]


def test_the_48000_expense_of_the_end_to_end_test():
    assert resolve("expense", SPECIALIST, "48000") == [
        ChainStep("direct_superior", "U0WUFANG", None),
        ChainStep("unit_head", "U0SUNLI", None),
        ChainStep("Finance review", "U0SHIHONG", None),
    ]


@pytest.mark.parametrize(
    ("kind", "amount", "step"),
    [
        ("expense", "100", "Direct superior"),
        ("leave", None, "Direct superior"),
        ("process_change", None, "Direct superior"),
        ("seal_use", None, "Department head"),
        ("budget_adjustment", "100", "Department head"),
    ],
)
def test_the_directors_own_request_is_refused_no_one_is_above_them(kind, amount, step):
    with pytest.raises(MissingApprover) as raised:
        resolve(kind, DIRECTOR, amount)
    assert said(raised.value).startswith(f"No one can take the “{step}” step of this request (")
    assert "Zhao Min" in said(raised.value) and "outside opsbot" in said(raised.value)


def test_a_delegate_decides_for_the_approver():
    chain = resolve("expense", SPECIALIST, "48000", delegations={"U0SUNLI": "U0ZHOUJIE"})
    assert [(s.approver, s.delegate) for s in chain] == [
        ("U0WUFANG", None),
        ("U0SUNLI", "U0ZHOUJIE"),
        ("U0SHIHONG", None),
    ]


@pytest.mark.parametrize(
    ("delegations", "why"),
    [
        ({"U0WUFANG": SPECIALIST}, "the delegate is the requester"),
        ({"U0WUFANG": "U0SUNLI"}, "the delegate approves another step"),
        ({"U0SHIHONG": "U0WUFANG"}, "the delegate approves an earlier step"),
        ({"U0WUFANG": "U0WUFANG"}, "a delegation to oneself"),
        ({"U0WUFANG": "U0GONE"}, "the delegate has left"),
    ],
)
def test_no_delegate_where_they_would_decide_twice_or_cannot(delegations, why):
    chain = resolve("expense", SPECIALIST, "48000", delegations=delegations)
    assert all(step.delegate is None for step in chain), why


def test_one_delegate_stands_in_for_one_step_only():
    chain = resolve(
        "expense", SPECIALIST, "48000", delegations={"U0WUFANG": "U0TANGXIN", "U0SHIHONG": "U0TANGXIN"}
    )
    assert [s.delegate for s in chain] == ["U0TANGXIN", None, None]


def test_a_delegation_of_someone_outside_the_chain_changes_nothing():
    plain = resolve("leave", SPECIALIST)
    assert resolve("leave", SPECIALIST, delegations={"U0HANMEI": "U0ZHULIN"}) == plain


def test_a_missing_function_names_the_role():
    directory = without("U0SHIHONG", "U0TANGXIN")
    with pytest.raises(MissingApprover) as raised:
        resolve_chain(SETTINGS, "expense", SPECIALIST, directory, amount=Decimal("800"))
    assert said(raised.value) == (
        "No one holds the finance function (head of Finance Department); "
        "ask an admin to complete the center file."
    )
    # Kinds without a finance step still resolve.
    assert len(resolve_chain(SETTINGS, "leave", SPECIALIST, directory)) == 2


def test_a_qc_inspector_alone_does_not_head_quality():
    directory = without("U0HEPING", repoint=("reports_to: U0HEPING", "reports_to: U0QIANLEI"))
    with pytest.raises(MissingApprover) as raised:
        resolve_chain(SETTINGS, "process_change", SPECIALIST, directory)
    assert "No one holds the qc function (head of Quality Control Department)" in said(raised.value)


def test_a_missing_role_function_names_the_role():
    settings = ApprovalSettings.model_validate(
        {
            "functions": {"service_supervisor": {"role": "supervisor"}},
            "kinds": [{"key": "leave", "name": "Leave", "tiers": [{"steps": ["service_supervisor"]}]}],
        }
    )
    assert names(resolve_chain(settings, "leave", SPECIALIST, DIRECTORY)) == [
        ("Service supervisor", "Yang Tao")
    ]
    with pytest.raises(MissingApprover) as raised:
        resolve_chain(
            settings, "leave", SPECIALIST, without("U0YANGTAO", repoint=("U0YANGTAO}", "U0HANMEI}"))
        )
    assert said(raised.value) == (
        "No one holds the service supervisor function (holder of the supervisor role); "
        "ask an admin to complete the center file."
    )


def test_next_level_is_the_superior_of_the_previous_approver():
    settings = ApprovalSettings.model_validate(
        {
            "kinds": [
                {"key": "leave", "name": "Leave", "tiers": [{"steps": ["direct_superior", "next_level"]}]},
            ]
        }
    )
    assert names(resolve_chain(settings, "leave", SPECIALIST, DIRECTORY)) == [
        ("direct_superior", "Wu Fang"),
        ("next_level", "Zhou Jie"),
    ]
    # Above the top of the center there is no next level: the director's step carries it.
    (merged,) = resolve_chain(settings, "leave", DEPUTY, DIRECTORY)
    assert (merged.label, merged.approver) == ("direct_superior + next_level", DIRECTOR)
    assert SAY.plain(label(merged.label)) == "Direct superior + Next level up"


def test_department_of_a_person():
    assert department_of("intake", DIRECTORY) == "business"
    assert department_of("business", DIRECTORY) == "business"
    assert department_of("center", DIRECTORY) == "center"


def test_an_unknown_kind_lists_the_kinds():
    with pytest.raises(UnknownKind) as raised:
        resolve("nosuchkind", SPECIALIST, "100")
    assert said(raised.value).startswith("There is no approval kind `nosuchkind`. Kinds are: expense, ")


def test_the_largest_amount_the_database_holds_is_accepted():
    column = ApprovalRequest.__table__.c.amount.type  # NUMERIC(precision, scale)
    assert Decimal(10) ** (column.precision - column.scale) - Decimal(10) ** -column.scale == MAX_AMOUNT
    assert [step.approver for step in resolve("expense", SPECIALIST, str(MAX_AMOUNT))][-1] == DIRECTOR


def test_someone_not_in_the_directory_cannot_ask():
    with pytest.raises(NotInDirectory):
        resolve("leave", "U0STRANGER")


def test_resolution_is_pure():
    first = resolve("expense", SPECIALIST, "60000", delegations={"U0SUNLI": "U0ZHOUJIE"})
    assert resolve("expense", SPECIALIST, "60000", delegations={"U0SUNLI": "U0ZHOUJIE"}) == first
