"""SPC (XmR) for outcome measures: the limits against an independent computation, each special
cause rule at its boundary, rebasing, and the improvement/concern reading."""

import html
import io
import re
from datetime import date, datetime

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.factories import hold_meeting, make_meeting
from tracker import clock
from tracker.datafiles import ChecklistError
from tracker.extensions import db
from tracker.models import FinancialQuarter, MeetingKind, Month, Programme, Role
from tracker.outcomes import charts, measures, services, spc, spc_views

BASE = "/a/testshire/outcomes"
FIGURES = {"returned_home": 20, "framework_cases": 8, "unplanned_returns": 3, "returned_s20": 10,
           "returned_care_order": 9, "reentered_3_months": 2, "framework_reentered_3_months": 0,
           "reentered_12_months": 4, "framework_reentered_12_months": 1, "repeat_breakdowns": 1,
           "not_returned_risk": 4}


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 23, 12, 0))


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
    mr = sum(abs(values[i] - values[i - 1]) for i in range(1, len(values))) / (len(values) - 1)
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


# -- the measures file ----------------------------------------------------------------------------

def test_the_shipped_measures_load_with_a_direction_and_provenance_each():
    shipped = measures.load()
    keys = [m.key for m in shipped.measures]
    assert keys[:2] == ["reentry_3_months", "reentry_12_months"]
    reentry = shipped.get("reentry_12_months")
    assert reentry.improvement == spc.DOWN and reentry.target.percent == 20
    assert "Home again" in reentry.source
    framework = shipped.get("framework_share")
    assert framework.improvement == spc.UP and framework.added_by_homeward and framework.basis
    assert shipped.get("returned_home").improvement == spc.NEITHER


@pytest.mark.parametrize(("change", "message"), [
    (('improvement = "down"', 'improvement = "sideways"'), "measure reentry_3_months: improvement"),
    (('key = "reentry_3_months"', 'key = "waiting_times"'), "measure waiting_times: unknown"),
    (('target = "reentry_3_months"', 'target = "nowhere"'), "measure reentry_3_months: target names"),
    (('unit = "count"', 'unit = "pounds"'), "measure returned_home: unit"),
])
def test_bad_measure_files_name_the_file_the_item_and_the_problem(change, message):
    text = (measures.CHECKLISTS_DIR / measures.MEASURES_FILE).read_text()
    assert change[0] in text
    with pytest.raises(ChecklistError, match=f"outcome_measures.toml: {message}"):
        measures.parse(text.replace(change[0], change[1], 1), "outcome_measures.toml")


# -- months -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "month"), [
    ("2026-04", Month(2026, 4)), ("2026/4", Month(2026, 4)), ("April 2026", Month(2026, 4)),
    ("apr 2026", Month(2026, 4)), ("January 2027", Month(2027, 1)),
])
def test_months_are_read_as_people_write_them(text, month):
    assert services.parse_period(text) == month
    assert month.quarter == FinancialQuarter.containing(month.start)


@pytest.mark.parametrize(("text", "message"), [
    ("2026-13", "month must be from 01 to 12"), ("Aprill 2026", "not a financial quarter"),
    ("2026-27 Q5", "not a financial quarter like 2026-27 Q2"),
])
def test_bad_periods_say_what_is_wrong(text, message):
    with pytest.raises(ValueError, match=message):
        services.parse_period(text)


def test_a_month_is_stored_in_its_quarter_and_read_back(programme):
    row = services.create_quarter(programme, Month(2027, 2), actor=None, **FIGURES)
    db.session.commit()
    assert (row.year, row.quarter, row.month) == (2026, 4, 2)
    assert row.period == Month(2027, 2) and row.period.label == "February 2027"
    assert services.quarters(programme.id) == []  # the quarterly views hold quarters only
    assert services.all_figures(programme.id) == [row]


