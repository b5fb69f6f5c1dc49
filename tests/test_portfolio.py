"""The consultant's portfolio, the checklist matrix and time in phase."""

import csv
import io
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from tracker import clock
from tracker.actions import services as actions
from tracker.checklist import services as checklist
from tracker.extensions import db
from tracker.models import Action, ChecklistTask, Programme, Role, TaskStatus

TODAY = date(2026, 11, 23)


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 23, 12, 0))


def _programme(authority):
    return db.session.execute(select(Programme).where(Programme.authority_id == authority.id)
                              ).scalar_one()


def _consultant_of(n, create_authority, create_user, add_member, auth):
    consultant = create_user("consultant@example.org", "Connie Consultant")
    authorities = []
    for i in range(n):
        authority = create_authority(f"Council {i:03d}", slug=f"council-{i:03d}")
        add_member(consultant, authority, Role.CONSULTANT)
        authorities.append(authority)
    auth.login(consultant)
    return consultant, authorities


def test_portfolio_lists_only_the_consultants_authorities(client, auth, create_authority,
                                                          create_user, add_member):
    _, (first, second) = _consultant_of(2, create_authority, create_user, add_member, auth)
    create_authority("Not Theirs Council", slug="not-theirs")
    programme = _programme(second)
    for i in range(3):
        actions.create_action(programme, title=f"Late {i}", actor=None, owner_name="Someone",
                              due_date=TODAY - timedelta(days=2))
    checklist.set_current_phase(programme, 2, None)
    db.session.commit()
    page = client.get("/portfolio").get_data(as_text=True)
    assert "Council 000" in page and "Council 001" in page and "Not Theirs" not in page
    assert "Phase 2: Pilot and scale-up" in page
    by_overdue = client.get("/portfolio?sort=overdue").get_data(as_text=True)
    table = by_overdue[by_overdue.index("<tbody"):]
    assert table.index("Council 001") < table.index("Council 000")
    assert 'href="/a/council-001/actions?rag=red"' in by_overdue


def test_consultants_land_on_their_portfolio(client, auth, create_authority, create_user,
                                             add_member):
    _consultant_of(2, create_authority, create_user, add_member, auth)
    assert client.get("/").headers["Location"] == "/portfolio"


def test_portfolio_is_404_for_everyone_else(client, signed_in):
    signed_in(Role.LEAD)
    for url in ("/portfolio", "/portfolio/matrix", "/portfolio/matrix.csv", "/portfolio/phases"):
        assert client.get(url).status_code == 404


def test_matrix_shows_which_tasks_are_skipped(client, auth, create_authority, create_user,
                                              add_member):
    _, authorities = _consultant_of(3, create_authority, create_user, add_member, auth)
    for authority in authorities[:2]:
        task = db.session.execute(select(ChecklistTask).where(
            ChecklistTask.programme_id == _programme(authority).id, ChecklistTask.phase == 1,
            ChecklistTask.number == 5)).scalar_one()
        task.status = TaskStatus.DONE
    db.session.commit()
    page = client.get("/portfolio/matrix").get_data(as_text=True)
    assert "Phase 1 Task 5:" in page and "Council 002" in page
    rows = list(csv.reader(io.StringIO(client.get("/portfolio/matrix.csv").get_data(as_text=True)
                                       .lstrip("\ufeff"))))
    assert rows[0][:3] == ["phase", "task", "title"] and rows[0][3:] == [
        "Council 000", "Council 001", "Council 002"]
    task5 = next(r for r in rows if r[0] == "1" and r[1] == "5")
    assert task5[3:] == ["done", "done", "not_started"]
    assert len(rows) == 1 + 16 + 12 + 9


def test_time_in_phase(client, auth, create_authority, create_user, add_member):
    _, (authority,) = _consultant_of(1, create_authority, create_user, add_member, auth)
    programme = _programme(authority)
    checklist.set_current_phase(programme, 2, None)
    db.session.commit()
    page = client.get("/portfolio/phases").get_data(as_text=True)
    assert "5 January 2026" in page  # phase 1 started with the programme
    assert "322" in page  # days from 5 January to 23 November, when phase 2 began
    assert "0 so far" in page


