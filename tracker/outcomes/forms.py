from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
)
from wtforms import Field, HiddenField, RadioField, SelectField, TextAreaField
from wtforms.validators import Length

from tracker.forms import GovDateField, VersionField, choices, strip_text
from tracker.outcomes.services import FIGURES, Figure, check_figures, parse_count
from tracker.outcomes.spc import DEFAULT_RUN_LENGTH, RUN_LENGTHS


class CountField(Field):
    """A count of children as typed: whole, 0 or more; blank only when the figure may be
    unknown. Keeps what was typed when it is wrong."""

    widget = GovTextInput()

    def __init__(self, figure: Figure, **kwargs):
        super().__init__(figure.label, description=figure.hint, **kwargs)
        self.figure = figure

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = parse_count(valuelist[0] if valuelist else "", self.figure)


class _QuarterFigures(FlaskForm):
    def figures(self) -> dict[str, int | None]:
        return {f.key: self[f.key].data for f in FIGURES}

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        parsed = {f.key: self[f.key].data for f in FIGURES if not self[f.key].errors}
        for key, message in check_figures(parsed).items():
            self[key].errors.append(message)
            ok = False
        return ok


def _fields() -> dict:
    """In the order the page asks them, which is the order the error summary lists them."""
    return {
        "quarter": SelectField("Quarter", widget=GovSelect(), validate_choice=False,
                               description="Financial quarters: Q1 is April to June."),
        **{f.key: CountField(f) for f in FIGURES},
        "notes": TextAreaField(
            "Notes", widget=GovTextArea(), filters=[strip_text],
            description="Optional. Where the figures came from, and anything that explains "
                        "them.",
            validators=[Length(max=5000, message="Notes must be 5,000 characters or fewer")]),
        "version": VersionField(),
    }


# A quarter's figures. The new-quarter form also asks which quarter; an edit drops that field.
QuarterForm = type("QuarterForm", (_QuarterFigures,), _fields())


class ImportForm(FlaskForm):
    file = FileField("Spreadsheet file", widget=GovFileInput(),
                     description="Excel (.xlsx) or CSV, with a first row of column headings.")
    csv_text = HiddenField()


class SpcForm(FlaskForm):
    """How to read the SPC charts, sent in the address so a view can be shared."""

    every = RadioField("Figures", widget=GovRadioInput(), validate_choice=True,
                       choices=choices([("quarter", "Quarterly"), ("month", "Monthly")]))
    run_length = RadioField(
        "Points in a run", widget=GovRadioInput(), coerce=int, validate_choice=True,
        choices=choices([(n, f"{n} points") for n in RUN_LENGTHS]),
        description=f"A run of this many points on one side of the mean, or going one way, is "
                    f"a signal. Sources differ between 6 and 7; the default is "
                    f"{DEFAULT_RUN_LENGTH}, as in NHS England's Making Data Count tools.")
    rebase = GovDateField(
        "Rebase from", description="Optional. Work out the mean and limits again from this "
                                   "date, for example when the Framework went live. For "
                                   "example, 1 4 2026")

    class Meta:
        csrf = False
