from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovTextInput
from wtforms import BooleanField, Field, StringField
from wtforms.validators import DataRequired, Length

from tracker.costs import calculator as calc
from tracker.costs import services
from tracker.forms import strip_text
from tracker.money import format_money


class FigureField(Field):
    """A figure as typed ("£61,614", "47%"), read by `parse`; what was typed is kept when it
    is wrong."""

    widget = GovTextInput()

    def __init__(self, label: str, parse: Callable[[str], object],
                 show: Callable[[Decimal], str] = services.shown_number, **kwargs):
        super().__init__(label, **kwargs)
        self.parse = parse
        self.show = show

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        if isinstance(self.data, Decimal):
            return self.show(self.data)
        return "" if self.data is None else str(self.data)

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = self.parse(valuelist[0] if valuelist else "")


PROBABILITY = "probability of re-entering care"
RETURNING = "number of children returning home in a year"
REENTRY = "cost of a year of re-entry to care"
SUPPORT = "cost of support per family"


class CalculatorForm(FlaskForm):
    """A GET form: working something out saves nothing, so anyone who can see the authority
    can use it and share the URL."""

    class Meta:
        csrf = False

    probability = FigureField(
        "Probability of re-entering care", lambda t: services.parse_percent(t, PROBABILITY),
        description="The share of returns home you expect to break down, bringing the child back "
                    "into care. The NSPCC's spreadsheet starts from 47%: in one study (Farmer and "
                    "others, 2011) 47% of returns home broke down within two years. It is not a "
                    "national rate: nationally 20% of children re-enter care within one year of "
                    "returning home (Home again). Use your own from your data or an audit of "
                    "cases.")
    returning = FigureField(
        "Number of children returning home in a year",
        lambda t: services.parse_children(t, RETURNING),
        description="From your SSDA903 data. The Checklist's worked example uses 80.")
    reentry_cost = FigureField(
        "Cost of a year of re-entry to care, per child",
        lambda t: services.parse_money(t, REENTRY, above_zero=True),
        show=lambda d: format_money(d, pence=True, symbol=False),
        description="Social work, decisions, placement and legal costs. The Checklist's Annex 3 "
                    "uses £61,614 a year (Holmes, 2014).")
    support_cost = FigureField(
        "Average cost of support per family on return home",
        lambda t: services.parse_money(t, SUPPORT),
        show=lambda d: format_money(d, pence=True, symbol=False),
        description="A package of support and services for the child and family. The Checklist's "
                    "Annex 3 uses an average of £5,627 (Holmes, 2014); some of it you may already "
                    "provide.")

    def inputs(self) -> calc.CostInputs:
        return calc.CostInputs(self.probability.data, self.returning.data,
                               self.reentry_cost.data, self.support_cost.data)


def defaults() -> dict:
    d = calc.DEFAULTS
    return {"probability": d.probability, "returning": d.returning,
            "reentry_cost": d.reentry_cost, "support_cost": d.support_cost}


class ScenarioForm(FlaskForm):
    name = StringField(
        "Name this scenario", widget=GovTextInput(), filters=[strip_text],
        description="For example, \"2026–27 figures with the new support offer\".",
        validators=[DataRequired("Enter a name for the scenario"),
                    Length(max=120, message="Name must be 120 characters or fewer")])
    in_report = BooleanField("Use this scenario in the steering-group report",
                             widget=GovCheckboxInput())
