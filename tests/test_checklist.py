"""The programme's copy of the Checklist: creation, pages, updates, history and stale edits."""

from dataclasses import replace

import pytest
from sqlalchemy import func, select

from tests.conftest import form_errors
from tracker.checklist import data, services
from tracker.extensions import db
from tracker.models import (
    AuditEvent,
    Authority,
    ChecklistTask,
    PhaseOutcome,
    Role,
    TaskStatus,
)

BASE = "/a/testshire/checklist"


def _task(programme, phase=1, number=5) -> ChecklistTask:
    return db.session.execute(
        select(ChecklistTask).where(
            ChecklistTask.programme_id == programme.id, ChecklistTask.phase == phase,
            ChecklistTask.number == number, ChecklistTask.is_local.is_(False),
        )
    ).scalar_one()


def _edit(client, task, **fields):
    form = {"status": "in_progress", "owner": "", "due_date": ["", "", ""], "notes": "",
            "evidence": "", "not_applicable_reason": "", "version": task.version}
    form.update(fields)
    return client.post(f"{BASE}/tasks/{task.id}/edit", data=form)


# -- making a programme -----------------------------------------------------------------------

def test_programme_copies_the_template_and_records_its_version(programme):
    template = data.load()
    assert programme.template_version == template.version
    counts = dict(db.session.execute(
        select(ChecklistTask.phase, func.count()).where(ChecklistTask.programme_id == programme.id)
        .group_by(ChecklistTask.phase)).all())
    assert counts == {p.number: len(p.tasks) for p in template.phases}
    task = _task(programme, 1, 11)
    assert [s["letter"] for s in task.subpoints] == ["a", "b", "c", "d"]
    assert _task(programme, 1, 2).reconstructed and _task(programme, 1, 2).basis
    outcomes = db.session.execute(select(func.count()).select_from(PhaseOutcome).where(
        PhaseOutcome.programme_id == programme.id)).scalar()
    assert outcomes == sum(len(p.outcomes) for p in template.phases)


def test_a_later_template_never_rewrites_an_existing_programme(programme):
    original = data.load()
    task = _task(programme)
    changed_phase = replace(original.phase(1), tasks=tuple(
        replace(t, title="Renamed in a later version") for t in original.phase(1).tasks))
    later = replace(original, version="2099.1", phases=(changed_phase, *original.phases[1:]))
    other = Authority(name="Laterville", slug="laterville")
    newer = services.create_programme(other, start_date=programme.start_date, template=later,
                                      name="Later")
    db.session.commit()
    db.session.refresh(task)
    assert task.title == original.phase(1).tasks[4].title
    assert programme.template_version == original.version
    assert newer.template_version == "2099.1"


# -- pages ---------------------------------------------------------------------------------------

def test_overview_shows_progress_per_phase(client, signed_in, programme):
    signed_in(Role.LEAD)
    page = client.get(BASE).get_data(as_text=True)
    assert "Phase 1: Preparation" in page and "Phase 3: Sustaining" in page
    assert "0 of 16</strong> tasks that apply are done" in page
    assert "Current phase" in page


def test_phase_page_lists_tasks_outcomes_and_marks_homewards(client, signed_in, programme):
    signed_in(Role.CHAMPION)
    page = client.get(f"{BASE}/phase/1").get_data(as_text=True)
    assert "Task 16:" in page and "Added by Homeward" in page
    assert "By the end of Phase 1" in page
    assert "Mark achieved" not in page  # champions read only


def test_task_page_shows_guidance_source_and_basis(client, signed_in, programme):
    signed_in(Role.OBSERVER)
    task = _task(programme, 1, 2)
    page = client.get(f"{BASE}/tasks/{task.id}").get_data(as_text=True)
    assert "Added by Homeward" in page and "Basis:" in page
    assert "Drawn from" in page and "NSPCC Implementation Checklist: By the end of Phase 1" in page
    assert "Suggested by Homeward" in page
    assert "Update this task" not in page


# -- updating a task --------------------------------------------------------------------------

