"""The Framework in use: the training register and its coverage, fidelity ratings and their
trend, the adaptation log, and what other areas read from them (the dropped or shortened
elements for programme health and the steering report; coverage per authority for the
portfolio). The judgements (who counts as trained or briefed, a team's size) live here, in
COVERAGE_RULES and the functions beside it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import distinct, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from tracker import audit, clock, imports, validation
from tracker.extensions import db
from tracker.framework import content
from tracker.health.signals import WARNING, Signal
from tracker.links import Link
from tracker.models import (
    Adaptation,
    AdaptationNature,
    FidelityLevel,
    FidelityRating,
    FrameworkTeam,
    Membership,
    Programme,
    Role,
    StaffMember,
    StaffRole,
    TrainingAttendance,
    TrainingEvent,
    TrainingKind,
    User,
    normalise_email,
)
from tracker.models.outcomes import FinancialQuarter
from tracker.portfolio.services import Cell
from tracker.tenancy import authority_slugs
from tracker.validation import column_length

# -- coverage --------------------------------------------------------------------------------

# Trained: at the full-day briefing, or trained as a trainer. Briefed: at any briefing or
# training (so everyone trained is briefed too). A learning set counts as neither: it is
# where trained staff practise, not where they learn the Framework.
TRAINED_KINDS = frozenset({TrainingKind.FULL_DAY_BRIEFING, TrainingKind.TRAIN_THE_TRAINER})
BRIEFED_KINDS = TRAINED_KINDS | {TrainingKind.TEAM_BRIEFING}
COVERAGE_RULES = (
    "Trained means at a full-day briefing or trained as a trainer. Briefed means at any "
    "briefing or training, a team briefing included. A team's size is its number of "
    "practitioners and managers, or the number of its staff in the register if that is more. "
    "New and untrained means added to the register after the team's last training or "
    "briefing, and at none since."
)


def share(count: int, of: int) -> int | None:
    """A whole percentage, or None when there is nobody to count."""
    return round(100 * count / of) if of else None


@dataclass
class TeamCoverage:
    team: FrameworkTeam
    trained: set[int] = field(default_factory=set)  # staff ids, of the people in it now
    briefed: set[int] = field(default_factory=set)
    last_training: date | None = None
    # Of the people who left: their training stays on record, counted nowhere.
    leavers_trained: set[int] = field(default_factory=set)
    leavers_briefed: set[int] = field(default_factory=set)

    @property
    def size(self) -> int:
        return max(self.team.practitioners + self.team.managers, len(self.team.current_staff))

    @property
    def champions(self) -> list[StaffMember]:
        return [s for s in self.team.current_staff if s.is_champion]

    @property
    def trained_percent(self) -> int | None:
        return share(len(self.trained), self.size)

    @property
    def briefed_percent(self) -> int | None:
        return share(len(self.briefed), self.size)

    @property
    def untrained(self) -> list[StaffMember]:
        return [s for s in self.team.current_staff if s.id not in self.trained]

    @property
    def new_untrained(self) -> list[StaffMember]:
        """Added since the team last had anyone at a briefing or training, and at none since."""
        if self.last_training is None:
            return []
        return [s for s in self.team.current_staff
                if s.added_on > self.last_training and s.id not in self.briefed]


@dataclass
class Coverage:
    teams: list[TeamCoverage]

    @property
    def size(self) -> int:
        return sum(t.size for t in self.teams)

    @property
    def trained(self) -> int:
        return sum(len(t.trained) for t in self.teams)

    @property
    def briefed(self) -> int:
        return sum(len(t.briefed) for t in self.teams)

    @property
    def with_champion(self) -> int:
        return sum(1 for t in self.teams if t.champions)

    @property
    def trained_percent(self) -> int | None:
        return share(self.trained, self.size)

    @property
    def briefed_percent(self) -> int | None:
        return share(self.briefed, self.size)

    @property
    def champion_percent(self) -> int | None:
        return share(self.with_champion, len(self.teams))


def teams(programme: Programme) -> list[FrameworkTeam]:
    return list(db.session.execute(
        select(FrameworkTeam).where(FrameworkTeam.programme_id == programme.id)
        .options(selectinload(FrameworkTeam.staff)).order_by(FrameworkTeam.name)
    ).scalars())


def coverage(programme: Programme, team_list: list[FrameworkTeam] | None = None) -> Coverage:
    """Coverage per team and overall, in three queries whatever the register's size: of the
    people in each team now (those who left keep their training on record, uncounted)."""
    team_list = teams(programme) if team_list is None else team_list
    by_team = {t.id: TeamCoverage(t) for t in team_list}
    for team_id, staff_id, left_on, kind, held_on in db.session.execute(
        select(StaffMember.team_id, StaffMember.id, StaffMember.left_on, TrainingEvent.kind,
               TrainingEvent.held_on)
        .join(TrainingAttendance, TrainingAttendance.staff_id == StaffMember.id)
        .join(TrainingEvent, TrainingEvent.id == TrainingAttendance.event_id)
        .where(StaffMember.programme_id == programme.id)
    ).all():
        found = by_team.get(team_id)
        if found is None:
            continue
        if left_on is not None:
            if kind in TRAINED_KINDS:
                found.leavers_trained.add(staff_id)
            if kind in BRIEFED_KINDS:
                found.leavers_briefed.add(staff_id)
            continue
        if kind in TRAINED_KINDS:
            found.trained.add(staff_id)
        if kind in BRIEFED_KINDS:
            found.briefed.add(staff_id)
            if found.last_training is None or held_on > found.last_training:
                found.last_training = held_on
    return Coverage(list(by_team.values()))


# -- who may record for which team -------------------------------------------------------------

def recordable_team_ids(programme: Programme, membership: Membership | None) -> set[int] | None:
    """The teams a member may record training and fidelity for: every team (None) for the
    strategic lead and steering group; a champion only the teams whose register names them
    (by their account's email) as a champion."""
    if membership is None:
        return set()
    if membership.role in (Role.LEAD, Role.STEERING):
        return None
    if membership.role != Role.CHAMPION:
        return set()
    email = normalise_email(membership.user.email)
    return set(db.session.execute(
        select(StaffMember.team_id).where(StaffMember.programme_id == programme.id,
                                          StaffMember.email == email,
                                          StaffMember.is_champion.is_(True),
                                          StaffMember.left_on.is_(None))
    ).scalars())


def may_record_for(team_ids: set[int] | None, team_id: int) -> bool:
    return team_ids is None or team_id in team_ids


# -- the register --------------------------------------------------------------------------------

TEAM_FIELDS = {"name": ("Name", None), "service_area": ("Service area", None),
               "practitioners": ("Practitioners", None), "managers": ("Managers", None)}


def create_team(programme: Programme, actor: User | None, *, name: str, service_area: str = "",
                practitioners: int = 0, managers: int = 0) -> FrameworkTeam:
    team = FrameworkTeam(programme_id=programme.id, name=name, service_area=service_area,
                         practitioners=practitioners, managers=managers)
    audit.created(team, actor, summary=f"Added the team {name}")
    return team


def update_team(team: FrameworkTeam, values: dict, seen_version: int | None,
                actor: User | None) -> bool:
    return audit.updated(team, values, seen_version, actor, fields=TEAM_FIELDS)


def team_name_taken(programme: Programme, name: str, but: FrameworkTeam | None = None) -> bool:
    query = select(FrameworkTeam.id).where(FrameworkTeam.programme_id == programme.id,
                                           func.lower(FrameworkTeam.name) == name.lower())
    if but is not None:
        query = query.where(FrameworkTeam.id != but.id)
    return db.session.execute(query).first() is not None


def staff(programme: Programme, team_ids: set[int] | None = None,
          on: date | None = None) -> list[StaffMember]:
    """The people in the register now (of `team_ids`, or every team), by name, with their
    teams; or, `on` an event's day, those still in their team that day."""
    query = (select(StaffMember).options(selectinload(StaffMember.team))
             .where(StaffMember.programme_id == programme.id,
                    StaffMember.left_on.is_(None) if on is None
                    else or_(StaffMember.left_on.is_(None), StaffMember.left_on > on))
             .order_by(StaffMember.name))
    if team_ids is not None:
        query = query.where(StaffMember.team_id.in_(team_ids))
    return list(db.session.execute(query).scalars())


def email_taken(programme: Programme, email: str,
                but: StaffMember | None = None) -> StaffMember | None:
    """The register's entry with this email (other than `but`), if there is one."""
    query = (select(StaffMember).options(joinedload(StaffMember.team))
             .where(StaffMember.programme_id == programme.id,
                    StaffMember.email == normalise_email(email)))
    if but is not None:
        query = query.where(StaffMember.id != but.id)
    return db.session.execute(query).scalars().first()


def taken_problem(entry: StaffMember, email: str) -> str:
    """Why `email`, as typed, cannot go in the register again. Someone who left and came back
    is brought back on their own entry, so their training stays with them."""
    if entry.left_on is None:
        return f"{email} is already in the register"
    return (f"{email} is already in the register, for {entry.name}, who left "
            f"{entry.team.name} on {clock.format_date(entry.left_on)}. To bring them back, "
            "change their entry and clear the date they left")


def add_staff(team: FrameworkTeam, actor: User | None, *, name: str, email: str,
              role: StaffRole, is_champion: bool = False,
              added_on: date | None = None) -> StaffMember:
    person = StaffMember(programme_id=team.programme_id, team=team, name=name,
                         email=normalise_email(email), role=role, is_champion=is_champion,
                         added_on=added_on or clock.today())
    audit.created(person, actor, summary=_added_summary(name, team))
    return person


def _added_summary(name: str, team: FrameworkTeam) -> str:
    return f"Added {name} to {team.name}"


def update_staff(person: StaffMember, values: dict, actor: User | None) -> bool:
    """Correct a person's entry, or move them to another team; recorded as who changed what.
    Staff rows carry no version: the register is kept by a few people and an entry is short."""
    shown = {"name": ("Name", str), "email": ("Email", str), "role": ("Role", None),
             "team": ("Team", lambda t: t.name), "is_champion": ("Champion", None),
             "left_on": ("Left the team", clock.format_date)}
    values = {**values, "email": normalise_email(values["email"])}
    changes = {label: [show(getattr(person, k)) if show else _yes_no(getattr(person, k)),
                       show(values[k]) if show else _yes_no(values[k])]
               for k, (label, show) in shown.items()
               if k in values and getattr(person, k) != values[k]}
    if not changes:
        return False
    for key, value in values.items():
        setattr(person, key, value)
    audit.record("staff_member", person.id, "updated", programme_id=person.programme_id,
                 changes=changes, actor=actor, summary=f"Changed {person.name}'s entry")
    return True


def _yes_no(value) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return value.label if hasattr(value, "label") else str(value)


def create_event(programme: Programme, actor: User | None, *, kind: TrainingKind, title: str,
                 held_on: date, trainer: StaffMember | None = None, trainer_name: str = "",
                 meeting=None) -> TrainingEvent:
    event = TrainingEvent(programme_id=programme.id, kind=kind, title=title, held_on=held_on,
                          trainer=trainer, trainer_name=trainer_name, meeting=meeting)
    audit.created(event, actor, summary=f"Recorded {kind.label.lower()}: {title}")
    return event


def events(programme: Programme) -> list[TrainingEvent]:
    return list(db.session.execute(
        select(TrainingEvent).where(TrainingEvent.programme_id == programme.id)
        .options(joinedload(TrainingEvent.trainer), joinedload(TrainingEvent.meeting),
                 selectinload(TrainingEvent.attendances).joinedload(TrainingAttendance.staff))
        .order_by(TrainingEvent.held_on.desc(), TrainingEvent.id.desc())
    ).unique().scalars())


def set_attendance(event: TrainingEvent, present: Iterable[StaffMember],
                   editable: Iterable[StaffMember], actor: User | None) -> tuple[int, int]:
    """Record who was at the event among `editable` (the people this member may record
    for); others' attendance is left as it was. Returns (added, removed)."""
    editable_ids = {s.id for s in editable}
    wanted = {s.id: s for s in present if s.id in editable_ids}
    had = {a.staff_id: a for a in event.attendances if a.staff_id in editable_ids}
    added = [wanted[i] for i in wanted if i not in had]
    removed = [had[i] for i in had if i not in wanted]
    for person in added:
        event.attendances.append(TrainingAttendance(staff=person))
    for attendance in removed:
        event.attendances.remove(attendance)
    if added or removed:
        changes = {}
        if added:
            changes["Added"] = ["", ", ".join(sorted(p.name for p in added))]
        if removed:
            changes["Removed"] = [", ".join(sorted(a.staff.name for a in removed)), ""]
        audit.record("training_event", event.id, "updated", programme_id=event.programme_id,
                     changes=changes, actor=actor, summary="Attendance recorded")
    return len(added), len(removed)


def cascade(event_list: list[TrainingEvent]) -> list[tuple[str, list[str]]]:
    """Train the trainer: who trained whom, by trainer, in the order first trained."""
    found: dict[str, list[str]] = {}
    for event in reversed(event_list):
        if event.kind != TrainingKind.TRAIN_THE_TRAINER:
            continue
        trainer = event.trainer.name if event.trainer else (event.trainer_name or "Not recorded")
        found.setdefault(trainer, []).extend(a.staff.name for a in event.attendances)
    return [(trainer, sorted(set(names))) for trainer, names in found.items()]


# -- staff list import ---------------------------------------------------------------------------

def _email(value: str, label: str) -> str:
    email = normalise_email(validation.check_text(value, label,
                                                  max_length=column_length(StaffMember.email)))
    if "@" not in email.strip("@"):
        raise ValueError(f"{label} {value} is not an email address like name@example.gov.uk")
    return email


_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}


