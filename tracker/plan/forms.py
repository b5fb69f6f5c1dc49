"""The implementation plan's forms: workstreams and milestones."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from tracker.forms import GovDateField, VersionField, choices, strip_text
from tracker.models import MilestoneStatus


class WorkstreamForm(FlaskForm):
    name = StringField(
        "Name", widget=GovTextInput(), filters=[strip_text],
        description="For example, Data, monitoring and evaluation",
        validators=[DataRequired("Enter the workstream's name"),
                    Length(max=200, message="Name must be 200 characters or fewer")])
    lead = SelectField("Lead", widget=GovSelect())
    members = SelectMultipleField("Members", widget=GovCheckboxesInput())
    aims = TextAreaField(
        "Aims", widget=GovTextArea(), filters=[strip_text],
        description="Optional. What the workstream is for. You can use Markdown.",
        validators=[Length(max=5000, message="Aims must be 5,000 characters or fewer")])
    version = VersionField()


class MilestoneForm(FlaskForm):
    title = StringField(
        "Milestone", widget=GovTextInput(), filters=[strip_text],
        validators=[DataRequired("Enter the milestone"),
                    Length(max=300, message="Milestone must be 300 characters or fewer")])
    target_date = GovDateField("Target date", required_message="Enter the target date",
                               description="For example, 27 3 2027")
    workstream = SelectField("Workstream", widget=GovSelect())
    status = RadioField("Status", widget=GovRadioInput(),
                        choices=choices((s.value, s.label) for s in MilestoneStatus),
                        validators=[DataRequired("Select the milestone's status")])
    achieved_on = GovDateField("Date achieved", description="Only if achieved.")
    notes = TextAreaField(
        "Notes", widget=GovTextArea(), filters=[strip_text],
        validators=[Length(max=5000, message="Notes must be 5,000 characters or fewer")])
    version = VersionField()

    def validate_achieved_on(self, field):
        if self.status.data == MilestoneStatus.ACHIEVED.value and not field.data:
            raise ValidationError("Enter the date the milestone was achieved")
