"""Statistical process control for outcome measures: the XmR chart as NHS England's "Making
Data Count" reads it, so a board can tell a real change from noise.

Every judgement lives here, with its thresholds in the constants below:

- the mean, and the natural process limits at mean ± 2.66 × the mean moving range (2.66 is
  3 / 1.128, three sigma for moving ranges of two points);
- special cause rules, applied within each stretch of points between rebases:
  "beyond": a point above the upper or below the lower process limit;
  "shift": a run of `run_length` or more points on one side of the mean (a point on the mean
  breaks the run);
  "trend": a run of `run_length` or more points each higher, or each lower, than the one
  before (a repeat breaks the run);
  "near": two of three points in a row beyond two sigma (mean ± 2/3 × 2.66 × mean moving
  range) but inside the limits, all three on the same side of the mean; the points near the
  limit are the ones marked.
- a special-cause point is "improvement" or "concern" from the measure's improvement
  direction: by the side of the mean it is on, or for a trend by which way it runs; a measure
  with no direction has "high" and "low" special causes instead.

No moving ranges are screened out: the limits are exactly the published formula.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import fmean

LIMIT = 2.66
NEAR = 2 * LIMIT / 3  # two sigma, in mean moving ranges
RUN_LENGTHS = (6, 7)  # sources differ; Making Data Count's own tools use 7
DEFAULT_RUN_LENGTH = 7
FEW_POINTS = 12  # Making Data Count: limits from fewer points are provisional
# A special cause among the latest this many points is a "latest" signal: long enough for a
# two-of-three pattern to show, short enough to be about now.
RECENT_POINTS = 3

UP, DOWN, NEITHER = "up", "down", "neither"
RULE_WORDS = {
    "beyond": "beyond a process limit",
    "shift": "in a run on one side of the mean",
    "trend": "in a run going one way",
    "near": "two of three near a limit",
}


@dataclass(frozen=True)
class Point:
    index: int  # in the whole series, for drawing
    value: float
    rules: frozenset[str]
    variation: str  # common, improvement, concern, high, low

    @property
    def special(self) -> bool:
        return self.variation != "common"

    @property
    def why(self) -> str:
        """The rules that flagged the point, in words, for its label and the table."""
        return "; ".join(RULE_WORDS[r] for r in RULE_WORDS if r in self.rules)


@dataclass(frozen=True)
class Segment:
    """A stretch between rebases, with its own mean and limits."""

    mean: float
    mean_moving_range: float | None  # None with a single point
    points: tuple[Point, ...]

    @property
    def upper(self) -> float | None:
        if self.mean_moving_range is None:
            return None
        return self.mean + LIMIT * self.mean_moving_range

    @property
    def lower(self) -> float | None:
        if self.mean_moving_range is None:
            return None
        return self.mean - LIMIT * self.mean_moving_range

    @property
    def few_points(self) -> bool:
        return len(self.points) < FEW_POINTS


@dataclass(frozen=True)
class Analysis:
    segments: tuple[Segment, ...]
    run_length: int
    direction: str
    points: tuple[Point, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "points", tuple(p for s in self.segments for p in s.points))

    def recent_concerns(self) -> list[Point]:
        return [p for p in self.points[-RECENT_POINTS:] if p.variation == "concern"]


def _runs(keys: Sequence[int], length: int) -> set[int]:
    """Indexes in runs of `length` or more equal, non-zero keys."""
    found: set[int] = set()
    start = 0
    for i in range(1, len(keys) + 1):
        if i == len(keys) or keys[i] != keys[start]:
            if keys[start] != 0 and i - start >= length:
                found.update(range(start, i))
            start = i
    return found


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


def _segment(values: Sequence[float], first_index: int, run_length: int,
             direction: str) -> Segment:
    mean = fmean(values)
    ranges = [abs(b - a) for a, b in zip(values, values[1:], strict=False)]
    mr = fmean(ranges) if ranges else None
    side = [_sign(v - mean) for v in values]
    n = len(values)
    rules: list[set[str]] = [set() for _ in values]
    trend_way = [0] * n

    if mr is not None:
        upper, lower = mean + LIMIT * mr, mean - LIMIT * mr
        near_upper, near_lower = mean + NEAR * mr, mean - NEAR * mr
        near = []
        for i, v in enumerate(values):
            if v > upper or v < lower:
                rules[i].add("beyond")
            near.append(not (v > upper or v < lower) and (v > near_upper or v < near_lower))
        for i in range(n - 2):
            window = range(i, i + 3)
            sides = {side[j] for j in window}
            if len(sides) == 1 and 0 not in sides and sum(near[j] for j in window) >= 2:
                for j in window:
                    if near[j]:
                        rules[j].add("near")

    for i in _runs(side, run_length):
        rules[i].add("shift")
    # A trend of n points is n - 1 steps the same way; step i joins points i and i + 1.
    steps = [_sign(b - a) for a, b in zip(values, values[1:], strict=False)]
    for s in _runs(steps, run_length - 1):
        for i in (s, s + 1):
            rules[i].add("trend")
            trend_way[i] = steps[s]

    points = []
    for i, v in enumerate(values):
        if not rules[i]:
            variation = "common"
        else:
            # A point only in a trend is judged by the trend's way, not the side it is on.
            way = trend_way[i] if rules[i] == {"trend"} else side[i]
            if direction == NEITHER:
                variation = "high" if way > 0 else "low"
            else:
                better = 1 if direction == UP else -1
                variation = "improvement" if way == better else "concern"
        points.append(Point(first_index + i, v, frozenset(rules[i]), variation))
    return Segment(mean, mr, tuple(points))


def analyse(values: Sequence[float], *, direction: str = NEITHER,
            run_length: int = DEFAULT_RUN_LENGTH, rebase_at: Sequence[int] = ()) -> Analysis:
    """The XmR analysis of `values` in time order. `rebase_at` holds the indexes where a new
    stretch starts, each with limits of its own (e.g. the first period after go-live)."""
    if direction not in (UP, DOWN, NEITHER):
        raise ValueError(f"direction must be {UP}, {DOWN} or {NEITHER}")
    if run_length < 2:
        raise ValueError("run length must be 2 or more")
    cuts = sorted({i for i in rebase_at if 0 < i < len(values)})
    bounds = [0, *cuts, len(values)]
    segments = tuple(
        _segment(values[a:b], a, run_length, direction)
        for a, b in zip(bounds, bounds[1:], strict=False) if b > a)
    return Analysis(segments, run_length, direction)