def test_the_import_takes_months_and_refuses_one_not_ended(client, signed_in, programme):
    signed_in(Role.LEAD)
    header = ",".join(services.CSV_COLUMNS)
    good = "\n".join(f"2026-{m:02d},20,8,3,10,9,,,,,,4," for m in (8, 9, 10))
    preview = client.post(f"{BASE}/import", data={
        "file": (io.BytesIO(f"{header}\n{good}\n2026-11,20,8,3,10,9,,,,,,4,\n".encode()),
                 "m.csv")}, content_type="multipart/form-data")
    assert preview.status_code == 400
    assert "November 2026 has not ended yet" in preview.get_data(as_text=True)
    preview = client.post(f"{BASE}/import", data={
        "file": (io.BytesIO(f"{header}\n{good}\n2026-27 Q1,20,8,3,10,9,,,,,,4,\n".encode()),
                 "m.csv")}, content_type="multipart/form-data")
    assert preview.status_code == 200
    hidden = re.search(r'name="csv_text" type="hidden" value="([^"]*)"',
                       preview.get_data(as_text=True)).group(1)
    assert client.post(f"{BASE}/import", data={"csv_text": html.unescape(hidden),
                                               "confirm": "1"}).status_code == 302
    periods = [r.period for r in services.all_figures(programme.id)]
    assert periods == [FinancialQuarter(2026, 1), Month(2026, 8), Month(2026, 9),
                       Month(2026, 10)]
    exported = client.get(f"{BASE}/export.csv").get_data(as_text=True)
    assert "\r\n2026-08,20," in exported and "\r\n2026-27 Q1,20," in exported


# -- the page -----------------------------------------------------------------------------------

def _series(programme, reentries, start=None):
    """One quarter per 3-month breakdown count, out of 40 returns each, from 2023–24 Q1."""
    period = start or FinancialQuarter(2023, 1)
    for broke in reentries:
        services.create_quarter(programme, period, actor=None, **{
            **FIGURES, "returned_home": 40, "reentered_3_months": broke,
            "reentered_12_months": broke, "framework_reentered_12_months": 0,
            "repeat_breakdowns": 0})
        period = period.next()
    db.session.commit()


# Twelve steady quarters, then a jump: a special cause of concern on 3-month re-entry.
STEADY_THEN_WORSE = [4, 5, 4, 6, 5, 4, 5, 6, 4, 5, 4, 5, 16]


def test_the_page_reads_each_measure_with_a_chart_and_a_table(client, signed_in, programme):
    signed_in(Role.OBSERVER)
    _series(programme, STEADY_THEN_WORSE)
    hold_meeting(make_meeting(programme, MeetingKind.PRACTICE_SET, day=date(2024, 5, 14),
                              number=1))
    page = client.get(f"{BASE}/spc").get_data(as_text=True)
    svgs = re.findall(r"<svg class=\"app-chart__svg\".*?</svg>", page, flags=re.S)
    assert len(svgs) == len(measures.current().measures)
    for svg in svgs:
        assert 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg
    reentry = page[page.index('id="reentry_3_months"'):page.index('id="reentry_12_months"')]
    assert "Special cause of concern in the latest points (beyond a process limit)" in reentry
    assert "National 12%" in reentry and "app-spc__mark--concern" in reentry
    assert "Concern</strong> beyond a process limit" in reentry  # the table says it in words
    assert ">P1<" in reentry and "Practice Set 1, 14 May 2024" in page
    assert "Fewer than 12 points" not in reentry
    assert "the default is 7" in page
    assert ' style="' not in page


def test_few_points_are_warned_about(client, signed_in, programme):
    signed_in(Role.OBSERVER)
    _series(programme, [4, 5, 6])
    page = client.get(f"{BASE}/spc").get_data(as_text=True)
    assert "Fewer than 12 points" in page


def test_the_run_length_and_the_rebase_come_from_the_address(client, signed_in, programme):
    signed_in(Role.OBSERVER)
    _series(programme, [4, 5, 4, 5, 4, 5, 4, 10, 11, 10, 11, 10, 11])
    page = client.get(f"{BASE}/spc?run_length=6").get_data(as_text=True)
    reentry = page[page.index('id="reentry_3_months"'):page.index('id="reentry_12_months"')]
    assert "in a run on one side of the mean" in reentry
    assert "run of 6 or more points" in page
    # Rebased where the step is, each stretch is steady: no signal in the latest points.
    rebased = client.get(f"{BASE}/spc?run_length=6&rebase=1&rebase=1&rebase=2025")
    reentry = rebased.get_data(as_text=True)
    reentry = reentry[reentry.index('id="reentry_3_months"'):reentry.index('id="reentry_12_')]
    assert "Common cause variation" in reentry and "app-spc__rebase" in reentry
    assert "Fewer than 12 points since the rebase" in reentry
    start = db.session.get(Programme, programme.id).start_date
    assert (f"rebase={start.day}&amp;rebase={start.month}&amp;rebase={start.year}"
            in rebased.get_data(as_text=True))
    too_late = client.get(f"{BASE}/spc?rebase=1&rebase=1&rebase=2030").get_data(as_text=True)
    assert "Not rebased: 1 January 2030 is not after this chart" in too_late


