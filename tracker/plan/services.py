"""The implementation plan: workstreams, milestones (their RAG and progress), the timeline."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from tracker import audit, calendar, clock, imports
from tracker.actions.services import row_rag
from tracker.extensions import db
from tracker.links import Link
from tracker.models import (
    Action,
    ActionStatus,
    Milestone,
    MilestoneStatus,
    Programme,
    User,
    Workstream,
)
from tracker.rag import RagStatus, combine, rag
from tracker.validation import column_length

WORKSTREAM = "workstream"
MILESTONE = "milestone"


def _names(users) -> str:
    return ", ".join(sorted(u.name for u in users))


WORKSTREAM_FIELDS = {
    "name": ("Name", None),
    "lead": ("Lead", lambda u: u.name if u else ""),
    "members": ("Members", _names),
    "aims": ("Aims", None),
}
MILESTONE_FIELDS = {
    "title": ("Milestone", None),
    "target_date": ("Target date", clock.format_date),
    "workstream": ("Workstream", lambda w: w.name if w else ""),
    "status": ("Status", None),
    "achieved_on": ("Achieved on", clock.format_date),
    "notes": ("Notes", None),
}


def create_workstream(programme: Programme, actor: User | None, **values) -> Workstream:
    workstream = Workstream(programme_id=programme.id, **values)
    audit.created(workstream, actor, summary=f"Workstream created: {workstream.name}")
    return workstream


def update_workstream(workstream: Workstream, *, seen_version, actor: User, **values) -> bool:
    return audit.updated(workstream, values, seen_version, actor, fields=WORKSTREAM_FIELDS)


def achieved_on(status: MilestoneStatus | None, day: date | None) -> date | None:
    """Only an achieved milestone keeps the date it was achieved."""
    return day if status == MilestoneStatus.ACHIEVED else None


def _milestone_summary(title: str) -> str:
    return f"Milestone created: {title}"


def create_milestone(programme: Programme, actor: User | None, **values) -> Milestone:
    milestone = Milestone(programme_id=programme.id, **values)
    milestone.achieved_on = achieved_on(milestone.status, milestone.achieved_on)
    audit.created(milestone, actor, summary=_milestone_summary(milestone.title))
    return milestone


MILESTONE_IMPORTER = imports.Importer("milestone", (
    imports.Field("title", "Title", imports.text(column_length(Milestone.title)), required=True,
                  aliases=("milestone", "name", "what"),
                  hint="What will have happened.", example="Practice guidance published"),
    imports.Field("target_date", "Target date", imports.parse_date, required=True,
                  aliases=("date", "due", "due date", "deadline", "by when"),
                  hint="A date like 31/03/2027 or 2027-03-31, or an Excel date.",
                  example="31/03/2027"),
    imports.Field("workstream", "Workstream", imports.text(column_length(Workstream.name)),
                  hint="The name of one of the programme's workstreams."),
    imports.Field("status", "Status", imports.choice(MilestoneStatus),
                  aliases=("progress", "state"),
                  hint=f"One of {', '.join(s.label for s in MilestoneStatus)}. Planned when "
                       "blank.", example=MilestoneStatus.PLANNED.label),
    imports.Field("achieved_on", "Date achieved", imports.parse_date,
                  aliases=("achieved", "achieved on", "done on"),
                  hint="Only for an achieved milestone."),
    imports.Field("notes", "Notes", imports.text(20_000, multiline=True),
                  aliases=("details", "comments"), hint="Anything more about it."),
))


def check_milestone_import(rows: list[imports.Row], programme_id: int) -> None:
    """Workstreams by name, and an achieved milestone's date, as the form asks. One query."""
    workstreams = {w.name.lower(): w for w in db.session.execute(
        select(Workstream).where(Workstream.programme_id == programme_id)).scalars()}
    for row in rows:
        name = row.parsed.pop("workstream", "")
        if name:
            if name.lower() in workstreams:
                row.parsed["workstream"] = workstreams[name.lower()]
            else:
                row.problem("workstream", f"{row.heading('workstream')} {name!r} does not "
                                          "exist in this programme")
        achieved = row.parsed.get("status") == MilestoneStatus.ACHIEVED
        if achieved and "achieved_on" not in row.parsed and not row.bad("achieved_on"):
            row.problem("achieved_on" if "achieved_on" in row.headings else "status",
                        "Enter the date the milestone was achieved")


