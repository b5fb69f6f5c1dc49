"""The flask commands scripts depend on."""

from sqlalchemy import func, select

from tracker import demo
from tracker.extensions import db
from tracker.models import Authority, ChecklistTask, Membership, Role, User


def test_create_authority_user_and_member(runner):
    result = runner.invoke(args=["create-authority", "Seaview Council", "--slug", "seaview"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["create-user", "Ann@Example.org", "--name", "Ann Lead",
                                 "--password-stdin"], input="a long enough password\n")
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["add-member", "ann@example.org", "seaview", "lead"])
    assert result.exit_code == 0, result.output
    membership = db.session.execute(select(Membership)).scalar_one()
    assert membership.role == Role.LEAD
    assert db.session.execute(select(User)).scalar_one().check_password("a long enough password")


def test_cli_errors_are_clear(runner):
    result = runner.invoke(args=["create-user", "x@example.org", "--name", "X",
                                 "--password-stdin"], input="short\n")
    assert result.exit_code != 0 and "at least 12 characters" in result.output
    result = runner.invoke(args=["add-member", "nobody@example.org", "nowhere", "lead"])
    assert result.exit_code != 0 and "There is no account for nobody@example.org" in result.output
    result = runner.invoke(args=["add-member", "x@example.org", "nowhere", "boss"])
    assert result.exit_code != 0 and "boss" in result.output


def test_create_user_admin_flag(runner):
    result = runner.invoke(args=["create-user", "root@example.org", "--name", "Root", "--admin"])
    assert result.exit_code == 0
    assert db.session.execute(select(User)).scalar_one().is_site_admin


def test_demo_loads_once_and_resets(runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "lead@demo.example.org" in result.output and demo.DEMO_PASSWORD in result.output
    slugs = set(db.session.execute(select(Authority.slug)).scalars())
    assert slugs == {"demo", "northshire"}
    again = runner.invoke(args=["demo"])
    assert "already has data" in again.output
    reset = runner.invoke(args=["demo", "--reset"])
    assert reset.exit_code == 0
    assert db.session.execute(select(func.count()).select_from(Authority)).scalar() == 2


def test_demo_is_part_way_through_phase_2(runner):
    runner.invoke(args=["demo"])
    statuses = dict(db.session.execute(
        select(ChecklistTask.phase, func.count()).where(ChecklistTask.status == "done")
        .group_by(ChecklistTask.phase)).all())
    assert statuses[1] >= 12 and 0 < statuses.get(2, 0) < 12


def test_check_checklists(runner):
    result = runner.invoke(args=["check-checklists"])
    assert result.exit_code == 0 and "valid" in result.output