@pytest.mark.parametrize(("query", "message"), [
    ("run_length=9", "Not a valid choice"),
    ("rebase=31&rebase=2&rebase=2025", "Rebase from must be a real date"),
])
def test_bad_settings_are_shown_and_the_defaults_drawn(client, signed_in, programme, query,
                                                       message):
    signed_in(Role.OBSERVER)
    _series(programme, STEADY_THEN_WORSE)
    response = client.get(f"{BASE}/spc?{query}")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page and "govuk-error-summary" in page and "app-spc__mark" in page


def test_monthly_figures_are_charted_by_month(client, signed_in, programme):
    signed_in(Role.OBSERVER)
    for m in range(1, 13):
        services.create_quarter(programme, Month(2025, m), actor=None, **FIGURES)
    _series(programme, [4, 5])
    db.session.commit()
    page = client.get(f"{BASE}/spc").get_data(as_text=True)
    assert 'name="every" type="radio" value="month" checked' in page  # more months than quarters
    assert "<th scope=\"row\" class=\"govuk-table__header app-nowrap\">Jan 2025</th>" in page
    quarterly = client.get(f"{BASE}/spc?every=quarter").get_data(as_text=True)
    assert "Jan 2025" not in quarterly and "2023–24 Q1" in quarterly


def test_the_page_runs_a_fixed_number_of_queries(client, signed_in, programme, count_queries):
    signed_in(Role.OBSERVER)
    _series(programme, [4, 5])
    client.get(f"{BASE}/spc")
    with count_queries() as q:
        assert client.get(f"{BASE}/spc").status_code == 200
    before = q.count
    _series(programme, STEADY_THEN_WORSE, start=FinancialQuarter(2023, 3))
    for n in (1, 2):
        hold_meeting(make_meeting(programme, MeetingKind.STRATEGIC_SET, day=date(2024, n, 9),
                                  number=n))
    with count_queries() as q:
        assert client.get(f"{BASE}/spc").status_code == 200
    assert q.count == before, q.statements


# -- for programme health -------------------------------------------------------------------------

def test_concerns_name_the_measure_in_a_sentence_with_a_link(programme, create_authority):
    _series(programme, STEADY_THEN_WORSE)
    other = create_authority("Otherton", "otherton")
    quiet = db.session.execute(select(Programme).where(Programme.authority_id == other.id)
                               ).scalar_one()
    found = spc_views.concerns_by_programme({programme.id: "testshire", quiet.id: "otherton"})
    assert found[quiet.id] == []
    keys = [c.measure_key for c in found[programme.id]]
    assert "reentry_3_months" in keys
    concern = next(c for c in found[programme.id] if c.measure_key == "reentry_3_months")
    assert concern.sentence.startswith("Returns that broke down within 3 months: Special cause "
                                       "of concern")
    assert concern.link.endpoint == "outcomes.spc" and concern.link.anchor == "reentry_3_months"
    assert dict(concern.link.args) == {"authority_slug": "testshire"}


def test_an_improvement_is_not_a_concern(programme):
    _series(programme, [16, 15, 16, 14, 15, 16, 15, 14, 16, 15, 16, 15, 2])
    assert "reentry_3_months" not in [c.measure_key for c in spc_views.concerns(programme)]


def test_concerns_for_many_programmes_take_a_fixed_number_of_queries(programme, count_queries):
    _series(programme, STEADY_THEN_WORSE)
    slugs = {programme.id: "testshire", programme.id + 1000: "elsewhere"}
    with count_queries() as q:
        spc_views.concerns_by_programme(slugs)
    assert q.count == 1, q.statements


