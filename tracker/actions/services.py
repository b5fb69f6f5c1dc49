"""Actions: creating and changing them (attributed, audited, refused when stale), their RAG,
progress notes, filtering, bulk changes, and CSV export and import."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from tracker import audit, calendar, clock, imports
from tracker.extensions import db
from tracker.links import Link
from tracker.models import (
    FINISHED_ACTION_STATUSES,
    Action,
    ActionNote,
    ActionStatus,
    ChecklistTask,
    Meeting,
    Membership,
    Milestone,
    Programme,
    User,
    Workstream,
)
from tracker.rag import Rag, RagStatus, rag, sql_colour
from tracker.validation import column_length

ACTION = "action"


def _name(thing) -> str:
    return getattr(thing, "name", None) or getattr(thing, "title", None) or ""


ACTION_FIELDS = {
    "title": ("Title", None),
    "details": ("Details", None),
    "owner_label": ("Owner", None),
    "due_date": ("Due date", clock.format_date),
    "status": ("Status", None),
    "dropped_reason": ("Reason dropped", None),
    "workstream": ("Workstream", _name),
    "milestone": ("Milestone", _name),
}


def action_rag(action: Action, today: date | None = None) -> RagStatus | None:
    return rag(action.due_date, has_owner=action.has_owner, finished=action.status.finished,
               today=today)


def row_rag(row, today: date | None = None) -> RagStatus | None:
    """action_rag for a row of an action's due_date, status, owner_id and owner_name columns:
    lists and exports judge thousands of actions without loading each one."""
    return rag(row.due_date, has_owner=row.owner_id is not None or bool(row.owner_name),
               finished=row.status.finished, today=today)


def rag_column(today: date | None = None):
    """Action RAG as a SQL expression, for filtering and counting in the database."""
    owner_present = or_(Action.owner_id.is_not(None), Action.owner_name != "")
    return sql_colour(Action.due_date, owner_present,
                      Action.status.in_(FINISHED_ACTION_STATUSES), today)


def _complete(action: Action, was_finished: bool, actor: User | None) -> None:
    if action.status == ActionStatus.DONE and not was_finished:
        action.completed_at = clock.now()
        action.completed_by = actor
    elif not action.status.finished:
        action.completed_at = None
        action.completed_by = None
    if action.status != ActionStatus.DROPPED:
        action.dropped_reason = ""


def create_action(
    programme: Programme,
    *,
    title: str,
    actor: User | None,
    details: str = "",
    owner: User | None = None,
    owner_name: str = "",
    due_date: date | None = None,
    status: ActionStatus = ActionStatus.OPEN,
    workstream: Workstream | None = None,
    milestone: Milestone | None = None,
    checklist_task: ChecklistTask | None = None,
    **source,
) -> Action:
    """`source` takes the foreign key of where the action came from, e.g. meeting_id=..."""
    action = Action(
        programme_id=programme.id,
        title=title,
        details=details,
        owner=owner,
        owner_name="" if owner else owner_name,
        due_date=due_date,
        status=status,
        workstream=workstream,
        milestone=milestone,
        checklist_task=checklist_task,
        created_by=actor,
        **source,
    )
    _complete(action, False, actor)
    audit.created(action, actor,
                 summary=f"Action created: {title}")
    return action


def update_action(action: Action, *, seen_version: int | None, actor: User, **values) -> bool:
    """Change an action's fields; False when nothing changed. StaleEdit when someone else
    saved it after `seen_version` was read."""
    was_finished = action.status.finished
    if "owner" in values and values["owner"] is not None:
        values["owner_name"] = ""
    return audit.updated(action, values, seen_version, actor, fields=ACTION_FIELDS,
                         then=lambda: _complete(action, was_finished, actor))


def add_note(action: Action, text: str, actor: User) -> ActionNote:
    note = ActionNote(action=action, author=actor, text=text)
    db.session.add(note)
    db.session.flush()
    return note


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    who: User | None
    note: ActionNote | None = None
    event: object | None = None


def timeline(action: Action) -> list[TimelineEntry]:
    """Progress notes and changes together, newest first."""
    entries = [TimelineEntry(n.at, n.author, note=n) for n in action.notes]
    entries += [TimelineEntry(e.at, e.actor, event=e) for e in audit.history(ACTION, action.id)]
    return sorted(entries, key=lambda e: e.at, reverse=True)


# -- the action log ------------------------------------------------------------------------------

SORTS = {
    "due": (Action.due_date.is_(None), Action.due_date, Action.id),
    "title": (func.lower(Action.title), Action.id),
    "status": (Action.status, Action.due_date, Action.id),
    "updated": (Action.updated_at.desc(), Action.id.desc()),
    "created": (Action.created_at.desc(), Action.id.desc()),
}
SOURCES = {
    "checklist": ("Checklist task", Action.checklist_task_id.is_not(None)),
    "meeting": ("Meeting", Action.meeting_id.is_not(None)),
    "feedback": ("Stakeholder feedback", Action.feedback_id.is_not(None)),
    "postcard": ("Postcard", Action.postcard_item_id.is_not(None)),
    "none": ("No source", and_(Action.checklist_task_id.is_(None), Action.meeting_id.is_(None),
                               Action.feedback_id.is_(None), Action.postcard_item_id.is_(None))),
}


@dataclass
class ActionFilter:
    owner: str = ""  # "", "mine", "none", or a user id
    statuses: list[str] = field(default_factory=list)
    rags: list[str] = field(default_factory=list)
    workstream: str = ""
    milestone: str = ""
    source: str = ""
    due_from: date | None = None
    due_to: date | None = None
    q: str = ""
    sort: str = "due"
    checklist_task: int | None = None

    def conditions(self, programme_id: int, me: User, today: date | None = None) -> list:
        where = [Action.programme_id == programme_id]
        if self.owner == "mine":
            where.append(Action.owner_id == me.id)
        elif self.owner == "none":
            where.append(and_(Action.owner_id.is_(None), Action.owner_name == ""))
        elif self.owner.isdigit():
            where.append(Action.owner_id == int(self.owner))
        if self.statuses:
            where.append(Action.status.in_([ActionStatus(s) for s in self.statuses]))
        if self.rags:
            where.append(rag_column(today).in_(self.rags))
        if self.workstream.isdigit():
            where.append(Action.workstream_id == int(self.workstream))
        if self.milestone.isdigit():
            where.append(Action.milestone_id == int(self.milestone))
        if self.source in SOURCES:
            where.append(SOURCES[self.source][1])
        if self.due_from:
            where.append(Action.due_date >= self.due_from)
        if self.due_to:
            where.append(Action.due_date <= self.due_to)
        if self.checklist_task:
            where.append(Action.checklist_task_id == self.checklist_task)
        if self.q.strip():
            like = f"%{self.q.strip().lower()}%"
            where.append(or_(func.lower(Action.title).like(like),
                             func.lower(Action.details).like(like)))
        return where

    def select(self, programme_id: int, me: User, today: date | None = None) -> Select:
        return (
            select(Action)
            .options(joinedload(Action.owner), joinedload(Action.workstream),
                     joinedload(Action.milestone),
                     # What the source label needs: not a task's guidance and subpoints.
                     joinedload(Action.checklist_task).load_only(
                         ChecklistTask.phase, ChecklistTask.number, ChecklistTask.is_local),
                     joinedload(Action.meeting).load_only(
                         Meeting.name, Meeting.kind, Meeting.number, Meeting.day))
            .where(*self.conditions(programme_id, me, today))
            .order_by(*SORTS.get(self.sort, SORTS["due"]))
        )


def log_page(action_filter: ActionFilter, programme_id: int, me: User, *, page: int,
             per_page: int, today: date | None = None):
    """One page of the action log. The page's ids first, from the indexes alone, then only those
    actions with what their rows show: a deep page never joins and sorts thousands of whole
    rows (on SQLite, the ids of a page of a 2,000-action log take under a millisecond from the
    index where the whole-row query took 24 ms)."""
    pagination = db.paginate(
        select(Action.id).where(*action_filter.conditions(programme_id, me, today))
        .order_by(*SORTS.get(action_filter.sort, SORTS["due"])),
        page=page, per_page=per_page, error_out=False)
    ids = list(pagination.items)
    found = {a.id: a for a in db.session.execute(
        action_filter.select(programme_id, me, today).where(Action.id.in_(ids))).unique().scalars()}
    pagination.items = [found[i] for i in ids if i in found]
    return pagination


def actions_for_tasks(task_ids: Sequence[int]) -> dict[int, list[Action]]:
    """Open and finished actions beneath checklist tasks, in one query."""
    found: dict[int, list[Action]] = {i: [] for i in task_ids}
    if not task_ids:
        return found
    for action in db.session.execute(
        select(Action).options(joinedload(Action.owner))
        .where(Action.checklist_task_id.in_(task_ids))
        .order_by(Action.due_date.is_(None), Action.due_date, Action.id)
    ).scalars():
        found[action.checklist_task_id].append(action)
    return found


def rag_counts(programme_id: int, today: date | None = None) -> dict[str, int]:
    colour = rag_column(today)
    rows = db.session.execute(
        select(colour, func.count()).where(Action.programme_id == programme_id).group_by(colour)
    ).all()
    counts = {r.value: 0 for r in Rag}
    counts.update({c: n for c, n in rows if c})
    return counts


# -- bulk changes --------------------------------------------------------------------------------

def bulk_update(actions: Iterable[Action], actor: User, **values) -> int:
    changed = 0
    for action in actions:
        changed += update_action(action, seen_version=None, actor=actor, **values)
    return changed


# -- CSV -----------------------------------------------------------------------------------------

CSV_COLUMNS = ["id", "title", "owner", "owner_email", "due_date", "status", "rag", "workstream",
               "milestone", "source", "details", "created_at", "completed_at"]
DETAILS_LENGTH = 20_000  # the form's limit too; the column is unbounded text
IMPORTER = imports.Importer("action", (
    imports.Field("title", "Title", imports.text(column_length(Action.title)), required=True,
                  aliases=("action", "action title", "what"),
                  hint="What is to be done.", example="Brief the IRO service on the Framework"),
    imports.Field("owner", "Owner", imports.text(column_length(User.email)),
                  aliases=("owner email", "email", "assigned to", "responsible", "who",
                           "lead"),
                  hint="A member's email address or their name exactly as Homeward shows it. "
                       "Any other name is kept as the owner's name, for someone without an "
                       "account.", example="jo@example.gov.uk"),
    imports.Field("owner_name", "Owner without an account",
                  imports.text(column_length(Action.owner_name)), aliases=("owner name",),
                  hint="The owner's name when they have no Homeward account and the Owner "
                       "column is blank."),
    imports.Field("due_date", "Due date", imports.parse_date,
                  aliases=("due", "due by", "deadline", "target date", "date due", "by when"),
                  hint="A date like 31/03/2027 or 2027-03-31, or an Excel date.",
                  example="31/03/2027"),
    imports.Field("status", "Status", imports.choice(ActionStatus),
                  aliases=("progress", "state"),
                  hint=f"One of {', '.join(s.label for s in ActionStatus)}. Open when blank.",
                  example=ActionStatus.OPEN.label),
    imports.Field("workstream", "Workstream", imports.text(column_length(Workstream.name)),
                  hint="The name of one of the programme's workstreams.",
                  example="Communication and workforce development"),
    imports.Field("milestone", "Milestone", imports.text(column_length(Milestone.title)),
                  hint="The title of one of the programme's milestones."),
    imports.Field("details", "Details", imports.text(DETAILS_LENGTH, multiline=True),
                  aliases=("notes", "description", "comments"),
                  hint="Anything more about the action.",
                  example="Half an hour at the team meeting"),
))


def source_label(action: Action) -> str:
    task, meeting = action.checklist_task, action.meeting
    return _source_words(task and (task.phase, task.label), meeting and (meeting.title, meeting.day),
                         action.feedback_id, action.postcard_item_id)


def _source_words(task: tuple[int, str] | None, meeting: tuple[str, date] | None,
                  feedback_id: int | None, postcard_item_id: int | None) -> str:
    if task is not None:
        return f"Checklist Phase {task[0]} {task[1]}"
    if meeting is not None:
        return f"{meeting[0]}, {clock.format_date(meeting[1])}"
    if feedback_id is not None:
        # The id, not the relationship: action lists label every row without loading feedback.
        return "Stakeholder feedback"
    if postcard_item_id is not None:
        # The id, as for feedback: the postcard's own page says which group sent it.
        return "Postcard"
    return ""


def source_link(action: Action) -> tuple[str, dict] | None:
    """Where the action came from, as (endpoint, arguments) for url_for, if it has a page."""
    if action.checklist_task_id is not None:
        return "checklist.task", {"task_id": action.checklist_task_id}
    if action.meeting_id is not None:
        return "meetings.meeting", {"meeting_id": action.meeting_id}
    if action.feedback_id is not None:
        return "stakeholders.feedback", {"feedback_id": action.feedback_id}
    if action.postcard_item_id is not None:
        return "postcards.show", {"postcard_id": action.postcard_item.postcard_id}
    return None


def export_select(action_filter: ActionFilter, programme_id: int, me: User,
                  today: date | None = None) -> Select:
    """The log's actions in the log's order, as the CSV's columns only: no ORM objects, so 2,000
    rows cost milliseconds, not the half second whole actions with five relationships took."""
    return (
        select(Action.id, Action.title, Action.owner_id, Action.owner_name,
               User.name.label("owner_account_name"), User.email.label("owner_email"),
               Action.due_date, Action.status, Workstream.name.label("workstream"),
               Milestone.title.label("milestone"), ChecklistTask.phase.label("task_phase"),
               ChecklistTask.number.label("task_number"), ChecklistTask.is_local.label("task_local"),
               Meeting.name.label("meeting_name"), Meeting.kind.label("meeting_kind"),
               Meeting.number.label("meeting_number"), Meeting.day.label("meeting_day"),
               Action.feedback_id, Action.postcard_item_id, Action.details, Action.created_at,
               Action.completed_at)
        .outerjoin(User, Action.owner_id == User.id)
        .outerjoin(Workstream, Action.workstream_id == Workstream.id)
        .outerjoin(Milestone, Action.milestone_id == Milestone.id)
        .outerjoin(ChecklistTask, Action.checklist_task_id == ChecklistTask.id)
        .outerjoin(Meeting, Action.meeting_id == Meeting.id)
        .where(*action_filter.conditions(programme_id, me, today))
        .order_by(*SORTS.get(action_filter.sort, SORTS["due"]))
    )


def export_csv(rows: Iterable, today: date | None = None, *, chunk: int = 500) -> Iterator[str]:
    """Rows of `export_select` as CSV text, a chunk at a time so the response streams. UTF-8
    with a byte-order mark so Excel reads it as UTF-8; dates ISO."""
    today = today or clock.today()
    out = io.StringIO()
    out.write("\ufeff")
    writer = imports.csv_writer(out)
    writer.writerow(CSV_COLUMNS)
    for number, a in enumerate(rows, start=1):
        status = row_rag(a, today)
        # The same words as ChecklistTask.label and Meeting.title.
        task = None if a.task_phase is None else (
            a.task_phase, f"Local task {a.task_number}" if a.task_local else f"Task {a.task_number}")
        meeting = None if a.meeting_day is None else (
            a.meeting_name or a.meeting_kind.title(a.meeting_number), a.meeting_day)
        writer.writerow([
            a.id, a.title, a.owner_account_name or a.owner_name, a.owner_email or "",
            a.due_date.isoformat() if a.due_date else "", a.status.value,
            status.colour.value if status else "", a.workstream or "", a.milestone or "",
            _source_words(task, meeting, a.feedback_id, a.postcard_item_id),
            a.details, a.created_at.isoformat(timespec="minutes"),
            a.completed_at.isoformat(timespec="minutes") if a.completed_at else "",
        ])
        if number % chunk == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def check_import(rows: list[imports.Row], programme_id: int, authority_id: int) -> None:
    """What needs the authority's records: owners among its members, its programme's
    workstreams and milestones by name. Three queries whatever the number of rows."""
    members = imports.Members(db.session.execute(
        select(User).join(Membership).where(Membership.authority_id == authority_id)
    ).scalars())
    workstreams = {w.name.lower(): w for w in db.session.execute(
        select(Workstream).where(Workstream.programme_id == programme_id)).scalars()}
    milestones = {m.title.lower(): m for m in db.session.execute(
        select(Milestone).where(Milestone.programme_id == programme_id)).scalars()}
    for row in rows:
        said = row.parsed.pop("owner", "")
        if said:
            row.parsed.pop("owner_name", None)
            before = len(row.problems)
            owner = members.find(row, "owner", said, others_allowed=True)
            if owner is not None:
                row.parsed["owner"] = owner
            elif len(row.problems) == before:  # a name, of someone without an account
                if len(said) > column_length(Action.owner_name):
                    row.problem("owner", f"{row.heading('owner')} must be "
                                         f"{column_length(Action.owner_name):,} characters or "
                                         "fewer")
                else:
                    row.parsed["owner_name"] = said
        for key, known in (("workstream", workstreams), ("milestone", milestones)):
            name = row.parsed.pop(key, "")
            if name:
                if name.lower() in known:
                    row.parsed[key] = known[name.lower()]
                else:
                    row.problem(key, f"{row.heading(key)} {name!r} does not exist in this "
                                     "programme")


def import_template(programme_id: int, user: User) -> imports.Importer:
    """The importer whose template's example row names the person downloading it and one of
    their programme's workstreams, so the template imports as it is."""
    workstream = db.session.scalar(select(Workstream.name).where(
        Workstream.programme_id == programme_id).order_by(Workstream.id).limit(1))
    return IMPORTER.with_examples(owner=user.email, workstream=workstream or "")


