"""Outcome tracking (Checklist Annex 2): a programme's quarterly aggregate figures, the rules
that keep them consistent, re-entry rates against the national figures, the trend charts,
CSV import and export, and the summary the steering-group report shows.

The rules live in `check_figures`, which both the form and the CSV import use, so a figure
refused in one is refused in the other with the same words.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select

from tracker import audit, clock, imports, validation
from tracker.extensions import db
from tracker.models import FinancialQuarter, Month, OutcomeQuarter, Programme, User
from tracker.outcomes import questions

QUARTER = "outcome_quarter"
MAX_COUNT = 100_000
NOTES_LENGTH = 5000  # the form's limit too
# How far back the form offers quarters: five years gives a baseline from before the rollout.
QUARTERS_OFFERED = 20


@dataclass(frozen=True)
class Figure:
    key: str  # the model attribute and the CSV column
    label: str  # the form's question
    heading: str  # short, for tables and messages
    hint: str
    required: bool = True


FIGURES: tuple[Figure, ...] = (
    Figure("returned_home", "Children who stopped being looked after by returning home",
           "Children who returned home",
           "During the quarter, to parents or relatives. The SSDA903 return records these."),
    Figure("framework_cases", "Of them, children worked with using the Framework",
           "Framework cases", "Returns where the Reunification Practice Framework was used."),
    Figure("unplanned_returns", "Of them, unplanned returns", "Unplanned returns",
           "Returns the authority and family could not prepare for, for example when a "
           "placement ended suddenly."),
    Figure("returned_s20", "Of them, children who had been accommodated under section 20",
           "Section 20", "Voluntary accommodation with the parents' agreement."),
    Figure("returned_care_order", "Of them, children who had been on a care order",
           "Care order", "Interim or full care orders."),
    Figure("reentered_3_months", "Returns that broke down within 3 months",
           "Broke down within 3 months",
           "Children from this quarter's returns who came back into care within 3 months of "
           "going home. Leave blank until you know.", required=False),
    Figure("framework_reentered_3_months", "Of the returns that broke down within 3 months, "
           "Framework cases",
           "Framework cases that broke down within 3 months",
           "Leave blank only if the 3-month figure is blank.", required=False),
    Figure("reentered_12_months", "Returns that broke down within 12 months",
           "Broke down within 12 months",
           "Including those within 3 months. Leave blank until 12 months have passed.",
           required=False),
    Figure("framework_reentered_12_months", "Of the returns that broke down within 12 months, "
           "Framework cases",
           "Framework cases that broke down within 12 months",
           "Leave blank only if the 12-month figure is blank.", required=False),
    Figure("repeat_breakdowns", "Repeat breakdowns", "Repeat breakdowns",
           "Of the returns that broke down, those that were a child's second or later return "
           "home to break down.", required=False),
    Figure("not_returned_risk",
           "Children not returned home because the assessment showed the risk was too high",
           "Not returned: risk too high",
           "Decided during the quarter. Not returning a child when the risk is too high is a "
           "good outcome for that child."),
)
FIGURE = {f.key: f for f in FIGURES}
CSV_COLUMNS = ["quarter", *FIGURE, "notes"]

QUARTER_FIELDS = {f.key: (f.heading, None) for f in FIGURES} | {"notes": ("Notes", None)}


# -- reading figures -----------------------------------------------------------------------------

def parse_count(text: str | None, figure: Figure) -> int | None:
    """A count as typed: whole, 0 or more, commas allowed. ValueError carries the message."""
    value = (text or "").strip()
    if not value:
        if figure.required:
            raise ValueError(f"Enter the number for {figure.heading.lower()}, or 0")
        return None
    number = validation.parse_whole_number(value, figure.heading)
    if number > MAX_COUNT:
        raise ValueError(f"{figure.heading} must be {MAX_COUNT:,} or fewer")
    return number


def check_figures(values: dict[str, int | None]) -> dict[str, str]:
    """Problems with a quarter's figures taken together, by figure: parts larger than their
    wholes, Framework splits without their totals. `values` holds the figures that parsed; a
    rule about a figure that did not is skipped, as its own message already says what is
    wrong."""
    problems: dict[str, str] = {}

    def say(key: str, message: str) -> None:
        problems.setdefault(key, message)

    def have(*keys: str) -> bool:
        return all(k in values for k in keys)

    get = values.get
    returned = get("returned_home")
    if returned is not None:
        for key in ("framework_cases", "unplanned_returns", "returned_s20",
                    "returned_care_order", "reentered_3_months", "reentered_12_months"):
            value = get(key)
            if value is not None and value > returned:
                say(key, f"{FIGURE[key].heading} cannot be more than the {returned} children "
                         "who returned home")
        s20, order = get("returned_s20"), get("returned_care_order")
        if s20 is not None and order is not None and s20 + order > returned:
            say("returned_care_order",
                f"Section 20 and care order together ({s20 + order}) cannot be more than the "
                f"{returned} children who returned home")
    three, twelve = get("reentered_3_months"), get("reentered_12_months")
    if three is not None and twelve is not None and twelve < three:
        say("reentered_12_months", f"Breakdowns within 12 months include the {three} within "
                                   "3 months, so cannot be fewer")
    cases = get("framework_cases")
    for months, total_key in ((3, "reentered_3_months"), (12, "reentered_12_months")):
        key = f"framework_reentered_{months}_months"
        if not have(key, total_key):
            continue
        part, total = get(key), get(total_key)
        if total is None and part is not None:
            say(key, f"Enter the returns that broke down within {months} months first, or "
                     "leave this blank")
        elif total is not None and part is None:
            say(key, f"Enter how many of the {total} returns that broke down within {months} "
                     "months were Framework cases, or 0")
        elif part is not None and total is not None and part > total:
            say(key, f"Framework cases that broke down cannot be more than the {total} returns "
                     f"that broke down within {months} months")
        elif part is not None and cases is not None and part > cases:
            say(key, f"Framework cases that broke down cannot be more than the {cases} "
                     "Framework cases")
    fw3, fw12 = get("framework_reentered_3_months"), get("framework_reentered_12_months")
    if fw3 is not None and fw12 is not None and fw12 < fw3:
        say("framework_reentered_12_months",
            f"Framework breakdowns within 12 months include the {fw3} within 3 months, so "
            "cannot be fewer")
    if have("repeat_breakdowns", "reentered_3_months", "reentered_12_months"):
        repeat = get("repeat_breakdowns")
        broke = twelve if twelve is not None else three
        if repeat is not None and broke is None:
            say("repeat_breakdowns", "Enter the returns that broke down first, or leave this "
                                     "blank")
        elif repeat is not None and broke is not None and repeat > broke:
            say("repeat_breakdowns", f"Repeat breakdowns cannot be more than the {broke} "
                                     "returns that broke down")
    return problems


def parse_quarter(text: str) -> FinancialQuarter:
    """2026-27 Q2, 2026–27 Q2, 2026/27 Q2 or 2026-Q2. ValueError carries the message."""
    match = re.fullmatch(r"(\d{4})\s*(?:[-–/]\s*(\d{2}|\d{4}))?\s*[-–]?\s*Q([1-4])",
                         text.strip(), flags=re.IGNORECASE)
    if not match:
        raise ValueError(f"{text.strip()!r} is not a financial quarter like 2026-27 Q2")
    year, second, quarter = int(match[1]), match[2], int(match[3])
    if second and int(second) not in (year + 1, (year + 1) % 100):
        raise ValueError(f"{text.strip()!r}: a financial year runs from {year} to {year + 1}")
    if not validation.EARLIEST_YEAR <= year < validation.LATEST_YEAR:
        raise ValueError(f"{text.strip()!r}: the year must be between "
                         f"{validation.EARLIEST_YEAR} and {validation.LATEST_YEAR - 1}")
    return FinancialQuarter(year, quarter)


# Month names as people type them: in full, or their first three letters.
_MONTH_WORDS = {w: i for i, name in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"), start=1) for w in (name, name[:3])}


def parse_month(text: str) -> Month:
    """2026-04, 2026/04, April 2026 or Apr 2026. ValueError carries the message."""
    value = text.strip()
    numeric = re.fullmatch(r"(\d{4})\s*[-/]\s*(\d{1,2})", value)
    named = re.fullmatch(r"([A-Za-z]+)\.?\s+(\d{4})", value)
    if numeric:
        year, month = int(numeric[1]), int(numeric[2])
    elif named and named[1].lower() in _MONTH_WORDS:
        year, month = int(named[2]), _MONTH_WORDS[named[1].lower()]
    else:
        raise ValueError(f"{value!r} is not a month like 2026-04 or April 2026")
    if not 1 <= month <= 12:
        raise ValueError(f"{value!r}: the month must be from 01 to 12")
    if not validation.EARLIEST_YEAR <= year < validation.LATEST_YEAR:
        raise ValueError(f"{value!r}: the year must be between "
                         f"{validation.EARLIEST_YEAR} and {validation.LATEST_YEAR - 1}")
    return Month(year, month)


def parse_period(text: str) -> FinancialQuarter | Month:
    """A financial quarter, or a calendar month for authorities with monthly figures.
    ValueError carries the message for whichever the text looks like."""
    if re.search(r"q\s*\d\s*$", text.strip(), flags=re.IGNORECASE):
        return parse_quarter(text)
    try:
        return parse_month(text)
    except ValueError as exc:
        if "is not a month" not in str(exc):
            raise
        raise ValueError(f"{text.strip()!r} is not a financial quarter like 2026-27 Q2 or a "
                         "month like 2026-04") from None


def latest_ended(today: date | None = None) -> FinancialQuarter:
    return FinancialQuarter.containing(today or clock.today()).previous()


def quarters_offered(today: date | None = None) -> list[FinancialQuarter]:
    """Ended quarters a form may enter, newest first: figures for a quarter still running
    would be partial and read as a fall."""
    found = [latest_ended(today)]
    while len(found) < QUARTERS_OFFERED:
        found.append(found[-1].previous())
    return found


def check_period(period: FinancialQuarter | Month, today: date | None = None) -> str | None:
    if isinstance(period, Month):
        if period >= Month.containing(today or clock.today()):
            return f"{period.label} has not ended yet: enter its figures once it has"
        return None
    if period > latest_ended(today):
        return f"{period.short_label} has not ended yet: enter its figures once it has"
    return None


# -- saving -----------------------------------------------------------------------------------

def quarters(programme_id: int) -> list[OutcomeQuarter]:
    """Every quarter entered, oldest first, in one query. Monthly figures are not among them:
    see `all_figures`."""
    return list(db.session.execute(
        select(OutcomeQuarter).where(OutcomeQuarter.programme_id == programme_id,
                                     OutcomeQuarter.month == 0)
        .order_by(OutcomeQuarter.year, OutcomeQuarter.quarter)).scalars())


def all_figures(programme_id: int) -> list[OutcomeQuarter]:
    """Every quarter and every month entered, in one query: quarters first, each kind oldest
    first."""
    rows = db.session.execute(
        select(OutcomeQuarter).where(OutcomeQuarter.programme_id == programme_id)).scalars()
    return sorted(rows, key=lambda r: (r.month != 0, r.period.start))


def _refuse_inconsistent(figures: dict[str, int | None]) -> None:
    """Forms and the import say this at the field first; this stops any other caller."""
    problems = check_figures(figures)
    if problems:
        raise ValueError("; ".join(problems.values()))


def create_quarter(programme: Programme, period: FinancialQuarter | Month, *,
                   actor: User | None, notes: str = "", **figures: int | None) -> OutcomeQuarter:
    """A quarter's figures, or a month's (stored with the financial quarter it falls in)."""
    _refuse_inconsistent(figures)
    quarter = period.quarter if isinstance(period, Month) else period
    row = OutcomeQuarter(programme_id=programme.id, year=quarter.year, quarter=quarter.quarter,
                         month=period.month if isinstance(period, Month) else 0,
                         notes=notes, **figures)
    audit.created(row, actor,
                 summary=f"Figures entered for {period.label}")
    return row


def update_quarter(row: OutcomeQuarter, *, seen_version: int | None, actor: User,
                   **values) -> bool:
    """Change a quarter's figures; False when nothing changed. StaleEdit when someone else
    saved it after `seen_version` was read."""
    audit.refuse_if_stale(row, seen_version)
    _refuse_inconsistent({f.key: values.get(f.key, getattr(row, f.key)) for f in FIGURES})
    return audit.updated(row, values, seen_version, actor, fields=QUARTER_FIELDS)


# -- rates and views ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rate:
    """`part` of `whole`, e.g. 9 of 81 returns broke down."""

    part: int
    whole: int

    @property
    def percent(self) -> Decimal:
        return Decimal(self.part) * 100 / Decimal(self.whole)

    @property
    def shown(self) -> str:
        return f"{self.percent.quantize(Decimal(1), rounding=ROUND_HALF_UP)}%"

    def __str__(self) -> str:
        return f"{self.part} of {self.whole} ({self.shown})"


def rate(part: int | None, whole: int | None) -> Rate | None:
    if part is None or not whole:
        return None
    return Rate(part, whole)


@dataclass(frozen=True)
class QuarterView:
    row: OutcomeQuarter

    @property
    def period(self) -> FinancialQuarter | Month:
        return self.row.period

    @property
    def others(self) -> int:
        return self.row.returned_home - self.row.framework_cases

    def reentry(self, months: int) -> Rate | None:
        return rate(getattr(self.row, f"reentered_{months}_months"), self.row.returned_home)

    def framework_reentry(self, months: int) -> Rate | None:
        return rate(getattr(self.row, f"framework_reentered_{months}_months"),
                    self.row.framework_cases)

    def others_reentry(self, months: int) -> Rate | None:
        total = getattr(self.row, f"reentered_{months}_months")
        framework = getattr(self.row, f"framework_reentered_{months}_months")
        if total is None or framework is None:
            return None
        return rate(total - framework, self.others)

    @property
    def framework_share(self) -> Rate | None:
        return rate(self.row.framework_cases, self.row.returned_home)

    @property
    def unplanned_share(self) -> Rate | None:
        return rate(self.row.unplanned_returns, self.row.returned_home)


def views(rows: Iterable[OutcomeQuarter]) -> list[QuarterView]:
    return [QuarterView(r) for r in rows]


# -- the summary the steering-group report shows ------------------------------------------------

@dataclass(frozen=True)
class OutcomeSummary:
    """The latest four quarters entered, and re-entry over the latest four whose figures are
    known (12-month figures lag the others by a year)."""

    latest: FinancialQuarter
    first: FinancialQuarter
    quarters: int
    returned_home: int
    framework: Rate | None
    not_returned_risk: int
    unplanned: Rate | None
    reentry_3: Rate | None
    reentry_3_span: tuple[FinancialQuarter, FinancialQuarter] | None
    reentry_12: Rate | None
    reentry_12_span: tuple[FinancialQuarter, FinancialQuarter] | None
    framework_12: Rate | None
    others_12: Rate | None
    benchmarks: dict[str, questions.Benchmark]


def _pooled(chosen: Sequence[QuarterView], months: int, kind: str) -> Rate | None:
    """One rate over several quarters: the parts added up over the wholes added up, from the
    quarters where that rate is known."""
    rates = [r for r in (getattr(v, kind)(months) for v in chosen) if r is not None]
    if not rates:
        return None
    return rate(sum(r.part for r in rates), sum(r.whole for r in rates))


def summarise(rows: Sequence[OutcomeQuarter]) -> OutcomeSummary | None:
    if not rows:
        return None
    all_views = views(sorted(rows, key=lambda r: (r.year, r.quarter)))
    recent = all_views[-4:]

    def known(months: int) -> list[QuarterView]:
        return [v for v in all_views if getattr(v.row, f"reentered_{months}_months") is not None
                ][-4:]

    def span(chosen: list[QuarterView]):
        return (chosen[0].period, chosen[-1].period) if chosen else None

    three, twelve = known(3), known(12)
    returned = sum(v.row.returned_home for v in recent)
    return OutcomeSummary(
        latest=recent[-1].period,
        first=recent[0].period,
        quarters=len(recent),
        returned_home=returned,
        framework=rate(sum(v.row.framework_cases for v in recent), returned),
        not_returned_risk=sum(v.row.not_returned_risk for v in recent),
        unplanned=rate(sum(v.row.unplanned_returns for v in recent), returned),
        reentry_3=_pooled(three, 3, "reentry"),
        reentry_3_span=span(three),
        reentry_12=_pooled(twelve, 12, "reentry"),
        reentry_12_span=span(twelve),
        framework_12=_pooled(twelve, 12, "framework_reentry"),
        others_12=_pooled(twelve, 12, "others_reentry"),
        benchmarks=questions.current().benchmarks,
    )


def latest_outcomes(programme: Programme) -> OutcomeSummary | None:
    """For the steering-group report: the latest figures, in one query."""
    return summarise(quarters(programme.id))


# -- CSV ----------------------------------------------------------------------------------------

def export_csv(rows: Iterable[OutcomeQuarter]) -> str:
    """The import's own columns, so an export edited in a spreadsheet imports back."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = imports.csv_writer(out)
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        writer.writerow([r.period.key if r.month else r.period.short_label.replace("–", "-"),
                         *("" if getattr(r, k) is None else getattr(r, k) for k in FIGURE),
                         r.notes])
    return out.getvalue()


