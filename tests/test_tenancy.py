"""Every route, swept: a non-member gets 404 anywhere under another authority, an observer
gets 403 for every write, a signed-out visitor is sent to sign in, and /admin is invisible to
everyone but site administrators. A new route with an argument this file does not know fails
here until it is added, so no route can be forgotten."""

from datetime import date

import pytest

from tracker.actions import services as actions
from tracker.costs import calculator as cost_calculator
from tracker.costs import services as costs
from tracker.evaluation import services as evaluation
from tracker.extensions import db
from tracker.framework import services as framework
from tracker.meetings import groups as meeting_groups
from tracker.meetings import planner
from tracker.meetings import series as meeting_series
from tracker.meetings import services as meetings
from tracker.models import (
    ChecklistTask,
    EngagementLevel,
    EngagementMethod,
    FeedbackSource,
    FinancialQuarter,
    GroupKind,
    ItemKind,
    MeetingKind,
    Membership,
    OutcomeKind,
    PhaseOutcome,
    Programme,
    Role,
    StaffRole,
    StakeholderGroup,
    StakeholderType,
    TrainingKind,
)
from tracker.outcomes import services as outcomes
from tracker.plan import services as plan
from tracker.postcards import services as postcards
from tracker.stakeholders import services as stakeholders

PUBLIC = {"/login", "/healthz", "/set-password/<token>", "/static/<path:filename>",
          "/calendar/<token>.ics"}
# Questionnaire respondents answer through the round's link, without an account.
PUBLIC |= {"/questionnaire/<token>", "/questionnaire/<token>/<key>/<int:page>",
           "/questionnaire/<token>/<key>/saved", "/questionnaire/<token>/<key>/check",
           "/questionnaire/<token>/<key>/sent"}


# The read API takes tokens, not sessions: its own sweep is in tests/test_api.py.
API = "/api/v1/"


def _rules(app):
    return [r for r in app.url_map.iter_rules()
            if r.rule not in PUBLIC and not r.rule.startswith(API)]


