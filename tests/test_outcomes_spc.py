"""SPC (XmR) for outcome measures: the limits against an independent computation, each special
cause rule at its boundary, rebasing, and the improvement/concern reading."""

import pytest

from tracker.outcomes import spc


def _flags(analysis, rule):
    return [p.index for p in analysis.points if rule in p.rules]


# -- the limits ---------------------------------------------------------------------------------

def test_mean_and_limits_match_a_hand_computation():
    values = [10, 12, 11, 15, 9, 10, 13, 12, 11, 14, 10, 12]
    # Worked by hand: sum 139 over 12 points; moving ranges 2,1,4,6,1,3,1,1,3,4,2 sum 28 over 11.
    mean, mr = 139 / 12, 28 / 11
    seg = spc.analyse(values).segments[0]
    assert seg.mean == pytest.approx(mean)
    assert seg.mean_moving_range == pytest.approx(mr)
    assert seg.upper == pytest.approx(mean + 2.66 * mr)
    assert seg.lower == pytest.approx(mean - 2.66 * mr)
    # 11.5833 ± 2.66 × 2.5455 = 11.5833 ± 6.7709
    assert seg.upper == pytest.approx(18.3542, abs=1e-4)
    assert seg.lower == pytest.approx(4.8124, abs=1e-4)
    assert all(p.variation == "common" for p in seg.points)
    assert not seg.few_points


def test_plot_the_dots_case_opposite_sides_near_the_limits_is_common_cause():
    # NHS-R "plot the dots" (NHSRplotthedots) test: symmetrical data with the last two points
    # close to the limits on opposite sides of the mean is not a two-of-three signal.
    values = [1, -1] * 8
    values[14], values[15] = 5.5, -5.5
    a = spc.analyse(values)
    assert [p.variation for p in a.points[-2:]] == ["common", "common"]


def test_a_single_point_has_a_mean_but_no_limits():
    seg = spc.analyse([4.0]).segments[0]
    assert seg.mean == 4.0 and seg.upper is None and seg.few_points


def test_fewer_than_twelve_points_are_flagged():
    assert spc.analyse([1, 2] * 5 + [1]).segments[0].few_points
    assert not spc.analyse([1, 2] * 6).segments[0].few_points


# -- beyond a limit -----------------------------------------------------------------------------

def _with_last(last):
    """Ten alternating points, mean moving range known, then `last`."""
    return [10, 12] * 5 + [last]


def test_a_point_beyond_the_upper_limit_and_one_just_inside():
    base = [10, 12] * 5
    # Find the limit the final point meets, then test either side of it.
    def upper_with(last):
        seg = spc.analyse(base + [last]).segments[0]
        return seg.upper
    beyond = spc.analyse(_with_last(30))
    assert _flags(beyond, "beyond") == [10]
    assert upper_with(30) < 30
    inside = spc.analyse(_with_last(16))
    assert upper_with(16) > 16
    assert _flags(inside, "beyond") == []


def test_beyond_the_lower_limit():
    a = spc.analyse(_with_last(-10))
    assert _flags(a, "beyond") == [10]


# -- shift: a run on one side of the mean ---------------------------------------------------------

