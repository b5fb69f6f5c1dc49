"""The demo authority's cost scenarios: the spreadsheet's starting figures and the
authority's own, the second chosen for the steering-group report. Called from
tracker.demo.load()."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from tracker import demo
from tracker.costs import calculator as calc
from tracker.costs import services as costs


def load(programme, people, today) -> None:
    data_manager = people["data"]
    spreadsheet = costs.save_scenario(
        programme, name="The spreadsheet's starting figures", actor=data_manager, in_report=False,
        inputs=calc.CostInputs(calc.DEFAULTS.probability, 85, calc.DEFAULTS.reentry_cost,
                               calc.DEFAULTS.support_cost))
    demo.backdate(spreadsheet, costs.SCENARIO, today - timedelta(days=34))
    local = costs.save_scenario(
        programme, name="Our re-entry rate and placement costs", actor=people["lead"],
        in_report=True,
        inputs=calc.CostInputs(Decimal(25), 85, Decimal(68400), Decimal(4900)))
    demo.backdate(local, costs.SCENARIO, today - timedelta(days=12))
