"""The steering-group report."""

from datetime import date, datetime, timedelta

import pytest

from tracker import clock
from tracker.actions import services as actions
from tracker.extensions import db
from tracker.models import Role
from tracker.plan import services as plan

TODAY = date(2026, 11, 23)


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 23, 12, 0))


def test_report_gathers_the_rollout_for_the_meeting(client, signed_in, programme, member):
    signed_in(Role.OBSERVER)
    owner = member(Role.STEERING, name="Olive Owner")
    actions.create_action(programme, title="Send the policy to legal", actor=None, owner=owner,
                          due_date=TODAY - timedelta(days=3))
    plan.create_milestone(programme, None, title="Policy signed off",
                          target_date=TODAY + timedelta(days=40))
    db.session.commit()
    response = client.get("/a/testshire/report")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Steering group report, 23 November 2026" in page
    assert "Testshire County Council" in page
    assert "Olive Owner" in page and "Send the policy to legal" in page
    # The judgement first, then the most overdue actions (issue 15).
    assert page.index("Status:") < page.index("Needs a decision") < page.index(
        "The most overdue actions") < page.index("Checklist progress")
    assert "Policy signed off" in page
    assert "No outcome figures entered yet" in page
    assert "No cost scenario has been chosen" in page


def test_report_runs_fixed_queries(client, signed_in, programme, count_queries):
    signed_in(Role.LEAD)
    actions.create_action(programme, title="Late", actor=None, owner_name="P",
                          due_date=TODAY - timedelta(days=1))
    plan.create_milestone(programme, None, title="M", target_date=TODAY + timedelta(days=9))
    db.session.commit()
    with count_queries() as small:
        client.get("/a/testshire/report")
    for i in range(25):
        actions.create_action(programme, title=f"Late {i}", actor=None, owner_name=f"P{i % 5}",
                              due_date=TODAY - timedelta(days=i + 1))
        plan.create_milestone(programme, None, title=f"M{i}", target_date=TODAY + timedelta(days=i))
    db.session.commit()
    with count_queries() as large:
        client.get("/a/testshire/report")
    assert large.count == small.count
