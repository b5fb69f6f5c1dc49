"""Cost scenarios: reading the calculator's figures as typed, saving named scenarios (audited),
choosing the one the steering-group report shows, and the authority's own figures from its
outcome tracking. The arithmetic itself is in tracker/costs/calculator.py."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from tracker import audit
from tracker.costs import calculator as calc
from tracker.extensions import db
from tracker.models import CostScenario, FinancialQuarter, Programme, User
from tracker.money import format_money, format_percent
from tracker.outcomes import services as outcomes

SCENARIO = "cost_scenario"
MAX_MONEY = Decimal(10_000_000)
MAX_RETURNING = 100_000


# -- reading what was typed ---------------------------------------------------------------------

def _decimal(text: str, strip: str) -> Decimal | None:
    cleaned = text.strip()
    for ch in strip:
        cleaned = cleaned.replace(ch, "")
    try:
        value = Decimal(cleaned.strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def parse_percent(text: str | None, name: str) -> Decimal:
    """47, 47% or 47.5. ValueError carries the message for the field."""
    if not (text or "").strip():
        raise ValueError(f"Enter the {name}")
    value = _decimal(text or "", "%")
    if value is None:
        raise ValueError(f"The {name} must be a number, like 47")
    if value < 0:
        raise ValueError(f"The {name} must be 0% or more")
    if value > 100:
        raise ValueError(f"The {name} must be 100% or less")
    if value != value.quantize(Decimal("0.01")):
        raise ValueError(f"The {name} must have no more than 2 decimal places")
    return value


def parse_money(text: str | None, name: str, *, above_zero: bool = False) -> Decimal:
    """61614, £61,614 or 5627.50. ValueError carries the message for the field."""
    if not (text or "").strip():
        raise ValueError(f"Enter the {name}")
    value = _decimal(text or "", "£,")
    if value is None:
        raise ValueError(f"The {name} must be an amount of money, like £61,614")
    if above_zero and value <= 0:
        raise ValueError(f"The {name} must be more than £0")
    if value < 0:
        raise ValueError(f"The {name} must be £0 or more")
    if value > MAX_MONEY:
        raise ValueError(f"The {name} must be {format_money(MAX_MONEY)} or less")
    if value != value.quantize(Decimal("0.01")):
        raise ValueError(f"The {name} must be in pounds and pence, like £5,627.50")
    return value


def parse_children(text: str | None, name: str) -> int:
    value = (text or "").strip().replace(",", "")
    if not value:
        raise ValueError(f"Enter the {name}")
    if value.startswith("-") and value[1:].isdigit():
        raise ValueError(f"The {name} must be 0 or more")
    if not value.isdigit():
        raise ValueError(f"The {name} must be a whole number, like 80")
    if int(value) > MAX_RETURNING:
        raise ValueError(f"The {name} must be {MAX_RETURNING:,} or fewer")
    return int(value)


def shown_number(value: Decimal) -> str:
    """For refilling a form: 61614 or 5627.5, no £ or commas."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def query_args(inputs: calc.CostInputs) -> dict[str, str]:
    """The calculator's URL parameters for these figures."""
    return {"probability": shown_number(inputs.probability), "returning": str(inputs.returning),
            "reentry_cost": shown_number(inputs.reentry_cost),
            "support_cost": shown_number(inputs.support_cost)}


# -- scenarios ----------------------------------------------------------------------------------

def inputs_of(scenario: CostScenario) -> calc.CostInputs:
    return calc.CostInputs(scenario.probability, scenario.returning, scenario.reentry_cost,
                           scenario.support_cost)


def _describe(inputs: calc.CostInputs) -> str:
    return (f"{format_percent(inputs.probability)} of {inputs.returning} children, re-entry "
            f"{format_money(inputs.reentry_cost, pence=True)}, support "
            f"{format_money(inputs.support_cost, pence=True)}")


def scenarios(programme_id: int) -> list[CostScenario]:
    return list(db.session.execute(
        select(CostScenario).options(joinedload(CostScenario.created_by))
        .where(CostScenario.programme_id == programme_id)
        .order_by(CostScenario.in_report.desc(), CostScenario.created_at.desc(),
                  CostScenario.id.desc())).scalars())