def import_milestones(programme: Programme, rows: list[imports.Row], actor: User) -> int:
    assert not any(r.problems for r in rows), "import only rows without problems"
    values = [{**row.parsed, "programme_id": programme.id,
               "achieved_on": achieved_on(row.parsed.get("status"), row.parsed.get("achieved_on"))}
              for row in rows]
    return len(audit.create_many(Milestone, values, programme_id=programme.id, actor=actor,
                                 name=Milestone.title, summary=_milestone_summary))


def update_milestone(milestone: Milestone, *, seen_version, actor: User, **values) -> bool:
    values["achieved_on"] = achieved_on(values.get("status", milestone.status),
                                        values.get("achieved_on", milestone.achieved_on))
    return audit.updated(milestone, values, seen_version, actor, fields=MILESTONE_FIELDS)


@dataclass(frozen=True)
class MilestoneView:
    milestone: Milestone
    rag: RagStatus | None
    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def milestone_views(milestones: list[Milestone], today: date | None = None) -> list[MilestoneView]:
    """Each milestone with its RAG (own date and its open actions) and progress from the
    actions linked to it; one query for all the actions, whatever the number of milestones."""
    today = today or clock.today()
    ids = [m.id for m in milestones]
    actions: dict[int, list] = defaultdict(list)
    if ids:
        # Only the columns the RAG and progress need: a milestone can gather hundreds of actions.
        for action in db.session.execute(
            select(Action.milestone_id, Action.due_date, Action.status, Action.owner_id,
                   Action.owner_name)
            .where(Action.milestone_id.in_(ids), Action.status != ActionStatus.DROPPED)
        ):
            actions[action.milestone_id].append(action)
    views = []
    for m in milestones:
        linked = actions[m.id]
        own = rag(m.target_date, has_owner=None, finished=m.status != MilestoneStatus.PLANNED,
                  today=today)
        views.append(MilestoneView(
            m, combine(own, [row_rag(a, today) for a in linked], "action"),
            sum(1 for a in linked if a.status == ActionStatus.DONE), len(linked)))
    return views


def milestones(programme_id: int, *, workstream_id: int | None = None,
               upcoming_only: bool = False, limit: int | None = None) -> list[Milestone]:
    query = (select(Milestone).options(joinedload(Milestone.workstream))
             .where(Milestone.programme_id == programme_id))
    if workstream_id is not None:
        query = query.where(Milestone.workstream_id == workstream_id)
    if upcoming_only:
        query = query.where(Milestone.status == MilestoneStatus.PLANNED)
    query = query.order_by(Milestone.target_date, Milestone.id)
    if limit:
        query = query.limit(limit)
    return list(db.session.execute(query).scalars())


def workstreams(programme_id: int) -> list[tuple[Workstream, int, int]]:
    """Each workstream with its open actions and planned milestones counted in the database."""
    open_actions = (
        select(func.count()).where(Action.workstream_id == Workstream.id,
                                   Action.status.in_([ActionStatus.OPEN, ActionStatus.IN_PROGRESS]))
        .scalar_subquery()
    )
    planned = (
        select(func.count()).where(Milestone.workstream_id == Workstream.id,
                                   Milestone.status == MilestoneStatus.PLANNED)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Workstream, open_actions, planned)
        .options(joinedload(Workstream.lead), selectinload(Workstream.members))
        .where(Workstream.programme_id == programme_id)
        .order_by(Workstream.name)
    ).unique().all()
    return [(w, a, m) for w, a, m in rows]


# -- the timeline ------------------------------------------------------------------------------

@dataclass(frozen=True)
class TimelineItem:
    when: date
    title: str
    lane: str
    kind: str  # "milestone"; later issues add their own kinds (e.g. learning sets)
    href: Link
    status: str
    rag: RagStatus | None = None


