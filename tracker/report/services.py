"""The steering-group report: one printable page that gathers what each area knows, for the
next steering or implementation group meeting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from tracker import clock
from tracker.checklist import services as checklist
from tracker.costs import services as costs
from tracker.evaluation import services as evaluation
from tracker.extensions import db
from tracker.framework import services as framework
from tracker.main import services as main
from tracker.meetings import services as meetings
from tracker.models import Meeting, MeetingKind, MeetingStatus, Programme
from tracker.outcomes import services as outcomes
from tracker.outcomes import spc_views
from tracker.postcards import services as postcard_services
from tracker.stakeholders import services as stakeholders

MOST_OVERDUE = 5
SHOWN = 5  # of each list on paper: late tasks, decisions, engagement gaps


@dataclass(frozen=True)
class InUse:
    """The Framework in use, for the report's last section: training coverage and fidelity,
    the latest staff questionnaire round, and the health signals of stages and key elements
    dropped or shortened and of outcome measures showing a special cause of concern (read from
    the report's own assessment, not worked out again)."""

    coverage: object | None
    questionnaires: object | None
    dropped: list
    concerns: list


@dataclass
class Report:
    today: date
    last_meeting: Meeting | None
    progress: list
    board: main.Dashboard
    decisions: list
    postcards: list
    postcards_waiting: object
    engagement_gaps: list
    outcomes: object | None
    scenario: object | None
    # Programme health (tracker/health): the summary the report opens with.
    health: object | None = None
    since: object | None = None
    overdue_count: int = 0
    in_use: InUse | None = None

    @property
    def most_overdue(self) -> list:
        """The five most overdue actions: the rest are a link away."""
        overdue = [a for group in self.board.overdue_by_owner for a in group.first]
        return sorted(overdue, key=lambda a: (a.due_date, a.id))[:MOST_OVERDUE]


def last_steering_meeting(programme: Programme, today: date) -> Meeting | None:
    """The latest steering / implementation group meeting held on or before today."""
    return db.session.execute(
        select(Meeting).where(Meeting.programme_id == programme.id,
                              Meeting.kind == MeetingKind.STEERING,
                              Meeting.status == MeetingStatus.HELD, Meeting.day <= today)
        .order_by(Meeting.day.desc()).limit(1)
    ).scalar_one_or_none()


def build(programme: Programme, today: date | None = None, slug: str | None = None) -> Report:
    from tracker.health import services as health

    today = today or clock.today()
    assessment = health.assess(programme, slug or programme.authority.slug, today)
    last = last_steering_meeting(programme, today)
    decisions = [d for d in meetings.decisions(programme)
                 if last is None or d.meeting.day >= last.day]
    since = last.day if last else None
    postcards = [p for p in postcard_services.conversation(programme)
                 if since is None or clock.to_london(p.sent_at).date() >= since]
    board = main.dashboard(programme, today, with_activity=False)
    return Report(
        health=assessment,
        since=health.since_last_steering(assessment, today),
        overdue_count=board.overdue_count,
        today=today,
        last_meeting=last,
        progress=checklist.phase_progress(programme),
        board=board,
        decisions=decisions,
        postcards=postcards,
        postcards_waiting=postcard_services.dashboard(programme, today),
        engagement_gaps=stakeholders.engagement_gaps(stakeholders.register(programme))[:10],
        outcomes=outcomes.latest_outcomes(programme),
        scenario=costs.report_scenario(programme),
        in_use=InUse(
            coverage=framework.portfolio_coverage([programme.id], today).get(programme.id),
            questionnaires=evaluation.headlines([programme.id]).get(programme.id),
            dropped=[s for s in assessment.judgement.signals
                     if s.key == framework.DROPPED_SIGNAL],
            concerns=[s for s in assessment.judgement.signals
                      if s.key.startswith(spc_views.CONCERN_SIGNAL)]),
    )
