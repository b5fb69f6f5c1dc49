"""The Framework in use: its content as reference pages, the training register and its
coverage, fidelity ratings and their trend, the adaptation log, the signals other areas read,
permissions (champions record only their own team's), the staff import and query counts."""

import html
import io
import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import form_errors
from tests.factories import date_fields
from tests.test_spreadsheet_imports import _confirm_form, _xlsx
from tracker.extensions import db
from tracker.framework import content, services
from tracker.models import (
    AdaptationLevel,
    AdaptationNature,
    ChecklistTask,
    FidelityLevel,
    KeepsIntent,
    Programme,
    Role,
    StaffMember,
    StaffRole,
    TrainingKind,
)
from tracker.models.outcomes import FinancialQuarter

BASE = "/a/testshire/framework"
DAY = date(2026, 5, 1)


def _team(programme, name="LAC team 1", practitioners=8, managers=2, staff=3, **kw):
    team = services.create_team(programme, None, name=name, practitioners=practitioners,
                                managers=managers)
    for i in range(staff):
        services.add_staff(team, None, name=f"{name} person {i}", email=f"{name}-{i}@x.gov.uk"
                           .replace(" ", "."), role=StaffRole.PRACTITIONER,
                           added_on=kw.get("added_on", DAY))
    db.session.flush()
    return team


def _event(programme, kind, people, held_on=DAY, **kw):
    event = services.create_event(programme, None, kind=kind, title=kind.label, held_on=held_on,
                                  **kw)
    services.set_attendance(event, people, people, None)
    db.session.flush()
    return event


# -- content ----------------------------------------------------------------------------------

def test_content_holds_five_stages_eleven_elements_and_four_risk_levels():
    data = content.load()
    assert [s.number for s in data.stages] == [1, 2, 3, 4, 5]
    assert len(data.elements) == 11
    assert [level.key for level in data.risk_levels] == ["low", "medium", "high", "severe"]
    assert all(level.moves_provenance.added_by_homeward for level in data.risk_levels)
    assert all(p.provenance.citation for p in data.practices)


def test_content_without_provenance_is_refused(tmp_path):
    text = content.CHECKLISTS_DIR.joinpath(content.CONTENT_FILE).read_text(encoding="utf-8")
    broken = text.replace('source = "slides: key elements of practice | 002 lines 228"\n', "", 1)
    path = tmp_path / "framework.toml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(content.ChecklistError, match=r"framework.toml: element #2: needs a source"):
        content.load(path)


def test_check_checklists_checks_the_framework_content(runner):
    result = runner.invoke(args=["check-checklists"])
    assert result.exit_code == 0, result.output
    assert "Framework" in result.output


def test_risk_table_is_an_accessible_table(client, signed_in):
    signed_in(Role.OBSERVER)
    page = client.get(f"{BASE}/risk-classification").get_data(as_text=True)
    assert "<caption" in page and page.count('scope="col"') == 4
    assert page.count('scope="row"') == len(content.RISK_ROWS) + 1
    assert "Added by Homeward" in page  # the reconstructed column assignment of the moves
    assert "002" not in page and "lines" not in page


@pytest.mark.parametrize("path", ["/stages", "/when-to-use", "/research"])
def test_reference_pages_cite_their_sources(client, signed_in, path):
    signed_in(Role.OBSERVER)
    response = client.get(BASE + path)
    assert response.status_code == 200
    assert "Reunification Practice Framework slides" in response.get_data(as_text=True) \
        or "Bristol evaluation" in response.get_data(as_text=True)


def test_checklist_task_links_to_the_reference_it_uses(client, signed_in, programme):
    signed_in(Role.OBSERVER)
    task = db.session.execute(select(ChecklistTask).where(
        ChecklistTask.programme_id == programme.id, ChecklistTask.phase == 1,
        ChecklistTask.number == 14, ChecklistTask.is_local.is_(False))).scalar_one()
    page = client.get(f"/a/testshire/checklist/tasks/{task.id}").get_data(as_text=True)
    assert f'href="{BASE}/risk-classification"' in page


# -- coverage -----------------------------------------------------------------------------------

def test_coverage_counts_trained_briefed_champions_and_new_untrained(programme):
    team = _team(programme, staff=4)
    other = _team(programme, name="Edge of care", practitioners=1, managers=0, staff=2)
    a, b, c, d = team.staff
    services.add_staff(other, None, name="Champ", email="champ@x.gov.uk",
                       role=StaffRole.MANAGER, is_champion=True, added_on=DAY)
    db.session.flush()
    _event(programme, TrainingKind.FULL_DAY_BRIEFING, [a], held_on=DAY)
    _event(programme, TrainingKind.TEAM_BRIEFING, [b], held_on=DAY + timedelta(days=10))
    _event(programme, TrainingKind.LEARNING_SET, [c], held_on=DAY + timedelta(days=20))
    late = services.add_staff(team, None, name="New starter", email="new@x.gov.uk",
                              role=StaffRole.PRACTITIONER, added_on=DAY + timedelta(days=11))
    db.session.flush()

    cover = services.coverage(programme)
    mine = next(t for t in cover.teams if t.team.id == team.id)
    assert mine.size == 10  # establishment 8 + 2, more than the 5 named
    assert mine.trained == {a.id}
    assert mine.briefed == {a.id, b.id}  # a learning set is not a briefing
    assert mine.trained_percent == 10 and mine.briefed_percent == 20
    assert mine.last_training == DAY + timedelta(days=10)
    assert mine.new_untrained == [late]
    assert mine.champions == []
    theirs = next(t for t in cover.teams if t.team.id == other.id)
    assert theirs.size == 3  # three named, more than the establishment of 1
    assert theirs.new_untrained == []  # never trained: nobody is "new since"
    assert (cover.size, cover.trained, cover.briefed, cover.with_champion) == (13, 1, 2, 1)
    assert cover.trained_percent == 8 and cover.champion_percent == 50
    assert d not in mine.new_untrained  # added before the last briefing


