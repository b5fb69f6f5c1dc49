"""The outcome charts: each measure's trend as server-side SVG data, with the national rates
as reference lines and a table beside each chart."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from tracker.models import FinancialQuarter
from tracker.outcomes import questions
from tracker.outcomes.services import QuarterView, Rate


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    text: str  # the value as a reader sees it, for the point's tooltip


@dataclass(frozen=True)
class Series:
    key: str  # names the line's style: solid, dashed, markers
    name: str
    points: tuple[Point | None, ...]

    @property
    def runs(self) -> list[list[Point]]:
        """Unbroken stretches: a quarter with no figure breaks the line rather than joining
        across it."""
        runs: list[list[Point]] = [[]]
        for p in self.points:
            if p is None:
                if runs[-1]:
                    runs.append([])
            else:
                runs[-1].append(p)
        return [r for r in runs if r]


@dataclass(frozen=True)
class Reference:
    name: str  # for the legend
    label: str  # beside the line, in the chart's right margin
    y: float


class _Plot:
    """Where the plotting area ends, from a chart's size and margins."""

    width: int
    height: int
    right: int
    bottom: int

    @property
    def plot_right(self) -> int:
        return self.width - self.right

    @property
    def plot_bottom(self) -> int:
        return self.height - self.bottom


@dataclass(frozen=True)
class Chart(_Plot):
    key: str
    title: str
    desc: str
    x_ticks: tuple[tuple[float, str, str], ...]
    y_ticks: tuple[tuple[float, str], ...]
    series: tuple[Series, ...]
    references: tuple[Reference, ...] = ()
    note: str = ""  # what the chart leaves out, e.g. quarters not known yet
    width: int = 640
    height: int = 300
    left: int = 48
    right: int = 16
    top: int = 16
    bottom: int = 52