def _count(figure: Figure) -> imports.Parser:
    return lambda value, _label: parse_count(value, figure)


IMPORTER = imports.Importer("quarter", (
    imports.Field("quarter", "Quarter", lambda value, _label: parse_period(value),
                  required=True, aliases=("period", "financial quarter", "month"),
                  blank="Enter the quarter, like 2026-27 Q2, or the month, like 2026-04",
                  hint="A financial quarter, like 2026-27 Q2 (July to September 2026), or a "
                       "month, like 2026-04.",
                  example="2025-26 Q4"),
    *(imports.Field(f.key, f.heading, _count(f), required=f.required, aliases=(f.label,),
                    blank=f"Enter the number for {f.heading.lower()}, or 0",
                    hint=f"{f.label}. {'' if f.required else 'Blank when not known yet.'}",
                    example=example)
      for f, example in zip(FIGURES, ("21", "14", "3", "8", "12", "", "", "", "", "", "4"),
                            strict=True)),
    imports.Field("notes", "Notes", imports.text(NOTES_LENGTH, multiline=True),
                  hint="Where the figures came from.", example="From the SSDA903 return"),
))


@dataclass
class ImportRow(imports.Row):
    period: FinancialQuarter | Month | None = None
    figures: dict[str, int | None] = field(default_factory=dict)
    notes: str = ""
    existing: OutcomeQuarter | None = None


