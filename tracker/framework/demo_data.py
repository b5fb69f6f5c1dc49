"""The demo authority's Framework in use: three teams with partial training coverage (one
with its champion trained as a trainer), a learning set linked to a held practice set,
two quarters of fidelity ratings, and one recorded adaptation. Staff names are invented.
Called from tracker.demo.load()."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from tracker.extensions import db
from tracker.framework import content, services
from tracker.models import (
    AdaptationLevel,
    AdaptationNature,
    FidelityLevel,
    KeepsIntent,
    Meeting,
    MeetingKind,
    Programme,
    StaffRole,
    TrainingKind,
    User,
)
from tracker.models.outcomes import FinancialQuarter

P, M = StaffRole.PRACTITIONER, StaffRole.MANAGER
# (team, service area, practitioners, managers, [(name, role)])
TEAMS = [
    ("Children in Care team", "Children looked after", 7, 1,
     [("Ben Carter", P), ("Chloe Patel", P), ("Dan Hughes", P), ("Ella Moore", P),
      ("Femi Adeyemi", P)]),
    ("Adolescent Support team", "Edge of care", 5, 1,
     [("Gail Stone", M), ("Hamid Khan", P), ("Isla Reid", P), ("Jack Lowe", P)]),
    ("Fostering Support team", "Fostering", 4, 1,
     [("Kate Bell", M), ("Liam Ford", P)]),
]


def load(programme: Programme, people: dict[str, User], today: date) -> None:
    lead, champion = people["lead"], people["champion"]
    start = today - timedelta(days=240)
    teams = []
    for name, area, practitioners, managers, staff in TEAMS:
        team = services.create_team(programme, lead, name=name, service_area=area,
                                    practitioners=practitioners, managers=managers)
        for person, role in staff:
            services.add_staff(team, lead, name=person, role=role,
                               email=person.lower().replace(" ", ".") + "@demo.example.org",
                               added_on=start)
        teams.append(team)
    # The Fostering Support team is listed with its staff and none trained yet.
    care, adolescent, _fostering = teams
    # The champion is the Children in Care team's manager, so she records its training.
    aisha = services.add_staff(care, lead, name=champion.name, email=champion.email,
                               role=M, is_champion=True, added_on=start)
    db.session.flush()
    staff = {s.name: s for team in teams for s in team.staff}
    ben, chloe, dan = staff["Ben Carter"], staff["Chloe Patel"], staff["Dan Hughes"]
    gail, hamid, isla = staff["Gail Stone"], staff["Hamid Khan"], staff["Isla Reid"]
    briefing = services.create_event(programme, lead, kind=TrainingKind.FULL_DAY_BRIEFING,
                                     title="Full-day practice briefing",
                                     held_on=start + timedelta(days=30),
                                     trainer_name="NSPCC consultant")
    services.set_attendance(briefing, [aisha, ben, chloe, dan, gail],
                            [aisha, *care.staff, *adolescent.staff], lead)
    cascade = services.create_event(programme, lead, kind=TrainingKind.TRAIN_THE_TRAINER,
                                    title="Train the trainer: team briefings",
                                    held_on=start + timedelta(days=60), trainer=aisha)
    services.set_attendance(cascade, [gail], adolescent.staff, lead)
    team_briefing = services.create_event(programme, champion,
                                          kind=TrainingKind.TEAM_BRIEFING,
                                          title="Adolescent Support team briefing",
                                          held_on=start + timedelta(days=90),
                                          trainer=gail)
    services.set_attendance(team_briefing, [hamid, isla], adolescent.staff, lead)
    practice_set = db.session.execute(
        select(Meeting).where(Meeting.programme_id == programme.id,
                              Meeting.kind == MeetingKind.PRACTICE_SET, Meeting.day <= today)
        .order_by(Meeting.day)).scalars().first()
    if practice_set is not None:
        learning_set = services.create_event(programme, lead, kind=TrainingKind.LEARNING_SET,
                                             title=practice_set.title, held_on=practice_set.day,
                                             meeting=practice_set)
        services.set_attendance(learning_set, [aisha, ben], care.staff, lead)
    # A new starter since the team's last briefing, not yet briefed.
    services.add_staff(adolescent, lead, name="Mo Farah-Jones", email="mo.farah-jones@demo.example.org",
                       role=P, added_on=today - timedelta(days=7))

    now = FinancialQuarter.containing(today)
    before = now.previous()
    practices = content.current().practices
    for period, levels in ((before, {"chronology": FidelityLevel.PARTLY}),
                           (now, {"chronology": FidelityLevel.DROPPED,
                                  "supervision": FidelityLevel.PARTLY})):
        services.save_ratings(care, period, {
            p.key: (levels.get(p.key, FidelityLevel.IN_USE if p.kind == "stage" or p.number < 6
                               else FidelityLevel.PARTLY),
                    "Replaced by the shorter case summary" if levels.get(p.key) ==
                    FidelityLevel.DROPPED else "")
            for p in practices}, champion)
    services.save_ratings(adolescent, now, {
        p.key: (FidelityLevel.NOT_YET if p.kind == "stage" and p.number > 3
                else FidelityLevel.PARTLY, "") for p in practices}, lead)
    services.record_adaptation(
        programme, lead, what="The analytical chronology is replaced by a one-page case "
                              "summary for children accommodated under Section 20.",
        practice_key="chronology", level=AdaptationLevel.TEAM, team=care,
        nature=AdaptationNature.SHORTENED,
        reason="Court and review timescales left no time for a full chronology.",
        decided_by="Head of Service, Looked After Children", decided_on=today - timedelta(days=30),
        keeps_intent=KeepsIntent.UNSURE)