def _champion(value: str, label: str) -> bool:
    said = value.strip().lower()
    if said not in _YES | _NO:
        raise ValueError(f"{label} {value!r} must be Yes or No (or left blank)")
    return said in _YES


STAFF_IMPORTER = imports.Importer("staff member", (
    imports.Field("name", "Name", imports.text(column_length(StaffMember.name)), required=True,
                  aliases=("full name", "staff member", "person"),
                  blank="Enter the person's name", example="Sam Practitioner"),
    imports.Field("email", "Email", _email, required=True,
                  aliases=("email address", "work email", "work email address", "e-mail"),
                  blank="Enter the person's work email address",
                  hint="Their work email address; each person once in the register.",
                  example="sam.practitioner@example.gov.uk"),
    imports.Field("team", "Team", imports.text(column_length(FrameworkTeam.name)), required=True,
                  aliases=("team name",), blank="Enter the person's team",
                  hint="The name of a team already in the register.", example="Your team's name"),
    imports.Field("role", "Role", imports.choice(StaffRole), required=True,
                  aliases=("job", "job role"),
                  hint=f"One of {', '.join(r.label for r in StaffRole)}.",
                  example=StaffRole.PRACTITIONER.label),
    imports.Field("is_champion", "Champion", _champion,
                  aliases=("practice champion", "is champion"),
                  hint="Yes for the team's practice champion; No when blank.", example="No"),
))


