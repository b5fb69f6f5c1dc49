"""Programme health: the thresholds file, each signal at its boundaries, the status rule,
snapshots, and the pages that show them (issue 15)."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from tests.factories import add_group_member, hold_meeting, make_meeting
from tracker import clock
from tracker.actions import services as actions
from tracker.datafiles import ChecklistError
from tracker.extensions import db
from tracker.health import services, snapshots
from tracker.health import thresholds as threshold_data
from tracker.health.signals import SERIOUS, WARNING, Signal
from tracker.health.status import Status, judge
from tracker.links import Link
from tracker.models import (
    Action,
    ActionNote,
    ChecklistTask,
    HealthSettings,
    HealthSnapshot,
    MeetingKind,
    MeetingStatus,
    ProgrammePhase,
    Role,
    TaskStatus,
)
from tracker.plan import services as plan

TODAY = date(2026, 11, 23)  # a Monday
NOW = datetime(2026, 11, 23, 12, 0)


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


def signals(programme, today=TODAY) -> dict[str, Signal]:
    found = services.assess(programme, "testshire", today).judgement.signals
    return {s.key: s for s in found}


def _phase_started(programme, days_ago, number=1):
    phase = db.session.execute(select(ProgrammePhase).where(
        ProgrammePhase.programme_id == programme.id, ProgrammePhase.number == number)
    ).scalar_one()
    phase.started_on = TODAY - timedelta(days=days_ago)
    db.session.flush()


# -- the data file ------------------------------------------------------------------------------

def test_every_threshold_has_a_default_within_bounds_and_provenance():
    found = threshold_data.defaults()
    assert found["learning_set_gap_weeks"].default == 8
    assert found["postcard_wait_working_days"].default == 20
    assert found["stalled_action_days"].default == 30
    # The two defaults the Framework's evaluation gives are cited, not claimed as Homeward's.
    for key in ("learning_set_min_gap_weeks", "action_list_days"):
        assert not found[key].added_by_homeward and "Bristol evaluation" in found[key].citation
    assert all(t.added_by_homeward == bool(t.basis) for t in found.values())


def test_a_threshold_without_provenance_or_out_of_bounds_is_refused_naming_it():
    good = 'key = "x"\nlabel = "X"\nunit = "days"\nmin = 1\nmax = 9\n'
    with pytest.raises(ChecklistError, match="threshold 'x': needs a source"):
        threshold_data.parse(f"[[thresholds]]\n{good}default = 3\n")
    with pytest.raises(ChecklistError, match="default must lie between"):
        threshold_data.parse(f'[[thresholds]]\n{good}default = 10\nadded_by_homeward = true\n'
                             'basis = "b"\n')


def test_local_values_are_kept_only_within_bounds_and_named_as_local():
    merged = threshold_data.merge({"stalled_action_days": 14, "overdue_rise": 0, "nope": 3})
    assert merged["stalled_action_days"] == 14 and merged.local == {"stalled_action_days"}
    assert merged["overdue_rise"] == threshold_data.defaults()["overdue_rise"].default


# -- the status rule ----------------------------------------------------------------------------

def _s(severity, n=1):
    return [Signal(f"k{i}", severity, f"{severity} {i}", Link.to("main.home")) for i in range(n)]


@pytest.mark.parametrize("serious, warnings, status", [
    (0, 0, Status.ON_TRACK),
    (0, 2, Status.ON_TRACK),
    (0, 3, Status.AT_RISK),
    (1, 0, Status.AT_RISK),
    (2, 0, Status.OFF_TRACK),
    (1, 5, Status.AT_RISK),
])
def test_the_status_rule_at_its_boundaries(serious, warnings, status):
    judgement = judge(_s(WARNING, warnings) + _s(SERIOUS, serious), threshold_data.merge({}))
    assert judgement.status == status


def test_reasons_are_the_top_three_serious_first_in_words():
    judgement = judge(_s(WARNING, 3) + _s(SERIOUS, 2), threshold_data.merge({}))
    assert [s.severity for s in judgement.reasons] == [SERIOUS, SERIOUS, WARNING]
    assert judgement.summary == "Off track: serious 0; serious 1; warning 0"


def test_the_rule_follows_the_authoritys_own_thresholds():
    local = threshold_data.merge({"off_track_serious": 1})
    assert judge(_s(SERIOUS), local).status == Status.OFF_TRACK


# -- the signals at their boundaries ------------------------------------------------------------

def test_phase_pace_waits_out_the_grace_days_then_warns_then_is_serious_past_the_plan(programme):
    _phase_started(programme, 27)
    assert "phase_pace" not in signals(programme)
    _phase_started(programme, 28)
    pace = signals(programme)["phase_pace"]
    assert pace.severity == WARNING
    assert pace.sentence == "Phase 1 is 0% done after 28 days (about 16% expected by now)"
    _phase_started(programme, 181)
    assert signals(programme)["phase_pace"].severity == SERIOUS
    assert "longer than the 180 days planned" in signals(programme)["phase_pace"].sentence


def test_phase_pace_is_on_pace_at_half_the_expected_share(programme):
    _phase_started(programme, 90)  # half of 180 days: 50% expected, so 25% is the line
    tasks = db.session.execute(select(ChecklistTask).where(
        ChecklistTask.programme_id == programme.id, ChecklistTask.phase == 1)).scalars().all()
    applicable = len(tasks)
    needed = -(-applicable // 4)  # a quarter, rounded up
    for task in tasks[:needed]:
        task.status = TaskStatus.DONE
    db.session.flush()
    assert "phase_pace" not in signals(programme)
    tasks[0].status = TaskStatus.IN_PROGRESS
    db.session.flush()
    assert "phase_pace" in signals(programme)


def test_milestones_red_from_yesterday_and_serious_at_three(programme):
    plan.create_milestone(programme, None, title="Today", target_date=TODAY)
    assert "milestones" not in signals(programme)
    for i in range(2):
        plan.create_milestone(programme, None, title=f"Late {i}", target_date=TODAY - timedelta(1))
    assert signals(programme)["milestones"].severity == WARNING
    assert signals(programme)["milestones"].sentence.startswith("2 of 3 milestones are red")
    missed = plan.create_milestone(programme, None, title="Missed", target_date=TODAY + timedelta(9))
    missed.status = "missed"
    db.session.flush()
    assert signals(programme)["milestones"].severity == SERIOUS


def _overdue(programme, n):
    for i in range(n):
        actions.create_action(programme, title=f"Late {i}", actor=None, owner_name="Someone",
                              due_date=TODAY - timedelta(days=3))


def _snapshot(programme, day, overdue, status="on_track"):
    db.session.add(HealthSnapshot(programme_id=programme.id, day=day, trigger="daily",
                                  status=status, signals=[],
                                  figures={"overdue_actions": overdue, "phase": 1,
                                           "done_percent": 0}))
    db.session.flush()


def test_overdue_rising_against_four_weeks_ago(programme):
    _snapshot(programme, TODAY - timedelta(days=28), 1)
    _overdue(programme, 3)
    assert "overdue_rising" not in signals(programme)  # a rise of 2
    _overdue(programme, 1)
    assert signals(programme)["overdue_rising"].sentence == (
        "Overdue actions rose to 4, from 1 four weeks ago")


def test_overdue_rising_against_the_last_steering_meeting(programme):
    meeting = make_meeting(programme, MeetingKind.STEERING, day=TODAY - timedelta(days=10))
    meeting.status = MeetingStatus.HELD
    _snapshot(programme, TODAY - timedelta(days=10), 0)
    _overdue(programme, 3)
    assert "at the steering group meeting on 13 November 2026" in \
        signals(programme)["overdue_rising"].sentence


def test_no_learning_set_for_eight_working_weeks_is_serious_in_phases_one_and_two(programme):
    programme.start_date = TODAY - timedelta(days=60)
    held = make_meeting(programme, MeetingKind.STRATEGIC_SET, number=1,
                        day=date(2026, 9, 28))  # 40 working days before TODAY
    held.status = MeetingStatus.HELD
    db.session.flush()
    gap = signals(programme)["learning_set_gap"]
    assert gap.severity == SERIOUS and gap.sentence == "No learning set held for 8 working weeks"
    held.day = date(2026, 9, 29)  # 39 working days
    db.session.flush()
    assert "learning_set_gap" not in signals(programme)
    held.day = date(2026, 1, 5)
    programme.current_phase = 3
    db.session.flush()
    assert "learning_set_gap" not in signals(programme)


def test_learning_sets_planned_closer_than_six_working_weeks(programme):
    programme.start_date = TODAY
    make_meeting(programme, MeetingKind.PRACTICE_SET, number=1, day=date(2027, 1, 11))
    second = make_meeting(programme, MeetingKind.PRACTICE_SET, number=2, day=date(2027, 2, 22))
    assert "learning_set_spacing" not in signals(programme)  # 30 working days apart
    second.day = date(2027, 2, 19)
    db.session.flush()
    spacing = signals(programme)["learning_set_spacing"]
    assert spacing.sentence.startswith("Practice Set 1 and Practice Set 2 are planned 29 working")


def test_an_action_list_late_after_two_days(programme):
    meeting = make_meeting(programme, MeetingKind.STEERING, day=TODAY - timedelta(days=2))
    meeting.status = MeetingStatus.HELD
    db.session.flush()
    assert "action_lists_late" not in signals(programme)
    meeting.day = TODAY - timedelta(days=3)
    db.session.flush()
    assert signals(programme)["action_lists_late"].sentence == (
        "1 held meeting's action list has not gone out within 2 days of the meeting")


def test_postcards_waiting_more_than_twenty_working_days(programme, member):
    from tracker.models import GroupKind, ItemKind
    from tracker.postcards import services as postcards

    writer = member(Role.CHAMPION)
    add_group_member(programme, GroupKind.PRACTICE, user=writer)
    card = postcards.create_postcard(programme, from_group=GroupKind.PRACTICE, actor=writer)
    postcards.add_item(card, kind=ItemKind.REQUEST, text="Protected time?", actor=writer)
    postcards.send(card, writer, notify=False)
    card.sent_at = datetime(2026, 10, 26, 9, 0)  # 20 working days before TODAY
    db.session.flush()
    assert "postcards_waiting" not in signals(programme)
    card.sent_at = datetime(2026, 10, 23, 9, 0)  # 21
    db.session.flush()
    assert "waited more than 20 working days" in signals(programme)["postcards_waiting"].sentence


def test_an_action_stalls_after_thirty_days_without_a_note_or_change(programme):
    action = actions.create_action(programme, title="Quiet", actor=None, owner_name="X",
                                   due_date=TODAY + timedelta(days=30))
    db.session.flush()

    def touched(days_ago):
        db.session.execute(update(Action).where(Action.id == action.id)
                           .values(updated_at=NOW - timedelta(days=days_ago)))

    touched(30)
    assert "stalled_actions" not in signals(programme)
    touched(31)
    assert signals(programme)["stalled_actions"].sentence == (
        "1 open action has had no note or change for 30 days")
    db.session.add(ActionNote(action_id=action.id, at=NOW - timedelta(days=5), text="Chased"))
    db.session.flush()
    assert "stalled_actions" not in signals(programme)


def test_only_open_work_changed_or_noted_lately_keeps_actions_from_stalling(programme):
    """Stalled actions are the open ones less those changed or noted since the cut-off: work
    finished, dropped or noted lately must not be taken off the count."""
    from tracker.models import ActionStatus

    def action(status, *, changed_days_ago, noted_days_ago=None):
        made = actions.create_action(programme, title="Work", actor=None, owner_name="X")
        db.session.flush()
        if noted_days_ago is not None:
            db.session.add(ActionNote(action_id=made.id, text="Chased",
                                      at=NOW - timedelta(days=noted_days_ago)))
            db.session.flush()
        db.session.execute(update(Action).where(Action.id == made.id).values(
            status=status, updated_at=NOW - timedelta(days=changed_days_ago)))

    action(ActionStatus.OPEN, changed_days_ago=40)
    action(ActionStatus.IN_PROGRESS, changed_days_ago=45, noted_days_ago=35)
    action(ActionStatus.OPEN, changed_days_ago=2)
    action(ActionStatus.IN_PROGRESS, changed_days_ago=40, noted_days_ago=3)
    action(ActionStatus.DONE, changed_days_ago=1)
    action(ActionStatus.DROPPED, changed_days_ago=40, noted_days_ago=1)
    assert signals(programme)["stalled_actions"].sentence == (
        "2 open actions have had no note or change for 30 days")


def test_people_gone(programme, authority, member, create_user):
    lead, champion = member(Role.LEAD), member(Role.CHAMPION)
    assert not {"no_lead", "no_champion"} & set(signals(programme))
    lead.active = False
    db.session.flush()
    assert signals(programme)["no_lead"].severity == SERIOUS
    assert "no_champion" not in signals(programme)
    former = create_user()
    actions.create_action(programme, title="Left behind", actor=None, owner=former)
    db.session.flush()
    assert signals(programme)["orphaned_actions"].sentence == (
        "1 open action is owned by someone who is no longer a member")
    assert champion


def test_open_actions_and_those_whose_owner_has_gone_are_counted_per_programme(
        programme, member, create_user, create_authority, add_member):
    """Gone: not a member of the authority any more, deactivated, or only an observer. An
    owner named without an account is nobody's to lose; done work does not count."""
    def owned_by(owner=None, status=None, where=programme):
        action = actions.create_action(where, title="Work", actor=None, owner=owner,
                                       owner_name="" if owner else "Head of Commissioning")
        if status:
            action.status = status
    from tracker.models import ActionStatus, Programme

    inactive, former = member(Role.STEERING), create_user()
    inactive.active = False
    owned_by(member(Role.STEERING))
    owned_by()
    owned_by(former)
    owned_by(inactive, ActionStatus.IN_PROGRESS)
    owned_by(member(Role.OBSERVER))
    owned_by(former, ActionStatus.DONE)
    elsewhere = create_authority("Elsewhere Council", slug="elsewhere")
    add_member(former, elsewhere, Role.STEERING)
    other = db.session.execute(select(Programme).where(Programme.authority_id == elsewhere.id)
                               ).scalar_one()
    owned_by(former, where=other)
    db.session.flush()

    found = services.assess_all([("testshire", programme), ("elsewhere", other)], TODAY)
    assert found[programme.id].figures.open_actions == 5
    assert found[other.id].figures.open_actions == 1
    assert {s.key: s.sentence for s in found[programme.id].judgement.signals}[
        "orphaned_actions"] == "3 open actions are owned by someone who is no longer a member"
    assert "orphaned_actions" not in {s.key for s in found[other.id].judgement.signals}