def _ids_for(authority):
    programme = db.session.execute(
        db.select(Programme).where(Programme.authority_id == authority.id)
    ).scalar_one()
    task = db.session.execute(
        db.select(ChecklistTask).where(ChecklistTask.programme_id == programme.id).limit(1)
    ).scalar_one()
    outcome = db.session.execute(
        db.select(PhaseOutcome).where(PhaseOutcome.programme_id == programme.id).limit(1)
    ).scalar_one()
    membership = db.session.execute(
        db.select(Membership).where(Membership.authority_id == authority.id).limit(1)
    ).scalar_one()
    workstream = plan.create_workstream(programme, None, name=f"Data {authority.slug}")
    milestone = plan.create_milestone(programme, None, title="Plan written",
                                      target_date=date(2027, 3, 1), workstream=workstream)
    action = actions.create_action(programme, title="Brief the IRO service", actor=None,
                                   checklist_task=task, milestone=milestone)
    group_member = meeting_groups.add_member(programme, GroupKind.PRACTICE, actor=None, name="Sam Ray",
                                       today=date(2026, 1, 1))
    series = meeting_series.plan_series(
        programme, name="Sets", start_date=date(2026, 1, 5), closures=[], location="",
        call_link="", facilitators="", actor=None,
        days=[p.day for p in planner.propose_series(date(2026, 1, 5))])
    practice_set = next(m for m in series.meetings if m.kind == MeetingKind.PRACTICE_SET)
    agenda_outcome = meetings.add_outcome(practice_set.items[0], kind=OutcomeKind.DECISION,
                                          text="Agreed", actor=None)
    stakeholder = stakeholders.create_stakeholder(
        programme, actor=None, name="CAFCASS", kind=StakeholderType.AGENCY,
        group=StakeholderGroup.COURTS, influence=4, interest=3,
        level_now=EngagementLevel.NEUTRAL, level_wanted=EngagementLevel.SUPPORTIVE)
    engagement = stakeholders.create_engagement(
        programme, actor=None, stakeholders=[stakeholder], title="Seminar for CAFCASS",
        method=EngagementMethod.SEMINAR, planned_date=date(2026, 1, 5))
    feedback = stakeholders.create_feedback(
        programme, received_on=date(2026, 1, 5), source=FeedbackSource.PARTNERS,
        text="Useful", engagement=engagement, actor=None)
    quarter = outcomes.create_quarter(
        programme, FinancialQuarter(2025, 1), actor=None, returned_home=10, framework_cases=4,
        not_returned_risk=2, unplanned_returns=1, returned_s20=5, returned_care_order=4)
    scenario = costs.save_scenario(programme, name="National figures", actor=None,
                                   inputs=cost_calculator.DEFAULTS, in_report=True)
    postcard = postcards.create_postcard(programme, from_group=GroupKind.PRACTICE, actor=None)
    postcard_item = postcards.add_item(postcard, kind=ItemKind.REQUEST, text="Who signs off?",
                                       actor=None)
    postcards.send(postcard, None)
    team = framework.create_team(programme, None, name=f"LAC {authority.slug}")
    staff_member = framework.add_staff(team, None, name="Sam Ray", email=f"sam@{authority.slug}.org",
                                       role=StaffRole.PRACTITIONER)
    training_event = framework.create_event(programme, None, kind=TrainingKind.TEAM_BRIEFING,
                                            title="Team briefing", held_on=date(2026, 1, 5))
    evaluation_round = evaluation.open_round(programme, audience="practice", time=2,
                                             closes_on=date(2030, 1, 1), actor=None)
    db.session.commit()
    return {
        "authority_slug": authority.slug,
        "slug": authority.slug,
        "task_id": task.id,
        "outcome_id": outcome.id,
        "number": 1,
        "membership_id": membership.id,
        "user_id": membership.user_id,
        "message_id": 1,  # admin-only routes: a non-administrator gets 404 whatever the id
        "action_id": action.id,
        "workstream_id": workstream.id,
        "milestone_id": milestone.id,
        "meeting_id": practice_set.id,
        "series_id": series.id,
        "item_id": practice_set.items[0].id,
        "agenda_outcome_id": agenda_outcome.id,
        "member_id": group_member.id,
        "stakeholder_id": stakeholder.id,
        "engagement_id": engagement.id,
        "feedback_id": feedback.id,
        "quarter_id": quarter.id,
        "scenario_id": scenario.id,
        "postcard_id": postcard.id,
        "postcard_item_id": postcard_item.id,
        "token_id": 1,  # a person's own API token: anyone else's is a 404 (tests/test_api.py)
        "team_id": team.id,
        "event_id": training_event.id,
        "staff_id": staff_member.id,
        "round_id": evaluation_round.id,
    }


def _url(rule, values):
    missing = set(rule.arguments) - set(values)
    assert not missing, f"{rule.rule}: tell tests/test_tenancy.py a value for {missing}"
    return rule.build({a: values[a] for a in rule.arguments}, append_unknown=False)[1]


def _methods(rule):
    return sorted(rule.methods & {"GET", "POST"})


@pytest.fixture
def two_authorities(create_authority, create_user, add_member):
    ours = create_authority("Ourshire Council", slug="ourshire")
    theirs = create_authority("Theirshire Council", slug="theirshire")
    outsider = create_user("outsider@example.org")
    add_member(outsider, theirs, Role.LEAD)
    return ours, theirs


def test_non_member_gets_404_for_every_authority_route(app, client, auth, create_user,
                                                       add_member, two_authorities):
    ours, theirs = two_authorities
    me = create_user("me@example.org")
    add_member(me, ours, Role.LEAD)
    auth.login(me)
    theirs_ids = _ids_for(theirs)
    checked = 0
    for rule in _rules(app):
        if "authority_slug" not in rule.arguments:
            continue
        for method in _methods(rule):
            url = _url(rule, theirs_ids)
            response = client.open(url, method=method)
            assert response.status_code == 404, f"{method} {url}"
            assert "Theirshire" not in response.get_data(as_text=True)
            checked += 1
    assert checked >= 10


