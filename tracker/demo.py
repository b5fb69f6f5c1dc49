"""Demo data: "Demo Borough Council" part-way through Phase 2, and a second authority
that only the demo consultant belongs to, so the authority switcher and tenancy can be seen."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

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
    checklist.phase_or_none(2, programme).started_on = phase2_start
    _redate_last(checklist.PROGRAMME, programme.id, _at(phase2_start))


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