def test_programmes_judged_together_each_keep_their_own_stalled_days(
        programme, create_authority, create_user):
    from tracker.models import Programme

    quick = db.session.execute(select(Programme).where(
        Programme.authority_id == create_authority("Quick Council", slug="quick").id)
    ).scalar_one()
    services.update_thresholds(quick, {"stalled_action_days": 14}, seen_version=None,
                               actor=create_user())
    for where in (programme, quick):
        action = actions.create_action(where, title="Quiet", actor=None, owner_name="X")
        db.session.flush()
        db.session.execute(update(Action).where(Action.id == action.id)
                           .values(updated_at=NOW - timedelta(days=20)))

    found = services.assess_all([("testshire", programme), ("quick", quick)], TODAY)
    keys = {pid: {s.key for s in a.judgement.signals} for pid, a in found.items()}
    assert "stalled_actions" in keys[quick.id]
    assert "stalled_actions" not in keys[programme.id]


def test_outcome_figures_missing_for_the_last_complete_quarter(programme):
    from tracker.models import FinancialQuarter
    from tracker.outcomes import services as outcomes

    assert "2026–27 Q2" in signals(programme)["outcomes_missing"].sentence
    outcomes.create_quarter(programme, FinancialQuarter(2026, 2), actor=None, returned_home=10,
                            framework_cases=4, not_returned_risk=2, unplanned_returns=1,
                            returned_s20=5, returned_care_order=4)
    db.session.flush()
    assert "outcomes_missing" not in signals(programme)