@dataclass(frozen=True)
class Timeline:
    start: date
    end: date
    today: date
    lanes: list[str]
    items: list[TimelineItem]

    def months(self) -> list[date]:
        first = date(self.start.year, self.start.month, 1)
        out = []
        while first <= self.end:
            out.append(first)
            first = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        return out

    def x(self, when: date, width: float) -> float:
        span = (self.end - self.start).days or 1
        return round(width * (when - self.start).days / span, 1)

    def placed(self, chart_width: float) -> dict[str, list[PlacedItem]]:
        """Each lane's items with their labels laid out so none overlap: a label goes on the
        first row of its lane where it clears every label already there (greedy, by date).
        Labels near the right edge sit left of their marker."""
        out: dict[str, list[PlacedItem]] = {}
        for lane in self.lanes:
            row_ends: list[list[tuple[float, float]]] = []
            placed = []
            for item in (i for i in self.items if i.lane == lane):
                x = self.x(item.when, chart_width)
                label = _short(item.title)
                width = len(label) * LABEL_CHAR_WIDTH
                anchor_end = x + MARKER_GAP + width > chart_width + TIMELINE_RIGHT_MARGIN
                left, right = ((x - MARKER_GAP - width, x + MARKER_RADIUS) if anchor_end
                               else (x - MARKER_RADIUS, x + MARKER_GAP + width))
                row = next((n for n, spans in enumerate(row_ends)
                            if all(right < a or b < left for a, b in spans)), len(row_ends))
                if row == len(row_ends):
                    row_ends.append([])
                row_ends[row].append((left, right))
                placed.append(PlacedItem(item, x, row, label, anchor_end, left, right))
            out[lane] = placed
        return out

    def rows_in(self, lane: str, chart_width: float) -> int:
        return max((p.row + 1 for p in self.placed(chart_width)[lane]), default=1)


# Label layout on the timeline chart, in SVG units: a 12px label's characters are at most about
# 7 wide; the marker's radius and the gap before its label; the room right of the chart.
LABEL_CHAR_WIDTH = 7
MARKER_RADIUS = 8
MARKER_GAP = 11
TIMELINE_RIGHT_MARGIN = 120
LABEL_MAX_CHARS = 32


def _short(title: str) -> str:
    """A label short enough for the chart; the full title is in the item's tooltip and the
    table below the chart."""
    return title if len(title) <= LABEL_MAX_CHARS else title[:LABEL_MAX_CHARS - 1].rstrip() + "…"


@dataclass(frozen=True)
class PlacedItem:
    item: TimelineItem
    x: float
    row: int
    label: str
    anchor_end: bool  # the label sits left of the marker
    left: float
    right: float


def timeline(programme_id: int, today: date | None = None,
             extra_items: list[TimelineItem] | None = None) -> Timeline:
    """Milestones (and whatever `extra_items` other areas add) from two months ago to at least
    twelve and at most twenty-four months ahead, in lanes by workstream."""
    today = today or clock.today()
    start = date(today.year, today.month, 1) - timedelta(days=59)
    start = date(start.year, start.month, 1)
    ceiling = date(today.year + 2, today.month, 1)
    views = milestone_views(milestones(programme_id), today)
    items = [
        TimelineItem(v.milestone.target_date, v.milestone.title,
                     v.milestone.workstream.name if v.milestone.workstream else "No workstream",
                     "milestone", Link.to("plan.milestone", milestone_id=v.milestone.id),
                     v.milestone.status.label,
                     v.rag)
        for v in views
    ] + list(extra_items or [])
    latest = max((i.when for i in items if i.when < ceiling), default=today)
    end = max(date(today.year + 1, today.month, 1), latest + timedelta(days=31))
    end = min(date(end.year + end.month // 12, end.month % 12 + 1, 1) - timedelta(days=1), ceiling)
    shown = sorted((i for i in items if start <= i.when <= end), key=lambda i: (i.when, i.title))
    lanes = sorted({i.lane for i in shown}, key=lambda lane: (lane == "No workstream", lane))
    return Timeline(start, end, today, lanes, shown)


def calendar_milestones(user: User, programmes: dict) -> Iterable[calendar.FeedEvent]:
    """Planned milestones of every authority the person belongs to, for their calendar feed."""
    rows = db.session.execute(
        select(Milestone.id, Milestone.programme_id, Milestone.title, Milestone.target_date)
        .where(Milestone.programme_id.in_(programmes),
               Milestone.status == MilestoneStatus.PLANNED,
               Milestone.target_date <= calendar.horizon())
    )
    for m in rows:
        authority = programmes[m.programme_id]
        yield calendar.FeedEvent(
            f"milestone-{m.id}@{calendar.UID_DOMAIN}", m.target_date, f"Milestone: {m.title}",
            f"{authority.name} milestone.",
            Link.to("plan.milestone", authority_slug=authority.slug, milestone_id=m.id))
