"""Demo data: "Demo Borough Council" part-way through Phase 2, and a second authority
that only the demo consultant belongs to, so the authority switcher and tenancy can be seen."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select, update

from tracker import clock
from tracker.admin import services as admin
from tracker.checklist import services as checklist
from tracker.extensions import db
from tracker.models import (
    AuditEvent,
    ChecklistTask,
    PhaseOutcome,
    Programme,
    Role,
    TaskStatus,
    User,
)

DEMO_PASSWORD = "homeward-demo-2026"

# (email, name, role, job role): one sign-in for each role, then the rest of the steering group.
PEOPLE = [
    ("lead@demo.example.org", "Sarah Okafor", Role.LEAD, "Assistant Director, Children's Services"),
    ("steering@demo.example.org", "David Chen", Role.STEERING,
     "Head of Service, Looked After Children"),
    ("champion@demo.example.org", "Aisha Rahman", Role.CHAMPION, "Team Manager, Children in Care"),
    ("consultant@demo.example.org", "Jo Whitfield", Role.CONSULTANT, "NSPCC Implementation Consultant"),
    ("observer@demo.example.org", "Cllr Peter Hughes", Role.OBSERVER, "Lead Member for Children"),
    ("psw@demo.example.org", "Priya Sharma", Role.STEERING, "Principal Social Worker"),
    ("iro@demo.example.org", "Mark Evans", Role.STEERING, "IRO Service Manager"),
    ("data@demo.example.org", "Helen Wright", Role.STEERING, "Data and Performance Manager"),
    ("workforce@demo.example.org", "Tom Baker", Role.STEERING, "Workforce Development Manager"),
    ("fostering@demo.example.org", "Grace Mensah", Role.STEERING, "Fostering Manager"),
    ("cin@demo.example.org", "Rachel Green", Role.STEERING,
     "Head of Service, Children in Need and Family Support"),
]
ADMIN = ("admin@demo.example.org", "Site Administrator")


def database_is_empty() -> bool:
    return db.session.execute(select(User.id).limit(1)).first() is None


def wipe() -> None:
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


def sign_in_text() -> str:
    lines = [f"Demo sign-ins (password for all: {DEMO_PASSWORD}):"]
    for email, name, role, _job in PEOPLE[:5]:
        lines.append(f"  {role.label:<22} {email}  ({name})")
    lines.append(f"  {'Site administrator':<22} {ADMIN[0]}")
    return "\n".join(lines)


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0)


def load(today: date | None = None) -> None:
    today = today or clock.today()
    start = today - timedelta(days=266)  # about nine months ago
    phase2_start = start + timedelta(days=126)

    admin.create_user(ADMIN[0], ADMIN[1], password=DEMO_PASSWORD, is_site_admin=True)
    demo = admin.create_authority("Demo Borough Council", slug="demo", start_date=start)
    other = admin.create_authority("Northshire County Council", slug="northshire",
                                   start_date=today - timedelta(days=40))
    people: dict[str, User] = {}
    for email, name, role, job in PEOPLE:
        user = admin.create_user(email, name, password=DEMO_PASSWORD)
        admin.add_member(user, demo, role, job_role=job)
        people[email.split("@")[0]] = user
    admin.add_member(people["consultant"], other, Role.CONSULTANT,
                     job_role="NSPCC Implementation Consultant")
    db.session.flush()

    programme = db.session.execute(
        select(Programme).where(Programme.authority_id == demo.id)
    ).scalar_one()
    # Set-up events so far happened at the programme's start, not today.
    for event in db.session.execute(select(AuditEvent)).scalars():
        event.at = _at(start, 9)
    _progress_checklist(programme, people, start, phase2_start, today)
    checklist.set_current_phase(programme, 2, people["lead"])
    checklist.phase_or_none(programme, 2).started_on = phase2_start
    _redate_last(checklist.PROGRAMME, programme.id, _at(phase2_start))
    _plan_and_actions(programme, people, start, today)
    _stakeholder_engagement(programme, people, today)
    _learning_sets(programme, people, today)
    _outcomes_and_costs(programme, people, today)
    _postcards(programme, people, today)
    _framework(programme, people, today)
    _health(programme, other, today)
    _evaluation(programme, people, today)
    # History cannot be in the future: planned meetings and the like were recorded by now.
    db.session.flush()
    db.session.execute(update(AuditEvent).where(AuditEvent.at > clock.now())
                       .values(at=clock.now()))


def _outcomes_and_costs(programme, people, today) -> None:
    """Eight quarters of outcome figures and two cost scenarios: see
    tracker/outcomes/demo_data.py and tracker/costs/demo_data.py."""
    from tracker.costs import demo_data as costs_demo
    from tracker.outcomes import demo_data as outcomes_demo

    outcomes_demo.load(programme, people, today)
    costs_demo.load(programme, people, today)


def _evaluation(programme, people, today) -> None:
    """Closed Time 1 and Time 2 questionnaire rounds: see tracker/evaluation/demo_data.py."""
    from tracker.evaluation import demo_data

    demo_data.load(programme, people, today)


def _postcards(programme, people, today) -> None:
    """A round of postcards between the groups: see tracker/postcards/demo_data.py."""
    from tracker.postcards import demo_data

    demo_data.load(programme, people, today)


def _framework(programme, people, today) -> None:
    """Teams, training, fidelity and an adaptation: see tracker/framework/demo_data.py."""
    from tracker.framework import demo_data

    demo_data.load(programme, people, today)
def _health(programme, other, today) -> None:
    """A stalled second authority and the main one's history: see tracker/health/demo_data.py."""
    from tracker.health import demo_data

    stalled = db.session.execute(
        select(Programme).where(Programme.authority_id == other.id)).scalar_one()
    demo_data.load(programme, stalled, today)