def test_a_programme_started_after_the_quarter_is_not_asked_for_its_figures(programme):
    programme.start_date = date(2026, 10, 1)
    assert "outcomes_missing" not in signals(programme)


def test_engagements_overdue(programme):
    from tracker.models import EngagementMethod
    from tracker.stakeholders import services as stakeholders

    stakeholders.create_engagement(programme, actor=None, stakeholders=[], title="Seminar",
                                   method=EngagementMethod.SEMINAR, planned_date=TODAY)
    assert "engagements_overdue" not in signals(programme)
    stakeholders.create_engagement(programme, actor=None, stakeholders=[], title="Briefing",
                                   method=EngagementMethod.SEMINAR,
                                   planned_date=TODAY - timedelta(days=1))
    assert signals(programme)["engagements_overdue"].sentence == (
        "1 engagement in the stakeholder plan is overdue")


# -- snapshots ----------------------------------------------------------------------------------

def _snapshots(programme):
    return db.session.execute(select(HealthSnapshot).where(
        HealthSnapshot.programme_id == programme.id)).scalars().all()


def test_the_daily_snapshot_is_one_a_day_however_often_it_runs(programme):
    snapshots.daily(TODAY)
    _overdue(programme, 2)
    snapshots.daily(TODAY)
    (only,) = _snapshots(programme)
    assert only.figures["overdue_actions"] == 2 and only.day == TODAY
    snapshots.daily(TODAY + timedelta(days=1))
    assert len(_snapshots(programme)) == 2


