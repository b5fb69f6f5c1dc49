"""The form a lead or steering member opens a questionnaire round with. The respondents'
question pages are built from the questionnaire data, not from a fixed form class."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput
from wtforms import RadioField
from wtforms.validators import InputRequired

from tracker.forms import GovDateField, choices


class OpenRoundForm(FlaskForm):
    audience = RadioField(
        "Who is it for?", widget=GovRadioInput(),
        choices=choices([("practice", "The practice group (practitioners' questionnaire)"),
                         ("strategic", "The strategic group (managers' questionnaire)")]),
        validators=[InputRequired("Choose the practice group or the strategic group")])
    time = RadioField(
        "Which questionnaire?", widget=GovRadioInput(),
        choices=choices([("1", "Time 1: before the first learning set"),
                         ("2", "Time 2: at the end of the last learning set")]),
        validators=[InputRequired("Choose Time 1 or Time 2")])
    closes_on = GovDateField("Closing date", description="The last day people can answer. "
                             "For example, 27 3 2027", required_message="Enter a closing date")