def _learning_sets(programme, people, today) -> None:
    """The groups, a series of learning sets and the steering group's meetings: see
    tracker/meetings/demo_data.py."""
    from tracker.meetings import demo_data

    demo_data.load(programme, people, today)


def _stakeholder_engagement(programme, people, today) -> None:
    """The register, the engagement plan and feedback: see tracker/stakeholders/demo_data.py."""
    from tracker.stakeholders import demo_data

    demo_data.load(programme, people, today)


def _redate_last(entity_type: str, entity_id: int, when: datetime) -> None:
    db.session.flush()
    event = db.session.execute(
        select(AuditEvent)
        .where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id == entity_id)
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ).scalar_one()
    event.at = when


# Phase, task number: (status, owner key, due offset from programme start in days,
# done offset in days or None, notes, evidence)
_TASKS = {
    (1, 1): (TaskStatus.DONE, "lead", 14, 10,
             "Reunification Implementation Board agreed at the Children's Services Leadership "
             "Team. Reports quarterly to the Corporate Parenting Board.",
             "CSLT minutes, item 6"),
    (1, 2): (TaskStatus.DONE, "data", 35, 41,
             "Three years of returns analysed: 112 children returned home, 29 came back into care "
             "within a year (26%). Most breakdowns were for children aged 11 to 15 accommodated "
             "under **section 20**.",
             "https://intranet.example.org/performance/reunification-baseline"),
    (1, 3): (TaskStatus.DONE, "psw", 42, 40, "Practice audit of 20 returns completed.", ""),
    (1, 4): (TaskStatus.DONE, "data", 49, 55,
             "Success measures agreed:\n\n- fewer returns breaking down within 12 months\n"
             "- more returns planned rather than unplanned\n- children's views recorded at review",
             "Outcome indicator framework v2"),
    (1, 5): (TaskStatus.DONE, "data", 56, 60, "Using the Annex 3 calculator with local costs.",
             ""),
    (1, 6): (TaskStatus.DONE, "lead", 56, 70,
             "Two reunification workers funded for 18 months from the edge-of-care budget.", ""),
    (1, 7): (TaskStatus.DONE, "cin", 63, 77,
             "Gaps found in parenting support after return and adult substance misuse waiting "
             "times. Commissioners engaged.", ""),
    (1, 8): (TaskStatus.DONE, "lead", 28, 30, "Launch message sent to all children's social care "
             "staff with a one-minute guide.", "All-staff email, 3 April"),
    (1, 9): (TaskStatus.DONE, "lead", 35, 33, "", "Terms of reference and membership list"),
    (1, 10): (TaskStatus.DONE, "consultant", 49, 47, "", ""),
    (1, 11): (TaskStatus.DONE, "steering", 84, 90, "", "Reunification process map"),
    (1, 12): (TaskStatus.DONE, "steering", 84, 88,
              "Children in Care Team 2 and the Adolescent Team will pilot.", ""),
    (1, 13): (TaskStatus.DONE, "workforce", 98, 105, "", "Training plan 2026-27"),
    (1, 14): (TaskStatus.IN_PROGRESS, "psw", 112, None,
              "Audit tool drafted against the essential components; needs sign-off by the "
              "Quality Assurance Board.", ""),
    (1, 15): (TaskStatus.DONE, "lead", 112, 118, "", ""),
    (1, 16): (TaskStatus.NOT_APPLICABLE, None, None, None, "", ""),
    (2, 1): (TaskStatus.DONE, "steering", 140, 150, "Twelve pilot cases identified.", ""),
    (2, 2): (TaskStatus.IN_PROGRESS, "lead", 280, None,
             "Monthly review meetings running. Pilot data is arriving late from the case "
             "recording system.", ""),
    (2, 3): (TaskStatus.IN_PROGRESS, "psw", 252, None,
             "Draft policy out for consultation with team managers and IROs.", ""),
    (2, 4): (TaskStatus.IN_PROGRESS, "workforce", 245, None, "", ""),
    (2, 5): (TaskStatus.NOT_STARTED, "psw", 300, None, "", ""),
    (2, 6): (TaskStatus.IN_PROGRESS, "lead", 270, None,
             "Communications lead drafting the plan; see the stakeholder register.", ""),
    (2, 7): (TaskStatus.NOT_STARTED, "iro", 320, None, "", ""),
    (2, 8): (TaskStatus.IN_PROGRESS, "cin", 260, None,
             "Commissioners reviewing eligibility for the parenting programme.", ""),
    (2, 9): (TaskStatus.NOT_STARTED, "lead", 360, None, "", ""),
    (2, 10): (TaskStatus.NOT_STARTED, "lead", 360, None, "", ""),
    (2, 12): (TaskStatus.NOT_STARTED, "lead", 390, None, "", ""),
}


