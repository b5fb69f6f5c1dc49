"""The demo authority's outcome figures: eight quarters to the latest one ended, with the 3-
and 12-month breakdown figures blank where they could not be known yet. Called from
tracker.demo.load().

The story the figures tell: two teams have used the Framework since an earlier NSPCC pilot and
the rollout is widening it; Framework cases break down less often than other returns; more
children are kept in care when the assessment shows the risk is too high; unplanned returns
are falling; 12-month re-entry is still above the national 20%."""

from __future__ import annotations

from datetime import date, timedelta

from tracker import demo
from tracker.models import Programme, User
from tracker.outcomes import services

# Oldest first: returned home, Framework cases, unplanned, s20, care order, broke down within 3
# months (Framework), within 12 months (Framework), repeat breakdowns, not returned: risk.
QUARTERS = [
    (19, 5, 4, 11, 7, 3, 0, 5, 1, 2, 3),
    (22, 6, 5, 12, 8, 3, 1, 6, 1, 2, 2),
    (17, 5, 3, 9, 7, 2, 0, 4, 1, 1, 4),
    (21, 7, 4, 11, 9, 3, 0, 5, 1, 1, 3),
    (20, 8, 3, 10, 9, 2, 0, 4, 1, 1, 4),
    (24, 11, 3, 12, 11, 3, 1, 5, 1, 1, 5),
    (18, 11, 2, 8, 9, 2, 0, 3, 1, 0, 5),
    (23, 15, 2, 11, 11, 2, 0, 3, 1, 0, 6),
]
NOTES = {
    0: "From the SSDA903 return. Framework cases are the two teams in the NSPCC pilot.",
    5: "Rollout began this quarter: the first practice champions joined the two pilot teams.",
}


def load(programme: Programme, people: dict[str, User], today: date) -> None:
    data_manager = people["data"]
    periods = [services.latest_ended(today)]
    while len(periods) < len(QUARTERS):
        periods.append(periods[-1].previous())
    periods.reverse()
    for i, (period, figures) in enumerate(zip(periods, QUARTERS, strict=True)):
        (returned, framework, unplanned, s20, order, three, fw3, twelve, fw12, repeat,
         risk) = figures
        # A quarter's returns can only be followed for as long as has passed since it ended.
        known_3 = period.end + timedelta(days=92) <= today
        known_12 = period.end + timedelta(days=366) <= today
        row = services.create_quarter(
            programme, period, actor=data_manager, notes=NOTES.get(i, ""),
            returned_home=returned, framework_cases=framework, unplanned_returns=unplanned,
            returned_s20=s20, returned_care_order=order,
            reentered_3_months=three if known_3 else None,
            framework_reentered_3_months=fw3 if known_3 else None,
            reentered_12_months=twelve if known_12 else None,
            framework_reentered_12_months=fw12 if known_12 else None,
            repeat_breakdowns=repeat if known_3 else None,
            not_returned_risk=risk)
        # Entered about six weeks after each quarter ended, once the return was checked.
        demo.backdate(row, services.QUARTER, min(period.end + timedelta(days=45), today))
