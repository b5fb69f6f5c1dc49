"""Working days, and the learning-set planner built on them.

A working day is a weekday that is not an England and Wales bank holiday (from the maintained
`holidays` package, never a typed list) and not inside any closure the user gives, such as
school holidays. The Framework asks for at least six working weeks between learning sets, not
counting holidays (seed 000 lines 1602-1605; 004 line 637): `far_enough_apart` is that rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays

from tracker.models.meetings import GroupKind, MeetingKind

# Six working weeks of five working days.
MIN_GAP_WORKING_DAYS = 30
# Action lists go out within two days of the meeting: calendar days, as both sources say (000
# line 1607; 004 line 640). An authority may count working days instead, as a local setting.
CIRCULATE_WITHIN_DAYS = 2

# Where the planner puts the other meetings, in working days after the strategic set of the
# same round: the briefing day a week on, the practice set a week after that (so the strategic
# group's postcard reaches it), and the mid-way review after both sets of the round.
BRIEFING_AFTER = 5
PRACTICE_SET_AFTER = 10
MIDWAY_REVIEW_AFTER = 20
ROUNDS = 3

Closure = tuple[date, date]  # first and last day, both closed

# Bounds that keep every loop here short whatever is typed: school holidays come a few a year,
# none longer than a summer, and learning sets are planned a year or two ahead.
MAX_CLOSURES = 40
MAX_CLOSURE_DAYS = 120
MAX_CLOSED_DAYS = 730
PLANNING_YEARS = (2000, 2100)
# Gaps are counted up to this many calendar days; a longer one counts as this long.
MAX_COUNTED_DAYS = 3 * 366


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> dict[date, str]:
    # Wales shares England's bank holidays; subdivision ENG is the England and Wales list.
    return dict(holidays.country_holidays("GB", subdiv="ENG", years=year))


def bank_holiday(day: date) -> str | None:
    """The bank holiday's name if `day` is one in England and Wales."""
    return _bank_holidays(day.year).get(day)


def closed_reason(day: date, closures: Sequence[Closure] = ()) -> str | None:
    """Why `day` is not a working day, in words; None when it is one."""
    if day.weekday() >= 5:
        return f"a {day:%A}"
    holiday = bank_holiday(day)
    if holiday:
        return f"a bank holiday ({holiday})"
    if any(first <= day <= last for first, last in closures):
        return "in the school holidays"
    return None


def is_working_day(day: date, closures: Sequence[Closure] = ()) -> bool:
    return closed_reason(day, closures) is None


def working_days_between(earlier: date, later: date, closures: Sequence[Closure] = ()) -> int:
    """Working days after `earlier` up to and including `later` (0 when later <= earlier).

    A meeting on a Monday and the next on the Monday six weeks on, with no holidays between,
    are 30 working days apart.
    """
    count = 0
    day = earlier + timedelta(days=1)
    later = min(later, earlier + timedelta(days=MAX_COUNTED_DAYS))
    while day <= later:
        count += is_working_day(day, closures)
        day += timedelta(days=1)
    return count


def add_working_days(day: date, count: int, closures: Sequence[Closure] = ()) -> date:
    """The `count`th working day after `day`."""
    while count > 0:
        day += timedelta(days=1)
        count -= is_working_day(day, closures)
    return day


def on_or_after(day: date, closures: Sequence[Closure] = ()) -> date:
    """`day` if it is a working day, else the next one."""
    while not is_working_day(day, closures):
        day += timedelta(days=1)
    return day


def far_enough_apart(earlier: date, later: date, closures: Sequence[Closure] = ()) -> bool:
    """The learning-set rule: at least six working weeks between two sets of one group."""
    return working_days_between(earlier, later, closures) >= MIN_GAP_WORKING_DAYS


# -- the series planner ----------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedMeeting:
    kind: MeetingKind
    number: int | None
    group: GroupKind
    day: date

    @property
    def title(self) -> str:
        return self.kind.title(self.number)


def _shape() -> Iterable[tuple[int, MeetingKind, int | None, GroupKind, int]]:
    """(round, kind, number, group, working days after the round's strategic set)."""
    for n in range(1, ROUNDS + 1):
        yield n, MeetingKind.STRATEGIC_SET, n, GroupKind.STRATEGIC, 0
        if n == 1:
            yield n, MeetingKind.BRIEFING, None, GroupKind.PRACTICE, BRIEFING_AFTER
        yield n, MeetingKind.PRACTICE_SET, n, GroupKind.PRACTICE, PRACTICE_SET_AFTER
        if n < ROUNDS:
            yield n, MeetingKind.MIDWAY_REVIEW, n, GroupKind.STRATEGIC, MIDWAY_REVIEW_AFTER


# The meetings of a series, in date order: S1, briefing, P1, review 1, S2, P2, review 2, S3, P3.
SERIES_SHAPE = tuple(_shape())


def propose_series(start: date, closures: Sequence[Closure] = ()) -> list[PlannedMeeting]:
    """Dates for three strategic and three practice sets, the briefing day before Practice
    Set 1 and a mid-way review between each round, from `start`; in SERIES_SHAPE's order,
    which is date order.

    Each group's sets are MIN_GAP_WORKING_DAYS apart, so every pair passes `far_enough_apart`.
    """
    rounds = {1: on_or_after(start, closures)}
    for n in range(2, ROUNDS + 1):
        rounds[n] = add_working_days(rounds[n - 1], MIN_GAP_WORKING_DAYS, closures)
    return [PlannedMeeting(kind, number, group, add_working_days(rounds[n], after, closures))
            for n, kind, number, group, after in SERIES_SHAPE]