def check_staff_import(rows: list[imports.Row], programme: Programme) -> None:
    """Teams by name within the programme, and each email once in the register. Two queries."""
    team_by_name = {t.name.lower(): t for t in db.session.execute(
        select(FrameworkTeam).where(FrameworkTeam.programme_id == programme.id)
        .order_by(FrameworkTeam.name)).scalars()}
    known = {entry.email: entry for entry in db.session.execute(
        select(StaffMember).options(joinedload(StaffMember.team))
        .where(StaffMember.programme_id == programme.id)).scalars()}
    seen: dict[str, int] = {}
    for row in rows:
        email = row.parsed.get("email")
        if email in known:
            row.problem("email", taken_problem(known[email], email))
        elif email in seen:
            row.problem("email", f"{email} is also on row {seen[email]}")
        if email:
            seen.setdefault(email, row.line)
        team_name = row.parsed.pop("team", "")
        if team_name:
            team = team_by_name.get(team_name.lower())
            if team is None:
                row.problem("team", f"There is no team called {team_name}: add the team first "
                                    f"(teams: {', '.join(t.name for t in team_by_name.values())})")
            else:
                row.parsed["team"] = team


def import_staff(rows: list[imports.Row], actor: User | None) -> int:
    assert not any(r.problems for r in rows), "import only rows without problems"
    if not rows:
        return 0
    values, summaries = [], {}
    for row in rows:
        team, email = row.parsed["team"], normalise_email(row.parsed["email"])
        values.append({**row.parsed, "email": email, "programme_id": team.programme_id})
        summaries[email] = _added_summary(row.parsed["name"], team)
    # Each new entry is named back by its email, unique in the register (the check refused
    # repeats). Every row is in the one programme the import is for.
    return len(audit.create_many(StaffMember, values,
                                 programme_id=values[0]["programme_id"],
                                 actor=actor, name=StaffMember.email,
                                 summary=summaries.__getitem__))


