"""The Annex 3 cost rule, checked against the seed's worked example (000 lines 1370–1430) and
against cells of the slides' Tables 2 and 3 (002 lines 674–760)."""

from decimal import Decimal

import pytest

from tracker.costs import calculator as calc
from tracker.money import format_money, format_percent


def _example(**changes) -> calc.CostInputs:
    values = {"probability": Decimal("45"), "returning": 80,
              "reentry_cost": Decimal("61614"), "support_cost": Decimal("5627")}
    values.update(changes)
    return calc.CostInputs(**values)


def test_the_seeds_worked_example_comes_out_exactly():
    result = calc.calculate(_example())
    assert result.expected_cost == Decimal("2218104")
    assert result.support_cost == Decimal("450160")
    assert result.breakeven_shown == Decimal("7.31")
    assert result.breakeven_children == 8
    assert format_money(result.expected_cost) == "£2,218,104"
    assert format_money(result.support_cost) == "£450,160"


def test_defaults_are_the_seeds_figures():
    defaults = calc.DEFAULTS
    assert defaults.probability == Decimal("47")
    assert defaults.reentry_cost == Decimal("61614")
    assert defaults.support_cost == Decimal("5627")


def test_breakeven_is_exact_before_it_is_shown():
    result = calc.calculate(_example())
    assert result.breakeven == Decimal("450160") / Decimal("61614")
    assert Decimal("7.30") < result.breakeven < Decimal("7.31")


@pytest.mark.parametrize(("returning", "support", "children"), [
    (61614, Decimal("1"), 1),        # exactly one child: not rounded up to two
    (0, Decimal("5627"), 0),         # nobody returning: nothing to break even
    (1, Decimal("0"), 0),            # free support breaks even at once
    (11, Decimal("5601.28"), 2),     # 61614.08 / 61614 is a hair over one child
])
def test_breakeven_rounds_up_to_a_whole_child(returning, support, children):
    result = calc.calculate(_example(returning=returning, support_cost=support))
    assert result.breakeven_children == children


def test_expected_cost_rounds_to_the_nearest_pound_only_when_shown():
    result = calc.calculate(_example(probability=Decimal("47"), returning=10))
    assert result.expected_cost == Decimal("289585.8")
    assert format_money(result.expected_cost) == "£289,586"


@pytest.mark.parametrize(("returning", "percent", "seed_cell"), [
    # Table 2: expected cost by number returning x probability of re-entry (002 lines 674–700)
    (10, 30, "184,842"),
    (10, 47, "289,586"),
    (30, 55, "1,016,631"),
    (80, 45, "2,218,104"),
    (90, 47, "2,606,272"),
    (140, 35, "3,019,086"),
    (220, 47, "6,370,888"),
    (260, 65, "10,412,766"),
    (300, 30, "5,545,260"),
    (300, 65, "12,014,730"),
])
def test_expected_cost_grid_reproduces_table_2(returning, percent, seed_cell):
    grid = calc.expected_cost_grid(calc.DEFAULTS.reentry_cost)
    assert grid.rows == calc.GRID_RETURNING
    assert grid.probabilities == calc.GRID_PROBABILITIES
    assert format_money(grid.cell(returning, Decimal(percent))) == f"£{seed_cell}"


def test_table_2_has_the_seeds_rows_and_columns():
    seed_rows = (10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 120, 140, 160, 180, 200, 220, 240,
                 260, 280, 300)
    seed_columns = tuple(Decimal(p) for p in (30, 35, 40, 45, 47, 50, 55, 60, 65))
    assert (seed_rows, seed_columns) == (calc.GRID_RETURNING, calc.GRID_PROBABILITIES)


def test_the_cell_the_seed_could_not_show_is_computed():
    # Table 2 prints ####### for 300 children at 55%: the column was too narrow for it.
    grid = calc.expected_cost_grid(calc.DEFAULTS.reentry_cost)
    assert format_money(grid.cell(300, Decimal(55))) == "£10,166,310"


@pytest.mark.parametrize(("returning", "support", "shown", "children"), [
    # Table 3: breakeven by number returning (002 lines 702–760)
    (10, "56,270", "0.91", 1),
    (20, "112,540", "1.83", 2),
    (40, "225,080", "3.65", 4),
    (70, "393,890", "6.39", 7),
    (80, "450,160", "7.31", 8),
    (100, "562,700", "9.13", 10),
    (120, "675,240", "10.96", 11),
    (160, "900,320", "14.61", 15),
    (180, "1,012,860", "16.44", 17),
    (200, "1,125,400", "18.27", 19),
])
def test_breakeven_grid_reproduces_table_3(returning, support, shown, children):
    rows = {r.returning: r for r in calc.breakeven_grid(calc.DEFAULTS.support_cost,
                                                        calc.DEFAULTS.reentry_cost)}
    row = rows[returning]
    assert format_money(row.support_cost) == f"£{support}"
    assert row.breakeven_shown == Decimal(shown)
    assert row.breakeven_children == children


def test_grids_follow_local_costs_and_include_the_authoritys_own_figures():
    grid = calc.expected_cost_grid(Decimal("50000"), returning=84, probability=Decimal("38"))
    assert 84 in grid.rows and Decimal(38) in grid.probabilities
    assert list(grid.rows) == sorted(grid.rows)
    assert grid.cell(84, Decimal(38)) == Decimal("1596000")
    assert grid.cell(10, Decimal(30)) == Decimal("150000")
    rows = calc.breakeven_grid(Decimal("4000"), Decimal("50000"), returning=84)
    assert [r.returning for r in rows if r.yours] == [84]


def test_the_authoritys_figures_already_in_the_grid_are_not_repeated():
    grid = calc.expected_cost_grid(calc.DEFAULTS.reentry_cost, returning=80,
                                   probability=Decimal("45"))
    assert grid.rows == calc.GRID_RETURNING
    assert grid.probabilities == calc.GRID_PROBABILITIES


@pytest.mark.parametrize("bad", [
    {"probability": Decimal("-1")},
    {"probability": Decimal("100.01")},
    {"returning": -1},
    {"reentry_cost": Decimal("0")},
    {"support_cost": Decimal("-0.01")},
])
def test_impossible_inputs_are_refused(bad):
    with pytest.raises(ValueError):
        calc.calculate(_example(**bad))


@pytest.mark.parametrize(("amount", "shown"), [
    (Decimal("0"), "£0"),
    (Decimal("999"), "£999"),
    (Decimal("1000"), "£1,000"),
    (Decimal("5627.5"), "£5,628"),
    (Decimal("12014730"), "£12,014,730"),
    (Decimal("-2500"), "−£2,500"),
    (61614, "£61,614"),
])
def test_money_is_whole_pounds_with_thousands_separators(amount, shown):
    assert format_money(amount) == shown


def test_money_can_show_pence_when_asked():
    assert format_money(Decimal("5627.5"), pence=True) == "£5,627.50"
    assert format_money(Decimal("5627"), pence=True) == "£5,627"
    assert format_money(None) == ""


def test_money_can_leave_out_the_pound_sign_for_tables_that_say_it():
    assert format_money(Decimal("2218104"), symbol=False) == "2,218,104"
    assert format_money(Decimal("-2500"), symbol=False) == "−2,500"


@pytest.mark.parametrize(("value", "shown"), [
    (Decimal("47"), "47%"), (Decimal("47.50"), "47.5%"), (Decimal("12.345"), "12.35%"), (0, "0%"),
])
def test_percentages_show_no_trailing_zeros(value, shown):
    assert format_percent(value) == shown