def test_snapshots_older_than_the_keeping_time_are_deleted(programme):
    _snapshot(programme, TODAY - timedelta(days=snapshots.KEEP_DAYS + 1), 0)
    _snapshot(programme, TODAY - timedelta(days=snapshots.KEEP_DAYS), 0)
    snapshots.daily(TODAY)
    assert sorted(s.day for s in _snapshots(programme)) == [
        TODAY - timedelta(days=snapshots.KEEP_DAYS), TODAY]


def test_holding_a_steering_meeting_or_learning_set_takes_a_snapshot(programme):
    person = add_group_member(programme, name="Ann Lee")
    meeting = make_meeting(programme, MeetingKind.STEERING, day=TODAY, invitees=[person])
    hold_meeting(meeting, today=TODAY)
    (snap,) = _snapshots(programme)
    assert snap.trigger == "meeting" and snap.day == TODAY


def test_change_since_the_last_steering_meeting(programme):
    meeting = make_meeting(programme, MeetingKind.STEERING, day=TODAY - timedelta(days=10))
    meeting.status = MeetingStatus.HELD
    _snapshot(programme, TODAY - timedelta(days=12), 1, "on_track")
    _overdue(programme, 4)
    since = services.since_last_steering(services.assess(programme, "testshire", TODAY), TODAY)
    changes = {c.label: (c.before, c.after) for c in since.changes}
    assert changes["Overdue actions"] == ("1", "4")
    assert changes["Status"][0] == "On track"