# -- fidelity --------------------------------------------------------------------------------------

QUARTERS_OFFERED = 8


def quarters_offered(today: date | None = None) -> list[FinancialQuarter]:
    """The quarter running now and the ones before it, newest first."""
    found = [FinancialQuarter.containing(today or clock.today())]
    while len(found) < QUARTERS_OFFERED:
        found.append(found[-1].previous())
    return found


def ratings(programme: Programme, team: FrameworkTeam | None = None) -> list[FidelityRating]:
    query = select(FidelityRating).where(FidelityRating.programme_id == programme.id)
    if team is not None:
        query = query.where(FidelityRating.team_id == team.id)
    return list(db.session.execute(
        query.options(joinedload(FidelityRating.rated_by))
        .order_by(FidelityRating.year, FidelityRating.quarter)).scalars())


def save_ratings(team: FrameworkTeam, period: FinancialQuarter,
                 values: dict[str, tuple[FidelityLevel, str]], actor: User | None) -> int:
    """Set the team's ratings for the quarter; returns how many changed."""
    current = {r.practice_key: r for r in db.session.execute(
        select(FidelityRating).where(FidelityRating.team_id == team.id,
                                     FidelityRating.year == period.year,
                                     FidelityRating.quarter == period.quarter)).scalars()}
    practices = content.current()
    changed = 0
    for key, (level, note) in values.items():
        practice = practices.practice(key)
        if practice is None:
            continue
        row = current.get(key)
        if row is None:
            row = FidelityRating(programme_id=team.programme_id, team_id=team.id,
                                 year=period.year, quarter=period.quarter, practice_key=key,
                                 level=level, note=note, rated_by=actor)
            audit.created(row, actor, summary=f"{team.name}, {period.short_label}: "
                                              f"{practice.label} rated {level.label.lower()}")
            changed += 1
        elif (row.level, row.note) != (level, note):
            audit.record("fidelity_rating", row.id, "updated", programme_id=row.programme_id,
                         changes={"Rating": [row.level.label, level.label]}
                         | ({"Note": [row.note, note]} if row.note != note else {}),
                         actor=actor, summary=f"{team.name}, {period.short_label}: "
                                              f"{practice.label}")
            row.level, row.note, row.rated_by = level, note, actor
            changed += 1
    return changed