@pytest.mark.parametrize(("run_length", "run", "flagged"), [
    (7, 7, True), (7, 6, False), (6, 6, True), (6, 5, False),
])
def test_a_run_on_one_side_of_the_mean_at_its_boundary(run_length, run, flagged):
    # Alternating either side of the mean, then `run` points above it, then one below; the
    # values zigzag, so nothing trends.
    values = [6, 4] * 4 + [5.5, 5.8] * (run // 2) + [5.5] * (run % 2) + [3]
    a = spc.analyse(values, run_length=run_length)
    expected = list(range(8, 8 + run)) if flagged else []
    assert _flags(a, "shift") == expected


def test_a_point_on_the_mean_breaks_a_run():
    values = [0, 0, 0, 2, 2, 2, 1, 2, 2, 2]  # mean 1.3; no point is on it
    mean = sum(values) / len(values)
    values = [0, 0, 0, 2, 2, 2, mean, 2, 2, 2]
    a = spc.analyse(values, run_length=6)
    assert spc.analyse(values).segments[0].mean == pytest.approx(sum(values) / 10)
    assert _flags(a, "shift") == []


# -- trend: a run going one way -----------------------------------------------------------------

def test_trend_boundary_exact():
    six_rising = [1, 2, 3, 4, 5, 6]
    assert _flags(spc.analyse(six_rising + [0], run_length=6), "trend") == [0, 1, 2, 3, 4, 5]
    assert _flags(spc.analyse(six_rising + [0], run_length=7), "trend") == []
    assert _flags(spc.analyse([7, *six_rising], run_length=7), "trend") == []
    seven_falling = [7, 6, 5, 4, 3, 2, 1]
    assert _flags(spc.analyse(seven_falling, run_length=7), "trend") == list(range(7))


def test_a_repeated_value_breaks_a_trend():
    values = [1, 2, 3, 3, 4, 5, 6]
    assert _flags(spc.analyse(values, run_length=6), "trend") == []


# -- two of three near a limit -------------------------------------------------------------------

def _near_case(second_near: bool, same_side: bool = True):
    """Twenty alternating points 10/12 (mean 11, moving range 2 before the extra points), then
    three points: two beyond two sigma or one, on one side or both."""
    base = [10, 12] * 10
    return base + [15.5, 11.5 if same_side else 10.5, 15.5 if second_near else 12]


def test_two_of_three_near_the_upper_limit():
    values = _near_case(True)
    a = spc.analyse(values)
    seg = a.segments[0]
    near_upper = seg.mean + 2 / 3 * 2.66 * seg.mean_moving_range
    assert near_upper < 15.5 < seg.upper
    assert _flags(a, "near") == [20, 22]
    assert a.points[21].variation == "common"


def test_one_of_three_near_a_limit_is_not_a_signal():
    a = spc.analyse(_near_case(False))
    assert _flags(a, "near") == []


def test_two_of_three_needs_all_three_on_the_same_side():
    a = spc.analyse(_near_case(True, same_side=False))
    seg = a.segments[0]
    assert a.points[21].value < seg.mean
    assert _flags(a, "near") == []


def _independent_limits(values):
    mean = sum(values) / len(values)
    mr = sum(abs(b - a) for a, b in zip(values, values[1:])) / (len(values) - 1)
    return mean, mean + 2.66 * mr, mean + 2 * 2.66 / 3 * mr


@pytest.mark.parametrize("last", [x / 10 for x in range(130, 200, 2)])
def test_near_and_beyond_agree_with_an_independent_computation_either_side_of_each_line(last):
    values = [10, 12] * 10 + [16.5, 13, last]
    mean, upper, near = _independent_limits(values)
    window = values[-3:]
    close = [near < v <= upper for v in window]
    a = spc.analyse(values)
    assert (22 in _flags(a, "beyond")) == (last > upper)
    expected = close[2] and sum(close) >= 2 and all(v > mean for v in window)
    assert (22 in _flags(a, "near")) == expected


# -- improvement direction ----------------------------------------------------------------------

def test_special_causes_read_by_the_improvement_direction():
    values = _with_last(30)
    assert spc.analyse(values, direction=spc.DOWN).points[-1].variation == "concern"
    assert spc.analyse(values, direction=spc.UP).points[-1].variation == "improvement"
    assert spc.analyse(values, direction=spc.NEITHER).points[-1].variation == "high"
    assert spc.analyse(values[:-1] + [-10], direction=spc.NEITHER).points[-1].variation == "low"


def test_a_trend_is_read_by_the_way_it_runs_not_the_side_of_the_mean():
    values = [10, 11, 10, 3, 5, 7, 9, 11, 13, 15]  # rising across the mean of 9.4
    a = spc.analyse(values, direction=spc.DOWN, run_length=7)
    trend = [p for p in a.points if p.rules == {"trend"}]
    assert any(p.value < a.segments[0].mean for p in trend)
    assert trend and all(p.variation == "concern" for p in trend)


def test_recent_concerns_are_in_the_latest_three_points():
    a = spc.analyse(_with_last(30), direction=spc.DOWN)
    assert [p.index for p in a.recent_concerns()] == [10]
    assert spc.analyse(_with_last(30) + [11, 10, 12], direction=spc.DOWN).recent_concerns() == []


# -- rebasing -----------------------------------------------------------------------------------

def test_a_rebase_computes_limits_separately_before_and_after():
    before, after = [20, 22, 21, 23, 20, 22], [10, 11, 12, 10, 11, 12]
    a = spc.analyse(before + after, rebase_at=[6])
    assert [s.mean for s in a.segments] == [pytest.approx(21.333333), pytest.approx(11)]
    assert a.segments[1].mean_moving_range == pytest.approx((1 + 1 + 2 + 1 + 1) / 5)
    assert [p.index for p in a.segments[1].points] == list(range(6, 12))
    # Without the rebase the step is a run below the mean; with it, each stretch is steady.
    assert any(p.special for p in spc.analyse(before + after, run_length=6).points)
    assert not any(p.special for p in a.points)


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match="direction"):
        spc.analyse([1, 2], direction="sideways")
    with pytest.raises(ValueError, match="run length"):
        spc.analyse([1, 2], run_length=1)