@pytest.mark.parametrize("path", ["/portfolio", "/portfolio/matrix", "/portfolio/phases"])
def test_portfolio_runs_fixed_queries_for_2_or_20_authorities(client, auth, create_authority,
                                                              create_user, add_member,
                                                              count_queries, path):
    consultant, _ = _consultant_of(2, create_authority, create_user, add_member, auth)
    with count_queries() as small:
        assert client.get(path).status_code == 200
    for i in range(18):
        authority = create_authority(f"More {i}", slug=f"more-{i}")
        add_member(consultant, authority, Role.CONSULTANT)
        actions.create_action(_programme(authority), title="Late", actor=None, owner_name="X",
                              due_date=TODAY - timedelta(days=1))
    db.session.commit()
    with count_queries() as large:
        assert client.get(path).status_code == 200
    assert large.count == small.count


def test_portfolio_of_150_authorities_runs_the_queries_of_one(client, auth, create_user,
                                                              count_queries):
    from tracker.admin import services as admin

    consultant = create_user("big@example.org", "Busy Consultant")

    def add_authorities(numbers):
        programme_ids = []
        for i in numbers:
            authority = admin.create_authority(f"Authority {i:03d}", slug=f"authority-{i:03d}",
                                               start_date=TODAY - timedelta(days=200))
            admin.add_member(consultant, authority, Role.CONSULTANT)
            programme_ids.append(_programme(authority).id)
        db.session.execute(Action.__table__.insert(), [
            {"programme_id": programme_id, "title": f"Action {j}", "details": "", "owner_id": None,
             "owner_name": "X", "dropped_reason": "", "due_date": TODAY + timedelta(days=j - 10),
             "status": "open", "created_at": clock.now(), "updated_at": clock.now(), "version": 1}
            for programme_id in programme_ids for j in range(20)])
        db.session.commit()

    add_authorities(range(1))
    auth.login(consultant)
    with count_queries() as one:
        assert client.get("/portfolio?sort=overdue").status_code == 200
    add_authorities(range(1, 150))  # 3,000 actions and 5,550 tasks in all
    with count_queries() as many:
        response = client.get("/portfolio?sort=overdue")
    assert response.status_code == 200 and "Authority 149" in response.get_data(as_text=True)
    assert many.count == one.count


def test_portfolio_and_digest_show_learning_sets(app, client, auth, create_authority, create_user,
                                                 add_member):
    from tracker.meetings import services as meetings
    from tracker.models import MeetingKind, MeetingStatus, OutboxMessage
    from tracker.notifications import jobs

    consultant, (authority,) = _consultant_of(1, create_authority, create_user, add_member, auth)
    programme = _programme(authority)
    held = meetings.create_meeting(programme, kind=MeetingKind.STRATEGIC_SET, number=1,
                                   day=TODAY - timedelta(days=20), actor=None)
    held.status = MeetingStatus.HELD
    meetings.create_meeting(programme, kind=MeetingKind.PRACTICE_SET, number=1,
                            day=TODAY + timedelta(days=9), actor=None)
    db.session.commit()
    page = client.get("/portfolio").get_data(as_text=True)
    assert "20 days ago" in page and "2 December 2026" in page
    assert jobs.queue_digests(TODAY) == 1
    digest = db.session.execute(select(OutboxMessage)).scalar_one().body_text
    assert "Learning sets in the next fortnight" in digest and "2 December 2026" in digest
    assert "Action lists not yet circulated" in digest


def _task(authority, phase, number):
    return db.session.execute(select(ChecklistTask).where(
        ChecklistTask.programme_id == _programme(authority).id, ChecklistTask.phase == phase,
        ChecklistTask.number == number)).scalar_one()


