"""Actions: the log, RAG, the action page, edits, notes, bulk changes, CSV in and out."""

import csv
import io
import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import form_errors
from tracker import clock
from tracker.actions import services
from tracker.extensions import db
from tracker.models import Action, ActionNote, ActionStatus, ChecklistTask, Role
from tracker.plan import services as plan
from tracker.rag import rag

BASE = "/a/testshire/actions"
TODAY = date(2026, 11, 23)


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 23, 12, 0))


def _action(programme, title="Brief the IRO service", **values) -> Action:
    action = services.create_action(programme, title=title, actor=None, **values)
    db.session.commit()
    return action


def _form(action=None, **fields):
    data = {"title": "Brief the IRO service", "details": "", "owner": "", "owner_name": "",
            "due_date": ["", "", ""], "status": "open", "dropped_reason": "", "workstream": "",
            "milestone": ""}
    if action is not None:
        data["version"] = action.version
    data.update(fields)
    return data


# -- the RAG rule in the database agrees with the rule in Python ----------------------------

def test_sql_rag_agrees_with_python_rag(programme):
    cases = []
    for offset in (None, -10, -1, 0, 1, 7, 8, 30):
        for owner_name in ("", "Head of Commissioning"):
            for status in ActionStatus:
                due = TODAY + timedelta(days=offset) if offset is not None else None
                cases.append(_action(programme, title=f"{offset} {owner_name} {status}",
                                     due_date=due, owner_name=owner_name, status=status))
    colours = dict(db.session.execute(
        select(Action.id, services.rag_column(TODAY))).all())
    for action in cases:
        expected = rag(action.due_date, has_owner=action.has_owner,
                       finished=action.status.finished, today=TODAY)
        assert colours[action.id] == (expected.colour.value if expected else None), action.title


# -- creating and showing -------------------------------------------------------------------

def test_steering_member_logs_an_action(client, signed_in, programme, member):
    me = signed_in(Role.STEERING)
    owner = member(Role.CHAMPION, name="Cara Champion")
    response = client.post(f"{BASE}/new", data=_form(
        title="Share the one-minute guide", owner=str(owner.id), due_date=["30", "11", "2026"],
        details="With the **pilot teams**"))
    assert response.status_code == 302
    action = db.session.execute(select(Action)).scalar_one()
    assert action.owner_id == owner.id and action.created_by_id == me.id
    page = client.get(f"{BASE}/{action.id}").get_data(as_text=True)
    assert "Amber" in page and "due in 7 days" in page
    assert "<strong>pilot teams</strong>" in page
    assert "Cara Champion" in page


def test_owner_without_an_account(client, signed_in, programme):
    signed_in(Role.LEAD)
    client.post(f"{BASE}/new", data=_form(owner_name="Head of Commissioning",
                                          due_date=["1", "3", "2027"]))
    action = db.session.execute(select(Action)).scalar_one()
    assert action.owner_id is None and action.owner_label == "Head of Commissioning"
    assert services.action_rag(action, TODAY).colour.value == "green"


def test_action_form_says_what_to_fix_and_keeps_what_was_typed(client, signed_in, programme):
    signed_in(Role.LEAD)
    response = client.post(f"{BASE}/new", data=_form(
        title="", details="kept details", status="dropped", due_date=["30", "2", "2027"]))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert form_errors(page) == ["Enter what needs to be done",
                                 "Due date must be a real date, like 27 3 2027",
                                 "Say why the action was dropped"]
    assert "kept details" in page


def test_actions_beneath_a_checklist_task(client, signed_in, programme):
    signed_in(Role.LEAD)
    task = db.session.execute(select(ChecklistTask).where(
        ChecklistTask.programme_id == programme.id, ChecklistTask.phase == 2,
        ChecklistTask.number == 3)).scalar_one()
    response = client.post(f"{BASE}/new?task={task.id}", data=_form(
        title="Draft the policy", due_date=["1", "11", "2026"]))
    assert response.status_code == 302
    page = client.get(f"/a/testshire/checklist/tasks/{task.id}").get_data(as_text=True)
    assert "Draft the policy" in page
    # The task has no due date of its own but an overdue action makes it red.
    assert "1 action overdue" in page