def test_update_task_is_kept_attributed_and_shown_in_history(client, signed_in, programme,
                                                            member):
    me = signed_in(Role.STEERING)
    owner = member(Role.STEERING, name="Olive Owner")
    task = _task(programme)
    response = _edit(client, task, status="done", owner=str(owner.id),
                     due_date=["3", "4", "2026"], notes="Costed with *Annex 3*",
                     evidence="https://example.org/costs")
    assert response.status_code == 302
    db.session.refresh(task)
    assert task.status == TaskStatus.DONE and task.owner_id == owner.id
    assert task.completed_by_id == me.id and task.completed_at is not None
    assert str(task.due_date) == "2026-04-03"
    page = client.get(f"{BASE}/tasks/{task.id}").get_data(as_text=True)
    assert "<em>Annex 3</em>" in page
    assert "by " + me.name in page
    assert "Not started → Done" in page and "Olive Owner" in page
    assert "3 April 2026" in page


def test_moving_off_done_clears_the_completion(client, signed_in, programme):
    signed_in(Role.LEAD)
    task = _task(programme)
    _edit(client, task, status="done")
    db.session.refresh(task)
    _edit(client, task, status="in_progress")
    db.session.refresh(task)
    assert task.completed_at is None and task.completed_by_id is None


def test_not_applicable_needs_a_reason(client, signed_in, programme):
    signed_in(Role.LEAD)
    task = _task(programme)
    response = _edit(client, task, status="not_applicable", notes="typed notes stay")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert form_errors(page) == ["Say why this task does not apply to your authority"]
    assert "typed notes stay" in page
    ok = _edit(client, task, status="not_applicable", not_applicable_reason="Done by the region")
    assert ok.status_code == 302


@pytest.mark.parametrize("parts, message", [
    (["31", "2", "2027"], "Due date must be a real date, like 27 3 2027"),
    (["", "2", "2027"], "Due date must include a day"),
    (["1", "", ""], "Due date must include a month and year"),
    (["x", "2", "2027"], "Due date must be a real date, like 27 3 2027"),
])
def test_bad_dates_say_what_to_fix_and_keep_what_was_typed(client, signed_in, programme, parts,
                                                           message):
    signed_in(Role.LEAD)
    response = _edit(client, _task(programme), due_date=parts, notes="kept")
    page = response.get_data(as_text=True)
    assert form_errors(page) == [message]
    assert 'href="#due_date-day"' in page
    assert "kept" in page and f'value="{parts[1]}"' in page


def test_owner_must_be_a_member(client, signed_in, programme, create_user):
    signed_in(Role.LEAD)
    stranger = create_user()
    response = _edit(client, _task(programme), owner=str(stranger.id))
    assert response.status_code == 400
    assert form_errors(response.get_data(as_text=True)) == ["Not a valid choice."]


def test_second_save_of_a_stale_form_is_refused_and_nothing_is_lost(app, client, signed_in,
                                                                   programme, member):
    signed_in(Role.LEAD)
    other_person = member(Role.STEERING, name="Quick Colleague")
    task = _task(programme)
    opened_version = task.version
    # Someone else saves first.
    other = app.test_client()
    other.post("/login", data={"email": other_person.email, "password": "correct horse battery"})
    assert _edit(other, task, status="done", notes="their notes").status_code == 302
    # My save, from the form I opened before theirs, is refused.
    response = _edit(client, task, status="in_progress", notes="my careful notes",
                     version=opened_version)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else changed this task while you were editing it" in page
    assert "Quick Colleague" in page and "Not started → Done" in page
    assert "my careful notes" in page
    db.session.refresh(task)
    assert task.notes == "their notes"
    # Saving again, knowingly, keeps mine.
    new_version = int(__import__("re").search(r'name="version" type="hidden" value="(\d+)"',
                                              page).group(1))
    assert _edit(client, task, notes="my careful notes", version=new_version).status_code == 302
    db.session.refresh(task)
    assert task.notes == "my careful notes"


def test_saving_without_changes_records_nothing(client, signed_in, programme):
    signed_in(Role.LEAD)
    task = _task(programme)
    _edit(client, task, status="not_started")
    assert db.session.execute(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.entity_id == task.id, AuditEvent.entity_type == "checklist_task")).scalar() == 0


@pytest.mark.parametrize("notes", [
    "<script>alert('x')</script>hello",
    "[click](javascript:alert(1))",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
])
def test_notes_markdown_comes_out_inert(client, signed_in, programme, notes):
    signed_in(Role.LEAD)
    task = _task(programme)
    _edit(client, task, notes=notes)
    page = client.get(f"{BASE}/tasks/{task.id}").get_data(as_text=True)
    body = page[page.index('id="main-content"'):]
    # The history shows what was typed as escaped text; no live markup may come through.
    assert "<script>alert" not in body
    assert 'href="javascript:' not in body
    assert "<img" not in body