def test_monthly_figures_are_listed_on_the_outcomes_page_and_can_be_changed(client, signed_in,
                                                                            programme):
    signed_in(Role.LEAD)
    row = services.create_quarter(programme, Month(2026, 5), actor=None, **FIGURES)
    db.session.commit()
    page = client.get(BASE).get_data(as_text=True)
    assert "No figures have been entered yet." in page  # no quarters
    assert "Monthly figures" in page and "May 2026" in page
    assert f"/outcomes/{row.id}/edit" in page
    edit = client.get(f"{BASE}/{row.id}/edit").get_data(as_text=True)
    assert "Change the figures for May 2026" in edit


def test_a_crowded_time_axis_labels_only_some_periods():
    months = [Month(2022, 4)]
    while len(months) < 36:
        months.append(months[-1].next())
    analysis = spc.analyse([float(i % 5) for i in range(36)])
    chart = charts.spc_chart("m", "M", "", months, [p.value for p in analysis.points], analysis,
                             percent=False, shown=str, target=None)
    labelled = [tick for _, tick, _ in chart.x_ticks if tick]
    assert labelled == ["A", "J", "O", "J"] * 3
    assert [year for _, _, year in chart.x_ticks if year] == ["2022", "2023", "2024", "2025"]


# -- against a second implementation ---------------------------------------------------------------

def _plot_the_dots_flags(y):
    """Which points are special causes, written independently in the windowed style of NHS-R's
    NHSRplotthedots (ptd_calculate_point_type.R), whose run length is fixed at 7: for each
    point, look back or forward over fixed windows rather than scanning for runs."""
    n = len(y)
    mean = sum(y) / n
    amr = sum(abs(y[i] - y[i - 1]) for i in range(1, n)) / (n - 1)
    upl, lpl = mean + 2.66 * amr, mean - 2.66 * amr
    nupl, nlpl = mean + 2 / 3 * 2.66 * amr, mean - 2 / 3 * 2.66 * amr
    outside = [v > upl or v < lpl for v in y]
    rtm = [(v > mean) - (v < mean) for v in y]
    close = [not o and (v < nlpl or v > nupl) for v, o in zip(y, outside, strict=True)]
    shift_end = [i >= 6 and rtm[i] != 0 and all(rtm[i - k] == rtm[i] for k in range(1, 7))
                 for i in range(n)]
    trend_end = []
    for i in range(n):
        if i < 6:
            trend_end.append(False)
            continue
        d = [(y[i - k] > y[i - k - 1]) - (y[i - k] < y[i - k - 1]) for k in range(6)]
        trend_end.append(all(s == 1 for s in d) or all(s == -1 for s in d))

    def part_of(ends):
        return [any(ends[j] for j in range(i, min(i + 7, n))) for i in range(n)]

    cp = [0, 0, *close, 0, 0]
    rp = [0, 0, *rtm, 0, 0]
    two_in_three = [
        close[i] and any(sum(cp[i + a:i + a + 3]) >= 2 and abs(sum(rp[i + a:i + a + 3])) == 3
                         for a in range(3))
        for i in range(n)]
    shift, trend = part_of(shift_end), part_of(trend_end)
    return [outside[i] or shift[i] or trend[i] or two_in_three[i] for i in range(n)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=12), min_size=3, max_size=40))
def test_special_causes_match_a_windowed_second_implementation(values):
    values = [float(v) for v in values]
    assume(len(set(values)) > 1)
    flags = [p.special for p in spc.analyse(values, run_length=7).points]
    assert flags == _plot_the_dots_flags(values)


def test_a_special_cause_of_concern_is_a_health_warning_with_the_chart_as_evidence(programme):
    from tracker.health import services as health

    _series(programme, STEADY_THEN_WORSE)
    signals = {s.key: s for s in health.assess(programme, "testshire").judgement.signals}
    concern = signals["outcome_concern_reentry_3_months"]
    assert concern.severity == "warning"
    assert concern.sentence.startswith("Returns that broke down within 3 months")
    assert concern.evidence.url() == "/a/testshire/outcomes/spc#reentry_3_months"