def test_champion_adds_and_updates_only_their_own_actions(client, signed_in, programme, member):
    me = signed_in(Role.CHAMPION)
    other = member(Role.STEERING)
    refused = client.post(f"{BASE}/new", data=_form(owner=str(other.id)))
    assert form_errors(refused.get_data(as_text=True)) == ["You can only add actions that you own"]
    assert client.post(f"{BASE}/new", data=_form(owner=str(me.id))).status_code == 302
    mine = db.session.execute(select(Action)).scalar_one()
    theirs = _action(programme, title="Theirs", owner=other)
    assert client.get(f"{BASE}/{mine.id}/edit").status_code == 200
    assert client.get(f"{BASE}/{theirs.id}/edit").status_code == 403
    assert client.post(f"{BASE}/{theirs.id}/notes", data={"text": "x"}).status_code == 403
    done = client.post(f"{BASE}/{mine.id}/edit", data=_form(mine, owner=str(me.id),
                                                             status="done"))
    assert done.status_code == 302
    db.session.refresh(mine)
    assert mine.status == ActionStatus.DONE and mine.completed_by_id == me.id


def test_notes_and_changes_show_as_one_timeline(client, signed_in, programme):
    signed_in(Role.LEAD)
    action = _action(programme)
    client.post(f"{BASE}/{action.id}/notes", data={"text": "Booked for the team meeting"})
    client.post(f"{BASE}/{action.id}/edit", data=_form(action, status="in_progress"))
    page = client.get(f"{BASE}/{action.id}").get_data(as_text=True)
    assert "Booked for the team meeting" in page
    assert "Open → In progress" in page
    assert "progress note" in page
    empty = client.post(f"{BASE}/{action.id}/notes", data={"text": " "})
    assert form_errors(empty.get_data(as_text=True)) == ["Enter the progress note"]


def test_a_note_keeps_when_the_action_was_last_noted_but_is_not_an_edit(
        client, signed_in, programme):
    """noted_at (read by programme health's stalled actions) follows the latest note, even one
    dated earlier; the note leaves the action's version, which guards someone's open edit
    form, and its last update as they were."""
    me = signed_in(Role.LEAD)
    action = _action(programme)
    db.session.commit()
    version, updated = action.version, action.updated_at
    assert action.noted_at is None
    client.post(f"{BASE}/{action.id}/notes", data={"text": "Booked for the team meeting"})
    first = db.session.execute(select(ActionNote.at).where(ActionNote.action_id == action.id)
                               ).scalar_one()
    db.session.refresh(action)
    assert action.noted_at == first
    assert (action.version, action.updated_at) == (version, updated)
    earlier = services.add_note(action, "Written up from last week", me)
    earlier.at = first - timedelta(days=7)
    db.session.flush()
    assert action.noted_at == first  # the loaded action is kept in step, without a reload
    services.add_note(action, "Chased", me)
    db.session.flush()
    latest = max(n.at for n in action.notes)
    assert latest > first and action.noted_at == latest
    db.session.commit()
    assert db.session.execute(select(Action.noted_at).where(Action.id == action.id)
                              ).scalar_one() == latest
    # An edit form opened before the notes still saves.
    assert client.post(f"{BASE}/{action.id}/edit", data=_form(
        action, status="in_progress", version=version)).status_code == 302


