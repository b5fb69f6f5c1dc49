"""The demo authority's stakeholder engagement: a register across all four quadrants, a plan
with past and future engagements (a rolling briefing for new starters among them), and
feedback, some of which raised actions. Called from tracker.demo.load()."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import (
    ActionStatus,
    AuditEvent,
    EngagementLevel,
    EngagementMethod,
    EngagementStatus,
    FeedbackSource,
    OccurrenceOutcome,
    Programme,
    RepeatUnit,
    StakeholderGroup,
    StakeholderType,
    User,
)
from tracker.stakeholders import services

L = EngagementLevel
G = StakeholderGroup
T = StakeholderType

# (name, type, group, organisation, contact owner, influence, interest, now, wanted,
#  benefits, resistance, mitigation, needs to know, channels)
STAKEHOLDERS = [
    ("Children in Care teams", T.TEAM, G.STAFF, "Children's Social Care", "steering", 4, 5,
     L.SUPPORTIVE, L.LEADING,
     "A shared way of judging whether and when a child can go home, with the evidence to back "
     "the recommendation at review and in court.",
     "Caseload pressure: the Framework can look like more paperwork.",
     "Pilot team managers show what they stopped doing; chronologies replace, not add to, "
     "existing case summaries.",
     "What the essential components are, who the second worker is, and where the templates live.",
     "Team meetings, the practice newsletter, supervision."),
    ("Independent Reviewing Officers", T.TEAM, G.STAFF, "Safeguarding and Quality Assurance",
     "iro", 4, 4, L.NEUTRAL, L.LEADING,
     "A clear standard to review reunification plans against.",
     "Some IROs see planning a return as the social worker's job, and worry about review "
     "workload.",
     "The IRO Service Manager sits on the steering group; a short session at the IRO team "
     "meeting on what to check at review.",
     "How reviews check the essential components and the risk classification.",
     "IRO team meeting, the IRO practice guide."),
    ("Family court", T.AGENCY, G.COURTS, "HM Courts and Tribunals Service", "lead", 5, 2,
     L.UNAWARE, L.NEUTRAL,
     "Better-evidenced plans for return, and fewer returns that break down and come back to "
     "court.",
     "Little time for local initiatives; plans that look different may be questioned.",
     "A short seminar with CAFCASS, led by the Principal Social Worker, through the Local "
     "Family Justice Board.",
     "Why plans for return now include a risk classification and a support plan.",
     "Local Family Justice Board, the designated family judge's office."),
    ("CAFCASS", T.AGENCY, G.COURTS, "CAFCASS local service", "psw", 4, 3, L.NEUTRAL,
     L.SUPPORTIVE,
     "Plans for return that set out risks and support plainly.",
     "Guardians may doubt that returns are being tested hard enough.",
     "Invite guardians to the seminar; share the audit of pilot cases.",
     "How the Framework assesses risk before and after return.",
     "Service manager's team briefing, the Family Justice Board."),
    ("Legal services", T.TEAM, G.COURTS, "Council legal services", "steering", 3, 3,
     L.NEUTRAL, L.SUPPORTIVE,
     "Stronger evidence for applications to discharge care orders.",
     "", "",
     "Which cases use the Framework and what the chronology will contain.",
     "Legal planning meetings."),
    ("CAMHS", T.AGENCY, G.PARTNERS, "NHS mental health trust", "cin", 3, 2, L.UNAWARE,
     L.SUPPORTIVE,
     "Earlier referrals for children whose return is being planned.",
     "Waiting lists: another group asking for priority.",
     "Ask for a named contact, not priority; bring data on how many children it affects.",
     "How many children return home each year and what support they need.",
     "CAMHS managers' meeting, the partnership's mental health group."),
    ("Adult drug and alcohol services", T.AGENCY, G.PARTNERS, "Recovery service", "cin", 3, 2,
     L.RESISTANT, L.SUPPORTIVE,
     "Parents whose children are coming home are highly motivated to engage.",
     "Their client is the adult; they resist being asked to report to children's services.",
     "Agree what is shared and when, with the parent's consent, in a written protocol.",
     "Why parents' recovery is central to a safe return, and what the Framework asks of them.",
     "Service managers' meeting."),
    ("Housing services", T.TEAM, G.PARTNERS, "Housing Options", "cin", 3, 1, L.UNAWARE,
     L.NEUTRAL,
     "Fewer emergency presentations when a return breaks down.",
     "", "",
     "That suitable housing is often the last thing holding up a planned return.",
     "Housing Options team meeting."),
    ("Schools", T.GROUP, G.PARTNERS, "Primary and secondary schools", "workforce", 2, 3,
     L.UNAWARE, L.NEUTRAL,
     "A settled return means a settled child in class.",
     "", "",
     "Who to contact when a pupil's return home is planned.",
     "Headteachers' bulletin, designated safeguarding leads' network."),
    ("Virtual School", T.TEAM, G.PARTNERS, "Virtual School", "workforce", 2, 4,
     L.SUPPORTIVE, L.SUPPORTIVE,
     "Education stays in the plan before and after return.",
     "", "",
     "How personal education plans carry on after a child goes home.",
     "Virtual School team meeting."),
    ("Foster carers", T.GROUP, G.CARERS, "", "fostering", 2, 5, L.NEUTRAL, L.SUPPORTIVE,
     "A clearer part in preparing children to go home, and earlier notice.",
     "Some carers feel returns are rushed and that their view is not asked.",
     "Feedback sessions at the support groups; the carer's view recorded in the plan.",
     "How they will be involved and told, and how contact will change.",
     "Foster carers' support groups, the fostering newsletter."),
    ("Residential children's homes", T.TEAM, G.CARERS, "Council and agency homes",
     "fostering", 2, 4, L.UNAWARE, L.SUPPORTIVE,
     "Planned moves home rather than unplanned ones.",
     "", "",
     "The same as foster carers.",
     "Registered managers' meeting."),
    ("Children and young people in care", T.GROUP, G.FAMILIES, "Children in Care Council",
     "champion", 2, 5, L.UNAWARE, L.SUPPORTIVE,
     "Their views shape the plan, and what happens if going home does not work out.",
     "", "",
     "What happens when a return home is being thought about, in words that make sense to them.",
     "Children in Care Council, participation workers."),
    ("Parents of children in care", T.GROUP, G.FAMILIES, "", "champion", 1, 5, L.UNAWARE,
     L.NEUTRAL,
     "Knowing what needs to change, and what support there will be, before and after a "
     "return.",
     "Mistrust of children's services.",
     "A leaflet written with parents; the parent advocacy service to explain it.",
     "What the Framework asks of them and what support is on offer.",
     "Parent advocacy service, family time (contact) sessions."),
    ("Local Safeguarding Children Partnership", T.BOARD, G.GOVERNANCE, "", "lead", 5, 3,
     L.NEUTRAL, L.SUPPORTIVE,
     "Evidence that returns home are safe and lasting, across agencies.",
     "A crowded agenda.",
     "A short paper with local data; ask for one decision only.",
     "Local data on returns that break down and what the rollout is changing.",
     "Partnership executive, the partnership's newsletter."),
    ("Corporate Parenting Board", T.BOARD, G.GOVERNANCE, "", "lead", 4, 4, L.SUPPORTIVE,
     L.LEADING,
     "A way to hold the service to account for children who go home.",
     "", "",
     "Progress, outcomes and what the Board can unblock.",
     "Quarterly Board update."),
    ("Commissioners", T.TEAM, G.GOVERNANCE, "Joint Commissioning Unit", "cin", 4, 2,
     L.NEUTRAL, L.SUPPORTIVE,
     "Spending on support after return that prevents the cost of re-entry to care.",
     "No budget for new services this year.",
     "Use the Annex 3 costs: breakeven comes from a small number of returns that hold.",
     "The cost of returns that break down against the cost of support.",
     "Commissioning board, one-to-one with the head of commissioning."),
    ("Early help and family support teams", T.TEAM, G.STAFF, "Early Help", "cin", 2, 3,
     L.NEUTRAL, L.SUPPORTIVE,
     "A clear hand-over when a child's return steps down from social care.",
     "", "",
     "What support children and parents need after a return.",
     "Early help locality meetings."),
    ("Police public protection unit", T.TEAM, G.PARTNERS, "Police", "iro", 2, 1, L.UNAWARE,
     L.UNAWARE, "", "", "", "", "Partnership bulletin."),
    ("Health visiting and school nursing", T.GROUP, G.PARTNERS, "Community health trust",
     "cin", 1, 2, L.UNAWARE, L.NEUTRAL, "", "", "",
     "That a child in their area has returned home.", "Partnership bulletin."),
]

M = EngagementMethod
# (title, method, stakeholder names, owner, start offset from today, repeat (unit, every,
#  end offset or None) or None, message, occurrences to record as {offset from start: notes}
#  ("all" for every past date, "*" for every past date but the latest), cancelled)
ENGAGEMENTS = [
    ("Briefing for new starters", M.BRIEFING,
     ["Children in Care teams", "Early help and family support teams",
      "Independent Reviewing Officers"], "workforce", -200, (RepeatUnit.MONTHS, 3, None),
     "What the Framework is, why the authority uses it, and where to find the templates and "
     "the one-minute guide. A pilot team manager tells one local return story.",
     "*", False),
    ("Framework launch briefing for all children's social care staff", M.BRIEFING,
     ["Children in Care teams", "Early help and family support teams",
      "Independent Reviewing Officers", "Legal services"], "lead", -150, None,
     "Why reunification matters here: 29 of the 112 children who went home in three years came "
     "back into care within a year.", {0: "About 120 staff across two sessions."}, False),
    ("One-minute guide to the Framework", M.ONE_MINUTE_GUIDE,
     ["Children in Care teams", "Early help and family support teams", "Foster carers",
      "Schools", "Virtual School"], "psw", -140, None,
     "The five stages and the essential components on one page.",
     {0: "Sent with the staff bulletin and put on the intranet."}, False),
    ("Practice newsletter: reunification stories", M.NEWSLETTER,
     ["Children in Care teams", "Early help and family support teams", "Virtual School"],
     "workforce", -120, (RepeatUnit.MONTHS, 1, 240),
     "A short local case study each month, with a quote from the worker.", "all", False),
    ("Corporate Parenting Board update", M.BOARD_PAPER, ["Corporate Parenting Board"], "lead",
     -80, (RepeatUnit.MONTHS, 3, None),
     "Progress against milestones, the first pilot outcomes and one thing the Board can unblock.",
     {0: "Board asked for the twelve-month outcomes review to come to it."}, False),
    ("Foster carers' support group: what the Framework means for carers",
     M.FEEDBACK_SESSION, ["Foster carers", "Residential children's homes"], "fostering", -30,
     None, "How carers will be involved in preparing a child to go home.",
     {0: "Fourteen carers came; two registered managers joined online."}, False),
    ("Meeting with adult drug and alcohol service managers", M.MEETING,
     ["Adult drug and alcohol services"], "cin", -10, None,
     "Parents' recovery is central to a safe return: agree how we work together.",
     {0: "Both service managers came. Agreed to draft a protocol."}, False),
    ("IRO team meeting: reviewing reunification plans", M.TEAM_MEETING,
     ["Independent Reviewing Officers"], "iro", 5, None,
     "What to look for at review: the risk classification, the support plan, the child's view.",
     {}, False),
    ("CAMHS managers' briefing", M.BRIEFING, ["CAMHS"], "cin", 18, None,
     "How many children return home each year, and the named contact we are asking for.", {},
     False),
    ("Paper to the Local Safeguarding Children Partnership", M.BOARD_PAPER,
     ["Local Safeguarding Children Partnership", "Commissioners"], "lead", 24, None,
     "Local data on returns that break down, and a request to add reunification to the "
     "partnership's multi-agency audit programme.", {}, False),
    ("Seminar for CAFCASS and the family court", M.SEMINAR,
     ["CAFCASS", "Family court", "Legal services"], "psw", 40, None,
     "How plans for return are assessed and supported under the Framework, with two "
     "anonymised pilot cases.", {}, False),
    ("Children in Care Council session on going home", M.FEEDBACK_SESSION,
     ["Children and young people in care"], "champion", 60, None,
     "Ask what young people want to know when going home is being considered.", {}, False),
    ("Leaflet for parents, written with parents", M.OTHER,
     ["Parents of children in care"], "champion", 75, None,
     "What the Framework asks of parents and what support there is.", {}, False),
    ("Headteachers' bulletin article", M.NEWSLETTER, ["Schools"], "workforce", 35, None,
     "Who to contact when a pupil's return home is planned.", {}, False),
    ("Stall at the regional safeguarding conference", M.CONFERENCE,
     ["Local Safeguarding Children Partnership", "Commissioners"], "lead", 90, None,
     "", {}, True),
]

# (engagement title or None, stakeholder name or None, source, days ago, text,
#  action (title, owner, due offset, status) or None)
FEEDBACK = [
    ("Framework launch briefing for all children's social care staff", None,
     FeedbackSource.STAFF, 149,
     "Staff valued the local figures on returns that broke down. Several asked who acts as the "
     "second worker, and whether the chronology replaces the case summary.",
     ("Confirm who acts as the second worker in the pilot teams", "steering", -120, "done")),
    ("Foster carers' support group: what the Framework means for carers", "Foster carers",
     FeedbackSource.PARTNERS, 30,
     "Carers want to know earlier when a return is being considered, and how family time will "
     "change in the weeks before a child goes home.",
     ("Add the carer's view and notice period to the reunification plan template", "psw", 21,
      "open")),
    ("Meeting with adult drug and alcohol service managers",
     "Adult drug and alcohol services", FeedbackSource.PARTNERS, 10,
     "They will prioritise assessments for parents whose children are due to go home, but need "
     "two weeks' notice and a named social worker to contact.",
     ("Set up a two-week notice route to adult drug and alcohol services for planned returns",
      "cin", 21, "in_progress")),
    (None, "Children and young people in care", FeedbackSource.FAMILIES, 45,
     "Young people at the Children in Care Council said plans should say what happens if going "
     "home does not work out, and who they can talk to.", None),
    ("Briefing for new starters", None, FeedbackSource.STAFF, 108,
     "New starters found the one-minute guide the most useful thing; they asked for the "
     "templates to be linked from it.", None),
]


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0)


def _redate_last(entity_type: str, entity_id: int, when: datetime) -> None:
    db.session.flush()
    event = db.session.execute(
        select(AuditEvent)
        .where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id == entity_id)
        .order_by(AuditEvent.id.desc()).limit(1)
    ).scalar_one()
    event.at = when


def load(programme: Programme, people: dict[str, User], today: date) -> None:
    from tracker.actions import services as actions

    stakeholders = {}
    for i, row in enumerate(STAKEHOLDERS):
        (name, kind, group, organisation, owner, influence, interest, now, wanted, benefits,
         resistance, mitigation, needs, channels) = row
        stakeholder = services.create_stakeholder(
            programme, actor=people["lead"], name=name, kind=kind, group=group,
            organisation=organisation, contact_owner=people[owner], influence=influence,
            interest=interest, level_now=now, level_wanted=wanted, benefits=benefits,
            resistance=resistance, mitigation=mitigation, needs_to_know=needs,
            channels=channels)
        stakeholder.created_at = _at(today - timedelta(days=160 - i))
        _redate_last(services.STAKEHOLDER, stakeholder.id, stakeholder.created_at)
        stakeholders[name] = stakeholder

    engagements = {}
    for (title, method, names, owner, start, repeat, message, record, cancelled) in ENGAGEMENTS:
        unit, every, until = repeat or (None, None, None)
        planned = today + timedelta(days=start)
        engagement = services.create_engagement(
            programme, actor=people["lead"], stakeholders=[stakeholders[n] for n in names],
            title=title, method=method, message=message, owner=people[owner],
            planned_date=planned, repeat_unit=unit, repeat_every=every,
            repeat_until=today + timedelta(days=until) if until is not None else None,
            status=EngagementStatus.CANCELLED if cancelled else EngagementStatus.PLANNED,
            notes="The region postponed the conference; rebook when it has a new date."
            if cancelled else "")
        created = _at(min(planned, today) - timedelta(days=21))
        engagement.created_at = created
        _redate_last(services.ENGAGEMENT, engagement.id, created)
        engagements[title] = engagement
        past = [d for d in services.occurrence_dates(engagement) if d < today]
        # A rolling engagement's latest date is left unrecorded: the demo shows it overdue.
        if isinstance(record, str):
            to_record = {d: "" for d in (past[:-1] if record == "*" else past)}
        else:
            to_record = {planned + timedelta(days=k): v for k, v in record.items()}
        for day, notes in to_record.items():
            occurrence = services.record_occurrence(
                engagement, due_on=day, outcome=OccurrenceOutcome.DONE, done_on=day,
                notes=notes, actor=people[owner])
            occurrence.recorded_at = _at(day, 17)
            _redate_last(services.OCCURRENCE, occurrence.id, occurrence.recorded_at)

    for title, name, source, days_ago, text, action in FEEDBACK:
        received = today - timedelta(days=days_ago)
        engagement = engagements[title] if title else None
        occurrence = None
        if engagement is not None:
            occurrence = max((o for o in engagement.occurrences if o.due_on <= received),
                             key=lambda o: o.due_on, default=None)
        feedback = services.create_feedback(
            programme, received_on=received, source=source, text=text,
            engagement=engagement, occurrence=occurrence,
            stakeholder=stakeholders[name] if name else None, actor=people["fostering"]
            if source == FeedbackSource.PARTNERS and name == "Foster carers" else people["lead"])
        feedback.created_at = _at(received, 16)
        _redate_last(services.FEEDBACK, feedback.id, feedback.created_at)
        if action:
            action_title, owner, due, status = action
            raised = services.raise_action(
                programme, feedback, title=action_title, owner=people[owner],
                due_date=today + timedelta(days=due), actor=people["lead"])
            raised.created_at = _at(received, 16)
            _redate_last(actions.ACTION, raised.id, raised.created_at)
            _redate_last(services.FEEDBACK, feedback.id, raised.created_at)
            if status != "open":
                actions.update_action(raised, seen_version=None, actor=people[owner],
                                      status=ActionStatus(status))
                if raised.completed_at:
                    raised.completed_at = _at(today + timedelta(days=due), 15)
                _redate_last(actions.ACTION, raised.id, _at(min(today, received + timedelta(
                    days=14)), 11))