def test_share_of_nobody_is_not_a_number():
    assert services.share(0, 0) is None
    assert services.share(1, 3) == 33


def test_train_the_trainer_cascade_says_who_trained_whom(programme):
    team = _team(programme, staff=3)
    trainer, x, y = team.staff
    _event(programme, TrainingKind.TRAIN_THE_TRAINER, [x, y], trainer=trainer)
    assert services.cascade(services.events(programme)) == [(trainer.name, sorted([x.name, y.name]))]


# -- fidelity and the signals ---------------------------------------------------------------------

def test_dropped_in_a_teams_latest_quarter_and_shortened_by_adaptation_are_signals(programme):
    team = _team(programme)
    q1, q2 = FinancialQuarter(2026, 1), FinancialQuarter(2026, 2)
    services.save_ratings(team, q1, {"chronology": (FidelityLevel.DROPPED, ""),
                                     "supervision": (FidelityLevel.DROPPED, "")}, None)
    services.save_ratings(team, q2, {"chronology": (FidelityLevel.DROPPED, "No time"),
                                     "supervision": (FidelityLevel.IN_USE, "")}, None)
    services.record_adaptation(
        programme, None, what="Shorter written agreements", practice_key="agreements",
        level=AdaptationLevel.AUTHORITY, team=None, nature=AdaptationNature.SHORTENED,
        reason="Court timescales", decided_by="Steering group", decided_on=DAY,
        keeps_intent=KeepsIntent.UNSURE)
    services.record_adaptation(
        programme, None, what="Added a family group conference", practice_key="plans",
        level=AdaptationLevel.AUTHORITY, team=None, nature=AdaptationNature.ADDED,
        reason="Local practice", decided_by="Steering group", decided_on=DAY,
        keeps_intent=KeepsIntent.YES)
    db.session.flush()
    found = services.dropped_elements(programme)
    assert [(d.practice_key, d.where) for d in found] == [
        ("chronology", team.name), ("agreements", "The whole authority")]
    assert "2026–27 Q2" in found[0].how and "Shortened" in found[1].how


def test_trend_has_a_row_per_stage_and_element_and_a_column_per_quarter(programme):
    team = _team(programme)
    services.save_ratings(team, FinancialQuarter(2026, 2), {"stage-1": (FidelityLevel.PARTLY, "")},
                          None)
    services.save_ratings(team, FinancialQuarter(2025, 4), {"stage-1": (FidelityLevel.NOT_YET, "")},
                          None)
    periods, rows = services.trend(services.ratings(programme, team))
    assert periods == [FinancialQuarter(2025, 4), FinancialQuarter(2026, 2)]
    assert len(rows) == 16
    assert [r.level if r else None for r in rows[0].cells] == [FidelityLevel.NOT_YET,
                                                               FidelityLevel.PARTLY]


def test_portfolio_column_shows_trained_share_and_ratings_in_use(programme):
    team = _team(programme, practitioners=4, managers=0, staff=2)
    _event(programme, TrainingKind.FULL_DAY_BRIEFING, [team.staff[0]])
    services.save_ratings(team, FinancialQuarter(2026, 1), {
        "stage-1": (FidelityLevel.IN_USE, ""), "stage-2": (FidelityLevel.PARTLY, "")}, None)
    db.session.flush()
    cell = services.portfolio_coverage([programme.id], DAY)[programme.id]
    assert cell.text == "25% trained; 50% of ratings in use"
    assert services.portfolio_coverage([programme.id + 999], DAY) == {}


# -- pages and permissions ----------------------------------------------------------------------------