# -- pages --------------------------------------------------------------------------------------

def test_the_dashboard_opens_with_the_status_and_says_what_is_true_when_empty(client, signed_in):
    signed_in(Role.LEAD)
    page = client.get("/a/testshire/").get_data(as_text=True)
    top = page[:page.index("In detail")]
    assert "Status:" in top and "Your open actions" in top and "Needs a decision" in top
    assert "No steering group meeting held yet" in top
    assert "No meetings held yet, so no action lists are due." in page
    assert "No postcards sent yet." in page
    assert "Every held meeting" not in page and "Every request" not in page
    assert "Getting started" in page


def test_observers_get_a_read_only_summary(client, signed_in):
    signed_in(Role.OBSERVER)
    page = client.get("/a/testshire/").get_data(as_text=True)
    assert "Status:" in page
    assert "Your open actions" not in page and "Getting started" not in page
    assert "Add an action" not in page


def test_getting_started_items_complete_themselves(client, signed_in, programme):
    from tracker.models import GroupKind

    signed_in(Role.LEAD)
    add_group_member(programme, GroupKind.STRATEGIC, name="A")
    add_group_member(programme, GroupKind.PRACTICE, name="B")
    tasks = {t.text: t.done for t in services.getting_started(programme)}
    assert tasks["Set up the strategic and practice groups"] is True
    assert tasks["Plan the learning-set series"] is False
    for task in db.session.execute(select(ChecklistTask).where(
            ChecklistTask.programme_id == programme.id, ChecklistTask.phase == 1)).scalars():
        task.status = TaskStatus.NOT_APPLICABLE
    db.session.flush()
    tasks = {t.text: t.done for t in services.getting_started(programme)}
    assert tasks["Give the Phase 1 tasks owners and dates"] is True


def test_the_lead_changes_a_threshold_and_the_page_says_it_is_local(client, signed_in):
    signed_in(Role.LEAD)
    form = client.get("/a/testshire/health/thresholds").get_data(as_text=True)
    assert 'name="version"' in form
    values = {k: str(t.default) for k, t in threshold_data.defaults().items()}
    values |= {"stalled_action_days": "14", "version": "1"}
    response = client.post("/a/testshire/health/thresholds", data=values)
    assert response.status_code == 302
    page = client.get("/a/testshire/health").get_data(as_text=True)
    assert "changed 1 of them" in page and "Local" in page
    values["stalled_action_days"] = "3"
    refused = client.post("/a/testshire/health/thresholds", data=values | {"version": "2"})
    assert refused.status_code == 400 and "from 7 to 365" in refused.get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.STEERING, Role.CONSULTANT, Role.OBSERVER])
def test_only_the_lead_changes_thresholds(client, signed_in, role):
    signed_in(role)
    assert client.get("/a/testshire/health/thresholds").status_code == 403
    assert client.get("/a/testshire/health").status_code == 200


