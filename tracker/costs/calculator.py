"""The Annex 3 cost rule: what failed returns home cost, what supporting every returning family
costs, and how many more children must stay home for that support to pay for itself.

Sources (line numbers in /work/shared/seeds/):
- 000_a8735e86fa4319d0.txt lines 1370–1430: the Checklist's worked example (45%, 80 children,
  £61,614 → £2,218,104 a year; support for 80 costs £450,160; breakeven 7.31, so 8 children).
- 002_4067803ff3368800.txt lines 674–795: the spreadsheet's defaults (47%, Farmer et al 2011;
  £61,614 and £5,627, Holmes 2014), Table 2 (expected cost by number returning × probability)
  and Table 3 (breakeven by number returning).

Arithmetic is in Decimal and kept exact; rounding happens only for display (whole pounds,
breakeven to two places) and for the whole-child breakeven, which is rounded up.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class CostInputs:
    probability: Decimal  # chance that a child who returns home re-enters care, in percent
    returning: int  # children returning home from care in a year
    reentry_cost: Decimal  # pounds: one child's year back in care
    support_cost: Decimal  # pounds: supporting one family on the child's return

    def check(self) -> None:
        """ValueError for figures the rule cannot use. Forms say the same at the field first."""
        if not Decimal(0) <= self.probability <= HUNDRED:
            raise ValueError("probability must be from 0% to 100%")
        if self.returning < 0:
            raise ValueError("the number of children returning home cannot be negative")
        if self.reentry_cost <= 0:
            raise ValueError("the cost of re-entry to care must be more than £0")
        if self.support_cost < 0:
            raise ValueError("the cost of support cannot be negative")


# The spreadsheet's figures. The number returning has no national default: the form starts
# from the worked example's 80 and offers the authority's own outcome figures.
DEFAULTS = CostInputs(probability=Decimal(47), returning=80, reentry_cost=Decimal(61614),
                      support_cost=Decimal(5627))

# Table 2's rows and columns; Table 3 uses the same rows, but the slides' Table 3 stops at 200:
# rows beyond it are Homeward's, worked out with the same formula, and marked so.
TABLE_3_LAST_ROW = 200
GRID_RETURNING: tuple[int, ...] = (*range(10, 101, 10), *range(120, 301, 20))
GRID_PROBABILITIES: tuple[Decimal, ...] = tuple(
    Decimal(p) for p in (30, 35, 40, 45, 47, 50, 55, 60, 65))


def expected_cost(probability: Decimal, returning: int, reentry_cost: Decimal) -> Decimal:
    """The expected yearly cost of returns that fail: p × n × cost."""
    return probability / HUNDRED * returning * reentry_cost


def breakeven(returning: int, support_cost: Decimal, reentry_cost: Decimal) -> Decimal:
    """Children who must stay home (not re-enter care) for a year to pay for supporting all
    `returning` families: total support cost ÷ cost of a year back in care."""
    return returning * support_cost / reentry_cost


def shown_to_two_places(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def whole_children(value: Decimal) -> int:
    """Rounded up: 7.31 children means the eighth is needed to break even."""
    return int(value.to_integral_value(rounding=ROUND_CEILING))


@dataclass(frozen=True)
class CostResult:
    inputs: CostInputs
    expected_cost: Decimal
    support_cost: Decimal
    breakeven: Decimal

    @property
    def breakeven_shown(self) -> Decimal:
        return shown_to_two_places(self.breakeven)

    @property
    def breakeven_children(self) -> int:
        return whole_children(self.breakeven)

    @property
    def expected_reentries(self) -> Decimal:
        """How many of the children returning home would be expected back in care."""
        return self.inputs.probability / HUNDRED * self.inputs.returning

    @property
    def expected_reentries_shown(self) -> str:
        """37.6, or 36 when it is whole."""
        value = self.expected_reentries.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        return f"{value:f}".removesuffix(".0")


def calculate(inputs: CostInputs) -> CostResult:
    inputs.check()
    return CostResult(
        inputs=inputs,
        expected_cost=expected_cost(inputs.probability, inputs.returning, inputs.reentry_cost),
        support_cost=inputs.returning * inputs.support_cost,
        breakeven=breakeven(inputs.returning, inputs.support_cost, inputs.reentry_cost),
    )


def _with(standard: Iterable, yours) -> tuple:
    return tuple(sorted(set(standard) | ({yours} if yours is not None else set())))


@dataclass(frozen=True)
class CostGrid:
    """Table 2: expected yearly cost by number returning (rows) × probability (columns)."""

    reentry_cost: Decimal
    rows: tuple[int, ...]
    probabilities: tuple[Decimal, ...]
    your_returning: int | None = None
    your_probability: Decimal | None = None

    def cell(self, returning: int, probability: Decimal) -> Decimal:
        return expected_cost(probability, returning, self.reentry_cost)


def expected_cost_grid(reentry_cost: Decimal, *, returning: int | None = None,
                       probability: Decimal | None = None) -> CostGrid:
    """The seed's rows and columns, with the authority's own figures added where they are not
    already one of them."""
    return CostGrid(reentry_cost, _with(GRID_RETURNING, returning),
                    _with(GRID_PROBABILITIES, probability), returning, probability)


@dataclass(frozen=True)
class BreakevenRow:
    """One row of Table 3."""

    returning: int
    support_cost: Decimal
    breakeven: Decimal
    yours: bool

    @property
    def breakeven_shown(self) -> Decimal:
        return shown_to_two_places(self.breakeven)

    @property
    def breakeven_children(self) -> int:
        return whole_children(self.breakeven)

    @property
    def beyond_the_slides(self) -> bool:
        """A row the slides' Table 3 does not have: Homeward computed it."""
        return self.returning > TABLE_3_LAST_ROW


def breakeven_grid(support_cost: Decimal, reentry_cost: Decimal, *,
                   returning: int | None = None) -> list[BreakevenRow]:
    return [
        BreakevenRow(n, n * support_cost, breakeven(n, support_cost, reentry_cost),
                     n == returning)
        for n in _with(GRID_RETURNING, returning)
    ]