@dataclass
class TrendRow:
    practice: content.Practice
    cells: list[FidelityRating | None]


def trend(rating_list: list[FidelityRating]) -> tuple[list[FinancialQuarter], list[TrendRow]]:
    """One team's ratings as a grid: a row per stage and key element, a column per quarter
    rated, oldest first."""
    periods = sorted({r.period for r in rating_list})
    by = {(r.practice_key, r.period): r for r in rating_list}
    return periods, [TrendRow(p, [by.get((p.key, q)) for q in periods])
                     for p in content.current().practices]


def latest_by_team(rating_list: list[FidelityRating]) -> dict[int, list[FidelityRating]]:
    """Each team's ratings in the latest quarter it was rated."""
    latest: dict[int, FinancialQuarter] = {}
    for r in rating_list:
        if r.team_id not in latest or r.period > latest[r.team_id]:
            latest[r.team_id] = r.period
    found: dict[int, list[FidelityRating]] = defaultdict(list)
    for r in rating_list:
        if r.period == latest[r.team_id]:
            found[r.team_id].append(r)
    return found


def in_use_summary(rating_list: list[FidelityRating]) -> list[tuple[content.Practice, dict]]:
    """Per stage and key element, how many teams rate it at each level in their latest
    quarter: which teams use which parts of the Framework."""
    counts: dict[str, dict[FidelityLevel, int]] = defaultdict(lambda: defaultdict(int))
    for team_ratings in latest_by_team(rating_list).values():
        for r in team_ratings:
            counts[r.practice_key][r.level] += 1
    return [(p, dict(counts[p.key])) for p in content.current().practices]