def _progress_checklist(programme, people, start, phase2_start, today) -> None:
    tasks = {
        (t.phase, t.number): t
        for t in db.session.execute(
            select(ChecklistTask).where(ChecklistTask.programme_id == programme.id)
        ).scalars()
    }
    for key, (status, owner, due, done, notes, evidence) in _TASKS.items():
        task = tasks[key]
        actor = people[owner] if owner else people["lead"]
        reason = ""
        if status == TaskStatus.NOT_APPLICABLE:
            reason = ("Obstacles and mitigations are already covered by the authority's "
                      "corporate risk register, reviewed by the Implementation Board.")
        checklist.update_task(
            task, seen_version=None, status=status, not_applicable_reason=reason,
            owner=people[owner] if owner else None,
            due_date=start + timedelta(days=due) if due is not None else None,
            notes=notes, evidence=evidence, actor=actor,
        )
        when = _at(start + timedelta(days=done if done is not None else min(due or 0, 250)), 11)
        when = min(when, _at(today, 9))
        if task.completed_at:
            task.completed_at = when
        _redate_last(checklist.TASK, task.id, when)
    local = checklist.add_local_task(
        programme, 2,
        title="Agree how reunification cases are flagged in the case recording system",
        guidance="So that the data team can report on Framework cases separately.",
        owner=people["data"], due_date=today + timedelta(days=21), actor=people["lead"],
    )
    _redate_last(checklist.TASK, local.id, _at(phase2_start + timedelta(days=30)))
    outcomes = db.session.execute(
        select(PhaseOutcome).where(PhaseOutcome.programme_id == programme.id,
                                   PhaseOutcome.phase == 1).order_by(PhaseOutcome.position)
    ).scalars().all()
    for outcome in outcomes[:-1]:
        achieved = phase2_start - timedelta(days=7)
        checklist.set_outcome(outcome, achieved_on=achieved, seen_version=None,
                              actor=people["lead"])
        _redate_last(checklist.OUTCOME, outcome.id, _at(achieved, 16))


WORKSTREAMS = [
    ("Communication and workforce development", "workforce",
     ["workforce", "psw", "champion"],
     "Brief and train staff, keep the rolling training programme going, and tell people what "
     "the Framework is changing."),
    ("Process, systems and procedures", "steering", ["steering", "iro", "psw"],
     "Fit the Framework into the case recording system, templates and the reunification "
     "policy."),
    ("Data, monitoring and evaluation", "data", ["data", "iro"],
     "Baseline, outcome indicators and the quarterly report to the Implementation Board."),
    ("Support planning", "cin", ["cin", "fostering"],
     "Services for children and parents before and after return, and commissioning."),
]