def test_lead_adds_a_team_and_a_person(client, signed_in, programme):
    signed_in(Role.LEAD)
    response = client.post(f"{BASE}/teams/new", data={"name": "Fostering", "practitioners": "x",
                                                       "managers": ""})
    assert response.status_code == 400
    assert form_errors(response.get_data(as_text=True)) == [
        "Practitioners must be a whole number, like 12", "Enter the number of managers, or 0"]
    assert 'value="x"' in response.get_data(as_text=True)
    response = client.post(f"{BASE}/teams/new", data={"name": "Fostering", "practitioners": "6",
                                                       "managers": "1"})
    assert response.status_code == 302
    team_id = int(response.headers["Location"].rsplit("/", 1)[1])
    response = client.post(f"{BASE}/teams/{team_id}/staff/new", data={
        "name": "Ann Bee", "email": "Ann.Bee@x.gov.uk", "role": "manager", "is_champion": "y"})
    assert response.status_code == 302
    person = db.session.execute(select(StaffMember)).scalar_one()
    assert (person.email, person.is_champion) == ("ann.bee@x.gov.uk", True)
    again = client.post(f"{BASE}/teams/{team_id}/staff/new", data={
        "name": "Ann", "email": "ann.bee@X.gov.uk", "role": "manager"})
    assert form_errors(again.get_data(as_text=True)) == ["ann.bee@X.gov.uk is already in the register"]


def test_champion_records_only_their_own_teams_fidelity_and_attendance(
        client, signed_in, programme):
    champion = signed_in(Role.CHAMPION)
    mine, theirs = _team(programme, name="Mine"), _team(programme, name="Theirs")
    services.add_staff(mine, None, name=champion.name, email=champion.email,
                       role=StaffRole.MANAGER, is_champion=True)
    event = _event(programme, TrainingKind.TEAM_BRIEFING, [])
    db.session.commit()
    assert client.get(f"{BASE}/teams/{mine.id}/fidelity").status_code == 200
    assert client.get(f"{BASE}/teams/{theirs.id}/fidelity").status_code == 403
    data = {f"level_{p.key}": "in_use" for p in content.current().practices}
    assert client.post(f"{BASE}/teams/{theirs.id}/fidelity", data=data).status_code == 403
    assert client.post(f"{BASE}/teams/{mine.id}/fidelity", data=data).status_code == 302
    page = client.get(f"{BASE}/training/{event.id}").get_data(as_text=True)
    assert "Mine person 0" in page and "Theirs person 0" not in page
    ids = [str(s.id) for s in mine.staff + theirs.staff]
    assert client.post(f"{BASE}/training/{event.id}/attendance", data={"present": ids}).status_code == 302
    db.session.refresh(event)
    assert {a.staff.team_id for a in event.attendances} == {mine.id}
    assert client.get(f"{BASE}/teams/new").status_code == 403
    assert client.get(f"{BASE}/adaptations/new").status_code == 403


@pytest.mark.parametrize("role", list(Role))
def test_write_pages_follow_the_matrix(client, signed_in, programme, role):
    signed_in(role)
    team = _team(programme)
    db.session.commit()
    manage = 200 if role in (Role.LEAD, Role.STEERING) else 403
    assert client.get(f"{BASE}/teams/new").status_code == manage
    assert client.get(f"{BASE}/teams/{team.id}/edit").status_code == manage
    assert client.get(f"{BASE}/staff/import").status_code == manage
    assert client.get(f"{BASE}/adaptations/new").status_code == manage
    record = 200 if role in (Role.LEAD, Role.STEERING, Role.CHAMPION) else 403
    assert client.get(f"{BASE}/training/new").status_code == record
    for path in ("", "/training", "/adaptations", f"/teams/{team.id}", "/stages"):
        assert client.get(BASE + path).status_code == 200