# -- local tasks, outcomes and phases --------------------------------------------------------

def test_lead_adds_a_local_task_shown_as_local(client, signed_in, programme):
    signed_in(Role.LEAD)
    response = client.post(f"{BASE}/phase/2/tasks/new", data={
        "title": "Brief the housing options team", "guidance": "", "owner": "",
        "due_date": ["", "", ""]})
    assert response.status_code == 302
    page = client.get(f"{BASE}/phase/2").get_data(as_text=True)
    assert "Local task 1: Brief the housing options team" in page
    assert "Local</strong>" in page
    second = client.post(f"{BASE}/phase/2/tasks/new", data={"title": "Another", "owner": ""})
    assert second.status_code == 302
    assert "Local task 2: Another" in client.get(f"{BASE}/phase/2").get_data(as_text=True)


def test_local_task_needs_a_title(client, signed_in, programme):
    signed_in(Role.LEAD)
    response = client.post(f"{BASE}/phase/2/tasks/new", data={"title": " ", "owner": "",
                                                               "guidance": "kept guidance"})
    page = response.get_data(as_text=True)
    assert form_errors(page) == ["Enter what needs to be done"]
    assert "kept guidance" in page


def test_outcome_marked_achieved_with_a_date(client, signed_in, programme):
    signed_in(Role.STEERING)
    outcome = db.session.execute(select(PhaseOutcome).where(
        PhaseOutcome.programme_id == programme.id).order_by(PhaseOutcome.id)).scalars().first()
    response = client.post(f"{BASE}/outcomes/{outcome.id}", data={
        "achieved_on": ["12", "5", "2026"], "version": outcome.version})
    assert response.status_code == 302
    page = client.get(f"{BASE}/phase/{outcome.phase}").get_data(as_text=True)
    assert "12 May 2026" in page
    overview = client.get(BASE).get_data(as_text=True)
    assert "1 of 8</strong> end-of-phase outcomes achieved" in overview


def test_lead_moves_the_programme_to_phase_2(client, signed_in, programme):
    signed_in(Role.LEAD)
    assert client.post(f"{BASE}/current-phase", data={"phase": "2"}).status_code == 302
    db.session.refresh(programme)
    assert programme.current_phase == 2
    assert services.phase_or_none(programme, 2).started_on is not None
    assert client.post(f"{BASE}/current-phase", data={"phase": "7"}).status_code == 400


# -- bounded queries -----------------------------------------------------------------------------

def _grow(programme, extra_tasks: int) -> None:
    for i in range(extra_tasks):
        db.session.add(ChecklistTask(programme_id=programme.id, phase=1, number=100 + i,
                                     is_local=True, title=f"Extra {i}", annexes=[], subpoints=[]))
    db.session.commit()


# The dashboard gathers a panel from every area, each in a fixed number of queries; programme
# health (issue 15) adds about twenty: one or two per signal, each batched over programmes,
# and the trend.
@pytest.mark.parametrize("path, most", [("/a/testshire/", 54), (BASE, 10), (f"{BASE}/phase/1", 11)])
def test_pages_run_a_fixed_number_of_queries(client, signed_in, programme, member,
                                             count_queries, path, most):
    lead = signed_in(Role.LEAD)
    client.get(path)
    with count_queries() as small:
        assert client.get(path).status_code == 200
    others = [member(Role.STEERING) for _ in range(3)]
    _grow(programme, 60)
    for i, task in enumerate(db.session.execute(select(ChecklistTask).where(
            ChecklistTask.programme_id == programme.id)).scalars()):
        task.owner_id = (others + [lead])[i % 4].id
    db.session.commit()
    with count_queries() as large:
        assert client.get(path).status_code == 200
    assert large.count == small.count, large.statements
    assert small.count <= most


def test_task_page_runs_a_fixed_number_of_queries(client, signed_in, programme, count_queries):
    signed_in(Role.LEAD)
    task = _task(programme)
    with count_queries() as before:
        client.get(f"{BASE}/tasks/{task.id}")
    for i in range(20):
        _edit(client, task, notes=f"edit {i}")
        db.session.refresh(task)
    with count_queries() as after:
        client.get(f"{BASE}/tasks/{task.id}")
    assert after.count == before.count