# (title, workstream index, target offset in days from today, status)
MILESTONES = [
    ("Baseline report on returns home agreed", 2, -150, "achieved"),
    ("Pilot teams trained", 0, -95, "achieved"),
    ("Reunification policy signed off", 1, -12, "planned"),
    ("First quarterly outcomes report to the Board", 2, 20, "planned"),
    ("Case recording templates live", 1, 45, "planned"),
    ("Scale-up decision taken", None, 120, "planned"),
    ("Framework launched across the authority", 0, 200, "planned"),
    ("Parenting support commissioned for families after return", 3, 240, "planned"),
    ("All team managers trained", 0, 300, "planned"),
    ("Twelve-month outcomes review", 2, 400, "planned"),
    ("Quality assurance audit of Framework cases", 1, 480, "planned"),
]

# (title, owner key or a named non-member, due offset from today or None, status,
#  workstream index, milestone index, checklist (phase, task) or None)
ACTIONS = [
    ("Circulate the draft reunification policy to team managers", "psw", -20, "done", 1, 2, (2, 3)),
    ("Collect comments on the draft policy from IROs", "iro", -6, "in_progress", 1, 2, (2, 3)),
    ("Take the policy to the Quality Assurance Board", "psw", 5, "open", 1, 2, (2, 3)),
    ("Agree the outcome indicators for the quarterly report", "data", -3, "in_progress", 2, 3, None),
    ("Extract the returns-home cohort for quarter 2", "data", 9, "open", 2, 3, None),
    ("Add a reunification flag to the case recording system", "data", 14, "open", 1, 4, None),
    ("Draft the analytical case history template", "steering", -9, "open", 1, 4, None),
    ("Test the templates with the pilot teams", "champion", 30, "open", 1, 4, None),
    ("Book the training venue for team managers", "workforce", -2, "open", 0, 8, (2, 4)),
    ("Write the rolling training programme", "workforce", 12, "in_progress", 0, 8, (2, 4)),
    ("Ask the NSPCC about train-the-trainer places", "consultant", 4, "open", 0, 8, None),
    ("Send the one-minute guide to partner agencies", "lead", -40, "done", 0, 6, None),
    ("Brief the Corporate Parenting Board", "lead", 25, "open", 0, None, None),
    ("Brief the LSCB partnership on the pilot", "lead", -1, "open", 0, None, None),
    ("Map parenting support available after return", "cin", -30, "done", 3, 7, (2, 8)),
    ("Meet commissioners about eligibility criteria", "cin", 2, "in_progress", 3, 7, (2, 8)),
    ("Review adult substance misuse waiting times", "Head of Commissioning", -14, "open", 3, 7,
     (2, 8)),
    ("Ask CAMHS about access for children after they stop being looked after",
     "Head of Commissioning", 18, "open", 3, 7, None),
    ("Scope a specialist reunification worker post", "lead", 60, "open", 3, 5, None),
    ("Cost the scale-up options with Annex 3", "data", 40, "open", 2, 5, (2, 9)),
    ("Options paper on mandatory or optional use", "lead", 75, "open", None, 5, (2, 10)),
    ("Decide how fast to scale up", "lead", 110, "open", None, 5, (2, 9)),
    ("Plan the launch event", None, 150, "open", 0, 6, (2, 11)),
    ("Write the 12–24 month implementation plan", "lead", 90, "open", None, None, (2, 12)),
    ("Audit five pilot cases against the essential components", "psw", -25, "open", 1, 10,
     (2, 5)),
    ("Agree the audit tool with the Quality Assurance Board", "psw", -60, "done", 1, 10, (1, 14)),
    ("Set up the monthly pilot review meeting", "lead", -120, "done", None, None, (2, 2)),
    ("Report pilot data problems to the systems team", "data", -10, "in_progress", 2, 3, (2, 2)),
    ("Invite foster carers' representatives to a briefing", "fostering", 21, "open", 0, None,
     None),
    ("Add the Framework to foster carer training", "fostering", 55, "open", 0, 8, None),
    ("Share learning from the first three returns with the pilot teams", "champion", 7, "open",
     0, None, None),
    ("Update the supervision template for reunification cases", "steering", 35, "open", 1, 4,
     None),
    ("Ask legal services to review the policy", "steering", -4, "open", 1, 2, (2, 3)),
    ("Confirm the IRO checklist for reviews before return", "iro", 16, "open", 1, None, (2, 7)),
    ("Produce the quarter 1 outcomes dashboard", "data", -70, "done", 2, 3, None),
    ("Book the Strategic Learning Set 3 room", "consultant", -35, "done", None, None, None),
    ("Invite housing to the strategic group", "lead", -50, "dropped", 3, None, None),
    ("Design a feedback form for parents", "champion", 50, "open", 0, None, None),
    ("Find out how many returns were s20 in the last year", "data", None, "open", 2, None, None),
    ("Check that pilot cases have a named support worker", None, 10, "open", 3, None, None),
    ("Write to schools about children returning home", "cin", 80, "open", 0, None, None),
    ("Agree a step-down process with Early Help", "cin", -18, "in_progress", 1, None, (1, 11)),
    ("Present the baseline to the Children's Services Leadership Team", "lead", -160, "done", 2,
     0, (1, 2)),
    ("Collect practitioners' views on the risk classification tool", "champion", 3,
     "in_progress", 0, None, None),
]