def test_skipped_means_set_aside_or_not_started_in_a_phase_left_behind():
    """Not reached yet is not skipped: a Phase 3 task nobody has started is waiting, not
    skipped, until the authority has moved past Phase 3."""
    from tracker.portfolio.services import is_skipped
    assert is_skipped(TaskStatus.NOT_APPLICABLE, task_phase=3, current_phase=1)
    assert is_skipped(TaskStatus.NOT_STARTED, task_phase=1, current_phase=2)
    assert not is_skipped(TaskStatus.NOT_STARTED, task_phase=2, current_phase=2)
    assert not is_skipped(TaskStatus.NOT_STARTED, task_phase=3, current_phase=2)
    assert not is_skipped(TaskStatus.IN_PROGRESS, task_phase=1, current_phase=3)
    assert not is_skipped(TaskStatus.DONE, task_phase=1, current_phase=3)


def test_matrix_counts_skips_filters_and_sorts_by_them_and_links_each_cell(
        client, auth, create_authority, create_user, add_member):
    _, (first, second) = _consultant_of(2, create_authority, create_user, add_member, auth)
    checklist.set_current_phase(_programme(first), 2, None)  # left Phase 1 behind
    _task(second, 2, 4).status = TaskStatus.NOT_APPLICABLE
    for number in range(1, 17):
        _task(first, 1, number).status = TaskStatus.DONE
    _task(first, 1, 7).status = TaskStatus.NOT_STARTED
    db.session.commit()
    page = client.get("/portfolio/matrix").get_data(as_text=True)
    row = page[page.index("Phase 3 Task 1:"):]
    row = row[:row.index("</tr>")]
    assert row.rstrip().endswith('<td class="govuk-table__cell govuk-table__cell--numeric">0</td>')
    skipped = client.get("/portfolio/matrix?show=skipped").get_data(as_text=True)
    body = skipped[skipped.index("<tbody"):]
    assert body.count("<tr") == 2
    assert "Phase 1 Task 7:" in body and "Phase 2 Task 4:" in body
    by_skips = client.get("/portfolio/matrix?sort=skipped").get_data(as_text=True)
    body = by_skips[by_skips.index("<tbody"):]
    assert body.index("Phase 1 Task 7:") < body.index("Phase 1 Task 5:")
    task = _task(first, 1, 7)
    assert f'href="/a/council-000/checklist/tasks/{task.id}"' in page


def test_portfolio_rows_count_overdue_actions_and_take_the_latest_change(
        create_authority, create_user, add_member, auth):
    from tracker.models import ActionStatus, AuditEvent
    from tracker.portfolio import services as portfolio

    consultant, (quiet, busy) = _consultant_of(2, create_authority, create_user, add_member, auth)
    programme = _programme(busy)
    for days, status in ((3, ActionStatus.OPEN), (1, ActionStatus.IN_PROGRESS),
                         (5, ActionStatus.DONE), (0, ActionStatus.OPEN)):
        action = actions.create_action(programme, title=f"Due {days} days ago", actor=None,
                                       owner_name="Someone", due_date=TODAY - timedelta(days=days))
        action.status = status
    actions.create_action(programme, title="Undated", actor=None, owner_name="Someone")
    db.session.flush()
    db.session.execute(AuditEvent.__table__.delete().where(
        AuditEvent.programme_id == _programme(quiet).id))
    latest = datetime(2026, 11, 20, 9, 30)
    db.session.add(AuditEvent(programme_id=programme.id, entity_type="action", entity_id=1,
                              action="updated", at=latest, changes={}, summary=""))
    db.session.flush()
    db.session.execute(AuditEvent.__table__.update().where(
        AuditEvent.programme_id == programme.id, AuditEvent.at > latest).values(at=latest))

    rows = {r.authority.slug: r for r in portfolio.rows(consultant, TODAY)}
    assert rows[busy.slug].overdue_actions == 2
    assert rows[busy.slug].last_activity == latest
    assert rows[quiet.slug].overdue_actions == 0 and rows[quiet.slug].last_activity is None