def test_member_cannot_reach_another_authoritys_records_through_their_own_slug(
    app, client, auth, create_user, add_member, two_authorities
):
    ours, theirs = two_authorities
    me = create_user("me@example.org")
    add_member(me, ours, Role.LEAD)
    auth.login(me)
    mixed = {**_ids_for(theirs), "authority_slug": ours.slug, "number": 99}
    checked = 0
    for rule in _rules(app):
        if "authority_slug" not in rule.arguments or set(rule.arguments) == {"authority_slug"}:
            continue
        for method in _methods(rule):
            url = _url(rule, mixed)
            assert client.open(url, method=method).status_code == 404, f"{method} {url}"
            checked += 1
    assert checked >= 5


def test_observer_gets_403_for_every_write(app, client, auth, create_user, add_member,
                                           two_authorities):
    ours, _ = two_authorities
    observer = create_user("observer@example.org")
    add_member(observer, ours, Role.OBSERVER)
    auth.login(observer)
    ids = _ids_for(ours)
    checked = 0
    for rule in _rules(app):
        if "authority_slug" not in rule.arguments:
            continue
        view = app.view_functions[rule.endpoint]
        is_write = getattr(view, "required_permission", None) is not None
        for method in _methods(rule):
            url = _url(rule, ids)
            status = client.open(url, method=method).status_code
            if method == "POST" or is_write:
                assert status == 403, f"{method} {url}"
                checked += 1
            else:
                assert status == 200, f"{method} {url}"
    assert checked >= 5


def test_every_post_route_under_an_authority_declares_a_permission(app):
    for rule in _rules(app):
        if "authority_slug" in rule.arguments and "POST" in rule.methods:
            view = app.view_functions[rule.endpoint]
            assert getattr(view, "required_permission", None), f"{rule.rule} checks no permission"


def test_signed_out_visitor_is_sent_to_sign_in_everywhere(app, client, two_authorities):
    ids = _ids_for(two_authorities[1])
    for rule in _rules(app):
        for method in _methods(rule):
            if rule.rule == "/logout":
                continue
            url = _url(rule, {**ids, "token": "x"})
            response = client.open(url, method=method)
            assert response.status_code == 302, f"{method} {url}"
            assert response.headers["Location"].startswith("/login"), f"{method} {url}"


def test_admin_pages_are_invisible_to_non_administrators(app, client, auth, create_user,
                                                          add_member, two_authorities):
    ours, _ = two_authorities
    lead = create_user("lead@example.org")
    add_member(lead, ours, Role.LEAD)
    auth.login(lead)
    ids = _ids_for(ours)
    for rule in _rules(app):
        if not rule.rule.startswith("/admin"):
            continue
        for method in _methods(rule):
            assert client.open(_url(rule, ids), method=method).status_code == 404


def test_site_administrator_sees_no_authority_content(app, client, auth, create_user,
                                                      two_authorities):
    admin = create_user("admin@example.org", admin_=True)
    auth.login(admin)
    assert client.get("/a/ourshire/").status_code == 404
    assert client.get("/a/ourshire/checklist").status_code == 404
    assert client.get("/admin").status_code == 200


def test_unknown_urls_get_a_404_page(client, signed_in):
    signed_in(Role.LEAD)
    for url in ("/nowhere", "/a/testshire/checklist/tasks/999999", "/a/testshire/checklist/phase/9",
                "/a/nope/"):
        response = client.get(url)
        assert response.status_code == 404
        assert "Page not found" in response.get_data(as_text=True)


def test_every_table_with_a_programme_is_marked_as_programme_owned():
    from tracker.models.owned import ProgrammeOwned

    unmarked = [
        mapper.class_.__name__ for mapper in db.Model.registry.mappers
        if "programme_id" in mapper.columns and not issubclass(mapper.class_, ProgrammeOwned)
    ]
    # The audit trail also holds site-wide events (no programme), so its column may be empty.
    assert unmarked == ["AuditEvent"]


def test_the_scoped_loader_refuses_a_model_that_has_no_programme(app):
    from tracker.models import User
    from tracker.tenancy import in_programme

    with pytest.raises(TypeError):
        in_programme(User, Programme(id=1))