def _nice_max(value: float, percent: bool) -> tuple[float, float]:
    """An axis top and tick step that hold `value` with a little room."""
    steps = (5, 10, 20, 25) if percent else (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000)
    for step in steps:
        top = step * max(1, -(-value // step))
        if top / step <= 6:
            return float(top), float(step)
    step = 10 ** len(str(int(value)))
    return float(step * max(1, -(-value // step))), float(step)


def _chart(key: str, title: str, desc: str, periods: Sequence[FinancialQuarter],
           lines: Sequence[tuple[str, str, Sequence[float | None]]], *, percent: bool,
           references: Sequence[tuple[str, str, float]] = (), note: str = "") -> Chart:
    # Reference lines are labelled in a right margin, clear of the data.
    base = Chart(key, title, desc, (), (), (), right=100 if references else 16)
    values = [v for _, _, vs in lines for v in vs if v is not None] + [r for *_, r in references]
    top, step = _nice_max(max(values, default=0) * (1.1 if percent else 1.0) or 1, percent)
    if percent:
        top = min(top, 100.0)  # room above the highest rate, but never past 100%
    width = base.plot_right - base.left
    height = base.plot_bottom - base.top
    gap = width / max(len(periods), 1)

    def x(i: int) -> float:
        return round(base.left + gap * (i + 0.5), 1)

    def y(v: float) -> float:
        return round(base.plot_bottom - height * v / top, 1)

    def text(v: float) -> str:
        return f"{v:.0f}%" if percent else f"{v:.0f}"

    series = tuple(
        Series(skey, name, tuple(None if v is None else Point(x(i), y(v), text(v))
                                 for i, v in enumerate(vs)))
        for skey, name, vs in lines)
    ticks = []
    v = 0.0
    while v <= top:
        ticks.append((y(v), text(v)))
        v += step
    return Chart(
        key, title, desc,
        tuple((x(i), f"Q{p.quarter}", p.year_label) for i, p in enumerate(periods)),
        tuple(ticks), series,
        tuple(Reference(name, label, y(value)) for name, label, value in references),
        note, right=base.right,
    )


def periods_text(periods: Sequence[FinancialQuarter]) -> str:
    """2025–26 Q3 to 2026–27 Q2, with unbroken runs of quarters joined."""
    runs: list[list[FinancialQuarter]] = []
    for p in sorted(periods):
        if runs and runs[-1][-1].next() == p:
            runs[-1].append(p)
        else:
            runs.append([p])
    parts = [r[0].short_label if len(r) == 1 else f"{r[0].short_label} to {r[-1].short_label}"
             for r in runs]
    return ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1] if parts else ""


def _not_known(rows: Sequence[QuarterView], months: int) -> list[FinancialQuarter]:
    return [v.period for v in rows if getattr(v.row, f"reentered_{months}_months") is None]


def _percent(r: Rate | None) -> float | None:
    return None if r is None else float(r.percent)


def charts(rows: Sequence[QuarterView], guide: questions.TrackingGuide) -> dict[str, Chart]:
    """The trend charts, keyed as the tracking questions name them."""
    periods = [v.period for v in rows]
    span = f"{periods[0].short_label} to {periods[-1].short_label}" if periods else ""
    b3 = guide.benchmarks["reentry_3_months"].percent
    b12 = guide.benchmarks["reentry_12_months"].percent
    unknown_3, unknown_12 = _not_known(rows, 3), _not_known(rows, 12)
    reentry_note = "; ".join(
        f"within {months} months for {periods_text(unknown)}"
        for months, unknown in ((3, unknown_3), (12, unknown_12)) if unknown)
    return {
        "returns": _chart(
            "returns", "Children returning home each quarter",
            f"Children who returned home, of whom Framework cases, and children not returned "
            f"because the risk was too high, {span}. The table below gives the figures.",
            periods, [
                ("solid", "Returned home", [v.row.returned_home for v in rows]),
                ("dashed", "Framework cases", [v.row.framework_cases for v in rows]),
                ("dotted", "Not returned: risk too high", [v.row.not_returned_risk for v in rows]),
            ], percent=False),
        "reentry": _chart(
            "reentry", "Returns that broke down, against the national figures",
            f"Percentage of each quarter's returns home that broke down within 3 and within 12 "
            f"months, {span}, with the national rates of {b3}% and {b12}% as flat lines. "
            "The table below gives the figures.",
            periods, [
                ("solid", "Within 3 months", [_percent(v.reentry(3)) for v in rows]),
                ("dashed", "Within 12 months", [_percent(v.reentry(12)) for v in rows]),
            ], percent=True,
            references=[(f"National rate, 3 months ({b3}%)", f"National {b3}%", b3),
                        (f"National rate, 12 months ({b12}%)", f"National {b12}%", b12)],
            note=f"Not known yet: {reentry_note}." if reentry_note else ""),
        "framework": _chart(
            "framework", "Breakdowns within 12 months: Framework cases and the rest",
            f"Percentage of Framework cases and of other returns home that broke down within 12 "
            f"months, {span}, with the national rate of {b12}% as a flat line. The table below "
            "gives the figures.",
            periods, [
                ("solid", "Framework cases", [_percent(v.framework_reentry(12)) for v in rows]),
                ("dashed", "Other returns", [_percent(v.others_reentry(12)) for v in rows]),
            ], percent=True,
            references=[(f"National rate, 12 months ({b12}%)", f"National {b12}%", b12)],
            note=(f"Not known yet for {periods_text(unknown_12)}: 12 months have not passed "
                  "since those children went home." if unknown_12 else "")),
    }


# -- SPC (XmR) charts ---------------------------------------------------------------------------

# How each kind of point is drawn: a shape and a letter as well as a colour, so a special cause
# reads without colour. "high" and "low" are for measures with no improvement direction.
SPC_MARKS = {
    "common": ("circle", ""),
    "improvement": ("square", "I"),
    "concern": ("diamond", "C"),
    "high": ("triangle", "H"),
    "low": ("triangle-down", "L"),
}
SPC_NAMES = {
    "common": "Common cause",
    "improvement": "Special cause: improvement",
    "concern": "Special cause: concern",
    "high": "Special cause: higher",
    "low": "Special cause: lower",
}


@dataclass(frozen=True)
class SpcMark:
    x: float
    y: float
    variation: str
    shape: str
    letter: str
    text: str  # the tooltip: period, value, and why it is special


@dataclass(frozen=True)
class SpcLine:
    kind: str  # mean, limit
    x1: float
    x2: float
    y: float


@dataclass(frozen=True)
class TimeMark:
    x: float
    label: str  # short, at the top of the plot
    text: str  # in full, for the tooltip and the list below the chart
    row: int = 0  # labels of marks close together are stacked, not overlapped


@dataclass(frozen=True)
class SpcChart(_Plot):
    key: str
    title: str
    desc: str
    x_ticks: tuple[tuple[float, str, str], ...]
    y_ticks: tuple[tuple[float, str], ...]
    marks: tuple[SpcMark, ...]
    lines: tuple[SpcLine, ...]
    path: tuple[tuple[float, float], ...]
    target: Reference | None
    learning_sets: tuple[TimeMark, ...]
    rebases: tuple[TimeMark, ...]
    width: int = 640
    height: int = 320
    left: int = 48
    right: int = 100
    top: int = 44
    bottom: int = 52

    def label_y(self, mark: TimeMark) -> int:
        return self.top - 8 - 14 * mark.row

    @property
    def legend(self) -> list[tuple[SpcMark, str]]:
        """A key for each kind of point the chart shows, common cause always."""
        shown = {m.variation for m in self.marks} | {"common"}
        return [(SpcMark(12, 12, kind, *SPC_MARKS[kind], ""), name)
                for kind, name in SPC_NAMES.items() if kind in shown]


# More periods than this and only some are labelled, so the labels do not run together.
CROWDED = 24


def _period_ticks(periods: Sequence) -> list[tuple[str, str]]:
    """(tick, year under it) per period: quarters as Q1–Q4 with the financial year at Q1;
    months by initial with the calendar year at January. A crowded axis labels only Q1s, or
    the months that start a quarter."""
    crowded = len(periods) > CROWDED
    ticks = []
    for i, p in enumerate(periods):
        if isinstance(p, FinancialQuarter):
            tick = "" if crowded and p.quarter != 1 else f"Q{p.quarter}"
            ticks.append((tick, p.year_label if i == 0 or p.quarter == 1 else ""))
        else:
            tick = "" if crowded and p.month % 3 != 1 else p.short_label[:1]
            ticks.append((tick, str(p.year) if i == 0 or p.month == 1 else ""))
    return ticks


def spc_chart(key: str, title: str, desc: str, periods: Sequence, values: Sequence[float],
              analysis, *, percent: bool, shown, target: tuple[str, str, float] | None,
              learning_sets: Sequence[tuple[date, str, str]] = (),
              rebases: Sequence[tuple[int, str, str]] = ()) -> SpcChart:
    """An XmR chart's geometry: `periods` and `values` are the known points in time order,
    `analysis` their spc.Analysis; `shown` writes a value as a reader sees it."""
    base = SpcChart(key, title, desc, (), (), (), (), (), None, (), ())
    limits = [v for s in analysis.segments for v in (s.upper, s.lower) if v is not None]
    high = max([*values, *limits, target[2] if target else 0], default=0)
    top, step = _nice_max(high * 1.05 or 1, percent)
    if percent:
        top = min(top, 100.0)
    width = base.plot_right - base.left
    height = base.plot_bottom - base.top
    gap = width / max(len(periods), 1)

    def x(i: float) -> float:
        return round(base.left + gap * (i + 0.5), 1)

    def y(v: float) -> float:
        # Limits below nothing are drawn at the axis: a count or a rate cannot go below 0.
        return round(base.plot_bottom - height * max(min(v, top), 0) / top, 1)

    marks = []
    for p, point in zip(periods, analysis.points, strict=True):
        shape, letter = SPC_MARKS[point.variation]
        why = f": special cause, {point.variation}, {point.why}" if point.special else ""
        marks.append(SpcMark(x(point.index), y(point.value), point.variation, shape, letter,
                             f"{p.short_label}, {shown(point.value)}{why}"))
    lines = []
    for s in analysis.segments:
        x1, x2 = x(s.points[0].index) - gap / 2 + 2, x(s.points[-1].index) + gap / 2 - 2
        lines.append(SpcLine("mean", x1, x2, y(s.mean)))
        for limit in (s.upper, s.lower):
            if limit is not None:
                lines.append(SpcLine("limit", x1, x2, y(limit)))

    def when(day: date) -> float | None:
        """Where a day falls along the axis, by how far through its period it is."""
        for i, p in enumerate(periods):
            if p.start <= day <= p.end:
                through = (day - p.start).days / ((p.end - p.start).days + 1)
                return round(base.left + gap * (i + through), 1)
        return None

    sets: list[TimeMark] = []
    for day, short, text in learning_sets:
        at = when(day)
        if at is None:
            continue
        # Two rows of labels; a mark too close to the one before takes the other row.
        row = 1 - sets[-1].row if sets and at - sets[-1].x < 24 else 0
        sets.append(TimeMark(at, short, text, row))
    ticks = []
    v = 0.0
    while v <= top:
        ticks.append((y(v), shown(v) if not percent else f"{v:.0f}%"))
        v += step
    return SpcChart(
        key, title, desc,
        tuple((x(i), tick, year) for i, (tick, year) in enumerate(_period_ticks(periods))),
        tuple(ticks), tuple(marks), tuple(lines), tuple((m.x, m.y) for m in marks),
        Reference(*target[:2], y(target[2])) if target else None,
        tuple(sets),
        tuple(TimeMark(round(base.left + gap * i, 1), short, text) for i, short, text in rebases),
    )