def name_taken(programme_id: int, name: str) -> bool:
    return db.session.execute(
        select(CostScenario.id).where(CostScenario.programme_id == programme_id,
                                      CostScenario.name == name)).first() is not None


def save_scenario(programme: Programme, *, name: str, inputs: calc.CostInputs,
                  in_report: bool, actor: User | None) -> CostScenario:
    inputs.check()
    scenario = CostScenario(
        programme_id=programme.id, name=name,
        probability_hundredths=int(inputs.probability * 100), returning=inputs.returning,
        reentry_cost_pence=int(inputs.reentry_cost * 100),
        support_cost_pence=int(inputs.support_cost * 100), in_report=False, created_by=actor)
    audit.created(scenario, actor,
                 summary=f"Cost scenario saved: {name} ({_describe(inputs)})")
    if in_report:
        choose_for_report(scenario, True, actor)
    return scenario


def choose_for_report(scenario: CostScenario, use: bool, actor: User | None) -> bool:
    """Put the scenario in the steering-group report (taking out any other) or take it out.
    False when that is how it already was."""
    if scenario.in_report == use:
        return False
    if use:
        previous = db.session.execute(
            select(CostScenario).where(CostScenario.programme_id == scenario.programme_id,
                                       CostScenario.in_report.is_(True))).scalar_one_or_none()
        if previous is not None:
            # Cleared in the database first: the unique index allows one chosen at a time.
            db.session.execute(update(CostScenario).where(CostScenario.id == previous.id)
                               .values(in_report=False))
            db.session.refresh(previous)
            audit.record(SCENARIO, previous.id, "updated", programme_id=previous.programme_id,
                         actor=actor, changes={"In the steering-group report": ["Yes", "No"]},
                         summary=f"Replaced in the report by {scenario.name}")
    scenario.in_report = use
    db.session.flush()
    audit.record(SCENARIO, scenario.id, "updated", programme_id=scenario.programme_id,
                 actor=actor, changes={"In the steering-group report": ["No", "Yes"] if use
                                       else ["Yes", "No"]})
    return True


def delete_scenario(scenario: CostScenario, actor: User) -> None:
    audit.record(SCENARIO, scenario.id, "deleted", programme_id=scenario.programme_id,
                 actor=actor, summary=f"Cost scenario deleted: {scenario.name} "
                                      f"({_describe(inputs_of(scenario))})")
    db.session.delete(scenario)
    db.session.flush()


@dataclass(frozen=True)
class ReportScenario:
    scenario: CostScenario
    result: calc.CostResult


def report_scenario(programme: Programme) -> ReportScenario | None:
    """For the steering-group report: the chosen scenario and what it works out to."""
    scenario = db.session.execute(
        select(CostScenario).where(CostScenario.programme_id == programme.id,
                                   CostScenario.in_report.is_(True))).scalar_one_or_none()
    if scenario is None:
        return None
    return ReportScenario(scenario, calc.calculate(inputs_of(scenario)))


# -- the authority's own figures -------------------------------------------------------------------

@dataclass(frozen=True)
class LocalFigures:
    """What the authority's outcome tracking says, for the calculator to offer."""

    returning: int
    returning_span: tuple[FinancialQuarter, FinancialQuarter]
    probability: Decimal | None
    probability_span: tuple[FinancialQuarter, FinancialQuarter] | None

    def query_args(self, current: dict[str, str]) -> dict[str, str]:
        args = {**current, "returning": str(self.returning)}
        if self.probability is not None:
            args["probability"] = shown_number(self.probability)
        return args


def local_figures(programme_id: int) -> LocalFigures | None:
    """Children returning home over the latest four quarters entered, and the share whose
    return broke down within 12 months over the latest four quarters where that is known.
    None until a full year of quarters is entered."""
    summary = outcomes.summarise(outcomes.quarters(programme_id))
    if summary is None or summary.quarters < 4:
        return None
    reentry = summary.reentry_12
    return LocalFigures(
        returning=summary.returned_home,
        returning_span=(summary.first, summary.latest),
        probability=None if reentry is None else reentry.percent.quantize(Decimal("0.1")),
        probability_span=summary.reentry_12_span if reentry is not None else None,
    )