def _grow(programme, n):
    for i in range(n):
        actions.create_action(programme, title=f"A{i}", actor=None, owner_name="X",
                              due_date=TODAY - timedelta(days=i % 40))
        plan.create_milestone(programme, None, title=f"M{i}", target_date=TODAY - timedelta(i))
    db.session.commit()


@pytest.mark.parametrize("url", ["/a/testshire/", "/a/testshire/report", "/a/testshire/health"])
def test_health_pages_run_a_fixed_number_of_queries(client, signed_in, programme, count_queries,
                                                    url):
    signed_in(Role.LEAD)
    _grow(programme, 1)
    snapshots.daily(TODAY)
    with count_queries() as few:
        assert client.get(url).status_code == 200
    _grow(programme, 60)
    snapshots.daily(TODAY - timedelta(days=1))
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert many.count == few.count


def test_portfolio_puts_the_authority_that_needs_help_first(client, auth, create_authority,
                                                           create_user, add_member):
    consultant = create_user("c@example.org")
    for name, slug in (("Alpha Council", "alpha"), ("Beta Council", "beta")):
        authority = create_authority(name, slug=slug, start_date=TODAY - timedelta(days=10))
        add_member(consultant, authority, Role.CONSULTANT)
        add_member(create_user(), authority, Role.CHAMPION)
        if slug == "alpha":
            add_member(create_user(), authority, Role.LEAD)
    auth.login(consultant)
    page = client.get("/portfolio").get_data(as_text=True)
    table = page[page.index("<tbody"):]
    assert table.index("Beta Council") < table.index("Alpha Council")
    assert "Nobody holds the strategic lead role" in table


def test_the_digest_leads_with_authorities_that_got_worse(app, create_authority, create_user,
                                                          add_member):
    from tracker.models import OutboxMessage
    from tracker.notifications import jobs

    lead = create_user("lead@example.org")
    for name, slug in (("Alpha Council", "alpha"), ("Zeta Council", "zeta")):
        authority = create_authority(name, slug=slug, start_date=TODAY - timedelta(days=10))
        add_member(lead, authority, Role.LEAD)
        add_member(create_user(), authority, Role.CHAMPION)
    zeta = services_programme("zeta")
    _snapshot(zeta, TODAY - timedelta(days=7), 0, "on_track")
    for i in range(3):
        plan.create_milestone(zeta, None, title=f"Late {i}", target_date=TODAY - timedelta(1))
    db.session.commit()
    jobs.queue_digests(TODAY)
    body = db.session.execute(select(OutboxMessage.body_text)).scalar_one()
    assert body.index("Got worse since the last digest") < body.index("== Zeta Council ==")
    assert "Zeta Council: At risk (was On track): 3 of 3 milestones are red" in body
    assert body.index("== Zeta Council ==") < body.index("== Alpha Council ==")


def services_programme(slug):
    from tracker.models import Authority, Programme

    return db.session.execute(select(Programme).join(Authority).where(Authority.slug == slug)
                              ).scalar_one()


def test_a_threshold_save_over_someone_elses_is_refused_and_keeps_what_was_typed(client,
                                                                                 signed_in):
    signed_in(Role.LEAD)
    opened = client.get("/a/testshire/health/thresholds").get_data(as_text=True)
    # Opening the form writes nothing: the authority has no row of its own until it saves one.
    assert 'name="version" type="hidden" value="0"' in opened
    assert db.session.execute(select(func.count()).select_from(HealthSettings)).scalar() == 0
    values = {k: str(t.default) for k, t in threshold_data.defaults().items()}
    assert client.post("/a/testshire/health/thresholds",
                       data=values | {"overdue_rise": "5", "version": "0"}).status_code == 302
    stale = client.post("/a/testshire/health/thresholds",
                        data=values | {"overdue_rise": "9", "version": "0"})
    assert stale.status_code == 409 and 'value="9"' in stale.get_data(as_text=True)
    settings = db.session.execute(select(HealthSettings)).scalar_one()
    assert settings.thresholds == {"overdue_rise": 5}
    assert client.post("/a/testshire/health/thresholds", data=values | {
        "overdue_rise": "9", "version": str(settings.version)}).status_code == 302


def test_the_action_list_default_is_the_frameworks_two_days_the_meetings_use():
    """The same rule in two places: the meeting pages' due date for an action list, and the
    health threshold a lead may relax. Their default must not drift apart."""
    from tracker.meetings import planner

    assert threshold_data.defaults()["action_list_days"].default == planner.CIRCULATE_WITHIN_DAYS
