"""The SPC page's readings, one per outcome measure, and the special causes of concern other
areas show (programme health, the portfolio). The rules are in spc.py; this module chooses the
series (quarterly or monthly), the rebase, and the learning sets to mark, and says what each
chart shows in words."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from tracker import clock
from tracker.extensions import db
from tracker.health.signals import WARNING, Signal
from tracker.links import Link
from tracker.models import (
    LEARNING_SET_KINDS,
    Meeting,
    MeetingStatus,
    OutcomeQuarter,
    Programme,
)
from tracker.outcomes import charts, measures, spc
from tracker.outcomes.services import QuarterView
from tracker.tenancy import authority_slugs

QUARTERLY, MONTHLY = "quarter", "month"


@dataclass(frozen=True)
class LearningSet:
    day: date
    short: str  # "S1" for Strategic Set 1, "P2" for Practice Set 2
    title: str


@dataclass(frozen=True)
class Settings:
    every: str = QUARTERLY
    run_length: int = spc.DEFAULT_RUN_LENGTH
    rebase: date | None = None


@dataclass(frozen=True)
class Reading:
    measure: measures.Measure
    periods: tuple  # the periods with a known value, oldest first
    analysis: spc.Analysis
    chart: charts.SpcChart | None
    not_known: int  # periods entered whose value is not known yet
    rebase_ignored: bool = False  # a rebase date outside the points, so not applied

    @property
    def rows(self):
        """(period, point, segment) for the table beside the chart."""
        return [(p, pt, seg) for seg in self.analysis.segments for p, pt in
                zip(self.periods[seg.points[0].index:seg.points[-1].index + 1], seg.points,
                    strict=True)]

    @property
    def few_points(self) -> bool:
        return any(s.few_points for s in self.analysis.segments) or not self.analysis.segments

    def sentence(self) -> str:
        """What the chart says, in words."""
        m = self.measure
        if not self.periods:
            return "No figures for this measure yet."
        latest, period = self.analysis.points[-1], self.periods[-1]
        recent = self.analysis.points[-spc.RECENT_POINTS:]
        special = [p for p in recent if p.special]
        if not special:
            return (f"Common cause variation: the latest points show no signal of change. "
                    f"Latest, {period.short_label}: {m.shown(latest.value)}.")
        kinds = {p.variation for p in special}
        words = {"improvement": "improvement", "concern": "concern", "high": "a higher value",
                 "low": "a lower value"}
        rules = sorted({r for p in special for r in p.rules}, key=list(spc.RULE_WORDS).index)
        what = " and ".join(words[k] for k in ("concern", "improvement", "high", "low")
                            if k in kinds)
        return (f"Special cause of {what} in the latest points ("
                f"{', '.join(spc.RULE_WORDS[r] for r in rules)}). "
                f"Latest, {period.short_label}: {m.shown(latest.value)}.")


def learning_sets(programme_id: int) -> list[LearningSet]:
    """Held learning sets, oldest first, in one query."""
    found = db.session.execute(
        select(Meeting.day, Meeting.kind, Meeting.number, Meeting.name)
        .where(Meeting.programme_id == programme_id, Meeting.kind.in_(LEARNING_SET_KINDS),
               Meeting.status == MeetingStatus.HELD)
        .order_by(Meeting.day)).all()
    return [LearningSet(day, f"{kind.title()[0]}{number or ''}", name or kind.title(number))
            for day, kind, number, name in found]


def series(rows: Iterable[OutcomeQuarter], every: str) -> list[QuarterView]:
    """The quarters, or the months, oldest first."""
    chosen = [r for r in rows if bool(r.month) == (every == MONTHLY)]
    return [QuarterView(r) for r in sorted(chosen, key=lambda r: r.period.start)]


def default_every(rows: Sequence[OutcomeQuarter]) -> str:
    """Months where the authority has more monthly points than quarterly ones: more points
    give steadier limits sooner."""
    months = sum(1 for r in rows if r.month)
    return MONTHLY if months > len(rows) - months else QUARTERLY


def read(measure: measures.Measure, views: Sequence[QuarterView], settings: Settings,
         sets: Sequence[LearningSet] = ()) -> Reading:
    known = [(v.period, value) for v in views if (value := measure.value(v)) is not None]
    periods = tuple(p for p, _ in known)
    values = [value for _, value in known]
    rebase_at = []
    if settings.rebase is not None:
        first_after = next((i for i, p in enumerate(periods) if p.start >= settings.rebase), None)
        if first_after:
            rebase_at.append(first_after)
    analysis = spc.analyse(values, direction=measure.improvement,
                           run_length=settings.run_length, rebase_at=rebase_at)
    chart = None
    if periods:
        target = measure.target
        chart = charts.spc_chart(
            measure.key, measure.title,
            f"{measure.title}, {periods[0].short_label} to {periods[-1].short_label}, as an "
            "XmR chart with the mean and process limits"
            + (f" and the national figure of {target.percent}% as a target line"
               if target else "")
            + ". The table below gives each point and why it is marked.",
            periods, values, analysis, percent=measure.percent, shown=measure.shown,
            target=(f"National figure ({target.percent}%)", f"National {target.percent}%",
                    float(target.percent)) if target else None,
            learning_sets=[(s.day, s.short, f"{s.title}, {clock.format_date(s.day)}") for s in sets],
            rebases=[(i, "Rebased", f"Limits worked out again from {periods[i].short_label}")
                     for i in rebase_at])
    return Reading(measure, periods, analysis, chart, len(views) - len(periods),
                   rebase_ignored=settings.rebase is not None and bool(periods) and not rebase_at)


def readings(rows: Sequence[OutcomeQuarter], settings: Settings,
             sets: Sequence[LearningSet] = ()) -> list[Reading]:
    views = series(rows, settings.every)
    return [read(m, views, settings, sets) for m in measures.current().measures]


# -- for programme health and the portfolio -------------------------------------------------------

@dataclass(frozen=True)
class Concern:
    measure_key: str
    sentence: str
    link: Link


def concerns_by_programme(slugs: Mapping[int, str]) -> dict[int, list[Concern]]:
    """Per programme (id → its authority's slug), the measures with a special cause of concern
    among their latest points (spc.RECENT_POINTS), read with the default settings: the series
    with more points, the default run length, no rebase. One query whatever the number of
    programmes."""
    programme_ids = list(slugs)
    if not programme_ids:
        return {}
    figures: dict[int, list[OutcomeQuarter]] = defaultdict(list)
    for row in db.session.execute(
            select(OutcomeQuarter).where(OutcomeQuarter.programme_id.in_(programme_ids))
    ).scalars():
        figures[row.programme_id].append(row)
    found: dict[int, list[Concern]] = {}
    for programme_id in programme_ids:
        rows = figures.get(programme_id, [])
        settings = Settings(every=default_every(rows))
        found[programme_id] = [
            Concern(r.measure.key, f"{r.measure.title}: {r.sentence()}",
                    Link.to("outcomes.spc", anchor=r.measure.key,
                            authority_slug=slugs[programme_id]))
            for r in readings(rows, settings) if r.analysis.recent_concerns()]
    return found


CONCERN_SIGNAL = "outcome_concern_"  # and the measure's key


def health_signals(ctx) -> dict:
    """Programme health: a special cause of concern in a measure's latest points (issue 17)
    is a warning, with the chart as its evidence."""
    return {pid: [Signal(f"{CONCERN_SIGNAL}{c.measure_key}", WARNING, c.sentence, c.link)
                  for c in found]
            for pid, found in concerns_by_programme(ctx.slugs).items() if found}


def concerns(programme: Programme) -> list[Concern]:
    """One programme's special causes of concern in the latest points."""
    return concerns_by_programme(authority_slugs([programme.id]))[programme.id]
