"""Working days and the six-working-week rule between learning sets (seed 000 lines 1602-1605)."""

from datetime import date

import pytest

from tracker.meetings import planner
from tracker.meetings.planner import (
    MIN_GAP_WORKING_DAYS,
    add_working_days,
    check_dates,
    far_enough_apart,
    is_working_day,
    parse_closures,
    propose_series,
    working_days_between,
)
from tracker.models import GroupKind, MeetingKind

# Half term, as a user would type it.
HALF_TERM = [(date(2027, 2, 15), date(2027, 2, 19))]


def test_bank_holidays_come_from_the_holidays_package():
    assert planner.bank_holiday(date(2027, 3, 29)) == "Easter Monday"
    assert planner.bank_holiday(date(2026, 12, 28)) == "Boxing Day (observed)"
    assert planner.bank_holiday(date(2027, 3, 17)) is None  # St Patrick's: not in England


@pytest.mark.parametrize("day, working", [
    (date(2027, 1, 11), True),    # a Monday
    (date(2027, 1, 16), False),   # a Saturday
    (date(2027, 1, 17), False),   # a Sunday
    (date(2027, 3, 26), False),   # Good Friday
    (date(2027, 8, 30), False),   # Late Summer bank holiday
])
def test_working_days(day, working):
    assert is_working_day(day) is working


def test_school_holidays_are_counted_out_only_when_given():
    assert is_working_day(date(2027, 2, 16))
    assert not is_working_day(date(2027, 2, 16), HALF_TERM)
    assert planner.closed_reason(date(2027, 2, 16), HALF_TERM) == "in the school holidays"


def test_working_days_between_counts_after_the_first_day_up_to_the_second():
    assert working_days_between(date(2027, 1, 11), date(2027, 1, 11)) == 0
    assert working_days_between(date(2027, 1, 11), date(2027, 1, 12)) == 1
    assert working_days_between(date(2027, 1, 15), date(2027, 1, 18)) == 1  # Friday to Monday
    assert working_days_between(date(2027, 1, 11), date(2027, 2, 22)) == 30  # six weeks on
    assert working_days_between(date(2027, 1, 12), date(2027, 1, 11)) == 0


def test_the_rule_at_its_boundary():
    monday = date(2027, 1, 11)
    assert far_enough_apart(monday, date(2027, 2, 22))          # exactly 30 working days
    assert not far_enough_apart(monday, date(2027, 2, 19))      # 29
    # Half term pushes the same calendar gap under six working weeks.
    assert not far_enough_apart(monday, date(2027, 2, 22), HALF_TERM)
    assert far_enough_apart(monday, date(2027, 3, 1), HALF_TERM)


def test_the_rule_counts_out_bank_holidays():
    # Six calendar weeks over Easter 2027 hold only 28 working days.
    assert working_days_between(date(2027, 3, 15), date(2027, 4, 26)) == 28
    assert not far_enough_apart(date(2027, 3, 15), date(2027, 4, 26))


def test_add_working_days_lands_on_a_working_day_that_passes_the_rule():
    for start in (date(2026, 11, 30), date(2027, 3, 15), date(2027, 12, 13)):
        later = add_working_days(start, MIN_GAP_WORKING_DAYS)
        assert is_working_day(later)
        assert far_enough_apart(start, later)
        assert not far_enough_apart(start, add_working_days(start, MIN_GAP_WORKING_DAYS - 1))


def test_the_planner_proposes_a_whole_series_in_order():
    proposal = propose_series(date(2027, 1, 11))
    assert [p.title for p in proposal] == [
        "Strategic Set 1", "Full-day practice briefing", "Practice Set 1", "Mid-way review 1",
        "Strategic Set 2", "Practice Set 2", "Mid-way review 2", "Strategic Set 3",
        "Practice Set 3",
    ]
    days = [p.day for p in proposal]
    assert days == sorted(days)
    assert all(is_working_day(d) for d in days)
    assert check_dates([(p.kind, p.number, p.group, p.day) for p in proposal]) == []
    briefing, practice_1 = proposal[1], proposal[2]
    assert briefing.group == GroupKind.PRACTICE and briefing.day < practice_1.day


def test_the_planner_starts_on_the_next_working_day_and_steps_over_holidays():
    proposal = propose_series(date(2027, 1, 9), HALF_TERM)  # a Saturday
    assert proposal[0].day == date(2027, 1, 11)
    for group in GroupKind:
        sets = [p.day for p in proposal if p.group == group and p.kind.is_learning_set]
        assert len(sets) == 3
        for earlier, later in zip(sets, sets[1:], strict=False):
            assert far_enough_apart(earlier, later, HALF_TERM)
    assert not any(HALF_TERM[0][0] <= p.day <= HALF_TERM[0][1] for p in proposal)


def test_check_dates_warns_about_close_sets_and_non_working_days():
    meetings = [
        (MeetingKind.STRATEGIC_SET, 1, GroupKind.STRATEGIC, date(2027, 1, 11)),
        (MeetingKind.BRIEFING, None, GroupKind.PRACTICE, date(2027, 1, 27)),
        (MeetingKind.PRACTICE_SET, 1, GroupKind.PRACTICE, date(2027, 1, 25)),
        (MeetingKind.STRATEGIC_SET, 2, GroupKind.STRATEGIC, date(2027, 2, 8)),
        (MeetingKind.PRACTICE_SET, 2, GroupKind.PRACTICE, date(2027, 3, 29)),
    ]
    warnings = {w.index: w.message for w in check_dates(meetings)}
    assert warnings[3] == ("Strategic Set 2 is 20 working days after Strategic Set 1: the "
                           "Framework suggests at least six working weeks (30 working days) "
                           "between sets")
    assert warnings[1] == "The full-day briefing should come before Practice Set 1"
    assert warnings[4] == "Practice Set 2 is on a bank holiday (Easter Monday)"
    assert 0 not in warnings and 2 not in warnings


def test_a_mid_way_review_should_fall_between_its_two_sets():
    days = [p.day for p in propose_series(date(2027, 1, 11))]
    shape = [(kind, number, group) for _n, kind, number, group, _a in planner.SERIES_SHAPE]
    days[4] = date(2027, 2, 5)  # Strategic Set 2 before Mid-way review 1 (8 February)
    warnings = [w.message for w in check_dates([(*s, d) for s, d in zip(shape, days, strict=True)])]
    assert "Mid-way review 1 should fall between Strategic Set 1 and Strategic Set 2" in warnings


def test_school_holidays_typed_by_the_user():
    assert parse_closures("15/2/2027 to 19/2/2027\n\n2027-04-01 - 2027-04-09\n 4 12 2026 ") == [
        (date(2027, 2, 15), date(2027, 2, 19)),
        (date(2027, 4, 1), date(2027, 4, 9)),
        (date(2026, 12, 4), date(2026, 12, 4)),
    ]
    assert parse_closures("") == []
    with pytest.raises(ValueError, match="Line 2 must be a date or a range"):
        parse_closures("15/2/2027\nhalf term")
    with pytest.raises(ValueError, match="Line 1 has a date that does not exist"):
        parse_closures("30/2/2027")
    with pytest.raises(ValueError, match="Line 1 ends before it starts"):
        parse_closures("19/2/2027 to 15/2/2027")
    assert parse_closures(planner.format_closures(HALF_TERM)) == HALF_TERM