def test_stale_action_edit_is_refused(app, client, signed_in, programme, member):
    signed_in(Role.LEAD)
    other = member(Role.STEERING, name="Fast Fingers")
    action = _action(programme)
    opened = action.version
    second = app.test_client()
    second.post("/login", data={"email": other.email, "password": "correct horse battery"})
    assert second.post(f"{BASE}/{action.id}/edit", data=_form(action, status="done")).status_code == 302
    response = client.post(f"{BASE}/{action.id}/edit", data={**_form(action), "version": opened,
                                                             "details": "my words"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Fast Fingers" in page and "Open → Done" in page and "my words" in page


def test_an_edit_without_its_version_is_refused_and_saves_nothing(client, signed_in, programme):
    signed_in(Role.LEAD)
    action = _action(programme)
    form = _form(action, title="Overwritten blind")
    del form["version"]
    response = client.post(f"{BASE}/{action.id}/edit", data=form)
    assert response.status_code == 400, response.location
    assert "reload it and make your change again" in response.get_data(as_text=True)
    db.session.refresh(action)
    assert action.title == "Brief the IRO service"


# -- the log ----------------------------------------------------------------------------------

def test_log_opens_on_open_actions_and_filters(client, signed_in, programme, member):
    me = signed_in(Role.LEAD)
    other = member(Role.STEERING, name="Other Person")
    _action(programme, title="Mine overdue", owner=me, due_date=TODAY - timedelta(days=2))
    _action(programme, title="Theirs soon", owner=other, due_date=TODAY + timedelta(days=3))
    _action(programme, title="Finished one", owner=me, status=ActionStatus.DONE)
    page = client.get(BASE).get_data(as_text=True)
    assert "Mine overdue" in page and "Theirs soon" in page and "Finished one" not in page
    mine = client.get(f"{BASE}?owner=mine").get_data(as_text=True)
    assert "Mine overdue" in mine and "Theirs soon" not in mine and "Finished one" in mine
    red = client.get(f"{BASE}?rag=red").get_data(as_text=True)
    assert "Mine overdue" in red and "Theirs soon" not in red
    assert "Red</strong><span class=\"app-rag__reason\"> 2 days overdue" in red
    search = client.get(f"{BASE}?q=THEIRS").get_data(as_text=True)
    assert "Theirs soon" in search and "Mine overdue" not in search
    ranged = client.get(f"{BASE}?due_from=1&due_from=12&due_from=2026").get_data(as_text=True)
    assert "<strong>0</strong> actions" in ranged


def test_log_paginates(client, signed_in, programme):
    signed_in(Role.LEAD)
    for i in range(60):
        _action(programme, title=f"Action {i:02d}", due_date=TODAY + timedelta(days=i))
    first = client.get(BASE).get_data(as_text=True)
    assert "Action 00" in first and "Action 59" not in first
    assert "showing 1 to 50" in first
    second = client.get(f"{BASE}?page=2").get_data(as_text=True)
    assert "Action 59" in second and "Action 00" not in second


def test_csv_export_is_exactly_what_the_filters_show(client, signed_in, programme):
    me = signed_in(Role.LEAD)
    _action(programme, title="Café, with a comma", owner=me, due_date=date(2027, 1, 31))
    _action(programme, title="Not mine", owner_name="Head of Commissioning")
    response = client.get(f"{BASE}/export.csv?owner=mine")
    body = response.get_data()
    assert response.mimetype == "text/csv"
    assert body.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert [r["title"] for r in rows] == ["Café, with a comma"]
    assert rows[0]["due_date"] == "2027-01-31" and rows[0]["owner_email"] == me.email


def test_bulk_reassign_and_redate(client, signed_in, programme, member):
    signed_in(Role.STEERING)
    new_owner = member(Role.STEERING, name="New Owner")
    a, b, c = (_action(programme, title=t) for t in "abc")
    response = client.post(f"{BASE}/bulk", data={
        "action_ids": [a.id, b.id], "owner": str(new_owner.id), "apply_owner": "y",
        "due_date": ["", "", ""]})
    assert response.status_code == 302
    client.post(f"{BASE}/bulk", data={"action_ids": [b.id, c.id], "owner": "",
                                      "due_date": ["9", "1", "2027"], "apply_due": "y"})
    db.session.expire_all()
    assert [x.owner_id for x in (a, b, c)] == [new_owner.id, new_owner.id, None]
    assert [x.due_date for x in (a, b, c)] == [None, date(2027, 1, 9), date(2027, 1, 9)]
    assert "Owner" in services.timeline(a)[0].event.changes


def test_bulk_without_a_selection_says_so(client, signed_in, programme):
    signed_in(Role.LEAD)
    response = client.post(f"{BASE}/bulk", data={"owner": "", "due_date": ["1", "1", "2027"],
                                                 "apply_due": "y"}, follow_redirects=True)
    assert "Select the actions to change" in response.get_data(as_text=True)


def test_champions_cannot_bulk_change(client, signed_in, programme):
    signed_in(Role.CHAMPION)
    assert client.post(f"{BASE}/bulk", data={}).status_code == 403


IMPORT_OK = ("title,owner_email,owner_name,due_date,status,workstream\r\n"
             "Write the policy,{email},,2027-02-01,open,Data\r\n"
             "Ask commissioners,,Head of Commissioning,,in_progress,\r\n")


def test_csv_import_previews_then_saves(client, signed_in, programme):
    me = signed_in(Role.LEAD)
    plan.create_workstream(programme, None, name="Data")
    db.session.commit()
    text = "\ufeff" + IMPORT_OK.format(email=me.email.upper())
    preview = client.post(f"{BASE}/import", data={"file": (io.BytesIO(text.encode()), "a.csv")},
                          content_type="multipart/form-data")
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Import 2 actions" in page
    assert db.session.execute(select(func.count()).select_from(Action)).scalar() == 0
    hidden = re.search(r'name="csv_text" type="hidden" value="([^"]*)"', page).group(1)
    import html
    done = client.post(f"{BASE}/import", data={"csv_text": html.unescape(hidden), "confirm": "1"})
    assert done.status_code == 302
    actions = db.session.execute(select(Action).order_by(Action.id)).scalars().all()
    assert [(a.title, a.owner_id, a.workstream.name if a.workstream else None) for a in actions] == [
        ("Write the policy", me.id, "Data"), ("Ask commissioners", None, None)]
    assert actions[1].owner_name == "Head of Commissioning"


def test_csv_import_lists_every_problem_and_saves_nothing(client, signed_in, programme):
    signed_in(Role.LEAD)
    text = ("title,owner_email,due_date,status,milestone\n"
            "Fine row,,2027-01-01,open,\n"
            ",stranger@example.org,31/13/2027,finished,Nope\n")
    response = client.post(f"{BASE}/import", data={"file": (io.BytesIO(text.encode()), "a.csv")},
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    for problem in ("title is empty", "owner_email stranger@example.org is not a member",
                    "due_date &#39;31/13/2027&#39; is not a real date",
                    "status &#39;finished&#39; is not one of",
                    "milestone &#39;Nope&#39; does not exist"):
        assert problem in page, problem
    assert "Row 3" in page and "Nothing has been imported" in page
    assert db.session.execute(select(func.count()).select_from(Action)).scalar() == 0


def test_import_without_a_title_column(client, signed_in, programme):
    signed_in(Role.LEAD)
    response = client.post(f"{BASE}/import", data={
        "file": (io.BytesIO(b"name,date\nx,y\n"), "a.csv")}, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "No column is matched to Title: choose the column that holds it" in page
    assert '<option value="" selected>Do not import</option>' in page  # nothing matched by name


# -- query counts -------------------------------------------------------------------------------

def _many(programme, owner, n):
    ws = plan.create_workstream(programme, None, name=f"Stream {n}")
    ms = plan.create_milestone(programme, None, title=f"Milestone {n}", target_date=TODAY)
    task = db.session.execute(select(ChecklistTask).where(
        ChecklistTask.programme_id == programme.id).limit(1)).scalar_one()
    db.session.add_all([
        Action(programme_id=programme.id, title=f"Bulk {i}", owner_id=owner.id if i % 2 else None,
               owner_name="" if i % 2 else "Named person", due_date=TODAY + timedelta(days=i % 40 - 20),
               status=list(ActionStatus)[i % 4], workstream=ws if i % 3 else None,
               milestone=ms if i % 5 else None, checklist_task=task if i % 7 == 0 else None)
        for i in range(n)])
    db.session.commit()


@pytest.mark.parametrize("path", [BASE, f"{BASE}?status=open&status=done&rag=red&sort=title",
                                  "/a/testshire/", "/a/testshire/timeline",
                                  "/a/testshire/milestones", "/a/testshire/workstreams"])
def test_pages_run_the_same_queries_with_10_or_2000_actions(client, signed_in, programme,
                                                             count_queries, path):
    me = signed_in(Role.LEAD)
    _many(programme, me, 10)
    client.get(path)
    with count_queries() as small:
        assert client.get(path).status_code == 200
    _many(programme, me, 2000)
    with count_queries() as large:
        assert client.get(path).status_code == 200
    assert large.count == small.count, large.statements[-5:]


def test_action_page_links_its_milestone_and_source_as_links_not_text(client, signed_in,
                                                                      programme):
    signed_in(Role.LEAD)
    milestone = plan.create_milestone(programme, None, title="Policy <signed> off",
                                      target_date=date(2027, 1, 1))
    task = db.session.execute(select(ChecklistTask).where(
        ChecklistTask.programme_id == programme.id, ChecklistTask.phase == 2,
        ChecklistTask.number == 3)).scalar_one()
    action = _action(programme, milestone=milestone, checklist_task=task)
    page = client.get(f"{BASE}/{action.id}").get_data(as_text=True)
    assert "&lt;a" not in page
    assert (f'<a class="govuk-link" href="/a/testshire/milestones/{milestone.id}">'
            "Policy &lt;signed&gt; off</a>") in page
    assert f'<a class="govuk-link" href="/a/testshire/checklist/tasks/{task.id}">' in page