def import_rows(programme: Programme, rows: list[imports.Row], actor: User) -> list[int]:
    assert not any(r.problems for r in rows), "import only rows without problems"
    now = clock.now()
    values = []
    for row in rows:
        parsed = row.parsed
        owner, status = parsed.get("owner"), parsed.get("status", ActionStatus.OPEN)
        done = status == ActionStatus.DONE
        values.append({
            "programme_id": programme.id, "title": parsed["title"],
            "details": parsed.get("details", ""),
            "owner_id": owner.id if owner else None,
            "owner_name": "" if owner else parsed.get("owner_name", ""),
            "due_date": parsed.get("due_date"), "status": status,
            "workstream_id": parsed["workstream"].id if "workstream" in parsed else None,
            "milestone_id": parsed["milestone"].id if "milestone" in parsed else None,
            "created_by_id": actor.id, "created_at": now, "updated_at": now, "version": 1,
            "completed_at": now if done else None, "completed_by_id": actor.id if done else None,
        })
    return audit.create_many(Action, values, programme_id=programme.id, actor=actor,
                             name=Action.title, summary=lambda title: f"Action created: {title}")


def page_options() -> tuple:
    """Everything an action's page shows, in a fixed number of queries."""
    return (joinedload(Action.owner), joinedload(Action.workstream), joinedload(Action.milestone),
            joinedload(Action.checklist_task), joinedload(Action.meeting),
            joinedload(Action.created_by), joinedload(Action.completed_by),
            selectinload(Action.notes).joinedload(ActionNote.author))


def calendar_actions(user: User, programmes: dict) -> Iterable[calendar.FeedEvent]:
    """The person's own open actions with a due date, for their calendar feed."""
    rows = db.session.execute(
        select(Action.id, Action.programme_id, Action.title, Action.due_date, Action.status)
        .where(
            Action.owner_id == user.id, Action.programme_id.in_(programmes),
            Action.due_date.is_not(None), Action.due_date <= calendar.horizon(),
            Action.status.in_([ActionStatus.OPEN, ActionStatus.IN_PROGRESS]))
    )
    for a in rows:
        authority = programmes[a.programme_id]
        yield calendar.FeedEvent(
            f"action-{a.id}@{calendar.UID_DOMAIN}", a.due_date, f"Action due: {a.title}",
            f"{authority.name}. {a.status.label}.",
            Link.to("actions.show", authority_slug=authority.slug, action_id=a.id))