def parse_import(text: str, programme_id: int, today: date | None = None) -> list[ImportRow]:
    """Every row of CSV text under the columns Homeward proposes, checked; nothing is saved."""
    return check_import(imports.read_text(IMPORTER, text), programme_id, today)


def check_import(sheet: list[imports.Row], programme_id: int,
                 today: date | None = None) -> list[ImportRow]:
    """Each row with the quarter's own rules (ended, not twice in the file) and the figures
    taken together; the list's rows become ImportRows in place. One query."""
    existing = {r.period: r for r in all_figures(programme_id)}
    seen: dict[FinancialQuarter | Month, int] = {}
    for index, read in enumerate(sheet):
        row = ImportRow(read.line, read.values, read.problems, read.parsed, read.headings)
        sheet[index] = row
        row.notes = read.parsed.get("notes", "")
        row.period = read.parsed.get("quarter")
        if row.period is not None:
            late = check_period(row.period, today)
            if late:
                row.problem("quarter", late)
            elif row.period in seen:
                row.problem("quarter", f"{row.period.short_label} is also in row "
                                       f"{seen[row.period]}")
            seen.setdefault(row.period, row.line)
            row.existing = existing.get(row.period)
        row.figures = {f.key: read.parsed.get(f.key) for f in FIGURES}
        parsed = {k: v for k, v in row.figures.items()
                  if not any(p.column == k for p in row.problems)}
        for key, message in check_figures(parsed).items():
            row.problem(key, message)
        # Listed in the file's column order, as a person reads along the row.
        order = list(row.headings)
        row.problems.sort(key=lambda p: order.index(p.column) if p.column in order else -1)
    return sheet


def import_rows(programme: Programme, rows: list[ImportRow], actor: User) -> tuple[int, int]:
    """(created, changed). Quarters already entered take the file's figures."""
    assert not any(r.problems for r in rows), "import only rows without problems"
    created = changed = 0
    for row in rows:
        assert row.period is not None
        if row.existing is None:
            create_quarter(programme, row.period, actor=actor, notes=row.notes, **row.figures)
            created += 1
        else:
            changed += update_quarter(row.existing, seen_version=None, actor=actor,
                                      notes=row.notes, **row.figures)
    return created, changed


def import_template(today: date | None = None) -> imports.Importer:
    """The importer whose template's example is the latest quarter that has ended."""
    return IMPORTER.with_examples(quarter=latest_ended(today).short_label.replace("–", "-"))
