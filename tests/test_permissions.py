"""The role × action matrix, checked as a table and through the pages themselves."""

import pytest

from tracker.extensions import db
from tracker.models import ChecklistTask, Role
from tracker.permissions import MATRIX, Permission, role_may

# Written out by hand from DESIGN.md section 1, so a change to the matrix is a deliberate one.
EXPECTED = {
    Permission.VIEW: {"lead", "steering", "champion", "consultant", "observer"},
    Permission.EDIT_CHECKLIST_TASK: {"lead", "steering", "consultant"},
    Permission.ADD_LOCAL_TASK: {"lead"},
    Permission.MARK_PHASE_OUTCOME: {"lead", "steering", "consultant"},
    Permission.SET_CURRENT_PHASE: {"lead"},
    Permission.CREATE_ACTION: {"lead", "steering", "consultant", "champion"},
    Permission.UPDATE_OWN_ACTION: {"lead", "steering", "consultant", "champion"},
    Permission.UPDATE_ANY_ACTION: {"lead", "steering", "consultant"},
    Permission.OWN_ACTIONS: {"lead", "steering", "consultant", "champion"},
    Permission.ASSIGN_ACTIONS: {"lead", "steering", "consultant"},
    Permission.BULK_UPDATE_ACTIONS: {"lead", "steering", "consultant"},
    Permission.IMPORT_ACTIONS: {"lead", "steering"},
    Permission.MANAGE_WORKSTREAMS: {"lead", "steering"},
    Permission.MANAGE_MILESTONES: {"lead", "steering"},
    Permission.MANAGE_STAKEHOLDERS: {"lead", "steering", "consultant"},
    Permission.MANAGE_ENGAGEMENTS: {"lead", "steering", "consultant"},
    Permission.RECORD_FEEDBACK: {"lead", "steering", "consultant", "champion"},
    Permission.MANAGE_MEETINGS: {"lead", "steering", "consultant"},
    Permission.RECORD_MEETINGS: {"lead", "steering", "consultant"},
    Permission.MANAGE_GROUPS: {"lead", "steering"},
    Permission.FILL_ACTION_SHEET: {"lead", "steering", "consultant", "champion"},
    Permission.ENTER_OUTCOMES: {"lead", "steering"},
    Permission.MANAGE_COST_SCENARIOS: {"lead", "steering"},
    Permission.WRITE_POSTCARDS: {"lead", "steering", "consultant", "champion"},
    Permission.ANSWER_POSTCARDS: {"lead", "steering", "consultant", "champion"},
    Permission.MANAGE_FRAMEWORK_REGISTER: {"lead", "steering"},
    Permission.RECORD_TRAINING: {"lead", "steering", "champion"},
    Permission.RATE_FIDELITY: {"lead", "steering", "champion"},
    Permission.LOG_ADAPTATIONS: {"lead", "steering"},
    Permission.SET_HEALTH_THRESHOLDS: {"lead"},
    Permission.MANAGE_EVALUATION: {"lead", "steering"},
    Permission.EXPORT_RECORD: {"lead"},
}


def test_matrix_covers_every_permission():
    assert set(MATRIX) == set(Permission) == set(EXPECTED)


@pytest.mark.parametrize("permission", list(Permission))
@pytest.mark.parametrize("role", list(Role))
def test_role_matrix(role, permission):
    assert role_may(role, permission) == (role.value in EXPECTED[permission])


def test_observer_holds_no_write():
    assert [p for p in Permission if p != Permission.VIEW and role_may(Role.OBSERVER, p)] == []


def test_no_role_means_no_permission():
    assert not any(role_may(None, p) for p in Permission)


def _first_task(programme):
    return db.session.execute(
        db.select(ChecklistTask).where(ChecklistTask.programme_id == programme.id).limit(1)
    ).scalar_one()


@pytest.mark.parametrize("role", list(Role))
def test_pages_follow_the_matrix(role, client, signed_in, programme):
    signed_in(role)
    task = _first_task(programme)
    base = "/a/testshire/checklist"
    expect_edit = 200 if role.value in EXPECTED[Permission.EDIT_CHECKLIST_TASK] else 403
    expect_add = 200 if role.value in EXPECTED[Permission.ADD_LOCAL_TASK] else 403

    assert client.get(f"{base}/tasks/{task.id}").status_code == 200
    assert client.get(f"{base}/tasks/{task.id}/edit").status_code == expect_edit
    assert client.get(f"{base}/phase/1/tasks/new").status_code == expect_add
    page = client.get(f"{base}/tasks/{task.id}").get_data(as_text=True)
    assert ("Update this task" in page) == (expect_edit == 200)


def test_champion_can_read_but_not_change_the_checklist(client, signed_in, programme):
    signed_in(Role.CHAMPION)
    task = _first_task(programme)
    assert client.get("/a/testshire/checklist/phase/1").status_code == 200
    response = client.post(
        f"/a/testshire/checklist/tasks/{task.id}/edit",
        data={"status": "done", "owner": "", "notes": "sneaky"},
    )
    assert response.status_code == 403
    db.session.refresh(task)
    assert task.notes == "" and task.status.value == "not_started"