NOTES = [
    "Discussed at the steering group: agreed to go ahead.",
    "Waiting on the systems team; chased by email.",
    "Draft shared with the pilot team managers for comments.",
]


def _plan_and_actions(programme, people, start, today) -> None:
    """Workstreams, milestones across 18 months and 40+ actions in every state."""
    from tracker.actions import services as actions
    from tracker.models import ActionStatus, ChecklistTask, MilestoneStatus
    from tracker.plan import services as plan

    workstreams = [
        plan.create_workstream(programme, people["lead"], name=name, lead=people[lead],
                               members=[people[k] for k in members], aims=aims)
        for name, lead, members, aims in WORKSTREAMS
    ]
    milestones = []
    for title, ws, offset, status in MILESTONES:
        target = today + timedelta(days=offset)
        milestones.append(plan.create_milestone(
            programme, people["lead"], title=title, target_date=target,
            workstream=workstreams[ws] if ws is not None else None,
            status=MilestoneStatus(status),
            achieved_on=target - timedelta(days=3) if status == "achieved" else None))
    tasks = {(t.phase, t.number): t for t in db.session.execute(
        select(ChecklistTask).where(ChecklistTask.programme_id == programme.id,
                                    ChecklistTask.is_local.is_(False))).scalars()}
    for i, (title, owner, due, status, ws, ms, task) in enumerate(ACTIONS):
        person = people.get(owner) if owner else None
        action = actions.create_action(
            programme, title=title, actor=people["lead"] if i % 3 else people["steering"],
            owner=person, owner_name=owner if owner and person is None else "",
            due_date=today + timedelta(days=due) if due is not None else None,
            status=ActionStatus(status),
            workstream=workstreams[ws] if ws is not None else None,
            milestone=milestones[ms] if ms is not None else None,
            checklist_task=tasks[task] if task else None)
        if status == "dropped":
            action.dropped_reason = "Housing joined the support planning workstream instead."
        # Logged some weeks before it fell due (or, for later ones, in the last few weeks).
        created = _at(max(start, today - timedelta(days=20 + i % 25 + max(0, -(due or 0)))), 10)
        action.created_at = created
        if action.completed_at:
            action.completed_at = _at(today + timedelta(days=min(due or 0, -1)), 15)
        _redate_last(actions.ACTION, action.id, created)
        if status == "in_progress":
            actions.add_note(action, NOTES[i % len(NOTES)], person or people["lead"]).at = _at(
                today - timedelta(days=3 + i % 5), 14)


def backdate(record, entity_type: str, day: date) -> None:
    """Date a demo record, and its history, as if it had been made on `day`."""
    when = datetime(day.year, day.month, day.day, 11, 0)
    record.created_at = when
    if hasattr(record, "updated_at"):
        record.updated_at = when
    db.session.flush()
    for event in db.session.execute(select(AuditEvent).where(
            AuditEvent.entity_type == entity_type, AuditEvent.entity_id == record.id)).scalars():
        event.at = when
