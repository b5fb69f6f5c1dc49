"""Demo learning sets for Demo Borough Council: the two groups, the set-up meeting, a series of
learning sets part-way through (held ones with minutes, attendance, action sheets and actions;
the rest planned), monthly steering-group meetings and a task and finish group.

Written in Homeward's own words in the spirit of the seeds; every person is fictional.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select, update

from tracker import clock
from tracker.actions import services as actions
from tracker.extensions import db
from tracker.meetings import groups as meeting_groups
from tracker.meetings import minutes as meeting_minutes
from tracker.meetings import planner, services
from tracker.meetings import series as meeting_series
from tracker.meetings import sheets as meeting_sheets
from tracker.models import (
    Action,
    ActionStatus,
    AttendanceStatus,
    AuditEvent,
    GroupKind,
    GroupMember,
    Meeting,
    MeetingKind,
    Membership,
    OutcomeKind,
    Programme,
    SheetQuestion,
    User,
)

ROOM = "Committee Room 2, Civic Centre"
CALL = "Video call (link in the invitation)"
FACILITATORS = "Jo Whitfield (NSPCC) and Maria Lopez (NSPCC consultant social worker)"

# key in demo.PEOPLE (by email) or a name without an account: (job title, role key)
STRATEGIC = [
    ("lead", None, "assistant_director"),
    ("steering", None, "head_lac"),
    ("cin", None, "head_cin"),
    ("psw", None, "psw"),
    ("workforce", None, "workforce"),
    ("iro", None, "iro_lead"),
    ("fostering", None, "fostering"),
    ("data", None, "data"),
    ("Farah Begum", "Senior Solicitor, Childcare Legal Team", None),
]
PRACTICE = [
    ("champion", None, "lac_team_manager"),
    ("Sam Okoro", "Team Manager, Adolescent Team", "lac_team_manager"),
    ("Ben Carter", "Advanced Practitioner, Children in Care", "advanced_practitioner"),
    ("Lola Adeyemi", "Independent Reviewing Officer", "iro"),
    ("Nadia Hussain", "Social Worker, Children in Care Team 2", None),
    ("Chris Doyle", "Family Group Conference Coordinator", None),
    ("Emma Price", "Reunification Worker", None),
]


@contextmanager
def _dated(when: datetime) -> Iterator[None]:
    """Everything recorded inside the block happened at `when`, not at load time."""
    before = db.session.execute(select(func.max(AuditEvent.id))).scalar() or 0
    actions_before = db.session.execute(select(func.max(Action.id))).scalar() or 0
    yield
    db.session.flush()
    db.session.execute(update(AuditEvent).where(AuditEvent.id > before).values(at=when))
    db.session.execute(update(Action).where(Action.id > actions_before)
                       .values(created_at=when, updated_at=when))
    # Finished a little after they were agreed, never in the future.
    db.session.execute(update(Action).where(Action.id > actions_before,
                                            Action.completed_at.is_not(None))
                       .values(completed_at=min(when + timedelta(days=12), clock.now())))


def _at(day: date, hour: int = 14) -> datetime:
    """A London afternoon as the naive UTC the database holds (close enough for demo data)."""
    return datetime(day.year, day.month, day.day, hour, 0)


class _Demo:
    def __init__(self, programme: Programme, people: dict[str, User], today: date):
        self.programme = programme
        self.people = people
        self.today = today
        self.members: dict[str, GroupMember] = {}

    def person(self, key: str) -> User | None:
        return self.people.get(key)

    # -- groups ------------------------------------------------------------------------------

    def groups(self, joined: date) -> None:
        memberships = {u.id: job for u, job in self._job_titles()}
        with _dated(_at(joined, 10)):
            for group, rows in ((GroupKind.STRATEGIC, STRATEGIC), (GroupKind.PRACTICE, PRACTICE)):
                for key, job, role in rows:
                    user = self.person(key)
                    self.members[key] = meeting_groups.add_member(
                        self.programme, group, actor=self.people["lead"], user=user,
                        name="" if user else key,
                        job_title=memberships.get(user.id, "") if user else job,
                        framework_role=role, today=joined)

    def _job_titles(self):
        return db.session.execute(
            select(User, Membership.job_role).join(Membership, Membership.user_id == User.id)
            .where(User.id.in_([u.id for u in self.people.values()]))
        ).all()

    # -- recording a meeting -----------------------------------------------------------------

    def item(self, meeting: Meeting, number: int):
        return sorted(meeting.items, key=lambda i: i.position)[number - 1]

    def notes(self, meeting: Meeting, number: int, text: str) -> None:
        item = self.item(meeting, number)
        services.update_item(item, seen_version=None, actor=self.people["steering"],
                             title=item.title, prompts=item.prompts, notes=text)

    def decide(self, meeting: Meeting, number: int, text: str) -> None:
        services.add_outcome(self.item(meeting, number), kind=OutcomeKind.DECISION, text=text,
                             actor=self.people["steering"])

    def note(self, meeting: Meeting, number: int, text: str) -> None:
        services.add_outcome(self.item(meeting, number), kind=OutcomeKind.INFORMATION, text=text,
                             actor=self.people["steering"])

    def act(self, meeting: Meeting, number: int, text: str, owner: str, due_in: int,
            status: ActionStatus = ActionStatus.OPEN) -> Action:
        user = self.person(owner)
        outcome = services.add_outcome(
            self.item(meeting, number), kind=OutcomeKind.ACTION, text=text,
            actor=self.people["steering"], owner=user, owner_name="" if user else owner,
            due_date=meeting.day + timedelta(days=due_in))
        self.progress(outcome.action, status)
        return outcome.action

    def progress(self, action: Action, status: ActionStatus) -> None:
        if status != ActionStatus.OPEN:
            actions.update_action(action, seen_version=None, actor=action.owner or
                                  self.people["lead"], status=status)

    def attend(self, meeting: Meeting, absent: dict[str, AttendanceStatus] | None = None) -> None:
        absent = absent or {}
        keys = {m.id: k for k, m in self.members.items()}
        statuses = {a.member.id: absent.get(keys.get(a.member.id), AttendanceStatus.ATTENDED)
                    for a in meeting.attendees}
        services.record_attendance(meeting, statuses, actor=self.people["steering"],
                                   today=self.today)

    def circulate(self, meeting: Meeting, days_after: int = 1) -> None:
        meeting_minutes.circulate(meeting, self.people["steering"])
        meeting.circulated_at = _at(meeting.day + timedelta(days=days_after), 11)

    def sheet(self, meeting: Meeting, key: str, answers: dict[SheetQuestion, str],
              made: list[tuple[SheetQuestion, str, str, int, ActionStatus]]) -> None:
        member = self.members[key]
        sheet, _ = meeting_sheets.save_sheet(meeting, member, answers=answers, seen_version=None,
                                       actor=self.person(key) or self.people["steering"])
        for question, title, owner, due_in, status in made:
            user = self.person(owner)
            action = meeting_sheets.add_sheet_action(
                sheet, question, title=title, actor=self.person(key) or self.people["steering"],
                owner=user, owner_name="" if user else owner,
                due_date=meeting.day + timedelta(days=due_in))
            self.progress(action, status)

    def meeting(self, kind: MeetingKind, day: date, *, number: int | None = None, name: str = "",
                invite: list[str] | None = None, start=time(14), end=time(15, 30),
                location=ROOM) -> Meeting:
        with _dated(_at(day - timedelta(days=21), 9)):
            return services.create_meeting(
                self.programme, kind=kind, number=number, name=name, day=day,
                start_time=start, end_time=end, location=location,
                facilitators=FACILITATORS if kind != MeetingKind.STEERING else "",
                actor=self.people["lead"],
                invitees=[self.members[k] for k in invite] if invite is not None else None)


def load(programme: Programme, people: dict[str, User], today: date) -> None:
    demo = _Demo(programme, people, today)
    start = programme.start_date
    demo.groups(start + timedelta(days=30))
    _setup_meeting(demo, planner.on_or_after(start + timedelta(days=40)))
    first_set = planner.on_or_after(today - timedelta(days=80))
    _learning_sets(demo, first_set)
    _steering_meetings(demo)
    _task_and_finish(demo)


def _setup_meeting(demo: _Demo, day: date) -> None:
    m = demo.meeting(MeetingKind.SETUP, day, invite=["lead", "steering", "cin", "data"],
                     start=time(10), end=time(12))
    with _dated(_at(day)):
        demo.attend(m, {"data": AttendanceStatus.APOLOGIES})
        demo.notes(m, 1, "Sarah set out why the authority is doing this: a quarter of children "
                         "who went home in the last three years came back into care within a "
                         "year. The aim is fewer breakdowns and better-planned returns.")
        demo.decide(m, 2, "The Implementation Board oversees the rollout and reports every "
                          "quarter to the Corporate Parenting Board.")
        demo.notes(m, 3, "Strategic set: the Implementation Board plus legal. Practice set: the "
                         "two pilot teams' managers, an advanced practitioner, an IRO and the "
                         "reunification worker.")
        demo.act(m, 5, "Send the endorsement note to everyone in the learning sets", "lead", 7,
                 ActionStatus.DONE)
        demo.act(m, 5, "Prepare the analysis of children who returned home in the last three "
                       "years", "data", 28, ActionStatus.DONE)
        demo.act(m, 5, "Agree which practice areas the sets will focus on", "steering", 21,
                 ActionStatus.DONE)
        demo.circulate(m)


def _learning_sets(demo: _Demo, first_set: date) -> None:
    proposal = planner.propose_series(first_set)
    with _dated(_at(first_set - timedelta(days=35), 15)):
        series = meeting_series.plan_series(
            demo.programme, name=f"Learning sets {first_set.year}", start_date=first_set,
            closures=[], days=[p.day for p in proposal], location=ROOM, call_link=CALL,
            facilitators=FACILITATORS, actor=demo.people["consultant"])
    meetings = {(m.kind, m.number): m for m in series.meetings}

    def get(kind, number=None):
        return meetings[(kind, number)]

    s1, s2 = get(MeetingKind.STRATEGIC_SET, 1), get(MeetingKind.STRATEGIC_SET, 2)
    briefing = get(MeetingKind.BRIEFING)
    p1, p2 = get(MeetingKind.PRACTICE_SET, 1), get(MeetingKind.PRACTICE_SET, 2)
    mid1, mid2 = get(MeetingKind.MIDWAY_REVIEW, 1), get(MeetingKind.MIDWAY_REVIEW, 2)
    held = [m for m in series.meetings if m.day < demo.today]

    if s1 in held:
        with _dated(_at(s1.day)):
            demo.attend(s1, {"fostering": AttendanceStatus.APOLOGIES})
            demo.notes(s1, 2, "Daniella's story landed hard. Several people recognised the "
                              "pattern of a return with no support plan behind it.")
            demo.notes(s1, 5, "Helen presented the baseline: **112** children returned home in "
                              "three years and **29** came back within a year (26%), above the "
                              "national 20%. Breakdowns cluster in 11 to 15 year olds "
                              "accommodated under section 20.")
            demo.notes(s1, 7, "- Fewer returns breaking down within a year\n"
                              "- More returns planned, fewer drifting\n"
                              "- Children's views recorded at every review before a return")
            demo.decide(s1, 7, "Success is measured by re-entry within 12 months, the share of "
                               "returns that were planned, and children's views at review.")
            demo.act(s1, 8, "Bring a proposal for collecting and analysing reunification data",
                     "data", 35, ActionStatus.DONE)
            demo.act(s1, 9, "Brief the Looked After Children service managers on the Framework",
                     "steering", 28, ActionStatus.DONE)
            demo.act(s1, 9, "Find out what parenting support is open to parents once their "
                            "child is looked after", "cin", 35, ActionStatus.IN_PROGRESS)
            demo.act(s1, 9, "Check how IRO reviews record the plan for a return home", "iro",
                     30, ActionStatus.DONE)
            demo.act(s1, 9, "Ask legal how the Framework's assessment would be used in court",
                     "Farah Begum", 30, ActionStatus.OPEN)
            demo.circulate(s1)

    if briefing in held:
        with _dated(_at(briefing.day, 16)):
            demo.attend(briefing, {"Chris Doyle": AttendanceStatus.APOLOGIES})
            demo.notes(briefing, 6, "Good: relationships with parents, family group "
                                    "conferences. Better: written plans for support after a "
                                    "return. Breaks down: when the return happens at a weekend "
                                    "or in a crisis, with no plan.")
            demo.circulate(briefing)

    if p1 in held:
        with _dated(_at(p1.day)):
            demo.attend(p1, {"Nadia Hussain": AttendanceStatus.ABSENT})
            demo.notes(p1, 4, "Risk assessment group: the risk classification is close to what "
                              "we do, but we rarely write down what has changed. Support after "
                              "return group: nobody owns the plan once the child is home.")
            demo.sheet(p1, "champion", {
                SheetQuestion.ME: "Use the risk classification in supervision for both "
                                  "reunification cases in my team.",
                SheetQuestion.TEAM: "Team meeting slot on the Framework; pick two cases to "
                                    "pilot.",
                SheetQuestion.OTHERS: "IROs to ask about the support plan at every review "
                                      "before a return.",
                SheetQuestion.BEFORE_NEXT: "Bring one case study to Practice Set 2.",
            }, [(SheetQuestion.ME, "Use the risk classification in supervision for the two "
                                   "pilot cases", "champion", 21, ActionStatus.DONE),
                (SheetQuestion.BEFORE_NEXT, "Bring a case study to Practice Set 2", "champion",
                 40, ActionStatus.DONE)])
            demo.sheet(p1, "Ben Carter", {
                SheetQuestion.ME: "Draft an analytical chronology for one pilot case.",
                SheetQuestion.TEAM: "Share the chronology as an example.",
                SheetQuestion.OTHERS: "Managers to protect time for writing the history.",
                SheetQuestion.BEFORE_NEXT: "Finish the chronology.",
            }, [(SheetQuestion.ME, "Draft an analytical chronology for a pilot case",
                 "Ben Carter", 28, ActionStatus.IN_PROGRESS)])
            demo.sheet(p1, "Lola Adeyemi", {
                SheetQuestion.ME: "Ask about the support plan at every review where a return "
                                  "is being considered.",
                SheetQuestion.TEAM: "Raise it at the IRO team meeting.",
                SheetQuestion.OTHERS: "Social workers to bring the support plan to the review.",
                SheetQuestion.BEFORE_NEXT: "",
            }, [(SheetQuestion.TEAM, "Add reunification to the IRO team meeting agenda",
                 "Lola Adeyemi", 14, ActionStatus.DONE)])
            demo.circulate(p1, 2)

    for mid in (mid1, mid2):
        if mid in held:
            with _dated(_at(mid.day, 15)):
                demo.attend(mid)
                demo.notes(mid, 2, "Practice group worried about caseloads; Sarah will raise "
                                   "protected time at the Board.")

    if s2 in held:
        with _dated(_at(s2.day)):
            demo.attend(s2, {"fostering": AttendanceStatus.ATTENDED,
                             "Farah Begum": AttendanceStatus.APOLOGIES})
            demo.notes(s2, 1, "Most actions done. The parenting support review is late: "
                              "commissioning has not yet shared eligibility data.")
            demo.decide(s2, 4, "Four workstreams: communication and workforce development; "
                               "process, systems and procedures; data, monitoring and "
                               "evaluation; support planning. Each has a lead on the Board.")
            demo.decide(s2, 6, "David Chen writes the implementation plan; the Board reviews "
                               "it every quarter.")
            demo.note(s2, 7, "The case recording system cannot flag reunification cases yet; "
                             "the systems team has been asked.")
            demo.act(s2, 7, "Define the trigger points for identifying reunification cases",
                     "steering", 30, ActionStatus.IN_PROGRESS)
            demo.act(s2, 7, "Write the data wish list for the quarterly report", "data", 21,
                     ActionStatus.DONE)
            demo.act(s2, 7, "Draft a step-down process with Early Help", "cin", 35)
            demo.act(s2, 8, "Plan training for team managers before the wider launch",
                     "workforce", 40)
            demo.circulate(s2)

    if p2 in held:
        with _dated(_at(p2.day)):
            demo.attend(p2, {"Emma Price": AttendanceStatus.APOLOGIES})
            demo.notes(p2, 3, "Using the Framework in two cases: the written agreement with "
                              "parents helped; chronologies take longer than expected.")
            demo.sheet(p2, "Ben Carter", {
                SheetQuestion.ME: "Share the finished chronology with the team as an example.",
                SheetQuestion.TEAM: "Agree how long a chronology should take, and protect "
                                    "the time.",
                SheetQuestion.OTHERS: "Strategic group: decide on protected time for "
                                      "chronologies.",
                SheetQuestion.BEFORE_NEXT: "Collect practitioners' views on the risk tool.",
            }, [(SheetQuestion.BEFORE_NEXT, "Collect practitioners' views on the risk "
                                            "classification tool", "Ben Carter", 25,
                 ActionStatus.IN_PROGRESS),
                (SheetQuestion.OTHERS, "Ask the strategic group for protected time for "
                                       "chronologies", "lead", 20, ActionStatus.OPEN)])
            demo.sheet(p2, "Sam Okoro", {
                SheetQuestion.ME: "Try the Framework with two adolescents in the team.",
                SheetQuestion.TEAM: "Work out how to involve residential carers in return "
                                    "decisions.",
                SheetQuestion.OTHERS: "",
                SheetQuestion.BEFORE_NEXT: "Report back on the two cases.",
            }, [(SheetQuestion.ME, "Use the Framework with two adolescents in the Adolescent "
                                   "Team", "Sam Okoro", 30, ActionStatus.IN_PROGRESS)])
            demo.circulate(p2)


def _steering_meetings(demo: _Demo) -> None:
    """Monthly Implementation Board meetings: six held, two planned; the last one's action
    list not yet circulated, so the dashboard shows it red."""
    today = demo.today
    strategic = [k for k, _job, _role in STRATEGIC if k in demo.people]
    days = [planner.on_or_after(today - timedelta(days=n)) for n in (150, 120, 91, 62, 33, 8)]
    last = days[-1]
    for n, day in enumerate(days, start=1):
        m = demo.meeting(MeetingKind.STEERING, day, name=f"Implementation Board {n}",
                         invite=strategic, start=time(14), end=time(15, 30))
        with _dated(_at(day, 16)):
            recent = day >= today - timedelta(days=40)
            demo.attend(m, {"fostering": AttendanceStatus.APOLOGIES} if recent else
                        {"workforce": AttendanceStatus.APOLOGIES} if n == 2 else {})
            demo.notes(m, 3, "Pilot teams asked for one template for the analytical case "
                             "history; agreed to test one." if n % 2 else
                             "No changes suggested this month.")
            demo.notes(m, 4, f"{4 + n} pilot cases now use the Framework. Data from the case "
                             "recording system is still arriving late.")
            if n == len(days) - 1:
                demo.decide(m, 3, "The pilot extends to the Adolescent Team from next month.")
                demo.act(m, 4, "Fix the late pilot data with the systems team", "data", 20,
                         ActionStatus.IN_PROGRESS)
            if day == last:
                demo.decide(m, 5, "Delays in adult substance misuse assessments go to the "
                                  "Health and Wellbeing Board.")
                demo.act(m, 5, "Write to the Health and Wellbeing Board about assessment "
                               "waiting times", "lead", 14)
                demo.act(m, 4, "Add re-entry at 3 months to the quarterly report", "data", 10)
            else:
                demo.circulate(m)
    for n, weeks in ((len(days) + 1, 3), (len(days) + 2, 7)):
        demo.meeting(MeetingKind.STEERING, planner.on_or_after(today + timedelta(weeks=weeks)),
                     name=f"Implementation Board {n}", invite=strategic)


def _task_and_finish(demo: _Demo) -> None:
    name = "Assessment template task and finish group"
    held = planner.on_or_after(demo.today - timedelta(days=45))
    m = demo.meeting(MeetingKind.TASK_AND_FINISH, held, name=name,
                     invite=["psw", "iro", "steering"], start=time(10), end=time(11))
    with _dated(_at(held, 12)):
        demo.attend(m)
        demo.notes(m, 1, "Decide whether social workers use the Framework's reunification "
                         "assessment or the authority's child and family assessment. Finished "
                         "when the Board has agreed one template.")
        demo.act(m, 4, "Compare the two assessment templates side by side", "psw", 21,
                 ActionStatus.DONE)
        demo.circulate(m)
    demo.meeting(MeetingKind.TASK_AND_FINISH, planner.on_or_after(demo.today +
                 timedelta(days=10)), name=name, invite=["psw", "iro", "steering"],
                 start=time(10), end=time(11))
