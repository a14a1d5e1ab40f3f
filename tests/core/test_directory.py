from datetime import timedelta

import pytest
from sqlalchemy import func, select

from opsbot.audit import AuditEntry
from opsbot.directory import load_directory, sync_directory
from opsbot.errors import NotInDirectory
from opsbot.notices import Notice
from opsbot.registry import parse_center
from opsbot.roles import Role
from opsbot.settings import EXAMPLE_CENTER


def audit_count(db):
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(AuditEntry))


def test_loading_twice_changes_nothing_the_second_time(loaded, center, clock):
    before = audit_count(loaded)
    assert before == 7 + 17  # one row per unit and person added
    with loaded.transaction() as session:
        report = sync_directory(session, center, now=clock.now())
    assert report.unchanged
    assert audit_count(loaded) == before


def test_a_change_in_the_file_is_applied_and_audited(loaded, clock):
    text = EXAMPLE_CENTER.read_text()
    text = text.replace(
        "  - {slack_id: U0TANGXIN, name: Tang Xin, role: specialist, unit: finance, reports_to: U0SHIHONG}\n",
        "",
    )
    text = text.replace("name: Feng Yu, role: specialist", "name: Feng Yu, role: group_leader")
    with loaded.transaction() as session:
        report = sync_directory(session, parse_center(text), now=clock.now() + timedelta(days=1))
    assert (report.added, report.changed, report.deactivated) == (0, 1, 1)
    with loaded.reading() as session:
        directory = load_directory(session)
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id.desc()).limit(2)).all()
    assert directory.get("U0TANGXIN") is None
    assert directory.member("U0FENGYU").role is Role.GROUP_LEADER
    assert sorted(actions) == ["directory.changed", "directory.deactivated"]


def test_lookups_the_workflows_need(loaded):
    with loaded.reading() as session:
        directory = load_directory(session)
    chain = [person.name for person in directory.superior_chain("U0ZHENGHAO")]
    assert chain == ["Wu Fang", "Zhou Jie", "Sun Li", "Qian Lei", "Zhao Min"]
    assert directory.superior_chain("U0ZHAOMIN") == []
    assert directory.holder(Role.DEPUTY_MANAGER, "business").name == "Zhou Jie"
    assert directory.holder(Role.QC_INSPECTOR, "quality").name == "Lu Yan"
    assert directory.holder(Role.MANAGER, "intake") is None
    assert directory.head_of("intake").name == "Wu Fang"
    assert directory.head_of("quality").name == "He Ping"
    assert [unit.key for unit in directory.unit_path("intake")] == ["intake", "business", "center"]


def test_an_unknown_user_gets_a_message_to_act_on(loaded):
    with loaded.reading() as session:
        directory = load_directory(session)
    with pytest.raises(NotInDirectory) as raised:
        directory.member("U0STRANGER")
    assert raised.value.notice == Notice("directory.not_in", {"slack_id": "U0STRANGER"})