# -- adaptations --------------------------------------------------------------------------------

def adaptations(programme: Programme) -> list[Adaptation]:
    return list(db.session.execute(
        select(Adaptation).where(Adaptation.programme_id == programme.id)
        .options(joinedload(Adaptation.team))
        .order_by(Adaptation.decided_on.desc(), Adaptation.id.desc())).scalars())


def record_adaptation(programme: Programme, actor: User | None, **values) -> Adaptation:
    row = Adaptation(programme_id=programme.id, **values)
    audit.created(row, actor, summary=f"Adaptation recorded: {row.nature.label.lower()}")
    return row


# -- what other areas read --------------------------------------------------------------------------

WEAKENING = (AdaptationNature.REMOVED, AdaptationNature.SHORTENED)


@dataclass(frozen=True)
class DroppedElement:
    """A stage or key element dropped or shortened somewhere in the programme: a signal for
    programme health and a line on the steering report."""

    practice_key: str
    title: str
    where: str  # a team's name, or "The whole authority"
    how: str  # in words, e.g. "Rated dropped for 2026–27 Q2"
    link: Link


def dropped_elements(programme: Programme) -> list[DroppedElement]:
    return dropped_elements_by_programme(authority_slugs([programme.id]))[programme.id]


def dropped_elements_by_programme(slugs: Mapping[int, str]) -> dict[int, list[DroppedElement]]:
    """Per programme (id → its authority's slug), stages and key elements rated dropped in a
    team's latest quarter, and adaptations that removed or shortened one. Two queries however
    many programmes."""
    practices = content.current()
    programme_ids = list(slugs)
    found: dict[int, list[DroppedElement]] = {pid: [] for pid in programme_ids}
    if not programme_ids:
        return found
    rating_rows = db.session.execute(
        select(FidelityRating, FrameworkTeam.name)
        .join(FrameworkTeam, FrameworkTeam.id == FidelityRating.team_id)
        .where(FidelityRating.programme_id.in_(programme_ids))).all()
    names = {r.team_id: name for r, name in rating_rows}
    programme_of = {r.team_id: r.programme_id for r, _ in rating_rows}
    for team_id, team_ratings in latest_by_team([r for r, _ in rating_rows]).items():
        pid = programme_of[team_id]
        for r in team_ratings:
            practice = practices.practice(r.practice_key)
            if r.level == FidelityLevel.DROPPED and practice is not None:
                found[pid].append(DroppedElement(
                    r.practice_key, practice.label, names[team_id],
                    f"Rated dropped for {r.period.short_label}",
                    Link.to("framework.team", anchor="fidelity", authority_slug=slugs[pid],
                            team_id=team_id)))
    for a in db.session.execute(
        select(Adaptation).where(Adaptation.programme_id.in_(programme_ids),
                                 Adaptation.nature.in_(WEAKENING), Adaptation.practice_key != "")
        .options(joinedload(Adaptation.team)).order_by(Adaptation.decided_on)
    ).scalars():
        practice = practices.practice(a.practice_key)
        if practice is None:
            continue
        found[a.programme_id].append(DroppedElement(
            a.practice_key, practice.label, a.team.name if a.team else a.level.label,
            f"{a.nature.label} by an adaptation decided on {a.decided_on:%-d %B %Y}",
            Link.to("framework.adaptations", anchor=f"adaptation-{a.id}",
                    authority_slug=slugs[a.programme_id])))
    return found