def test_fidelity_form_needs_every_rating_and_keeps_what_was_typed(client, signed_in, programme):
    signed_in(Role.LEAD)
    team = _team(programme)
    db.session.commit()
    response = client.post(f"{BASE}/teams/{team.id}/fidelity", data={
        "level_stage-1": "partly", "note_stage-1": "Only in LAC team 1"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert len(form_errors(page)) == 15 and "Only in LAC team 1" in page


def test_adaptation_for_one_team_needs_the_team(client, signed_in, programme):
    signed_in(Role.STEERING)
    team = _team(programme)
    db.session.commit()
    data = {"what": "Chronology shortened to two years", "practice": "chronology",
            "level": "team", "nature": "shortened", "reason": "Workload",
            "decided_by": "Team manager", "decided_on": ["3", "4", "2026"], "keeps_intent": "unsure"}
    response = client.post(f"{BASE}/adaptations/new", data=data)
    assert form_errors(response.get_data(as_text=True)) == ["Choose the team that made the change"]
    response = client.post(f"{BASE}/adaptations/new", data={**data, "team": str(team.id)})
    assert response.status_code == 302
    assert [d.where for d in services.dropped_elements(programme)] == [team.name]
    assert "Chronology shortened" in client.get(f"{BASE}/adaptations").get_data(as_text=True)


def test_learning_set_event_must_name_the_meeting(client, signed_in, programme):
    signed_in(Role.LEAD)
    response = client.post(f"{BASE}/training/new", data={
        "kind": "learning_set", "title": "Practice Set 1", "held_on": ["1", "5", "2026"],
        "trainer": ""})
    assert form_errors(response.get_data(as_text=True)) == ["Choose which learning set it was"]


# -- staff list import ------------------------------------------------------------------------------

def _upload(client, data: bytes | str, name="staff.csv"):
    if isinstance(data, str):
        data = data.encode()
    return client.post(f"{BASE}/staff/import", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def _csv(*rows: str) -> str:
    return "name,email,team,role,champion\n" + "\n".join(rows) + "\n"


def test_staff_import_previews_then_saves_every_row(client, signed_in, programme):
    signed_in(Role.LEAD)
    _team(programme, name="LAC", staff=0)
    db.session.commit()
    response = _upload(client, _csv("Ann,ann@x.gov.uk,lac,Practitioner,",
                                    "Bo,Bo@X.gov.uk,LAC,manager,yes"))
    assert response.status_code == 200
    assert db.session.execute(select(StaffMember)).first() is None
    page = response.get_data(as_text=True)
    assert "Import 2 staff members" in page
    assert '<option value="is_champion" selected>' in page  # the old export's key, matched
    response = client.post(f"{BASE}/staff/import", data=_confirm_form(page))
    assert response.status_code == 302
    people = db.session.execute(select(StaffMember).order_by(StaffMember.name)).scalars().all()
    assert [(p.name, p.email, p.team.name, p.role, p.is_champion) for p in people] == [
        ("Ann", "ann@x.gov.uk", "LAC", StaffRole.PRACTITIONER, False),
        ("Bo", "bo@x.gov.uk", "LAC", StaffRole.MANAGER, True)]


def test_saving_a_staff_import_runs_a_fixed_number_of_queries(client, signed_in, programme,
                                                              count_queries):
    from tracker import audit, clock

    signed_in(Role.LEAD)
    team = _team(programme, name="LAC", staff=0)
    db.session.commit()
    counts = []
    for n in (2, 200):
        page = _upload(client, _csv(*(f"P{n}-{i},p{n}-{i}@x.gov.uk,LAC,Practitioner,"
                                      for i in range(n)))).get_data(as_text=True)
        with count_queries() as q:
            assert client.post(f"{BASE}/staff/import", data=_confirm_form(page)).status_code == 302
        counts.append(q.count)
    assert counts[0] == counts[1]
    assert len(team.staff) == 202
    person = db.session.execute(select(StaffMember).where(
        StaffMember.email == "p200-7@x.gov.uk")).scalar_one()
    assert [e.summary for e in audit.history("staff_member", person.id)] == [
        "Added P200-7 to LAC"]
    # What the file leaves out takes the register's defaults, as an entry added by hand.
    assert (person.added_on, person.is_champion, person.left_on) == (clock.today(), False, None)


def test_staff_import_names_each_rows_problem_and_saves_nothing(client, signed_in, programme):
    signed_in(Role.LEAD)
    _team(programme, name="LAC", staff=1)
    db.session.commit()
    taken = db.session.execute(select(StaffMember.email)).scalar_one()
    response = _upload(client, _csv(
        f"Ann,{taken},LAC,practitioner,", "Bo,bo@x.gov.uk,Nowhere,chief,maybe",
        "Cy,bo@x.gov.uk,LAC,manager,", ",not-an-email,LAC,manager,"))
    assert response.status_code == 400
    page = html.unescape(response.get_data(as_text=True))
    assert "Nothing has been imported: 4 rows have problems" in page
    assert f"Row 2, column email: {taken} is already in the register" in page
    assert "Row 3, column team: There is no team called Nowhere: add the team first" in page
    assert "Row 3, column role: role 'chief' is not one of Practitioner, Manager" in page
    assert "Row 3, column champion: champion 'maybe' must be Yes or No" in page
    assert "Row 4, column email: bo@x.gov.uk is also on row 3" in page
    assert "Row 5, column name: Enter the person's name" in page
    assert "email not-an-email is not an email address" in page
    assert "Import 4 staff members" not in page
    assert db.session.execute(select(StaffMember).where(StaffMember.name == "Bo")).first() is None


def test_confirming_checks_the_rows_again_and_saves_none_if_one_fails(client, signed_in,
                                                                     programme):
    signed_in(Role.LEAD)
    team = _team(programme, name="LAC", staff=0)
    db.session.commit()
    page = _upload(client, _csv("Ann,ann@x.gov.uk,LAC,Practitioner,",
                                "Bo,bo@x.gov.uk,LAC,Manager,")).get_data(as_text=True)
    assert "Import 2 staff members" in page
    # Someone adds Bo by hand between the preview and the confirm.
    services.add_staff(team, None, name="Bo", email="bo@x.gov.uk", role=StaffRole.MANAGER)
    db.session.commit()
    response = client.post(f"{BASE}/staff/import", data=_confirm_form(page))
    assert response.status_code == 400
    assert "bo@x.gov.uk is already in the register" in response.get_data(as_text=True)
    assert db.session.execute(select(StaffMember.name)).scalars().all() == ["Bo"]


def test_an_excel_staff_list_with_its_own_headings_imports_in_one_pass(client, signed_in,
                                                                       programme):
    signed_in(Role.LEAD)
    _team(programme, name="Children in Care", staff=0)
    _team(programme, name="Edge of Care", staff=0)
    db.session.commit()
    rows = [["Full name", "Work email address", "Team name", "Job role", "Practice champion",
             "Start date"],
            ["Ann Lee", "ann@x.gov.uk", "children in care", "Practitioner", "No",
             datetime(2026, 4, 1)],
            ["Bo Diaz", "bo@x.gov.uk", "Edge of Care", "Manager", True, None],
            ["Cy Moss", "cy@x.gov.uk", "Edge of Care", "practitioner", None, None]]
    page = _upload(client, _xlsx(rows), "staff.xlsx").get_data(as_text=True)
    for column, key in enumerate(("name", "email", "team", "role", "is_champion")):
        select_html = page.split(f'name="column-{column}"')[1].split("</select>")[0]
        assert f'<option value="{key}" selected>' in select_html
    assert "Import 3 staff members" in page
    assert client.post(f"{BASE}/staff/import", data=_confirm_form(page)).status_code == 302
    people = {p.name: p for p in db.session.execute(select(StaffMember)).scalars()}
    assert {n: (p.team.name, p.role, p.is_champion) for n, p in people.items()} == {
        "Ann Lee": ("Children in Care", StaffRole.PRACTITIONER, False),
        "Bo Diaz": ("Edge of Care", StaffRole.MANAGER, True),
        "Cy Moss": ("Edge of Care", StaffRole.PRACTITIONER, False)}


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_each_staff_template_names_a_team_and_imports_back(client, signed_in, programme, kind):
    signed_in(Role.LEAD)
    _team(programme, name="LAC", staff=0)
    db.session.commit()
    assert "/framework/staff/template.xlsx" in client.get(f"{BASE}/staff/import").get_data(
        as_text=True)
    template = client.get(f"{BASE}/staff/template.{kind}")
    assert template.status_code == 200
    page = _upload(client, template.data, f"staff-list-template.{kind}").get_data(as_text=True)
    assert "Import 1 staff member" in page
    assert client.post(f"{BASE}/staff/import", data=_confirm_form(page)).status_code == 302
    [person] = db.session.execute(select(StaffMember)).scalars()
    assert (person.name, person.team.name) == ("Sam Practitioner", "LAC")


def test_a_staff_list_preview_runs_a_fixed_number_of_queries(client, signed_in, programme,
                                                            count_queries):
    signed_in(Role.LEAD)
    _team(programme, name="LAC", staff=2)
    db.session.commit()
    counts = []
    for n in (2, 200):
        data = _csv(*(f"P{i},p{i}@x.gov.uk,LAC,Practitioner,no" for i in range(n)))
        with count_queries() as q:
            assert _upload(client, data).status_code == 200
        counts.append(q.count)
    assert counts[0] == counts[1]


# -- query counts ---------------------------------------------------------------------------------

def _grow(programme, n: int):
    teams = [_team(programme, name=f"Team {n}-{i}", staff=3) for i in range(n)]
    for i, team in enumerate(teams):
        _event(programme, TrainingKind.FULL_DAY_BRIEFING, team.staff[:2], trainer=team.staff[2])
        services.save_ratings(team, FinancialQuarter(2026, 1), {
            p.key: (FidelityLevel.PARTLY, "note") for p in content.current().practices}, None)
        services.record_adaptation(
            programme, None, what=f"Change {n}-{i}", practice_key="chronology",
            level=AdaptationLevel.TEAM, team=team, nature=AdaptationNature.REMOVED,
            reason="Why", decided_by="Them", decided_on=DAY, keeps_intent=KeepsIntent.NO)
    db.session.commit()
    return teams


@pytest.mark.parametrize("path", ["", "/training", "/adaptations", "/training/new",
                                  "/adaptations/new", "/stages", "/risk-classification"])
def test_pages_run_a_fixed_number_of_queries(client, signed_in, programme, count_queries, path):
    signed_in(Role.LEAD)
    _grow(programme, 2)
    client.get(BASE + path)
    with count_queries() as small:
        assert client.get(BASE + path).status_code == 200
    _grow(programme, 12)
    with count_queries() as large:
        assert client.get(BASE + path).status_code == 200
    assert large.count == small.count, large.statements


def test_team_and_event_pages_run_a_fixed_number_of_queries(client, signed_in, programme,
                                                            count_queries):
    signed_in(Role.LEAD)
    team = _grow(programme, 1)[0]
    event = services.events(programme)[0]
    paths = [f"/teams/{team.id}", f"/training/{event.id}", f"/teams/{team.id}/fidelity"]
    with count_queries() as small:
        for path in paths:
            assert client.get(BASE + path).status_code == 200
    for i in range(10):
        services.add_staff(team, None, name=f"Extra {i}", email=f"extra{i}@x.gov.uk",
                           role=StaffRole.PRACTITIONER)
    db.session.flush()
    services.set_attendance(event, team.staff, team.staff, None)
    services.save_ratings(team, FinancialQuarter(2025, 4), {
        p.key: (FidelityLevel.IN_USE, "") for p in content.current().practices}, None)
    db.session.commit()
    with count_queries() as large:
        for path in paths:
            assert client.get(BASE + path).status_code == 200
    assert large.count == small.count, large.statements


def test_portfolio_shows_the_framework_column(client, signed_in, programme):
    signed_in(Role.CONSULTANT)
    _team(programme)
    db.session.commit()
    page = client.get("/portfolio").get_data(as_text=True)
    assert "Framework coverage" in page and "0% trained" in page


# -- more rules -------------------------------------------------------------------------------------

def test_editing_a_team_is_audited_and_refuses_a_stale_save(client, signed_in, programme):
    signed_in(Role.LEAD)
    team = _team(programme, name="LAC")
    _team(programme, name="Edge of care")
    db.session.commit()
    url = f"{BASE}/teams/{team.id}/edit"
    data = {"name": "LAC", "service_area": "", "practitioners": "9", "managers": "2"}
    taken = client.post(url, data={**data, "name": "edge of care", "version": team.version})
    assert form_errors(taken.get_data(as_text=True)) == ["There is already a team called edge of care"]
    assert client.post(url, data={**data, "version": team.version}).status_code == 302
    stale = client.post(url, data={**data, "practitioners": "1", "version": 1})
    assert stale.status_code == 409
    assert "Someone else changed this team" in stale.get_data(as_text=True)
    db.session.refresh(team)
    assert team.practitioners == 9


def test_a_practice_sets_page_links_to_the_reference_its_agenda_uses(client, signed_in,
                                                                     programme):
    from tracker.meetings import services as meetings
    from tracker.models import MeetingKind

    signed_in(Role.OBSERVER)
    practice_set = meetings.create_meeting(programme, kind=MeetingKind.PRACTICE_SET, number=1,
                                           day=DAY, actor=None)
    steering = meetings.create_meeting(programme, kind=MeetingKind.STEERING, day=DAY, actor=None)
    db.session.commit()
    page = client.get(f"/a/testshire/meetings/{practice_set.id}").get_data(as_text=True)
    assert f'href="{BASE}/risk-classification"' in page and f'href="{BASE}/research"' in page
    page = client.get(f"/a/testshire/meetings/{steering.id}").get_data(as_text=True)
    assert f'href="{BASE}/risk-classification"' not in page


def test_content_naming_a_task_the_checklist_lacks_is_refused():
    from tracker.checklist import data as checklist_data

    data = content.load()
    page = data.pages["stages"]
    broken = content.Content(**{**data.__dict__, "pages": {"stages": content.Page(
        page.key, page.title, page.summary, ("9.99",), page.used_by_meetings,
        page.provenance)}})
    with pytest.raises(content.ChecklistError, match=r"page stages: used_by_tasks names 9.99"):
        content.check_links(broken, checklist_data.load())
    content.check_links(data, checklist_data.load())


def test_a_champion_not_named_in_the_register_records_for_no_team(client, signed_in, programme):
    signed_in(Role.CHAMPION)
    team = _team(programme)
    event = _event(programme, TrainingKind.TEAM_BRIEFING, [])
    db.session.commit()
    assert client.get(f"{BASE}/teams/{team.id}/fidelity").status_code == 403
    assert client.post(f"{BASE}/training/{event.id}/attendance",
                       data={"present": [str(team.staff[0].id)]}).status_code == 403
    assert "Record attendance" not in client.get(f"{BASE}/training/{event.id}").get_data(
        as_text=True)


def test_lead_moves_a_person_to_another_team_and_the_change_is_recorded(client, signed_in,
                                                                        programme):
    from tracker import audit

    signed_in(Role.LEAD)
    lac, edge = _team(programme, name="LAC", staff=2), _team(programme, name="Edge", staff=0)
    db.session.commit()
    person, other = lac.staff
    url = f"{BASE}/staff/{person.id}/edit"
    data = {"name": person.name, "email": other.email.upper(), "role": "manager",
            "team": str(edge.id), "is_champion": "y"}
    clash = client.post(url, data=data)
    assert form_errors(clash.get_data(as_text=True)) == [
        f"{other.email.upper()} is already in the register"]
    assert client.post(url, data={**data, "email": person.email}).status_code == 302
    db.session.refresh(person)
    assert (person.team_id, person.role, person.is_champion) == (edge.id, StaffRole.MANAGER, True)
    [event] = audit.history("staff_member", person.id)[:1]
    assert event.changes["Team"] == ["LAC", "Edge"] and event.changes["Champion"] == ["No", "Yes"]


def test_a_learning_set_event_links_to_its_meeting(client, signed_in, programme):
    from tracker.meetings import services as meetings
    from tracker.models import MeetingKind

    signed_in(Role.OBSERVER)
    practice_set = meetings.create_meeting(programme, kind=MeetingKind.PRACTICE_SET, number=1,
                                           day=DAY, actor=None)
    event = _event(programme, TrainingKind.LEARNING_SET, [], meeting=practice_set)
    db.session.commit()
    page = client.get(f"{BASE}/training/{event.id}").get_data(as_text=True)
    assert f'href="/a/testshire/meetings/{practice_set.id}">Practice Set 1</a>' in page


def test_a_dropped_or_shortened_element_is_a_health_warning_for_its_own_authority_only(
        programme, create_authority):
    from tracker.health import services as health

    other = create_authority("Otherton", "otherton")
    team = _team(programme)
    services.save_ratings(team, FinancialQuarter(2026, 2),
                          {"chronology": (FidelityLevel.DROPPED, "No time")}, None)
    db.session.flush()
    signals = health.assess(programme, "testshire").judgement.signals
    dropped = [s for s in signals if s.key == "framework_dropped"]
    assert len(dropped) == 1 and team.name in dropped[0].sentence
    assert dropped[0].evidence.url() == f"/a/testshire/framework/teams/{team.id}#fidelity"
    assert dropped[0].decision
    other_programme = db.session.execute(
        select(Programme).where(Programme.authority_id == other.id)).scalar_one()
    assert not [s for s in health.assess(other_programme, "otherton").judgement.signals
                if s.key == "framework_dropped"]


def test_dropped_elements_for_many_programmes_take_a_fixed_number_of_queries(
        programme, count_queries):
    _team(programme)
    with count_queries() as q:
        services.dropped_elements_by_programme({programme.id: "testshire",
                                                programme.id + 1000: "elsewhere"})
    assert q.count == 2, q.statements


def test_register_changes_show_in_the_dashboards_recent_activity_with_a_link(programme):
    from tracker.links import Link
    from tracker.main import services as main

    team = services.create_team(programme, None, name="Edge of care", practitioners=4, managers=1)
    db.session.flush()
    latest = main.recent_activity(programme)[0]
    assert "Edge of care" in latest.what
    assert latest.href == Link.to("framework.team", team_id=team.id)


def test_one_element_dropped_twice_asks_for_one_decision(programme):
    from tracker.health import services as health

    team = _team(programme)
    services.save_ratings(team, FinancialQuarter(2026, 2),
                          {"chronology": (FidelityLevel.DROPPED, "")}, None)
    services.record_adaptation(
        programme, None, what="Chronology shortened", practice_key="chronology",
        level=AdaptationLevel.TEAM, team=team, nature=AdaptationNature.SHORTENED,
        reason="Workload", decided_by="Team manager", decided_on=DAY,
        keeps_intent=KeepsIntent.UNSURE)
    db.session.flush()
    assessment = health.assess(programme, "testshire")
    assert len([s for s in assessment.judgement.signals if s.key == "framework_dropped"]) == 2
    decisions = [s.decision for s in assessment.decisions]
    assert len(decisions) == len(set(decisions))


# -- people who leave ---------------------------------------------------------------------------

def test_someone_who_left_stays_in_the_register_but_no_longer_counts(programme, member):
    team = _team(programme, practitioners=0, managers=0, staff=3)
    stays, leaves, untrained_leaver = team.staff
    champion = member(Role.CHAMPION)
    services.add_staff(team, None, name=champion.name, email=champion.email,
                       role=StaffRole.MANAGER, is_champion=True)
    _event(programme, TrainingKind.FULL_DAY_BRIEFING, [stays, leaves], held_on=DAY)
    db.session.flush()
    whole = services.coverage(programme).teams[0]
    assert (whole.size, whole.trained) == (4, {stays.id, leaves.id})
    assert services.recordable_team_ids(programme, champion.memberships[0]) == {team.id}

    for person in (leaves, untrained_leaver):
        person.left_on = DAY + timedelta(days=30)
    champion_entry = next(s for s in team.staff if s.email == champion.email)
    champion_entry.left_on = DAY + timedelta(days=30)
    db.session.flush()
    cover = services.coverage(programme).teams[0]
    assert cover.size == 1
    assert cover.trained == {stays.id} and cover.trained_percent == 100
    assert cover.untrained == [] and cover.champions == []
    # A champion who left records for the team no longer.
    assert services.recordable_team_ids(programme, champion.memberships[0]) == set()
    assert services.portfolio_coverage([programme.id], DAY)[programme.id].text == "100% trained"
    # Kept, with their training, for the record.
    assert {s.id for s in team.leavers} == {leaves.id, untrained_leaver.id, champion_entry.id}
    assert cover.leavers_trained == {leaves.id} and cover.leavers_briefed == {leaves.id}


def test_the_team_page_says_which_leavers_were_trained(client, signed_in, programme):
    signed_in(Role.LEAD)
    team = _team(programme, name="LAC", staff=3)
    trained, briefed, neither = team.staff
    _event(programme, TrainingKind.FULL_DAY_BRIEFING, [trained], held_on=DAY)
    _event(programme, TrainingKind.TEAM_BRIEFING, [briefed], held_on=DAY)
    for person in team.staff:
        person.left_on = DAY + timedelta(days=30)
    db.session.commit()
    leavers = client.get(f"{BASE}/teams/{team.id}").get_data(as_text=True).split(
        'id="left-the-team"')[1].split("</ul>")[0]
    lines = {person.name: line for person in team.staff for line in leavers.split("<li>")
             if person.name in line}
    assert "trained" in lines[trained.name] and "not trained" not in lines[trained.name]
    assert "briefed, not trained" in lines[briefed.name]
    assert "not trained or briefed" in lines[neither.name]


def test_the_team_page_says_coverage_counts_people_not_yet_in_the_register(
        client, signed_in, programme):
    signed_in(Role.LEAD)
    team = _team(programme, name="LAC", practitioners=7, managers=1, staff=3)
    _event(programme, TrainingKind.FULL_DAY_BRIEFING, team.staff[:2], held_on=DAY)
    db.session.commit()
    text = " ".join(client.get(f"{BASE}/teams/{team.id}").get_data(as_text=True).split())
    assert "2 of 8 (25%)" in text
    assert ("The register names 3 of the team's 8 practitioners and managers. The 5 not named "
            "count as not trained or briefed until they are added") in text
    for i in range(3, 8):
        services.add_staff(team, None, name=f"Person {i}", email=f"p{i}@x.gov.uk",
                           role=StaffRole.PRACTITIONER, added_on=DAY)
        db.session.commit()
        if i == 6:
            assert "The one not named counts as not trained or briefed" in " ".join(
                client.get(f"{BASE}/teams/{team.id}").get_data(as_text=True).split())
    assert "The register names" not in client.get(f"{BASE}/teams/{team.id}").get_data(as_text=True)


def test_lead_records_that_a_person_left_and_puts_it_right(client, signed_in, programme):
    from tracker import audit, clock

    signed_in(Role.LEAD)
    team = _team(programme, name="LAC", staff=2)
    person, other = team.staff
    before_leaving = _event(programme, TrainingKind.TEAM_BRIEFING, [], held_on=DAY)
    db.session.commit()
    url = f"{BASE}/staff/{person.id}/edit"
    data = {"name": person.name, "email": person.email, "role": "practitioner",
            "team": str(team.id)}
    tomorrow = clock.today() + timedelta(days=1)
    refused = client.post(url, data={**data, "left_on": date_fields(tomorrow)})
    assert refused.status_code == 400
    assert form_errors(refused.get_data(as_text=True)) == [
        "Date they left the team must be today or in the past"]
    assert f'value="{tomorrow.year}"' in refused.get_data(as_text=True)
    left = DAY + timedelta(days=30)
    assert client.post(url, data={**data, "left_on": date_fields(left)}).status_code == 302
    db.session.refresh(person)
    assert person.left_on == left
    [event] = audit.history("staff_member", person.id)[:1]
    assert event.changes["Left the team"] == ["", clock.format_date(left)]

    page = client.get(f"{BASE}/teams/{team.id}").get_data(as_text=True)
    staff, leavers = page.split('id="left-the-team"')
    assert other.name in staff and person.name not in staff
    assert person.name in leavers and clock.format_date(left) in leavers
    # A new event offers only the people in the team now; one held before they left, them too.
    assert person.name not in client.get(f"{BASE}/training/new").get_data(as_text=True)
    earlier = client.get(f"{BASE}/training/{before_leaving.id}").get_data(as_text=True)
    assert f'value="{person.id}"' in earlier
    later = _event(programme, TrainingKind.TEAM_BRIEFING, [], held_on=left)
    db.session.commit()
    assert f'value="{person.id}"' not in client.get(
        f"{BASE}/training/{later.id}").get_data(as_text=True)

    # Recorded by mistake: clearing the date brings them back.
    assert client.post(url, data=data).status_code == 302
    db.session.refresh(person)
    assert person.left_on is None
    assert 'id="left-the-team"' not in client.get(f"{BASE}/teams/{team.id}").get_data(
        as_text=True)


def test_adding_someone_who_left_again_says_how_to_bring_them_back(client, signed_in,
                                                                    programme):
    from tracker import clock

    signed_in(Role.LEAD)
    team = _team(programme, name="LAC", staff=1)
    [person] = team.staff
    person.left_on = DAY
    db.session.commit()
    typed = person.email.upper()
    expected = (f"{typed} is already in the register, for {person.name}, who left LAC on "
                f"{clock.format_date(DAY)}. To bring them back, change their entry and clear "
                "the date they left")
    again = client.post(f"{BASE}/teams/{team.id}/staff/new", data={
        "name": person.name, "email": typed, "role": "practitioner"})
    assert again.status_code == 400
    assert form_errors(again.get_data(as_text=True)) == [expected]
    assert f'value="{typed}"' in again.get_data(as_text=True)
    imported = _upload(client, _csv(f"{person.name},{person.email},LAC,practitioner,"))
    assert expected.replace(typed, person.email) in html.unescape(
        imported.get_data(as_text=True))
    assert db.session.execute(select(func.count()).select_from(StaffMember)).scalar() == 1


def test_the_edit_page_shows_the_persons_own_team_chosen(client, signed_in, programme):
    """Saving the page unchanged must not move the person to the first team in the list."""
    signed_in(Role.LEAD)
    _team(programme, name="Adolescent Support", staff=0)
    team = _team(programme, name="Children in Care", staff=1)
    db.session.commit()
    [person] = team.staff
    page = client.get(f"{BASE}/staff/{person.id}/edit").get_data(as_text=True)
    assert re.search(rf'<option selected value="{team.id}">|<option value="{team.id}" selected',
                     page), "the person's team is not the one chosen"