@dataclass(frozen=True)
class DateWarning:
    index: int  # which of the meetings checked
    message: str


def check_dates(
    meetings: Sequence[tuple[MeetingKind, int | None, GroupKind, date]],
    closures: Sequence[Closure] = (),
) -> list[DateWarning]:
    """What a planner should look at again; warnings, never refusals.

    Sets of one group closer than six working weeks; meetings on a day that is not a working
    day; a briefing day that is not before Practice Set 1.
    """
    warnings: list[DateWarning] = []
    for i, (kind, number, _group, day) in enumerate(meetings):
        why = closed_reason(day, closures)
        if why:
            warnings.append(DateWarning(i, f"{kind.title(number)} is on {why}"))
    sets = sorted(
        ((day, i) for i, (kind, _n, _g, day) in enumerate(meetings) if kind.is_learning_set),
        key=lambda pair: pair[0],
    )
    for group in GroupKind:
        previous: tuple[date, int] | None = None
        for day, i in sets:
            if meetings[i][2] != group:
                continue
            if previous is not None and not far_enough_apart(previous[0], day, closures):
                gap = working_days_between(previous[0], day, closures)
                before = meetings[previous[1]]
                after = meetings[i]
                warnings.append(DateWarning(i, (
                    f"{after[0].title(after[1])} is {gap} working day{'s' if gap != 1 else ''} "
                    f"after {before[0].title(before[1])}: the Framework suggests at least six "
                    f"working weeks ({MIN_GAP_WORKING_DAYS} working days) between sets")))
            previous = (day, i)
    strategic = {m[1]: m[3] for m in meetings if m[0] == MeetingKind.STRATEGIC_SET}
    for i, (kind, number, _group, day) in enumerate(meetings):
        before, after = strategic.get(number), strategic.get((number or 0) + 1)
        if kind == MeetingKind.MIDWAY_REVIEW and before and after and not before < day < after:
            warnings.append(DateWarning(i, (
                f"{kind.title(number)} should fall between Strategic Set {number} and "
                f"Strategic Set {number + 1}")))
    briefings = [i for i, m in enumerate(meetings) if m[0] == MeetingKind.BRIEFING]
    first_practice = [m[3] for m in meetings if m[0] == MeetingKind.PRACTICE_SET and m[1] == 1]
    for i in briefings:
        if first_practice and meetings[i][3] >= first_practice[0]:
            warnings.append(DateWarning(
                i, "The full-day briefing should come before Practice Set 1"))
    return sorted(warnings, key=lambda w: w.index)


# -- school holidays typed by the user -------------------------------------------------------

_DATE = r"(\d{1,2})[ /.-](\d{1,2})[ /.-](\d{4})|(\d{4})-(\d{2})-(\d{2})"
_LINE = re.compile(rf"^\s*(?P<a>{_DATE})\s*(?:(?:to|until|-|–|—)\s*(?P<b>{_DATE}))?\s*$", re.I)


def _parse_date(text: str) -> date:
    parts = re.fullmatch(_DATE, text.strip())
    assert parts is not None
    day, month, year, iso_y, iso_m, iso_d = parts.groups()
    if iso_y:
        return date(int(iso_y), int(iso_m), int(iso_d))
    return date(int(year), int(month), int(day))


def parse_closures(text: str) -> list[Closure]:
    """One range a line, like "26/10/2026 to 30/10/2026" or a single day "4/12/2026".

    Raises ValueError with a message naming the line and what is wrong with it.
    """
    closures: list[Closure] = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        match = _LINE.match(line)
        if not match:
            raise ValueError(f"Line {number} must be a date or a range like 26/10/2026 to "
                             f"30/10/2026")
        try:
            first = _parse_date(match.group("a"))
            last = _parse_date(match.group("b")) if match.group("b") else first
        except ValueError as exc:
            raise ValueError(f"Line {number} has a date that does not exist") from exc
        if last < first:
            raise ValueError(f"Line {number} ends before it starts")
        if not all(PLANNING_YEARS[0] <= d.year <= PLANNING_YEARS[1] for d in (first, last)):
            raise ValueError(f"Line {number} must be between {PLANNING_YEARS[0]} and "
                             f"{PLANNING_YEARS[1]}")
        if (last - first).days >= MAX_CLOSURE_DAYS:
            raise ValueError(f"Line {number} is longer than {MAX_CLOSURE_DAYS} days: enter "
                             "each holiday on its own line")
        closures.append((first, last))
        if len(closures) > MAX_CLOSURES:
            raise ValueError(f"Enter at most {MAX_CLOSURES} holidays")
    if sum((last - first).days + 1 for first, last in closures) > MAX_CLOSED_DAYS:
        raise ValueError(f"The holidays add up to more than {MAX_CLOSED_DAYS} days")
    return closures


def format_closures(closures: Iterable[Closure]) -> str:
    return "\n".join(
        f"{a:%d/%m/%Y}" if a == b else f"{a:%d/%m/%Y} to {b:%d/%m/%Y}" for a, b in closures
    )