DROPPED_SIGNAL = "framework_dropped"


def health_signals(ctx) -> dict:
    """Programme health: a stage or key element dropped or shortened is a warning (issue 18);
    the Framework's evaluation found authorities shortening it as use faltered."""
    return {pid: [Signal(DROPPED_SIGNAL, WARNING,
                         f"{d.title} {d.how[0].lower()}{d.how[1:]} ({d.where})", d.link,
                         decision=f"Decide whether to restore {d.title.lower()}")
                  for d in elements]
            for pid, elements in dropped_elements_by_programme(ctx.slugs).items() if elements}


def portfolio_coverage(programme_ids: list[int], _today: date) -> dict[int, Cell]:
    """The portfolio's column: share of staff trained, and share of the latest fidelity
    ratings that are "in use", per authority. Three queries for every programme at once."""
    sizes: dict[int, int] = defaultdict(int)
    named = dict(db.session.execute(
        select(StaffMember.programme_id, func.count()).where(
            StaffMember.programme_id.in_(programme_ids), StaffMember.left_on.is_(None))
        .group_by(StaffMember.programme_id)
    ).all())
    for pid, practitioners, managers, staff in db.session.execute(
        select(FrameworkTeam.programme_id, FrameworkTeam.practitioners, FrameworkTeam.managers,
               select(func.count()).where(StaffMember.team_id == FrameworkTeam.id,
                                          StaffMember.left_on.is_(None))
               .correlate(FrameworkTeam).scalar_subquery())
        .where(FrameworkTeam.programme_id.in_(programme_ids))
    ).all():
        sizes[pid] += max(practitioners + managers, staff)
    trained = dict(db.session.execute(
        select(StaffMember.programme_id, func.count(distinct(StaffMember.id)))
        .join(TrainingAttendance, TrainingAttendance.staff_id == StaffMember.id)
        .join(TrainingEvent, TrainingEvent.id == TrainingAttendance.event_id)
        .where(StaffMember.programme_id.in_(programme_ids), StaffMember.left_on.is_(None),
               TrainingEvent.kind.in_(list(TRAINED_KINDS)))
        .group_by(StaffMember.programme_id)).all())
    by_programme: dict[int, list[FidelityRating]] = defaultdict(list)
    for r in db.session.execute(
            select(FidelityRating).where(FidelityRating.programme_id.in_(programme_ids))
    ).scalars():
        by_programme[r.programme_id].append(r)
    cells = {}
    for pid in programme_ids:
        if not sizes.get(pid) and not named.get(pid):
            continue
        parts = [f"{share(trained.get(pid, 0), sizes[pid]) or 0}% trained"]
        latest = [r for rs in latest_by_team(by_programme[pid]).values() for r in rs]
        if latest:
            in_use = sum(1 for r in latest if r.level == FidelityLevel.IN_USE)
            parts.append(f"{share(in_use, len(latest))}% of ratings in use")
        cells[pid] = Cell("; ".join(parts), "framework.index")
    return cells
